#define G_LOG_DOMAIN "sch-store"

#include "config.h"

#include "sch-store-sql.h"

SchSqlStmt *
sch_sql_prepare (SchStore    *store,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (sch_store_get_db (store), sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return stmt;
}

void
sch_sql_bind_text (SchSqlStmt *stmt,
                   int         position,
                   const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, position, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, position);
}

gboolean
sch_sql_run (SchStore    *store,
             SchSqlStmt  *stmt,
             GError     **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  sqlite3_reset (stmt);
  return TRUE;
}

gboolean
sch_sql_exec (SchStore    *store,
              const char  *sql,
              GError     **error)
{
  int rc = sqlite3_exec (sch_store_get_db (store), sql, NULL, NULL, NULL);

  return rc == SQLITE_OK || sch_sql_fail (store, rc, error);
}

gboolean
sch_sql_begin (SchStore  *store,
               GError   **error)
{
  return sch_sql_exec (store, "BEGIN IMMEDIATE", error);
}

void
sch_sql_rollback (SchStore *store)
{
  sqlite3 *db = sch_store_get_db (store);

  /* SQLite may already have rolled back by itself (e.g. disk full). */
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
sch_sql_commit (SchStore  *store,
                GError   **error)
{
  if (sch_sql_exec (store, "COMMIT", error))
    return TRUE;

  sch_sql_rollback (store);
  return FALSE;
}

char *
sch_sql_column_dup (SchSqlStmt *stmt,
                    int         column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

gboolean
sch_sql_query_int64 (SchStore    *store,
                     const char  *sql,
                     const char  *text,
                     gint64      *value,
                     GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  if (text != NULL)
    sch_sql_bind_text (stmt, 1, text);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *value = 0;
  else
    return sch_sql_fail (store, rc, error);

  return TRUE;
}
