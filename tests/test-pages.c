#include "config.h"

#include <string.h>
#include <utime.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sch-store-pages.h"

/* Helpers */

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);

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

typedef struct {
  char     *dir;
  char     *path;
  SchStore *store;
  SchCase  *kase;
  guint     n_changed;
} Fixture;

static void
on_case_changed (SchStore   *store,
                 const char *uuid,
                 Fixture    *fixture)
{
  if (g_strcmp0 (uuid, sch_case_get_uuid (fixture->kase)) == 0)
    fixture->n_changed++;
}

static SchStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  SchStore *store = sch_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("sch-test-pages-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "schalter.db", NULL);
  fixture->store = open_store (fixture->path);
  fixture->kase = sch_store_create_case (fixture->store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->store, "case-changed", G_CALLBACK (on_case_changed), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->kase);
  if (fixture->store != NULL)
    g_assert_finalize_object (fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
fixture_reopen (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = g_strdup (sch_case_get_uuid (fixture->kase));

  g_clear_object (&fixture->kase);
  g_assert_finalize_object (fixture->store);
  fixture->store = open_store (fixture->path);
  fixture->kase = sch_store_load_case (fixture->store, uuid, &error);
  g_assert_no_error (error);
  g_signal_connect (fixture->store, "case-changed", G_CALLBACK (on_case_changed), fixture);
}

static char *
put_text (SchStore   *store,
          const char *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autoptr(GError) error = NULL;
  char *sha256 = sch_blob_store_put_bytes (sch_store_get_blob_store (store), bytes, &error);

  g_assert_no_error (error);
  return sha256;
}

/* @n scanned JPEG pages with content "<label>1", "<label>2", … */
static GPtrArray *
make_scans (SchStore   *store,
            const char *label,
            guint       n)
{
  GPtrArray *pages = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("%s%u", label, i + 1);
      g_autofree char *blob = put_text (store, text);

      g_ptr_array_add (pages, sch_page_new (blob, SCH_PAGE_MEDIA_JPEG, -1, 2480, 3508, 300, 0,
                                            SCH_PAGE_SOURCE_SCAN));
    }

  return pages;
}

static GPtrArray *
add_scans (Fixture    *fixture,
           const char *slot_id,
           int         position,
           const char *label,
           guint       n)
{
  g_autoptr(GPtrArray) specs = make_scans (fixture->store, label, n);
  g_autoptr(GError) error = NULL;
  GPtrArray *added = sch_store_add_pages (fixture->store, fixture->kase, slot_id, position, specs, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, n);
  return added;
}

/* The slot's pages as their original content labels, "a1 a2 b1". */
static char *
slot_order (Fixture    *fixture,
            const char *slot_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = sch_store_list_pages (fixture->store, fixture->kase, slot_id, &error);
  g_autoptr(GString) order = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < pages->len; i++)
    {
      SchPage *page = g_ptr_array_index (pages, i);
      g_autofree char *path = sch_blob_store_get_path (sch_store_get_blob_store (fixture->store),
                                                       sch_page_get_blob (page));
      g_autofree char *contents = NULL;

      g_assert_cmpuint (sch_page_get_position (page), ==, i);
      g_file_get_contents (path, &contents, NULL, &error);
      g_assert_no_error (error);
      if (i > 0)
        g_string_append_c (order, ' ');
      g_string_append (order, contents);
    }

  return g_string_free (g_steal_pointer (&order), FALSE);
}

#define assert_order(fixture, slot_id, expected) \
  G_STMT_START { \
    g_autofree char *actual__ = slot_order (fixture, slot_id); \
    g_assert_cmpstr (actual__, ==, expected); \
  } G_STMT_END

static GArray *
ids_of (GPtrArray *pages,
        guint      first,
        guint      n)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = first; i < first + n; i++)
    {
      gint64 id = sch_page_get_id (g_ptr_array_index (pages, i));

      g_array_append_val (ids, id);
    }

  return ids;
}

static gboolean
journal_has (Fixture    *fixture,
             const char *action,
             const char *detail)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = sch_store_journal_list (fixture->store, sch_case_get_uuid (fixture->kase),
                                                       &error);
  g_autofree char *suffix = g_strdup_printf ("\t%s\t%s", action, detail);

  g_assert_no_error (error);
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (lines, i), suffix))
      return TRUE;

  return FALSE;
}

