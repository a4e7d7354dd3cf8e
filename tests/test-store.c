#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sch-case-list.h"
#include "sch-store.h"

/* The user the read-only test drops to when it runs as root. */
#define NOBODY_ID 65534

/* Helpers */

static void
remove_tree (const char *path)
{
  GDir *dir;

  /* Tests leave folders read-only; make them removable again. */
  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sch-test-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

static void
write_file (const char *path,
            const void *data,
            gsize       length)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static void
raw_exec (sqlite3    *db,
          const char *sql)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    g_error ("SQL failed: %s", message);
}

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

  g_assert_cmpint (rc, ==, SQLITE_OK);
  return db;
}

static char *
raw_query_text (sqlite3    *db,
                const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *result = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    result = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return result;
}

static void
assert_integrity_ok (const char *path)
{
  sqlite3 *db = raw_open (path);
  g_autofree char *result = raw_query_text (db, "PRAGMA integrity_check");

  g_assert_cmpstr (result, ==, "ok");
  sqlite3_close (db);
}

static SchStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SchStore *store = sch_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
set_and_save (SchStore   *store,
              SchCase    *kase,
              const char *group,
              const char *field,
              const char *value)
{
  g_autoptr(GError) error = NULL;

  sch_case_set_value (kase, group, 0, field, value);
  sch_store_save_case (store, kase, &error);
  g_assert_no_error (error);
}

static void
assert_error_names_path (GError     *error,
                         const char *path)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, path));
}

/* Values as a clerk would type them, from all over the world. */
static const struct {
  const char *group;
  const char *field;
  const char *value;
} sample_values[] = {
  { "person", "official_name", "Nguyễn-Müller" },
  { "person", "first_names", "Zoë Ólafsdóttir" },
  { "person", "call_name", "Ζωή" },
  { "person", "original_name", "Ковальчук" },
  { "person", "ahv", "756.1234.5678.97" },
  { "person", "zemis", "12345678.9" },
  { "person", "email", "zoe@example.org" },
  { "address", "street", "Rue de l'Hôpital \"Bâtiment B\"" },
  { "address", "town", "St. Gallen" },
  { "employer", "name", "李记餐馆 GmbH 🍜" },
};

/* Opening and saving */

static void
test_store_create_reopen (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "a", "b", "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) loaded = NULL;
  g_autoptr(SchCase) missing = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *json = NULL;
  g_autofree char *loaded_json = NULL;
  SchStore *store;
  SchCase *kase;
  gint64 modified;

  store = open_store (path);
  g_assert_cmpstr (sch_store_get_path (store), ==, path);
  g_assert_cmpint (sch_store_get_schema_version (store), ==, SCH_STORE_SCHEMA_VERSION);

  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  g_assert_false (sch_case_is_dirty (kase));
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_DRAFT);
  uuid = g_strdup (sch_case_get_uuid (kase));

  for (guint i = 0; i < G_N_ELEMENTS (sample_values); i++)
    sch_case_set_value (kase, sample_values[i].group, 0, sample_values[i].field, sample_values[i].value);
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 0, "official_name", "Nguyễn");
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 1, "first_names", "Mu\xcc\x88ller");
  sch_case_set_reference (kase, "SG-2026-0001");
  modified = sch_case_get_modified (kase);

  sch_store_save_case (store, kase, &error);
  g_assert_no_error (error);
  g_assert_false (sch_case_is_dirty (kase));
  g_assert_cmpint (sch_case_get_modified (kase), >, modified);
  modified = sch_case_get_modified (kase);

  /* Nothing to save: nothing changes. */
  sch_store_save_case (store, kase, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_case_get_modified (kase), ==, modified);

  json = sch_case_dup_data_json (kase);
  g_object_unref (kase);
  g_assert_finalize_object (store);

  store = open_store (path);
  loaded = sch_store_load_case (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  for (guint i = 0; i < G_N_ELEMENTS (sample_values); i++)
    g_assert_cmpstr (sch_case_get_value (loaded, sample_values[i].group, 0, sample_values[i].field),
                     ==, sample_values[i].value);
  g_assert_cmpuint (sch_case_get_n_items (loaded, "family"), ==, 2);
  g_assert_cmpstr (sch_case_get_value (loaded, "family", 0, "official_name"), ==, "Nguyễn");
  /* Byte for byte: not even normalised. */
  g_assert_cmpstr (sch_case_get_value (loaded, "family", 1, "first_names"), ==, "Mu\xcc\x88ller");
  g_assert_cmpstr (sch_case_get_reference (loaded), ==, "SG-2026-0001");
  g_assert_cmpstr (sch_case_get_type_code (loaded), ==, "B-EMPLOYED");
  g_assert_cmpint (sch_case_get_modified (loaded), ==, modified);
  g_assert_false (sch_case_is_dirty (loaded));
  loaded_json = sch_case_dup_data_json (loaded);
  g_assert_cmpstr (loaded_json, ==, json);

  missing = sch_store_load_case (store, "00000000-0000-4000-8000-000000000000", &error);
  g_assert_null (missing);
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);

  g_assert_finalize_object (store);
  remove_tree (dir);
}

