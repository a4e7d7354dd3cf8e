#define G_LOG_DOMAIN "sch-outbox"

#include "config.h"

#include <errno.h>
#include <signal.h>
#include <sys/types.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sch-outbox.h"
#include "sch-store-sql.h"

/* Version 4: the outbox, the office's status history, field errors of
 * refused cases and the state of the change feed. */
static const char schema_v4[] =
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY,"
  "  case_uuid TEXT NOT NULL,"
  "  batch TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  body BLOB,"
  "  doc_uuid TEXT,"
  "  slot TEXT,"
  "  media_type TEXT,"
  "  size INTEGER,"
  "  sha256 TEXT,"
  "  blob_sha TEXT,"
  "  state TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (state IN ('pending', 'done', 'failed', 'superseded')),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0,"
  "  leased_until INTEGER NOT NULL DEFAULT 0,"
  "  lease_owner TEXT,"
  "  last_attempt_at INTEGER,"
  "  last_error TEXT,"
  "  queued_at INTEGER NOT NULL,"
  "  done_at INTEGER"
  ");"
  "CREATE INDEX outbox_case ON outbox (case_uuid, id);"
  "CREATE INDEX outbox_open ON outbox (case_uuid, id) WHERE state IN ('pending', 'failed');"
  "CREATE TABLE case_status_history ("
  "  id INTEGER PRIMARY KEY,"
  "  case_uuid TEXT NOT NULL,"
  "  status TEXT NOT NULL,"
  "  at TEXT NOT NULL,"
  "  note TEXT,"
  "  requested_documents TEXT,"
  "  stored_at INTEGER NOT NULL,"
  "  UNIQUE (case_uuid, status, at)"
  ");"
  "CREATE TABLE case_field_errors ("
  "  id INTEGER PRIMARY KEY,"
  "  case_uuid TEXT NOT NULL,"
  "  grp TEXT,"
  "  idx INTEGER NOT NULL DEFAULT 0,"
  "  field TEXT,"
  "  pointer TEXT,"
  "  message TEXT"
  ");"
  "CREATE INDEX case_field_errors_case ON case_field_errors (case_uuid, id);"
  "CREATE TABLE sync_state ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  changes_cursor TEXT,"
  "  last_success INTEGER NOT NULL DEFAULT 0"
  ");"
  "INSERT INTO sync_state (id) VALUES (1);";

static const char * const kind_names[] = {
  [SCH_OUTBOX_CREATE] = "create",
  [SCH_OUTBOX_DOCUMENT] = "document",
  [SCH_OUTBOX_SUBMIT] = "submit",
  [SCH_OUTBOX_SUPPLEMENT] = "supplement",
  [SCH_OUTBOX_SUPPLEMENT_SUBMIT] = "supplement-submit",
};

/* The columns every item query selects, in this order. */
#define ITEM_COLUMNS \
  "o.id, o.kind, o.case_uuid, o.batch, o.body, o.doc_uuid, o.slot, o.media_type," \
  " o.size, o.sha256, o.blob_sha, o.attempts"

/* The first open call of each case: a case's calls go strictly in order. */
#define HEADS \
  "outbox o JOIN (SELECT case_uuid AS c, min(id) AS head FROM outbox" \
  "  WHERE state IN ('pending', 'failed') GROUP BY case_uuid) h ON o.id = h.head"

/* The calls due next and the queued cases, found without reading the
 * finished calls that pile up over a day. */
static const char schema_v5[] =
  "CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE state = 'pending';"
  "CREATE INDEX outbox_pending ON outbox (case_uuid) WHERE state = 'pending';";

static gboolean
migrate (SchStore    *store,
         const char  *schema,
         GError     **error)
{
  sqlite3 *db = sch_store_get_db (store);

  g_return_val_if_fail (db != NULL, FALSE);

  if (sqlite3_exec (db, schema, NULL, NULL, NULL) != SQLITE_OK)
    {
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("The database could not be prepared for sending cases: %s."),
                   sqlite3_errmsg (db));
      return FALSE;
    }

  return TRUE;
}

gboolean
sch_outbox_migrate (SchStore  *store,
                    GError   **error)
{
  return migrate (store, schema_v4, error);
}