static void
restore (Fixture   *fixture,
         GPtrArray *snapshots)
{
  g_autoptr(GError) error = NULL;

  sch_store_restore_pages (fixture->store, fixture->kase, snapshots, &error);
  g_assert_no_error (error);
}

/* Tests */

static void
test_pages_add_list (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GPtrArray) first = add_scans (fixture, "passport", -1, "a", 3);
  g_autoptr(GPtrArray) middle = NULL;
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GError) error = NULL;
  SchPage *page;

  g_assert_cmpuint (fixture->n_changed, ==, 1);
  assert_order (fixture, "passport", "a1 a2 a3");

  page = g_ptr_array_index (first, 2);
  g_assert_cmpint (sch_page_get_id (page), >, 0);
  g_assert_cmpuint (sch_page_get_position (page), ==, 2);
  g_assert_cmpstr (sch_page_get_slot_id (page), ==, "passport");
  g_assert_cmpstr (sch_page_get_case_uuid (page), ==, sch_case_get_uuid (fixture->kase));
  g_assert_cmpuint (sch_page_get_blob_size (page), ==, 2);
  g_assert_cmpint (sch_page_get_created (page), >, 0);

  /* Inserted in the middle, in their order. */
  middle = add_scans (fixture, "passport", 1, "b", 2);
  g_assert_cmpuint (sch_page_get_position (g_ptr_array_index (middle, 0)), ==, 1);
  g_assert_cmpuint (sch_page_get_position (g_ptr_array_index (middle, 1)), ==, 2);
  assert_order (fixture, "passport", "a1 b1 b2 a2 a3");

  g_ptr_array_unref (add_scans (fixture, "contract", 99, "c", 1));
  assert_order (fixture, "contract", "c1");

  all = sch_store_list_pages (fixture->store, fixture->kase, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 6);
  /* By slot id, then position. */
  g_assert_cmpstr (sch_page_get_slot_id (g_ptr_array_index (all, 0)), ==, "contract");
  page = g_ptr_array_index (all, 1);
  g_assert_cmpstr (sch_page_get_media_type (page), ==, SCH_PAGE_MEDIA_JPEG);
  g_assert_cmpint (sch_page_get_pdf_page (page), ==, -1);
  g_assert_cmpfloat (sch_page_get_width (page), ==, 2480);
  g_assert_cmpfloat (sch_page_get_height (page), ==, 3508);
  g_assert_cmpuint (sch_page_get_dpi (page), ==, 300);
  g_assert_cmpuint (sch_page_get_rotation (page), ==, 0);
  g_assert_cmpint (sch_page_get_source (page), ==, SCH_PAGE_SOURCE_SCAN);

  counts = sch_store_count_pages (fixture->store, fixture->kase, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 2);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "passport")), ==, 5);
  g_assert_cmpuint (GPOINTER_TO_UINT (g_hash_table_lookup (counts, "contract")), ==, 1);

  g_assert_true (journal_has (fixture, "pages-added", "passport: 3"));
  g_assert_true (journal_has (fixture, "pages-added", "passport: 2"));
  g_assert_true (journal_has (fixture, "pages-added", "contract: 1"));
  g_assert_cmpuint (fixture->n_changed, ==, 3);
}

static void
test_pages_missing_blob (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GPtrArray) specs = make_scans (fixture->store, "a", 2);
  g_autofree char *never_stored = g_strnfill (64, 'e');
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  /* One bad page keeps the others out too. */
  g_ptr_array_add (specs, sch_page_new (never_stored, SCH_PAGE_MEDIA_PNG, -1, 100, 100, 200, 0,
                                        SCH_PAGE_SOURCE_IMPORT));
  added = sch_store_add_pages (fixture->store, fixture->kase, "passport", -1, specs, &error);
  g_assert_null (added);
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  pages = sch_store_list_pages (fixture->store, fixture->kase, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 0);
  g_assert_false (journal_has (fixture, "pages-added", "passport: 2"));
}

