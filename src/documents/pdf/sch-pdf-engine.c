/* sch-pdf-engine.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf-helper"

#include "config.h"

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <math.h>
#include <poppler.h>

#include "sch-image-decode.h"
#include "sch-pdf-engine.h"
#include "sch-pdf-error.h"
#include "sch-pdf-protocol.h"
#include "sch-pdf-scan.h"
#include "sch-slot-composer.h"
#include "sch-slot-render.h"

/* poppler-glib 22.12 defines no autoptr cleanups of its own. */
typedef PopplerDocument SchPopplerDocument;
typedef PopplerPage SchPopplerPage;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPopplerPage, g_object_unref)

#define MAX_RENDER_WIDTH 4096
#define MAX_RENDER_PIXELS (64 * 1024 * 1024)
#define FLATTEN_JPEG_QUALITY "85"

typedef struct {
  JsonObject *response;
  GPtrArray *blobs;
} Answer;

static void
answer_init (Answer *answer)
{
  answer->response = json_object_new ();
  answer->blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  json_object_set_boolean_member (answer->response, "ok", TRUE);
}

static GBytes *
answer_finish (Answer *answer)
{
  GBytes *message = sch_pdf_message_encode (answer->response, answer->blobs);

  json_object_unref (answer->response);
  g_ptr_array_unref (answer->blobs);
  return message;
}

static SchPdfEnginePageHook page_hook;
static guint pages_done;

void
sch_pdf_engine_set_page_hook (SchPdfEnginePageHook hook)
{
  page_hook = hook;
}

void
sch_pdf_engine_page_done (void)
{
  pages_done++;
  if (page_hook != NULL)
    page_hook (pages_done);
}

GBytes *
sch_pdf_engine_error_response (const char *code)
{
  g_autoptr(JsonObject) response = json_object_new ();

  json_object_set_boolean_member (response, "ok", FALSE);
  json_object_set_string_member (response, "error", code);
  return sch_pdf_message_encode (response, NULL);
}

static const char *
error_code (const GError *error)
{
  if (error->domain != SCH_PDF_ERROR)
    return "damaged";
  switch (error->code)
    {
    case SCH_PDF_ERROR_NEEDS_PASSWORD:
      return "needs-password";
    case SCH_PDF_ERROR_WRONG_PASSWORD:
      return "wrong-password";
    case SCH_PDF_ERROR_TOO_LARGE:
      return "too-large";
    case SCH_PDF_ERROR_UNSUPPORTED:
      return "unsupported";
    default:
      return "damaged";
    }
}

static PopplerDocument *
open_document (GBytes      *pdf,
               const char  *password,
               GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  PopplerDocument *document;

  if (g_bytes_get_size (pdf) == 0)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "empty");
      return NULL;
    }

  /* Not poppler_document_new_from_bytes(): it crashes on a wrong password
   * (poppler 22.12); the stream variant reports POPPLER_ERROR_ENCRYPTED. */
  stream = g_memory_input_stream_new_from_bytes (pdf);
  document = poppler_document_new_from_stream (stream, g_bytes_get_size (pdf), password,
                                               NULL, &local_error);
  if (document == NULL)
    {
      if (g_error_matches (local_error, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED))
        g_set_error_literal (error, SCH_PDF_ERROR,
                             password != NULL ? SCH_PDF_ERROR_WRONG_PASSWORD
                                              : SCH_PDF_ERROR_NEEDS_PASSWORD,
                             "encrypted");
      else
        g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "damaged");
      return NULL;
    }
  if (poppler_document_get_n_pages (document) <= 0)
    {
      g_object_unref (document);
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "no pages");
      return NULL;
    }
  return document;
}

static GBytes *
request_pdf (GPtrArray *blobs)
{
  return blobs->len == 1 ? g_ptr_array_index (blobs, 0) : NULL;
}

/* Inspect */

