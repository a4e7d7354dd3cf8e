/* rcv-store.c: the reference receiver's SQLite storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-receiver"

#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "rcv-store.h"

struct _RcvStore
{
  sqlite3 *db;
  char    *documents_dir;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

static const char schema[] =
  "PRAGMA journal_mode=WAL;"
  "PRAGMA synchronous=FULL;"
  "PRAGMA foreign_keys=ON;"
  "CREATE TABLE IF NOT EXISTS cases ("
  "  uuid TEXT PRIMARY KEY, reference TEXT NOT NULL UNIQUE,"
  "  office TEXT NOT NULL, workstation TEXT NOT NULL,"
  "  body BLOB NOT NULL, body_sha256 TEXT NOT NULL, answer TEXT NOT NULL,"
  "  status TEXT NOT NULL, requested TEXT NOT NULL DEFAULT '[]',"
  "  created_at TEXT NOT NULL, submitted_at TEXT,"
  "  replays INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE IF NOT EXISTS supplements ("
  "  case_uuid TEXT NOT NULL REFERENCES cases (uuid), id TEXT NOT NULL,"
  "  body_sha256 TEXT NOT NULL, answer TEXT NOT NULL, submitted_at TEXT,"
  "  PRIMARY KEY (case_uuid, id));"
  "CREATE TABLE IF NOT EXISTS documents ("
  "  case_uuid TEXT NOT NULL REFERENCES cases (uuid), id TEXT NOT NULL,"
  "  supplement TEXT, slot TEXT NOT NULL, media_type TEXT NOT NULL,"
  "  size INTEGER NOT NULL, sha256 TEXT NOT NULL, received_at TEXT,"
  "  PRIMARY KEY (case_uuid, id));"
  "CREATE TABLE IF NOT EXISTS history ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  case_uuid TEXT NOT NULL REFERENCES cases (uuid), status TEXT NOT NULL,"
  "  at TEXT NOT NULL, note TEXT, requested TEXT NOT NULL DEFAULT '[]');"
  "CREATE TABLE IF NOT EXISTS reference_counters ("
  "  year INTEGER PRIMARY KEY, last INTEGER NOT NULL);"
  "CREATE TABLE IF NOT EXISTS stats ("
  "  name TEXT PRIMARY KEY, value INTEGER NOT NULL);";

/* The names of RcvStat, in GET /admin/stats and the stats table. */
static const char * const stat_names[] = {
  "requests", "failures", "resets", "uploadsInterrupted", "stalls", "creations", "replays",
};
G_STATIC_ASSERT (G_N_ELEMENTS (stat_names) == RCV_N_STATS);

void
rcv_document_free (RcvDocument *doc)
{
  if (doc == NULL)
    return;
  g_free (doc->slot);
  g_free (doc->media_type);
  g_free (doc->sha256);
  g_free (doc->received_at);
  g_free (doc);
}

char *
rcv_now_string (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
}

static gboolean
sql_error (RcvStore  *self,
           GError   **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
               "The receiver database failed: %s", sqlite3_errmsg (self->db));
  return FALSE;
}

static gboolean
exec_sql (RcvStore    *self,
          const char  *sql,
          GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return sql_error (self, error);
  return TRUE;
}

static sqlite3_stmt *
prepare (RcvStore    *self,
         const char  *sql,
         GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sql_error (self, error);
      return NULL;
    }
  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

static const char *
column_text (sqlite3_stmt *stmt,
             int           index)
{
  return (const char *) sqlite3_column_text (stmt, index);
}

/* Runs a statement that returns no rows. */
static gboolean
step_done (RcvStore      *self,
           sqlite3_stmt  *stmt,
           GError       **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sql_error (self, error);
  return TRUE;
}

static gboolean
begin (RcvStore  *self,
       GError   **error)
{
  return exec_sql (self, "BEGIN IMMEDIATE", error);
}

static gboolean
commit (RcvStore  *self,
        GError   **error)
{
  if (!exec_sql (self, "COMMIT", error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      return FALSE;
    }
  return TRUE;
}

static RcvResult
rollback (RcvStore  *self,
          RcvResult  result)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  return result;
}

