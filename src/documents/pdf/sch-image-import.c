/* sch-image-import.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The limits of the settings, and images from outside turned into pages
 * by the helper (sch-image-decode.c), as hostile as PDFs are: a file that
 * crashes or exhausts a decoder costs a helper, never the app.
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

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
 * @n_pages: the number of pages of the file
 * @slot_pages: the pages the document has already
 * @error: return location for a %SCH_PDF_ERROR_TOO_MANY_PAGES error
 *
 * Returns: whether the @n_pages pages may be added to the document
 */
gboolean
sch_import_check_pages (const SchImportLimits *limits,
                        const char            *display_name,
                        guint                  n_pages,
                        guint                  slot_pages,
                        GError               **error)
{
  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (display_name != NULL, FALSE);

  if (limits->max_pages == 0 || (slot_pages <= limits->max_pages && n_pages <= limits->max_pages - slot_pages))
    return TRUE;

  if (slot_pages == 0)
    g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The file “%s” has %u pages, more than the limit of %u page per document.",
                              "The file “%s” has %u pages, more than the limit of %u pages per document.",
                              limits->max_pages),
                 display_name, n_pages, limits->max_pages);
  else
    /* TRANSLATORS: the second %u is the pages the document has already */
    g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES,
                 g_dngettext (GETTEXT_PACKAGE,
                              "The file “%s” has %u pages and the document has %u already, more than "
                              "the limit of %u page per document.",
                              "The file “%s” has %u pages and the document has %u already, more than "
                              "the limit of %u pages per document.",
                              limits->max_pages),
                 display_name, n_pages, slot_pages, limits->max_pages);
  return FALSE;
}

/**
 * sch_import_check_scanned_page:
 * @limits: the limits of the settings
 * @page_bytes: the size of the scanned page
 * @slot_pages: the pages the document has already
 * @case_bytes: what the case's files take already
 * @error: return location for a %SCH_PDF_ERROR_TOO_MANY_PAGES or
 *   %SCH_PDF_ERROR_CASE_FULL error naming the limit
 *
 * Returns: whether one more scanned page may be stored
 */
gboolean
sch_import_check_scanned_page (const SchImportLimits *limits,
                               guint64                page_bytes,
                               guint                  slot_pages,
                               guint64                case_bytes,
                               GError               **error)
{
  g_return_val_if_fail (limits != NULL, FALSE);

  if (limits->max_pages > 0 && slot_pages >= limits->max_pages)
    {
      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES,
                   g_dngettext (GETTEXT_PACKAGE,
                                "The document has %u page, the limit per document. The scan was "
                                "stopped; the pages scanned before are kept.",
                                "The document has %u pages, the limit per document. The scan was "
                                "stopped; the pages scanned before are kept.",
                                slot_pages),
                   slot_pages);
      return FALSE;
    }
  if (limits->max_case_bytes > 0 &&
      (case_bytes > limits->max_case_bytes || page_bytes > limits->max_case_bytes - case_bytes))
    {
      g_autofree char *limit = g_format_size (limits->max_case_bytes);

      g_set_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_CASE_FULL,
                   _("Another page would bring the documents of this case over the limit of %s "
                     "per case. The scan was stopped; the pages scanned before are kept."),
                   limit);
      return FALSE;
    }
  return TRUE;
}

/* Importing images, in the helper */

typedef struct {
  SchPdfInspector *inspector;
  GBytes *bytes;
  char *display_name;
  SchImportLimits limits;
  guint64 case_bytes;
  guint slot_pages;
} ImportData;

static void
import_data_free (ImportData *data)
{
  g_object_unref (data->inspector);
  g_bytes_unref (data->bytes);
  g_free (data->display_name);
  g_free (data);
}

/* The helper's error, said with the file's name. */
static GError *
image_error (const GError *error,
             const char   *display_name)
{
  if (error->domain != SCH_PDF_ERROR)
    return g_error_copy (error);

  switch (error->code)
    {
    case SCH_PDF_ERROR_DAMAGED:
      return g_error_new (SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED,
                          _("The image “%s” is damaged and could not be read."), display_name);
    case SCH_PDF_ERROR_TOO_LARGE:
      return g_error_new (SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE,
                          _("The image “%s” has more than %u million pixels, more than Schalter imports."),
                          display_name, SCH_IMPORT_MAX_PIXELS / 1000000);
    case SCH_PDF_ERROR_UNSUPPORTED:
      return g_error_new (SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED,
                          _("The file “%s” is not a JPEG, PNG or TIFF image."), display_name);
    default:
      return g_error_copy (error);
    }
}

