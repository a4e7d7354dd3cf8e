#define G_LOG_DOMAIN "sch-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sch-store.h"
#include "sch-outbox.h"
#include "sch-store-pages.h"
#include "sch-store-sql.h"

/* "SCHL" in the database header: tells our files from any other SQLite file. */
#define SCH_STORE_APPLICATION_ID 0x5343484c
#define SCH_STORE_BUSY_TIMEOUT_MS 5000
#define EDIT_JOURNAL_MINUTES 10

struct _SchStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  /* Prepared statements by their (static) SQL text. */
  GHashTable *statements;
  int         schema_version;
  /* Last "modified" handed out: keeps the list order stable even when two
   * changes fall in the same microsecond or the clock steps back. */
  gint64      last_modified;
};

G_DEFINE_FINAL_TYPE (SchStore, sch_store, G_TYPE_OBJECT)
G_DEFINE_QUARK (sch-store-error-quark, sch_store_error)

enum {
  CASE_CHANGED,
  OUTBOX_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* A cached statement, reset (not finalized) when it goes out of scope. */
typedef sqlite3_stmt SchStmt;

static void
sch_stmt_done (SchStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchStmt, sch_stmt_done)

/* Version 1: cases with their JSON data, and the journal. */
static const char schema_v1[] =
  "CREATE TABLE cases ("
  "  uuid TEXT PRIMARY KEY NOT NULL,"
  "  type_code TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  modified INTEGER NOT NULL,"
  "  reference TEXT,"
  "  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (data))"
  ");"
  "CREATE TABLE journal ("
  "  id INTEGER PRIMARY KEY,"
  "  at TEXT NOT NULL,"
  "  user TEXT NOT NULL,"
  "  case_uuid TEXT,"
  "  action TEXT NOT NULL,"
  "  detail TEXT"
  ");"
  "CREATE INDEX journal_case ON journal (case_uuid, id);"
  "CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal"
  "  BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;"
  "CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal"
  "  BEGIN SELECT RAISE (ABORT, 'the journal is append-only'); END;"
  "PRAGMA application_id = 1396918348;";

/* Version 2: cases get a stable integer key (the search index's rowid) and
 * a display name column for the list; the FTS5 search index; indexes for
 * the list's order. Rows are copied over by migrate_v2() in C, which knows
 * what is searchable. */
static const char schema_v2_before[] =
  "CREATE TABLE cases_v2 ("
  "  id INTEGER PRIMARY KEY,"
  "  uuid TEXT NOT NULL UNIQUE,"
  "  type_code TEXT NOT NULL,"
  "  state TEXT NOT NULL,"
  "  created INTEGER NOT NULL,"
  "  modified INTEGER NOT NULL,"
  "  reference TEXT,"
  "  display_name TEXT,"
  "  data TEXT NOT NULL DEFAULT '{}' CHECK (json_valid (data))"
  ");"
  /* remove_diacritics 2 folds every accent: "muller" finds "Müller". */
  "CREATE VIRTUAL TABLE cases_fts USING fts5 ("
  "  text, tokenize = 'unicode61 remove_diacritics 2'"
  ");";

static const char schema_v2_after[] =
  "DROP TABLE cases;"
  "ALTER TABLE cases_v2 RENAME TO cases;"
  "CREATE INDEX cases_modified ON cases (modified DESC, uuid);"
  "CREATE INDEX cases_state_modified ON cases (state, modified DESC, uuid);";

/* Version 3: the documents of a case, per catalog slot (sch-store-pages.c).
 * Positions within a slot are 0 … n-1; ids are never reused, so undo can
 * re-create a deleted page under its old id. A PDF is one blob whose pages
 * name their index; images have no pdf_page. Width and height are pixels
 * for images, points for PDF pages. blob_size is kept per row for the
 * size limits without a stat() per file. */
static const char schema_v3[] =
  "CREATE TABLE pages ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  case_uuid TEXT NOT NULL REFERENCES cases (uuid) ON DELETE CASCADE,"
  "  slot_id TEXT NOT NULL CHECK (slot_id <> ''),"
  "  position INTEGER NOT NULL,"
  "  blob TEXT NOT NULL CHECK (length (blob) = 64 AND blob NOT GLOB '*[^0-9a-f]*'),"
  "  blob_size INTEGER NOT NULL CHECK (blob_size >= 0),"
  "  media_type TEXT NOT NULL"
  "    CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),"
  "  pdf_page INTEGER CHECK ((media_type = 'application/pdf') = (pdf_page IS NOT NULL)"
  "                          AND coalesce (pdf_page >= 0, 1)),"
  "  width REAL NOT NULL CHECK (width > 0),"
  "  height REAL NOT NULL CHECK (height > 0),"
  "  dpi INTEGER CHECK (dpi > 0),"
  "  rotation INTEGER NOT NULL DEFAULT 0 CHECK (rotation IN (0, 90, 180, 270)),"
  "  source TEXT NOT NULL CHECK (source IN ('scan', 'import')),"
  "  created INTEGER NOT NULL,"
  "  UNIQUE (case_uuid, slot_id, position)"
  ");"
  "CREATE INDEX pages_blob ON pages (blob);"
  "CREATE TABLE slots ("
  "  case_uuid TEXT NOT NULL REFERENCES cases (uuid) ON DELETE CASCADE,"
  "  slot_id TEXT NOT NULL CHECK (slot_id <> ''),"
  "  to_follow INTEGER NOT NULL DEFAULT 0 CHECK (to_follow IN (0, 1)),"
  "  note TEXT,"
  "  PRIMARY KEY (case_uuid, slot_id)"
  ") WITHOUT ROWID;";

G_STATIC_ASSERT (SCH_STORE_APPLICATION_ID == 1396918348);

typedef gboolean (*Migration) (SchStore *self, GError **error);

static gboolean migrate_v1 (SchStore *self, GError **error);
static gboolean migrate_v2 (SchStore *self, GError **error);
static gboolean migrate_v3 (SchStore *self, GError **error);

/* migrations[i] brings a database from version i to i + 1. */
static const Migration migrations[] = {
  migrate_v1,
  migrate_v2,
  migrate_v3,
  sch_outbox_migrate,   /* v4: outbox, status history, sync state */
  sch_outbox_migrate_indexes, /* v5: indexes for the calls due and the queued cases */
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCH_STORE_SCHEMA_VERSION);

static void
sch_store_finalize (GObject *object)
{
  SchStore *self = (SchStore *) object;

  g_clear_pointer (&self->statements, g_hash_table_unref);
  if (self->db != NULL && sqlite3_close (self->db) != SQLITE_OK)
    g_warning ("Closing the database failed: %s", sqlite3_errmsg (self->db));
  g_free (self->path);

  G_OBJECT_CLASS (sch_store_parent_class)->finalize (object);
}

static void
sch_store_class_init (SchStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_store_finalize;

  /**
   * SchStore::case-changed:
   * @uuid: the case's UUID
   *
   * A case was created, saved, changed state or was deleted.
   */
  signals[CASE_CHANGED] = g_signal_new ("case-changed",
                                        G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 1,
                                        G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * SchStore::outbox-changed:
   *
   * Calls for the migration office were queued, put back into the queue or
   * refused, or a batch's last call was done (sch-outbox.h): the set of
   * queued cases may have changed, and the sync engine counts it again.
   */
  signals[OUTBOX_CHANGED] = g_signal_new ("outbox-changed",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
statement_free (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
sch_store_init (SchStore *self)
{
  self->statements = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL, statement_free);
}

/* Errors */

static void
set_error (GError        **error,
           SchStoreError   code,
           const char     *path,
           const char     *detail)
{
  switch (code)
    {
    case SCH_STORE_ERROR_NEWER_SCHEMA:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("The database “%s” was made by a newer version of Schalter. "
                     "Install that version on this computer; the file was left unchanged."),
                   path);
      break;

    case SCH_STORE_ERROR_CORRUPT:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("The file “%s” is not a Schalter database or it is damaged. "
                     "It was left unchanged: ask your IT support to restore it from a backup."),
                   path);
      break;

    case SCH_STORE_ERROR_READ_ONLY:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("Schalter cannot write to the database “%s”: the file or its folder is read-only. "
                     "Ask your IT support to give your user account write access."),
                   path);
      break;

    case SCH_STORE_ERROR_DISK_FULL:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("Schalter could not write to the disk holding the database “%s”: it is full "
                     "or the space allowed for your account is used up, so the last change was not saved. "
                     "Free some space and try again; the data saved before is kept."),
                   path);
      break;

    case SCH_STORE_ERROR_BUSY:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("The database “%s” is in use by another Schalter window or user. "
                     "Close the other Schalter and try again."),
                   path);
      break;