/* Data folders of older receivers: a missing column is added. */
static gboolean
add_column (RcvStore    *self,
            const char  *probe,
            const char  *alter,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, probe, -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return TRUE;
    }
  return exec_sql (self, alter, error);
}

RcvStore *
rcv_store_open (const char  *dir,
                GError     **error)
{
  g_autoptr(RcvStore) self = g_new0 (RcvStore, 1);
  g_autofree char *path = g_build_filename (dir, "receiver.db", NULL);

  self->documents_dir = g_build_filename (dir, "documents", NULL);
  if (g_mkdir_with_parents (self->documents_dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the folder %s: %s",
                   self->documents_dir, g_strerror (saved_errno));
      return NULL;
    }

  if (sqlite3_open (path, &self->db) != SQLITE_OK)
    {
      sql_error (self, error);
      return NULL;
    }
  sqlite3_busy_timeout (self->db, 5000);
  /* Cases from before offices belong to none: no token sees them. */
  if (!exec_sql (self, schema, error)
      || !add_column (self, "SELECT replays FROM cases",
                      "ALTER TABLE cases ADD COLUMN replays INTEGER NOT NULL DEFAULT 0", error)
      || !add_column (self, "SELECT office FROM cases",
                      "ALTER TABLE cases ADD COLUMN office TEXT NOT NULL DEFAULT ''", error))
    return NULL;

  return g_steal_pointer (&self);
}

void
rcv_store_free (RcvStore *self)
{
  if (self == NULL)
    return;
  sqlite3_close (self->db);
  g_free (self->documents_dir);
  g_free (self);
}

const char *
rcv_store_get_documents_dir (RcvStore *self)
{
  return self->documents_dir;
}

static gboolean
add_history (RcvStore    *self,
             const char  *uuid,
             const char  *status,
             const char  *note,
             const char  *requested,
             const char  *at,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO history (case_uuid, status, at, note, requested) "
                  "VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, status);
  bind_text (stmt, 3, at);
  bind_text (stmt, 4, note);
  bind_text (stmt, 5, requested);
  return step_done (self, stmt, error);
}

static gboolean
insert_documents (RcvStore    *self,
                  const char  *case_uuid,
                  const char  *supplement,
                  JsonArray   *manifest,
                  GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO documents (case_uuid, id, supplement, slot, media_type, size, sha256) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *doc = json_array_get_object_element (manifest, i);

      sqlite3_reset (stmt);
      bind_text (stmt, 1, case_uuid);
      bind_text (stmt, 2, json_object_get_string_member (doc, "id"));
      bind_text (stmt, 3, supplement);
      bind_text (stmt, 4, json_object_get_string_member (doc, "slot"));
      bind_text (stmt, 5, json_object_get_string_member (doc, "mediaType"));
      sqlite3_bind_int64 (stmt, 6, json_object_get_int_member (doc, "size"));
      bind_text (stmt, 7, json_object_get_string_member (doc, "sha256"));
      if (!step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

static void
add_manifest_ids (JsonBuilder *builder,
                  JsonArray   *manifest)
{
  json_builder_begin_array (builder);
  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *doc = json_array_get_object_element (manifest, i);
      json_builder_add_string_value (builder, json_object_get_string_member (doc, "id"));
    }
  json_builder_end_array (builder);
}

static char *
builder_to_string (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Looks up an earlier request with the same idempotency key. */
static RcvResult
check_replay (RcvStore     *self,
              const char   *sql,
              const char   *key1,
              const char   *key2,
              const char   *body_sha,
              char        **answer,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return RCV_ERROR;
  bind_text (stmt, 1, key1);
  if (key2 != NULL)
    bind_text (stmt, 2, key2);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return RCV_OK;
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }
  if (g_strcmp0 (column_text (stmt, 0), body_sha) != 0)
    return RCV_CONFLICT;
  *answer = g_strdup (column_text (stmt, 1));
  return RCV_REPLAYED;
}

/* The same case sent again: the answer was lost on its way to the client. */
static RcvResult
count_replay (RcvStore     *self,
              const char   *uuid,
              char        **answer,
              GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "UPDATE cases SET replays = replays + 1 WHERE uuid = ?",
                                          error);

  if (stmt != NULL)
    bind_text (stmt, 1, uuid);
  if (stmt == NULL || !step_done (self, stmt, error) || !commit (self, error))
    {
      g_clear_pointer (answer, g_free);
      return rollback (self, RCV_ERROR);
    }
  return RCV_REPLAYED;
}

