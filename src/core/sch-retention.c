#define G_LOG_DOMAIN "sch-retention"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sch-blob-store.h"
#include "sch-retention.h"
#include "sch-store-pages.h"
#include "sch-store-sql.h"

/* Vacuum when at least this share of the file is free pages. */
#define FREE_SHARE_FOR_VACUUM 4   /* one in four */
/* Pages given back per step of the incremental vacuum: each step is a
 * write transaction of its own of a few milliseconds, so a clerk's save
 * waits for one step at most. */
#define VACUUM_STEP_PAGES 256
/* PRAGMA auto_vacuum's value for incremental mode. */
#define AUTO_VACUUM_INCREMENTAL 2

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

/* Empties the write-ahead log. A reader on another connection can keep it
 * from that for a moment; the next run empties it then. */
static gboolean
checkpoint (SchStore  *store,
            GError   **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sch_sql_fail (store, rc, error);

  if (sqlite3_column_int (stmt, 0) != 0)
    g_debug ("The write-ahead log is in use; it is emptied at the next run");
  return TRUE;
}

/* Gives the free pages back to the file system. A database made before
 * the store asked for incremental mode changes over with one last full
 * VACUUM; after that, the pages go in short steps. */
static gboolean
give_back_free_pages (SchStore  *store,
                      GError   **error)
{
  const char *step = "PRAGMA incremental_vacuum(" G_STRINGIFY (VACUUM_STEP_PAGES) ")";
  gint64 before = G_MAXINT64;
  gint64 free_pages;

  if (query_pragma (store, "PRAGMA auto_vacuum") != AUTO_VACUUM_INCREMENTAL)
    return sch_sql_exec (store, "PRAGMA auto_vacuum = INCREMENTAL; VACUUM", error);

  /* Each step is its own transaction; stop should one free nothing. */
  while ((free_pages = query_pragma (store, "PRAGMA freelist_count")) > 0 && free_pages < before)
    {
      before = free_pages;
      if (!sch_sql_exec (store, step, error))
        return FALSE;
    }
  return TRUE;
}

/* Deleted rows leave their words in the search index's segments until
 * they are merged, and their pages in the write-ahead log until it is
 * checkpointed: both are done after every run. The store zeroes what it
 * deletes (secure_delete); the vacuum only gives the free pages back. */
static gboolean
scrub (SchStore  *store,
       GError   **error)
{
  gint64 free_pages;
  gint64 pages;

  if (!sch_sql_exec (store, "INSERT INTO cases_fts (cases_fts) VALUES ('optimize')", error) ||
      !checkpoint (store, error))
    return FALSE;

  free_pages = query_pragma (store, "PRAGMA freelist_count");
  pages = query_pragma (store, "PRAGMA page_count");
  if (free_pages * FREE_SHARE_FOR_VACUUM < pages)
    return TRUE;

  return give_back_free_pages (store, error) && checkpoint (store, error);
}

