#define G_LOG_DOMAIN "sch-retention"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sch-blob-store.h"
#include "sch-retention.h"
#include "sch-store-pages.h"
#include "sch-store-sql.h"

/* Compact when at least this share of the file is free pages. */
#define FREE_SHARE_FOR_VACUUM 4   /* one in four */

static gboolean
run_with_text (SchStore    *store,
               const char  *sql,
               const char  *text,
               GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  return rc == SQLITE_DONE || sch_sql_fail (store, rc, error);
}

/* Rows of a one-column query with one text parameter, as strings. */
static GPtrArray *
query_strings (SchStore    *store,
               const char  *sql,
               const char  *text,
               GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, sql, error);
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (values, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&values);
}

static char *
query_string (SchStore    *store,
              const char  *sql,
              const char  *text,
              GError     **error)
{
  g_autoptr(GPtrArray) values = query_strings (store, sql, text, error);

  if (values == NULL || values->len == 0)
    return NULL;

  return g_strdup (values->pdata[0]);
}

static gint64
query_pragma (SchStore   *store,
              const char *sql)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, sql, NULL);

  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;

  return sqlite3_column_int64 (stmt, 0);
}

static char *
format_usec (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%d");
}

/* The personal data in this layer's tables: the case's values, its search
 * entry, the request bodies and the office's notes. */
static gboolean
wipe_case (SchStore    *store,
           const char  *uuid,
           const char  *stub,
           GError     **error)
{
  if (!sch_sql_exec (store, "BEGIN IMMEDIATE", error))
    return FALSE;

  if (run_with_text (store,
                     "DELETE FROM cases_fts WHERE rowid = (SELECT id FROM cases WHERE uuid = ?1)",
                     uuid, error) &&
      run_with_text (store, "UPDATE cases SET data = '{}', display_name = NULL WHERE uuid = ?1",
                     uuid, error) &&
      run_with_text (store, "UPDATE outbox SET body = NULL, last_error = NULL WHERE case_uuid = ?1",
                     uuid, error) &&
      run_with_text (store,
                     "UPDATE case_status_history SET note = NULL, requested_documents = NULL"
                     " WHERE case_uuid = ?1",
                     uuid, error) &&
      run_with_text (store, "DELETE FROM case_field_errors WHERE case_uuid = ?1", uuid, error) &&
      sch_store_journal_add (store, uuid, "purged", stub, error) &&
      sch_sql_exec (store, "COMMIT", error))
    return TRUE;

  sqlite3_exec (sch_store_get_db (store), "ROLLBACK", NULL, NULL, NULL);
  return FALSE;
}

/* The composed documents the outbox sent, unless a page or a case still
 * kept names the same file. */