static gint64
next_reference_number (RcvStore  *self,
                       int        year,
                       GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "INSERT INTO reference_counters (year, last) VALUES (?, 1) "
                  "ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int (stmt, 1, year);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sql_error (self, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

RcvResult
rcv_store_create_case (RcvStore    *self,
                       const char  *uuid,
                       const char  *office,
                       const char  *workstation,
                       const char  *canton,
                       GBytes      *body,
                       JsonArray   *manifest,
                       char       **answer,
                       GError     **error)
{
  g_autofree char *body_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = g_date_time_format (now, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *reference = NULL;
  g_autofree char *text = NULL;
  RcvResult result;
  gint64 number;

  if (!begin (self, error))
    return RCV_ERROR;

  /* The key of another office's case conflicts whatever the body: that
   * case's answer is never given out. */
  result = check_replay (self,
                         "SELECT CASE WHEN office = ?2 THEN body_sha256 END, answer "
                         "FROM cases WHERE uuid = ?1",
                         uuid, office, body_sha, answer, error);
  if (result == RCV_REPLAYED)
    return count_replay (self, uuid, answer, error);
  if (result != RCV_OK)
    return rollback (self, result);

  number = next_reference_number (self, g_date_time_get_year (now), error);
  if (number < 0)
    return rollback (self, RCV_ERROR);
  reference = g_strdup_printf ("MA-%s-%d-%06" G_GINT64_FORMAT,
                               canton, g_date_time_get_year (now), number);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, reference);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "created");
  json_builder_set_member_name (builder, "createdAt");
  json_builder_add_string_value (builder, at);
  json_builder_set_member_name (builder, "missingDocuments");
  add_manifest_ids (builder, manifest);
  json_builder_end_object (builder);
  text = builder_to_string (builder);

  stmt = prepare (self,
                  "INSERT INTO cases (uuid, reference, office, workstation, body, body_sha256,"
                  " answer, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'created', ?)", error);
  if (stmt == NULL)
    return rollback (self, RCV_ERROR);
  bind_text (stmt, 1, uuid);
  bind_text (stmt, 2, reference);
  bind_text (stmt, 3, office);
  bind_text (stmt, 4, workstation);
  sqlite3_bind_blob (stmt, 5, g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                     SQLITE_TRANSIENT);
  bind_text (stmt, 6, body_sha);
  bind_text (stmt, 7, text);
  bind_text (stmt, 8, at);
  if (!step_done (self, stmt, error)
      || !insert_documents (self, uuid, NULL, manifest, error)
      || !add_history (self, uuid, "created", NULL, "[]", at, error)
      || !commit (self, error))
    return rollback (self, RCV_ERROR);

  *answer = g_steal_pointer (&text);
  return RCV_CREATED;
}

RcvResult
rcv_store_get_case_office (RcvStore    *self,
                           const char  *uuid,
                           char       **office,
                           GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT office FROM cases WHERE uuid = ?", error);
  int rc;

  if (stmt == NULL)
    return RCV_ERROR;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return RCV_UNKNOWN_CASE;
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }
  *office = g_strdup (column_text (stmt, 0));
  return RCV_OK;
}

/* Reads the status of a case; RCV_UNKNOWN_CASE if there is none. */
static RcvResult
case_status (RcvStore    *self,
             const char  *uuid,
             char       **status,
             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT status FROM cases WHERE uuid = ?", error);
  int rc;

  if (stmt == NULL)
    return RCV_ERROR;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return RCV_UNKNOWN_CASE;
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }
  *status = g_strdup (column_text (stmt, 0));
  return RCV_OK;
}