    case SCH_STORE_ERROR_NOT_FOUND:
      g_set_error (error, SCH_STORE_ERROR, code,
                   _("The case %s is not in the database “%s”. It may have been deleted."),
                   detail, path);
      break;

    case SCH_STORE_ERROR_FAILED:
    default:
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("The database “%s” reported an error: %s."),
                   path, detail);
      break;
    }
}

static SchStoreError
error_code_for_errno (int errsv)
{
  switch (errsv)
    {
    case EACCES:
    case EPERM:
    case EROFS:
      return SCH_STORE_ERROR_READ_ONLY;
    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      return SCH_STORE_ERROR_DISK_FULL;
    default:
      return SCH_STORE_ERROR_FAILED;
    }
}

static SchStoreError
error_code_for_io (int rc,
                   int errsv)
{
  SchStoreError code = error_code_for_errno (errsv);

  if (code != SCH_STORE_ERROR_FAILED)
    return code;

  /* SQLite reports a full disk, a quota or the file size limit (EFBIG) as a
   * failed write and has often lost errno by then; a failed write is what
   * the clerk can do something about. */
  if ((rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_TRUNCATE || rc == SQLITE_IOERR_SHMSIZE) &&
      errsv == 0)
    return SCH_STORE_ERROR_DISK_FULL;

  return SCH_STORE_ERROR_FAILED;
}

