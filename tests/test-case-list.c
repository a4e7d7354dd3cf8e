#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>

#include "sch-case-list.h"
#include "sch-store.h"

/* More than two pages of the list. */
#define N_CASES 150

typedef struct {
  char      *dir;
  SchStore  *store;
  GPtrArray *uuids;     /* in creation order */
} Fixture;

static const char * const surnames[] = {
  "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Brunner", "Baumann",
  "Fischer", "Gerber", "Rossi", "Bianchi", "Ferreira", "Silva", "Yılmaz", "Kovačević",
};

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

          g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static SchCase *
create_case (Fixture    *fixture,
             const char *official_name,
             const char *first_names)
{
  g_autoptr(GError) error = NULL;
  SchCase *kase = sch_store_create_case (fixture->store, "B-EMPLOYED", &error);

  g_assert_no_error (error);
  sch_case_set_value (kase, "person", 0, "official_name", official_name);
  sch_case_set_value (kase, "person", 0, "first_names", first_names);
  sch_store_save_case (fixture->store, kase, &error);
  g_assert_no_error (error);
  g_ptr_array_add (fixture->uuids, g_strdup (sch_case_get_uuid (kase)));

  return kase;
}

static void
save (Fixture *fixture,
      SchCase *kase)
{
  g_autoptr(GError) error = NULL;

  sch_store_save_case (fixture->store, kase, &error);
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SchCase) special = NULL;
  g_autoptr(SchCase) family = NULL;

  fixture->dir = g_dir_make_tmp ("sch-test-case-list-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "schalter.db", NULL);
  fixture->store = sch_store_open (path, &error);
  g_assert_no_error (error);
  fixture->uuids = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_CASES - 2; i++)
    {
      g_autofree char *first = g_strdup_printf ("Person%u", i);

      g_object_unref (create_case (fixture, surnames[i % G_N_ELEMENTS (surnames)], first));
    }

  special = create_case (fixture, "Müller", "Anna");
  sch_case_set_value (special, "person", 0, "ahv", "756.1234.5678.97");
  sch_case_set_value (special, "person", 0, "zemis", "12345678.9");
  sch_case_set_reference (special, "SG-2026-0815");
  save (fixture, special);

  family = create_case (fixture, "Öztürk", "Elif");
  sch_case_add_item (family, "family");
  sch_case_set_value (family, "family", 0, "official_name", "Öztürk");
  sch_case_set_value (family, "family", 0, "first_names", "Deniz");
  sch_case_set_value (family, "family", 0, "zemis", "87654321.0");
  save (fixture, family);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->store);
  g_ptr_array_unref (fixture->uuids);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static SchCaseSummary *
get_summary (SchCaseList *list,
             guint        position)
{
  return g_list_model_get_item (G_LIST_MODEL (list), position);
}

static char *
dup_uuid_at (SchCaseList *list,
             guint        position)
{
  g_autoptr(SchCaseSummary) summary = get_summary (list, position);

  g_assert_nonnull (summary);
  return g_strdup (sch_case_summary_get_uuid (summary));
}

static guint
count_search (Fixture    *fixture,
              const char *text)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);

  sch_case_list_set_search (list, text);
  g_assert_cmpstr (sch_case_list_get_search (list), ==, (text != NULL && *text != '\0') ? text : NULL);

  return g_list_model_get_n_items (G_LIST_MODEL (list));
}

static char *
dup_first_name_found (Fixture    *fixture,
                      const char *text)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  g_autoptr(SchCaseSummary) summary = NULL;

  sch_case_list_set_search (list, text);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  summary = get_summary (list, 0);

  return g_strdup (sch_case_summary_get_display_name (summary));
}