gboolean
sch_outbox_migrate_indexes (SchStore  *store,
                            GError   **error)
{
  return migrate (store, schema_v5, error);
}

/* Items */

void
sch_outbox_item_free (SchOutboxItem *item)
{
  if (item == NULL)
    return;

  g_free (item->case_uuid);
  g_free (item->batch);
  g_clear_pointer (&item->body, g_bytes_unref);
  g_free (item->doc_uuid);
  g_free (item->slot);
  g_free (item->media_type);
  g_free (item->sha256);
  g_free (item->blob_sha);
  g_free (item);
}

static SchOutboxItem *
item_from_row (SchSqlStmt *stmt)
{
  SchOutboxItem *item = g_new0 (SchOutboxItem, 1);
  const char *kind = (const char *) sqlite3_column_text (stmt, 1);

  item->id = sqlite3_column_int64 (stmt, 0);
  for (guint k = 0; k < G_N_ELEMENTS (kind_names); k++)
    if (g_strcmp0 (kind, kind_names[k]) == 0)
      item->kind = k;
  item->case_uuid = sch_sql_column_dup (stmt, 2);
  item->batch = sch_sql_column_dup (stmt, 3);
  if (sqlite3_column_type (stmt, 4) != SQLITE_NULL)
    item->body = g_bytes_new (sqlite3_column_blob (stmt, 4), sqlite3_column_bytes (stmt, 4));
  item->doc_uuid = sch_sql_column_dup (stmt, 5);
  item->slot = sch_sql_column_dup (stmt, 6);
  item->media_type = sch_sql_column_dup (stmt, 7);
  item->size = (guint64) sqlite3_column_int64 (stmt, 8);
  item->sha256 = sch_sql_column_dup (stmt, 9);
  item->blob_sha = sch_sql_column_dup (stmt, 10);
  item->attempts = (guint) sqlite3_column_int (stmt, 11);

  return item;
}

/* Queueing */