static SchStoreError
error_code_for_sqlite (sqlite3 *db,
                       int      rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return SCH_STORE_ERROR_CORRUPT;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
      return SCH_STORE_ERROR_READ_ONLY;
    case SQLITE_FULL:
      return SCH_STORE_ERROR_DISK_FULL;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return SCH_STORE_ERROR_BUSY;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
      return error_code_for_io (rc, db != NULL ? sqlite3_system_errno (db) : 0);
    default:
      return SCH_STORE_ERROR_FAILED;
    }
}

/* Sets @error from the connection's last error and returns FALSE. */
gboolean
sch_sql_fail (SchStore  *self,
              int        rc,
              GError   **error)
{
  set_error (error, error_code_for_sqlite (self->db, rc), self->path,
             self->db != NULL ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
  return FALSE;
}

/* Statements */

static SchStmt *
store_statement (SchStore    *self,
                 const char  *sql,
                 GError     **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (self->statements, sql);
  int rc;

  if (stmt != NULL)
    return stmt;

  rc = sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      sch_sql_fail (self, rc, error);
      return NULL;
    }

  g_hash_table_insert (self->statements, (gpointer) sql, stmt);
  return stmt;
}

/* Runs a statement that returns no rows (or whose rows are not needed). */
static gboolean
stmt_run (SchStore  *self,
          SchStmt   *stmt,
          GError   **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    ;

  if (rc != SQLITE_DONE)
    return sch_sql_fail (self, rc, error);

  return TRUE;
}

static gboolean
store_run (SchStore    *self,
           const char  *sql,
           GError     **error)
{
  g_autoptr(SchStmt) stmt = store_statement (self, sql, error);

  return stmt != NULL && stmt_run (self, stmt, error);
}

/* Reads a single integer, as returned by a PRAGMA or count(). */
static gboolean
store_query_int64 (SchStore    *self,
                   const char  *sql,
                   gint64      *value,
                   GError     **error)
{
  g_autoptr(SchStmt) stmt = store_statement (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *value = sqlite3_column_int64 (stmt, 0);
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    {
      *value = 0;
      return TRUE;
    }

  return sch_sql_fail (self, rc, error);
}

static void
bind_text (SchStmt    *stmt,
           int         position,
           const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, position, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, position);
}

/* Transactions */

static gboolean
store_begin (SchStore  *self,
             GError   **error)
{
  /* IMMEDIATE takes the write lock now, so a busy database fails here
   * rather than halfway through. */
  return store_run (self, "BEGIN IMMEDIATE", error);
}

