#include "config.h"

#include <glib.h>

#include "sch-case.h"

static void
count_changed (SchCase *kase,
               guint   *count)
{
  (*count)++;
}

static void
test_case_new (void)
{
  g_autoptr(SchCase) a = sch_case_new ("B-EMPLOYED");
  g_autoptr(SchCase) b = sch_case_new ("B-EMPLOYED");
  g_autofree char *json = sch_case_dup_data_json (a);

  g_assert_true (g_uuid_string_is_valid (sch_case_get_uuid (a)));
  g_assert_cmpstr (sch_case_get_uuid (a), !=, sch_case_get_uuid (b));
  g_assert_cmpstr (sch_case_get_type_code (a), ==, "B-EMPLOYED");
  g_assert_cmpint (sch_case_get_state (a), ==, SCH_CASE_STATE_DRAFT);
  g_assert_cmpint (sch_case_get_created (a), >, 0);
  g_assert_null (sch_case_get_reference (a));
  g_assert_false (sch_case_is_dirty (a));
  g_assert_cmpstr (json, ==, "{}");
}

static void
test_case_plain_values (void)
{
  g_autoptr(SchCase) kase = sch_case_new ("B-EMPLOYED");
  guint changed = 0;

  g_signal_connect (kase, "changed", G_CALLBACK (count_changed), &changed);

  g_assert_null (sch_case_get_value (kase, "person", 0, "official_name"));

  sch_case_set_value (kase, "person", 0, "official_name", "Müller");
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "official_name"), ==, "Müller");
  /* The index means nothing for a plain group. */
  g_assert_cmpstr (sch_case_get_value (kase, "person", 3, "official_name"), ==, "Müller");
  g_assert_cmpuint (changed, ==, 1);
  g_assert_true (sch_case_is_dirty (kase));

  /* The same value again is no change. */
  sch_case_set_value (kase, "person", 0, "official_name", "Müller");
  g_assert_cmpuint (changed, ==, 1);

  sch_case_mark_saved (kase);
  g_assert_false (sch_case_is_dirty (kase));

  sch_case_set_value (kase, "person", 0, "official_name", "Meier");
  g_assert_cmpuint (changed, ==, 2);
  g_assert_true (sch_case_is_dirty (kase));

  /* "" and NULL remove the value; an emptied group disappears. */
  sch_case_set_value (kase, "person", 0, "official_name", "");
  g_assert_null (sch_case_get_value (kase, "person", 0, "official_name"));
  g_assert_cmpuint (changed, ==, 3);
  {
    g_autofree char *json = sch_case_dup_data_json (kase);
    g_assert_cmpstr (json, ==, "{}");
  }

  /* Removing what is not there changes nothing. */
  sch_case_set_value (kase, "address", 0, "town", NULL);
  g_assert_cmpuint (changed, ==, 3);

  sch_case_set_reference (kase, "SG-2026-0001");
  g_assert_cmpstr (sch_case_get_reference (kase), ==, "SG-2026-0001");
  g_assert_cmpuint (changed, ==, 4);
}

static void
test_case_repeatable (void)
{
  g_autoptr(SchCase) kase = sch_case_new ("FAMILY");
  guint changed = 0;
  guint index;

  g_signal_connect (kase, "changed", G_CALLBACK (count_changed), &changed);

  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 0);

  index = sch_case_add_item (kase, "family");
  g_assert_cmpuint (index, ==, 0);
  g_assert_cmpuint (changed, ==, 1);
  index = sch_case_add_item (kase, "family");
  g_assert_cmpuint (index, ==, 1);
  index = sch_case_add_item (kase, "family");
  g_assert_cmpuint (index, ==, 2);
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 3);

  sch_case_set_value (kase, "family", 0, "first_names", "Ana");
  sch_case_set_value (kase, "family", 1, "first_names", "Luís");
  sch_case_set_value (kase, "family", 2, "first_names", "Inês");
  g_assert_cmpuint (changed, ==, 6);

  g_assert_cmpstr (sch_case_get_value (kase, "family", 1, "first_names"), ==, "Luís");
  g_assert_null (sch_case_get_value (kase, "family", 3, "first_names"));

  sch_case_mark_saved (kase);
  sch_case_remove_item (kase, "family", 1);
  g_assert_true (sch_case_is_dirty (kase));
  g_assert_cmpuint (changed, ==, 7);
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 2);
  g_assert_cmpstr (sch_case_get_value (kase, "family", 0, "first_names"), ==, "Ana");
  g_assert_cmpstr (sch_case_get_value (kase, "family", 1, "first_names"), ==, "Inês");

  /* An emptied value in an item keeps the item. */
  sch_case_set_value (kase, "family", 0, "first_names", NULL);
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 2);
}