/* Checks that a supplement's documents fit into the case. */
static RcvResult
check_supplement_documents (RcvStore    *self,
                            const char  *case_uuid,
                            JsonArray   *manifest,
                            guint        max_documents,
                            GError     **error)
{
  g_autoptr(sqlite3_stmt) count = NULL;
  g_autoptr(sqlite3_stmt) exists = NULL;

  count = prepare (self, "SELECT count(*) FROM documents WHERE case_uuid = ?", error);
  exists = prepare (self, "SELECT 1 FROM documents WHERE case_uuid = ? AND id = ?", error);
  if (count == NULL || exists == NULL)
    return RCV_ERROR;

  bind_text (count, 1, case_uuid);
  if (sqlite3_step (count) != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }
  if (sqlite3_column_int64 (count, 0) + json_array_get_length (manifest) > max_documents)
    return RCV_TOO_MANY_DOCUMENTS;

  for (guint i = 0; i < json_array_get_length (manifest); i++)
    {
      JsonObject *doc = json_array_get_object_element (manifest, i);

      sqlite3_reset (exists);
      bind_text (exists, 1, case_uuid);
      bind_text (exists, 2, json_object_get_string_member (doc, "id"));
      if (sqlite3_step (exists) == SQLITE_ROW)
        return RCV_DUPLICATE_DOCUMENT;
    }
  return RCV_OK;
}

RcvResult
rcv_store_create_supplement (RcvStore    *self,
                             const char  *case_uuid,
                             const char  *id,
                             GBytes      *body,
                             JsonArray   *manifest,
                             guint        max_documents,
                             char       **answer,
                             GError     **error)
{
  g_autofree char *body_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, body);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *status = NULL;
  g_autofree char *text = NULL;
  RcvResult result;

  if (!begin (self, error))
    return RCV_ERROR;

  result = case_status (self, case_uuid, &status, error);
  if (result != RCV_OK)
    return rollback (self, result);

  result = check_replay (self,
                         "SELECT body_sha256, answer FROM supplements WHERE case_uuid = ? AND id = ?",
                         case_uuid, id, body_sha, answer, error);
  if (result != RCV_OK)
    return rollback (self, result);

  if (g_str_equal (status, "created"))
    return rollback (self, RCV_NOT_SUBMITTED);
  if (g_str_equal (status, "closed"))
    return rollback (self, RCV_CLOSED);
  result = check_supplement_documents (self, case_uuid, manifest, max_documents, error);
  if (result != RCV_OK)
    return rollback (self, result);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, case_uuid);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "open");
  json_builder_set_member_name (builder, "missingDocuments");
  add_manifest_ids (builder, manifest);
  json_builder_end_object (builder);
  text = builder_to_string (builder);

  stmt = prepare (self,
                  "INSERT INTO supplements (case_uuid, id, body_sha256, answer) VALUES (?, ?, ?, ?)",
                  error);
  if (stmt == NULL)
    return rollback (self, RCV_ERROR);
  bind_text (stmt, 1, case_uuid);
  bind_text (stmt, 2, id);
  bind_text (stmt, 3, body_sha);
  bind_text (stmt, 4, text);
  if (!step_done (self, stmt, error)
      || !insert_documents (self, case_uuid, id, manifest, error)
      || !commit (self, error))
    return rollback (self, RCV_ERROR);

  *answer = g_steal_pointer (&text);
  return RCV_CREATED;
}

RcvResult
rcv_store_lookup_document (RcvStore     *self,
                           const char   *case_uuid,
                           const char   *id,
                           RcvDocument **doc,
                           GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *status = NULL;
  RcvDocument *found;
  int rc;

  stmt = prepare (self,
                  "SELECT slot, media_type, size, sha256, received_at "
                  "FROM documents WHERE case_uuid = ? AND id = ?", error);
  if (stmt == NULL)
    return RCV_ERROR;
  bind_text (stmt, 1, case_uuid);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      RcvResult result = case_status (self, case_uuid, &status, error);
      return result == RCV_OK ? RCV_UNKNOWN_DOCUMENT : result;
    }
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }

  found = g_new0 (RcvDocument, 1);
  found->slot = g_strdup (column_text (stmt, 0));
  found->media_type = g_strdup (column_text (stmt, 1));
  found->size = sqlite3_column_int64 (stmt, 2);
  found->sha256 = g_strdup (column_text (stmt, 3));
  found->received_at = g_strdup (column_text (stmt, 4));
  *doc = found;
  return RCV_OK;
}