static void
classify_action (PopplerAction *action,
                 guint         *flags)
{
  if (action == NULL)
    return;
  switch (action->type)
    {
    case POPPLER_ACTION_JAVASCRIPT:
      *flags |= SCH_PDF_ACTIVE_JAVASCRIPT;
      break;
    case POPPLER_ACTION_LAUNCH:
    case POPPLER_ACTION_GOTO_REMOTE:
      *flags |= SCH_PDF_ACTIVE_LAUNCH;
      break;
    case POPPLER_ACTION_URI:
      *flags |= SCH_PDF_ACTIVE_URI;
      break;
    case POPPLER_ACTION_MOVIE:
    case POPPLER_ACTION_RENDITION:
      *flags |= SCH_PDF_ACTIVE_LAUNCH;
      break;
    default:
      break;
    }
}

static guint
page_active_content (PopplerPage *page)
{
  GList *links = poppler_page_get_link_mapping (page);
  GList *fields = poppler_page_get_form_field_mapping (page);
  GList *annots = poppler_page_get_annot_mapping (page);
  guint flags = 0;

  for (GList *l = links; l != NULL; l = l->next)
    classify_action (((PopplerLinkMapping *) l->data)->action, &flags);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      PopplerFormField *field = ((PopplerFormFieldMapping *) l->data)->field;

      /* Not poppler_form_field_get_additional_action(): it leaks in
       * 22.12; has_javascript() and the name scans see those scripts. */
      flags |= SCH_PDF_ACTIVE_FORMS;
      classify_action (poppler_form_field_get_action (field), &flags);
    }
  for (GList *l = annots; l != NULL; l = l->next)
    {
      PopplerAnnotType type = poppler_annot_get_annot_type (((PopplerAnnotMapping *) l->data)->annot);

      if (type == POPPLER_ANNOT_FILE_ATTACHMENT)
        flags |= SCH_PDF_ACTIVE_EMBEDDED_FILES;
      else if (type == POPPLER_ANNOT_WIDGET)
        flags |= SCH_PDF_ACTIVE_FORMS;
      else if (type == POPPLER_ANNOT_MOVIE || type == POPPLER_ANNOT_SCREEN)
        flags |= SCH_PDF_ACTIVE_LAUNCH;
    }

  poppler_page_free_link_mapping (links);
  poppler_page_free_form_field_mapping (fields);
  poppler_page_free_annot_mapping (annots);
  return flags;
}

static gboolean
handle_inspect (JsonObject  *request,
                GPtrArray   *blobs,
                Answer      *answer,
                GError     **error)
{
  const char *password = json_object_get_string_member_with_default (request, "password", NULL);
  g_autoptr(SchPopplerDocument) document = NULL;
  GBytes *pdf = request_pdf (blobs);
  JsonArray *sizes;
  JsonObject *active;
  gsize size;
  const guint8 *data;
  guint flags;
  int n_pages;

  if (pdf == NULL)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no PDF");
      return FALSE;
    }
  document = open_document (pdf, password, error);
  if (document == NULL)
    return FALSE;

  n_pages = poppler_document_get_n_pages (document);
  data = g_bytes_get_data (pdf, &size);
  flags = sch_pdf_scan_active_content (data, size);
  if (poppler_document_has_javascript (document))
    flags |= SCH_PDF_ACTIVE_JAVASCRIPT;
  if (poppler_document_has_attachments (document))
    flags |= SCH_PDF_ACTIVE_EMBEDDED_FILES;

  sizes = json_array_new ();
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(SchPopplerPage) page = poppler_document_get_page (document, i);
      JsonArray *pair = json_array_new ();
      double width = 0, height = 0;

      if (page == NULL)
        {
          json_array_unref (pair);
          json_array_unref (sizes);
          g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "page missing");
          return FALSE;
        }
      poppler_page_get_size (page, &width, &height);
      json_array_add_double_element (pair, width);
      json_array_add_double_element (pair, height);
      json_array_add_array_element (sizes, pair);
      flags |= page_active_content (page);
    }
  json_object_set_array_member (answer->response, "pages", sizes);

  json_object_set_boolean_member (answer->response, "encrypted",
                                  password != NULL || sch_pdf_scan_has_name (data, size, "Encrypt"));
  active = json_object_new ();
  json_object_set_boolean_member (active, "javascript", flags & SCH_PDF_ACTIVE_JAVASCRIPT);
  json_object_set_boolean_member (active, "embedded-files", flags & SCH_PDF_ACTIVE_EMBEDDED_FILES);
  json_object_set_boolean_member (active, "launch", flags & SCH_PDF_ACTIVE_LAUNCH);
  json_object_set_boolean_member (active, "uri", flags & SCH_PDF_ACTIVE_URI);
  json_object_set_boolean_member (active, "forms", flags & SCH_PDF_ACTIVE_FORMS);
  json_object_set_object_member (answer->response, "active", active);
  return TRUE;
}

