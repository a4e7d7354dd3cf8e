/* Printing generated documents with GtkPrintOperation: a thin layer that
 * draws the same pages as their PDFs (sch_print_document_draw_page()), one
 * print job for several documents (form and receipt), on A4. */
#pragma once

#include <gtk/gtk.h>
#include "sch-form-renderer.h"

G_BEGIN_DECLS

/* Prints @documents (SchPrintDocument*) one after the other. With
 * @export_filename the pages go to that PDF file without the print dialog
 * (GTK_PRINT_OPERATION_ACTION_EXPORT: unattended runs and tests); otherwise
 * the GTK print dialog asks. Finishes with G_IO_ERROR_CANCELLED when the
 * clerk cancelled the dialog. */
void     sch_print_operation_run_async  (GPtrArray           *documents,
                                         const char          *job_name,
                                         GtkWindow           *parent,
                                         const char          *export_filename,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
gboolean sch_print_operation_run_finish (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