static void
test_store_modified_increases (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  gint64 last = sch_case_get_modified (kase);

  g_assert_no_error (error);

  /* Faster than the clock ticks: the order must still be strict. */
  for (guint i = 0; i < 50; i++)
    {
      g_autofree char *value = g_strdup_printf ("%u", i);

      set_and_save (store, kase, "person", "official_name", value);
      g_assert_cmpint (sch_case_get_modified (kase), >, last);
      last = sch_case_get_modified (kase);
    }

  g_clear_object (&store);
  remove_tree (dir);
}

static void
record_uuid (SchStore   *store,
             const char *uuid,
             GPtrArray  *seen)
{
  g_ptr_array_add (seen, g_strdup (uuid));
}

static void
test_store_case_changed (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = open_store (path);
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;

  g_signal_connect (store, "case-changed", G_CALLBACK (record_uuid), seen);

  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (seen, 0), ==, sch_case_get_uuid (kase));

  set_and_save (store, kase, "person", "official_name", "Rossi");
  g_assert_cmpuint (seen->len, ==, 2);

  sch_store_delete_draft (store, kase, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (seen->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (seen, 2), ==, sch_case_get_uuid (kase));

  g_clear_object (&store);
  remove_tree (dir);
}

/* States and journal */

static void
assert_journal_line (const char *line,
                     const char *action,
                     const char *detail)
{
  g_auto(GStrv) parts = g_strsplit (line, "\t", -1);
  g_autoptr(GDateTime) at = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  g_assert_cmpuint (g_strv_length (parts), ==, 4);
  at = g_date_time_new_from_iso8601 (parts[0], NULL);
  g_assert_nonnull (at);
  g_assert_true (g_str_has_suffix (parts[0], "Z"));
  g_assert_cmpint (g_date_time_difference (now, at), <, 60 * G_USEC_PER_SEC);
  g_assert_cmpstr (parts[1], ==, g_get_user_name ());
  g_assert_cmpstr (parts[2], ==, action);
  g_assert_cmpstr (parts[3], ==, detail);
}