static void
test_paging (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  GListModel *model = G_LIST_MODEL (list);
  const guint positions[] = { 0, 1, 63, 64, 65, 127, 128, N_CASES - 1, 70, 2 };
  gint64 previous = G_MAXINT64;

  g_assert_cmpuint (g_list_model_get_item_type (model), ==, SCH_TYPE_CASE_SUMMARY);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_CASES);
  g_assert_null (g_list_model_get_item (model, N_CASES));

  /* Newest change first: the reverse of the order they were saved in. */
  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      g_autofree char *uuid = dup_uuid_at (list, positions[i]);

      g_assert_cmpstr (uuid, ==, g_ptr_array_index (fixture->uuids, N_CASES - 1 - positions[i]));
    }

  for (guint i = 0; i < N_CASES; i++)
    {
      g_autoptr(SchCaseSummary) summary = get_summary (list, i);

      g_assert_cmpint (sch_case_summary_get_modified (summary), <, previous);
      previous = sch_case_summary_get_modified (summary);
      g_assert_cmpstr (sch_case_summary_get_type_code (summary), ==, "B-EMPLOYED");
      g_assert_cmpint (sch_case_summary_get_state (summary), ==, SCH_CASE_STATE_DRAFT);
    }

  {
    g_autoptr(SchCaseSummary) first = get_summary (list, 0);
    g_autoptr(SchCaseSummary) second = get_summary (list, 1);

    g_assert_cmpstr (sch_case_summary_get_display_name (first), ==, "Öztürk, Elif");
    g_assert_cmpstr (sch_case_summary_get_display_name (second), ==, "Müller, Anna");
    g_assert_cmpstr (sch_case_summary_get_reference (second), ==, "SG-2026-0815");
    g_assert_null (sch_case_summary_get_reference (first));
  }
}

static void
test_order_by_last_change (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) oldest = sch_store_load_case (fixture->store, g_ptr_array_index (fixture->uuids, 0), &error);
  g_autofree char *first = NULL;

  g_assert_no_error (error);
  sch_case_set_value (oldest, "person", 0, "call_name", "Jo");
  save (fixture, oldest);

  first = dup_uuid_at (list, 0);
  g_assert_cmpstr (first, ==, sch_case_get_uuid (oldest));
}

static void
test_search (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *name = NULL;

  g_assert_cmpuint (count_search (fixture, NULL), ==, N_CASES);
  g_assert_cmpuint (count_search (fixture, ""), ==, N_CASES);
  g_assert_cmpuint (count_search (fixture, "   "), ==, N_CASES);

  /* Surname, and its beginning, in any case. */
  g_assert_cmpuint (count_search (fixture, "Keller"), ==, (N_CASES - 2) / 16 + 1);
  g_assert_cmpuint (count_search (fixture, "kell"), ==, (N_CASES - 2) / 16 + 1);
  name = dup_first_name_found (fixture, "Müll");
  g_assert_cmpstr (name, ==, "Müller, Anna");
  g_clear_pointer (&name, g_free);

  /* Without the accents a Swiss keyboard may not have. */
  g_assert_cmpuint (count_search (fixture, "muller"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "MUELLER"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "yilmaz"), ==, count_search (fixture, "Yılmaz"));
  g_assert_cmpuint (count_search (fixture, "kovacevic"), >, 0);
  g_assert_cmpuint (count_search (fixture, "Mu\xcc\x88ller"), ==, 1);

  /* Several words: all must match. */
  g_assert_cmpuint (count_search (fixture, "anna muller"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "  Müller,   Anna "), ==, 1);
  g_assert_cmpuint (count_search (fixture, "anna keller"), ==, 0);

  /* AHV with and without dots, and its beginning. */
  g_assert_cmpuint (count_search (fixture, "756.1234.5678.97"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "7561234567897"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "756.1234"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "7561234"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "756.9999"), ==, 0);

  /* ZEMIS, with and without its dot. */
  g_assert_cmpuint (count_search (fixture, "12345678.9"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "123456789"), ==, 1);

  /* The migration office's reference. */
  g_assert_cmpuint (count_search (fixture, "SG-2026-0815"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "2026-0815"), ==, 1);

  /* A family member, by name and by ZEMIS. */
  name = dup_first_name_found (fixture, "Deniz");
  g_assert_cmpstr (name, ==, "Öztürk, Elif");
  g_assert_cmpuint (count_search (fixture, "876543210"), ==, 1);

  /* Typing FTS5 syntax is harmless: it is searched as text. */
  g_assert_cmpuint (count_search (fixture, "Müller OR Keller"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "\"Müller"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "Müller*"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "NEAR(a b)"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "official_name:Müller"), ==, 0);
  g_assert_cmpuint (count_search (fixture, "- Müller -"), ==, 1);
  g_assert_cmpuint (count_search (fixture, "'; DROP TABLE cases; --"), ==, 0);
  g_assert_cmpuint (count_search (fixture, NULL), ==, N_CASES);

  /* Nothing but the searchable fields. */
  g_assert_cmpuint (count_search (fixture, "B-EMPLOYED"), ==, 0);

  /* The short case id a resident quotes from the receipt, in any case. */
  {
    const char *uuid = g_ptr_array_index (fixture->uuids, 5);
    g_autofree char *short_id = g_strndup (uuid, 8);
    g_autofree char *upper = g_ascii_strup (short_id, -1);

    g_assert_cmpuint (count_search (fixture, short_id), ==, 1);
    g_assert_cmpuint (count_search (fixture, upper), ==, 1);
    g_assert_cmpuint (count_search (fixture, uuid), ==, 1);
  }
}

