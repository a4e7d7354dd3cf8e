/* sch-image-decode.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Images become pages at their real size (from their resolution, else
 * SCH_SLOT_PAGE_DEFAULT_DPI). JPEG files are kept byte for byte: an EXIF
 * rotation becomes the page's rotation, so only mirrored orientations are
 * re-encoded. PNG files are kept as they are; TIFF pages become PNG.
 * Messages here are for the log: the app words its own from the codes.
 */
#define G_LOG_DOMAIN "sch-pdf-helper"

#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "sch-image-decode.h"
#include "sch-image-import.h"
#include "sch-pdf-engine.h"
#include "sch-pdf-error.h"
#include "sch-slot-page.h"
#include "sch-slot-render.h"

static gboolean
set_damaged (GError **error)
{
  g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "damaged image");
  return FALSE;
}

static gboolean
check_pixels (guint64   width,
              guint64   height,
              GError  **error)
{
  if (width == 0 || height == 0)
    return set_damaged (error);
  if (width * height > SCH_IMPORT_MAX_PIXELS)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "too many pixels");
      return FALSE;
    }
  return TRUE;
}

/* Pixel sizes from the headers, so that huge images are refused before
 * a decoder allocates for them. */

static gboolean
jpeg_header_size (const guint8 *data,
                  gsize         size,
                  guint        *width,
                  guint        *height)
{
  gsize pos = 2;

  while (pos + 4 <= size)
    {
      guint8 marker;
      gsize length;

      if (data[pos] != 0xff)
        return FALSE;
      marker = data[pos + 1];
      if (marker == 0xff)
        {
          pos++;
          continue;
        }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd8))
        {
          pos += 2;
          continue;
        }
      length = (data[pos + 2] << 8) | data[pos + 3];
      if (length < 2)
        return FALSE;
      if (marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc)
        {
          if (pos + 9 > size)
            return FALSE;
          *height = (data[pos + 5] << 8) | data[pos + 6];
          *width = (data[pos + 7] << 8) | data[pos + 8];
          return TRUE;
        }
      if (marker == 0xda || marker == 0xd9)
        return FALSE;
      pos += 2 + length;
    }
  return FALSE;
}

static gboolean
png_header_size (const guint8 *data,
                 gsize         size,
                 guint        *width,
                 guint        *height)
{
  if (size < 24 || memcmp (data + 12, "IHDR", 4) != 0)
    return FALSE;
  *width = ((guint32) data[16] << 24) | (data[17] << 16) | (data[18] << 8) | data[19];
  *height = ((guint32) data[20] << 24) | (data[21] << 16) | (data[22] << 8) | data[23];
  return TRUE;
}

/* Whether the file is all there: decoders show the rows of a cut file and
 * fill the rest with gray, which must not become a page. */