/* Render */

/* A white page image of @page at @scale pixels per point. */
static cairo_surface_t *
render_page (PopplerPage     *page,
             double           scale,
             cairo_format_t   format,
             GError         **error)
{
  double width_pt, height_pt;
  cairo_surface_t *surface;
  cairo_t *cr;
  int width, height;

  poppler_page_get_size (page, &width_pt, &height_pt);
  width = MAX (1, (int) ceil (width_pt * scale - 0.01));
  height = MAX (1, (int) ceil (height_pt * scale - 0.01));
  if (!(width_pt > 0 && height_pt > 0) ||
      (double) width * height > MAX_RENDER_PIXELS || width > 32767 || height > 32767)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "page too large");
      return NULL;
    }

  surface = cairo_image_surface_create (format, width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "no memory");
      return NULL;
    }
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);
  return surface;
}

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static gboolean
read_page_list (JsonObject  *request,
                int          n_pages,
                GArray      *pages,
                GError     **error)
{
  JsonArray *list;

  if (!json_object_has_member (request, "pages"))
    {
      for (int i = 0; i < n_pages; i++)
        g_array_append_val (pages, i);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "pages")))
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "bad page list");
      return FALSE;
    }
  list = json_object_get_array_member (request, "pages");
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      gint64 index = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_int (node) : -1;
      int value = (int) index;

      if (index < 0 || index >= n_pages)
        {
          g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no such page");
          return FALSE;
        }
      g_array_append_val (pages, value);
    }
  return TRUE;
}

static gboolean
handle_render (JsonObject  *request,
               GPtrArray   *blobs,
               Answer      *answer,
               GError     **error)
{
  const char *password = json_object_get_string_member_with_default (request, "password", NULL);
  gint64 width = json_object_get_int_member_with_default (request, "width", 0);
  gboolean png = g_strcmp0 (json_object_get_string_member_with_default (request, "format", NULL),
                            "png") == 0;
  g_autoptr(SchPopplerDocument) document = NULL;
  g_autoptr(GArray) pages = g_array_new (FALSE, FALSE, sizeof (int));
  GBytes *pdf = request_pdf (blobs);
  JsonArray *images;

  if (pdf == NULL || width <= 0 || width > MAX_RENDER_WIDTH)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "bad request");
      return FALSE;
    }
  document = open_document (pdf, password, error);
  if (document == NULL ||
      !read_page_list (request, poppler_document_get_n_pages (document), pages, error))
    return FALSE;

  images = json_array_new ();
  json_object_set_array_member (answer->response, "images", images);
  for (guint i = 0; i < pages->len; i++)
    {
      int index = g_array_index (pages, int, i);
      g_autoptr(SchPopplerPage) page = poppler_document_get_page (document, index);
      JsonObject *image;
      cairo_surface_t *surface;
      double width_pt, height_pt;

      if (page == NULL)
        {
          g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "page missing");
          return FALSE;
        }
      poppler_page_get_size (page, &width_pt, &height_pt);
      surface = render_page (page, width / width_pt, CAIRO_FORMAT_ARGB32, error);
      if (surface == NULL)
        return FALSE;

      image = json_object_new ();
      json_object_set_int_member (image, "page", index);
      json_object_set_int_member (image, "width", cairo_image_surface_get_width (surface));
      json_object_set_int_member (image, "height", cairo_image_surface_get_height (surface));
      if (png)
        {
          GByteArray *out = g_byte_array_new ();

          cairo_surface_write_to_png_stream (surface, append_to_array, out);
          g_ptr_array_add (answer->blobs, g_byte_array_free_to_bytes (out));
        }
      else
        {
          int stride = cairo_image_surface_get_stride (surface);

          json_object_set_int_member (image, "stride", stride);
          g_ptr_array_add (answer->blobs,
                           g_bytes_new (cairo_image_surface_get_data (surface),
                                        (gsize) stride * cairo_image_surface_get_height (surface)));
        }
      cairo_surface_destroy (surface);
      json_array_add_object_element (images, image);
      sch_pdf_engine_page_done ();
    }
  return TRUE;
}