static void
test_state_filter (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SchCase) kase = sch_store_load_case (fixture->store, g_ptr_array_index (fixture->uuids, i * 16 + 2), &error);

      g_assert_no_error (error);
      sch_store_set_state (fixture->store, kase, SCH_CASE_STATE_COMPLETE, &error);
      g_assert_no_error (error);
    }

  sch_case_list_set_state_filter (list, SCH_CASE_STATE_COMPLETE);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SchCaseSummary) summary = get_summary (list, i);

      g_assert_cmpint (sch_case_summary_get_state (summary), ==, SCH_CASE_STATE_COMPLETE);
      g_assert_true (g_str_has_prefix (sch_case_summary_get_display_name (summary), "Keller, "));
    }

  /* Filter and search together. */
  sch_case_list_set_search (list, "keller");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  sch_case_list_set_search (list, "weber");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);

  sch_case_list_set_state_filter (list, SCH_CASE_STATE_DRAFT);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, count_search (fixture, "weber"));

  sch_case_list_set_search (list, NULL);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_CASES - 3);

  sch_case_list_set_state_filter (list, SCH_N_CASE_STATES);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, N_CASES);
}

/* A view's copy of the list, kept up to date from items-changed alone. */
static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      GPtrArray  *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->len);
  /* A GtkSingleSelection whose item was removed reads every added row
   * looking for it: with 100,000 cases that must never be many. */
  g_assert_true (removed == 0 || added <= 1);
  g_ptr_array_remove_range (mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      g_autoptr(SchCaseSummary) summary = g_list_model_get_item (model, position + i);

      g_assert_nonnull (summary);
      g_ptr_array_insert (mirror, position + i, g_strdup (sch_case_summary_get_uuid (summary)));
    }

  /* The model is already in the state the signal describes. */
  g_assert_cmpuint (mirror->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->len; i += 37)
    {
      g_autoptr(SchCaseSummary) summary = g_list_model_get_item (model, i);

      g_assert_cmpstr (sch_case_summary_get_uuid (summary), ==, g_ptr_array_index (mirror, i));
    }
  g_assert_null (g_list_model_get_item (model, mirror->len));
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     guint      *changed_rows)
{
  *changed_rows += MAX (removed, added);
}

static GPtrArray *
list_uuids (SchCaseList *list)
{
  GPtrArray *uuids = g_ptr_array_new_with_free_func (g_free);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (uuids, dup_uuid_at (list, i));

  return uuids;
}

/* The mirror and a fresh list over the store show the same rows. */
static void
assert_mirror_current (Fixture     *fixture,
                       SchCaseList *list,
                       GPtrArray   *mirror)
{
  g_autoptr(SchCaseList) fresh = sch_case_list_new (fixture->store);
  g_autoptr(GPtrArray) expected = NULL;

  sch_case_list_set_search (fresh, sch_case_list_get_search (list));
  expected = list_uuids (fresh);

  g_assert_cmpuint (mirror->len, ==, expected->len);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    g_assert_cmpstr (g_ptr_array_index (mirror, i), ==, g_ptr_array_index (expected, i));
}