static gboolean
remove_sent_documents (SchStore    *store,
                       GPtrArray   *blobs,
                       GError     **error)
{
  SchBlobStore *blob_store = sch_store_get_blob_store (store);

  for (guint i = 0; i < blobs->len; i++)
    {
      g_autofree char *used = NULL;

      used = query_string (store,
                           "SELECT 1 FROM pages WHERE blob = ?1"
                           " UNION ALL SELECT 1 FROM outbox o JOIN cases c ON c.uuid = o.case_uuid"
                           "   WHERE o.blob_sha = ?1 AND c.state <> 'purged'"
                           " LIMIT 1",
                           blobs->pdata[i], error);
      if (used == NULL && error != NULL && *error != NULL)
        return FALSE;
      if (used == NULL && !sch_blob_store_remove (blob_store, blobs->pdata[i], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
purge_case (SchStore    *store,
            const char  *uuid,
            const char  *acknowledged,
            GError     **error)
{
  g_autoptr(SchCase) kase = sch_store_load_case (store, uuid, error);
  g_autoptr(GPtrArray) blobs = NULL;
  g_autofree char *clerk = NULL;
  g_autofree char *created = NULL;
  g_autofree char *stub = NULL;

  if (kase == NULL)
    return FALSE;

  clerk = query_string (store,
                        "SELECT user FROM journal WHERE case_uuid = ?1 AND action = 'created'"
                        " ORDER BY id LIMIT 1",
                        uuid, NULL);
  blobs = query_strings (store,
                         "SELECT DISTINCT blob_sha FROM outbox WHERE case_uuid = ?1 AND blob_sha IS NOT NULL",
                         uuid, error);
  if (blobs == NULL)
    return FALSE;

  created = format_usec (sch_case_get_created (kase));
  /* No personal data: the office's reference, the type, dates and the clerk's login. */
  stub = g_strdup_printf ("reference=%s type=%s created=%s acknowledged=%.10s clerk=%s",
                          sch_case_get_reference (kase) != NULL ? sch_case_get_reference (kase) : "-",
                          sch_case_get_type_code (kase), created, acknowledged,
                          clerk != NULL ? clerk : "-");

  return sch_store_purge_documents (store, kase, error) &&
         wipe_case (store, uuid, stub, error) &&
         sch_store_set_state (store, kase, SCH_CASE_STATE_PURGED, error) &&
         remove_sent_documents (store, blobs, error);
}

gboolean
sch_retention_compact (SchStore  *store,
                       GError   **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);

  /* secure_delete zeroes freed space, also in the pages VACUUM writes; the
   * FTS optimize drops deleted rows' tokens from the index segments. */
  return sch_sql_exec (store, "PRAGMA secure_delete = ON", error) &&
         sch_sql_exec (store, "INSERT INTO cases_fts (cases_fts) VALUES ('optimize')", error) &&
         sch_sql_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", error) &&
         sch_sql_exec (store, "VACUUM", error) &&
         sch_sql_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", error);
}

gboolean
sch_retention_run (SchStore   *store,
                   guint       days,
                   GDateTime  *now,
                   guint      *n_purged,
                   GError    **error)
{
  g_autoptr(GDateTime) real_now = NULL;
  g_autoptr(GDateTime) cutoff = NULL;
  g_autoptr(SchSqlStmt) stmt = NULL;
  g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) acknowledged = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *cutoff_text = NULL;
  gint64 free_pages;
  gint64 pages;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (now == NULL)
    now = real_now = g_date_time_new_now_utc ();
  cutoff = g_date_time_add_days (now, -(gint) days);
  cutoff_text = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%SZ");

  /* Freed pages are zeroed from here on, so purged data leaves no traces. */
  if (!sch_sql_exec (store, "PRAGMA secure_delete = ON", error))
    return FALSE;

  /* RFC 3339 UTC timestamps with whole seconds compare as text. */
  stmt = sch_sql_prepare (store,
                  "SELECT c.uuid, h.ack FROM cases c"
                  " JOIN (SELECT case_uuid, min (at) AS ack FROM case_status_history"
                  "       WHERE status IN ('received', 'in-review', 'documents-requested', 'decided', 'closed')"
                  "       GROUP BY case_uuid) h ON h.case_uuid = c.uuid"
                  " WHERE c.state IN ('submitted', 'received', 'in-review', 'decided', 'closed')"
                  "   AND h.ack <= ?1"
                  "   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_uuid = c.uuid"
                  "                   AND o.state IN ('pending', 'failed'))",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_text (stmt, 1, cutoff_text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (uuids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (acknowledged, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);
  g_clear_pointer (&stmt, sqlite3_finalize);

  for (guint i = 0; i < uuids->len; i++)
    if (!purge_case (store, uuids->pdata[i], acknowledged->pdata[i], error))
      return FALSE;

  if (n_purged != NULL)
    *n_purged = uuids->len;

  free_pages = query_pragma (store, "PRAGMA freelist_count");
  pages = query_pragma (store, "PRAGMA page_count");
  if (uuids->len > 0 && free_pages * FREE_SHARE_FOR_VACUUM >= pages)
    return sch_retention_compact (store, error);

  return TRUE;
}
