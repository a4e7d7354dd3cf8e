#define G_LOG_DOMAIN "sch-documents-view"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-state.h"
#include "sch-documents-view.h"
#include "sch-image-import.h"
#include "sch-page-thumbnail.h"
#include "sch-page-viewer.h"
#include "sch-scan-dialog.h"
#include "sch-store-pages.h"

/* Upright pages are drawn this wide (A4: 181 px high), pages wider than
 * high a little wider; both fit the box of a thumbnail. */
#define THUMBNAIL_WIDTH 128
#define THUMBNAIL_WIDE_WIDTH 160
#define THUMBNAIL_BOX_HEIGHT 181
/* Undo reaches this many steps back. */
#define MAX_UNDO 20
#define MEGABYTE (G_GUINT64_CONSTANT (1000) * 1000)

/* How a page to store is made once its file is in the blob store. */
typedef struct {
  guint          content;     /* index into StoreRequest.contents */
  char          *media_type;
  int            pdf_page;
  double         width;
  double         height;
  guint          dpi;
  guint          rotation;
  SchPageSource  source;
} PageSpec;

/* Pages to add to a slot: their files are put into the blob store in a
 * worker thread, then the rows are added on the main thread. */
typedef struct {
  SchCase   *kase;
  char      *slot_id;
  GPtrArray *contents;   /* GBytes* */
  GArray    *specs;      /* PageSpec */
} StoreRequest;

typedef enum {
  UNDO_RESTORE,      /* put the snapshots back */
  UNDO_REMOVE,       /* delete the pages that were added */
  UNDO_TO_FOLLOW,    /* set the slot's mark back */
} UndoKind;

typedef struct {
  UndoKind   kind;
  SchCase   *kase;
  GPtrArray *pages;      /* SchPage* */
  char      *slot_id;
  gboolean   to_follow;
} UndoStep;

/* One file being imported, from reading it to storing its pages. */
typedef struct {
  SchDocumentsView *view;
  SchCase          *kase;
  char             *slot_id;
  GFile            *file;
  char             *name;
  GBytes           *bytes;
  char             *password;
  SchPdfInfo       *info;
  gboolean          rewritten;   /* bytes are the helper's copy, not the file's */
  gboolean          flattened;   /* …made of page images only */
} ImportJob;

struct _SchDocumentsView
{
  AdwBin             parent_instance;

  AdwFlap           *flap;
  GtkWidget         *checklist_button;
  GtkLabel          *checklist_summary;
  GtkListBox        *slot_list;
  GtkMenuButton     *move_to_button;
  GtkMenuButton     *split_button;
  GtkSpinner        *busy_spinner;
  GtkLabel          *busy_label;
  GtkLabel          *slot_heading;
  GtkLabel          *slot_description;
  GtkStack          *pages_stack;
  GtkFlowBox        *flow;

  SchStore          *store;
  SchCase           *kase;
  SchAppType        *type;
  GSettings         *settings;     /* NULL when the schema is not installed */
  SchPdfInspector   *inspector;
  SchThumbnailCache *thumbnails;
  SchScanner        *scanner;
  GCancellable      *cancellable;  /* imports and thumbnails of this case */

  char              *slot_id;      /* selected slot */
  GPtrArray         *statuses;     /* SchSlotStatus* of the case */
  GPtrArray         *pages;        /* SchPage* of the selected slot */
  GQueue             undo;         /* UndoStep*, newest first */
  GQueue             imports;      /* ImportJob* waiting */
  ImportJob         *import;       /* running */
  GQueue             stores;       /* StoreRequest* waiting */
  StoreRequest      *storing;      /* the one whose files are being written */
  guint              refresh_id;
  gulong             case_changed_id;
  gboolean           filling_list;
  gboolean           stale;        /* the case changed while the view was hidden */
};

G_DEFINE_FINAL_TYPE (SchDocumentsView, sch_documents_view, ADW_TYPE_BIN)

static void update_actions (SchDocumentsView *self);
static void refresh (SchDocumentsView *self);
static void import_next (SchDocumentsView *self);
static void store_next (SchDocumentsView *self);

/* Helpers */

static gboolean
is_editable (SchDocumentsView *self)
{
  return self->kase != NULL && sch_case_state_takes_documents (sch_case_get_state (self->kase));
}

static GtkWindow *
parent_window (SchDocumentsView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static void
show_message (SchDocumentsView *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static const SchDocSlot *
lookup_slot (SchDocumentsView *self, const char *slot_id)
{
  GPtrArray *slots;

  if (self->type == NULL || slot_id == NULL)
    return NULL;

  slots = sch_app_type_get_slots (self->type);
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);

      if (g_str_equal (slot->id, slot_id))
        return slot;
    }

  return NULL;
}

static const char *
slot_title (SchDocumentsView *self, const char *slot_id)
{
  const SchDocSlot *slot = lookup_slot (self, slot_id);

  return slot != NULL ? sch_text_get (slot->title, NULL) : slot_id;
}

static GSettings *
lookup_settings (void)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static guint
setting_uint (SchDocumentsView *self, const char *key, guint fallback)
{
  return self->settings != NULL ? g_settings_get_uint (self->settings, key) : fallback;
}

static SchImportLimits
import_limits (SchDocumentsView *self)
{
  SchImportLimits limits = {
    .max_file_bytes = setting_uint (self, "max-file-mb", 50) * MEGABYTE,
    .max_pages = setting_uint (self, "max-pages-per-document", 200),
    .max_case_bytes = setting_uint (self, "max-case-mb", 200) * MEGABYTE,
  };

  return limits;
}

static void
update_busy (SchDocumentsView *self)
{
  gboolean busy = sch_documents_view_is_busy (self);

  /* The spinner stays shown and the label fills the rest of the toolbar,
   * so the toolbar's layout does not change with them. */
  gtk_spinner_set_spinning (self->busy_spinner, busy);
  if (!busy)
    gtk_label_set_text (self->busy_label, "");
}

/* Undo */

static void
undo_step_free (UndoStep *step)
{
  g_clear_object (&step->kase);
  g_clear_pointer (&step->pages, g_ptr_array_unref);
  g_free (step->slot_id);
  g_free (step);
}

static void
push_undo (SchDocumentsView *self, UndoKind kind, SchCase *kase, GPtrArray *pages,
           const char *slot_id, gboolean to_follow)
{
  UndoStep *step = g_new0 (UndoStep, 1);

  step->kind = kind;
  step->kase = g_object_ref (kase);
  step->pages = pages != NULL ? g_ptr_array_ref (pages) : NULL;
  step->slot_id = g_strdup (slot_id);
  step->to_follow = to_follow;
  g_queue_push_head (&self->undo, step);

  while (self->undo.length > MAX_UNDO)
    undo_step_free (g_queue_pop_tail (&self->undo));

  update_actions (self);
}

static void
clear_undo (SchDocumentsView *self)
{
  g_queue_clear_full (&self->undo, (GDestroyNotify) undo_step_free);
}

static GArray *
page_ids (GPtrArray *pages)
{
  GArray *ids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), pages->len);

  for (guint i = 0; i < pages->len; i++)
    {
      gint64 id = sch_page_get_id (g_ptr_array_index (pages, i));

      g_array_append_val (ids, id);
    }

  return ids;
}