gboolean
rcv_store_mark_stored (RcvStore    *self,
                       const char  *case_uuid,
                       const char  *id,
                       const char  *at,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;

  stmt = prepare (self,
                  "UPDATE documents SET received_at = ? "
                  "WHERE case_uuid = ? AND id = ? AND received_at IS NULL", error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, at);
  bind_text (stmt, 2, case_uuid);
  bind_text (stmt, 3, id);
  return step_done (self, stmt, error);
}

/* Ids of the documents of a case (supplement NULL) or of a supplement not stored yet. */
static JsonArray *
missing_documents (RcvStore    *self,
                   const char  *case_uuid,
                   const char  *supplement,
                   GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonArray) missing = json_array_new ();
  int rc;

  stmt = prepare (self,
                  "SELECT id FROM documents WHERE case_uuid = ? AND supplement IS ? "
                  "AND received_at IS NULL ORDER BY rowid", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, case_uuid);
  bind_text (stmt, 2, supplement);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    json_array_add_string_element (missing, column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&missing);
}

static JsonNode *
array_node (JsonArray *array)
{
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  json_node_take_array (node, array);
  return node;
}

static JsonNode *
submit_answer (RcvStore    *self,
               const char  *uuid,
               GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  stmt = prepare (self, "SELECT reference, status, submitted_at FROM cases WHERE uuid = ?", error);
  if (stmt == NULL)
    return NULL;
  bind_text (stmt, 1, uuid);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sql_error (self, error);
      return NULL;
    }
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "uuid");
  json_builder_add_string_value (builder, uuid);
  json_builder_set_member_name (builder, "reference");
  json_builder_add_string_value (builder, column_text (stmt, 0));
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, column_text (stmt, 1));
  json_builder_set_member_name (builder, "submittedAt");
  json_builder_add_string_value (builder, column_text (stmt, 2));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RcvResult
rcv_store_submit_case (RcvStore    *self,
                       const char  *uuid,
                       JsonNode   **answer,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autofree char *status = NULL;
  g_autofree char *at = rcv_now_string ();
  JsonArray *missing;
  RcvResult result;

  if (!begin (self, error))
    return RCV_ERROR;
  result = case_status (self, uuid, &status, error);
  if (result != RCV_OK)
    return rollback (self, result);

  missing = missing_documents (self, uuid, NULL, error);
  if (missing == NULL)
    return rollback (self, RCV_ERROR);
  if (json_array_get_length (missing) > 0)
    {
      *answer = array_node (missing);
      return rollback (self, RCV_MISSING);
    }
  json_array_unref (missing);

  if (g_str_equal (status, "created"))
    {
      stmt = prepare (self,
                      "UPDATE cases SET status = 'submitted', submitted_at = ? WHERE uuid = ?",
                      error);
      if (stmt == NULL)
        return rollback (self, RCV_ERROR);
      bind_text (stmt, 1, at);
      bind_text (stmt, 2, uuid);
      if (!step_done (self, stmt, error)
          || !add_history (self, uuid, "submitted", NULL, "[]", at, error))
        return rollback (self, RCV_ERROR);
    }

  *answer = submit_answer (self, uuid, error);
  if (*answer == NULL || !commit (self, error))
    {
      g_clear_pointer (answer, json_node_unref);
      return rollback (self, RCV_ERROR);
    }
  return RCV_OK;
}