static void
store_rollback (SchStore *self)
{
  /* SQLite may already have rolled back by itself (e.g. disk full). */
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
store_commit (SchStore  *self,
              GError   **error)
{
  if (!store_run (self, "COMMIT", error))
    {
      store_rollback (self);
      return FALSE;
    }

  return TRUE;
}

/* Runs constant, multi-statement SQL (schema changes). */
static gboolean
store_exec_script (SchStore    *self,
                   const char  *sql,
                   GError     **error)
{
  int rc = sqlite3_exec (self->db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return sch_sql_fail (self, rc, error);

  return TRUE;
}

static gint64
store_next_modified (SchStore *self)
{
  self->last_modified = MAX (g_get_real_time (), self->last_modified + 1);

  return self->last_modified;
}

/* Opening */

static gboolean
ensure_folder (const char  *dir,
               const char  *path,
               GError     **error)
{
  if (g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      if (g_access (dir, W_OK | X_OK) != 0)
        {
          set_error (error, SCH_STORE_ERROR_READ_ONLY, path, NULL);
          return FALSE;
        }
      return TRUE;
    }

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int errsv = errno;

      set_error (error, error_code_for_errno (errsv), path, g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/* Personal data must not be readable by other users, also when the folder
 * or the file was made by hand, copied, or restored from a backup with
 * looser modes. Only what this user owns is changed; a shared folder (sticky,
 * like /tmp) or the home folder itself is left alone. */
static void
tighten_mode (const char *path,
              mode_t      mode)
{
  GStatBuf st;

  if (g_stat (path, &st) != 0 || st.st_uid != getuid () || (st.st_mode & S_ISVTX) != 0 ||
      (st.st_mode & 0777 & ~mode) == 0)
    return;
  if (S_ISDIR (st.st_mode) && g_strcmp0 (path, g_get_home_dir ()) == 0)
    return;
  if (g_chmod (path, st.st_mode & mode & 0777) != 0)
    g_warning ("Could not restrict the access to the database's files: %s", g_strerror (errno));
}

static void
tighten_modes (const char *dir,
               const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  tighten_mode (dir, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      tighten_mode (file, 0600);
    }
}

/* Creates the empty file with mode 0600 before SQLite opens it: SQLite gives
 * its -wal and -shm files the mode of the database file. */
static gboolean
create_file (const char  *path,
             GError     **error)
{
  int fd = g_open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0)
    {
      int errsv = errno;

      set_error (error, error_code_for_errno (errsv), path, g_strerror (errsv));
      return FALSE;
    }

  return g_close (fd, NULL);
}

static void
remove_files (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
}

static gboolean
store_connect (SchStore  *self,
               gboolean   create,
               GError   **error)
{
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  int rc;

  if (create)
    flags |= SQLITE_OPEN_CREATE;

  rc = sqlite3_open_v2 (self->path, &self->db, flags, NULL);
  if (rc != SQLITE_OK)
    return sch_sql_fail (self, rc, error);

  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, SCH_STORE_BUSY_TIMEOUT_MS);

  /* SQLite quietly falls back to read-only when it cannot write the file. */
  if (sqlite3_db_readonly (self->db, "main") == 1)
    {
      set_error (error, SCH_STORE_ERROR_READ_ONLY, self->path, NULL);
      return FALSE;
    }

  return TRUE;
}

/* Only reads: a file that is not ours or is too new stays untouched. */
static gboolean
store_check (SchStore  *self,
             GError   **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 n_objects = 0;
  g_autoptr(SchStmt) stmt = NULL;
  const char *result;
  int rc;

  if (!store_query_int64 (self, "PRAGMA user_version", &version, error) ||
      !store_query_int64 (self, "PRAGMA application_id", &application_id, error) ||
      !store_query_int64 (self, "SELECT count(*) FROM sqlite_schema", &n_objects, error))
    return FALSE;

  /* Another application's SQLite file. */
  if (application_id != SCH_STORE_APPLICATION_ID && application_id != 0)
    {
      set_error (error, SCH_STORE_ERROR_CORRUPT, self->path, NULL);
      return FALSE;
    }

  if (version > SCH_STORE_SCHEMA_VERSION)
    {
      g_debug ("Database schema %" G_GINT64_FORMAT " is newer than %d",
               version, SCH_STORE_SCHEMA_VERSION);
      set_error (error, SCH_STORE_ERROR_NEWER_SCHEMA, self->path, NULL);
      return FALSE;
    }

  /* Only an empty file may lack our mark. */
  if (application_id == 0 && (version != 0 || n_objects != 0))
    {
      set_error (error, SCH_STORE_ERROR_CORRUPT, self->path, NULL);
      return FALSE;
    }

  stmt = store_statement (self, "PRAGMA quick_check", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sch_sql_fail (self, rc, error);

  result = (const char *) sqlite3_column_text (stmt, 0);
  if (g_strcmp0 (result, "ok") != 0)
    {
      set_error (error, SCH_STORE_ERROR_CORRUPT, self->path, NULL);
      return FALSE;
    }

  self->schema_version = (int) version;
  return TRUE;
}

static gboolean
store_configure (SchStore  *self,
                 GError   **error)
{
  g_autoptr(SchStmt) stmt = NULL;
  int rc;

  /* Free pages go back in short steps (sch-retention.c), never in one long
   * VACUUM that holds the clerk's writes. Outside a transaction, this
   * takes effect when a new database gets its first table; an older one
   * changes over at its next VACUUM. */
  if (!store_run (self, "PRAGMA auto_vacuum = INCREMENTAL", error))
    return FALSE;

  stmt = store_statement (self, "PRAGMA journal_mode = WAL", error);
  if (stmt == NULL)
    return FALSE;

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sch_sql_fail (self, rc, error);

  if (g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0), "wal") != 0)
    {
      set_error (error, SCH_STORE_ERROR_FAILED, self->path,
                 _("the database cannot use write-ahead logging"));
      return FALSE;
    }

  /* FULL syncs every commit, WAL included: a state change that was
   * reported done survives a power cut. */
  /* 16 MiB of page cache keeps the list's indexes and the search index of
   * 100,000 cases in memory, where the default 2 MiB re-reads them. */
  /* secure_delete zeroes what is deleted or overwritten, so that old copies
   * of a person's data do not linger in free space after retention. */
  return store_run (self, "PRAGMA foreign_keys = ON", error) &&
         store_run (self, "PRAGMA synchronous = FULL", error) &&
         store_run (self, "PRAGMA secure_delete = ON", error) &&
         store_run (self, "PRAGMA cache_size = -16384", error);
}

static gboolean
migrate_v1 (SchStore  *self,
            GError   **error)
{
  return store_exec_script (self, schema_v1, error);
}

static gboolean
migrate_v2_copy_row (SchStore      *self,
                     sqlite3_stmt  *row,
                     GError       **error)
{
  g_autoptr(SchStmt) insert = NULL;
  g_autoptr(SchStmt) fts = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *search_text = NULL;
  const char *uuid = (const char *) sqlite3_column_text (row, 0);
  const char *type_code = (const char *) sqlite3_column_text (row, 1);
  const char *state_name = (const char *) sqlite3_column_text (row, 2);
  const char *reference = (const char *) sqlite3_column_text (row, 5);
  const char *data = (const char *) sqlite3_column_text (row, 6);
  SchCaseState state = SCH_CASE_STATE_DRAFT;

  sch_case_state_from_string (state_name, &state);
  kase = sch_case_new_full (uuid, type_code, state, 0, 0, reference, data, &local_error);
  if (kase != NULL)
    {
      display_name = sch_case_dup_display_name (kase);
      search_text = sch_case_dup_search_text (kase);
    }
  else
    {
      /* The row is kept as it is; it is only missing from the search. */
      g_warning ("Case %s has unreadable data and is not indexed", uuid);
    }

  insert = store_statement (self,
                            "INSERT INTO cases_v2 (uuid, type_code, state, created, modified,"
                            " reference, display_name, data)"
                            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                            error);
  if (insert == NULL)
    return FALSE;

  for (int i = 0; i < 6; i++)
    sqlite3_bind_value (insert, i + 1, sqlite3_column_value (row, i));
  bind_text (insert, 7, display_name);
  sqlite3_bind_value (insert, 8, sqlite3_column_value (row, 6));
  if (!stmt_run (self, insert, error))
    return FALSE;

  fts = store_statement (self, "INSERT INTO cases_fts (rowid, text) VALUES (?1, ?2)", error);
  if (fts == NULL)
    return FALSE;

  sqlite3_bind_int64 (fts, 1, sqlite3_last_insert_rowid (self->db));
  bind_text (fts, 2, search_text != NULL ? search_text : "");

  return stmt_run (self, fts, error);
}

static gboolean
migrate_v2 (SchStore  *self,
            GError   **error)
{
  sqlite3_stmt *rows = NULL;
  gboolean ok = TRUE;
  int rc;

  if (!store_exec_script (self, schema_v2_before, error))
    return FALSE;

  /* A one-off statement: the old table is gone afterwards. */
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT uuid, type_code, state, created, modified, reference, data"
                           " FROM cases ORDER BY modified, uuid",
                           -1, &rows, NULL);
  if (rc != SQLITE_OK)
    return sch_sql_fail (self, rc, error);

  while (ok && (rc = sqlite3_step (rows)) == SQLITE_ROW)
    ok = migrate_v2_copy_row (self, rows, error);

  if (ok && rc != SQLITE_DONE)
    ok = sch_sql_fail (self, rc, error);

  sqlite3_finalize (rows);

  return ok && store_exec_script (self, schema_v2_after, error);
}