static void
test_pages_reorder (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GPtrArray) added = add_scans (fixture, "passport", -1, "a", 4);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) before_back = NULL;
  g_autoptr(GError) error = NULL;

  before = sch_store_move_page (fixture->store, fixture->kase,
                                sch_page_get_id (g_ptr_array_index (added, 3)), 0, &error);
  g_assert_no_error (error);
  assert_order (fixture, "passport", "a4 a1 a2 a3");
  g_assert_cmpuint (before->len, ==, 1);
  g_assert_cmpuint (sch_page_get_position (g_ptr_array_index (before, 0)), ==, 3);

  before_back = sch_store_move_page (fixture->store, fixture->kase,
                                     sch_page_get_id (g_ptr_array_index (added, 0)), 99, &error);
  g_assert_no_error (error);
  assert_order (fixture, "passport", "a4 a2 a3 a1");

  /* Undo, newest first. */
  restore (fixture, before_back);
  assert_order (fixture, "passport", "a4 a1 a2 a3");
  restore (fixture, before);
  assert_order (fixture, "passport", "a1 a2 a3 a4");
  g_assert_cmpuint (fixture->n_changed, ==, 5);
}

static void
test_pages_rotate (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) added = add_scans (fixture, "passport", -1, "a", 3);
  g_autoptr(GArray) ids = ids_of (added, 1, 2);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) restored = NULL;
  g_autoptr(GError) error = NULL;

  before = sch_store_rotate_pages (fixture->store, fixture->kase, ids, 90, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, 2);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (before, 0)), ==, 0);

  pages = sch_store_list_pages (fixture->store, fixture->kase, "passport", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (pages, 0)), ==, 0);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (pages, 1)), ==, 90);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (pages, 2)), ==, 90);
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  restore (fixture, before);
  restored = sch_store_list_pages (fixture->store, fixture->kase, "passport", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < restored->len; i++)
    g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (restored, i)), ==, 0);
  assert_order (fixture, "passport", "a1 a2 a3");
}

static void
test_pages_delete (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) added = add_scans (fixture, "passport", -1, "a", 5);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) deleted = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = NULL;
  gint64 id;

  id = sch_page_get_id (g_ptr_array_index (added, 3));
  g_array_append_val (ids, id);
  id = sch_page_get_id (g_ptr_array_index (added, 1));
  g_array_append_val (ids, id);

  gone = g_strdup_printf ("Page %" G_GINT64_FORMAT " is not in the case ", g_array_index (ids, gint64, 0));
  deleted = sch_store_delete_pages (fixture->store, fixture->kase, ids, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (deleted->len, ==, 2);
  assert_order (fixture, "passport", "a1 a3 a5");
  g_assert_true (journal_has (fixture, "pages-deleted", "passport: 2"));

  /* Deleting a page that is gone fails, names the page and changes nothing. */
  g_assert_null (sch_store_delete_pages (fixture->store, fixture->kase, ids, &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);
  g_assert_true (g_str_has_prefix (error->message, gone));
  g_clear_error (&error);

  /* Undo brings them back where they were, under their ids. */
  restore (fixture, deleted);
  assert_order (fixture, "passport", "a1 a2 a3 a4 a5");
  pages = sch_store_list_pages (fixture->store, fixture->kase, "passport", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_page_get_id (g_ptr_array_index (pages, 1)), ==,
                   sch_page_get_id (g_ptr_array_index (added, 1)));
  g_assert_true (journal_has (fixture, "pages-restored", "passport: 2"));
  g_assert_cmpuint (fixture->n_changed, ==, 3);
}

static void
test_pages_move (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) passport = add_scans (fixture, "passport", -1, "a", 4);
  g_autoptr(GPtrArray) permit = add_scans (fixture, "permit", -1, "p", 2);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id;

  id = sch_page_get_id (g_ptr_array_index (passport, 3));
  g_array_append_val (ids, id);
  id = sch_page_get_id (g_ptr_array_index (passport, 1));
  g_array_append_val (ids, id);
  /* Named twice (two selections): moved once. */
  g_array_append_val (ids, id);

  before = sch_store_move_pages (fixture->store, fixture->kase, ids, "permit", 1, &error);
  g_assert_no_error (error);
  assert_order (fixture, "passport", "a1 a3");
  assert_order (fixture, "permit", "p1 a4 a2 p2");
  g_assert_true (journal_has (fixture, "pages-moved", "passport -> permit: 2"));

  restore (fixture, before);
  assert_order (fixture, "passport", "a1 a2 a3 a4");
  assert_order (fixture, "permit", "p1 p2");
  g_assert_cmpuint (fixture->n_changed, ==, 4);
}