/* Cases due for purging: uuid and acknowledgement time, alternating. */
static GPtrArray *
due_cases (SchStore   *store,
           guint       days,
           GDateTime  *now,
           GError    **error)
{
  g_autoptr(GDateTime) cutoff = g_date_time_add_days (now, -(gint) days);
  g_autofree char *cutoff_text = g_date_time_format (cutoff, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  /* RFC 3339 UTC timestamps with whole seconds compare as text. The clock
   * starts when the office first acknowledged the case; a case whose latest
   * status asks for documents is still being worked on, whatever its state
   * here says. */
  stmt = sch_sql_prepare (store,
                  "SELECT c.uuid, h.ack FROM cases c"
                  " JOIN (SELECT case_uuid, min (at) AS ack FROM case_status_history"
                  "       WHERE status IN ('received', 'in-review', 'documents-requested', 'decided', 'closed')"
                  "       GROUP BY case_uuid) h ON h.case_uuid = c.uuid"
                  " WHERE c.state IN ('submitted', 'received', 'in-review', 'decided', 'closed')"
                  "   AND h.ack <= ?1"
                  "   AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.case_uuid = c.uuid"
                  "                   AND o.state IN ('pending', 'failed'))"
                  "   AND coalesce ((SELECT s.status FROM case_status_history s"
                  "                  WHERE s.case_uuid = c.uuid ORDER BY s.at DESC, s.id DESC LIMIT 1),"
                  "                 '') <> 'documents-requested'",
                  error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_text (stmt, 1, cutoff_text, -1, SQLITE_TRANSIENT);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (due, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
      g_ptr_array_add (due, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&due);
}

/* Adds the uuid of each purged case to @purged, also when a later one fails. */
static gboolean
purge_due (SchStore      *store,
           guint          days,
           GDateTime     *now,
           GCancellable  *cancellable,
           GPtrArray     *purged,
           GError       **error)
{
  g_autoptr(GDateTime) real_now = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) scrub_error = NULL;
  gboolean ok = TRUE;

  if (now == NULL)
    now = real_now = g_date_time_new_now_utc ();

  due = due_cases (store, days, now, error);
  if (due == NULL)
    return FALSE;

  for (guint i = 0; ok && i + 1 < due->len; i += 2)
    {
      ok = !g_cancellable_set_error_if_cancelled (cancellable, error) &&
           purge_case (store, due->pdata[i], due->pdata[i + 1], error);
      if (ok)
        g_ptr_array_add (purged, g_strdup (due->pdata[i]));
    }

  /* Also after a failure: what was purged must not stay on the disk. */
  if (!scrub (store, ok ? error : &scrub_error))
    return FALSE;

  return ok;
}

gboolean
sch_retention_run (SchStore   *store,
                   guint       days,
                   GDateTime  *now,
                   guint      *n_purged,
                   GError    **error)
{
  g_autoptr(GPtrArray) purged = g_ptr_array_new_with_free_func (g_free);
  gboolean ok;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ok = purge_due (store, days, now, NULL, purged, error);
  if (n_purged != NULL)
    *n_purged = purged->len;

  return ok;
}

/* Asynchronous */

typedef struct {
  char      *path;
  guint      days;
  GDateTime *now;
} RunData;

static void
run_data_free (RunData *data)
{
  g_free (data->path);
  g_clear_pointer (&data->now, g_date_time_unref);
  g_free (data);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = NULL;
  g_autoptr(GPtrArray) purged = g_ptr_array_new_with_free_func (g_free);

  /* Its own connection: SQLite connections are not shared between threads,
   * and in WAL mode the window's connection keeps reading meanwhile. */
  store = sch_store_open (data->path, &error);
  if (store == NULL || !purge_due (store, data->days, data->now, cancellable, purged, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&purged), (GDestroyNotify) g_ptr_array_unref);
}

void
sch_retention_run_async (SchStore            *store,
                         guint                days,
                         GDateTime           *now,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *data;

  g_return_if_fail (SCH_IS_STORE (store));

  data = g_new0 (RunData, 1);
  data->path = g_strdup (sch_store_get_path (store));
  data->days = days;
  data->now = now != NULL ? g_date_time_ref (now) : NULL;

  task = g_task_new (store, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_retention_run_async);
  g_task_set_task_data (task, data, (GDestroyNotify) run_data_free);
  g_task_run_in_thread (task, run_thread);
}

gboolean
sch_retention_run_finish (SchStore      *store,
                          GAsyncResult  *result,
                          guint         *n_purged,
                          GError       **error)
{
  g_autoptr(GPtrArray) purged = NULL;

  g_return_val_if_fail (g_task_is_valid (result, store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  purged = g_task_propagate_pointer (G_TASK (result), error);
  if (purged == NULL)
    return FALSE;

  /* The window's lists and editors read the cases again. */
  for (guint i = 0; i < purged->len; i++)
    g_signal_emit_by_name (store, "case-changed", (const char *) purged->pdata[i]);
  if (n_purged != NULL)
    *n_purged = purged->len;

  return TRUE;
}