static gboolean
insert_call (SchStore                *store,
             const char              *case_uuid,
             const char              *batch,
             SchOutboxKind            kind,
             GBytes                  *body,
             const SchManifestEntry  *document,
             GError                 **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  stmt = sch_sql_prepare (store,
                  "INSERT INTO outbox (case_uuid, batch, kind, body, doc_uuid, slot, media_type,"
                  " size, sha256, blob_sha, queued_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, case_uuid);
  sch_sql_bind_text (stmt, 2, batch);
  sch_sql_bind_text (stmt, 3, kind_names[kind]);
  if (body != NULL)
    sqlite3_bind_blob (stmt, 4, g_bytes_get_data (body, NULL), (int) g_bytes_get_size (body),
                       SQLITE_TRANSIENT);
  if (document != NULL)
    {
      sch_sql_bind_text (stmt, 5, document->uuid);
      sch_sql_bind_text (stmt, 6, document->slot);
      sch_sql_bind_text (stmt, 7, document->media_type);
      sqlite3_bind_int64 (stmt, 8, (gint64) document->size);
      sch_sql_bind_text (stmt, 9, document->sha256);
      sch_sql_bind_text (stmt, 10, document->blob_sha);
    }
  sqlite3_bind_int64 (stmt, 11, g_get_real_time ());

  return sch_sql_run (store, stmt, error);
}

static gboolean
insert_batch (SchStore       *store,
              const char     *case_uuid,
              const char     *batch,
              SchOutboxKind   open_kind,
              GBytes         *body,
              GPtrArray      *manifest,
              SchOutboxKind   close_kind,
              GError        **error)
{
  if (!insert_call (store, case_uuid, batch, open_kind, body, NULL, error))
    return FALSE;

  for (guint i = 0; manifest != NULL && i < manifest->len; i++)
    if (!insert_call (store, case_uuid, batch, SCH_OUTBOX_DOCUMENT, NULL, manifest->pdata[i], error))
      return FALSE;

  return insert_call (store, case_uuid, batch, close_kind, NULL, NULL, error);
}

static gboolean
check_manifest (GPtrArray  *manifest,
                GError    **error)
{
  for (guint i = 0; manifest != NULL && i < manifest->len; i++)
    {
      SchManifestEntry *entry = manifest->pdata[i];
      g_autofree char *digest = sch_wire_content_digest (entry->sha256);

      if (digest == NULL || entry->size == 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       _("The document for “%s” has no valid SHA-256 digest or is empty, "
                         "so it cannot be sent. Compose it again."),
                       entry->slot);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
sch_outbox_queue_case (SchStore             *store,
                       SchCase              *kase,
                       const SchWireOffice  *office,
                       GPtrArray            *manifest,
                       GError              **error)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(SchSqlStmt) supersede = NULL;
  g_autoptr(SchSqlStmt) clear = NULL;
  const char *uuid;
  gint64 created = 0;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (office != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = sch_case_get_uuid (kase);
  if (!check_manifest (manifest, error))
    return FALSE;

  body = sch_wire_case_body (kase, office, manifest, g_get_real_time (), error);
  if (body == NULL || !sch_sql_begin (store, error))
    return FALSE;

  if (!sch_sql_query_int64 (store,
                    "SELECT count(*) FROM outbox WHERE batch = ?1 AND kind = 'create' AND state = 'done'",
                    uuid, &created, error))
    goto fail;

  if (created > 0)
    {
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("The case %s was already sent to the migration office. "
                     "Send further documents as a supplement instead."),
                   uuid);
      goto fail;
    }

  /* A refused earlier attempt stays on record, replaced by this one. */
  supersede = sch_sql_prepare (store,
                       "UPDATE outbox SET state = 'superseded', leased_until = 0"
                       " WHERE batch = ?1 AND state IN ('pending', 'failed')",
                       error);
  clear = sch_sql_prepare (store, "DELETE FROM case_field_errors WHERE case_uuid = ?1", error);
  if (supersede == NULL || clear == NULL)
    goto fail;

  sch_sql_bind_text (supersede, 1, uuid);
  sch_sql_bind_text (clear, 1, uuid);
  if (!sch_sql_run (store, supersede, error) ||
      !sch_sql_run (store, clear, error) ||
      !insert_batch (store, uuid, uuid, SCH_OUTBOX_CREATE, body, manifest, SCH_OUTBOX_SUBMIT, error) ||
      !sch_sql_commit (store, error))
    goto fail;

  g_signal_emit_by_name (store, "outbox-changed");
  return sch_store_set_state (store, kase, SCH_CASE_STATE_QUEUED, error);

fail:
  sch_sql_rollback (store);
  return FALSE;
}

static gboolean
accepts_supplements (SchCaseState state)
{
  switch (state)
    {
    case SCH_CASE_STATE_SUBMITTED:
    case SCH_CASE_STATE_RECEIVED:
    case SCH_CASE_STATE_IN_REVIEW:
    case SCH_CASE_STATE_DOCUMENTS_REQUESTED:
    case SCH_CASE_STATE_DECIDED:
      return TRUE;
    default:
      return FALSE;
    }
}

char *
sch_outbox_queue_supplement (SchStore   *store,
                             SchCase    *kase,
                             GPtrArray  *manifest,
                             GError    **error)
{
  g_autofree char *supplement = g_uuid_string_random ();
  g_autoptr(GBytes) body = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (manifest != NULL && manifest->len > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  if (!accepts_supplements (sch_case_get_state (kase)))
    {
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("Documents can be sent later only for a case the migration office has "
                     "and has not closed; case %s is “%s”."),
                   uuid, sch_case_state_get_label (sch_case_get_state (kase)));
      return NULL;
    }

  if (!check_manifest (manifest, error))
    return NULL;

  body = sch_wire_supplement_body (supplement, manifest);
  if (!sch_sql_begin (store, error))
    return NULL;

  if (!insert_batch (store, uuid, supplement, SCH_OUTBOX_SUPPLEMENT, body, manifest,
                     SCH_OUTBOX_SUPPLEMENT_SUBMIT, error) ||
      !sch_store_journal_add (store, uuid, "supplement-queued", supplement, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return NULL;
    }

  g_signal_emit_by_name (store, "outbox-changed");
  return g_steal_pointer (&supplement);
}

gboolean
sch_outbox_retry_case (SchStore  *store,
                       SchCase   *kase,
                       GError   **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  g_autoptr(SchCase) stored = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);

  stmt = sch_sql_prepare (store,
                  "UPDATE outbox SET state = 'pending', next_attempt_at = 0, leased_until = 0"
                  " WHERE case_uuid = ?1 AND state = 'failed'",
                  error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, sch_case_get_uuid (kase));
  if (!sch_sql_run (store, stmt, error))
    return FALSE;
  g_signal_emit_by_name (store, "outbox-changed");

  if (sch_case_get_state (kase) != SCH_CASE_STATE_NEEDS_ATTENTION)
    return TRUE;

  /* Back to where the refused call left it: created cases are "sending". */
  return sch_store_set_state (store, kase,
                              sch_case_get_reference (kase) != NULL ? SCH_CASE_STATE_SENDING
                                                                    : SCH_CASE_STATE_QUEUED,
                              error);
}

/* Counting */

guint
sch_outbox_count_queued (SchStore  *store,
                         GError   **error)
{
  gint64 count = 0;

  g_return_val_if_fail (SCH_IS_STORE (store), 0);

  /* A case with a refused call waits for the clerk, not for the network. */
  sch_sql_query_int64 (store,
                       "SELECT count(DISTINCT case_uuid) FROM outbox o WHERE state = 'pending'"
                       " AND NOT EXISTS (SELECT 1 FROM outbox f"
                       "                 WHERE f.case_uuid = o.case_uuid AND f.state = 'failed')",
                       NULL, &count, error);
  return (guint) count;
}

guint64
sch_outbox_pending_bytes (SchStore  *store,
                          GError   **error)
{
  gint64 bytes = 0;

  g_return_val_if_fail (SCH_IS_STORE (store), 0);

  sch_sql_query_int64 (store,
               "SELECT coalesce (sum (size), 0) FROM outbox WHERE state = 'pending' AND kind = 'document'",
               NULL, &bytes, error);
  return (guint64) bytes;
}

gboolean
sch_outbox_has_pending (SchStore    *store,
                        const char  *case_uuid,
                        GError     **error)
{
  gint64 count = 0;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL, FALSE);

  sch_sql_query_int64 (store,
               "SELECT count(*) FROM outbox WHERE case_uuid = ?1 AND state IN ('pending', 'failed')",
               case_uuid, &count, error);
  return count > 0;
}

/* Leases */

static gboolean
lease_one (SchStore    *store,
           gint64       id,
           gint64       now,
           const char  *owner,
           gint64       lease_usec,
           gboolean    *leased,
           GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  stmt = sch_sql_prepare (store,
                  "UPDATE outbox SET leased_until = ?1, lease_owner = ?2, last_attempt_at = ?3"
                  " WHERE id = ?4 AND state = 'pending' AND leased_until <= ?3",
                  error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, now + lease_usec);
  sch_sql_bind_text (stmt, 2, owner);
  sqlite3_bind_int64 (stmt, 3, now);
  sqlite3_bind_int64 (stmt, 4, id);
  if (!sch_sql_run (store, stmt, error))
    return FALSE;

  *leased = sqlite3_changes (sch_store_get_db (store)) > 0;
  return TRUE;
}

GPtrArray *
sch_outbox_lease_due (SchStore    *store,
                      gint64       now,
                      const char  *owner,
                      gint64       lease_usec,
                      GHashTable  *busy,
                      guint        max,
                      GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_outbox_item_free);
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (owner != NULL, NULL);

  if (max == 0)
    return g_steal_pointer (&items);

  if (!sch_sql_begin (store, error))
    return NULL;

  stmt = sch_sql_prepare (store,
                  "SELECT " ITEM_COLUMNS " FROM outbox o INDEXED BY outbox_due"
                  " WHERE o.state = 'pending' AND o.next_attempt_at <= ?1 AND o.leased_until <= ?1"
                  " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.case_uuid = o.case_uuid"
                  "   AND p.id < o.id AND p.state IN ('pending', 'failed'))"
                  " ORDER BY o.next_attempt_at, o.id",
                  error);
  if (stmt == NULL)
    goto fail;

  /* Walks the due calls in order and stops after @max heads of cases. */
  sqlite3_bind_int64 (stmt, 1, now);

  while (items->len < max && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(SchOutboxItem) item = item_from_row (stmt);
      gboolean leased = FALSE;

      if (busy != NULL && g_hash_table_contains (busy, item->case_uuid))
        continue;

      if (!lease_one (store, item->id, now, owner, lease_usec, &leased, error))
        goto fail;
      if (leased)
        g_ptr_array_add (items, g_steal_pointer (&item));
    }

  if (items->len < max && rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      goto fail;
    }

  g_clear_pointer (&stmt, sqlite3_finalize);
  if (!sch_sql_commit (store, error))
    return NULL;

  return g_steal_pointer (&items);

fail:
  g_clear_pointer (&stmt, sqlite3_finalize);
  sch_sql_rollback (store);
  return NULL;
}