static void
test_pages_split (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) run = add_scans (fixture, "passport", -1, "s", 5);
  g_autoptr(GPtrArray) moved = NULL;
  g_autoptr(GPtrArray) nothing = NULL;
  g_autoptr(GError) error = NULL;

  /* One ADF run: the passport, then the contract. */
  moved = sch_store_split_pages (fixture->store, fixture->kase, "passport", 2, "contract", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (moved->len, ==, 3);
  assert_order (fixture, "passport", "s1 s2");
  assert_order (fixture, "contract", "s3 s4 s5");
  g_assert_true (journal_has (fixture, "pages-moved", "passport -> contract: 3"));
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  nothing = sch_store_split_pages (fixture->store, fixture->kase, "passport", 7, "contract", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (nothing->len, ==, 0);
  g_assert_cmpuint (fixture->n_changed, ==, 2);

  restore (fixture, moved);
  assert_order (fixture, "passport", "s1 s2 s3 s4 s5");
  assert_order (fixture, "contract", "");
}

static SchDocSlot *
make_slot (const char *id,
           const char *title,
           gboolean    required,
           guint       min_pages,
           guint       max_pages)
{
  SchDocSlot *slot = g_new0 (SchDocSlot, 1);

  slot->id = g_strdup (id);
  slot->title = sch_text_new ();
  sch_text_set (slot->title, SCH_LANG_EN, title);
  slot->required = required;
  slot->min_pages = min_pages;
  slot->max_pages = max_pages;

  return slot;
}

static SchAppType *
make_type (void)
{
  GPtrArray *slots = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_doc_slot_free);
  SchText *title = sch_text_new ();

  sch_text_set (title, SCH_LANG_EN, "Test type");
  g_ptr_array_add (slots, make_slot ("passport", "Passport", TRUE, 1, 2));
  g_ptr_array_add (slots, make_slot ("contract", "Employment contract", TRUE, 2, 0));
  g_ptr_array_add (slots, make_slot ("photo", "Photo", FALSE, 1, 1));

  return sch_app_type_new ("B-EMPLOYED", title, NULL, SCH_FILING_HERE, NULL, NULL,
                           g_ptr_array_new_with_free_func ((GDestroyNotify) sch_field_group_free),
                           slots, g_array_new (FALSE, FALSE, sizeof (SchSigner)), 0, NULL);
}

static GPtrArray *
slot_status (Fixture    *fixture,
             SchAppType *type)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *statuses = sch_store_get_slot_status (fixture->store, fixture->kase, type, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (statuses->len, ==, 3);
  return statuses;
}

static void
assert_problem (GPtrArray  *statuses,
                guint       index,
                const char *expected)
{
  g_autofree char *problem = sch_slot_status_dup_problem (g_ptr_array_index (statuses, index));

  g_assert_cmpstr (problem, ==, expected);
}

