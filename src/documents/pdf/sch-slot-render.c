/* sch-slot-render.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf-helper"

#include "config.h"

#include <cairo-pdf.h>
#include <math.h>

#include "sch-image-decode.h"
#include "sch-pdf-engine.h"
#include "sch-pdf-error.h"
#include "sch-slot-composer.h"
#include "sch-slot-render.h"

#define A4_SHORT_PT (210.0 / 25.4 * 72.0)
#define A4_LONG_PT  (297.0 / 25.4 * 72.0)

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/**
 * sch_slot_render_surface_from_pixbuf:
 * @pixbuf: an RGB or RGBA pixbuf
 *
 * Returns: (transfer full): the pixels as a cairo image surface (check its status)
 */
cairo_surface_t *
sch_slot_render_surface_from_pixbuf (GdkPixbuf *pixbuf)
{
  int width = gdk_pixbuf_get_width (pixbuf);
  int height = gdk_pixbuf_get_height (pixbuf);
  int channels = gdk_pixbuf_get_n_channels (pixbuf);
  int src_stride = gdk_pixbuf_get_rowstride (pixbuf);
  gboolean alpha = gdk_pixbuf_get_has_alpha (pixbuf);
  const guint8 *src = gdk_pixbuf_read_pixels (pixbuf);
  cairo_surface_t *surface;
  guint8 *dst;
  int dst_stride;

  surface = cairo_image_surface_create (alpha ? CAIRO_FORMAT_ARGB32 : CAIRO_FORMAT_RGB24,
                                        width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    return surface;
  cairo_surface_flush (surface);
  dst = cairo_image_surface_get_data (surface);
  dst_stride = cairo_image_surface_get_stride (surface);

  for (int y = 0; y < height; y++)
    {
      const guint8 *s = src + (gsize) y * src_stride;
      guint32 *d = (guint32 *) (dst + (gsize) y * dst_stride);

      for (int x = 0; x < width; x++, s += channels)
        {
          guint32 a = alpha ? s[3] : 0xff;
          guint32 r = (s[0] * a + 127) / 255;
          guint32 g = (s[1] * a + 127) / 255;
          guint32 b = (s[2] * a + 127) / 255;

          d[x] = (a << 24) | (r << 16) | (g << 8) | b;
        }
    }
  cairo_surface_mark_dirty (surface);
  return surface;
}

/**
 * sch_slot_render_load_image:
 * @page: an image page
 * @error: return location for an error
 *
 * Decodes the page's image. For JPEG the original bytes are attached as
 * mime data, so that a PDF embeds them as they are instead of re-encoding.
 *
 * Returns: (transfer full): an image surface, or %NULL
 */
cairo_surface_t *
sch_slot_render_load_image (const SchSlotPage *page,
                            GError           **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  cairo_surface_t *surface;

  g_return_val_if_fail (page != NULL && page->kind == SCH_SLOT_PAGE_IMAGE, NULL);

  pixbuf = sch_image_decode_pixbuf (page->bytes, page->media_type, error);
  if (pixbuf == NULL)
    return NULL;
  if (gdk_pixbuf_get_width (pixbuf) != page->width_px || gdk_pixbuf_get_height (pixbuf) != page->height_px)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "image size differs");
      return NULL;
    }

  surface = sch_slot_render_surface_from_pixbuf (pixbuf);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "no memory");
      return NULL;
    }
  if (g_str_equal (page->media_type, "image/jpeg"))
    cairo_surface_set_mime_data (surface, CAIRO_MIME_TYPE_JPEG,
                                 g_bytes_get_data (page->bytes, NULL), g_bytes_get_size (page->bytes),
                                 (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (page->bytes));
  return surface;
}

/* Maps the unrotated content (@width × @height points) onto the page. */
static void
apply_rotation (cairo_t *cr,
                int      rotation,
                double   width,
                double   height)
{
  switch (rotation)
    {
    case 90:
      cairo_translate (cr, height, 0);
      break;
    case 180:
      cairo_translate (cr, width, height);
      break;
    case 270:
      cairo_translate (cr, 0, width);
      break;
    default:
      return;
    }
  cairo_rotate (cr, rotation * G_PI / 180.0);
}