static gboolean
jpeg_is_complete (const guint8 *data,
                  gsize         size)
{
  gsize pos = 2;

  while (pos + 2 <= size)
    {
      guint8 marker;

      if (data[pos] != 0xff)
        return FALSE;
      marker = data[pos + 1];
      if (marker == 0xd9)
        return TRUE;
      if (marker == 0xff || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
        {
          pos += marker == 0xff ? 1 : 2;
          continue;
        }
      if (pos + 4 > size)
        return FALSE;
      pos += 2 + ((data[pos + 2] << 8) | data[pos + 3]);
      if (marker != 0xda)
        continue;
      /* Entropy-coded data runs to the next marker that is neither a
       * stuffed 0xff nor a restart. */
      while (pos + 1 < size &&
             !(data[pos] == 0xff && data[pos + 1] != 0x00 && !(data[pos + 1] >= 0xd0 && data[pos + 1] <= 0xd7)))
        pos++;
    }
  return FALSE;
}

static gboolean
png_is_complete (const guint8 *data,
                 gsize         size)
{
  gsize pos = 8;

  while (pos + 12 <= size)
    {
      guint32 length = ((guint32) data[pos] << 24) | (data[pos + 1] << 16) | (data[pos + 2] << 8) | data[pos + 3];

      if (memcmp (data + pos + 4, "IEND", 4) == 0)
        return TRUE;
      if (length > size - pos - 12)
        return FALSE;
      pos += 12 + (gsize) length;
    }
  return FALSE;
}

/* JPEG and PNG */

static double
pixbuf_dpi (GdkPixbuf *pixbuf)
{
  const char *x_dpi = gdk_pixbuf_get_option (pixbuf, "x-dpi");
  double dpi = x_dpi != NULL ? g_ascii_strtod (x_dpi, NULL) : 0;

  /* Many cameras and editors write 72 or 96 dpi without meaning it; a
   * photo would then become a poster. Only believe scanner-like values. */
  return dpi >= 100 && dpi <= 2400 ? dpi : SCH_SLOT_PAGE_DEFAULT_DPI;
}

/* A loader that fails to write has closed itself; closing it again
 * would be a programming error. */
static GdkPixbuf *
load_pixbuf (GdkPixbufLoader  *loader,
             GBytes           *bytes,
             GError          **error)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  GdkPixbuf *pixbuf;

  if (!gdk_pixbuf_loader_write (loader, data, size, NULL) ||
      !gdk_pixbuf_loader_close (loader, NULL) ||
      (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    {
      set_damaged (error);
      return NULL;
    }
  return g_object_ref (pixbuf);
}

/**
 * sch_image_decode_pixbuf:
 * @bytes: a JPEG or PNG file
 * @media_type: its type
 * @error: return location for a #SchPdfError
 *
 * Returns: (transfer full): the whole image, or %NULL
 */
GdkPixbuf *
sch_image_decode_pixbuf (GBytes      *bytes,
                         const char  *media_type,
                         GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_mime_type (media_type, NULL);

  if (loader == NULL)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no loader");
      return NULL;
    }
  return load_pixbuf (loader, bytes, error);
}

static int
orientation_rotation (int orientation)
{
  switch (orientation)
    {
    case 3:
      return 180;
    case 6:
      return 90;
    case 8:
      return 270;
    default:
      return 0;
    }
}

static GPtrArray *
import_jpeg_or_png (GBytes      *bytes,
                    const char  *media_type,
                    GError     **error)
{
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  gboolean is_jpeg = g_str_equal (media_type, "image/jpeg");
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint width = 0, height = 0;
  const char *option;
  int orientation;

  if (!(is_jpeg ? jpeg_header_size (data, size, &width, &height)
                : png_header_size (data, size, &width, &height)))
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_pixels (width, height, error))
    return NULL;
  if (!(is_jpeg ? jpeg_is_complete (data, size) : png_is_complete (data, size)))
    {
      set_damaged (error);
      return NULL;
    }

  pixbuf = sch_image_decode_pixbuf (bytes, media_type, error);
  if (pixbuf == NULL)
    return NULL;

  option = gdk_pixbuf_get_option (pixbuf, "orientation");
  orientation = option != NULL ? atoi (option) : 1;
  if (is_jpeg && (orientation == 2 || orientation == 4 || orientation == 5 || orientation == 7))
    {
      /* A mirror image cannot be a rotation of the kept JPEG: re-encode. */
      g_autoptr(GdkPixbuf) upright = gdk_pixbuf_apply_embedded_orientation (pixbuf);
      g_autofree char *buffer = NULL;
      g_autoptr(GBytes) encoded = NULL;
      gsize buffer_size;

      if (!gdk_pixbuf_save_to_buffer (upright, &buffer, &buffer_size, "jpeg", NULL,
                                      "quality", "95", NULL))
        {
          set_damaged (error);
          return NULL;
        }
      encoded = g_bytes_new_take (g_steal_pointer (&buffer), buffer_size);
      g_ptr_array_add (pages, sch_slot_page_new_image (encoded, media_type,
                                                       gdk_pixbuf_get_width (upright),
                                                       gdk_pixbuf_get_height (upright),
                                                       pixbuf_dpi (pixbuf), 0));
      return g_steal_pointer (&pages);
    }

  g_ptr_array_add (pages, sch_slot_page_new_image (bytes, media_type,
                                                   gdk_pixbuf_get_width (pixbuf),
                                                   gdk_pixbuf_get_height (pixbuf),
                                                   pixbuf_dpi (pixbuf),
                                                   is_jpeg ? orientation_rotation (orientation) : 0));
  return g_steal_pointer (&pages);
}

/* TIFF, read from memory */

typedef struct {
  const guint8 *data;
  gsize size;
  gsize pos;
} MemoryFile;

static tmsize_t
tiff_read (thandle_t handle,
           void     *buffer,
           tmsize_t  count)
{
  MemoryFile *file = handle;
  gsize n = MIN ((gsize) count, file->size - file->pos);

  memcpy (buffer, file->data + file->pos, n);
  file->pos += n;
  return n;
}

static tmsize_t
tiff_write (thandle_t handle,
            void     *buffer,
            tmsize_t  count)
{
  return 0;
}

static toff_t
tiff_seek (thandle_t handle,
           toff_t    offset,
           int       whence)
{
  MemoryFile *file = handle;
  guint64 base = whence == SEEK_CUR ? file->pos : whence == SEEK_END ? file->size : 0;

  if (offset > G_MAXUINT64 - base || base + offset > file->size)
    return (toff_t) -1;
  file->pos = base + offset;
  return file->pos;
}

