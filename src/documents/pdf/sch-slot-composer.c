/* sch-slot-composer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include "sch-slot-composer.h"

static void
compose_in_helper_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GBytes *pdf = sch_pdf_inspector_compose_finish (SCH_PDF_INSPECTOR (source), result, &error);

  if (pdf == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, pdf, (GDestroyNotify) g_bytes_unref);
}

/**
 * sch_slot_composer_compose_async:
 * @pages: (element-type SchSlotPage): the pages in order
 * @inspector: the helper that draws pages of PDFs
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the PDF is ready
 * @user_data: data for @callback
 *
 * Composes @pages into one PDF for upload, in the helper: images from
 * outside are decoded there as PDFs are opened there. The output depends
 * only on the pages: the same pages give the same bytes.
 */
void
sch_slot_composer_compose_async (GPtrArray           *pages,
                                 SchPdfInspector     *inspector,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (pages != NULL && pages->len > 0);
  g_return_if_fail (SCH_IS_PDF_INSPECTOR (inspector));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_slot_composer_compose_async);
  sch_pdf_inspector_compose_async (inspector, pages, cancellable,
                                   compose_in_helper_cb, g_steal_pointer (&task));
}

GBytes *
sch_slot_composer_compose_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sch_slot_composer_compose_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
