#define G_LOG_DOMAIN "sch-signed-form"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-case-list.h"
#include "sch-case-row.h"
#include "sch-case-summary.h"
#include "sch-image-import.h"
#include "sch-scan-dialog.h"
#include "sch-scanned-page.h"
#include "sch-signed-form-intake.h"
#include "sch-store-pages.h"
#include "sch-window.h"

/* QR codes are read at the resolution the codes are printed for; a PDF
 * with odd page sizes is not rendered wider than an A4 page at 300 dpi. */
#define RENDER_DPI 150.0
#define RENDER_MAX_WIDTH_PX 2480


void
sch_intake_page_free (SchIntakePage *page)
{
  if (page == NULL)
    return;

  g_clear_pointer (&page->page, sch_slot_page_free);
  g_free (page->case_uuid);
  g_free (page);
}

static SchIntakePage *
intake_page_new (SchSlotPage *page, double width, double height, SchPageSource source, guint index)
{
  SchIntakePage *intake = g_new0 (SchIntakePage, 1);

  intake->page = page;
  intake->width = width;
  intake->height = height;
  intake->source = source;
  intake->index = index;
  intake->kind = SCH_INTAKE_NO_CODE;

  return intake;
}

static GPtrArray *
intake_pages_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) sch_intake_page_free);
}

GPtrArray *
sch_signed_form_pages_from_scans (GPtrArray *scanned)
{
  GPtrArray *pages;

  g_return_val_if_fail (scanned != NULL, NULL);

  pages = intake_pages_new ();
  for (guint i = 0; i < scanned->len; i++)
    {
      SchScannedPage *scan = g_ptr_array_index (scanned, i);
      GBytes *bytes = sch_scanned_page_get_bytes (scan);
      guint width = sch_scanned_page_get_width (scan);
      guint height = sch_scanned_page_get_height (scan);
      SchSlotPage *page = sch_slot_page_new_image (bytes, sch_scanned_page_get_media_type (scan),
                                                   width, height, sch_scanned_page_get_dpi (scan), 0);

      g_ptr_array_add (pages, intake_page_new (page, width, height, SCH_PAGE_SOURCE_SCAN, i + 1));
    }

  return pages;
}

/* Reading a file */

typedef struct {
  SchPdfInspector *inspector;
  GBytes          *bytes;
  char            *name;
  SchPdfInfo      *info;
} FileData;

static void
file_data_free (FileData *data)
{
  g_clear_object (&data->inspector);
  g_clear_pointer (&data->bytes, g_bytes_unref);
  g_free (data->name);
  g_clear_pointer (&data->info, sch_pdf_info_free);
  g_free (data);
}

static void
rewritten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FileData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) copy = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *pages;

  copy = sch_pdf_inspector_compose_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (copy == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  pages = intake_pages_new ();
  for (guint i = 0; i < data->info->n_pages; i++)
    g_ptr_array_add (pages, intake_page_new (sch_slot_page_new_pdf (copy, i, NULL, 0),
                                             data->info->page_sizes[2 * i], data->info->page_sizes[2 * i + 1],
                                             SCH_PAGE_SOURCE_IMPORT, i + 1));
  g_task_return_pointer (task, pages, (GDestroyNotify) g_ptr_array_unref);
}

static void
inspect_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FileData *data = g_task_get_task_data (task);
  g_autoptr(SchPdfInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) originals = NULL;

  info = sch_pdf_inspector_inspect_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (info == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (info->encrypted)
    {
      g_task_return_new_error (task, SCH_PDF_ERROR, SCH_PDF_ERROR_NEEDS_PASSWORD,
                               _("The PDF “%s” is protected by a password. Scan the signed paper form instead."),
                               data->name);
      return;
    }
  if (info->n_pages == 0)
    {
      g_task_return_new_error (task, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED,
                               _("The PDF “%s” has no pages."), data->name);
      return;
    }

  /* As for any import: what is filed is the helper's redrawn copy of the
   * pages, which carries no scripts, actions, attachments or fields. */
  originals = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  for (guint i = 0; i < info->n_pages; i++)
    g_ptr_array_add (originals, sch_slot_page_new_pdf (data->bytes, (int) i, NULL, 0));
  data->info = g_steal_pointer (&info);
  sch_pdf_inspector_compose_async (SCH_PDF_INSPECTOR (source), originals, g_task_get_cancellable (task),
                                   rewritten_cb, g_object_ref (task));
}

static void
images_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *pages;

  images = sch_image_import_finish (result, &error);
  if (images == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  pages = intake_pages_new ();
  for (guint i = 0; i < images->len; i++)
    {
      SchSlotPage *image = sch_slot_page_copy (g_ptr_array_index (images, i));

      g_ptr_array_add (pages, intake_page_new (image, image->width_px, image->height_px,
                                               SCH_PAGE_SOURCE_IMPORT, i + 1));
    }
  g_task_return_pointer (task, pages, (GDestroyNotify) g_ptr_array_unref);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FileData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  static const SchImportLimits no_limits = { 0 };
  const char *media_type;

  data->bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (data->bytes == NULL)
    {
      g_task_return_new_error (task, error->domain, error->code,
                               _("The file “%s” could not be read: %s"), data->name, error->message);
      return;
    }

  media_type = sch_import_sniff_media_type (data->bytes);
  if (g_strcmp0 (media_type, "application/pdf") == 0)
    sch_pdf_inspector_inspect_async (data->inspector, data->bytes, NULL, g_task_get_cancellable (task),
                                     inspect_cb, g_object_ref (task));
  else
    sch_image_import_async (data->bytes, data->name, &no_limits, 0, g_task_get_cancellable (task),
                            images_cb, g_object_ref (task));
}

void
sch_signed_form_pages_from_file_async (GFile               *file,
                                       SchPdfInspector     *inspector,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  FileData *data;

  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (SCH_IS_PDF_INSPECTOR (inspector));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_signed_form_pages_from_file_async);
  data = g_new0 (FileData, 1);
  data->inspector = g_object_ref (inspector);
  data->name = g_file_get_basename (file);
  g_task_set_task_data (task, data, (GDestroyNotify) file_data_free);

  g_file_load_bytes_async (file, cancellable, loaded_cb, g_steal_pointer (&task));
}

GPtrArray *
sch_signed_form_pages_from_file_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Reading the codes */

typedef struct {
  GPtrArray *pages;      /* SchIntakePage*, updated in place */
  SchStore  *store;
  GPtrArray *rendered;   /* SchPdfImage* or NULL, by page */
  GPtrArray *codes;      /* per page: the best SchQrCode or NULL */
  guint      n_renders;  /* PDF renders still under way */
  GError    *error;
} AnalyseData;

static void
analyse_data_free (AnalyseData *data)
{
  g_ptr_array_unref (data->pages);
  g_clear_object (&data->store);
  g_clear_pointer (&data->rendered, g_ptr_array_unref);
  g_clear_pointer (&data->codes, g_ptr_array_unref);
  g_clear_error (&data->error);
  g_free (data);
}