static void
test_pages_slot_status (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(SchAppType) type = make_type ();
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GPtrArray) passport = NULL;
  g_autoptr(GError) error = NULL;
  SchSlotStatus *status;
  gboolean was = TRUE;

  statuses = slot_status (fixture, type);
  status = g_ptr_array_index (statuses, 0);
  g_assert_cmpstr (status->slot->id, ==, "passport");
  g_assert_cmpuint (status->n_pages, ==, 0);
  g_assert_cmpint (sch_slot_status_get_state (status), ==, SCH_SLOT_MISSING);
  assert_problem (statuses, 0, "The document “Passport” is missing: add its pages or mark it “to follow”.");
  /* Optional and empty: fine. */
  assert_problem (statuses, 2, NULL);
  g_assert_false (sch_slot_statuses_complete (statuses));
  g_clear_pointer (&statuses, g_ptr_array_unref);

  passport = add_scans (fixture, "passport", -1, "a", 1);
  g_ptr_array_unref (add_scans (fixture, "contract", -1, "c", 1));
  g_assert_true (sch_store_set_slot_to_follow (fixture->store, fixture->kase, "contract", TRUE,
                                               "brings the signed copy", &was, &error));
  g_assert_no_error (error);
  g_assert_false (was);
  g_assert_true (journal_has (fixture, "slot-to-follow", "contract"));

  statuses = slot_status (fixture, type);
  status = g_ptr_array_index (statuses, 0);
  g_assert_cmpint (sch_slot_status_get_state (status), ==, SCH_SLOT_FILLED);
  g_assert_cmpuint (status->n_pages, ==, 1);
  status = g_ptr_array_index (statuses, 1);
  g_assert_true (status->to_follow);
  g_assert_cmpstr (status->note, ==, "brings the signed copy");
  /* One page of two, the rest to follow. */
  assert_problem (statuses, 1, NULL);
  g_assert_true (sch_slot_statuses_complete (statuses));
  g_clear_pointer (&statuses, g_ptr_array_unref);

  g_assert_true (sch_store_set_slot_to_follow (fixture->store, fixture->kase, "contract", FALSE,
                                               NULL, &was, &error));
  g_assert_no_error (error);
  g_assert_true (was);
  g_assert_true (journal_has (fixture, "slot-to-follow-cleared", "contract"));
  g_ptr_array_unref (add_scans (fixture, "passport", -1, "b", 2));
  g_ptr_array_unref (add_scans (fixture, "photo", -1, "f", 1));

  statuses = slot_status (fixture, type);
  assert_problem (statuses, 0, "The document “Passport” may have at most 2 pages; it has 3.");
  assert_problem (statuses, 1, "The document “Employment contract” needs at least 2 pages; it has 1.");
  assert_problem (statuses, 2, NULL);
  g_assert_false (sch_slot_statuses_complete (statuses));
  g_clear_pointer (&statuses, g_ptr_array_unref);

  /* An empty slot marked to follow. */
  {
    g_autoptr(GArray) ids = ids_of (passport, 0, 1);
    g_autoptr(GPtrArray) photo = sch_store_list_pages (fixture->store, fixture->kase, "photo", &error);
    g_autoptr(GArray) photo_ids = ids_of (photo, 0, 1);
    g_autoptr(GPtrArray) gone = NULL;
    g_autoptr(GPtrArray) gone_photo = NULL;

    gone = sch_store_delete_pages (fixture->store, fixture->kase, ids, &error);
    g_assert_no_error (error);
    gone_photo = sch_store_delete_pages (fixture->store, fixture->kase, photo_ids, &error);
    g_assert_no_error (error);
  }
  g_ptr_array_unref (add_scans (fixture, "contract", -1, "d", 1));
  sch_store_set_slot_to_follow (fixture->store, fixture->kase, "photo", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);

  statuses = slot_status (fixture, type);
  g_assert_cmpint (sch_slot_status_get_state (g_ptr_array_index (statuses, 2)), ==, SCH_SLOT_TO_FOLLOW);
  g_assert_null (((SchSlotStatus *) g_ptr_array_index (statuses, 2))->note);
  g_assert_true (sch_slot_statuses_complete (statuses));
}

static void
test_pages_pdf_size (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *pdf = put_text (fixture->store, "%PDF-1.7 three pages");
  g_autofree char *jpeg = put_text (fixture->store, "jpeg");
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;
  guint64 size = 0;

  for (int i = 0; i < 3; i++)
    g_ptr_array_add (specs, sch_page_new (pdf, SCH_PAGE_MEDIA_PDF, i, 595.28, 841.89, 0, 0,
                                          SCH_PAGE_SOURCE_IMPORT));
  g_ptr_array_add (specs, sch_page_new (jpeg, SCH_PAGE_MEDIA_JPEG, -1, 800, 600, 150, 270,
                                        SCH_PAGE_SOURCE_IMPORT));
  added = sch_store_add_pages (fixture->store, fixture->kase, "passport", -1, specs, &error);
  g_assert_no_error (error);

  pages = sch_store_list_pages (fixture->store, fixture->kase, "passport", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 4);
  g_assert_cmpstr (sch_page_get_blob (g_ptr_array_index (pages, 2)), ==, pdf);
  g_assert_cmpint (sch_page_get_pdf_page (g_ptr_array_index (pages, 2)), ==, 2);
  g_assert_cmpfloat_with_epsilon (sch_page_get_width (g_ptr_array_index (pages, 2)), 595.28, 1e-9);
  g_assert_cmpuint (sch_page_get_dpi (g_ptr_array_index (pages, 2)), ==, 0);
  g_assert_cmpint (sch_page_get_source (g_ptr_array_index (pages, 2)), ==, SCH_PAGE_SOURCE_IMPORT);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (pages, 3)), ==, 270);

  /* The PDF counts once. */
  g_assert_true (sch_store_get_document_size (fixture->store, fixture->kase, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, strlen ("%PDF-1.7 three pages") + strlen ("jpeg"));
}

