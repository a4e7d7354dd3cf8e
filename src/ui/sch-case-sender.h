/* Queues a case for the migration office: composes the pages of each
 * document slot into one PDF, puts the PDFs into the blob store and hands
 * the manifest to the outbox. Likewise for documents sent later
 * (supplements). */
#pragma once

#include <gio/gio.h>
#include "sch-case.h"
#include "sch-store.h"
#include "sch-wire.h"

G_BEGIN_DECLS

/* Queues @kase (state "signed" or "needs attention") with every slot that
 * has pages. @office is copied. */
void      sch_case_sender_queue_case_async        (SchStore            *store,
                                                   SchCase             *kase,
                                                   const SchWireOffice *office,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean  sch_case_sender_queue_case_finish       (GAsyncResult        *result,
                                                   GError             **error);

/* Queues the pages of @slots (catalog slot ids) as a supplement of the
 * submitted @kase; finishes with the supplement's uuid. */
void      sch_case_sender_queue_supplement_async  (SchStore            *store,
                                                   SchCase             *kase,
                                                   const char * const  *slots,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
char     *sch_case_sender_queue_supplement_finish (GAsyncResult        *result,
                                                   GError             **error);

/* The slot ids of the documents the office asked for in @requested_json
 * (the JSON array of a status entry); empty when it names none. */
GStrv     sch_case_sender_parse_requested_slots   (const char          *requested_json);

G_END_DECLS