/* 8-bit gray from an image file, as zbar wants it. */
static guint8 *
decode_gray (GBytes *bytes, guint *width, guint *height, GError **error)
{
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
  GdkPixbuf *pixbuf;
  const guint8 *pixels;
  guint8 *gray;
  int stride, channels;

  if (!gdk_pixbuf_loader_write_bytes (loader, bytes, error) || !gdk_pixbuf_loader_close (loader, error))
    return NULL;

  pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
  *width = gdk_pixbuf_get_width (pixbuf);
  *height = gdk_pixbuf_get_height (pixbuf);
  stride = gdk_pixbuf_get_rowstride (pixbuf);
  channels = gdk_pixbuf_get_n_channels (pixbuf);
  pixels = gdk_pixbuf_read_pixels (pixbuf);

  gray = g_malloc ((gsize) *width * *height);
  for (guint y = 0; y < *height; y++)
    {
      const guint8 *row = pixels + (gsize) y * stride;

      for (guint x = 0; x < *width; x++)
        {
          const guint8 *p = row + (gsize) x * channels;

          gray[(gsize) y * *width + x] = (p[0] * 299 + p[1] * 587 + p[2] * 114) / 1000;
        }
    }

  return gray;
}

/* The page's valid Schalter code, taken out of @codes; NULL if none. */
static SchQrCode *
take_valid_code (GPtrArray *codes)
{
  for (guint i = 0; i < codes->len; i++)
    if (((SchQrCode *) g_ptr_array_index (codes, i))->status == SCH_QR_STATUS_VALID)
      return g_ptr_array_steal_index (codes, i);

  return NULL;
}

static SchQrCode *
read_page_code (SchIntakePage *page, SchPdfImage *image, gboolean *damaged)
{
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *gray = NULL;
  guint width, height;

  *damaged = FALSE;

  if (image != NULL)
    {
      cairo_surface_t *surface;

      surface = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (image->data, NULL),
                                                     CAIRO_FORMAT_ARGB32, image->width, image->height,
                                                     image->stride);
      codes = sch_qr_decode_surface (surface, &error);
      cairo_surface_destroy (surface);
    }
  else if (page->page->kind == SCH_SLOT_PAGE_IMAGE)
    {
      gray = decode_gray (page->page->bytes, &width, &height, &error);
      if (gray != NULL)
        codes = sch_qr_decode_gray (gray, width, height, width, &error);
    }

  /* An unreadable image has no code as far as filing goes. */
  if (codes == NULL)
    {
      g_debug ("Page %u could not be scanned for codes: %s", page->index,
               error != NULL ? error->message : "not rendered");
      return NULL;
    }

  for (guint i = 0; i < codes->len; i++)
    if (((SchQrCode *) g_ptr_array_index (codes, i))->status == SCH_QR_STATUS_DAMAGED)
      *damaged = TRUE;

  return take_valid_code (codes);
}

static void
decode_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  AnalyseData *data = task_data;

  data->codes = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_qr_code_free);
  for (guint i = 0; i < data->pages->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (data->pages, i);
      gboolean damaged;
      SchQrCode *code = read_page_code (page, g_ptr_array_index (data->rendered, i), &damaged);

      if (code == NULL && damaged)
        page->kind = SCH_INTAKE_DAMAGED;
      g_ptr_array_add (data->codes, code);

      if (g_cancellable_is_cancelled (cancellable))
        break;
    }

  g_task_return_boolean (task, TRUE);
}

/* On the main thread: the store says which cases are here. */
static void
classify (AnalyseData *data)
{
  for (guint i = 0; i < data->pages->len && i < data->codes->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (data->pages, i);
      SchQrCode *code = g_ptr_array_index (data->codes, i);
      g_autoptr(SchCase) kase = NULL;
      g_autoptr(SchPrintout) latest = NULL;

      if (code == NULL)
        continue;

      page->case_uuid = g_strdup (code->case_uuid);
      page->role = code->role;
      page->number = code->page;
      page->n_pages = code->n_pages;
      page->printout = code->printout;

      if (code->role != SCH_QR_ROLE_FORM)
        {
          page->kind = SCH_INTAKE_NOT_FORM;
          continue;
        }

      kase = sch_store_load_case (data->store, code->case_uuid, NULL);
      page->kind = kase != NULL ? SCH_INTAKE_FORM : SCH_INTAKE_UNKNOWN_CASE;

      /* A reprint may have other pages: only its own pages make its form.
       * Without a recorded printout filing says why it cannot file. */
      if (kase != NULL && sch_printout_lookup_latest (data->store, code->case_uuid, &latest, NULL) &&
          latest != NULL && latest->number != code->printout)
        {
          page->kind = SCH_INTAKE_OLD_PRINTOUT;
          page->latest = latest->number;
        }
    }
}

static void
decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) outer = user_data;
  AnalyseData *data = g_task_get_task_data (outer);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      return;
    }

  classify (data);
  g_task_return_boolean (outer, TRUE);
}

static void
start_decoding (GTask *outer)
{
  AnalyseData *data = g_task_get_task_data (outer);
  g_autoptr(GTask) task = NULL;

  if (data->error != NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&data->error));
      return;
    }

  task = g_task_new (NULL, g_task_get_cancellable (outer), decoded_cb, g_object_ref (outer));
  g_task_set_task_data (task, data, NULL);
  g_task_run_in_thread (task, decode_thread);
}

typedef struct {
  GTask  *outer;
  GArray *indices;   /* guint: places in the pages array */
} RenderCall;

static void
rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RenderCall *call = user_data;
  g_autoptr(GTask) outer = call->outer;
  AnalyseData *data = g_task_get_task_data (outer);
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  images = sch_pdf_inspector_render_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (images != NULL)
    {
      gsize n = 0;
      g_autofree gpointer *taken = g_ptr_array_steal (images, &n);

      for (gsize i = 0; i < n; i++)
        {
          if (i < call->indices->len)
            g_ptr_array_index (data->rendered, g_array_index (call->indices, guint, i)) = taken[i];
          else
            sch_pdf_image_free (taken[i]);
        }
    }
  else if (data->error == NULL)
    data->error = g_steal_pointer (&error);

  g_array_unref (call->indices);
  g_free (call);

  if (--data->n_renders == 0)
    start_decoding (outer);
}