/* Images larger than A4 are scaled down to fit A4 in their orientation;
 * smaller ones (a photo, a receipt) keep their real size. */
static double
fit_to_a4 (double width,
           double height)
{
  double box_w = width > height ? A4_LONG_PT : A4_SHORT_PT;
  double box_h = width > height ? A4_SHORT_PT : A4_LONG_PT;

  return MIN (1.0, MIN (box_w / width, box_h / height));
}

static gboolean
draw_page (cairo_surface_t   *pdf,
           const SchSlotPage *page,
           SchSlotPdfDrawer   pdf_drawer,
           gpointer           user_data,
           GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  cairo_surface_t *image = NULL;
  double width, height, scale = 1.0, content_scale = 1.0;
  gboolean sideways = page->rotation == 90 || page->rotation == 270;
  cairo_t *cr;

  if (page->kind == SCH_SLOT_PAGE_IMAGE)
    {
      image = sch_slot_render_load_image (page, error);
      if (image == NULL)
        return FALSE;
      width = page->width_px * 72.0 / page->dpi;
      height = page->height_px * 72.0 / page->dpi;
      content_scale = 72.0 / page->dpi;
      scale = sideways ? fit_to_a4 (height, width) : fit_to_a4 (width, height);
    }
  else if (!pdf_drawer (page, NULL, &width, &height, user_data, error))
    return FALSE;

  if (sideways)
    cairo_pdf_surface_set_size (pdf, height * scale, width * scale);
  else
    cairo_pdf_surface_set_size (pdf, width * scale, height * scale);

  cr = cairo_create (pdf);
  cairo_scale (cr, scale, scale);
  apply_rotation (cr, page->rotation, width, height);
  if (image != NULL)
    {
      cairo_scale (cr, content_scale, content_scale);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_surface_destroy (image);
    }
  else if (!pdf_drawer (page, cr, &width, &height, user_data, &local_error))
    {
      cairo_destroy (cr);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  cairo_show_page (cr);
  cairo_destroy (cr);
  return TRUE;
}

/**
 * sch_slot_render:
 * @pages: (element-type SchSlotPage): the pages in order
 * @pdf_drawer: draws pages of PDFs
 * @user_data: data for @pdf_drawer
 * @error: return location for an error
 *
 * Composes @pages into one PDF. The output depends only on the pages: the
 * same pages give the same bytes.
 *
 * Returns: (transfer full): the PDF, or %NULL
 */
GBytes *
sch_slot_render (GPtrArray        *pages,
                 SchSlotPdfDrawer  pdf_drawer,
                 gpointer          user_data,
                 GError          **error)
{
  g_autoptr(GByteArray) out = NULL;
  cairo_surface_t *pdf;
  cairo_status_t status;

  g_return_val_if_fail (pages != NULL && pages->len > 0, NULL);
  g_return_val_if_fail (pdf_drawer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  out = g_byte_array_new ();
  pdf = cairo_pdf_surface_create_for_stream (append_to_array, out, A4_SHORT_PT, A4_LONG_PT);
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATE_DATE, SCH_SLOT_COMPOSER_DATE);
  cairo_pdf_surface_set_metadata (pdf, CAIRO_PDF_METADATA_CREATOR, "Schalter");

  for (guint i = 0; i < pages->len; i++)
    {
      if (!draw_page (pdf, g_ptr_array_index (pages, i), pdf_drawer, user_data, error))
        {
          cairo_surface_destroy (pdf);
          return NULL;
        }
      sch_pdf_engine_page_done ();
    }
  cairo_surface_finish (pdf);
  status = cairo_surface_status (pdf);
  cairo_surface_destroy (pdf);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE,
                   "cairo failed: %s", cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
