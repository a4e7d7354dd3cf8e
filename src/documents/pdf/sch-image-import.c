/* sch-image-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Images become pages at their real size (from their resolution, else
 * SCH_SLOT_PAGE_DEFAULT_DPI). JPEG files are kept byte for byte: an EXIF
 * rotation becomes the page's rotation, so only mirrored orientations are
 * re-encoded. PNG files are kept as they are; TIFF pages become PNG.
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include <glib/gi18n.h>
#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "sch-image-import.h"

/* Limits */

/**
 * sch_import_sniff_media_type:
 * @bytes: the start of a file
 *
 * Tells the file type by its content, not by its name.
 *
 * Returns: (nullable): "application/pdf", "image/jpeg", "image/png",
 *   "image/tiff", or %NULL for anything else
 */
const char *
sch_import_sniff_media_type (GBytes *bytes)
{
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &size);
  if (size >= 5 && memcmp (data, "%PDF-", 5) == 0)
    return "application/pdf";
  if (size >= 3 && memcmp (data, "\xff\xd8\xff", 3) == 0)
    return "image/jpeg";
  if (size >= 8 && memcmp (data, "\x89PNG\r\n\x1a\n", 8) == 0)
    return "image/png";
  if (size >= 4 && (memcmp (data, "II*\0", 4) == 0 || memcmp (data, "MM\0*", 4) == 0))
    return "image/tiff";
  return NULL;
}

/**
 * sch_import_check_file:
 * @limits: the limits of the settings
 * @display_name: the file's name for messages
 * @file_bytes: the file's size
 * @case_bytes: what the case's files take already
 * @error: return location for a %SCH_PDF_ERROR_TOO_LARGE or
 *   %SCH_PDF_ERROR_CASE_FULL error naming the limit
 *
 * Returns: whether the file may be imported as far as its size goes
 */
gboolean
sch_import_check_file (const SchImportLimits *limits,
                       const char            *display_name,
                       guint64                file_bytes,
                       guint64                case_bytes,
                       GError               **error)
{
  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  if (limits->max_file_bytes > 0 && file_bytes > limits->max_file_bytes)
    {
      g_autofree char *size = g_format_size (file_bytes);
      g_autofree char *limit = g_format_size (limits->max_file_bytes);

      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE,
                   _("The file “%s” is %s, more than the limit of %s per file."),
                   display_name, size, limit);
      return FALSE;
    }
  if (limits->max_case_bytes > 0 &&
      (case_bytes > limits->max_case_bytes || file_bytes > limits->max_case_bytes - case_bytes))
    {
      g_autofree char *total = g_format_size (case_bytes + file_bytes);
      g_autofree char *limit = g_format_size (limits->max_case_bytes);

      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_CASE_FULL,
                   _("The file “%s” would bring the documents of this case to %s, more than "
                     "the limit of %s per case."),
                   display_name, total, limit);
      return FALSE;
    }
  return TRUE;
}

/**
 * sch_import_check_pages:
 * @limits: the limits of the settings
 * @display_name: the file's name for messages
 * @n_pages: the number of pages of the document
 * @error: return location for a %SCH_PDF_ERROR_TOO_MANY_PAGES error
 *
 * Returns: whether a document of @n_pages pages may be imported
 */
gboolean
sch_import_check_pages (const SchImportLimits *limits,
                        const char            *display_name,
                        guint                  n_pages,
                        GError               **error)
{
  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  if (limits->max_pages > 0 && n_pages > limits->max_pages)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The file “%s” has %u pages, more than the limit of %u page per document.",
                                "The file “%s” has %u pages, more than the limit of %u pages per document.",
                                limits->max_pages),
                   display_name, n_pages, limits->max_pages);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_damaged (GError     **error,
             const char  *display_name)
{
  g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED,
               _("The image “%s” is damaged and could not be read."), display_name);
  return FALSE;
}

static gboolean
check_pixels (guint64      width,
              guint64      height,
              const char  *display_name,
              GError     **error)
{
  if (width == 0 || height == 0)
    return set_damaged (error, display_name);
  if (width * height > SCH_IMPORT_MAX_PIXELS)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE,
                   _("The image “%s” has more than %u million pixels, more than Schalter imports."),
                   display_name, SCH_IMPORT_MAX_PIXELS / 1000000);
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

static GdkPixbuf *
decode_pixbuf (GBytes      *bytes,
               const char  *media_type,
               const char  *display_name,
               GError     **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_mime_type (media_type, NULL);
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  gboolean written;
  GdkPixbuf *pixbuf;

  if (loader == NULL)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED,
                   _("Images like “%s” cannot be imported on this computer."), display_name);
      return NULL;
    }
  written = gdk_pixbuf_loader_write (loader, data, size, NULL);
  if (!gdk_pixbuf_loader_close (loader, NULL) || !written ||
      (pixbuf = gdk_pixbuf_loader_get_pixbuf (loader)) == NULL)
    {
      set_damaged (error, display_name);
      return NULL;
    }
  return g_object_ref (pixbuf);
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
                    const char  *display_name,
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
      set_damaged (error, display_name);
      return NULL;
    }
  if (!check_pixels (width, height, display_name, error))
    return NULL;

  pixbuf = decode_pixbuf (bytes, media_type, display_name, error);
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
          set_damaged (error, display_name);
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
           const char  *display_name,
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
      set_damaged (error, display_name);
      return NULL;
    }
  if (!check_pixels (width, height, display_name, error))
    return NULL;

  raster = g_try_malloc_n ((gsize) width * height, sizeof (guint32));
  if (raster == NULL ||
      !TIFFReadRGBAImageOriented (tif, width, height, raster, ORIENTATION_TOPLEFT, 0))
    {
      set_damaged (error, display_name);
      return NULL;
    }
  for (gsize i = 0; i < (gsize) width * height && opaque; i++)
    opaque = TIFFGetA (raster[i]) == 0xff;

  surface = cairo_image_surface_create (opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32,
                                        width, height);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      cairo_surface_destroy (surface);
      check_pixels (G_MAXUINT32, G_MAXUINT32, display_name, error);
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
      set_damaged (error, display_name);
      return NULL;
    }
  png_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&png));
  return sch_slot_page_new_image (png_bytes, "image/png", width, height, tiff_dpi (tif), 0);
}