static gboolean
migrate_v3 (SchStore  *self,
            GError   **error)
{
  return store_exec_script (self, schema_v3, error);
}

static gboolean
store_migrate (SchStore  *self,
               GError   **error)
{
  while (self->schema_version < SCH_STORE_SCHEMA_VERSION)
    {
      int next = self->schema_version + 1;
      g_autofree char *set_version = NULL;

      g_debug ("Migrating the database to schema %d", next);

      if (!store_begin (self, error))
        return FALSE;

      /* PRAGMA takes no parameters; the number is ours, not user text. */
      set_version = g_strdup_printf ("PRAGMA user_version = %d", next);

      if (!migrations[self->schema_version] (self, error) ||
          !store_exec_script (self, set_version, error) ||
          !store_commit (self, error))
        {
          store_rollback (self);
          return FALSE;
        }

      self->schema_version = next;
    }

  return TRUE;
}

char *
sch_store_default_path (void)
{
  const char *override = g_getenv ("SCHALTER_DB");

  if (override != NULL && *override != '\0')
    return g_strdup (override);

  return g_build_filename (g_get_user_data_dir (), "schalter", "schalter.db", NULL);
}

SchStore *
sch_store_open (const char  *path,
                GError     **error)
{
  g_autoptr(SchStore) self = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(GError) sweep_error = NULL;
  gboolean create;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_path_get_dirname (path);
  if (!ensure_folder (dir, path, error))
    return NULL;

  create = !g_file_test (path, G_FILE_TEST_EXISTS);
  if (create)
    {
      if (!create_file (path, error))
        return NULL;
    }
  else if (g_access (path, R_OK | W_OK) != 0)
    {
      set_error (error, SCH_STORE_ERROR_READ_ONLY, path, NULL);
      return NULL;
    }
  tighten_modes (dir, path);

  self = g_object_new (SCH_TYPE_STORE, NULL);
  self->path = g_strdup (path);

  if (!store_connect (self, create, error) ||
      !store_check (self, error) ||
      !store_configure (self, error) ||
      !store_migrate (self, error) ||
      !store_query_int64 (self, "SELECT max(modified) FROM cases", &self->last_modified, error))
    {
      if (create)
        {
          /* Only what this call made is removed: it holds no data yet. */
          g_clear_pointer (&self->statements, g_hash_table_unref);
          sqlite3_close (g_steal_pointer (&self->db));
          remove_files (path);
        }
      return NULL;
    }

  g_debug ("Opened the database, schema %d", self->schema_version);

  /* Page files no row names: a crash between writing a file and committing
   * its page, or a deleted draft. Cleaning up must not keep the clerk out. */
  if (!sch_store_sweep_blobs (self, NULL, &sweep_error))
    g_warning ("Removing unused document files failed: %s", sweep_error->message);

  return g_steal_pointer (&self);
}