gint64
sch_outbox_next_due (SchStore    *store,
                     GHashTable  *busy,
                     GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), G_MAXINT64);

  stmt = sch_sql_prepare (store,
                  "SELECT o.case_uuid, max (o.next_attempt_at, o.leased_until) AS due FROM " HEADS
                  " WHERE o.state = 'pending' ORDER BY due",
                  error);
  if (stmt == NULL)
    return G_MAXINT64;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *case_uuid = (const char *) sqlite3_column_text (stmt, 0);

      if (busy == NULL || !g_hash_table_contains (busy, case_uuid))
        return sqlite3_column_int64 (stmt, 1);
    }

  if (rc != SQLITE_DONE)
    sch_sql_fail (store, rc, error);

  return G_MAXINT64;
}

/* Owners are "host/pid/random". */
static gboolean
owner_is_gone (const char *lease_owner,
               const char *owner)
{
  g_auto(GStrv) parts = g_strsplit (lease_owner, "/", 3);
  g_auto(GStrv) mine = g_strsplit (owner, "/", 3);
  guint64 pid = 0;

  if (g_strv_length (parts) != 3 || g_strv_length (mine) != 3 ||
      !g_str_equal (parts[0], mine[0]) ||
      !g_ascii_string_to_unsigned (parts[1], 10, 1, G_MAXINT, &pid, NULL))
    return FALSE;

  if (g_str_equal (parts[1], mine[1]))
    return !g_str_equal (parts[2], mine[2]);

  return kill ((pid_t) pid, 0) != 0 && errno == ESRCH;
}

