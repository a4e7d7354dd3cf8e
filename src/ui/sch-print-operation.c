#define G_LOG_DOMAIN "sch-print-operation"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-print-operation.h"

typedef struct {
  GPtrArray         *documents;   /* SchPrintDocument* */
  /* Kept until done: an asynchronous dialog outlives run(). */
  GtkPrintOperation *operation;
  gboolean           done;        /* "done" and the return of run() both report */
} PrintJob;

static void
print_job_free (PrintJob *job)
{
  g_ptr_array_unref (job->documents);
  g_clear_object (&job->operation);
  g_free (job);
}

static guint
count_pages (GPtrArray *documents)
{
  guint n = 0;

  for (guint i = 0; i < documents->len; i++)
    n += sch_print_document_get_n_pages (g_ptr_array_index (documents, i));

  return n;
}

static void
draw_page_cb (GtkPrintOperation *operation,
              GtkPrintContext   *context,
              int                page_nr,
              gpointer           user_data)
{
  PrintJob *job = user_data;
  g_autoptr(GError) error = NULL;
  guint page = page_nr;

  for (guint i = 0; i < job->documents->len; i++)
    {
      SchPrintDocument *document = g_ptr_array_index (job->documents, i);
      guint n = sch_print_document_get_n_pages (document);

      if (page >= n)
        {
          page -= n;
          continue;
        }

      if (!sch_print_document_draw_page (document, gtk_print_context_get_cairo_context (context), page,
                                         gtk_print_context_get_width (context),
                                         gtk_print_context_get_height (context), &error))
        g_warning ("Page %d could not be drawn: %s", page_nr, error->message);
      return;
    }
}

static void
complete (GTask *task, GtkPrintOperation *operation, GtkPrintOperationResult result, GError *run_error)
{
  PrintJob *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (job->done)
    return;
  job->done = TRUE;

  switch (result)
    {
    case GTK_PRINT_OPERATION_RESULT_APPLY:
      g_task_return_boolean (task, TRUE);
      break;
    case GTK_PRINT_OPERATION_RESULT_CANCEL:
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Printing was cancelled."));
      break;
    case GTK_PRINT_OPERATION_RESULT_ERROR:
    default:
      if (run_error == NULL)
        gtk_print_operation_get_error (operation, &error);
      else
        error = g_error_copy (run_error);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                               _("The documents could not be printed: %s"),
                               error != NULL ? error->message : _("the printing system gave no reason."));
      break;
    }

  /* The operation holds the task through its "done" handler. */
  g_clear_object (&job->operation);
}

static void
unref_task (gpointer task, GClosure *closure)
{
  g_object_unref (task);
}

static void
done_cb (GtkPrintOperation       *operation,
         GtkPrintOperationResult  result,
         gpointer                 user_data)
{
  complete (G_TASK (user_data), operation, result, NULL);
}

static GtkPageSetup *
a4_page_setup (void)
{
  GtkPageSetup *setup = gtk_page_setup_new ();
  g_autoptr(GtkPaperSize) a4 = gtk_paper_size_new (GTK_PAPER_NAME_A4);

  gtk_page_setup_set_paper_size_and_default_margins (setup, a4);
  gtk_page_setup_set_orientation (setup, GTK_PAGE_ORIENTATION_PORTRAIT);

  return setup;
}

void
sch_print_operation_run_async (GPtrArray           *documents,
                               const char          *job_name,
                               GtkWindow           *parent,
                               const char          *export_filename,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GtkPrintOperation) operation = NULL;
  g_autoptr(GtkPageSetup) setup = NULL;
  g_autoptr(GError) error = NULL;
  GtkPrintOperationAction action;
  GtkPrintOperationResult result;
  PrintJob *job;

  g_return_if_fail (documents != NULL && documents->len > 0);
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_print_operation_run_async);

  job = g_new0 (PrintJob, 1);
  job->documents = g_ptr_array_ref (documents);
  g_task_set_task_data (task, job, (GDestroyNotify) print_job_free);

  operation = gtk_print_operation_new ();
  job->operation = g_object_ref (operation);
  setup = a4_page_setup ();
  gtk_print_operation_set_default_page_setup (operation, setup);
  /* The documents have their own margins: draw on the whole sheet, in
   * points, as in the PDF. */
  gtk_print_operation_set_use_full_page (operation, TRUE);
  gtk_print_operation_set_unit (operation, GTK_UNIT_POINTS);
  gtk_print_operation_set_n_pages (operation, count_pages (documents));
  gtk_print_operation_set_embed_page_setup (operation, FALSE);
  gtk_print_operation_set_allow_async (operation, TRUE);
  if (job_name != NULL)
    gtk_print_operation_set_job_name (operation, job_name);

  g_signal_connect (operation, "draw-page", G_CALLBACK (draw_page_cb), job);
  g_signal_connect_data (operation, "done", G_CALLBACK (done_cb),
                         g_object_ref (task), unref_task, 0);

  if (export_filename != NULL)
    {
      gtk_print_operation_set_export_filename (operation, export_filename);
      action = GTK_PRINT_OPERATION_ACTION_EXPORT;
    }
  else
    action = GTK_PRINT_OPERATION_ACTION_PRINT_DIALOG;

  result = gtk_print_operation_run (operation, action, parent, &error);
  if (result != GTK_PRINT_OPERATION_RESULT_IN_PROGRESS)
    complete (task, operation, result, error);
}

gboolean
sch_print_operation_run_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