void
sch_signed_form_analyse_async (GPtrArray           *pages,
                               SchStore            *store,
                               SchPdfInspector     *inspector,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree gboolean *handled = NULL;
  AnalyseData *data;

  g_return_if_fail (pages != NULL);
  g_return_if_fail (SCH_IS_STORE (store));
  g_return_if_fail (SCH_IS_PDF_INSPECTOR (inspector));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_signed_form_analyse_async);
  data = g_new0 (AnalyseData, 1);
  data->pages = g_ptr_array_ref (pages);
  data->store = g_object_ref (store);
  data->rendered = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_pdf_image_free);
  g_ptr_array_set_size (data->rendered, pages->len);
  g_task_set_task_data (task, data, (GDestroyNotify) analyse_data_free);

  /* One render per PDF (the pages of a file share its bytes), at 150 dpi
   * of its first page's width. */
  handled = g_new0 (gboolean, pages->len);
  for (guint i = 0; i < pages->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (pages, i);
      g_autofree guint *numbers = NULL;
      RenderCall *call;
      guint n = 0;

      if (page->page->kind != SCH_SLOT_PAGE_PDF || handled[i])
        continue;

      call = g_new0 (RenderCall, 1);
      call->outer = g_object_ref (task);
      call->indices = g_array_new (FALSE, FALSE, sizeof (guint));
      numbers = g_new (guint, pages->len);
      for (guint j = i; j < pages->len; j++)
        {
          SchIntakePage *other = g_ptr_array_index (pages, j);

          if (other->page->kind == SCH_SLOT_PAGE_PDF && !handled[j] &&
              g_bytes_equal (other->page->bytes, page->page->bytes))
            {
              g_array_append_val (call->indices, j);
              numbers[n++] = other->page->page_index;
              handled[j] = TRUE;
            }
        }

      data->n_renders++;
      sch_pdf_inspector_render_async (inspector, page->page->bytes, NULL, numbers, n,
                                      (int) MIN (page->width * RENDER_DPI / 72.0 + 0.5, RENDER_MAX_WIDTH_PX),
                                      SCH_PDF_IMAGE_ARGB32, cancellable, rendered_cb, call);
    }

  if (data->n_renders == 0)
    start_decoding (task);
}

gboolean
sch_signed_form_analyse_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Filing */

G_DEFINE_QUARK (sch-signed-form-error-quark, sch_signed_form_error)

void
sch_signed_form_filing_free (SchSignedFormFiling *filing)
{
  if (filing == NULL)
    return;

  g_clear_pointer (&filing->filed, g_array_unref);
  g_clear_pointer (&filing->repeated, g_array_unref);
  g_clear_pointer (&filing->missing, g_array_unref);
  g_free (filing);
}

static char *
case_short_id (SchCase *kase)
{
  return g_strndup (sch_case_get_uuid (kase), 8);
}

gboolean
sch_signed_form_check_case (SchStore     *store,
                            SchCase      *kase,
                            SchPrintout **latest,
                            GError      **error)
{
  g_autofree char *short_id = NULL;
  g_autoptr(SchPrintout) printout = NULL;
  SchCaseState state;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);

  state = sch_case_get_state (kase);
  short_id = case_short_id (kase);

  if (state != SCH_CASE_STATE_AWAITING_SIGNATURE && state != SCH_CASE_STATE_SIGNED)
    {
      /* A queued or sent case has its documents listed for the migration
       * office already: a page added now would never be sent. */
      if (state >= SCH_CASE_STATE_QUEUED && state != SCH_CASE_STATE_NEEDS_ATTENTION)
        g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_STATE,
                     _("Case %s is “%s”: its documents are with the migration office or on their way, "
                       "so a signed form can no longer be added. Nothing was filed."),
                     short_id, sch_case_state_get_label (state));
      else
        g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_STATE,
                     _("Case %s is “%s”, not awaiting a signature. Nothing was filed."),
                     short_id, sch_case_state_get_label (state));
      return FALSE;
    }

  if (!sch_printout_lookup_latest (store, sch_case_get_uuid (kase), &printout, error))
    return FALSE;
  if (printout == NULL)
    {
      g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_NOT_PRINTED,
                   _("No printout of the form of case %s is recorded, so its pages cannot be told apart. "
                     "Print the form again and have it signed. Nothing was filed."), short_id);
      return FALSE;
    }

  if (latest != NULL)
    *latest = g_steal_pointer (&printout);
  return TRUE;
}

/* Journal entries of filings: "form pages 1,3 of 4, printout 2", and
 * ", chosen by the clerk" when filed by hand. */
#define JOURNAL_ACTION "signed-form-filed"
#define JOURNAL_PAGES "form pages "
#define JOURNAL_PRINTOUT "printout "
#define JOURNAL_BY_HAND "chosen by the clerk"

static gboolean
parse_unsigned (const char *text, guint *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* Adds the page numbers of a filing's journal @detail to @numbers when it
 * is of @printout. */
static void
add_filed_numbers (const char *detail, guint printout, GHashTable *numbers)
{
  g_auto(GStrv) parts = g_strsplit (detail, ", ", -1);
  g_auto(GStrv) pages = NULL;
  g_auto(GStrv) list = NULL;
  guint number;

  if (g_strv_length (parts) < 2 || !g_str_has_prefix (parts[0], JOURNAL_PAGES) ||
      !g_str_has_prefix (parts[1], JOURNAL_PRINTOUT) ||
      !parse_unsigned (parts[1] + strlen (JOURNAL_PRINTOUT), &number) || number != printout)
    return;

  pages = g_strsplit (parts[0] + strlen (JOURNAL_PAGES), " of ", 2);
  list = g_strsplit (pages[0], ",", -1);
  for (guint i = 0; list[i] != NULL; i++)
    if (parse_unsigned (list[i], &number))
      g_hash_table_add (numbers, GUINT_TO_POINTER (number));
}

/* The page numbers of printout @printout of @uuid's form filed so far,
 * from the journal: a set of numbers. */
static GHashTable *
filed_numbers (SchStore *store, const char *uuid, guint printout, GError **error)
{
  g_autoptr(GPtrArray) lines = sch_store_journal_list (store, uuid, error);
  GHashTable *numbers;

  if (lines == NULL)
    return NULL;

  numbers = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < lines->len; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_ptr_array_index (lines, i), "\t", 4);

      if (g_strv_length (fields) == 4 && g_str_equal (fields[2], JOURNAL_ACTION))
        add_filed_numbers (fields[3], printout, numbers);
    }

  return numbers;
}

/* A page to file and the form page number it is filed as. */
typedef struct {
  SchIntakePage *page;
  guint          number;
} Entry;

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const Entry *x = a;
  const Entry *y = b;

  return (x->number > y->number) - (x->number < y->number);
}

static GArray *
numbers_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (guint));
}

static gboolean
contains_number (GArray *numbers, guint number)
{
  for (guint i = 0; i < numbers->len; i++)
    if (g_array_index (numbers, guint, i) == number)
      return TRUE;
  return FALSE;
}

static char *
list_numbers (GArray *numbers, const char *separator)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < numbers->len; i++)
    g_string_append_printf (text, "%s%u", i > 0 ? separator : "", g_array_index (numbers, guint, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* Pages found by code, in form page order; a number already filed (or
 * twice in this batch) goes to @filing->repeated instead. */
static GArray *
entries_by_code (GPtrArray *pages, GHashTable *before, const SchPrintout *latest,
                 SchSignedFormFiling *filing, GError **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));

  for (guint i = 0; i < pages->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (pages, i);
      Entry entry = { page, page->number };

      if (page->kind != SCH_INTAKE_FORM || page->printout != latest->number)
        {
          g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_OLD_PRINTOUT,
                       _("Page %u is from printout %u of the form, but the case awaits the pages of "
                         "printout %u. Nothing was filed."), page->index, page->printout, latest->number);
          return NULL;
        }
      g_array_append_val (entries, entry);
    }
  g_array_sort (entries, compare_entries);

  for (guint i = 0; i < entries->len;)
    {
      guint number = g_array_index (entries, Entry, i).number;

      if (g_hash_table_contains (before, GUINT_TO_POINTER (number)) || contains_number (filing->repeated, number) ||
          (i > 0 && g_array_index (entries, Entry, i - 1).number == number))
        {
          if (!contains_number (filing->repeated, number))
            g_array_append_val (filing->repeated, number);
          g_array_remove_index (entries, i);
        }
      else
        i++;
    }

  return g_steal_pointer (&entries);
}