static GPtrArray *
import_tiff (GBytes                *bytes,
             const char            *display_name,
             const SchImportLimits *limits,
             GError               **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  MemoryFile file = { 0 };
  TIFFOpenOptions *options;
  TIFF *tif;
  guint n_pages;

  file.data = g_bytes_get_data (bytes, &file.size);
  options = TIFFOpenOptionsAlloc ();
  TIFFOpenOptionsSetMaxSingleMemAlloc (options, (tmsize_t) SCH_IMPORT_MAX_PIXELS * 4);
  TIFFOpenOptionsSetErrorHandlerExtR (options, tiff_quiet, NULL);
  TIFFOpenOptionsSetWarningHandlerExtR (options, tiff_quiet, NULL);
  tif = TIFFClientOpenExt (display_name, "rm", &file, tiff_read, tiff_write, tiff_seek,
                           tiff_close, tiff_size, tiff_map, tiff_unmap, options);
  TIFFOpenOptionsFree (options);
  if (tif == NULL)
    {
      set_damaged (error, display_name);
      return NULL;
    }

  n_pages = TIFFNumberOfDirectories (tif);
  if (n_pages == 0 || !sch_import_check_pages (limits, display_name, n_pages, error))
    {
      if (n_pages == 0)
        set_damaged (error, display_name);
      TIFFClose (tif);
      return NULL;
    }

  for (guint i = 0; i < n_pages; i++)
    {
      SchSlotPage *page;

      if (!TIFFSetDirectory (tif, i) || (page = tiff_page (tif, display_name, error)) == NULL)
        {
          if (error != NULL && *error == NULL)
            set_damaged (error, display_name);
          TIFFClose (tif);
          return NULL;
        }
      g_ptr_array_add (pages, page);
    }
  TIFFClose (tif);
  return g_steal_pointer (&pages);
}

/**
 * sch_image_import:
 * @bytes: the file
 * @display_name: the file's name for messages
 * @limits: the limits of the settings
 * @case_bytes: what the case's files take already
 * @error: return location for a #SchPdfError
 *
 * Turns a JPEG, PNG or TIFF file into pages, after checking the limits.
 * Nothing is stored; the caller stores the pages it gets. Decoding takes
 * time: call it from a worker thread, or use sch_image_import_async().
 *
 * Returns: (transfer container) (element-type SchSlotPage): the pages, or %NULL
 */
GPtrArray *
sch_image_import (GBytes                *bytes,
                  const char            *display_name,
                  const SchImportLimits *limits,
                  guint64                case_bytes,
                  GError               **error)
{
  const char *media_type;
  g_autoptr(GPtrArray) pages = NULL;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (limits != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sch_import_check_file (limits, display_name, g_bytes_get_size (bytes), case_bytes, error))
    return NULL;

  media_type = sch_import_sniff_media_type (bytes);
  if (g_strcmp0 (media_type, "image/tiff") == 0)
    return import_tiff (bytes, display_name, limits, error);
  if (g_strcmp0 (media_type, "image/jpeg") != 0 && g_strcmp0 (media_type, "image/png") != 0)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED,
                   _("The file “%s” is not a JPEG, PNG or TIFF image."), display_name);
      return NULL;
    }
  pages = import_jpeg_or_png (bytes, media_type, display_name, error);
  if (pages == NULL || !sch_import_check_pages (limits, display_name, pages->len, error))
    return NULL;
  return g_steal_pointer (&pages);
}

typedef struct {
  GBytes *bytes;
  char *display_name;
  SchImportLimits limits;
  guint64 case_bytes;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_bytes_unref (data->bytes);
  g_free (data->display_name);
  g_free (data);
}

static void
import_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ImportData *data = task_data;
  GError *error = NULL;
  GPtrArray *pages;

  pages = sch_image_import (data->bytes, data->display_name, &data->limits, data->case_bytes, &error);
  if (pages == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pages, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sch_image_import_async:
 *
 * Runs sch_image_import() in a worker thread.
 */
void
sch_image_import_async (GBytes                *bytes,
                        const char            *display_name,
                        const SchImportLimits *limits,
                        guint64                case_bytes,
                        GCancellable          *cancellable,
                        GAsyncReadyCallback    callback,
                        gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  ImportData *data;

  g_return_if_fail (bytes != NULL);
  g_return_if_fail (display_name != NULL);
  g_return_if_fail (limits != NULL);

  data = g_new0 (ImportData, 1);
  data->bytes = g_bytes_ref (bytes);
  data->display_name = g_strdup (display_name);
  data->limits = *limits;
  data->case_bytes = case_bytes;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_image_import_async);
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);
  g_task_run_in_thread (task, import_thread);
}

/**
 * sch_image_import_finish:
 *
 * Returns: (transfer container) (element-type SchSlotPage): the pages, or %NULL
 */
GPtrArray *
sch_image_import_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sch_image_import_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