static void
undo_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  UndoStep *step;
  g_autoptr(GError) error = NULL;
  gboolean ok = TRUE;

  if (!is_editable (self) || (step = g_queue_peek_head (&self->undo)) == NULL || step->kase != self->kase)
    return;

  g_queue_pop_head (&self->undo);
  switch (step->kind)
    {
    case UNDO_RESTORE:
      ok = sch_store_restore_pages (self->store, step->kase, step->pages, &error);
      break;
    case UNDO_REMOVE:
      {
        g_autoptr(GArray) ids = page_ids (step->pages);
        g_autoptr(GPtrArray) removed = sch_store_delete_pages (self->store, step->kase, ids, &error);

        ok = removed != NULL;
      }
      break;
    case UNDO_TO_FOLLOW:
      ok = sch_store_set_slot_to_follow (self->store, step->kase, step->slot_id, step->to_follow,
                                         NULL, NULL, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  undo_step_free (step);

  if (!ok)
    show_message (self, _("The Change Could Not Be Undone"), error->message);
  update_actions (self);
}

/* Storing pages */

static void
store_request_free (StoreRequest *request)
{
  g_clear_object (&request->kase);
  g_free (request->slot_id);
  g_ptr_array_unref (request->contents);
  for (guint i = 0; i < request->specs->len; i++)
    g_free (g_array_index (request->specs, PageSpec, i).media_type);
  g_array_unref (request->specs);
  g_free (request);
}

static StoreRequest *
store_request_new (SchCase *kase, const char *slot_id)
{
  StoreRequest *request = g_new0 (StoreRequest, 1);

  request->kase = g_object_ref (kase);
  request->slot_id = g_strdup (slot_id);
  request->contents = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  request->specs = g_array_new (FALSE, TRUE, sizeof (PageSpec));
  return request;
}

static void
store_request_add (StoreRequest *request, guint content, const char *media_type, int pdf_page,
                   double width, double height, guint dpi, guint rotation, SchPageSource source)
{
  PageSpec spec = {
    .content = content,
    .media_type = g_strdup (media_type),
    .pdf_page = pdf_page,
    .width = width,
    .height = height,
    .dpi = dpi,
    .rotation = rotation,
    .source = source,
  };

  g_array_append_val (request->specs, spec);
}

static void
put_blobs_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  StoreRequest *request = task_data;
  SchBlobStore *blobs = source;
  g_autoptr(GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < request->contents->len; i++)
    {
      g_autoptr(GError) error = NULL;
      char *sha = sch_blob_store_put_bytes (blobs, g_ptr_array_index (request->contents, i), &error);

      if (sha == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (hashes, sha);
    }

  g_task_return_pointer (task, g_steal_pointer (&hashes), (GDestroyNotify) g_ptr_array_unref);
}

static void
blobs_put_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchDocumentsView) self = user_data;
  StoreRequest *request = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) hashes = NULL;
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) added = NULL;

  self->storing = NULL;
  hashes = g_task_propagate_pointer (G_TASK (result), &error);
  if (hashes != NULL && self->store != NULL)
    {
      specs = g_ptr_array_new_with_free_func (g_object_unref);
      for (guint i = 0; i < request->specs->len; i++)
        {
          const PageSpec *spec = &g_array_index (request->specs, PageSpec, i);

          g_ptr_array_add (specs, sch_page_new (g_ptr_array_index (hashes, spec->content),
                                                spec->media_type, spec->pdf_page,
                                                spec->width, spec->height, spec->dpi,
                                                spec->rotation, spec->source));
        }
      added = sch_store_add_pages (self->store, request->kase, request->slot_id, -1, specs, &error);
    }

  if (added != NULL)
    push_undo (self, UNDO_REMOVE, request->kase, added, NULL, FALSE);
  else if (error != NULL)
    show_message (self, _("The Pages Could Not Be Stored"), error->message);

  store_next (self);
}

static void
store_next (SchDocumentsView *self)
{
  g_autoptr(GTask) task = NULL;
  StoreRequest *request;

  if (self->storing || self->store == NULL)
    {
      update_busy (self);
      return;
    }

  request = g_queue_pop_head (&self->stores);
  if (request == NULL)
    {
      update_busy (self);
      /* An import waits for its pages to be stored before the next starts. */
      import_next (self);
      return;
    }

  self->storing = request;
  update_busy (self);
  task = g_task_new (sch_store_get_blob_store (self->store), NULL, blobs_put_cb, g_object_ref (self));
  g_task_set_task_data (task, request, (GDestroyNotify) store_request_free);
  g_task_run_in_thread (task, put_blobs_thread);
}

static void
queue_store (SchDocumentsView *self, StoreRequest *request)
{
  g_queue_push_tail (&self->stores, request);
  store_next (self);
}

/* Limits count what is stored and what is on its way there. */

static void
count_pending (StoreRequest *request, SchCase *kase, const char *slot_id, guint64 *bytes, guint *pages)
{
  if (request == NULL || g_strcmp0 (sch_case_get_uuid (request->kase), sch_case_get_uuid (kase)) != 0)
    return;

  for (guint i = 0; i < request->contents->len; i++)
    *bytes += g_bytes_get_size (g_ptr_array_index (request->contents, i));
  if (g_strcmp0 (request->slot_id, slot_id) == 0)
    *pages += request->specs->len;
}

/* What the case's files take, and how many pages the slot has. */
static void
case_usage (SchDocumentsView *self, SchCase *kase, const char *slot_id, guint64 *bytes, guint *pages)
{
  g_autoptr(GHashTable) counts = NULL;

  *bytes = 0;
  *pages = 0;
  if (self->store == NULL)
    return;

  if (!sch_store_get_document_size (self->store, kase, bytes, NULL))
    *bytes = 0;
  counts = sch_store_count_pages (self->store, kase, NULL);
  if (counts != NULL)
    *pages = GPOINTER_TO_UINT (g_hash_table_lookup (counts, slot_id));

  count_pending (self->storing, kase, slot_id, bytes, pages);
  for (GList *l = self->stores.head; l != NULL; l = l->next)
    count_pending (l->data, kase, slot_id, bytes, pages);
}

/* Scanning */

/* A scan that reaches a limit stops; its pages stored before stay. */
static void
stop_scan (SchDocumentsView *self, SchScanDialog *dialog, const GError *error)
{
  GtkWidget *message;

  sch_scan_dialog_refuse_page (dialog, error);

  message = adw_message_dialog_new (GTK_WINDOW (dialog), _("The Scan Was Stopped"), error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (message), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (message), "close");
  gtk_window_present (GTK_WINDOW (message));
}

static void
page_scanned_cb (SchDocumentsView *self, SchScannedPage *page, SchScanDialog *dialog)
{
  const char *slot_id = g_object_get_data (G_OBJECT (dialog), "slot-id");
  SchCase *kase = g_object_get_data (G_OBJECT (dialog), "case");
  SchImportLimits limits = import_limits (self);
  GBytes *bytes = sch_scanned_page_get_bytes (page);
  g_autoptr(GError) error = NULL;
  StoreRequest *request;
  guint64 used = 0;
  guint slot_pages = 0;

  if (self->store == NULL || kase == NULL)
    return;

  case_usage (self, kase, slot_id, &used, &slot_pages);
  if (!sch_import_check_scanned_page (&limits, g_bytes_get_size (bytes), slot_pages, used, &error))
    {
      stop_scan (self, dialog, error);
      return;
    }

  request = store_request_new (kase, slot_id);
  g_ptr_array_add (request->contents, g_bytes_ref (bytes));
  store_request_add (request, 0, sch_scanned_page_get_media_type (page), -1,
                     sch_scanned_page_get_width (page), sch_scanned_page_get_height (page),
                     sch_scanned_page_get_dpi (page), 0, SCH_PAGE_SOURCE_SCAN);
  queue_store (self, request);
}