gboolean
sch_outbox_reclaim_leases (SchStore    *store,
                           const char  *owner,
                           GError     **error)
{
  g_autoptr(SchSqlStmt) select = NULL;
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (owner != NULL, FALSE);

  select = sch_sql_prepare (store,
                    "SELECT DISTINCT lease_owner FROM outbox"
                    " WHERE state = 'pending' AND leased_until > 0 AND lease_owner IS NOT NULL",
                    error);
  if (select == NULL)
    return FALSE;

  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      const char *lease_owner = (const char *) sqlite3_column_text (select, 0);

      if (owner_is_gone (lease_owner, owner))
        g_ptr_array_add (gone, g_strdup (lease_owner));
    }
  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  for (guint i = 0; i < gone->len; i++)
    {
      g_autoptr(SchSqlStmt) release = NULL;

      release = sch_sql_prepare (store,
                         "UPDATE outbox SET leased_until = 0, lease_owner = NULL"
                         " WHERE state = 'pending' AND lease_owner = ?1",
                         error);
      if (release == NULL)
        return FALSE;

      sch_sql_bind_text (release, 1, gone->pdata[i]);
      if (!sch_sql_run (store, release, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
sch_outbox_make_due (SchStore  *store,
                     GError   **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);

  return sch_sql_exec (store, "UPDATE outbox SET next_attempt_at = 0 WHERE state = 'pending' AND next_attempt_at > 0",
               error);
}

/* Finishing a call */

static gboolean
update_item (SchStore       *store,
             SchOutboxItem  *item,
             const char     *sql,
             gint64          time,
             const char     *message,
             GError        **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, item->id);
  sqlite3_bind_int64 (stmt, 2, time);
  sch_sql_bind_text (stmt, 3, message);

  return sch_sql_run (store, stmt, error);
}

gboolean
sch_outbox_mark_done (SchStore       *store,
                      SchOutboxItem  *item,
                      GError        **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (!update_item (store, item,
                    "UPDATE outbox SET state = 'done', done_at = ?2, attempts = attempts + 1,"
                    " leased_until = 0, lease_owner = NULL, last_error = ?3 WHERE id = ?1",
                    g_get_real_time (), NULL, error))
    return FALSE;

  /* A batch ends with its submit: only then can the case leave the queue. */
  if (item->kind == SCH_OUTBOX_SUBMIT || item->kind == SCH_OUTBOX_SUPPLEMENT_SUBMIT)
    g_signal_emit_by_name (store, "outbox-changed");
  return TRUE;
}

gboolean
sch_outbox_mark_retry (SchStore       *store,
                       SchOutboxItem  *item,
                       gint64          next_attempt_at,
                       const char     *message,
                       GError        **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  item->attempts++;
  return update_item (store, item,
                      "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?2,"
                      " leased_until = 0, lease_owner = NULL, last_error = ?3 WHERE id = ?1",
                      next_attempt_at, message, error);
}

gboolean
sch_outbox_release (SchStore       *store,
                    SchOutboxItem  *item,
                    const char     *message,
                    GError        **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  return update_item (store, item,
                      "UPDATE outbox SET leased_until = 0, lease_owner = NULL,"
                      " last_error = coalesce (?3, last_error), next_attempt_at = ?2 WHERE id = ?1",
                      0, message, error);
}

gboolean
sch_outbox_mark_failed (SchStore       *store,
                        SchOutboxItem  *item,
                        const char     *message,
                        GError        **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (item != NULL, FALSE);

  if (!update_item (store, item,
                    "UPDATE outbox SET state = 'failed', attempts = attempts + 1,"
                    " last_attempt_at = ?2, leased_until = 0, lease_owner = NULL,"
                    " last_error = ?3 WHERE id = ?1",
                    g_get_real_time (), message, error))
    return FALSE;

  /* A case with a refused call waits for the clerk: it leaves the queue. */
  g_signal_emit_by_name (store, "outbox-changed");
  return TRUE;
}

gboolean
sch_outbox_requeue_documents (SchStore            *store,
                              const char          *case_uuid,
                              const char * const  *doc_uuids,
                              GError             **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL, FALSE);

  for (guint i = 0; doc_uuids != NULL && doc_uuids[i] != NULL; i++)
    {
      g_autoptr(SchSqlStmt) stmt = NULL;

      stmt = sch_sql_prepare (store,
                      "UPDATE outbox SET state = 'pending', next_attempt_at = 0"
                      " WHERE case_uuid = ?1 AND doc_uuid = ?2 AND kind = 'document' AND state = 'done'",
                      error);
      if (stmt == NULL)
        return FALSE;

      sch_sql_bind_text (stmt, 1, case_uuid);
      sch_sql_bind_text (stmt, 2, doc_uuids[i]);
      if (!sch_sql_run (store, stmt, error))
        return FALSE;
    }

  g_signal_emit_by_name (store, "outbox-changed");
  return TRUE;
}