/* Pages the clerk chose: the form's missing pages, in order. */
static GArray *
entries_by_hand (GPtrArray *pages, GHashTable *before, const SchPrintout *latest,
                 SchCase *kase, GError **error)
{
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  g_autoptr(GArray) missing = numbers_new ();
  g_autofree char *short_id = case_short_id (kase);

  for (guint number = 1; number <= latest->n_form_pages; number++)
    if (!g_hash_table_contains (before, GUINT_TO_POINTER (number)))
      g_array_append_val (missing, number);

  if (pages->len > missing->len)
    {
      g_autofree char *pages_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page was chosen",
                                                                  "%u pages were chosen", pages->len),
                                                     pages->len);

      if (missing->len == 0)
        g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_TOO_MANY,
                     _("Every page of the signed form of case %s is filed already. Nothing was filed."),
                     short_id);
      else
        g_set_error (error, SCH_SIGNED_FORM_ERROR, SCH_SIGNED_FORM_ERROR_TOO_MANY,
                     /* Translators: the last %s is "3 pages were chosen" */
                     g_dngettext (GETTEXT_PACKAGE,
                                  "The signed form of case %s misses only %u page, but %s. Nothing was filed.",
                                  "The signed form of case %s misses only %u pages, but %s. Nothing was filed.",
                                  missing->len),
                     short_id, missing->len, pages_text);
      return NULL;
    }

  for (guint i = 0; i < pages->len; i++)
    {
      Entry entry = { g_ptr_array_index (pages, i), g_array_index (missing, guint, i) };

      g_array_append_val (entries, entry);
    }
  return g_steal_pointer (&entries);
}

static SchPage *
store_page (SchBlobStore *blobs, SchIntakePage *intake, GError **error)
{
  g_autofree char *blob = sch_blob_store_put_bytes (blobs, intake->page->bytes, error);
  gboolean is_pdf = intake->page->kind == SCH_SLOT_PAGE_PDF;

  if (blob == NULL)
    return NULL;

  return sch_page_new (blob, intake->page->media_type, is_pdf ? intake->page->page_index : -1,
                       intake->width, intake->height, is_pdf ? 0 : (guint) (intake->page->dpi + 0.5),
                       0, intake->source);
}

/* Where entry @index goes in the slot: after what is there from earlier
 * printouts (@offset pages), the pages of this printout filed before with
 * lower numbers, and the entries of this batch before it. */
static int
slot_position (guint offset, GHashTable *before, GArray *entries, guint index)
{
  guint number = g_array_index (entries, Entry, index).number;
  GHashTableIter iter;
  gpointer key;
  int position = (int) (offset + index);

  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_UINT (key) < number)
      position++;

  return position;
}

static gboolean
count_slot_pages (SchStore *store, SchCase *kase, guint *n, GError **error)
{
  g_autoptr(GHashTable) counts = sch_store_count_pages (store, kase, error);

  if (counts == NULL)
    return FALSE;
  *n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, SCH_SIGNED_FORM_SLOT));
  return TRUE;
}

/* The first pages of a new printout replace those of an earlier one still
 * in the slot (the form was printed again, e.g. in another language): only
 * one printout's signed pages may go to the migration office. The deletion
 * is journaled and can be undone in the documents view. */
static gboolean
remove_earlier_printout (SchStore *store, SchCase *kase, guint *n_removed, GError **error)
{
  g_autoptr(GPtrArray) pages = sch_store_list_pages (store, kase, SCH_SIGNED_FORM_SLOT, error);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) removed = NULL;

  *n_removed = 0;
  if (pages == NULL)
    return FALSE;
  if (pages->len == 0)
    return TRUE;

  ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (guint i = 0; i < pages->len; i++)
    {
      gint64 id = sch_page_get_id (g_ptr_array_index (pages, i));

      g_array_append_val (ids, id);
    }
  removed = sch_store_delete_pages (store, kase, ids, error);
  if (removed == NULL)
    return FALSE;

  *n_removed = ids->len;
  return TRUE;
}

/* Stores @entries in the slot: a run of pages that follow each other in
 * the slot is one change; a page that comes back later goes between the
 * ones already filed. */
static gboolean
store_entries (SchStore *store, SchCase *kase, GArray *entries, GHashTable *before, GError **error)
{
  SchBlobStore *blobs = sch_store_get_blob_store (store);
  guint in_slot;

  if (!count_slot_pages (store, kase, &in_slot, error))
    return FALSE;
  in_slot -= MIN (in_slot, g_hash_table_size (before));

  for (guint i = 0; i < entries->len;)
    {
      g_autoptr(GPtrArray) run = g_ptr_array_new_with_free_func (g_object_unref);
      g_autoptr(GPtrArray) added = NULL;
      int position = slot_position (in_slot, before, entries, i);

      do
        {
          SchPage *page = store_page (blobs, g_array_index (entries, Entry, i).page, error);

          if (page == NULL)
            return FALSE;
          g_ptr_array_add (run, page);
          i++;
        }
      while (i < entries->len && slot_position (in_slot, before, entries, i) == position + (int) run->len);

      added = sch_store_add_pages (store, kase, SCH_SIGNED_FORM_SLOT, position, run, error);
      if (added == NULL)
        return FALSE;
    }
  return TRUE;
}

SchSignedFormFiling *
sch_signed_form_file (SchStore   *store,
                      SchCase    *kase,
                      GPtrArray  *pages,
                      gboolean    by_code,
                      GError    **error)
{
  g_autoptr(SchSignedFormFiling) filing = NULL;
  g_autoptr(SchPrintout) latest = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GArray) entries = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (pages != NULL && pages->len > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sch_signed_form_check_case (store, kase, &latest, error))
    return NULL;
  before = filed_numbers (store, sch_case_get_uuid (kase), latest->number, error);
  if (before == NULL)
    return NULL;

  filing = g_new0 (SchSignedFormFiling, 1);
  filing->printout = latest->number;
  filing->n_pages = latest->n_form_pages;
  filing->filed = numbers_new ();
  filing->repeated = numbers_new ();
  filing->missing = numbers_new ();
  filing->was_signed = sch_case_get_state (kase) == SCH_CASE_STATE_SIGNED;

  entries = by_code ? entries_by_code (pages, before, latest, filing, error)
                    : entries_by_hand (pages, before, latest, kase, error);
  if (entries == NULL)
    return NULL;

  if (entries->len > 0)
    {
      g_autofree char *numbers = NULL;
      g_autofree char *detail = NULL;

      g_array_sort (entries, compare_entries);
      if ((g_hash_table_size (before) == 0 &&
           !remove_earlier_printout (store, kase, &filing->n_replaced, error)) ||
          !store_entries (store, kase, entries, before, error))
        return NULL;

      for (guint i = 0; i < entries->len; i++)
        {
          guint number = g_array_index (entries, Entry, i).number;

          g_array_append_val (filing->filed, number);
          g_hash_table_add (before, GUINT_TO_POINTER (number));
        }
      numbers = list_numbers (filing->filed, ",");
      detail = g_strdup_printf (JOURNAL_PAGES "%s of %u, " JOURNAL_PRINTOUT "%u%s", numbers, filing->n_pages,
                                filing->printout, by_code ? "" : ", " JOURNAL_BY_HAND);
      if (!sch_store_journal_add (store, sch_case_get_uuid (kase), JOURNAL_ACTION, detail, error))
        return NULL;
    }

  for (guint number = 1; number <= filing->n_pages; number++)
    if (!g_hash_table_contains (before, GUINT_TO_POINTER (number)))
      g_array_append_val (filing->missing, number);

  if (filing->missing->len == 0 && !filing->was_signed)
    {
      if (!sch_store_set_state (store, kase, SCH_CASE_STATE_SIGNED, error))
        return NULL;
      filing->signed_now = TRUE;
    }

  return g_steal_pointer (&filing);
}