static void
test_pages_reopen (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GPtrArray) added = add_scans (fixture, "passport", -1, "a", 3);
  g_autoptr(GArray) ids = ids_of (added, 0, 1);
  g_autoptr(GPtrArray) rotated = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  rotated = sch_store_rotate_pages (fixture->store, fixture->kase, ids, 180, &error);
  g_assert_no_error (error);
  sch_store_set_slot_to_follow (fixture->store, fixture->kase, "contract", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);

  fixture_reopen (fixture);

  assert_order (fixture, "passport", "a1 a2 a3");
  pages = sch_store_list_pages (fixture->store, fixture->kase, "passport", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (pages, 0)), ==, 180);
  for (guint i = 0; i < pages->len; i++)
    {
      g_assert_true (sch_blob_store_verify (sch_store_get_blob_store (fixture->store),
                                            sch_page_get_blob (g_ptr_array_index (pages, i)), NULL, &error));
      g_assert_no_error (error);
    }

  {
    g_autoptr(SchAppType) type = make_type ();
    g_autoptr(GPtrArray) statuses = slot_status (fixture, type);

    g_assert_true (((SchSlotStatus *) g_ptr_array_index (statuses, 1))->to_follow);
  }
}

static void
make_old (const char *path)
{
  struct utimbuf times;

  times.actime = times.modtime = time (NULL) - 2 * 3600;
  g_assert_cmpint (utime (path, &times), ==, 0);
}

static void
test_pages_sweep_at_open (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(GPtrArray) added = add_scans (fixture, "passport", -1, "a", 1);
  g_autofree char *orphan = put_text (fixture->store, "orphan");
  g_autofree char *fresh = put_text (fixture->store, "fresh");
  SchBlobStore *blobs = sch_store_get_blob_store (fixture->store);
  g_autofree char *kept_path = sch_blob_store_get_path (blobs, sch_page_get_blob (g_ptr_array_index (added, 0)));
  g_autofree char *orphan_path = sch_blob_store_get_path (blobs, orphan);
  g_autofree char *fresh_path = sch_blob_store_get_path (blobs, fresh);
  g_autofree char *expected_folder = g_build_filename (fixture->dir, "blobs", NULL);

  g_assert_cmpstr (sch_blob_store_get_folder (blobs), ==, expected_folder);
  make_old (kept_path);
  make_old (orphan_path);

  fixture_reopen (fixture);

  g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh_path, G_FILE_TEST_EXISTS));
  assert_order (fixture, "passport", "a1");

  /* A deleted draft takes its pages along; its files go at the first start
   * after they are old enough. */
  g_assert_cmpint (utime (kept_path, NULL), ==, 0);
  g_assert_true (sch_store_delete_draft (fixture->store, fixture->kase, NULL));
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fixture->store = open_store (fixture->path);
  g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));

  make_old (kept_path);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fixture->store = open_store (fixture->path);
  g_assert_false (g_file_test (kept_path, G_FILE_TEST_EXISTS));
}