static void
test_refresh (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  g_autoptr(GPtrArray) mirror = list_uuids (list);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchCase) created = NULL;
  g_autoptr(SchCase) far = NULL;
  guint changed_rows = 0;

  g_signal_connect (list, "items-changed", G_CALLBACK (mirror_items_changed), mirror);
  g_signal_connect (list, "items-changed", G_CALLBACK (count_items_changed), &changed_rows);

  /* A case the view shows is saved: it moves to the top. */
  kase = sch_store_load_case (fixture->store, g_ptr_array_index (mirror, 5), &error);
  g_assert_no_error (error);
  sch_case_set_value (kase, "person", 0, "official_name", "Zürcher");
  save (fixture, kase);
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpstr (g_ptr_array_index (mirror, 0), ==, sch_case_get_uuid (kase));
  /* Reported as removed from its old place and inserted at the top. */
  g_assert_cmpuint (changed_rows, ==, 2);

  /* A new case appears at the top. */
  changed_rows = 0;
  created = sch_store_create_case (fixture->store, "C-PERMIT", &error);
  g_assert_no_error (error);
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpstr (g_ptr_array_index (mirror, 0), ==, sch_case_get_uuid (created));
  g_assert_cmpuint (changed_rows, ==, 1);

  /* A case far down (not read yet) changes. */
  far = sch_store_load_case (fixture->store, g_ptr_array_index (fixture->uuids, 1), &error);
  g_assert_no_error (error);
  sch_case_set_value (far, "person", 0, "first_names", "Rahel");
  save (fixture, far);
  assert_mirror_current (fixture, list, mirror);

  /* A state change. */
  sch_store_set_state (fixture->store, far, SCH_CASE_STATE_COMPLETE, &error);
  g_assert_no_error (error);
  assert_mirror_current (fixture, list, mirror);

  /* Deleted. */
  sch_store_delete_draft (fixture->store, created, &error);
  g_assert_no_error (error);
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpuint (mirror->len, ==, N_CASES);

  /* While searching: a case stops matching, another starts. */
  sch_case_list_set_search (list, "Zürcher");
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpuint (mirror->len, ==, 1);
  sch_case_set_value (kase, "person", 0, "official_name", "Weber");
  save (fixture, kase);
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpuint (mirror->len, ==, 0);
  sch_case_set_value (far, "person", 0, "official_name", "Zürcher");
  save (fixture, far);
  assert_mirror_current (fixture, list, mirror);
  g_assert_cmpuint (mirror->len, ==, 1);

  /* A change elsewhere does not disturb the view. */
  changed_rows = 0;
  sch_case_set_value (kase, "person", 0, "first_names", "Beat");
  save (fixture, kase);
  g_assert_cmpuint (changed_rows, ==, 0);
  assert_mirror_current (fixture, list, mirror);

  sch_case_list_refresh (list);
  assert_mirror_current (fixture, list, mirror);
}

static void
test_find (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (fixture->store);
  const guint positions[] = { 0, 1, 63, 64, 100, N_CASES - 1 };

  for (guint i = 0; i < G_N_ELEMENTS (positions); i++)
    {
      const char *uuid = g_ptr_array_index (fixture->uuids, N_CASES - 1 - positions[i]);

      g_assert_cmpuint (sch_case_list_find (list, uuid), ==, positions[i]);
    }

  g_assert_cmpuint (sch_case_list_find (list, "00000000-0000-4000-8000-000000000000"), ==, G_MAXUINT);

  /* In the filtered view, or not at all. */
  sch_case_list_set_search (list, "Müller");
  g_assert_cmpuint (sch_case_list_find (list, g_ptr_array_index (fixture->uuids, N_CASES - 2)), ==, 0);
  g_assert_cmpuint (sch_case_list_find (list, g_ptr_array_index (fixture->uuids, 0)), ==, G_MAXUINT);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/case-list/paging", test_paging);
  ADD ("/case-list/order-by-last-change", test_order_by_last_change);
  ADD ("/case-list/search", test_search);
  ADD ("/case-list/state-filter", test_state_filter);
  ADD ("/case-list/refresh", test_refresh);
  ADD ("/case-list/find", test_find);

#undef ADD

  return g_test_run ();
}