static void
test_case_json_round_trip (void)
{
  g_autoptr(SchCase) kase = sch_case_new ("FAMILY");
  g_autoptr(SchCase) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_copy = NULL;

  sch_case_set_value (kase, "person", 0, "official_name", "Nguyễn");
  sch_case_set_value (kase, "person", 0, "first_names", "Thị \"Lan\"");
  sch_case_set_value (kase, "address", 0, "town", "St. Gallen");
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 0, "official_name", "O'Brien");
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 1, "relationship", "child");
  json = sch_case_dup_data_json (kase);

  copy = sch_case_new_full (sch_case_get_uuid (kase), "FAMILY", SCH_CASE_STATE_COMPLETE,
                            1000, 2000, "SG-1", json, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_false (sch_case_is_dirty (copy));
  g_assert_cmpint (sch_case_get_state (copy), ==, SCH_CASE_STATE_COMPLETE);
  g_assert_cmpint (sch_case_get_created (copy), ==, 1000);
  g_assert_cmpint (sch_case_get_modified (copy), ==, 2000);
  g_assert_cmpstr (sch_case_get_reference (copy), ==, "SG-1");
  g_assert_cmpstr (sch_case_get_value (copy, "person", 0, "official_name"), ==, "Nguyễn");
  g_assert_cmpstr (sch_case_get_value (copy, "person", 0, "first_names"), ==, "Thị \"Lan\"");
  g_assert_cmpuint (sch_case_get_n_items (copy, "family"), ==, 2);
  g_assert_cmpstr (sch_case_get_value (copy, "family", 0, "official_name"), ==, "O'Brien");
  g_assert_cmpstr (sch_case_get_value (copy, "family", 1, "relationship"), ==, "child");

  json_copy = sch_case_dup_data_json (copy);
  g_assert_cmpstr (json_copy, ==, json);
}

static void
test_case_bad_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) empty = NULL;
  SchCase *kase;

  kase = sch_case_new_full ("0b7e6f39-4b5e-4f0a-9a55-2f1c2d3e4f50", "B", SCH_CASE_STATE_DRAFT,
                            1, 1, NULL, "{\"person\": ", &error);
  g_assert_null (kase);
  g_assert_nonnull (error);
  g_clear_error (&error);

  kase = sch_case_new_full ("0b7e6f39-4b5e-4f0a-9a55-2f1c2d3e4f50", "B", SCH_CASE_STATE_DRAFT,
                            1, 1, NULL, "[1, 2]", &error);
  g_assert_null (kase);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_clear_error (&error);

  /* A value that is not a string reads as unset. */
  empty = sch_case_new_full ("0b7e6f39-4b5e-4f0a-9a55-2f1c2d3e4f50", "B", SCH_CASE_STATE_DRAFT,
                             1, 1, "", "{\"person\": {\"sex\": 1}}", &error);
  g_assert_no_error (error);
  g_assert_null (sch_case_get_value (empty, "person", 0, "sex"));
  g_assert_null (sch_case_get_reference (empty));
}

static void
test_case_display_name (void)
{
  g_autoptr(SchCase) kase = sch_case_new ("B-EMPLOYED");
  char *name;

  g_assert_null (sch_case_dup_display_name (kase));

  sch_case_set_value (kase, "person", 0, "official_name", "Müller");
  name = sch_case_dup_display_name (kase);
  g_assert_cmpstr (name, ==, "Müller");
  g_free (name);

  sch_case_set_value (kase, "person", 0, "first_names", "Anna Maria");
  name = sch_case_dup_display_name (kase);
  g_assert_cmpstr (name, ==, "Müller, Anna Maria");
  g_free (name);

  /* A family member's name is not the applicant's. */
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 0, "official_name", "Rossi");
  name = sch_case_dup_display_name (kase);
  g_assert_cmpstr (name, ==, "Müller, Anna Maria");
  g_free (name);
}

static gboolean
has_word (const char *text,
          const char *word)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);

  return g_strv_contains ((const char * const *) words, word);
}