/* Flatten */

static GBytes *
encode_jpeg (cairo_surface_t *surface)
{
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *pixels = cairo_image_surface_get_data (surface);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autofree char *buffer = NULL;
  gsize size;
  guint8 *dst;
  int dst_stride;

  if (pixbuf == NULL)
    return NULL;
  dst = gdk_pixbuf_get_pixels (pixbuf);
  dst_stride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < height; y++)
    {
      const guint32 *src = (const guint32 *) (pixels + (gsize) y * stride);
      guint8 *d = dst + (gsize) y * dst_stride;

      for (int x = 0; x < width; x++, d += 3)
        {
          d[0] = (src[x] >> 16) & 0xff;
          d[1] = (src[x] >> 8) & 0xff;
          d[2] = src[x] & 0xff;
        }
    }
  if (!gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", NULL,
                                  "quality", FLATTEN_JPEG_QUALITY, NULL))
    return NULL;
  return g_bytes_new_take (g_steal_pointer (&buffer), size);
}

static gboolean
handle_flatten (JsonObject  *request,
                GPtrArray   *blobs,
                Answer      *answer,
                GError     **error)
{
  const char *password = json_object_get_string_member_with_default (request, "password", NULL);
  double dpi = json_object_get_double_member_with_default (request, "dpi", 150);
  g_autoptr(SchPopplerDocument) document = NULL;
  g_autoptr(GByteArray) out = NULL;
  GBytes *pdf = request_pdf (blobs);
  cairo_surface_t *target;
  cairo_status_t status;
  int n_pages;

  if (pdf == NULL || !(dpi >= 72 && dpi <= 600))
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "bad request");
      return FALSE;
    }
  document = open_document (pdf, password, error);
  if (document == NULL)
    return FALSE;
  n_pages = poppler_document_get_n_pages (document);

  out = g_byte_array_new ();
  target = cairo_pdf_surface_create_for_stream (append_to_array, out, 595, 842);
  cairo_pdf_surface_set_metadata (target, CAIRO_PDF_METADATA_CREATE_DATE, SCH_SLOT_COMPOSER_DATE);
  cairo_pdf_surface_set_metadata (target, CAIRO_PDF_METADATA_CREATOR, "Schalter");
  for (int i = 0; i < n_pages; i++)
    {
      g_autoptr(SchPopplerPage) page = poppler_document_get_page (document, i);
      g_autoptr(GBytes) jpeg = NULL;
      cairo_surface_t *image = NULL;
      double width_pt, height_pt;
      cairo_t *cr;

      if (page != NULL)
        image = render_page (page, dpi / 72.0, CAIRO_FORMAT_RGB24, error);
      if (image == NULL || (jpeg = encode_jpeg (image)) == NULL)
        {
          if (image != NULL)
            cairo_surface_destroy (image);
          if (error != NULL && *error == NULL)
            g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "page failed");
          cairo_surface_destroy (target);
          return FALSE;
        }
      cairo_surface_set_mime_data (image, CAIRO_MIME_TYPE_JPEG,
                                   g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                   (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (jpeg));

      poppler_page_get_size (page, &width_pt, &height_pt);
      cairo_pdf_surface_set_size (target, width_pt, height_pt);
      cr = cairo_create (target);
      cairo_scale (cr, width_pt / cairo_image_surface_get_width (image),
                   height_pt / cairo_image_surface_get_height (image));
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_show_page (cr);
      cairo_destroy (cr);
      cairo_surface_destroy (image);
      sch_pdf_engine_page_done ();
    }
  cairo_surface_finish (target);
  status = cairo_surface_status (target);
  cairo_surface_destroy (target);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "cairo failed");
      return FALSE;
    }
  json_object_set_int_member (answer->response, "n-pages", n_pages);
  g_ptr_array_add (answer->blobs, g_byte_array_free_to_bytes (g_steal_pointer (&out)));
  return TRUE;
}

/* Compose */