char *
sch_outbox_dup_case_error (SchStore    *store,
                           const char  *case_uuid,
                           GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  stmt = sch_sql_prepare (store,
                  "SELECT last_error FROM outbox WHERE case_uuid = ?1 AND state = 'failed'"
                  " ORDER BY id LIMIT 1",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, case_uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return sch_sql_column_dup (stmt, 0);
  if (rc != SQLITE_DONE)
    sch_sql_fail (store, rc, error);

  return NULL;
}

/* Field errors */

void
sch_field_error_free (SchFieldError *field_error)
{
  if (field_error == NULL)
    return;

  g_free (field_error->group);
  g_free (field_error->field);
  g_free (field_error->message);
  g_free (field_error);
}

gboolean
sch_outbox_set_field_errors (SchStore          *store,
                             const char        *case_uuid,
                             GBytes            *body,
                             const SchProblem  *problem,
                             GError           **error)
{
  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL && problem != NULL, FALSE);

  for (guint i = 0; i < problem->pointers->len; i++)
    {
      g_autoptr(SchSqlStmt) stmt = NULL;
      g_autofree char *group = NULL;
      g_autofree char *field = NULL;
      guint index = 0;

      stmt = sch_sql_prepare (store,
                      "INSERT INTO case_field_errors (case_uuid, grp, idx, field, pointer, message)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                      error);
      if (stmt == NULL)
        return FALSE;

      sch_wire_pointer_to_field (body, problem->pointers->pdata[i], &group, &index, &field);
      sch_sql_bind_text (stmt, 1, case_uuid);
      sch_sql_bind_text (stmt, 2, group);
      sqlite3_bind_int (stmt, 3, (int) index);
      sch_sql_bind_text (stmt, 4, field);
      sch_sql_bind_text (stmt, 5, problem->pointers->pdata[i]);
      sch_sql_bind_text (stmt, 6, problem->messages->pdata[i]);
      if (!sch_sql_run (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
sch_outbox_get_field_errors (SchStore  *store,
                             SchCase   *kase,
                             GError   **error)
{
  g_autoptr(GPtrArray) errors = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_field_error_free);
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);

  stmt = sch_sql_prepare (store,
                  "SELECT grp, idx, field, message FROM case_field_errors WHERE case_uuid = ?1 ORDER BY id",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, sch_case_get_uuid (kase));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SchFieldError *field_error = g_new0 (SchFieldError, 1);

      field_error->group = sch_sql_column_dup (stmt, 0);
      field_error->index = (guint) sqlite3_column_int (stmt, 1);
      field_error->field = sch_sql_column_dup (stmt, 2);
      field_error->message = sch_sql_column_dup (stmt, 3);
      g_ptr_array_add (errors, field_error);
    }

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&errors);
}

/* History */

void
sch_status_entry_free (SchStatusEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->status);
  g_free (entry->at);
  g_free (entry->note);
  g_free (entry->requested_documents);
  g_free (entry);
}