static void
scan_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  SchScanDialog *dialog;

  if (!is_editable (self) || self->slot_id == NULL)
    return;

  if (self->scanner == NULL)
    self->scanner = sch_scan_dialog_dup_scanner ();

  dialog = sch_scan_dialog_new (parent_window (self), self->scanner, self->settings,
                                slot_title (self, self->slot_id));
  /* The pages go to the slot selected now, even if the clerk looks at
   * another one while the feeder runs. */
  g_object_set_data_full (G_OBJECT (dialog), "slot-id", g_strdup (self->slot_id), g_free);
  g_object_set_data_full (G_OBJECT (dialog), "case", g_object_ref (self->kase), g_object_unref);
  g_signal_connect_object (dialog, "page-scanned", G_CALLBACK (page_scanned_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Importing */

static void
import_job_free (ImportJob *job)
{
  g_clear_object (&job->view);
  g_clear_object (&job->kase);
  g_free (job->slot_id);
  g_clear_object (&job->file);
  g_free (job->name);
  g_clear_pointer (&job->bytes, g_bytes_unref);
  g_free (job->password);
  g_clear_pointer (&job->info, sch_pdf_info_free);
  g_free (job);
}

static void
import_done (ImportJob *job)
{
  SchDocumentsView *self = g_object_ref (job->view);

  g_assert (self->import == job);
  self->import = NULL;
  import_job_free (job);

  if (self->storing == NULL && self->stores.length == 0)
    import_next (self);
  update_busy (self);
  g_object_unref (self);
}

static void
import_failed (ImportJob *job, const char *heading, const char *body)
{
  /* The view may show another case by now; the message is still due. */
  show_message (job->view, heading, body);
  import_done (job);
}

static void
import_error (ImportJob *job, const GError *error)
{
  g_autofree char *body = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      import_done (job);
      return;
    }

  if (g_error_matches (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED) ||
      g_error_matches (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE))
    {
      body = g_strdup_printf (_("“%s” is damaged or not a document Schalter can open. "
                                "Nothing from it was added to the case."), job->name);
      import_failed (job, _("This file could not be read."), body);
      return;
    }

  import_failed (job, _("The File Was Not Imported"), error->message);
}

static guint64
case_bytes (ImportJob *job)
{
  guint64 bytes;
  guint pages;

  case_usage (job->view, job->kase, job->slot_id, &bytes, &pages);
  return bytes;
}

static guint
slot_pages (ImportJob *job)
{
  guint64 bytes;
  guint pages;

  case_usage (job->view, job->kase, job->slot_id, &bytes, &pages);
  return pages;
}

static void
store_pdf (ImportJob *job)
{
  StoreRequest *request = store_request_new (job->kase, job->slot_id);

  g_ptr_array_add (request->contents, g_bytes_ref (job->bytes));
  for (guint i = 0; i < job->info->n_pages; i++)
    store_request_add (request, 0, SCH_PAGE_MEDIA_PDF, (int) i,
                       job->info->page_sizes[2 * i], job->info->page_sizes[2 * i + 1],
                       0, 0, SCH_PAGE_SOURCE_IMPORT);

  queue_store (job->view, request);
  import_done (job);
}

static void inspect (ImportJob *job);

/* A question about a file ends the import unless the clerk answered it
 * (the window may have gone with its dialog). */
static void
question_destroyed_cb (GtkWidget *dialog, ImportJob *job)
{
  if (g_object_get_data (G_OBJECT (dialog), "answered") == NULL)
    import_done (job);
}

/* Marks the question answered; FALSE if the view is gone meanwhile. */
static gboolean
question_answered (AdwMessageDialog *dialog, ImportJob *job)
{
  g_object_set_data (G_OBJECT (dialog), "answered", GINT_TO_POINTER (TRUE));
  return job->view->inspector != NULL;
}

static void
ask (ImportJob *job, AdwMessageDialog *dialog, GCallback on_response)
{
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  g_signal_connect (dialog, "response", on_response, job);
  g_signal_connect (dialog, "destroy", G_CALLBACK (question_destroyed_cb), job);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
replace_bytes (ImportJob *job, GBytes *bytes)
{
  g_clear_pointer (&job->bytes, g_bytes_unref);
  job->bytes = bytes;
  /* The new file is ours and not encrypted. */
  g_clear_pointer (&job->password, g_free);
}

/* A copy of the file made by the helper takes the file's place: checked
 * against the limits, then inspected like the file was. */
static void
take_copy (ImportJob *job, GBytes *copy, gboolean flattened)
{
  g_autoptr(GError) error = NULL;
  SchImportLimits limits = import_limits (job->view);

  replace_bytes (job, copy);
  job->rewritten = TRUE;
  job->flattened |= flattened;
  if (!sch_import_check_file (&limits, job->name, g_bytes_get_size (copy), case_bytes (job), &error))
    {
      import_error (job, error);
      return;
    }

  inspect (job);
}

static void
flattened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *flat;

  flat = sch_pdf_inspector_flatten_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (flat == NULL)
    import_error (job, error);
  else
    take_copy (job, flat, TRUE);
}

static void
flatten_response_cb (AdwMessageDialog *dialog, const char *response, ImportJob *job)
{
  SchDocumentsView *self = job->view;

  if (!question_answered (dialog, job) || !g_str_equal (response, "flatten"))
    {
      import_done (job);
      return;
    }

  gtk_label_set_text (self->busy_label, _("Flattening the PDF…"));
  sch_pdf_inspector_flatten_async (self->inspector, job->bytes, job->password,
                                   setting_uint (self, "flatten-dpi", 200), self->cancellable,
                                   flattened_cb, job);
}

static void
ask_flatten (ImportJob *job)
{
  g_autofree char *found = sch_pdf_active_content_describe (job->info->active);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;

  /* TRANSLATORS: %s is the file name, then the description of what was found */
  body = g_strdup_printf (_("“%s”: %s\n\nSchalter can flatten it: every page becomes an image, "
                            "and nothing in the document can run or be opened any more."),
                          job->name, found);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (job->view),
                                                       _("This PDF Contains Active Content"), body));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "flatten", _("_Flatten and Import"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "flatten", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "flatten");
  adw_message_dialog_set_close_response (dialog, "cancel");
  ask (job, dialog, G_CALLBACK (flatten_response_cb));
}

static void
rewritten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  GBytes *copy;

  copy = sch_pdf_inspector_compose_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (copy == NULL)
    import_error (job, error);
  else
    take_copy (job, copy, FALSE);
}

/* What is stored is never the file itself but the helper's copy of its
 * pages (vector graphics, drawn by poppler onto a new cairo PDF): it holds
 * no scripts, actions, attachments or fields whatever the file hid from
 * the inspection, and it is unencrypted, so the password is not kept. */
static void
rewrite (ImportJob *job)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);

  for (guint i = 0; i < job->info->n_pages; i++)
    g_ptr_array_add (pages, sch_slot_page_new_pdf (job->bytes, (int) i, job->password, 0));

  sch_pdf_inspector_compose_async (job->view->inspector, pages, job->view->cancellable,
                                   rewritten_cb, job);
}

static void
password_response_cb (AdwMessageDialog *dialog, const char *response, ImportJob *job)
{
  GtkWidget *entry = adw_message_dialog_get_extra_child (dialog);

  /* GTK 4.8's password entry warns about an invalid cast when its window
   * is destroyed while it has the focus. */
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);

  if (!question_answered (dialog, job) || !g_str_equal (response, "open"))
    {
      import_done (job);
      return;
    }

  g_free (job->password);
  job->password = g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry)));
  inspect (job);
}

static void
ask_password (ImportJob *job, gboolean wrong)
{
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *entry;

  if (wrong)
    body = g_strdup_printf (_("The password for “%s” is not correct. Enter it again."), job->name);
  else
    body = g_strdup_printf (_("“%s” is protected by a password. Enter the password to import it."),
                            job->name);

  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent_window (job->view),
                                                       _("Password Required"), body));
  entry = gtk_password_entry_new ();
  gtk_password_entry_set_show_peek_icon (GTK_PASSWORD_ENTRY (entry), TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Password of the PDF"), -1);
  g_object_set (entry, "activates-default", TRUE, NULL);
  adw_message_dialog_set_extra_child (dialog, entry);
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "open", _("_Open"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "open", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "open");
  adw_message_dialog_set_close_response (dialog, "cancel");
  ask (job, dialog, G_CALLBACK (password_response_cb));
  gtk_widget_grab_focus (entry);
}

static void
inspected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  SchImportLimits limits = import_limits (job->view);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&job->info, sch_pdf_info_free);
  job->info = sch_pdf_inspector_inspect_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (g_error_matches (error, SCH_PDF_ERROR, SCH_PDF_ERROR_NEEDS_PASSWORD) ||
      g_error_matches (error, SCH_PDF_ERROR, SCH_PDF_ERROR_WRONG_PASSWORD))
    {
      ask_password (job, job->password != NULL);
      return;
    }
  if (job->info == NULL)
    {
      import_error (job, error);
      return;
    }

  if (!sch_import_check_pages (&limits, job->name, job->info->n_pages, slot_pages (job), &error))
    import_error (job, error);
  else if (job->info->active != SCH_PDF_ACTIVE_NONE && !job->flattened)
    ask_flatten (job);
  else if (job->info->active != SCH_PDF_ACTIVE_NONE)
    {
      /* Pictures of pages cannot be active: the helper is not to be
       * trusted with this file, and nothing of it is stored. */
      g_set_error_literal (&error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE, "");
      import_error (job, error);
    }
  else if (!job->rewritten)
    rewrite (job);
  else
    store_pdf (job);
}