RcvResult
rcv_store_submit_supplement (RcvStore    *self,
                             const char  *case_uuid,
                             const char  *id,
                             JsonNode   **answer,
                             GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *at = rcv_now_string ();
  g_autofree char *submitted_at = NULL;
  JsonArray *missing;
  int rc;

  if (!begin (self, error))
    return RCV_ERROR;

  stmt = prepare (self, "SELECT submitted_at FROM supplements WHERE case_uuid = ? AND id = ?",
                  error);
  if (stmt == NULL)
    return rollback (self, RCV_ERROR);
  bind_text (stmt, 1, case_uuid);
  bind_text (stmt, 2, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_autofree char *status = NULL;
      RcvResult result = case_status (self, case_uuid, &status, error);
      return rollback (self, result == RCV_OK ? RCV_UNKNOWN_SUPPLEMENT : result);
    }
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return rollback (self, RCV_ERROR);
    }
  submitted_at = g_strdup (column_text (stmt, 0));
  g_clear_pointer (&stmt, sqlite3_finalize);

  missing = missing_documents (self, case_uuid, id, error);
  if (missing == NULL)
    return rollback (self, RCV_ERROR);
  if (json_array_get_length (missing) > 0)
    {
      *answer = array_node (missing);
      return rollback (self, RCV_MISSING);
    }
  json_array_unref (missing);

  if (submitted_at == NULL)
    {
      stmt = prepare (self, "UPDATE supplements SET submitted_at = ? WHERE case_uuid = ? AND id = ?",
                      error);
      if (stmt == NULL)
        return rollback (self, RCV_ERROR);
      bind_text (stmt, 1, at);
      bind_text (stmt, 2, case_uuid);
      bind_text (stmt, 3, id);
      if (!step_done (self, stmt, error) || !commit (self, error))
        return rollback (self, RCV_ERROR);
      submitted_at = g_steal_pointer (&at);
    }
  else
    {
      rollback (self, RCV_OK);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "case");
  json_builder_add_string_value (builder, case_uuid);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "submitted");
  json_builder_set_member_name (builder, "submittedAt");
  json_builder_add_string_value (builder, submitted_at);
  json_builder_end_object (builder);
  *answer = json_builder_get_root (builder);
  return RCV_OK;
}

/* Adds a JSON text stored in the database (requested documents) as a value. */
static void
add_json_text (JsonBuilder *builder,
               const char  *text)
{
  JsonNode *node = json_from_string (text, NULL);

  if (node == NULL)
    {
      node = json_node_new (JSON_NODE_ARRAY);
      json_node_take_array (node, json_array_new ());
    }
  json_builder_add_value (builder, node);
}