gboolean
sch_outbox_add_history (SchStore    *store,
                        const char  *case_uuid,
                        const char  *status,
                        const char  *at,
                        const char  *note,
                        const char  *requested_documents,
                        gboolean    *added,
                        GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL && status != NULL && at != NULL, FALSE);

  stmt = sch_sql_prepare (store,
                  "INSERT OR IGNORE INTO case_status_history"
                  " (case_uuid, status, at, note, requested_documents, stored_at)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                  error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, case_uuid);
  sch_sql_bind_text (stmt, 2, status);
  sch_sql_bind_text (stmt, 3, at);
  sch_sql_bind_text (stmt, 4, note);
  sch_sql_bind_text (stmt, 5, requested_documents);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  if (!sch_sql_run (store, stmt, error))
    return FALSE;

  if (added != NULL)
    *added = sqlite3_changes (sch_store_get_db (store)) > 0;
  return TRUE;
}

GPtrArray *
sch_outbox_list_history (SchStore    *store,
                         const char  *case_uuid,
                         GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_status_entry_free);
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);

  stmt = sch_sql_prepare (store,
                  "SELECT status, at, note, requested_documents FROM case_status_history"
                  " WHERE case_uuid = ?1 ORDER BY at, id",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, case_uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SchStatusEntry *entry = g_new0 (SchStatusEntry, 1);

      entry->status = sch_sql_column_dup (stmt, 0);
      entry->at = sch_sql_column_dup (stmt, 1);
      entry->note = sch_sql_column_dup (stmt, 2);
      entry->requested_documents = sch_sql_column_dup (stmt, 3);
      g_ptr_array_add (entries, entry);
    }

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&entries);
}

/* Sync state */

char *
sch_outbox_dup_cursor (SchStore  *store,
                       GError   **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);

  stmt = sch_sql_prepare (store, "SELECT changes_cursor FROM sync_state WHERE id = 1", error);
  if (stmt == NULL)
    return NULL;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    return sch_sql_column_dup (stmt, 0);

  return NULL;
}

gboolean
sch_outbox_set_cursor (SchStore    *store,
                       const char  *cursor,
                       GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);

  stmt = sch_sql_prepare (store, "UPDATE sync_state SET changes_cursor = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, cursor);
  return sch_sql_run (store, stmt, error);
}

gint64
sch_outbox_get_last_success (SchStore  *store,
                             GError   **error)
{
  gint64 when = 0;

  g_return_val_if_fail (SCH_IS_STORE (store), 0);

  sch_sql_query_int64 (store, "SELECT last_success FROM sync_state WHERE id = 1", NULL, &when, error);
  return when;
}

gboolean
sch_outbox_set_last_success (SchStore  *store,
                             gint64     when,
                             GError   **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);

  stmt = sch_sql_prepare (store, "UPDATE sync_state SET last_success = ?1 WHERE id = 1", error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, when);
  return sch_sql_run (store, stmt, error);
}