const char *
sch_store_get_path (SchStore *self)
{
  g_return_val_if_fail (SCH_IS_STORE (self), NULL);

  return self->path;
}

int
sch_store_get_schema_version (SchStore *self)
{
  g_return_val_if_fail (SCH_IS_STORE (self), 0);

  return self->schema_version;
}

struct sqlite3 *
sch_store_get_db (SchStore *self)
{
  g_return_val_if_fail (SCH_IS_STORE (self), NULL);

  return self->db;
}

/* Journal */

static gboolean
journal_insert (SchStore    *self,
                const char  *case_uuid,
                const char  *action,
                const char  *detail,
                GError     **error)
{
  g_autoptr(SchStmt) stmt = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *at = g_date_time_format_iso8601 (now);

  stmt = store_statement (self,
                          "INSERT INTO journal (at, user, case_uuid, action, detail)"
                          " VALUES (?1, ?2, ?3, ?4, ?5)",
                          error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, at);
  bind_text (stmt, 2, g_get_user_name ());
  bind_text (stmt, 3, case_uuid);
  bind_text (stmt, 4, action);
  bind_text (stmt, 5, detail);

  return stmt_run (self, stmt, error);
}

/* Whether the case's newest journal line already says that this user edited
 * it within the last EDIT_JOURNAL_MINUTES: edits are saved every second, the
 * journal should say who worked on a case, not every keystroke. */
static gboolean
journal_has_recent_edit (SchStore    *self,
                         const char  *case_uuid,
                         gboolean    *recent,
                         GError     **error)
{
  g_autoptr(SchStmt) stmt = NULL;
  int rc;

  *recent = FALSE;
  stmt = store_statement (self,
                          "SELECT at, user, action FROM journal"
                          " WHERE case_uuid = ?1 ORDER BY id DESC LIMIT 1",
                          error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, case_uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 2), "edited") == 0 &&
      g_strcmp0 ((const char *) sqlite3_column_text (stmt, 1), g_get_user_name ()) == 0)
    {
      g_autoptr(GDateTime) at = g_date_time_new_from_iso8601 ((const char *) sqlite3_column_text (stmt, 0), NULL);
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

      *recent = at != NULL && g_date_time_difference (now, at) < EDIT_JOURNAL_MINUTES * G_TIME_SPAN_MINUTE;
      rc = sqlite3_step (stmt);
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sch_sql_fail (self, rc, error);
  return TRUE;
}

static gboolean
journal_note_edit (SchStore    *self,
                   SchCase     *kase,
                   GError     **error)
{
  gboolean recent;

  /* Only the clerk edits drafts; later saves record what the office sent. */
  if (sch_case_get_state (kase) != SCH_CASE_STATE_DRAFT)
    return TRUE;
  if (!journal_has_recent_edit (self, sch_case_get_uuid (kase), &recent, error))
    return FALSE;

  return recent || journal_insert (self, sch_case_get_uuid (kase), "edited", NULL, error);
}

gboolean
sch_store_journal_add (SchStore    *self,
                       const char  *case_uuid,
                       const char  *action,
                       const char  *detail,
                       GError     **error)
{
  g_return_val_if_fail (SCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return journal_insert (self, case_uuid, action, detail, error);
}

GPtrArray *
sch_store_journal_list (SchStore    *self,
                        const char  *case_uuid,
                        GError     **error)
{
  g_autoptr(SchStmt) stmt = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (self), NULL);
  g_return_val_if_fail (case_uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = store_statement (self,
                          "SELECT at, user, action, detail FROM journal"
                          " WHERE case_uuid = ?1 ORDER BY id DESC",
                          error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, case_uuid);
  lines = g_ptr_array_new_with_free_func (g_free);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *detail = (const char *) sqlite3_column_text (stmt, 3);

      g_ptr_array_add (lines, g_strdup_printf ("%s\t%s\t%s\t%s",
                                               sqlite3_column_text (stmt, 0),
                                               sqlite3_column_text (stmt, 1),
                                               sqlite3_column_text (stmt, 2),
                                               detail != NULL ? detail : ""));
    }

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (self, rc, error);
      return NULL;
    }

  return g_steal_pointer (&lines);
}

