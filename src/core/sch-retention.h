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
 * in the outbox, documents not requested). Compacts the database when much
 * of it is free afterwards. @n_purged may be NULL. */
gboolean sch_retention_run     (SchStore   *store,
                                guint       days,
                                GDateTime  *now,
                                guint      *n_purged,
                                GError    **error);

/* Rewrites the search index and the database file so that deleted data is
 * gone from the disk too (FTS optimize, checkpoint, VACUUM, checkpoint). */
gboolean sch_retention_compact (SchStore  *store,
                                GError   **error);

G_END_DECLS
