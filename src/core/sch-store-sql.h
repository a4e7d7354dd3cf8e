/* Statement helpers for the store's own modules (pages, outbox, retention):
 * one way to prepare and run a statement, and one mapping of SQLite errors
 * to the clerk's messages (SCH_STORE_ERROR). Not for the other layers. */
#pragma once

#include <sqlite3.h>
#include "sch-store.h"

G_BEGIN_DECLS

typedef sqlite3_stmt SchSqlStmt;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchSqlStmt, sqlite3_finalize)

/* Sets @error from @rc and the connection's message; returns FALSE. */
gboolean    sch_sql_fail        (SchStore *store, int rc, GError **error);

SchSqlStmt *sch_sql_prepare     (SchStore *store, const char *sql, GError **error);
/* NULL binds SQL NULL. */
void        sch_sql_bind_text   (SchSqlStmt *stmt, int position, const char *text);
/* Steps @stmt to its end and resets it. */
gboolean    sch_sql_run         (SchStore *store, SchSqlStmt *stmt, GError **error);
gboolean    sch_sql_exec        (SchStore *store, const char *sql, GError **error);

gboolean    sch_sql_begin       (SchStore *store, GError **error);
/* Rolls back when the commit fails. */
gboolean    sch_sql_commit      (SchStore *store, GError **error);
void        sch_sql_rollback    (SchStore *store);

char       *sch_sql_column_dup  (SchSqlStmt *stmt, int column);
/* The first column of the first row, 0 when there is none; @text binds ?1
 * (may be NULL for a query without parameters). */
gboolean    sch_sql_query_int64 (SchStore *store, const char *sql, const char *text,
                                 gint64 *value, GError **error);

G_END_DECLS
