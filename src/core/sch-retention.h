/* Retention: some days after the migration office acknowledged a case, its
 * personal data and document files are deleted for real; a stub with the
 * reference, type, dates and clerk stays in the journal. */
#pragma once

#include <gio/gio.h>
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_RETENTION_DEFAULT_DAYS 30

/* Purges every case the office acknowledged ("received" or a later status)
 * more than @days before @now (NULL: now), that waits for nothing (no call
 * in the outbox) and that the office is not waiting for (its latest status
 * is not "documents-requested"). Afterwards the search index is rewritten
 * and the write-ahead log emptied, so that the purged data is gone from the
 * files on disk (the store zeroes what it deletes); when much of the file
 * is free, the free pages are given back in short steps (incremental
 * vacuum) that let the clerk's writes in between. @n_purged may be NULL. */
gboolean sch_retention_run        (SchStore            *store,
                                   guint                days,
                                   GDateTime           *now,
                                   guint               *n_purged,
                                   GError             **error);

/* The same in a worker thread with its own connection to @store's file, so
 * that the UI never waits for it. @cancellable stops it between cases. */
void     sch_retention_run_async  (SchStore            *store,
                                   guint                days,
                                   GDateTime           *now,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
/* Emits @store's "case-changed" for each purged case. */
gboolean sch_retention_run_finish (SchStore            *store,
                                   GAsyncResult        *result,
                                   guint               *n_purged,
                                   GError             **error);

G_END_DECLS