static void
inspect (ImportJob *job)
{
  sch_pdf_inspector_inspect_async (job->view->inspector, job->bytes, job->password,
                                   job->view->cancellable, inspected_cb, job);
}

static void
images_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  StoreRequest *request;

  pages = sch_image_import_finish (result, &error);
  if (pages == NULL)
    {
      import_error (job, error);
      return;
    }

  request = store_request_new (job->kase, job->slot_id);
  for (guint i = 0; i < pages->len; i++)
    {
      const SchSlotPage *page = g_ptr_array_index (pages, i);

      g_ptr_array_add (request->contents, g_bytes_ref (page->bytes));
      store_request_add (request, i, page->media_type, -1, page->width_px, page->height_px,
                         (guint) (page->dpi + 0.5), (guint) page->rotation, SCH_PAGE_SOURCE_IMPORT);
    }

  queue_store (job->view, request);
  import_done (job);
}

static void
loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;
  SchImportLimits limits;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      import_error (job, error);
      return;
    }

  job->bytes = g_bytes_new_take (contents, length);
  if (g_strcmp0 (sch_import_sniff_media_type (job->bytes), SCH_PAGE_MEDIA_PDF) == 0)
    {
      inspect (job);
      return;
    }

  limits = import_limits (job->view);
  sch_image_import_with_helper_async (job->view->inspector, job->bytes, job->name, &limits,
                                      case_bytes (job), slot_pages (job),
                                      job->view->cancellable, images_cb, job);
}

static void
queried_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImportJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  SchImportLimits limits = import_limits (job->view);

  info = g_file_query_info_finish (G_FILE (source), result, &error);
  if (info == NULL)
    {
      import_error (job, error);
      return;
    }

  g_free (job->name);
  job->name = g_strdup (g_file_info_get_display_name (info));

  /* Before the file is read: a huge file is refused without loading it. */
  if (!sch_import_check_file (&limits, job->name, (guint64) g_file_info_get_size (info),
                              case_bytes (job), &error))
    {
      import_error (job, error);
      return;
    }

  g_file_load_contents_async (job->file, job->view->cancellable, loaded_cb, job);
}

static void
import_next (SchDocumentsView *self)
{
  g_autofree char *text = NULL;
  ImportJob *job;

  if (self->import != NULL || (job = g_queue_pop_head (&self->imports)) == NULL)
    {
      update_busy (self);
      return;
    }

  self->import = job;
  /* TRANSLATORS: %s is a file name */
  text = g_strdup_printf (_("Importing “%s”…"), job->name);
  gtk_label_set_text (self->busy_label, text);
  update_busy (self);

  g_file_query_info_async (job->file,
                           G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_DISPLAY_NAME,
                           G_FILE_QUERY_INFO_NONE, G_PRIORITY_DEFAULT, self->cancellable,
                           queried_cb, job);
}

static void
queue_import (SchDocumentsView *self, GFile *file, const char *slot_id)
{
  ImportJob *job = g_new0 (ImportJob, 1);

  job->view = g_object_ref (self);
  job->kase = g_object_ref (self->kase);
  job->slot_id = g_strdup (slot_id);
  job->file = g_object_ref (file);
  job->name = g_file_get_basename (file);
  g_queue_push_tail (&self->imports, job);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, SchDocumentsView *self)
{
  g_autoptr(GListModel) files = NULL;
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);
  const char *slot_id = g_object_get_data (G_OBJECT (chooser), "slot-id");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      files = gtk_file_chooser_get_files (GTK_FILE_CHOOSER (chooser));
      for (guint i = 0; i < g_list_model_get_n_items (files); i++)
        g_ptr_array_add (list, g_list_model_get_item (files, i));
      sch_documents_view_import_files (self, list, slot_id);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
add_filter (GtkFileChooser *chooser, const char *name, const char * const *types)
{
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, name);
  for (guint i = 0; types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, types[i]);
  gtk_file_chooser_add_filter (chooser, filter);
}

static void
import_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  static const char * const all[] = { "application/pdf", "image/jpeg", "image/png", "image/tiff", NULL };
  static const char * const pdf[] = { "application/pdf", NULL };
  static const char * const images[] = { "image/jpeg", "image/png", "image/tiff", NULL };
  g_autofree char *title = NULL;
  GtkFileChooserNative *chooser;

  if (!is_editable (self) || self->slot_id == NULL)
    return;

  /* TRANSLATORS: %s is a document, "Passport or identity card" */
  title = g_strdup_printf (_("Import into “%s”"), slot_title (self, self->slot_id));
  chooser = gtk_file_chooser_native_new (title, parent_window (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Import"), _("_Cancel"));
  gtk_file_chooser_set_select_multiple (GTK_FILE_CHOOSER (chooser), TRUE);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  add_filter (GTK_FILE_CHOOSER (chooser), _("PDF and image files"), all);
  add_filter (GTK_FILE_CHOOSER (chooser), _("PDF files"), pdf);
  add_filter (GTK_FILE_CHOOSER (chooser), _("Images (JPEG, PNG, TIFF)"), images);
  g_object_set_data_full (G_OBJECT (chooser), "slot-id", g_strdup (self->slot_id), g_free);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* Page work */

static GPtrArray *
selected_pages (SchDocumentsView *self)
{
  GPtrArray *pages = g_ptr_array_new_with_free_func (g_object_unref);

  /* In slot order, whatever order they were selected in. */
  for (guint i = 0; self->pages != NULL && i < self->pages->len; i++)
    {
      GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (self->flow, (int) i);

      if (child != NULL && gtk_flow_box_child_is_selected (child))
        g_ptr_array_add (pages, g_object_ref (g_ptr_array_index (self->pages, i)));
    }

  return pages;
}

static void
page_work_done (SchDocumentsView *self, GPtrArray *snapshots, GError *error)
{
  if (snapshots == NULL)
    {
      show_message (self, _("The Pages Could Not Be Changed"), error->message);
      return;
    }

  push_undo (self, UNDO_RESTORE, self->kase, snapshots, NULL, FALSE);
}

static void
rotate (SchDocumentsView *self, guint quarter_turns)
{
  g_autoptr(GPtrArray) pages = selected_pages (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GArray) ids = NULL;
  guint rotation;

  if (!is_editable (self) || pages->len == 0)
    return;

  /* Each selected page turns from where it is; pages with the same
   * rotation are turned together so one step undoes all of them. */
  rotation = (sch_page_get_rotation (g_ptr_array_index (pages, 0)) + 90 * quarter_turns) % 360;
  ids = page_ids (pages);
  for (guint i = 1; i < pages->len; i++)
    {
      if (sch_page_get_rotation (g_ptr_array_index (pages, i)) !=
          sch_page_get_rotation (g_ptr_array_index (pages, 0)))
        {
          g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

          /* Mixed rotations: one change per page, undone as one step. */
          for (guint j = 0; j < pages->len; j++)
            {
              SchPage *page = g_ptr_array_index (pages, j);
              gint64 id = sch_page_get_id (page);
              g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (gint64));
              g_autoptr(GPtrArray) before = NULL;

              g_array_append_val (one, id);
              before = sch_store_rotate_pages (self->store, self->kase, one,
                                               (sch_page_get_rotation (page) + 90 * quarter_turns) % 360,
                                               &error);
              if (before == NULL)
                break;
              g_ptr_array_extend_and_steal (all, g_steal_pointer (&before));
            }
          page_work_done (self, error == NULL ? all : NULL, error);
          return;
        }
    }

  snapshots = sch_store_rotate_pages (self->store, self->kase, ids, rotation, &error);
  page_work_done (self, snapshots, error);
}

static void
rotate_left_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  rotate (SCH_DOCUMENTS_VIEW (widget), 3);
}

static void
rotate_right_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  rotate (SCH_DOCUMENTS_VIEW (widget), 1);
}

static void
delete_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  g_autoptr(GPtrArray) pages = selected_pages (self);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_editable (self) || pages->len == 0)
    return;

  ids = page_ids (pages);
  snapshots = sch_store_delete_pages (self->store, self->kase, ids, &error);
  page_work_done (self, snapshots, error);
}