static void
add_nullable_string (JsonBuilder *builder,
                     const char  *name,
                     const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

static gboolean
add_history_array (RcvStore     *self,
                   JsonBuilder  *builder,
                   const char   *uuid,
                   GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (self, "SELECT status, at, note FROM history WHERE case_uuid = ? ORDER BY seq",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_nullable_string (builder, "status", column_text (stmt, 0));
      add_nullable_string (builder, "at", column_text (stmt, 1));
      add_nullable_string (builder, "note", column_text (stmt, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    return sql_error (self, error);
  return TRUE;
}

/* Documents of a case; only the stored ones when @stored_only. */
static gboolean
add_documents_array (RcvStore     *self,
                     JsonBuilder  *builder,
                     const char   *uuid,
                     gboolean      stored_only,
                     GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  int rc;

  stmt = prepare (self,
                  "SELECT id, slot, sha256, size, received_at IS NOT NULL FROM documents "
                  "WHERE case_uuid = ? AND (received_at IS NOT NULL OR NOT ?) ORDER BY rowid",
                  error);
  if (stmt == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  sqlite3_bind_int (stmt, 2, stored_only);
  json_builder_set_member_name (builder, "documents");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_nullable_string (builder, "id", column_text (stmt, 0));
      if (!stored_only)
        add_nullable_string (builder, "slot", column_text (stmt, 1));
      add_nullable_string (builder, "sha256", column_text (stmt, 2));
      json_builder_set_member_name (builder, "size");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
      if (!stored_only)
        {
          json_builder_set_member_name (builder, "stored");
          json_builder_add_boolean_value (builder, sqlite3_column_int (stmt, 4) != 0);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    return sql_error (self, error);
  return TRUE;
}

static gboolean
add_supplements_array (RcvStore     *self,
                       JsonBuilder  *builder,
                       const char   *uuid,
                       GError      **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(sqlite3_stmt) docs = NULL;
  int rc;

  stmt = prepare (self, "SELECT id, submitted_at FROM supplements WHERE case_uuid = ? ORDER BY rowid",
                  error);
  docs = prepare (self, "SELECT id FROM documents WHERE case_uuid = ? AND supplement = ? ORDER BY rowid",
                  error);
  if (stmt == NULL || docs == NULL)
    return FALSE;
  bind_text (stmt, 1, uuid);
  json_builder_set_member_name (builder, "supplements");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *submitted_at = column_text (stmt, 1);

      json_builder_begin_object (builder);
      add_nullable_string (builder, "id", column_text (stmt, 0));
      add_nullable_string (builder, "status", submitted_at != NULL ? "submitted" : "open");
      add_nullable_string (builder, "submittedAt", submitted_at);
      json_builder_set_member_name (builder, "documents");
      json_builder_begin_array (builder);
      sqlite3_reset (docs);
      bind_text (docs, 1, uuid);
      bind_text (docs, 2, column_text (stmt, 0));
      while (sqlite3_step (docs) == SQLITE_ROW)
        json_builder_add_string_value (builder, column_text (docs, 0));
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    return sql_error (self, error);
  return TRUE;
}

RcvResult
rcv_store_get_case (RcvStore    *self,
                    const char  *uuid,
                    JsonNode   **answer,
                    GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  stmt = prepare (self,
                  "SELECT reference, status, created_at, submitted_at, requested "
                  "FROM cases WHERE uuid = ?", error);
  if (stmt == NULL)
    return RCV_ERROR;
  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    return RCV_UNKNOWN_CASE;
  if (rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }

  json_builder_begin_object (builder);
  add_nullable_string (builder, "uuid", uuid);
  add_nullable_string (builder, "reference", column_text (stmt, 0));
  add_nullable_string (builder, "status", column_text (stmt, 1));
  add_nullable_string (builder, "createdAt", column_text (stmt, 2));
  add_nullable_string (builder, "submittedAt", column_text (stmt, 3));
  json_builder_set_member_name (builder, "requestedDocuments");
  add_json_text (builder, column_text (stmt, 4));
  if (!add_history_array (self, builder, uuid, error)
      || !add_documents_array (self, builder, uuid, FALSE, error)
      || !add_supplements_array (self, builder, uuid, error))
    return RCV_ERROR;
  json_builder_end_object (builder);

  *answer = json_builder_get_root (builder);
  return RCV_OK;
}

static gint64
last_sequence (RcvStore  *self,
               GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT coalesce(max(seq), 0) FROM history", error);

  if (stmt == NULL)
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sql_error (self, error);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

RcvResult
rcv_store_get_changes (RcvStore    *self,
                       const char  *office,
                       const char  *since,
                       guint        limit,
                       JsonNode   **answer,
                       GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *cursor = NULL;
  guint64 from = 0;
  gint64 last;
  guint count = 0;
  int rc;

  if (since != NULL && *since != '\0'
      && !g_ascii_string_to_unsigned (since, 10, 0, G_MAXINT64, &from, NULL))
    return RCV_INVALID_CURSOR;
  last = last_sequence (self, error);
  if (last < 0)
    return RCV_ERROR;
  /* A cursor from the future means the client talks to another server's history. */
  if ((gint64) from > last)
    return RCV_INVALID_CURSOR;

  stmt = prepare (self,
                  "SELECT h.seq, h.case_uuid, c.reference, h.status, h.at, h.note, h.requested "
                  "FROM history h JOIN cases c ON c.uuid = h.case_uuid "
                  "WHERE h.seq > ? AND c.office = ? ORDER BY h.seq LIMIT ?", error);
  if (stmt == NULL)
    return RCV_ERROR;
  sqlite3_bind_int64 (stmt, 1, (gint64) from);
  bind_text (stmt, 2, office);
  sqlite3_bind_int64 (stmt, 3, (gint64) limit + 1);

  cursor = g_strdup_printf ("%" G_GUINT64_FORMAT, from);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "changes");
  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW && count < limit)
    {
      count++;
      g_free (cursor);
      cursor = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (stmt, 0));
      json_builder_begin_object (builder);
      add_nullable_string (builder, "case", column_text (stmt, 1));
      add_nullable_string (builder, "reference", column_text (stmt, 2));
      add_nullable_string (builder, "status", column_text (stmt, 3));
      add_nullable_string (builder, "at", column_text (stmt, 4));
      add_nullable_string (builder, "note", column_text (stmt, 5));
      json_builder_set_member_name (builder, "requestedDocuments");
      add_json_text (builder, column_text (stmt, 6));
      json_builder_end_object (builder);
    }
  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    {
      sql_error (self, error);
      return RCV_ERROR;
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "cursor");
  json_builder_add_string_value (builder, cursor);
  json_builder_set_member_name (builder, "more");
  json_builder_add_boolean_value (builder, rc == SQLITE_ROW);
  json_builder_end_object (builder);

  *answer = json_builder_get_root (builder);
  return RCV_OK;
}

RcvResult
rcv_store_set_status (RcvStore    *self,
                      const char  *uuid,
                      const char  *status,
                      const char  *note,
                      JsonArray   *requested,
                      GError     **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  g_autofree char *at = rcv_now_string ();
  g_autofree char *old_status = NULL;
  g_autofree char *requested_text = NULL;
  RcvResult result;

  json_node_set_array (node, requested);
  requested_text = json_to_string (node, FALSE);

  if (!begin (self, error))
    return RCV_ERROR;
  result = case_status (self, uuid, &old_status, error);
  if (result != RCV_OK)
    return rollback (self, result);

  stmt = prepare (self, "UPDATE cases SET status = ?, requested = ? WHERE uuid = ?", error);
  if (stmt == NULL)
    return rollback (self, RCV_ERROR);
  bind_text (stmt, 1, status);
  bind_text (stmt, 2, requested_text);
  bind_text (stmt, 3, uuid);
  if (!step_done (self, stmt, error)
      || !add_history (self, uuid, status, note, requested_text, at, error)
      || !commit (self, error))
    return rollback (self, RCV_ERROR);
  return RCV_OK;
}

JsonNode *
rcv_store_list_cases (RcvStore  *self,
                      GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  int rc;

  stmt = prepare (self,
                  "SELECT uuid, reference, status, replays, body_sha256 FROM cases ORDER BY rowid",
                  error);
  if (stmt == NULL)
    return NULL;

  json_builder_begin_array (builder);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      json_builder_begin_object (builder);
      add_nullable_string (builder, "uuid", column_text (stmt, 0));
      add_nullable_string (builder, "reference", column_text (stmt, 1));
      add_nullable_string (builder, "status", column_text (stmt, 2));
      json_builder_set_member_name (builder, "replays");
      json_builder_add_int_value (builder, sqlite3_column_int64 (stmt, 3));
      add_nullable_string (builder, "bodySha256", column_text (stmt, 4));
      if (!add_documents_array (self, builder, column_text (stmt, 0), TRUE, error))
        return NULL;
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (rc != SQLITE_DONE)
    {
      sql_error (self, error);
      return NULL;
    }
  return json_builder_get_root (builder);
}

gboolean
rcv_store_load_stats (RcvStore  *self,
                      RcvStats  *stats,
                      GError   **error)
{
  g_autoptr(sqlite3_stmt) stmt = prepare (self, "SELECT value FROM stats WHERE name = ?", error);

  if (stmt == NULL)
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (stat_names); i++)
    {
      int rc;

      sqlite3_reset (stmt);
      bind_text (stmt, 1, stat_names[i]);
      rc = sqlite3_step (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sql_error (self, error);
      stats->counts[i] = rc == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
    }
  return TRUE;
}

gboolean
rcv_store_save_stats (RcvStore        *self,
                      const RcvStats  *stats,
                      GError         **error)
{
  g_autoptr(sqlite3_stmt) stmt = NULL;
  gboolean ok;

  if (!begin (self, error))
    return FALSE;
  stmt = prepare (self, "INSERT OR REPLACE INTO stats (name, value) VALUES (?, ?)", error);
  ok = stmt != NULL;
  for (gsize i = 0; ok && i < G_N_ELEMENTS (stat_names); i++)
    {
      sqlite3_reset (stmt);
      bind_text (stmt, 1, stat_names[i]);
      sqlite3_bind_int64 (stmt, 2, stats->counts[i]);
      ok = step_done (self, stmt, error);
    }
  if (!ok)
    {
      rollback (self, RCV_ERROR);
      return FALSE;
    }
  return commit (self, error);
}

JsonNode *
rcv_stats_to_json (const RcvStats *stats)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  for (gsize i = 0; i < G_N_ELEMENTS (stat_names); i++)
    {
      json_builder_set_member_name (builder, stat_names[i]);
      json_builder_add_int_value (builder, stats->counts[i]);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}