/* The clerk's side */

struct _SchSignedFormIntake
{
  GObject          parent_instance;

  GtkWindow       *window;
  SchStore        *store;
  SchCatalog      *catalog;
  SchCase         *open_case;
  SchPdfInspector *inspector;
  GCancellable    *cancellable;

  gboolean         running;     /* holds a reference on itself */
  GPtrArray       *scanned;     /* SchScannedPage* of the scan under way */
  GPtrArray       *pages;       /* SchIntakePage* of this round */
  GQueue           groups;      /* GPtrArray* of FORM pages of one case each */
  GPtrArray       *outdated;    /* SchIntakePage* of earlier printouts: reported, not filed */
  GPtrArray       *problems;    /* SchIntakePage* to file by hand */
  guint            n_filed;
};

G_DEFINE_FINAL_TYPE (SchSignedFormIntake, sch_signed_form_intake, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void advance (SchSignedFormIntake *self);

static void
begin (SchSignedFormIntake *self)
{
  if (!self->running)
    {
      self->running = TRUE;
      g_object_ref (self);
    }
}

static void
finish (SchSignedFormIntake *self)
{
  if (!self->running)
    return;

  self->running = FALSE;
  g_signal_emit (self, signals[FINISHED], 0, self->n_filed);
  g_object_unref (self);
}

static char *
describe_case (SchCase *kase)
{
  g_autofree char *short_id = g_strndup (sch_case_get_uuid (kase), 8);
  g_autofree char *name = sch_case_dup_display_name (kase);

  /* Translators: a case as named in messages: "916abf5a — Dürrenmatt-Çelik, Zoë" */
  return g_strdup_printf (_("%s — %s"), short_id,
                          name != NULL && *name != '\0' ? name : _("Unnamed case"));
}

static void
toast (SchSignedFormIntake *self, const char *message)
{
  if (SCH_IS_WINDOW (self->window))
    sch_window_toast (SCH_WINDOW (self->window), message);
}

typedef void (*ResponseFunc) (SchSignedFormIntake *self, const char *response);

typedef struct {
  SchSignedFormIntake *self;
  ResponseFunc         func;
} ResponseData;

static void
response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  ResponseData *data = user_data;

  data->func (data->self, response);
}

static void
response_data_free (gpointer data, GClosure *closure)
{
  ResponseData *response = data;

  g_object_unref (response->self);
  g_free (response);
}

/* A message with @responses ("id", "label", …, NULL; the first one closes). */
static GtkWidget *
ask (SchSignedFormIntake *self, const char *heading, const char *body, ResponseFunc func,
     const char *first_id, ...)
{
  GtkWidget *dialog = adw_message_dialog_new (self->window, heading, body);
  ResponseData *data = g_new0 (ResponseData, 1);
  const char *id = first_id;
  const char *last = first_id;
  va_list args;

  va_start (args, first_id);
  while (id != NULL)
    {
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), id, va_arg (args, const char *));
      last = id;
      id = va_arg (args, const char *);
    }
  va_end (args);

  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), first_id);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), last);
  if (!g_str_equal (last, first_id))
    adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), last, ADW_RESPONSE_SUGGESTED);

  data->self = g_object_ref (self);
  data->func = func;
  g_signal_connect_data (dialog, "response", G_CALLBACK (response_cb), data, response_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));

  return dialog;
}

static void
continue_response (SchSignedFormIntake *self, const char *response)
{
  advance (self);
}

static void
finish_response (SchSignedFormIntake *self, const char *response)
{
  finish (self);
}

static void
report_error (SchSignedFormIntake *self, const char *heading, const GError *error, gboolean go_on)
{
  ask (self, heading, error->message, go_on ? continue_response : finish_response,
       "close", _("_Close"), NULL);
}

/* Filing a case's pages */

static SchCase *
load_case (SchSignedFormIntake *self, const char *uuid, GError **error)
{
  if (self->open_case != NULL && g_str_equal (sch_case_get_uuid (self->open_case), uuid))
    return g_object_ref (self->open_case);

  return sch_store_load_case (self->store, uuid, error);
}

/* What the clerk is told after a filing, or NULL when the toast says it all. */
static char *
describe_filing (const SchSignedFormFiling *filing, const char *name)
{
  g_autoptr(GString) body = g_string_new (NULL);

  if (filing->n_replaced > 0)
    g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                               "The form of case %s was printed again: %u signed page of "
                                               "the earlier printout was taken out of the signed form. "
                                               "Undo it in the case's documents if it is still needed.",
                                               "The form of case %s was printed again: %u signed pages of "
                                               "the earlier printout were taken out of the signed form. "
                                               "Undo it in the case's documents if they are still needed.",
                                               filing->n_replaced),
                            name, filing->n_replaced);

  if (filing->repeated->len > 0)
    {
      g_autofree char *numbers = list_numbers (filing->repeated, ", ");

      if (body->len > 0)
        g_string_append (body, "\n\n");
      if (filing->was_signed)
        g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                   "The signed form of case %s is filed already: page %s was "
                                                   "scanned again and is not filed twice.",
                                                   "The signed form of case %s is filed already: pages %s were "
                                                   "scanned again and are not filed twice.",
                                                   filing->repeated->len),
                                name, numbers);
      else
        g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                   "Page %s of the signed form of case %s is filed already "
                                                   "and is not filed twice.",
                                                   "Pages %s of the signed form of case %s are filed already "
                                                   "and are not filed twice.",
                                                   filing->repeated->len),
                                numbers, name);
    }

  if (filing->missing->len > 0)
    {
      g_autofree char *numbers = list_numbers (filing->missing, ", ");

      if (body->len > 0)
        g_string_append (body, "\n\n");
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE,
                                                 "Page %s of %u of the signed form of case %s is missing. "
                                                 "Scan it when it is back; the case awaits it.",
                                                 "Pages %s of %u of the signed form of case %s are missing. "
                                                 "Scan them when they are back; the case awaits them.",
                                                 filing->missing->len),
                              numbers, filing->n_pages, name);
    }

  return body->len > 0 ? g_string_free (g_steal_pointer (&body), FALSE) : NULL;
}