static void
move_within (SchDocumentsView *self, int delta)
{
  g_autoptr(GPtrArray) pages = selected_pages (self);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  guint first, rest;
  int target;

  if (!is_editable (self) || pages->len == 0)
    return;

  /* The selection moves as a block, one place. */
  first = sch_page_get_position (g_ptr_array_index (pages, 0));
  rest = self->pages->len - pages->len;
  target = (int) first + delta;
  if (target < 0 || target > (int) rest || (delta > 0 && first >= rest))
    return;

  ids = page_ids (pages);
  snapshots = sch_store_move_pages (self->store, self->kase, ids, self->slot_id, target, &error);
  page_work_done (self, snapshots, error);
}

static void
move_earlier_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  move_within (SCH_DOCUMENTS_VIEW (widget), -1);
}

static void
move_later_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  move_within (SCH_DOCUMENTS_VIEW (widget), 1);
}

static void
move_to_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) pages = selected_pages (self);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_editable (self) || pages->len == 0 || lookup_slot (self, target) == NULL ||
      g_strcmp0 (target, self->slot_id) == 0)
    return;

  ids = page_ids (pages);
  snapshots = sch_store_move_pages (self->store, self->kase, ids, target, -1, &error);
  page_work_done (self, snapshots, error);
}

static void
split_to_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  const char *target = g_variant_get_string (parameter, NULL);
  g_autoptr(GPtrArray) pages = selected_pages (self);
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;

  if (!is_editable (self) || pages->len == 0 || lookup_slot (self, target) == NULL ||
      g_strcmp0 (target, self->slot_id) == 0)
    return;

  snapshots = sch_store_split_pages (self->store, self->kase, self->slot_id,
                                     sch_page_get_position (g_ptr_array_index (pages, 0)),
                                     target, &error);
  page_work_done (self, snapshots, error);
}

/* For the keyboard: the menus of documents to move or split to. */
static void
popup_menu (SchDocumentsView *self, GtkMenuButton *button)
{
  if (gtk_widget_is_sensitive (GTK_WIDGET (button)))
    gtk_menu_button_popup (button);
}

static void
move_to_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);

  popup_menu (self, self->move_to_button);
}

static void
split_menu_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);

  popup_menu (self, self->split_button);
}

static void
open_viewer (SchDocumentsView *self, guint index)
{
  SchPageViewer *viewer;

  if (self->pages == NULL || index >= self->pages->len)
    return;

  viewer = sch_page_viewer_new (parent_window (self), self->thumbnails, self->pages, index,
                                slot_title (self, self->slot_id));
  gtk_window_present (GTK_WINDOW (viewer));
}

static void
open_page_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (widget);
  g_autoptr(GPtrArray) pages = selected_pages (self);

  if (pages->len > 0)
    open_viewer (self, sch_page_get_position (g_ptr_array_index (pages, 0)));
}

static void
page_activated_cb (SchDocumentsView *self, GtkFlowBoxChild *child)
{
  open_viewer (self, (guint) gtk_flow_box_child_get_index (child));
}

/* "To follow" */

static void
to_follow_toggled_cb (GtkCheckButton *check, SchDocumentsView *self)
{
  const char *slot_id = g_object_get_data (G_OBJECT (check), "slot-id");
  gboolean active = gtk_check_button_get_active (check);
  g_autoptr(GError) error = NULL;
  gboolean was = FALSE;

  if (self->filling_list || !is_editable (self))
    return;

  if (!sch_store_set_slot_to_follow (self->store, self->kase, slot_id, active, NULL, &was, &error))
    {
      show_message (self, _("The Document Could Not Be Marked"), error->message);
      return;
    }

  if (was != active)
    push_undo (self, UNDO_TO_FOLLOW, self->kase, NULL, slot_id, was);
}

/* Drag and drop */

static gboolean
move_dropped_page (SchDocumentsView *self, SchPage *page, const char *slot_id, int position)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) snapshots = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = sch_page_get_id (page);

  if (!is_editable (self) || g_strcmp0 (sch_page_get_case_uuid (page), sch_case_get_uuid (self->kase)) != 0)
    return FALSE;

  g_array_append_val (ids, id);
  snapshots = sch_store_move_pages (self->store, self->kase, ids, slot_id, position, &error);
  page_work_done (self, snapshots, error);
  return snapshots != NULL;
}

static gboolean
import_dropped_files (SchDocumentsView *self, const GValue *value, const char *slot_id)
{
  GSList *files = g_value_get_boxed (value);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_object_unref);

  if (slot_id == NULL)
    return FALSE;

  for (GSList *l = files; l != NULL; l = l->next)
    g_ptr_array_add (list, g_object_ref (l->data));
  return list->len > 0 && sch_documents_view_import_files (self, list, slot_id);
}

static gboolean
slot_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, SchDocumentsView *self)
{
  const char *slot_id = gtk_widget_get_name (gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target)));

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return import_dropped_files (self, value, slot_id);

  return move_dropped_page (self, g_value_get_object (value), slot_id, -1);
}

/* Dropped onto the case (the page area, the toolbar, the checklist's
 * heading): into the document selected. */
static gboolean
case_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, SchDocumentsView *self)
{
  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return import_dropped_files (self, value, self->slot_id);

  return move_dropped_page (self, g_value_get_object (value), self->slot_id, -1);
}

static gboolean
thumbnail_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, SchDocumentsView *self)
{
  GtkWidget *child = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (target));
  SchPage *page = g_value_get_object (value);

  /* The page takes the place of the one it is dropped on (from this slot
   * or another). */
  return page != NULL &&
         move_dropped_page (self, page, self->slot_id,
                            gtk_flow_box_child_get_index (GTK_FLOW_BOX_CHILD (child)));
}

static GdkContentProvider *
drag_prepare_cb (GtkDragSource *source, double x, double y, SchPage *page)
{
  return gdk_content_provider_new_typed (SCH_TYPE_PAGE, page);
}

static GtkDropTarget *
drop_target_new (gboolean files)
{
  GType types[] = { SCH_TYPE_PAGE, GDK_TYPE_FILE_LIST };
  GtkDropTarget *target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY | GDK_ACTION_MOVE);

  gtk_drop_target_set_gtypes (target, types, files ? 2 : 1);
  return target;
}

/* The checklist */

static char *
slot_state_text (const SchSlotStatus *status)
{
  switch (sch_slot_status_get_state (status))
    {
    case SCH_SLOT_FILLED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u page", "%u pages", status->n_pages),
                              status->n_pages);
    case SCH_SLOT_TO_FOLLOW:
      return g_strdup (_("To follow"));
    case SCH_SLOT_MISSING:
    default:
      return g_strdup (status->slot->required ? _("Missing, required") : _("Missing, optional"));
    }
}

static const char *
slot_state_icon (const SchSlotStatus *status)
{
  switch (sch_slot_status_get_state (status))
    {
    case SCH_SLOT_FILLED:
      return "emblem-ok-symbolic";
    case SCH_SLOT_TO_FOLLOW:
      return "alarm-symbolic";
    case SCH_SLOT_MISSING:
    default:
      return status->slot->required ? "dialog-warning-symbolic" : "list-add-symbolic";
    }
}

/* Shows @status in @row (made by slot_row_new() for the same slot). */
static void
update_slot_row (SchDocumentsView *self, GtkWidget *row, const SchSlotStatus *status)
{
  g_autofree char *state = slot_state_text (status);
  g_autofree char *problem = sch_slot_status_dup_problem (status);
  SchSlotState slot_state = sch_slot_status_get_state (status);
  GtkWidget *icon = g_object_get_data (G_OBJECT (row), "icon");
  GtkWidget *follow = g_object_get_data (G_OBJECT (row), "follow");

  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), problem != NULL && slot_state != SCH_SLOT_MISSING
                                                     ? problem : state);
  gtk_widget_remove_css_class (row, "sch-slot-filled");
  gtk_widget_remove_css_class (row, "sch-slot-to-follow");
  gtk_widget_remove_css_class (row, "sch-slot-missing");
  if (slot_state == SCH_SLOT_FILLED)
    gtk_widget_add_css_class (row, "sch-slot-filled");
  else if (slot_state == SCH_SLOT_TO_FOLLOW)
    gtk_widget_add_css_class (row, "sch-slot-to-follow");
  else if (status->slot->required)
    gtk_widget_add_css_class (row, "sch-slot-missing");

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), slot_state_icon (status));
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, state, -1);

  gtk_check_button_set_active (GTK_CHECK_BUTTON (follow), status->to_follow);
  /* A filled slot needs no mark, unless it still lacks pages. */
  gtk_widget_set_visible (follow, slot_state != SCH_SLOT_FILLED || problem != NULL || status->to_follow);
  gtk_widget_set_sensitive (follow, is_editable (self));
}