static int
tiff_close (thandle_t handle)
{
  return 0;
}

static toff_t
tiff_size (thandle_t handle)
{
  return ((MemoryFile *) handle)->size;
}

static int
tiff_map (thandle_t  handle,
          void     **base,
          toff_t    *size)
{
  return 0;
}

static void
tiff_unmap (thandle_t  handle,
            void      *base,
            toff_t     size)
{
}

/* libtiff reports trouble through these; the failing call tells us enough. */
static int
tiff_quiet (TIFF       *tif,
            void       *user_data,
            const char *module,
            const char *format,
            va_list     args)
{
  return 1;
}

static double
tiff_dpi (TIFF *tif)
{
  float resolution = 0;
  guint16 unit = RESUNIT_INCH;

  if (!TIFFGetField (tif, TIFFTAG_XRESOLUTION, &resolution) || resolution <= 0)
    return SCH_SLOT_PAGE_DEFAULT_DPI;
  TIFFGetFieldDefaulted (tif, TIFFTAG_RESOLUTIONUNIT, &unit);
  if (unit == RESUNIT_CENTIMETER)
    resolution *= 2.54f;
  else if (unit != RESUNIT_INCH)
    return SCH_SLOT_PAGE_DEFAULT_DPI;
  return resolution >= 50 && resolution <= 2400 ? resolution : SCH_SLOT_PAGE_DEFAULT_DPI;
}

static cairo_status_t
append_png (void                *closure,
            const unsigned char *data,
            unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* One TIFF page (the current directory) as a PNG page. */
static SchSlotPage *
tiff_page (TIFF        *tif,
           GError     **error)
{
  guint32 width = 0, height = 0;
  g_autofree guint32 *raster = NULL;
  g_autoptr(GByteArray) png = NULL;
  g_autoptr(GBytes) png_bytes = NULL;
  cairo_surface_t *surface;
  cairo_status_t status;
  guint8 *pixels;
  int stride;
  gboolean opaque = TRUE;

  if (!TIFFGetField (tif, TIFFTAG_IMAGEWIDTH, &width) ||
      !TIFFGetField (tif, TIFFTAG_IMAGELENGTH, &height))
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_pixels (width, height, error))
    return NULL;

  raster = g_try_malloc_n ((gsize) width * height, sizeof (guint32));
  if (raster == NULL ||
      !TIFFReadRGBAImageOriented (tif, width, height, raster, ORIENTATION_TOPLEFT, 0))
    {
      set_damaged (error);
      return NULL;
    }
  for (gsize i = 0; i < (gsize) width * height && opaque; i++)
    opaque = TIFFGetA (raster[i]) == 0xff;

  surface = cairo_image_surface_create (opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32,
                                        width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      check_pixels (G_MAXUINT32, G_MAXUINT32, error);
      return NULL;
    }
  cairo_surface_flush (surface);
  pixels = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (guint32 y = 0; y < height; y++)
    {
      guint32 *row = (guint32 *) (pixels + (gsize) y * stride);

      for (guint32 x = 0; x < width; x++)
        {
          guint32 p = raster[(gsize) y * width + x];
          guint32 a = TIFFGetA (p);

          /* libtiff hands out unassociated alpha; cairo wants it premultiplied. */
          row[x] = (a << 24) |
                   (((TIFFGetR (p) * a + 127) / 255) << 16) |
                   (((TIFFGetG (p) * a + 127) / 255) << 8) |
                   ((TIFFGetB (p) * a + 127) / 255);
        }
    }
  cairo_surface_mark_dirty (surface);
  g_clear_pointer (&raster, g_free);

  png = g_byte_array_new ();
  status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      set_damaged (error);
      return NULL;
    }
  png_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&png));
  return sch_slot_page_new_image (png_bytes, "image/png", width, height, tiff_dpi (tif), 0);
}

/* All pages, or none when there are more than @max_pages (when it is not
 * negative): a file of ten thousand pages is refused before one is decoded. */