static void
file_pages (SchSignedFormIntake *self, SchCase *kase, GPtrArray *pages, gboolean by_code)
{
  g_autoptr(SchSignedFormFiling) filing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = describe_case (kase);
  g_autofree char *body = NULL;

  filing = sch_signed_form_file (self->store, kase, pages, by_code, &error);
  if (filing == NULL)
    {
      report_error (self, _("The Signed Form Was Not Filed"), error, TRUE);
      return;
    }

  self->n_filed += filing->filed->len;
  if (filing->filed->len > 0)
    {
      g_autofree char *numbers = list_numbers (filing->filed, ", ");
      g_autofree char *message = by_code
        ? g_strdup_printf (_("Signed form filed in case %s"), name)
        : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Filed as page %s of the signed form of case %s",
                                        "Filed as pages %s of the signed form of case %s", filing->filed->len),
                           numbers, name);

      toast (self, message);
    }

  body = describe_filing (filing, name);
  if (body == NULL)
    advance (self);
  else
    ask (self, filing->missing->len > 0 ? _("Signed Form Incomplete")
               : filing->repeated->len > 0 ? _("Signed Form Scanned Again")
               : _("Signed Form of a New Printout"),
         body, continue_response, "close", _("_Close"), NULL);
}

static GPtrArray *current_group (SchSignedFormIntake *self);
static void choose_case (SchSignedFormIntake *self, GPtrArray *pages, const char *coded_uuid);

static void
other_case_response (SchSignedFormIntake *self, const char *response)
{
  g_autoptr(GPtrArray) group = g_queue_pop_head (&self->groups);
  const char *uuid = ((SchIntakePage *) g_ptr_array_index (group, 0))->case_uuid;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;

  if (g_str_equal (response, "choose"))
    {
      choose_case (self, g_steal_pointer (&group), uuid);
      return;
    }
  if (!g_str_equal (response, "file"))
    {
      advance (self);
      return;
    }

  kase = load_case (self, uuid, &error);
  if (kase == NULL)
    {
      report_error (self, _("The Signed Form Could Not Be Filed"), error, TRUE);
      return;
    }

  file_pages (self, kase, group, TRUE);
}

static GPtrArray *
current_group (SchSignedFormIntake *self)
{
  return g_queue_peek_head (&self->groups);
}

static void
file_next_group (SchSignedFormIntake *self)
{
  GPtrArray *group = current_group (self);
  const char *uuid = ((SchIntakePage *) g_ptr_array_index (group, 0))->case_uuid;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *open_name = NULL;
  g_autofree char *body = NULL;

  kase = load_case (self, uuid, &error);
  if (kase == NULL)
    {
      g_ptr_array_unref (g_queue_pop_head (&self->groups));
      report_error (self, _("The Signed Form Could Not Be Filed"), error, TRUE);
      return;
    }

  /* A case that takes no pages now is said so before anything is asked. */
  if (!sch_signed_form_check_case (self->store, kase, NULL, &error))
    {
      g_ptr_array_unref (g_queue_pop_head (&self->groups));
      report_error (self, _("The Signed Form Was Not Filed"), error, TRUE);
      return;
    }

  if (self->open_case == NULL || g_str_equal (uuid, sch_case_get_uuid (self->open_case)))
    {
      g_autoptr(GPtrArray) taken = g_queue_pop_head (&self->groups);

      file_pages (self, kase, taken, TRUE);
      return;
    }

  /* Pages of another case than the one the clerk is looking at. */
  name = describe_case (kase);
  open_name = describe_case (self->open_case);
  body = g_strdup_printf (_("The QR code on these pages names case %s, not the open case %s. "
                            "File them as the signed form of case %s, or choose the case they "
                            "belong to?"),
                          name, open_name, name);
  ask (self, _("Signed Form of Another Case"), body, other_case_response,
       "cancel", _("_Don’t File"),
       "choose", _("_Choose Case…"),
       "file", _("_File in That Case"),
       NULL);
}

/* Choosing the case by hand */

static char *
describe_problem (SchIntakePage *page)
{
  g_autofree char *short_id = page->case_uuid != NULL ? g_strndup (page->case_uuid, 8) : NULL;

  switch (page->kind)
    {
    case SCH_INTAKE_UNKNOWN_CASE:
      return g_strdup_printf (_("Page %u belongs to case %s, which is not on this workstation."),
                              page->index, short_id);
    case SCH_INTAKE_NOT_FORM:
      return g_strdup_printf (page->role == SCH_QR_ROLE_RECEIPT
                              ? _("Page %u is a receipt, not a page of the signature form.")
                              : _("Page %u is an information sheet, not a page of the signature form."),
                              page->index);
    case SCH_INTAKE_DAMAGED:
      return g_strdup_printf (_("The QR code on page %u is damaged or was misread."), page->index);
    case SCH_INTAKE_NO_CODE:
    case SCH_INTAKE_FORM:
    case SCH_INTAKE_OLD_PRINTOUT:
    default:
      return g_strdup_printf (_("Page %u has no readable QR code: it may be scribbled over, "
                                "cut off or not a Schalter form."), page->index);
    }
}

typedef struct {
  SchSignedFormIntake *intake;
  GtkWidget           *window;
  SchCaseList         *list;
  GtkSingleSelection  *selection;
  GtkWidget           *file_button;
  GPtrArray           *pages;       /* SchIntakePage* to file in the case chosen */
  char                *coded_uuid;  /* the case their QR code names, or NULL */
  gboolean             chosen;
} Chooser;

static void
chooser_free (Chooser *chooser)
{
  g_signal_handlers_disconnect_by_data (chooser->selection, chooser);
  g_clear_object (&chooser->selection);
  g_clear_object (&chooser->list);
  g_clear_pointer (&chooser->pages, g_ptr_array_unref);
  g_free (chooser->coded_uuid);
  g_object_unref (chooser->intake);
  g_free (chooser);
}

static void
chooser_file (Chooser *chooser)
{
  SchSignedFormIntake *self = chooser->intake;
  SchCaseSummary *summary = gtk_single_selection_get_selected_item (chooser->selection);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  gboolean by_code;

  if (summary == NULL || chooser->chosen)
    return;

  kase = load_case (self, sch_case_summary_get_uuid (summary), &error);
  /* The case the code names files its pages by their numbers; any other
   * takes them as its missing pages, in order. */
  by_code = g_strcmp0 (chooser->coded_uuid, sch_case_summary_get_uuid (summary)) == 0;
  chooser->chosen = TRUE;
  pages = g_steal_pointer (&chooser->pages);
  gtk_window_destroy (GTK_WINDOW (chooser->window));

  if (kase == NULL)
    {
      report_error (self, _("The Signed Form Could Not Be Filed"), error, TRUE);
      return;
    }

  file_pages (self, kase, pages, by_code);
}