static void
test_store_states_journal (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchCase) draft = NULL;
  g_autoptr(SchCase) loaded = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *count_before = NULL;
  g_autofree char *count_after = NULL;
  g_autofree char *action_after = NULL;
  SchStore *store;
  sqlite3 *db;

  store = open_store (path);
  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);

  /* Unsaved edits are stored together with the new state. */
  sch_case_set_value (kase, "person", 0, "official_name", "Rossi");
  sch_store_set_state (store, kase, SCH_CASE_STATE_COMPLETE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_COMPLETE);
  g_assert_false (sch_case_is_dirty (kase));

  sch_store_set_state (store, kase, SCH_CASE_STATE_AWAITING_SIGNATURE, &error);
  g_assert_no_error (error);

  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 4);
  assert_journal_line (g_ptr_array_index (lines, 0), "state", "complete -> awaiting-signature");
  assert_journal_line (g_ptr_array_index (lines, 1), "state", "draft -> complete");
  assert_journal_line (g_ptr_array_index (lines, 2), "edited", "");
  assert_journal_line (g_ptr_array_index (lines, 3), "created", "B-EMPLOYED");
  g_clear_pointer (&lines, g_ptr_array_unref);

  sch_store_journal_add (store, sch_case_get_uuid (kase), "printed", "form", &error);
  g_assert_no_error (error);

  /* Only drafts can be deleted. */
  g_assert_false (sch_store_delete_draft (store, kase, &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  draft = sch_store_create_case (store, "C-PERMIT", &error);
  g_assert_no_error (error);
  g_assert_true (sch_store_delete_draft (store, draft, &error));
  g_assert_no_error (error);
  g_assert_null (sch_store_load_case (store, sch_case_get_uuid (draft), &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  lines = sch_store_journal_list (store, sch_case_get_uuid (draft), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 2);
  assert_journal_line (g_ptr_array_index (lines, 0), "deleted", "C-PERMIT");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* The journal cannot be altered, not even with raw SQL. */
  db = sch_store_get_db (store);
  count_before = raw_query_text (db, "SELECT count(*) FROM journal");
  g_assert_cmpint (sqlite3_exec (db, "UPDATE journal SET action = 'forged'", NULL, NULL, NULL), !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM journal", NULL, NULL, NULL), !=, SQLITE_OK);
  count_after = raw_query_text (db, "SELECT count(*) FROM journal");
  g_assert_cmpstr (count_after, ==, count_before);
  action_after = raw_query_text (db, "SELECT action FROM journal WHERE action = 'forged'");
  g_assert_null (action_after);

  g_assert_finalize_object (store);

  store = open_store (path);
  loaded = sch_store_load_case (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_case_get_state (loaded), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  g_assert_cmpstr (sch_case_get_value (loaded, "person", 0, "official_name"), ==, "Rossi");
  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 5);
  assert_journal_line (g_ptr_array_index (lines, 0), "printed", "form");

  g_assert_finalize_object (store);
  remove_tree (dir);
}

/* Who worked on a draft is journaled once per sitting, not per autosave. */
static void
test_store_edit_journal (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  SchStore *store = open_store (path);
  const char *names[] = { "R", "Ro", "Ros", "Ross", "Rossi" };

  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    set_and_save (store, kase, "person", "official_name", names[i]);

  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 2);
  assert_journal_line (g_ptr_array_index (lines, 0), "edited", "");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* After another entry, the next edit is journaled again. */
  g_assert_true (sch_store_journal_add (store, sch_case_get_uuid (kase), "printed", "form", &error));
  set_and_save (store, kase, "person", "first_names", "Giulia");
  set_and_save (store, kase, "person", "first_names", "Giulia Maria");
  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 4);
  assert_journal_line (g_ptr_array_index (lines, 0), "edited", "");
  assert_journal_line (g_ptr_array_index (lines, 1), "printed", "form");
  g_clear_pointer (&lines, g_ptr_array_unref);

  /* Saves of a case that is no longer a draft (the office's reference) are
   * not the clerk's edits. */
  g_assert_true (sch_store_set_state (store, kase, SCH_CASE_STATE_COMPLETE, &error));
  set_and_save (store, kase, "person", "first_names", "Giulia");
  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 5);
  assert_journal_line (g_ptr_array_index (lines, 0), "state", "draft -> complete");

  g_assert_finalize_object (store);
  remove_tree (dir);
}

/* Migration */

/* The schema exactly as version 1 of the store wrote it. */
static const char v1_schema[] =
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
  "PRAGMA application_id = 1396918348;"
  "PRAGMA user_version = 1;";

static const char v1_rows[] =
  "INSERT INTO cases VALUES ('6f1c4d2a-8b9e-4c3d-a1b2-c3d4e5f60718', 'B-EMPLOYED', 'complete',"
  "  1700000000000000, 1700000100000000, NULL,"
  "  '{\"person\":{\"official_name\":\"Müller\",\"first_names\":\"Anna\","
  "\"ahv\":\"756.1234.5678.97\"},\"family\":[{\"first_names\":\"Jonas\"}]}');"
  "INSERT INTO cases VALUES ('0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d', 'C-PERMIT', 'submitted',"
  "  1700000000000000, 1700000200000000, 'SG-2023-0042',"
  "  '{\"person\":{\"official_name\":\"Rossi\",\"first_names\":\"Luca\"}}');"
  "INSERT INTO journal (at, user, case_uuid, action, detail) VALUES"
  "  ('2023-11-14T22:13:20Z', 'clerk', '6f1c4d2a-8b9e-4c3d-a1b2-c3d4e5f60718', 'created', 'B-EMPLOYED');";

static guint
count_search (SchStore   *store,
              const char *text)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (store);

  sch_case_list_set_search (list, text);
  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static void
test_store_migration_v1 (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchCase) other = NULL;
  g_autoptr(SchCase) again = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(SchCaseList) list = NULL;
  g_autoptr(SchCaseSummary) first = NULL;
  g_autofree char *version = NULL;
  SchStore *store;
  sqlite3 *db;

  db = raw_open (path);
  raw_exec (db, v1_schema);
  raw_exec (db, v1_rows);
  sqlite3_close (db);

  store = open_store (path);
  g_assert_cmpint (sch_store_get_schema_version (store), ==, SCH_STORE_SCHEMA_VERSION);
  version = raw_query_text (sch_store_get_db (store), "PRAGMA user_version");
  g_assert_cmpint (atoi (version), ==, SCH_STORE_SCHEMA_VERSION);

  kase = sch_store_load_case (store, "6f1c4d2a-8b9e-4c3d-a1b2-c3d4e5f60718", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "official_name"), ==, "Müller");
  g_assert_cmpstr (sch_case_get_value (kase, "family", 0, "first_names"), ==, "Jonas");
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_COMPLETE);
  g_assert_cmpint (sch_case_get_created (kase), ==, 1700000000000000);
  g_assert_cmpint (sch_case_get_modified (kase), ==, 1700000100000000);

  other = sch_store_load_case (store, "0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_reference (other), ==, "SG-2023-0042");
  g_assert_cmpint (sch_case_get_state (other), ==, SCH_CASE_STATE_SUBMITTED);

  /* The old rows are in the new search index and list. */
  g_assert_cmpuint (count_search (store, "muller"), ==, 1);
  g_assert_cmpuint (count_search (store, "7561234567897"), ==, 1);
  g_assert_cmpuint (count_search (store, "jonas"), ==, 1);
  g_assert_cmpuint (count_search (store, "SG-2023-0042"), ==, 1);
  g_assert_cmpuint (count_search (store, "Rossi Luca"), ==, 1);
  list = sch_case_list_new (store);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 2);
  first = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (sch_case_summary_get_display_name (first), ==, "Rossi, Luca");

  lines = sch_store_journal_list (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (lines->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (lines, 0), ==, "2023-11-14T22:13:20Z\tclerk\tcreated\tB-EMPLOYED");

  /* The migrated case can be changed and is found by its new name. */
  set_and_save (store, kase, "person", "official_name", "Keller");
  g_assert_cmpuint (count_search (store, "muller"), ==, 0);
  g_assert_cmpuint (count_search (store, "keller"), ==, 1);

  g_clear_object (&list);
  g_clear_object (&first);
  g_assert_finalize_object (store);

  /* Opening again migrates nothing and keeps everything. */
  store = open_store (path);
  again = sch_store_load_case (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (again, "person", 0, "official_name"), ==, "Keller");
  g_assert_cmpuint (count_search (store, "keller"), ==, 1);
  g_assert_finalize_object (store);
  assert_integrity_ok (path);

  remove_tree (dir);
}