/* Documents opened for composing, by their bytes (one GBytes per blob). */
static gboolean
draw_pdf_page (const SchSlotPage  *slot_page,
               cairo_t            *cr,
               double             *width_pt,
               double             *height_pt,
               gpointer            user_data,
               GError            **error)
{
  GHashTable *documents = user_data;
  PopplerDocument *document = g_hash_table_lookup (documents, slot_page->bytes);
  g_autoptr(SchPopplerPage) page = NULL;

  if (document == NULL)
    {
      document = open_document (slot_page->bytes, slot_page->password, error);
      if (document == NULL)
        return FALSE;
      g_hash_table_insert (documents, slot_page->bytes, document);
    }
  if (slot_page->page_index >= poppler_document_get_n_pages (document) ||
      (page = poppler_document_get_page (document, slot_page->page_index)) == NULL)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED, "no such page");
      return FALSE;
    }
  poppler_page_get_size (page, width_pt, height_pt);
  if (!(*width_pt > 0 && *height_pt > 0 && *width_pt < 14400 && *height_pt < 14400))
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE, "bad page size");
      return FALSE;
    }
  if (cr != NULL)
    poppler_page_render_for_printing (page, cr);
  return TRUE;
}

static SchSlotPage *
read_compose_page (JsonNode   *node,
                   GPtrArray  *blobs,
                   GError    **error)
{
  JsonObject *entry;
  gint64 blob, rotation;
  const char *media_type;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;
  entry = json_node_get_object (node);
  blob = json_object_get_int_member_with_default (entry, "blob", -1);
  rotation = json_object_get_int_member_with_default (entry, "rotation", 0);
  media_type = json_object_get_string_member_with_default (entry, "media-type", "");
  if (blob < 0 || blob >= blobs->len || rotation < 0 || rotation > 270 || rotation % 90 != 0)
    goto bad;

  if (g_str_equal (media_type, "application/pdf"))
    {
      gint64 page = json_object_get_int_member_with_default (entry, "page", -1);

      if (page < 0 || page > G_MAXINT)
        goto bad;
      return sch_slot_page_new_pdf (g_ptr_array_index (blobs, blob), page,
                                    json_object_get_string_member_with_default (entry, "password", NULL),
                                    rotation);
    }
  if (g_str_equal (media_type, "image/jpeg") || g_str_equal (media_type, "image/png"))
    {
      gint64 width = json_object_get_int_member_with_default (entry, "width", 0);
      gint64 height = json_object_get_int_member_with_default (entry, "height", 0);
      double dpi = json_object_get_double_member_with_default (entry, "dpi", 0);

      if (width <= 0 || height <= 0 || width > 65535 || height > 65535 ||
          width * height > MAX_RENDER_PIXELS || !(dpi >= 10 && dpi <= 10000))
        goto bad;
      return sch_slot_page_new_image (g_ptr_array_index (blobs, blob), media_type,
                                      width, height, dpi, rotation);
    }

bad:
  g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "bad page");
  return NULL;
}

static gboolean
handle_compose (JsonObject  *request,
                GPtrArray   *blobs,
                Answer      *answer,
                GError     **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  g_autoptr(GHashTable) documents = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  JsonArray *list;
  GBytes *pdf;

  if (!json_object_has_member (request, "pages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "pages")) ||
      json_array_get_length (list = json_object_get_array_member (request, "pages")) == 0)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no pages");
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      SchSlotPage *page = read_compose_page (json_array_get_element (list, i), blobs, error);

      if (page == NULL)
        return FALSE;
      g_ptr_array_add (pages, page);
    }

  pdf = sch_slot_render (pages, draw_pdf_page, documents, error);
  if (pdf == NULL)
    return FALSE;
  g_ptr_array_add (answer->blobs, pdf);
  return TRUE;
}

/* Images */