/* Cases */

SchCase *
sch_store_create_case (SchStore    *self,
                       const char  *type_code,
                       GError     **error)
{
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchStmt) insert = NULL;
  g_autoptr(SchStmt) fts = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  gint64 now;

  g_return_val_if_fail (SCH_IS_STORE (self), NULL);
  g_return_val_if_fail (type_code != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  now = store_next_modified (self);
  kase = sch_case_new_full (uuid, type_code, SCH_CASE_STATE_DRAFT, now, now, NULL, NULL, error);
  if (kase == NULL)
    return NULL;

  if (!store_begin (self, error))
    return NULL;

  insert = store_statement (self,
                            "INSERT INTO cases (uuid, type_code, state, created, modified, data)"
                            " VALUES (?1, ?2, ?3, ?4, ?4, '{}')",
                            error);
  if (insert == NULL)
    goto fail;

  bind_text (insert, 1, uuid);
  bind_text (insert, 2, type_code);
  bind_text (insert, 3, sch_case_state_to_string (SCH_CASE_STATE_DRAFT));
  sqlite3_bind_int64 (insert, 4, now);
  if (!stmt_run (self, insert, error))
    goto fail;

  fts = store_statement (self, "INSERT INTO cases_fts (rowid, text) VALUES (?1, '')", error);
  if (fts == NULL)
    goto fail;

  sqlite3_bind_int64 (fts, 1, sqlite3_last_insert_rowid (self->db));
  if (!stmt_run (self, fts, error) ||
      !journal_insert (self, uuid, "created", type_code, error) ||
      !store_commit (self, error))
    goto fail;

  sch_case_mark_saved (kase);
  g_signal_emit (self, signals[CASE_CHANGED], 0, uuid);

  return g_steal_pointer (&kase);

fail:
  store_rollback (self);
  return NULL;
}

SchCase *
sch_store_load_case (SchStore    *self,
                     const char  *uuid,
                     GError     **error)
{
  g_autoptr(SchStmt) stmt = NULL;
  const char *state_name;
  SchCaseState state;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (self), NULL);
  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = store_statement (self,
                          "SELECT type_code, state, created, modified, reference, data"
                          " FROM cases WHERE uuid = ?1",
                          error);
  if (stmt == NULL)
    return NULL;

  bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      set_error (error, SCH_STORE_ERROR_NOT_FOUND, self->path, uuid);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sch_sql_fail (self, rc, error);
      return NULL;
    }

  state_name = (const char *) sqlite3_column_text (stmt, 1);
  if (!sch_case_state_from_string (state_name, &state))
    {
      set_error (error, SCH_STORE_ERROR_FAILED, self->path,
                 _("a case has a state this version of Schalter does not know"));
      return NULL;
    }

  return sch_case_new_full (uuid,
                            (const char *) sqlite3_column_text (stmt, 0),
                            state,
                            sqlite3_column_int64 (stmt, 2),
                            sqlite3_column_int64 (stmt, 3),
                            (const char *) sqlite3_column_text (stmt, 4),
                            (const char *) sqlite3_column_text (stmt, 5),
                            error);
}

/* Writes data, reference, display name and search text of @kase, inside a
 * transaction the caller holds. */