static void
test_pages_purge (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GPtrArray) own = add_scans (fixture, "passport", -1, "own", 2);
  g_autoptr(GPtrArray) shared_specs = make_scans (fixture->store, "shared", 1);
  g_autoptr(GPtrArray) shared = NULL;
  g_autoptr(GPtrArray) other_pages = NULL;
  g_autoptr(GPtrArray) left = NULL;
  g_autoptr(SchCase) other = NULL;
  g_autoptr(SchAppType) type = make_type ();
  g_autoptr(GPtrArray) statuses = NULL;
  g_autoptr(GError) error = NULL;
  SchBlobStore *blobs = sch_store_get_blob_store (fixture->store);
  g_autofree char *own_path = sch_blob_store_get_path (blobs, sch_page_get_blob (g_ptr_array_index (own, 0)));
  g_autofree char *shared_path = sch_blob_store_get_path (blobs,
                                                          sch_page_get_blob (g_ptr_array_index (shared_specs, 0)));
  guint64 size = 1;

  shared = sch_store_add_pages (fixture->store, fixture->kase, "contract", -1, shared_specs, &error);
  g_assert_no_error (error);
  sch_store_set_slot_to_follow (fixture->store, fixture->kase, "photo", TRUE, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Another case has the same file. */
  other = sch_store_create_case (fixture->store, "B-EMPLOYED", &error);
  g_assert_no_error (error);
  other_pages = sch_store_add_pages (fixture->store, other, "passport", -1, shared_specs, &error);
  g_assert_no_error (error);

  fixture->n_changed = 0;
  g_assert_true (sch_store_purge_documents (fixture->store, fixture->kase, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fixture->n_changed, ==, 1);

  left = sch_store_list_pages (fixture->store, fixture->kase, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 0);
  statuses = slot_status (fixture, type);
  g_assert_false (((SchSlotStatus *) g_ptr_array_index (statuses, 2))->to_follow);
  g_assert_true (sch_store_get_document_size (fixture->store, fixture->kase, &size, &error));
  g_assert_cmpuint (size, ==, 0);

  g_assert_false (g_file_test (own_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shared_path, G_FILE_TEST_EXISTS));
  g_assert_true (journal_has (fixture, "documents-purged", "3"));

  g_clear_pointer (&left, g_ptr_array_unref);
  left = sch_store_list_pages (fixture->store, other, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (left->len, ==, 1);
}

/* A v2 database (before documents) as the previous release left it. */
static const char v2_schema[] =
  "CREATE TABLE cases ("
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
  "CREATE VIRTUAL TABLE cases_fts USING fts5 (text, tokenize = 'unicode61 remove_diacritics 2');"
  "CREATE INDEX cases_modified ON cases (modified DESC, uuid);"
  "CREATE INDEX cases_state_modified ON cases (state, modified DESC, uuid);"
  "CREATE TABLE journal ("
  "  id INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL,"
  "  case_uuid TEXT, action TEXT NOT NULL, detail TEXT"
  ");"
  "CREATE INDEX journal_case ON journal (case_uuid, id);"
  "INSERT INTO cases (uuid, type_code, state, created, modified, display_name, data)"
  "  VALUES ('5b0d6c1e-7a3e-4a53-9a57-3f3f5c1d2e10', 'B-EMPLOYED', 'draft', 1000, 2000,"
  "          'Muster, Anna', '{\"person\":{\"official_name\":\"Muster\",\"first_names\":\"Anna\"}}');"
  "INSERT INTO cases_fts (rowid, text) VALUES (1, 'Muster Anna');"
  "PRAGMA application_id = 1396918348;"
  "PRAGMA user_version = 2;";

static void
test_pages_migration_v2 (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-test-pages-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GPtrArray) specs = NULL;
  g_autoptr(GPtrArray) added = NULL;
  sqlite3 *db = NULL;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, v2_schema, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = open_store (path);
  g_assert_cmpint (sch_store_get_schema_version (store), ==, SCH_STORE_SCHEMA_VERSION);

  kase = sch_store_load_case (store, "5b0d6c1e-7a3e-4a53-9a57-3f3f5c1d2e10", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "official_name"), ==, "Muster");
  g_assert_cmpint (sch_case_get_modified (kase), ==, 2000);

  specs = make_scans (store, "m", 2);
  added = sch_store_add_pages (store, kase, "passport", -1, specs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (added->len, ==, 2);

  g_clear_object (&kase);
  g_assert_finalize_object (g_steal_pointer (&store));
  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) g_test_add ("/pages/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("add-list", test_pages_add_list);
  ADD ("missing-blob", test_pages_missing_blob);
  ADD ("reorder", test_pages_reorder);
  ADD ("rotate", test_pages_rotate);
  ADD ("delete", test_pages_delete);
  ADD ("move", test_pages_move);
  ADD ("split", test_pages_split);
  ADD ("slot-status", test_pages_slot_status);
  ADD ("pdf-size", test_pages_pdf_size);
  ADD ("reopen", test_pages_reopen);
  ADD ("sweep-at-open", test_pages_sweep_at_open);
  ADD ("purge", test_pages_purge);
#undef ADD
  g_test_add_func ("/pages/migration-v2", test_pages_migration_v2);

  return g_test_run ();
}