/* Files that must be left alone */

static void
assert_open_fails_untouched (const char *path,
                             int         code)
{
  g_autoptr(GBytes) before = read_file (path);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = NULL;
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);

  store = sch_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, SCH_STORE_ERROR, code);
  assert_error_names_path (error, path);

  after = read_file (path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
}

static void
test_store_newer_schema (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.db", NULL);
  g_autoptr(GError) error = NULL;
  SchStore *store;
  sqlite3 *db;

  /* A database the current version made, then "upgraded" by a future one. */
  store = open_store (path);
  g_object_unref (sch_store_create_case (store, "B-EMPLOYED", &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);

  db = raw_open (path);
  raw_exec (db, "PRAGMA journal_mode = DELETE; CREATE TABLE future (x); PRAGMA user_version = 99;");
  sqlite3_close (db);

  assert_open_fails_untouched (path, SCH_STORE_ERROR_NEWER_SCHEMA);

  /* Also without our mark. */
  db = raw_open (empty);
  raw_exec (db, "PRAGMA user_version = 99;");
  sqlite3_close (db);
  assert_open_fails_untouched (empty, SCH_STORE_ERROR_NEWER_SCHEMA);

  remove_tree (dir);
}

static void
test_store_corrupt (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *garbage = g_build_filename (dir, "garbage.db", NULL);
  g_autofree char *text = g_build_filename (dir, "text.db", NULL);
  g_autofree char *foreign = g_build_filename (dir, "foreign.db", NULL);
  g_autofree char *damaged = g_build_filename (dir, "damaged.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree guint8 *data = NULL;
  gsize length;
  SchStore *store;
  sqlite3 *db;
  GRand *rand = g_rand_new_with_seed (42);

  data = g_malloc (16384);
  for (guint i = 0; i < 16384; i++)
    data[i] = g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  write_file (garbage, data, 16384);
  assert_open_fails_untouched (garbage, SCH_STORE_ERROR_CORRUPT);

  write_file (text, "Dear clerk, this is a letter, not a database.\n", 46);
  assert_open_fails_untouched (text, SCH_STORE_ERROR_CORRUPT);

  /* Another program's SQLite database. */
  db = raw_open (foreign);
  raw_exec (db, "CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('x');");
  sqlite3_close (db);
  assert_open_fails_untouched (foreign, SCH_STORE_ERROR_CORRUPT);

  /* Ours, with a damaged page in the middle: found by the check at open. */
  store = open_store (damaged);
  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(SchCase) kase = sch_store_create_case (store, "B-EMPLOYED", &error);

      g_assert_no_error (error);
      set_and_save (store, kase, "person", "official_name", "Meier-Schmidt von Allmen");
    }
  g_assert_finalize_object (store);

  bytes = read_file (damaged);
  length = g_bytes_get_size (bytes);
  g_assert_cmpuint (length, >, 8 * 4096);
  g_clear_pointer (&data, g_free);
  data = g_memdup2 (g_bytes_get_data (bytes, NULL), length);
  for (gsize i = 3 * 4096 + 8; i < 6 * 4096; i++)
    data[i] = 0xa5;
  write_file (damaged, data, length);
  assert_open_fails_untouched (damaged, SCH_STORE_ERROR_CORRUPT);

  remove_tree (dir);
}

static void
test_store_busy (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = open_store (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  sqlite3 *other;

  g_assert_no_error (error);

  /* Another Schalter in the middle of writing. */
  other = raw_open (path);
  raw_exec (other, "BEGIN IMMEDIATE");

  sch_case_set_value (kase, "person", 0, "official_name", "Rossi");
  g_assert_false (sch_store_save_case (store, kase, &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_BUSY);
  assert_error_names_path (error, path);
  g_clear_error (&error);
  g_assert_true (sch_case_is_dirty (kase));

  raw_exec (other, "ROLLBACK");
  sqlite3_close (other);

  g_assert_true (sch_store_save_case (store, kase, &error));
  g_assert_no_error (error);

  g_clear_object (&store);
  remove_tree (dir);
}

/* Permissions */

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

static void
test_store_permissions (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "schalter", NULL);
  g_autofree char *path = g_build_filename (folder, "schalter.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  SchStore *store;
  mode_t old_umask;

  /* The modes must not depend on a careful umask. */
  old_umask = umask (022);
  store = open_store (path);
  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  set_and_save (store, kase, "person", "official_name", "Rossi");
  umask (old_umask);

  /* Durable settings of the connection. */
  {
    g_autofree char *journal_mode = raw_query_text (sch_store_get_db (store), "PRAGMA journal_mode");
    g_autofree char *synchronous = raw_query_text (sch_store_get_db (store), "PRAGMA synchronous");
    g_autofree char *foreign_keys = raw_query_text (sch_store_get_db (store), "PRAGMA foreign_keys");

    g_assert_cmpstr (journal_mode, ==, "wal");
    g_assert_cmpstr (synchronous, ==, "2");  /* FULL */
    g_assert_cmpstr (foreign_keys, ==, "1");
  }

  g_assert_cmphex (file_mode (folder), ==, 0700);
  g_assert_cmphex (file_mode (path), ==, 0600);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_cmphex (file_mode (wal), ==, 0600);
  g_assert_cmphex (file_mode (shm), ==, 0600);
  g_assert_finalize_object (store);

  /* Opened again after someone loosened the modes: tightened again. */
  g_assert_cmpint (g_chmod (folder, 0755), ==, 0);
  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  store = open_store (path);
  g_assert_cmphex (file_mode (folder), ==, 0700);
  g_assert_cmphex (file_mode (path), ==, 0600);
  g_assert_finalize_object (store);

  remove_tree (dir);
}

/* Read-only folder and file: a child process that cannot write there
 * (as root in CI, chmod alone would not stop it). Exit status: 0 when
 * every open failed with READ_ONLY and a message naming the file. */
static int
expect_read_only (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = sch_store_open (path, &error);

  if (store != NULL)
    {
      g_printerr ("%s: opened, expected READ_ONLY\n", path);
      return 1;
    }
  if (!g_error_matches (error, SCH_STORE_ERROR, SCH_STORE_ERROR_READ_ONLY) ||
      strstr (error->message, path) == NULL)
    {
      g_printerr ("%s: unexpected error: %s\n", path, error->message);
      return 1;
    }

  return 0;
}

static int
read_only_child (const char * const *paths)
{
  int failures = 0;

  if (geteuid () == 0 &&
      (setgroups (0, NULL) != 0 || setgid (NOBODY_ID) != 0 || setuid (NOBODY_ID) != 0))
    {
      g_printerr ("Cannot drop privileges: %s\n", g_strerror (errno));
      return 2;
    }

  for (guint i = 0; paths[i] != NULL; i++)
    failures += expect_read_only (paths[i]);

  return failures == 0 ? 0 : 1;
}

static void
test_store_read_only (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *ro_folder = g_build_filename (dir, "read-only-folder", NULL);
  g_autofree char *in_ro_folder = g_build_filename (ro_folder, "schalter.db", NULL);
  g_autofree char *below_ro_folder = g_build_filename (ro_folder, "schalter", "schalter.db", NULL);
  g_autofree char *locked = g_build_filename (dir, "locked", NULL);
  g_autofree char *in_locked = g_build_filename (locked, "schalter.db", NULL);
  g_autofree char *ro_file_folder = g_build_filename (dir, "read-only-file", NULL);
  g_autofree char *ro_file = g_build_filename (ro_file_folder, "schalter.db", NULL);
  g_autofree char *ro_file_wal = g_strconcat (ro_file, "-wal", NULL);
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  const char *paths[5] = { in_ro_folder, below_ro_folder, ro_file, NULL, NULL };
  SchStore *store;
  int status;
  pid_t pid;

  /* Others may pass through the base folder (for the dropped user). */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);

  g_assert_cmpint (g_mkdir (ro_folder, 0700), ==, 0);
  g_assert_cmpint (g_chmod (ro_folder, 0555), ==, 0);

  /* A folder of another user (root's, when running as root). */
  if (geteuid () == 0)
    {
      g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);
      paths[3] = in_locked;
    }

  /* A writable folder with a database the user may only read. */
  g_assert_cmpint (g_mkdir (ro_file_folder, 0700), ==, 0);
  g_assert_cmpint (g_chmod (ro_file_folder, 0777), ==, 0);
  store = open_store (ro_file);
  g_object_unref (sch_store_create_case (store, "B-EMPLOYED", &error));
  g_assert_no_error (error);
  g_assert_finalize_object (store);
  g_assert_cmpint (g_chmod (ro_file, 0444), ==, 0);
  before = read_file (ro_file);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (read_only_child (paths));

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  /* Nothing was created or changed. */
  g_assert_false (g_file_test (in_ro_folder, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (in_locked, G_FILE_TEST_EXISTS));
  after = read_file (ro_file);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_false (g_file_test (ro_file_wal, G_FILE_TEST_EXISTS));

  remove_tree (dir);
}

/* Disk full: a child may write only small files, then saves a big case. */

#define SMALL_FILE_LIMIT (256 * 1024)

static int
disk_full_child (const char *path,
                 const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autofree char *big = NULL;
  struct rlimit limit = { SMALL_FILE_LIMIT, SMALL_FILE_LIMIT };

  signal (SIGXFSZ, SIG_IGN);

  store = sch_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("Cannot open: %s\n", error->message);
      return 2;
    }
  kase = sch_store_load_case (store, uuid, &error);
  if (kase == NULL)
    return 2;

  if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
    return 2;

  big = g_strnfill (4 * SMALL_FILE_LIMIT, 'x');
  sch_case_set_value (kase, "person", 0, "official_name", "Uncommitted");
  sch_case_set_value (kase, "notes", 0, "text", big);

  if (sch_store_save_case (store, kase, &error))
    {
      g_printerr ("Saving a big case past the file size limit succeeded\n");
      return 1;
    }
  if (!g_error_matches (error, SCH_STORE_ERROR, SCH_STORE_ERROR_DISK_FULL) ||
      strstr (error->message, path) == NULL)
    {
      g_printerr ("Unexpected error: %s\n", error->message);
      return 1;
    }

  /* Still dirty: the editor will try again once there is space. */
  if (!sch_case_is_dirty (kase))
    return 1;

  /* Gone without closing, like a crash. */
  return 0;
}

static void
test_store_disk_full (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchCase) loaded = NULL;
  g_autofree char *uuid = NULL;
  SchStore *store;
  int status;
  pid_t pid;

  store = open_store (path);
  kase = sch_store_create_case (store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  set_and_save (store, kase, "person", "official_name", "Committed");
  uuid = g_strdup (sch_case_get_uuid (kase));
  g_assert_finalize_object (store);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (disk_full_child (path, uuid));

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  store = open_store (path);
  loaded = sch_store_load_case (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (loaded, "person", 0, "official_name"), ==, "Committed");
  g_assert_null (sch_case_get_value (loaded, "notes", 0, "text"));
  g_assert_finalize_object (store);
  assert_integrity_ok (path);

  remove_tree (dir);
}

/* SIGKILL while saving: the last reported save is there, the file sound. */

static void
sigkill_child (const char *path,
               const char *uuid,
               int         report_fd)
{
  g_autoptr(GError) error = NULL;
  SchStore *store = sch_store_open (path, &error);
  SchCase *kase;

  if (store == NULL)
    _exit (2);
  kase = sch_store_load_case (store, uuid, &error);
  if (kase == NULL)
    _exit (2);

  for (gint32 i = 1; ; i++)
    {
      char value[16];

      g_snprintf (value, sizeof value, "%d", i);
      sch_case_set_value (kase, "person", 0, "official_name", value);
      if (!sch_store_save_case (store, kase, &error))
        _exit (3);
      /* Reported only once committed; 4 bytes to a pipe are atomic. */
      if (write (report_fd, &i, sizeof i) != sizeof i)
        _exit (4);
    }
}

static gboolean
read_value (int     fd,
            gint32 *value)
{
  gsize done = 0;

  while (done < sizeof *value)
    {
      gssize n = read (fd, (char *) value + done, sizeof *value - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      done += n;
    }

  return TRUE;
}

static void
test_store_sigkill (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;
  SchStore *store;

  store = open_store (path);
  {
    g_autoptr(SchCase) kase = sch_store_create_case (store, "B-EMPLOYED", &error);

    g_assert_no_error (error);
    set_and_save (store, kase, "person", "official_name", "0");
    uuid = g_strdup (sch_case_get_uuid (kase));
  }
  g_assert_finalize_object (store);

  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(SchCase) loaded = NULL;
      gint32 last = -1;
      gint32 value;
      gint64 stored;
      int fds[2];
      int status;
      pid_t pid;

      g_assert_cmpint (pipe (fds), ==, 0);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          sigkill_child (path, uuid, fds[1]);
        }
      close (fds[1]);

      /* Let it write for a random while after its first commit. */
      g_assert_true (read_value (fds[0], &last));
      g_usleep (g_test_rand_int_range (10, 300) * 1000);
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      while (read_value (fds[0], &value))
        last = value;
      close (fds[0]);

      assert_integrity_ok (path);
      store = open_store (path);
      loaded = sch_store_load_case (store, uuid, &error);
      g_assert_no_error (error);
      stored = g_ascii_strtoll (sch_case_get_value (loaded, "person", 0, "official_name"), NULL, 10);
      g_test_message ("round %u: last reported %d, stored %" G_GINT64_FORMAT, round, last, stored);
      g_assert_cmpint (stored, >=, last);
      g_assert_cmpint (stored, <=, last + 1);
      g_assert_finalize_object (store);
    }

  remove_tree (dir);
}