static GPtrArray *
import_tiff (GBytes   *bytes,
             gint64    max_pages,
             guint    *n_pages,
             GError  **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  MemoryFile file = { 0 };
  TIFFOpenOptions *options;
  TIFF *tif;

  file.data = g_bytes_get_data (bytes, &file.size);
  options = TIFFOpenOptionsAlloc ();
  TIFFOpenOptionsSetMaxSingleMemAlloc (options, (tmsize_t) SCH_IMPORT_MAX_PIXELS * 4);
  TIFFOpenOptionsSetErrorHandlerExtR (options, tiff_quiet, NULL);
  TIFFOpenOptionsSetWarningHandlerExtR (options, tiff_quiet, NULL);
  tif = TIFFClientOpenExt ("image", "rm", &file, tiff_read, tiff_write, tiff_seek,
                           tiff_close, tiff_size, tiff_map, tiff_unmap, options);
  TIFFOpenOptionsFree (options);
  if (tif == NULL)
    {
      set_damaged (error);
      return NULL;
    }

  *n_pages = TIFFNumberOfDirectories (tif);
  if (*n_pages == 0)
    {
      set_damaged (error);
      TIFFClose (tif);
      return NULL;
    }
  if (max_pages >= 0 && *n_pages > max_pages)
    {
      TIFFClose (tif);
      return g_steal_pointer (&pages);
    }

  for (guint i = 0; i < *n_pages; i++)
    {
      SchSlotPage *page;

      if (!TIFFSetDirectory (tif, i) || (page = tiff_page (tif, error)) == NULL)
        {
          if (error != NULL && *error == NULL)
            set_damaged (error);
          TIFFClose (tif);
          return NULL;
        }
      g_ptr_array_add (pages, page);
      sch_pdf_engine_page_done ();
    }
  TIFFClose (tif);
  return g_steal_pointer (&pages);
}

/**
 * sch_image_decode_pages:
 * @bytes: a JPEG, PNG or TIFF file
 * @max_pages: the most pages to decode; negative for no limit
 * @n_pages: (out): the number of pages of the file
 * @error: return location for a #SchPdfError
 *
 * Returns: (transfer container) (element-type SchSlotPage): the pages, none
 *   when there are more than @max_pages, or %NULL
 */
GPtrArray *
sch_image_decode_pages (GBytes   *bytes,
                        gint64    max_pages,
                        guint    *n_pages,
                        GError  **error)
{
  const char *media_type = sch_import_sniff_media_type (bytes);

  *n_pages = 0;
  if (g_strcmp0 (media_type, "image/tiff") == 0)
    return import_tiff (bytes, max_pages, n_pages, error);
  if (g_strcmp0 (media_type, "image/jpeg") != 0 && g_strcmp0 (media_type, "image/png") != 0)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "not an image");
      return NULL;
    }
  *n_pages = 1;
  if (max_pages == 0)
    return g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  return import_jpeg_or_png (bytes, media_type, error);
}

static void
size_prepared_cb (GdkPixbufLoader *loader,
                  int              width,
                  int              height,
                  gpointer         user_data)
{
  int target = GPOINTER_TO_INT (user_data);

  if (width <= 0 || height <= 0)
    return;
  gdk_pixbuf_loader_set_size (loader, target, MAX (1, (int) lround ((double) height * target / width)));
}

/**
 * sch_image_decode_thumbnail:
 * @bytes: a JPEG or PNG file
 * @width: the width of the picture in pixels
 * @error: return location for a #SchPdfError
 *
 * Decodes the image at @width pixels (decoders scale as they go) and puts
 * it on white, as pages of PDFs are drawn.
 *
 * Returns: (transfer full): an opaque ARGB32 image surface, or %NULL
 */
cairo_surface_t *
sch_image_decode_thumbnail (GBytes   *bytes,
                            int       width,
                            GError  **error)
{
  const char *media_type = sch_import_sniff_media_type (bytes);
  gboolean is_jpeg = g_strcmp0 (media_type, "image/jpeg") == 0;
  g_autoptr(GdkPixbufLoader) loader = NULL;
  g_autoptr(GdkPixbuf) pixbuf = NULL;
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint image_width = 0, image_height = 0;
  cairo_surface_t *picture, *surface;
  cairo_t *cr;

  if (!is_jpeg && g_strcmp0 (media_type, "image/png") != 0)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "not an image");
      return NULL;
    }
  if (!(is_jpeg ? jpeg_header_size (data, size, &image_width, &image_height)
                : png_header_size (data, size, &image_width, &image_height)))
    {
      set_damaged (error);
      return NULL;
    }
  if (!check_pixels (image_width, image_height, error) ||
      !check_pixels (width, (guint64) width * image_height / image_width + 1, error))
    return NULL;

  loader = gdk_pixbuf_loader_new_with_mime_type (media_type, NULL);
  if (loader == NULL)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no loader");
      return NULL;
    }
  g_signal_connect (loader, "size-prepared", G_CALLBACK (size_prepared_cb), GINT_TO_POINTER (width));
  pixbuf = load_pixbuf (loader, bytes, error);
  if (pixbuf == NULL)
    return NULL;

  picture = sch_slot_render_surface_from_pixbuf (pixbuf);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, gdk_pixbuf_get_width (pixbuf),
                                        gdk_pixbuf_get_height (pixbuf));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_surface (cr, picture, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_destroy (picture);
  cairo_surface_flush (surface);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "no memory");
      return NULL;
    }
  return surface;
}