static gboolean
write_case (SchStore  *self,
            SchCase   *kase,
            gint64     modified,
            GError   **error)
{
  g_autoptr(SchStmt) update = NULL;
  g_autoptr(SchStmt) fts = NULL;
  g_autofree char *display_name = sch_case_dup_display_name (kase);
  g_autofree char *search_text = sch_case_dup_search_text (kase);
  g_autofree char *data = sch_case_dup_data_json (kase);
  gint64 id;
  int rc;

  update = store_statement (self,
                            "UPDATE cases SET modified = ?1, reference = ?2, display_name = ?3, data = ?4"
                            " WHERE uuid = ?5 RETURNING id",
                            error);
  if (update == NULL)
    return FALSE;

  sqlite3_bind_int64 (update, 1, modified);
  bind_text (update, 2, sch_case_get_reference (kase));
  bind_text (update, 3, display_name);
  bind_text (update, 4, data);
  bind_text (update, 5, sch_case_get_uuid (kase));

  rc = sqlite3_step (update);
  if (rc == SQLITE_DONE)
    {
      set_error (error, SCH_STORE_ERROR_NOT_FOUND, self->path, sch_case_get_uuid (kase));
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return sch_sql_fail (self, rc, error);

  id = sqlite3_column_int64 (update, 0);
  if (!stmt_run (self, update, error))
    return FALSE;

  fts = store_statement (self, "UPDATE cases_fts SET text = ?1 WHERE rowid = ?2", error);
  if (fts == NULL)
    return FALSE;

  bind_text (fts, 1, search_text);
  sqlite3_bind_int64 (fts, 2, id);

  return stmt_run (self, fts, error);
}

gboolean
sch_store_save_case (SchStore  *self,
                     SchCase   *kase,
                     GError   **error)
{
  gint64 modified;

  g_return_val_if_fail (SCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!sch_case_is_dirty (kase))
    return TRUE;

  modified = store_next_modified (self);

  if (!store_begin (self, error))
    return FALSE;

  if (!write_case (self, kase, modified, error) ||
      !journal_note_edit (self, kase, error) ||
      !store_commit (self, error))
    {
      store_rollback (self);
      return FALSE;
    }

  sch_case_set_modified (kase, modified);
  sch_case_mark_saved (kase);
  g_signal_emit (self, signals[CASE_CHANGED], 0, sch_case_get_uuid (kase));

  return TRUE;
}

gboolean
sch_store_set_state (SchStore      *self,
                     SchCase       *kase,
                     SchCaseState   state,
                     GError       **error)
{
  g_autoptr(SchStmt) update = NULL;
  g_autofree char *detail = NULL;
  SchCaseState old_state;
  gboolean dirty;
  gint64 modified;

  g_return_val_if_fail (SCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (state < SCH_N_CASE_STATES, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  old_state = sch_case_get_state (kase);
  if (old_state == state)
    return sch_store_save_case (self, kase, error);

  dirty = sch_case_is_dirty (kase);
  modified = store_next_modified (self);
  detail = g_strdup_printf ("%s -> %s",
                            sch_case_state_to_string (old_state),
                            sch_case_state_to_string (state));

  if (!store_begin (self, error))
    return FALSE;

  /* Unsaved edits go into the same transaction as the state they led to. */
  if (dirty && (!write_case (self, kase, modified, error) || !journal_note_edit (self, kase, error)))
    goto fail;

  update = store_statement (self, "UPDATE cases SET state = ?1, modified = ?2 WHERE uuid = ?3", error);
  if (update == NULL)
    goto fail;

  bind_text (update, 1, sch_case_state_to_string (state));
  sqlite3_bind_int64 (update, 2, modified);
  bind_text (update, 3, sch_case_get_uuid (kase));
  if (!stmt_run (self, update, error))
    goto fail;

  if (sqlite3_changes (self->db) == 0)
    {
      set_error (error, SCH_STORE_ERROR_NOT_FOUND, self->path, sch_case_get_uuid (kase));
      goto fail;
    }

  if (!journal_insert (self, sch_case_get_uuid (kase), "state", detail, error) ||
      !store_commit (self, error))
    goto fail;

  sch_case_set_state (kase, state);
  sch_case_set_modified (kase, modified);
  sch_case_mark_saved (kase);
  g_signal_emit (self, signals[CASE_CHANGED], 0, sch_case_get_uuid (kase));

  return TRUE;

fail:
  store_rollback (self);
  return FALSE;
}

gboolean
sch_store_delete_draft (SchStore  *self,
                        SchCase   *kase,
                        GError   **error)
{
  g_autoptr(SchStmt) del = NULL;
  g_autoptr(SchStmt) unindex = NULL;
  const char *uuid;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (self), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = sch_case_get_uuid (kase);

  if (!store_begin (self, error))
    return FALSE;

  /* The state in the database decides, not the one in memory. */
  del = store_statement (self, "DELETE FROM cases WHERE uuid = ?1 AND state = 'draft' RETURNING id",
                            error);
  if (del == NULL)
    goto fail;

  bind_text (del, 1, uuid);
  rc = sqlite3_step (del);
  if (rc == SQLITE_DONE)
    {
      g_autoptr(SchCase) stored = sch_store_load_case (self, uuid, error);

      if (stored != NULL)
        g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                     _("The case %s is no longer a draft (it is “%s”), so it cannot be deleted."),
                     uuid, sch_case_state_get_label (sch_case_get_state (stored)));
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      sch_sql_fail (self, rc, error);
      goto fail;
    }

  unindex = store_statement (self, "DELETE FROM cases_fts WHERE rowid = ?1", error);
  if (unindex == NULL)
    goto fail;

  sqlite3_bind_int64 (unindex, 1, sqlite3_column_int64 (del, 0));
  if (!stmt_run (self, del, error) ||
      !stmt_run (self, unindex, error) ||
      !journal_insert (self, uuid, "deleted", sch_case_get_type_code (kase), error) ||
      !store_commit (self, error))
    goto fail;

  g_signal_emit (self, signals[CASE_CHANGED], 0, uuid);

  return TRUE;

fail:
  store_rollback (self);
  return FALSE;
}