static GtkWidget *
slot_row_new (SchDocumentsView *self, const SchSlotStatus *status)
{
  const char *title = sch_text_get (status->slot->title, NULL);
  g_autofree char *follow_label = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *follow = gtk_check_button_new_with_mnemonic (_("To _follow"));
  GtkDropTarget *target;

  gtk_widget_set_name (row, status->slot->id);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_widget_add_css_class (row, "sch-slot");

  gtk_widget_add_css_class (icon, "sch-slot-icon");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_object_set_data (G_OBJECT (row), "icon", icon);

  /* TRANSLATORS: %s is a document, "Passport or identity card" */
  follow_label = g_strdup_printf (_("“%s” to follow"), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (follow), GTK_ACCESSIBLE_PROPERTY_LABEL, follow_label, -1);
  gtk_widget_set_tooltip_text (follow, _("The resident brings this document later"));
  gtk_widget_set_valign (follow, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (follow), "slot-id", g_strdup (status->slot->id), g_free);
  g_signal_connect (follow, "toggled", G_CALLBACK (to_follow_toggled_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), follow);
  g_object_set_data (G_OBJECT (row), "follow", follow);

  target = drop_target_new (TRUE);
  g_signal_connect (target, "drop", G_CALLBACK (slot_drop_cb), self);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));

  update_slot_row (self, row, status);
  return row;
}

static void
update_summary (SchDocumentsView *self)
{
  guint missing = 0;
  g_autofree char *text = NULL;

  for (guint i = 0; self->statuses != NULL && i < self->statuses->len; i++)
    {
      g_autofree char *problem = sch_slot_status_dup_problem (g_ptr_array_index (self->statuses, i));

      if (problem != NULL)
        missing++;
    }

  if (missing == 0)
    text = g_strdup (_("Every required document is there or to follow."));
  else
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u document still keeps the case from being complete.",
                                         "%u documents still keep the case from being complete.",
                                         missing),
                            missing);
  gtk_label_set_text (self->checklist_summary, text);
}

static void
fill_slot_menus (SchDocumentsView *self)
{
  g_autoptr(GMenu) move_menu = g_menu_new ();
  g_autoptr(GMenu) split_menu = g_menu_new ();

  for (guint i = 0; self->statuses != NULL && i < self->statuses->len; i++)
    {
      const SchSlotStatus *status = g_ptr_array_index (self->statuses, i);
      const char *title = sch_text_get (status->slot->title, NULL);
      g_autoptr(GMenuItem) move = NULL;
      g_autoptr(GMenuItem) split = NULL;

      if (g_strcmp0 (status->slot->id, self->slot_id) == 0)
        continue;

      move = g_menu_item_new (title, NULL);
      g_menu_item_set_action_and_target (move, "docs.move-to", "s", status->slot->id);
      g_menu_append_item (move_menu, move);
      split = g_menu_item_new (title, NULL);
      g_menu_item_set_action_and_target (split, "docs.split-to", "s", status->slot->id);
      g_menu_append_item (split_menu, split);
    }

  gtk_menu_button_set_menu_model (self->move_to_button, G_MENU_MODEL (move_menu));
  gtk_menu_button_set_menu_model (self->split_button, G_MENU_MODEL (split_menu));
}

/* TRUE if the list shows the slots of @statuses, in their order. */
static gboolean
slot_list_matches (SchDocumentsView *self)
{
  GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->slot_list));

  for (guint i = 0; self->statuses != NULL && i < self->statuses->len; i++)
    {
      const SchSlotStatus *status = g_ptr_array_index (self->statuses, i);

      if (row == NULL || !g_str_equal (gtk_widget_get_name (row), status->slot->id))
        return FALSE;
      row = gtk_widget_get_next_sibling (row);
    }

  return row == NULL;
}

/* Rows are updated where they are, and made anew only for another type:
 * the focus stays where the clerk is (a "to follow" box just ticked). */
static void
fill_slot_list (SchDocumentsView *self)
{
  GtkWidget *child;
  GtkListBoxRow *selected = NULL;

  self->filling_list = TRUE;
  if (!slot_list_matches (self))
    {
      while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->slot_list))) != NULL)
        gtk_list_box_remove (self->slot_list, child);
      for (guint i = 0; self->statuses != NULL && i < self->statuses->len; i++)
        gtk_list_box_append (self->slot_list, slot_row_new (self, g_ptr_array_index (self->statuses, i)));
    }
  else
    {
      child = gtk_widget_get_first_child (GTK_WIDGET (self->slot_list));
      for (guint i = 0; i < self->statuses->len; i++, child = gtk_widget_get_next_sibling (child))
        update_slot_row (self, child, g_ptr_array_index (self->statuses, i));
    }

  for (child = gtk_widget_get_first_child (GTK_WIDGET (self->slot_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_name (child), self->slot_id) == 0)
      selected = GTK_LIST_BOX_ROW (child);

  if (selected != NULL)
    gtk_list_box_select_row (self->slot_list, selected);
  self->filling_list = FALSE;

  update_summary (self);
  fill_slot_menus (self);
}

/* Thumbnails */

/* The width a page is drawn at: pictures are shown at their own size,
 * never scaled up. */
static int
thumbnail_width (SchPage *page)
{
  double w = sch_page_get_width (page);
  double h = sch_page_get_height (page);

  if (sch_page_get_rotation (page) % 180 != 0)
    {
      double t = w;

      w = h;
      h = t;
    }

  return w > h ? THUMBNAIL_WIDE_WIDTH : THUMBNAIL_WIDTH;
}

static void
thumbnail_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GtkWidget) picture = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  texture = sch_thumbnail_cache_load_finish (SCH_THUMBNAIL_CACHE (source), result, &error);
  if (texture != NULL)
    {
      gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (texture));
      gtk_widget_remove_css_class (picture, "sch-loading");
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      gtk_widget_remove_css_class (picture, "sch-loading");
      gtk_widget_add_css_class (picture, "sch-failed");
      gtk_widget_set_tooltip_text (picture, error->message);
    }
}

static GtkWidget *
thumbnail_new (SchDocumentsView *self, SchPage *page, guint index)
{
  g_autofree char *number = g_strdup_printf ("%u", index + 1);
  g_autofree char *label = g_strdup_printf (_("Page %u of “%s”"), index + 1,
                                            slot_title (self, self->slot_id));
  GtkWidget *child = gtk_flow_box_child_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *frame = gtk_center_box_new ();
  GtkWidget *picture = gtk_picture_new ();
  GtkWidget *caption = gtk_label_new (number);
  int width = thumbnail_width (page);
  GdkTexture *cached = sch_thumbnail_cache_lookup (self->thumbnails, page, width);
  GtkDragSource *drag = gtk_drag_source_new ();
  GtkDropTarget *drop = drop_target_new (FALSE);

  /* At its own size in the middle of the box: the shadow frames the page. */
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), FALSE);
  gtk_picture_set_alternative_text (GTK_PICTURE (picture), label);
  gtk_widget_set_halign (picture, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (picture, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (picture, "sch-thumbnail");
  gtk_widget_set_size_request (frame, THUMBNAIL_WIDE_WIDTH, THUMBNAIL_BOX_HEIGHT);
  gtk_center_box_set_center_widget (GTK_CENTER_BOX (frame), picture);
  if (cached != NULL)
    {
      gtk_picture_set_paintable (GTK_PICTURE (picture), GDK_PAINTABLE (cached));
    }
  else
    {
      gtk_widget_add_css_class (picture, "sch-loading");
      sch_thumbnail_cache_load_async (self->thumbnails, page, width, self->cancellable,
                                      thumbnail_loaded_cb, g_object_ref (picture));
    }

  gtk_widget_add_css_class (caption, "caption");
  gtk_box_append (GTK_BOX (box), frame);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_flow_box_child_set_child (GTK_FLOW_BOX_CHILD (child), box);
  gtk_widget_set_name (child, number);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (child, label);

  gtk_drag_source_set_actions (drag, GDK_ACTION_MOVE);
  g_signal_connect_object (drag, "prepare", G_CALLBACK (drag_prepare_cb), page, 0);
  gtk_widget_add_controller (child, GTK_EVENT_CONTROLLER (drag));
  g_signal_connect (drop, "drop", G_CALLBACK (thumbnail_drop_cb), self);
  gtk_widget_add_controller (child, GTK_EVENT_CONTROLLER (drop));

  return child;
}

static void
clear_flow (SchDocumentsView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->flow))) != NULL)
    gtk_flow_box_remove (self->flow, child);
}