static void
chooser_activate_cb (GtkListView *view, guint position, gpointer user_data)
{
  Chooser *chooser = user_data;

  gtk_single_selection_set_selected (chooser->selection, position);
  chooser_file (chooser);
}

static void
chooser_selected_cb (Chooser *chooser)
{
  gtk_widget_set_sensitive (chooser->file_button,
                            gtk_single_selection_get_selected_item (chooser->selection) != NULL);
}

static void
chooser_search_cb (GtkSearchEntry *entry, Chooser *chooser)
{
  sch_case_list_set_search (chooser->list, gtk_editable_get_text (GTK_EDITABLE (entry)));
  chooser_selected_cb (chooser);
}

static void
chooser_destroy_cb (Chooser *chooser)
{
  SchSignedFormIntake *self = g_object_ref (chooser->intake);
  gboolean chosen = chooser->chosen;

  chooser_free (chooser);

  /* Closed without a choice: nothing is filed. */
  if (!chosen)
    advance (self);
  g_object_unref (self);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  gtk_list_item_set_child (item, sch_case_row_new (SCH_CATALOG (user_data)));
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  sch_case_row_bind (SCH_CASE_ROW (gtk_list_item_get_child (item)),
                     SCH_CASE_SUMMARY (gtk_list_item_get_item (item)));
}

/* The searchable list of cases for @pages (taken): pages without a usable
 * code, or those whose code names @coded_uuid, another case than the open one. */
static void
choose_case (SchSignedFormIntake *self, GPtrArray *pages, const char *coded_uuid)
{
  Chooser *chooser = g_new0 (Chooser, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *cancel = gtk_button_new_with_mnemonic (_("_Cancel"));
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkWidget *view;

  chooser->intake = g_object_ref (self);
  chooser->pages = pages;
  chooser->coded_uuid = g_strdup (coded_uuid);
  chooser->list = sch_case_list_new (self->store);
  chooser->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (chooser->list)));
  gtk_single_selection_set_autoselect (chooser->selection, FALSE);
  gtk_single_selection_set_selected (chooser->selection, GTK_INVALID_LIST_POSITION);

  chooser->window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (chooser->window), _("File as Signed Form of…"));
  gtk_window_set_modal (GTK_WINDOW (chooser->window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (chooser->window), self->window);
  gtk_window_set_default_size (GTK_WINDOW (chooser->window), 480, 560);

  chooser->file_button = gtk_button_new_with_mnemonic (_("_File Here"));
  gtk_widget_add_css_class (chooser->file_button, "suggested-action");
  gtk_widget_set_sensitive (chooser->file_button, FALSE);
  g_signal_connect_swapped (chooser->file_button, "clicked", G_CALLBACK (chooser_file), chooser);
  g_signal_connect_swapped (cancel, "clicked", G_CALLBACK (gtk_window_destroy), chooser->window);
  adw_header_bar_set_show_end_title_buttons (ADW_HEADER_BAR (header), FALSE);
  adw_header_bar_pack_start (ADW_HEADER_BAR (header), cancel);
  adw_header_bar_pack_end (ADW_HEADER_BAR (header), chooser->file_button);
  gtk_box_append (GTK_BOX (box), header);

  g_object_set (search, "placeholder-text", _("Search by name, AHV or ZEMIS number"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search cases"), -1);
  gtk_widget_set_margin_top (search, 12);
  gtk_widget_set_margin_bottom (search, 12);
  gtk_widget_set_margin_start (search, 12);
  gtk_widget_set_margin_end (search, 12);
  g_signal_connect (search, "search-changed", G_CALLBACK (chooser_search_cb), chooser);
  gtk_box_append (GTK_BOX (box), search);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self->catalog);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (g_object_ref (chooser->selection)), factory);
  gtk_list_view_set_single_click_activate (GTK_LIST_VIEW (view), FALSE);
  gtk_widget_add_css_class (view, "navigation-sidebar");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cases"), -1);
  g_signal_connect (view, "activate", G_CALLBACK (chooser_activate_cb), chooser);
  g_signal_connect_swapped (chooser->selection, "notify::selected-item", G_CALLBACK (chooser_selected_cb), chooser);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), view);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_HORIZONTAL));
  gtk_box_append (GTK_BOX (box), scroller);

  adw_window_set_content (ADW_WINDOW (chooser->window), box);
  g_signal_connect_swapped (chooser->window, "destroy", G_CALLBACK (chooser_destroy_cb), chooser);
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (search), chooser->window);
  gtk_window_present (GTK_WINDOW (chooser->window));
  gtk_widget_grab_focus (search);
}

static void
problems_response (SchSignedFormIntake *self, const char *response)
{
  if (g_str_equal (response, "choose"))
    {
      choose_case (self, g_steal_pointer (&self->problems), NULL);
      return;
    }

  g_clear_pointer (&self->problems, g_ptr_array_unref);
  advance (self);
}

static void
ask_about_problems (SchSignedFormIntake *self)
{
  g_autoptr(GString) body = g_string_new (NULL);

  for (guint i = 0; i < self->problems->len; i++)
    {
      g_autofree char *line = describe_problem (g_ptr_array_index (self->problems, i));

      g_string_append_printf (body, "%s\n", line);
    }
  g_string_append (body, _("\nChoose the case whose signed form these pages are: they are filed as its "
                           "missing pages, in this order. Or do not file them."));

  ask (self, _("File as Signed Form of…"), body->str, problems_response,
       "cancel", _("_Don’t File"),
       "choose", _("_Choose Case…"),
       NULL);
}

/* Pages of an earlier printout: the case waits for those of its latest. */
static void
report_outdated (SchSignedFormIntake *self)
{
  g_autoptr(GPtrArray) outdated = g_steal_pointer (&self->outdated);
  g_autoptr(GString) body = g_string_new (NULL);

  for (guint i = 0; i < outdated->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (outdated, i);
      g_autofree char *short_id = g_strndup (page->case_uuid, 8);

      g_string_append_printf (body, _("Page %u is page %u of printout %u of the form of case %s, "
                                      "but the form was printed again since (printout %u)."),
                              page->index, page->number, page->printout, short_id, page->latest);
      g_string_append_c (body, '\n');
    }
  g_string_append (body, _("\nThese pages are not filed. Have the latest printout signed and scan it; "
                           "its number is in the footer of each page."));

  ask (self, _("Pages of an Earlier Printout"), body->str, continue_response, "close", _("_Close"), NULL);
}

/* One step after the other: the cases found by code, the pages of earlier
 * printouts, then the rest. */
static void
advance (SchSignedFormIntake *self)
{
  if (!g_queue_is_empty (&self->groups))
    file_next_group (self);
  else if (self->outdated != NULL && self->outdated->len > 0)
    report_outdated (self);
  else if (self->problems != NULL && self->problems->len > 0)
    ask_about_problems (self);
  else
    finish (self);
}