static void
test_store_default_path (void)
{
  g_autofree char *path = NULL;
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "schalter", "schalter.db", NULL);
  g_autofree char *saved = g_strdup (g_getenv ("SCHALTER_DB"));

  g_unsetenv ("SCHALTER_DB");
  path = sch_store_default_path ();
  g_assert_cmpstr (path, ==, expected);
  g_clear_pointer (&path, g_free);

  g_setenv ("SCHALTER_DB", "/nonexistent/test.db", TRUE);
  path = sch_store_default_path ();
  g_assert_cmpstr (path, ==, "/nonexistent/test.db");

  if (saved != NULL)
    g_setenv ("SCHALTER_DB", saved, TRUE);
  else
    g_unsetenv ("SCHALTER_DB");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/default-path", test_store_default_path);
  g_test_add_func ("/store/create-reopen", test_store_create_reopen);
  g_test_add_func ("/store/modified-increases", test_store_modified_increases);
  g_test_add_func ("/store/case-changed", test_store_case_changed);
  g_test_add_func ("/store/states-journal", test_store_states_journal);
  g_test_add_func ("/store/edit-journal", test_store_edit_journal);
  g_test_add_func ("/store/migration-v1", test_store_migration_v1);
  g_test_add_func ("/store/newer-schema", test_store_newer_schema);
  g_test_add_func ("/store/corrupt", test_store_corrupt);
  g_test_add_func ("/store/busy", test_store_busy);
  g_test_add_func ("/store/permissions", test_store_permissions);
  g_test_add_func ("/store/read-only", test_store_read_only);
  g_test_add_func ("/store/disk-full", test_store_disk_full);
  g_test_add_func ("/store/sigkill", test_store_sigkill);

  return g_test_run ();
}