static void
test_case_search_text (void)
{
  g_autoptr(SchCase) kase = sch_case_new ("FAMILY");
  g_autofree char *text = NULL;
  g_autofree char *decomposed = NULL;

  sch_case_set_value (kase, "person", 0, "official_name", "Müller");
  sch_case_set_value (kase, "person", 0, "first_names", "Anna");
  sch_case_set_value (kase, "person", 0, "original_name", "Keller");
  sch_case_set_value (kase, "person", 0, "ahv", "756.1234.5678.97");
  sch_case_set_value (kase, "person", 0, "zemis", "12345678.9");
  sch_case_set_value (kase, "person", 0, "passport_number", "X1234567");
  sch_case_set_value (kase, "address", 0, "town", "Wil");
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 0, "first_names", "Jonas");
  sch_case_set_value (kase, "family", 0, "zemis", "87654321.0");
  sch_case_set_reference (kase, "SG-2026-0001");

  text = sch_case_dup_search_text (kase);
  g_assert_true (has_word (text, "Müller"));
  g_assert_true (has_word (text, "Anna"));
  g_assert_true (has_word (text, "Keller"));
  g_assert_true (has_word (text, "756.1234.5678.97"));
  g_assert_true (has_word (text, "7561234567897"));
  g_assert_true (has_word (text, "12345678.9"));
  g_assert_true (has_word (text, "123456789"));
  g_assert_true (has_word (text, "Jonas"));
  g_assert_true (has_word (text, "876543210"));
  g_assert_true (has_word (text, "SG-2026-0001"));
  /* Not searchable: what the list would never be searched by. */
  g_assert_false (has_word (text, "X1234567"));
  g_assert_false (has_word (text, "Wil"));

  /* Letters without a separable accent are also indexed in Latin. */
  sch_case_set_value (kase, "person", 0, "call_name", "Yılmaz Straße");
  g_clear_pointer (&text, g_free);
  text = sch_case_dup_search_text (kase);
  g_assert_true (has_word (text, "Yılmaz"));
  g_assert_true (has_word (text, "Yilmaz"));
  g_assert_true (has_word (text, "Strasse"));

  /* A decomposed "ü" is indexed composed, as the search query is. */
  sch_case_set_value (kase, "person", 0, "official_name", "Mu\xcc\x88ller");
  decomposed = sch_case_dup_search_text (kase);
  g_assert_true (has_word (decomposed, "Müller"));
}

static void
test_case_states (void)
{
  SchCaseState state;

  for (guint i = 0; i < SCH_N_CASE_STATES; i++)
    {
      const char *name = sch_case_state_to_string (i);

      g_assert_nonnull (name);
      g_assert_true (sch_case_state_from_string (name, &state));
      g_assert_cmpint (state, ==, i);
      g_assert_cmpstr (sch_case_state_get_label (i), !=, "");
    }

  g_assert_cmpstr (sch_case_state_to_string (SCH_CASE_STATE_AWAITING_SIGNATURE), ==, "awaiting-signature");
  g_assert_cmpstr (sch_case_state_to_string (SCH_CASE_STATE_NEEDS_ATTENTION), ==, "needs-attention");
  g_assert_false (sch_case_state_from_string ("Draft", &state));
  g_assert_false (sch_case_state_from_string (NULL, &state));

  /* Only a draft, or one the office sent back, is edited. */
  g_assert_true (sch_case_state_is_editable (SCH_CASE_STATE_DRAFT));
  g_assert_true (sch_case_state_is_editable (SCH_CASE_STATE_NEEDS_ATTENTION));
  g_assert_false (sch_case_state_is_editable (SCH_CASE_STATE_COMPLETE));
  g_assert_false (sch_case_state_is_editable (SCH_CASE_STATE_SIGNED));
  g_assert_false (sch_case_state_is_editable (SCH_CASE_STATE_SUBMITTED));

  /* The clerk changes documents in a draft, in a case the office sent back
   * and in one it asks more of; the signed-form intake also files into a
   * case awaiting signature; nothing goes in once the case is queued. */
  g_assert_true (sch_case_state_takes_documents (SCH_CASE_STATE_DOCUMENTS_REQUESTED));
  g_assert_false (sch_case_state_takes_documents (SCH_CASE_STATE_COMPLETE));
  g_assert_false (sch_case_state_documents_fixed (SCH_CASE_STATE_AWAITING_SIGNATURE));
  g_assert_true (sch_case_state_documents_fixed (SCH_CASE_STATE_QUEUED));
  g_assert_true (sch_case_state_documents_fixed (SCH_CASE_STATE_CLOSED));
  for (guint i = 0; i < SCH_N_CASE_STATES; i++)
    g_assert_false (sch_case_state_takes_documents (i) && sch_case_state_documents_fixed (i));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/case/states", test_case_states);
  g_test_add_func ("/case/new", test_case_new);
  g_test_add_func ("/case/plain-values", test_case_plain_values);
  g_test_add_func ("/case/repeatable", test_case_repeatable);
  g_test_add_func ("/case/json-round-trip", test_case_json_round_trip);
  g_test_add_func ("/case/bad-json", test_case_bad_json);
  g_test_add_func ("/case/display-name", test_case_display_name);
  g_test_add_func ("/case/search-text", test_case_search_text);

  return g_test_run ();
}