static void
sort_out (SchSignedFormIntake *self)
{
  g_autoptr(GHashTable) by_case = g_hash_table_new (g_str_hash, g_str_equal);

  self->problems = g_ptr_array_new ();
  self->outdated = g_ptr_array_new ();
  for (guint i = 0; i < self->pages->len; i++)
    {
      SchIntakePage *page = g_ptr_array_index (self->pages, i);
      GPtrArray *group;

      if (page->kind == SCH_INTAKE_OLD_PRINTOUT)
        {
          g_ptr_array_add (self->outdated, page);
          continue;
        }
      if (page->kind != SCH_INTAKE_FORM)
        {
          g_ptr_array_add (self->problems, page);
          continue;
        }

      group = g_hash_table_lookup (by_case, page->case_uuid);
      if (group == NULL)
        {
          group = g_ptr_array_new ();
          g_hash_table_insert (by_case, page->case_uuid, group);
          g_queue_push_tail (&self->groups, group);
        }
      g_ptr_array_add (group, page);
    }
}

static void
analysed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchSignedFormIntake) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!sch_signed_form_analyse_finish (result, &error))
    {
      report_error (self, _("The Pages Could Not Be Read"), error, FALSE);
      return;
    }

  sort_out (self);
  advance (self);
}

static void
analyse (SchSignedFormIntake *self, GPtrArray *pages)
{
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  self->pages = g_ptr_array_ref (pages);
  sch_signed_form_analyse_async (self->pages, self->store, self->inspector, self->cancellable,
                                 analysed_cb, g_object_ref (self));
}

void
sch_signed_form_intake_take_scans (SchSignedFormIntake *self,
                                   GPtrArray           *scanned)
{
  g_autoptr(GPtrArray) pages = NULL;

  g_return_if_fail (SCH_IS_SIGNED_FORM_INTAKE (self));
  g_return_if_fail (scanned != NULL);

  begin (self);
  if (scanned->len == 0)
    {
      finish (self);
      return;
    }

  pages = sch_signed_form_pages_from_scans (scanned);
  analyse (self, pages);
}

static void
file_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchSignedFormIntake) self = user_data;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = sch_signed_form_pages_from_file_finish (result, &error);
  if (pages == NULL)
    {
      report_error (self, _("The File Could Not Be Imported"), error, FALSE);
      return;
    }

  analyse (self, pages);
}

void
sch_signed_form_intake_import_file (SchSignedFormIntake *self,
                                    GFile               *file)
{
  g_return_if_fail (SCH_IS_SIGNED_FORM_INTAKE (self));
  g_return_if_fail (G_IS_FILE (file));

  begin (self);
  sch_signed_form_pages_from_file_async (file, self->inspector, self->cancellable,
                                         file_read_cb, g_object_ref (self));
}

static void
import_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr(SchSignedFormIntake) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);

  if (file == NULL)
    finish (self);
  else
    sch_signed_form_intake_import_file (self, file);
}

static void
choose_file (SchSignedFormIntake *self)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  chooser = gtk_file_chooser_native_new (_("Import Signed Form"), self->window,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Import"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents and images"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_filter_add_mime_type (filter, "image/jpeg");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_mime_type (filter, "image/tiff");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);

  g_signal_connect (chooser, "response", G_CALLBACK (import_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
page_scanned_cb (SchSignedFormIntake *self, SchScannedPage *page)
{
  g_ptr_array_add (self->scanned, g_object_ref (page));
}

static void
scan_finished_cb (SchSignedFormIntake *self, guint n_pages, GtkWidget *dialog)
{
  g_autoptr(GPtrArray) scanned = NULL;

  if (self->scanned->len == 0)
    return;

  /* The pages are read now; the dialog has done its part. */
  scanned = g_steal_pointer (&self->scanned);
  self->scanned = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
  sch_signed_form_intake_take_scans (self, scanned);
}

static void
scan_dialog_destroy_cb (SchSignedFormIntake *self)
{
  /* Closed before any page was scanned. */
  if (self->pages == NULL)
    finish (self);
}

static GSettings *
app_settings (void)
{
  GApplication *app = g_application_get_default ();

  return app != NULL && SCH_IS_APPLICATION (app) ? sch_application_get_settings (SCH_APPLICATION (app)) : NULL;
}

void
sch_signed_form_intake_scan (SchSignedFormIntake *self)
{
  g_autoptr(SchScanner) scanner = NULL;
  SchScanDialog *dialog;

  g_return_if_fail (SCH_IS_SIGNED_FORM_INTAKE (self));

  begin (self);
  scanner = sch_scan_dialog_dup_scanner ();
  dialog = sch_scan_dialog_new (self->window, scanner, app_settings (), _("Signed form"));
  g_signal_connect_object (dialog, "page-scanned", G_CALLBACK (page_scanned_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "scan-finished", G_CALLBACK (scan_finished_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (dialog, "destroy", G_CALLBACK (scan_dialog_destroy_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
start_response (SchSignedFormIntake *self, const char *response)
{
  if (g_str_equal (response, "scan"))
    sch_signed_form_intake_scan (self);
  else if (g_str_equal (response, "import"))
    choose_file (self);
  else
    finish (self);
}

void
sch_signed_form_intake_start (SchSignedFormIntake *self)
{
  g_return_if_fail (SCH_IS_SIGNED_FORM_INTAKE (self));

  begin (self);
  ask (self, _("Signed Form Back"),
       _("Scan the signed pages or import them from a PDF or image file. "
         "Schalter finds the case by the QR code on each page."),
       start_response,
       "cancel", _("_Cancel"),
       "import", _("_Import File…"),
       "scan", _("_Scan…"),
       NULL);
}

static void
sch_signed_form_intake_dispose (GObject *object)
{
  SchSignedFormIntake *self = SCH_SIGNED_FORM_INTAKE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_queue_clear_full (&self->groups, (GDestroyNotify) g_ptr_array_unref);
  g_clear_pointer (&self->outdated, g_ptr_array_unref);
  g_clear_pointer (&self->problems, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->scanned, g_ptr_array_unref);
  g_clear_object (&self->inspector);
  g_clear_object (&self->open_case);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);
  g_clear_object (&self->window);

  G_OBJECT_CLASS (sch_signed_form_intake_parent_class)->dispose (object);
}

static void
sch_signed_form_intake_class_init (SchSignedFormIntakeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sch_signed_form_intake_dispose;

  signals[FINISHED] = g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
}

static void
sch_signed_form_intake_init (SchSignedFormIntake *self)
{
  g_queue_init (&self->groups);
  self->cancellable = g_cancellable_new ();
  self->scanned = g_ptr_array_new_with_free_func (g_object_unref);
  self->inspector = sch_pdf_inspector_new ();
}

SchSignedFormIntake *
sch_signed_form_intake_new (GtkWindow  *window,
                            SchStore   *store,
                            SchCatalog *catalog,
                            SchCase    *open_case)
{
  SchSignedFormIntake *self;

  g_return_val_if_fail (GTK_IS_WINDOW (window), NULL);
  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (open_case == NULL || SCH_IS_CASE (open_case), NULL);

  self = g_object_new (SCH_TYPE_SIGNED_FORM_INTAKE, NULL);
  self->window = g_object_ref (window);
  self->store = g_object_ref (store);
  self->catalog = g_object_ref (catalog);
  self->open_case = open_case != NULL ? g_object_ref (open_case) : NULL;

  return self;
}