static GHashTable *
selected_ids (SchDocumentsView *self)
{
  g_autoptr(GPtrArray) pages = selected_pages (self);
  GHashTable *ids = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  for (guint i = 0; i < pages->len; i++)
    {
      gint64 *id = g_new (gint64, 1);

      *id = sch_page_get_id (g_ptr_array_index (pages, i));
      g_hash_table_add (ids, id);
    }

  return ids;
}

static void
fill_pages (SchDocumentsView *self)
{
  g_autoptr(GHashTable) keep = selected_ids (self);
  g_autoptr(GError) error = NULL;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  gboolean had_focus = focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->flow));
  const SchDocSlot *slot = lookup_slot (self, self->slot_id);
  GtkFlowBoxChild *focus_child = NULL;

  clear_flow (self);
  g_clear_pointer (&self->pages, g_ptr_array_unref);

  if (slot == NULL)
    {
      gtk_label_set_text (self->slot_heading, "");
      gtk_label_set_text (self->slot_description, "");
      gtk_stack_set_visible_child_name (self->pages_stack,
                                        self->kase != NULL && self->type == NULL ? "unknown-type" : "no-slots");
      return;
    }

  gtk_label_set_text (self->slot_heading, sch_text_get (slot->title, NULL));
  gtk_label_set_text (self->slot_description,
                      slot->description != NULL ? sch_text_get (slot->description, NULL) : "");
  gtk_widget_set_visible (GTK_WIDGET (self->slot_description), slot->description != NULL);

  self->pages = sch_store_list_pages (self->store, self->kase, self->slot_id, &error);
  if (self->pages == NULL)
    {
      g_warning ("Could not list the pages of a slot: %s", error->message);
      self->pages = g_ptr_array_new_with_free_func (g_object_unref);
    }

  for (guint i = 0; i < self->pages->len; i++)
    {
      SchPage *page = g_ptr_array_index (self->pages, i);
      gint64 id = sch_page_get_id (page);
      GtkWidget *child = thumbnail_new (self, page, i);

      gtk_flow_box_append (self->flow, child);
      if (g_hash_table_contains (keep, &id))
        {
          gtk_flow_box_select_child (self->flow, GTK_FLOW_BOX_CHILD (child));
          if (focus_child == NULL)
            focus_child = GTK_FLOW_BOX_CHILD (child);
        }
    }

  gtk_stack_set_visible_child_name (self->pages_stack, self->pages->len > 0 ? "pages" : "empty");
  if (had_focus && focus_child != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (focus_child));
}

/* Refreshing */

static void
update_actions (SchDocumentsView *self)
{
  gboolean editable = is_editable (self);
  gboolean slot = editable && self->slot_id != NULL;
  g_autoptr(GPtrArray) pages = selected_pages (self);
  gboolean selection = editable && pages->len > 0;
  UndoStep *step = g_queue_peek_head (&self->undo);
  guint first = pages->len > 0 ? sch_page_get_position (g_ptr_array_index (pages, 0)) : 0;
  guint n = self->pages != NULL ? self->pages->len : 0;
  gboolean others = self->statuses != NULL && self->statuses->len > 1;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.scan", slot);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.import", slot);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.rotate-left", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.rotate-right", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.delete", selection);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.move-earlier", selection && first > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.move-later",
                                 selection && first < n - pages->len);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.move-to", selection && others);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.split-to", selection && others);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.move-to-menu", selection && others);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.split-menu", selection && others);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.open-page", pages->len > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "docs.undo",
                                 editable && step != NULL && step->kase == self->kase);
  gtk_widget_set_sensitive (GTK_WIDGET (self->move_to_button), selection && others);
  gtk_widget_set_sensitive (GTK_WIDGET (self->split_button), selection && others);
}

static void
refresh (SchDocumentsView *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&self->refresh_id, g_source_remove);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  self->stale = FALSE;

  if (self->kase == NULL)
    {
      fill_slot_list (self);
      clear_flow (self);
      g_clear_pointer (&self->pages, g_ptr_array_unref);
      update_actions (self);
      return;
    }

  /* The slots come from the type: without it (gone from the catalog) the
   * pages stay stored, and the view says why it shows none. */
  if (self->type != NULL)
    {
      self->statuses = sch_store_get_slot_status (self->store, self->kase, self->type, &error);
      if (self->statuses == NULL)
        g_warning ("Could not read the documents of a case: %s", error->message);
    }

  if (self->slot_id == NULL && self->statuses != NULL && self->statuses->len > 0)
    self->slot_id = g_strdup (((SchSlotStatus *) g_ptr_array_index (self->statuses, 0))->slot->id);

  fill_slot_list (self);
  fill_pages (self);
  update_actions (self);
}

static gboolean
refresh_idle (gpointer user_data)
{
  SchDocumentsView *self = user_data;

  self->refresh_id = 0;
  refresh (self);
  return G_SOURCE_REMOVE;
}

/* Changes come from page work, imports, scans and the form (state): all
 * through the store, shown once per main-loop iteration. */
static void
case_changed_cb (SchDocumentsView *self, const char *uuid)
{
  if (self->kase == NULL || g_strcmp0 (uuid, sch_case_get_uuid (self->kase)) != 0)
    return;

  /* A hidden view (the form is shown) catches up when it is shown. */
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    self->stale = TRUE;
  else if (self->refresh_id == 0)
    self->refresh_id = g_idle_add (refresh_idle, self);
}

static void
mapped_cb (SchDocumentsView *self)
{
  if (self->stale)
    refresh (self);
}

static void
slot_selected_cb (SchDocumentsView *self, GtkListBoxRow *row)
{
  const char *slot_id;

  if (self->filling_list || row == NULL)
    return;

  slot_id = gtk_widget_get_name (GTK_WIDGET (row));
  if (g_strcmp0 (slot_id, self->slot_id) == 0)
    return;

  g_free (self->slot_id);
  self->slot_id = g_strdup (slot_id);
  if (adw_flap_get_folded (self->flap))
    adw_flap_set_reveal_flap (self->flap, FALSE);
  gtk_flow_box_unselect_all (self->flow);
  fill_pages (self);
  fill_slot_menus (self);
  update_actions (self);
}

/* Object */

static void
cancel_work (SchDocumentsView *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_queue_clear_full (&self->imports, (GDestroyNotify) import_job_free);
}

static void
sch_documents_view_dispose (GObject *object)
{
  SchDocumentsView *self = SCH_DOCUMENTS_VIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->imports, (GDestroyNotify) import_job_free);
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->store != NULL)
    g_clear_signal_handler (&self->case_changed_id, self->store);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_DOCUMENTS_VIEW);

  clear_undo (self);
  g_clear_pointer (&self->statuses, g_ptr_array_unref);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->slot_id, g_free);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->thumbnails);
  g_clear_object (&self->inspector);
  g_clear_object (&self->scanner);
  g_clear_object (&self->settings);
  g_clear_object (&self->kase);
  g_clear_object (&self->type);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sch_documents_view_parent_class)->dispose (object);
}

static void
add_shortcut (GtkShortcutController *controller, guint key, GdkModifierType mods, const char *action)
{
  gtk_shortcut_controller_add_shortcut (controller,
                                        gtk_shortcut_new (gtk_keyval_trigger_new (key, mods),
                                                          gtk_named_action_new (action)));
}