static gboolean
handle_image (JsonObject  *request,
              GPtrArray   *blobs,
              Answer      *answer,
              GError     **error)
{
  gint64 max_pages = json_object_get_int_member_with_default (request, "max-pages", -1);
  GBytes *file = request_pdf (blobs);
  g_autoptr(GPtrArray) pages = NULL;
  JsonArray *list;
  guint n_pages = 0;

  if (file == NULL)
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no image");
      return FALSE;
    }
  pages = sch_image_decode_pages (file, max_pages, &n_pages, error);
  if (pages == NULL)
    return FALSE;

  list = json_array_new ();
  for (guint i = 0; i < pages->len; i++)
    {
      const SchSlotPage *page = g_ptr_array_index (pages, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "media-type", page->media_type);
      json_object_set_int_member (entry, "width", page->width_px);
      json_object_set_int_member (entry, "height", page->height_px);
      json_object_set_double_member (entry, "dpi", page->dpi);
      json_object_set_int_member (entry, "rotation", page->rotation);
      /* -1: the file as it came, which the app has already. */
      if (page->bytes == file)
        json_object_set_int_member (entry, "blob", -1);
      else
        {
          json_object_set_int_member (entry, "blob", answer->blobs->len);
          g_ptr_array_add (answer->blobs, g_bytes_ref (page->bytes));
        }
      json_array_add_object_element (list, entry);
    }
  json_object_set_int_member (answer->response, "n-pages", n_pages);
  json_object_set_array_member (answer->response, "pages", list);
  return TRUE;
}

static gboolean
handle_render_images (JsonObject  *request,
                      GPtrArray   *blobs,
                      Answer      *answer,
                      GError     **error)
{
  JsonArray *items, *images;

  if (!json_object_has_member (request, "items") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (request, "items")))
    {
      g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED, "no items");
      return FALSE;
    }
  items = json_object_get_array_member (request, "items");
  images = json_array_new ();
  json_object_set_array_member (answer->response, "images", images);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);
      JsonObject *item = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 blob = item != NULL ? json_object_get_int_member_with_default (item, "blob", -1) : -1;
      gint64 width = item != NULL ? json_object_get_int_member_with_default (item, "width", 0) : 0;
      JsonObject *image = json_object_new ();
      cairo_surface_t *surface = NULL;

      /* One image that fails leaves the others to be shown. */
      if (blob >= 0 && blob < blobs->len && width > 0 && width <= MAX_RENDER_WIDTH)
        surface = sch_image_decode_thumbnail (g_ptr_array_index (blobs, blob), width, NULL);
      json_object_set_int_member (image, "page", i);
      if (surface == NULL)
        {
          json_object_set_boolean_member (image, "failed", TRUE);
          g_ptr_array_add (answer->blobs, g_bytes_new (NULL, 0));
        }
      else
        {
          int stride = cairo_image_surface_get_stride (surface);
          int height = cairo_image_surface_get_height (surface);

          json_object_set_int_member (image, "width", cairo_image_surface_get_width (surface));
          json_object_set_int_member (image, "height", height);
          json_object_set_int_member (image, "stride", stride);
          g_ptr_array_add (answer->blobs, g_bytes_new (cairo_image_surface_get_data (surface),
                                                       (gsize) stride * height));
          cairo_surface_destroy (surface);
        }
      json_array_add_object_element (images, image);
    }
  return TRUE;
}

/**
 * sch_pdf_engine_handle:
 * @request: one request message
 *
 * Returns: (transfer full): the response message; failures are answers too
 */
GBytes *
sch_pdf_engine_handle (GBytes *request)
{
  static const struct {
    const char *command;
    gboolean (*handle) (JsonObject *, GPtrArray *, Answer *, GError **);
  } commands[] = {
    { "inspect", handle_inspect },
    { "render", handle_render },
    { "flatten", handle_flatten },
    { "compose", handle_compose },
    { "image", handle_image },
    { "render-images", handle_render_images },
  };
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  const char *command;

  g_return_val_if_fail (request != NULL, NULL);

  if (!sch_pdf_message_decode (request, &header, &blobs, NULL))
    return sch_pdf_engine_error_response ("unsupported");
  command = json_object_get_string_member_with_default (header, "command", "");

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GError) error = NULL;
      Answer answer;

      if (!g_str_equal (command, commands[i].command))
        continue;
      answer_init (&answer);
      if (!commands[i].handle (header, blobs, &answer, &error))
        {
          g_bytes_unref (answer_finish (&answer));
          return sch_pdf_engine_error_response (error_code (error));
        }
      return answer_finish (&answer);
    }
  return sch_pdf_engine_error_response ("unsupported");
}