static guint64
pages_size (GPtrArray *pages)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint64 size = 0;

  for (guint i = 0; i < pages->len; i++)
    {
      GBytes *bytes = ((SchSlotPage *) g_ptr_array_index (pages, i))->bytes;

      if (g_hash_table_add (seen, bytes))
        size += g_bytes_get_size (bytes);
    }
  return size;
}

static void
decoded_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImportData *data = g_task_get_task_data (task);
  SchImportLimits case_only = { 0, 0, data->limits.max_case_bytes };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  guint n_pages = 0;

  pages = sch_pdf_inspector_import_image_finish (SCH_PDF_INSPECTOR (source), result, &n_pages, &error);
  if (pages == NULL)
    {
      g_task_return_error (task, image_error (error, data->display_name));
      return;
    }
  if (!sch_import_check_pages (&data->limits, data->display_name, n_pages, data->slot_pages, &error) ||
      /* TIFF pages become PNG files, which may take more than the file. */
      !sch_import_check_file (&case_only, data->display_name, pages_size (pages), data->case_bytes, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&pages), (GDestroyNotify) g_ptr_array_unref);
}

/**
 * sch_image_import_with_helper_async:
 * @inspector: the helper to decode the image in
 * @bytes: the file
 * @display_name: the file's name for messages
 * @limits: the limits of the settings
 * @case_bytes: what the case's files take already
 * @slot_pages: the pages the document has already
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the pages
 * @user_data: data for @callback
 *
 * Turns a JPEG, PNG or TIFF file into pages, after checking the limits;
 * the image is decoded by the helper. Nothing is stored: the caller stores
 * the pages it gets.
 */
void
sch_image_import_with_helper_async (SchPdfInspector       *inspector,
                                    GBytes                *bytes,
                                    const char            *display_name,
                                    const SchImportLimits *limits,
                                    guint64                case_bytes,
                                    guint                  slot_pages,
                                    GCancellable          *cancellable,
                                    GAsyncReadyCallback    callback,
                                    gpointer               user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  const char *media_type;
  ImportData *data;
  gint64 max_pages = -1;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (inspector));
  g_return_if_fail (bytes != NULL);
  g_return_if_fail (display_name != NULL);
  g_return_if_fail (limits != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_image_import_async);

  if (!sch_import_check_file (limits, display_name, g_bytes_get_size (bytes), case_bytes, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  media_type = sch_import_sniff_media_type (bytes);
  if (g_strcmp0 (media_type, "image/jpeg") != 0 && g_strcmp0 (media_type, "image/png") != 0 &&
      g_strcmp0 (media_type, "image/tiff") != 0)
    {
      g_task_return_new_error (task, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED,
                               _("The file “%s” is not a JPEG, PNG or TIFF image."), display_name);
      return;
    }

  data = g_new0 (ImportData, 1);
  data->inspector = g_object_ref (inspector);
  data->bytes = g_bytes_ref (bytes);
  data->display_name = g_strdup (display_name);
  data->limits = *limits;
  data->case_bytes = case_bytes;
  data->slot_pages = slot_pages;
  g_task_set_task_data (task, data, (GDestroyNotify) import_data_free);

  /* Pages above the limit are counted by the helper, not decoded. */
  if (limits->max_pages > 0)
    max_pages = slot_pages < limits->max_pages ? limits->max_pages - slot_pages : 0;
  sch_pdf_inspector_import_image_async (inspector, bytes, max_pages, cancellable,
                                        decoded_cb, g_steal_pointer (&task));
}

/**
 * sch_image_import_async:
 * @bytes: the file
 * @display_name: the file's name for messages
 * @limits: the limits of the settings
 * @case_bytes: what the case's files take already
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the pages
 * @user_data: data for @callback
 *
 * As sch_image_import_with_helper_async() for a document without pages,
 * with a helper of the default timeout.
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
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();

  sch_image_import_with_helper_async (inspector, bytes, display_name, limits, case_bytes, 0,
                                      cancellable, callback, user_data);
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