static void
sch_documents_view_class_init (SchDocumentsViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_documents_view_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-documents-view.ui");
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, checklist_button);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, checklist_summary);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, slot_list);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, move_to_button);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, split_button);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, busy_spinner);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, busy_label);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, slot_heading);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, slot_description);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, pages_stack);
  gtk_widget_class_bind_template_child (widget_class, SchDocumentsView, flow);
  gtk_widget_class_bind_template_callback (widget_class, slot_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);

  gtk_widget_class_install_action (widget_class, "docs.scan", NULL, scan_action);
  gtk_widget_class_install_action (widget_class, "docs.import", NULL, import_action);
  gtk_widget_class_install_action (widget_class, "docs.rotate-left", NULL, rotate_left_action);
  gtk_widget_class_install_action (widget_class, "docs.rotate-right", NULL, rotate_right_action);
  gtk_widget_class_install_action (widget_class, "docs.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "docs.move-earlier", NULL, move_earlier_action);
  gtk_widget_class_install_action (widget_class, "docs.move-later", NULL, move_later_action);
  gtk_widget_class_install_action (widget_class, "docs.move-to", "s", move_to_action);
  gtk_widget_class_install_action (widget_class, "docs.split-to", "s", split_to_action);
  gtk_widget_class_install_action (widget_class, "docs.move-to-menu", NULL, move_to_menu_action);
  gtk_widget_class_install_action (widget_class, "docs.split-menu", NULL, split_menu_action);
  gtk_widget_class_install_action (widget_class, "docs.open-page", NULL, open_page_action);
  gtk_widget_class_install_action (widget_class, "docs.undo", NULL, undo_action);
}

static void
sch_documents_view_init (SchDocumentsView *self)
{
  GtkEventController *shortcuts;
  GtkDropTarget *target;

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Not a bound template child: disposing the template would then take
   * the flap apart twice (libadwaita 1.2). */
  self->flap = ADW_FLAP (adw_bin_get_child (ADW_BIN (self)));

  self->settings = lookup_settings ();
  self->inspector = sch_pdf_inspector_new ();
  self->cancellable = g_cancellable_new ();
  g_queue_init (&self->undo);
  g_queue_init (&self->imports);
  g_queue_init (&self->stores);

  /* In the capture phase: the flow box would otherwise take Ctrl+arrows
   * and Delete for its own keyboard navigation. */
  shortcuts = gtk_shortcut_controller_new ();
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_l, GDK_CONTROL_MASK, "docs.rotate-left");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_r, GDK_CONTROL_MASK, "docs.rotate-right");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Delete, 0, "docs.delete");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_KP_Delete, 0, "docs.delete");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Left, GDK_ALT_MASK, "docs.move-earlier");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Up, GDK_CONTROL_MASK, "docs.move-earlier");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Right, GDK_ALT_MASK, "docs.move-later");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_Down, GDK_CONTROL_MASK, "docs.move-later");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_z, GDK_CONTROL_MASK, "docs.undo");
  /* Not Ctrl+S: GTK would let it take the window's Ctrl+Shift+S too. */
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_s, GDK_CONTROL_MASK | GDK_ALT_MASK, "docs.scan");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_i, GDK_CONTROL_MASK, "docs.import");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_m, GDK_CONTROL_MASK, "docs.move-to-menu");
  add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts), GDK_KEY_m, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                "docs.split-menu");
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  g_signal_connect (self, "map", G_CALLBACK (mapped_cb), NULL);
  /* In a narrow window the checklist folds away behind a button. */
  g_object_bind_property (self->flap, "reveal-flap", self->checklist_button, "active",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);

  target = drop_target_new (TRUE);
  g_signal_connect (target, "drop", G_CALLBACK (case_drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (target));

  update_busy (self);
  update_actions (self);
}

GtkWidget *
sch_documents_view_new (void)
{
  return g_object_new (SCH_TYPE_DOCUMENTS_VIEW, NULL);
}

void
sch_documents_view_set_case (SchDocumentsView *self,
                             SchStore         *store,
                             SchCase          *kase,
                             SchAppType       *type)
{
  g_return_if_fail (SCH_IS_DOCUMENTS_VIEW (self));
  g_return_if_fail (store == NULL || SCH_IS_STORE (store));
  g_return_if_fail (kase == NULL || SCH_IS_CASE (kase));
  g_return_if_fail (type == NULL || SCH_IS_APP_TYPE (type));

  if (self->kase == kase && self->store == store)
    return;

  /* Imports and thumbnails of the old case stop; nothing of a file whose
   * import stopped is stored. */
  cancel_work (self);
  clear_undo (self);

  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->case_changed_id, self->store);
      g_set_object (&self->store, store);
      g_clear_object (&self->thumbnails);
      if (store != NULL)
        {
          self->case_changed_id = g_signal_connect_swapped (store, "case-changed",
                                                            G_CALLBACK (case_changed_cb), self);
          self->thumbnails = sch_thumbnail_cache_new (sch_store_get_blob_store (store),
                                                      self->inspector, 0);
        }
    }

  /* The same case read again (its state changed elsewhere) stays on the
   * document the clerk looks at. */
  if (kase == NULL || self->kase == NULL || self->type != type ||
      !g_str_equal (sch_case_get_uuid (kase), sch_case_get_uuid (self->kase)))
    {
      g_clear_pointer (&self->slot_id, g_free);
      gtk_flow_box_unselect_all (self->flow);
    }
  g_set_object (&self->kase, kase);
  g_set_object (&self->type, type);

  refresh (self);
}

void
sch_documents_view_select_slot (SchDocumentsView *self,
                                const char       *slot_id)
{
  g_return_if_fail (SCH_IS_DOCUMENTS_VIEW (self));
  g_return_if_fail (slot_id != NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->slot_list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    {
      if (g_str_equal (gtk_widget_get_name (row), slot_id))
        {
          gtk_list_box_select_row (self->slot_list, GTK_LIST_BOX_ROW (row));
          gtk_widget_grab_focus (row);
          return;
        }
    }
}

const char *
sch_documents_view_get_slot (SchDocumentsView *self)
{
  g_return_val_if_fail (SCH_IS_DOCUMENTS_VIEW (self), NULL);

  return self->slot_id;
}

/* Files dropped onto a case whose documents no longer change: say why,
 * rather than ignore them. */
static void
explain_locked (SchDocumentsView *self)
{
  SchCaseState state = sch_case_get_state (self->kase);
  g_autofree char *body = NULL;

  if (state == SCH_CASE_STATE_COMPLETE)
    body = g_strdup (_("The case is complete. Reopen it to add documents."));
  else
    body = g_strdup_printf (_("The case is “%s”. Its documents no longer change once its signature form "
                              "is printed. Should the migration office ask for more, add them when the "
                              "case shows “Documents requested”."),
                            sch_case_state_get_label (state));
  show_message (self, _("No Documents Can Be Added"), body);
}

gboolean
sch_documents_view_import_files (SchDocumentsView *self,
                                 GPtrArray        *files,
                                 const char       *slot_id)
{
  g_return_val_if_fail (SCH_IS_DOCUMENTS_VIEW (self), FALSE);
  g_return_val_if_fail (files != NULL, FALSE);

  if (self->kase == NULL)
    return FALSE;
  if (!is_editable (self))
    {
      explain_locked (self);
      return FALSE;
    }
  if (slot_id == NULL)
    slot_id = self->slot_id;
  if (lookup_slot (self, slot_id) == NULL)
    return FALSE;

  for (guint i = 0; i < files->len; i++)
    queue_import (self, g_ptr_array_index (files, i), slot_id);

  import_next (self);
  return TRUE;
}

gboolean
sch_documents_view_is_busy (SchDocumentsView *self)
{
  g_return_val_if_fail (SCH_IS_DOCUMENTS_VIEW (self), FALSE);

  return self->import != NULL || self->imports.length > 0 || self->storing != NULL || self->stores.length > 0;
}

SchPdfInspector *
sch_documents_view_get_inspector (SchDocumentsView *self)
{
  g_return_val_if_fail (SCH_IS_DOCUMENTS_VIEW (self), NULL);

  return self->inspector;
}
