/* The catalog: every shipped type is complete and loads; override files of an
 * office replace and add types; a broken override file is skipped whole with
 * a message naming the file and the place inside it. */

#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "sch-catalog.h"
#include "sch-refdata.h"

#define BUILTIN_PATH "/io/github/schalter/Schalter/catalog"

static const char * const shipped_codes[] = {
  "first-permit-eu-employed",
  "first-permit-eu-not-employed",
  "first-permit-third-country-employed",
  "extension-l",
  "extension-b",
  "extension-c",
  "family-reunification",
  "settlement-c-ordinary",
  "settlement-c-early",
  "cross-border-g",
  "change-of-canton",
  "change-of-job",
  "change-of-address",
  "change-of-civil-status",
  "deregistration",
  "duplicate-card",
  "file-inspection",
};

static SchCatalog *
builtin_catalog (void)
{
  g_autoptr(GError) error = NULL;
  SchCatalog *catalog = sch_catalog_new ();

  g_assert_true (sch_catalog_load_builtin (catalog, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (sch_catalog_get_problems (catalog)->len, ==, 0);
  return catalog;
}

static void
assert_text_complete (const SchText *text,
                      const char    *what)
{
  g_assert_nonnull (text);
  for (guint lang = 0; lang < SCH_N_LANGS; lang++)
    if (sch_text_get_exact (text, lang) == NULL)
      g_error ("%s has no text in “%s”", what, sch_lang_to_string (lang));
}

/* sch_text_get() falls back to the very string of another language, so four
 * distinct pointers mean that all four languages are there. */
typedef const char *(*TextGetter) (SchAppType *type, const char *lang);

static void
assert_type_text_complete (SchAppType *type,
                           TextGetter  getter,
                           const char *what)
{
  const char *texts[SCH_N_LANGS];

  for (guint lang = 0; lang < SCH_N_LANGS; lang++)
    {
      texts[lang] = getter (type, sch_lang_to_string (lang));
      if (texts[lang] == NULL)
        g_error ("%s of %s is missing", what, sch_app_type_get_code (type));
      for (guint other = 0; other < lang; other++)
        if (texts[other] == texts[lang])
          g_error ("%s of %s lacks “%s” or “%s”", what, sch_app_type_get_code (type),
                   sch_lang_to_string (other), sch_lang_to_string (lang));
    }
}

static void
test_builtin_loads (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  GListModel *types = sch_catalog_get_types (catalog);

  g_assert_cmpuint (g_list_model_get_n_items (types), >=, G_N_ELEMENTS (shipped_codes));
  for (guint i = 0; i < G_N_ELEMENTS (shipped_codes); i++)
    {
      SchAppType *type = sch_catalog_lookup (catalog, shipped_codes[i]);

      if (type == NULL)
        g_error ("The shipped type %s is missing", shipped_codes[i]);
      g_assert_cmpstr (sch_app_type_get_code (type), ==, shipped_codes[i]);
      g_assert_true (g_str_has_prefix (sch_app_type_get_source (type), "resource:///"));
    }
  g_assert_null (sch_catalog_lookup (catalog, "no-such-type"));
}

static void
assert_group_complete (const SchFieldGroup *group,
                       const char          *code)
{
  g_autofree char *what = g_strdup_printf ("%s: group %s", code, group->id);

  assert_text_complete (group->title, what);
  g_assert_cmpuint (group->fields->len, >, 0);
  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);
      g_autofree char *field_what = g_strdup_printf ("%s, field %s", what, field->id);

      assert_text_complete (field->label, field_what);
      g_assert_cmpint (field->validator, !=, SCH_VALIDATOR_INVALID);
      g_assert_true ((field->kind == SCH_FIELD_CHOICE) == (field->choices != NULL));
      for (guint j = 0; field->choices != NULL && j < field->choices->len; j++)
        {
          const SchChoice *choice = g_ptr_array_index (field->choices, j);

          assert_text_complete (choice->label, field_what);
          g_assert_cmpstr (choice->value, !=, "");
        }
    }
}

static void
test_builtin_complete (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  GListModel *types = sch_catalog_get_types (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);
      const char *code = sch_app_type_get_code (type);
      GPtrArray *groups = sch_app_type_get_groups (type);
      GPtrArray *slots = sch_app_type_get_slots (type);

      assert_type_text_complete (type, sch_app_type_get_title, "The title");
      assert_type_text_complete (type, sch_app_type_get_description, "The description");
      assert_type_text_complete (type, sch_app_type_get_filing_info, "The filing information");
      g_assert_nonnull (sch_filing_to_string (sch_app_type_get_filing (type)));
      g_assert_cmpuint (sch_app_type_get_signers (type)->len, >, 0);
      g_assert_cmpuint (slots->len, >, 0);

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
        {
          const SchField *name = sch_app_type_lookup_field (type, "person", "official_name");

          if (name == NULL || !name->required)
            g_error ("%s is filed here but has no required person.official_name", code);
          g_assert_nonnull (sch_app_type_lookup_field (type, "person", "first_names"));
        }
      else
        {
          /* Types filed elsewhere only get an information sheet. */
          g_assert_cmpuint (groups->len, ==, 0);
          g_assert_nonnull (strstr (sch_app_type_get_filing_info (type, "de"), "St. Gallen"));
        }

      for (guint j = 0; j < groups->len; j++)
        assert_group_complete (g_ptr_array_index (groups, j), code);
      for (guint j = 0; j < slots->len; j++)
        {
          const SchDocSlot *slot = g_ptr_array_index (slots, j);

          assert_text_complete (slot->title, slot->id);
          g_assert_true (slot->max_pages == 0 || slot->min_pages <= slot->max_pages);
        }
    }
}

static void
test_builtin_filing_places (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  struct { const char *code; SchFiling filing; } expected[] = {
    { "first-permit-eu-employed", SCH_FILING_HERE },
    { "first-permit-third-country-employed", SCH_FILING_MIGRATION_OFFICE },
    { "extension-l", SCH_FILING_HERE },
    { "extension-b", SCH_FILING_MIGRATION_OFFICE },
    { "extension-c", SCH_FILING_MIGRATION_OFFICE },
    { "family-reunification", SCH_FILING_HERE },
    { "settlement-c-ordinary", SCH_FILING_MIGRATION_OFFICE },
    { "cross-border-g", SCH_FILING_EASYGOV },
    { "change-of-canton", SCH_FILING_HERE },
    { "change-of-job", SCH_FILING_MIGRATION_OFFICE },
    { "deregistration", SCH_FILING_HERE },
    { "duplicate-card", SCH_FILING_MIGRATION_OFFICE },
    { "file-inspection", SCH_FILING_MIGRATION_OFFICE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      SchAppType *type = sch_catalog_lookup (catalog, expected[i].code);

      g_assert_nonnull (type);
      g_assert_cmpstr (sch_filing_to_string (sch_app_type_get_filing (type)), ==,
                       sch_filing_to_string (expected[i].filing));
    }

  g_assert_nonnull (strstr (sch_app_type_get_filing_info (sch_catalog_lookup (catalog, "extension-b"), "de"),
                            "St. Leonhard-Strasse 40, 9001 St. Gallen"));
  g_assert_nonnull (strstr (sch_app_type_get_filing_info (sch_catalog_lookup (catalog, "cross-border-g"), "fr"),
                            "https://www.easygov.swiss"));
  /* L or B depends on the contract's duration: the catalog does not claim one. */
  g_assert_null (sch_app_type_get_permit_category (sch_catalog_lookup (catalog, "first-permit-eu-employed")));
  g_assert_cmpstr (sch_app_type_get_permit_category (sch_catalog_lookup (catalog, "first-permit-eu-not-employed")), ==, "0201");
  g_assert_cmpstr (sch_app_type_get_permit_category (sch_catalog_lookup (catalog, "extension-l")), ==, "0701");
}

static void
assert_signers (SchCatalog      *catalog,
                const char      *code,
                const SchSigner *expected,
                guint            n_expected)
{
  GArray *signers = sch_app_type_get_signers (sch_catalog_lookup (catalog, code));

  g_assert_cmpuint (signers->len, ==, n_expected);
  for (guint i = 0; i < n_expected; i++)
    g_assert_cmpstr (sch_signer_to_string (g_array_index (signers, SchSigner, i)), ==,
                     sch_signer_to_string (expected[i]));
}

static void
test_builtin_signers (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  const SchSigner family[] = { SCH_SIGNER_SPONSOR, SCH_SIGNER_SPOUSE };
  const SchSigner employed[] = { SCH_SIGNER_APPLICANT, SCH_SIGNER_EMPLOYER };
  const SchSigner cross_border[] = { SCH_SIGNER_EMPLOYER };
  const SchSigner inspection[] = { SCH_SIGNER_AUTHORITY };

  assert_signers (catalog, "family-reunification", family, G_N_ELEMENTS (family));
  assert_signers (catalog, "first-permit-eu-employed", employed, G_N_ELEMENTS (employed));
  assert_signers (catalog, "cross-border-g", cross_border, G_N_ELEMENTS (cross_border));
  assert_signers (catalog, "file-inspection", inspection, G_N_ELEMENTS (inspection));
}

static void
test_builtin_fees (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  struct { const char *code; guint rappen; } expected[] = {
    { "first-permit-eu-employed", 9500 },
    { "extension-l", 7500 },
    { "extension-c", 6500 },
    { "change-of-canton", 9500 },
    { "change-of-address", 3000 },
    { "deregistration", 2500 },
    { "duplicate-card", 4000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpuint (sch_app_type_get_fee (sch_catalog_lookup (catalog, expected[i].code)), ==, expected[i].rappen);
}

static void
test_builtin_group_changes (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  SchAppType *employed = sch_catalog_lookup (catalog, "first-permit-eu-employed");
  SchAppType *extension = sch_catalog_lookup (catalog, "extension-l");
  SchAppType *family = sch_catalog_lookup (catalog, "family-reunification");
  const SchFieldGroup *members;

  /* The shared employer group is optional; employed types require it. */
  g_assert_true (sch_app_type_lookup_field (employed, "employer", "name")->required);
  g_assert_false (sch_app_type_lookup_field (employed, "employer", "uid")->required);
  g_assert_false (sch_app_type_lookup_field (extension, "employer", "name")->required);
  g_assert_null (sch_app_type_lookup_group (employed, "family"));

  members = sch_app_type_lookup_group (family, "family");
  g_assert_nonnull (members);
  g_assert_true (members->repeatable);
  g_assert_cmpuint (members->min_items, ==, 1);
  g_assert_true (sch_field_group_lookup_field (members, "official_name")->searchable);
  g_assert_cmpstr (sch_text_get (sch_app_type_lookup_group (family, "person")->title, "en"), ==, "Person living here");
  g_assert_cmpstr (sch_text_get (sch_app_type_lookup_group (employed, "person")->title, "en"), ==, "Person");
  g_assert_cmpint (sch_app_type_lookup_field (employed, "person", "ahv")->validator, ==, SCH_VALIDATOR_AHV);
  g_assert_cmpint (sch_app_type_lookup_field (employed, "person", "sex")->kind, ==, SCH_FIELD_CHOICE);
  g_assert_cmpstr (sch_text_get (sch_app_type_lookup_field (employed, "person", "date_of_birth")->hint, "de"), ==, "TT.MM.JJJJ");
}

/* Reads every built-in file as plain JSON, independently of the loader. */
static void
test_builtin_files (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  g_autoptr(GHashTable) codes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto(GStrv) children = g_resources_enumerate_children (BUILTIN_PATH, 0, NULL);

  g_assert_nonnull (children);
  for (guint i = 0; children[i] != NULL; i++)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s", BUILTIN_PATH, children[i]);
      g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, NULL);
      g_autoptr(JsonParser) parser = json_parser_new ();
      const char *data;
      gsize size;
      JsonObject *root;

      g_assert_nonnull (bytes);
      data = g_bytes_get_data (bytes, &size);
      /* Swiss German spelling, and nowhere else does "ß" belong. */
      if (g_strstr_len (data, (gssize) size, "ß") != NULL)
        g_error ("%s contains “ß”", children[i]);

      g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, NULL));
      root = json_node_get_object (json_parser_get_root (parser));
      if (!json_object_has_member (root, "types"))
        continue;
      for (guint j = 0; j < json_array_get_length (json_object_get_array_member (root, "types")); j++)
        {
          JsonObject *type = json_array_get_object_element (json_object_get_array_member (root, "types"), j);
          const char *code = json_object_get_string_member (type, "code");

          if (!g_hash_table_add (codes, g_strdup (code)))
            g_error ("The code %s is used twice in the built-in catalog", code);
        }
    }
  g_assert_cmpuint (g_hash_table_size (codes), ==, g_list_model_get_n_items (sch_catalog_get_types (catalog)));
}

static void
test_types_sorted (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  GListModel *types = sch_catalog_get_types (catalog);

  g_assert_true (g_list_model_get_item_type (types) == SCH_TYPE_APP_TYPE);
  for (guint i = 1; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) previous = g_list_model_get_item (types, i - 1);
      g_autoptr(SchAppType) current = g_list_model_get_item (types, i);

      g_assert_cmpint (g_utf8_collate (sch_app_type_get_title (previous, NULL),
                                       sch_app_type_get_title (current, NULL)), <=, 0);
    }
}

static void
test_text_fallback (void)
{
  g_autoptr(SchText) text = sch_text_new ();

  sch_text_set (text, SCH_LANG_DE, "Gesuch");
  g_assert_cmpstr (sch_text_get (text, "fr"), ==, "Gesuch");
  g_assert_cmpstr (sch_text_get (text, "xx"), ==, "Gesuch");
  sch_text_set (text, SCH_LANG_EN, "Application");
  g_assert_cmpstr (sch_text_get (text, "it"), ==, "Application");
  g_assert_cmpstr (sch_text_get (text, "de"), ==, "Gesuch");
  sch_text_set (text, SCH_LANG_IT, "Domanda");
  g_assert_cmpstr (sch_text_get (text, "it"), ==, "Domanda");
  g_assert_cmpstr (sch_text_get (text, NULL), ==, sch_text_get (text, sch_ui_language ()));
  g_assert_null (sch_text_get (NULL, "de"));

  {
    g_autoptr(SchText) only_it = sch_text_new ();

    sch_text_set (only_it, SCH_LANG_IT, "Domanda");
    g_assert_cmpstr (sch_text_get (only_it, "en"), ==, "Domanda");
  }
}

static void
test_enums (void)
{
  SchSigner signer;
  SchFiling filing;

  for (guint i = SCH_SIGNER_APPLICANT; i <= SCH_SIGNER_AUTHORITY; i++)
    {
      g_assert_true (sch_signer_from_string (sch_signer_to_string (i), &signer));
      g_assert_cmpuint (signer, ==, i);
      g_assert_cmpstr (sch_signer_get_label (i), !=, "");
    }
  g_assert_cmpstr (sch_signer_to_string (SCH_SIGNER_LEGAL_REPRESENTATIVE), ==, "legal-representative");
  g_assert_false (sch_signer_from_string ("notary", &signer));

  for (guint i = SCH_FILING_HERE; i <= SCH_FILING_EASYGOV; i++)
    {
      g_assert_true (sch_filing_from_string (sch_filing_to_string (i), &filing));
      g_assert_cmpuint (filing, ==, i);
    }
  g_assert_cmpstr (sch_filing_to_string (SCH_FILING_MIGRATION_OFFICE), ==, "migration-office");
  g_assert_false (sch_filing_from_string ("post", &filing));
}

/* Override files */

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_assert_cmpint (g_unlink (child), ==, 0);
    }
  g_assert_cmpint (g_rmdir (path), ==, 0);
}

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_mkdir_with_parents (dir, 0700) == 0);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

#define GOOD_OVERRIDE \
  "{\n" \
  "  \"version\": 1,\n" \
  "  \"groups\": [\n" \
  "    { \"id\": \"parking\", \"title\": { \"de\": \"Parkplatz\", \"en\": \"Parking\" },\n" \
  "      \"fields\": [ { \"id\": \"plate\", \"label\": { \"en\": \"Number plate\" }, \"required\": true } ] }\n" \
  "  ],\n" \
  "  \"types\": [\n" \
  "    { \"code\": \"extension-l\", \"title\": { \"de\": \"L-Verlängerung (Gemeinde X)\", \"en\": \"L extension (office X)\" },\n" \
  "      \"filing\": \"here\", \"permit_category\": \"0701\", \"groups\": [ \"person\", \"address\" ],\n" \
  "      \"signers\": [ \"applicant\" ], \"fee_chf\": 60 },\n" \
  "    { \"code\": \"residence-confirmation\", \"title\": { \"de\": \"Wohnsitzbestätigung\" },\n" \
  "      \"filing\": \"here\",\n" \
  "      \"groups\": [ { \"use\": \"person\", \"required\": { \"passport_number\": false } }, \"parking\" ],\n" \
  "      \"documents\": [ { \"id\": \"card\", \"title\": { \"fr\": \"Livret\" }, \"required\": true, \"max_pages\": 2 } ],\n" \
  "      \"signers\": [ \"applicant\", \"legal-representative\" ], \"fee_chf\": 22.5 }\n" \
  "  ]\n" \
  "}\n"

/* A valid first type, so that a test sees that nothing of a broken file is applied. */
#define VALID_TYPE \
  "{ \"code\": \"broken-file-type\", \"title\": { \"en\": \"From a broken file\" }, " \
  "\"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ] }"

typedef struct {
  const char     *name;
  const char     *contents;
  SchCatalogError code;
  const char     *where;      /* expected in the message */
} BrokenCase;

static const BrokenCase broken_cases[] = {
  { "bad-json.json",
    "{\n  \"version\": 1,\n  \"types\": [ " VALID_TYPE ",\n    , ]\n}\n",
    SCH_CATALOG_ERROR_PARSE, "line 4" },
  { "unknown-validator.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"x\", \"title\": { \"en\": \"X\" }, \"filing\": \"here\", \"signers\": [ \"applicant\" ],\n"
    "    \"groups\": [ \"person\", { \"id\": \"extra\", \"title\": { \"en\": \"Extra\" }, \"fields\": [\n"
    "      { \"id\": \"number\", \"label\": { \"en\": \"Number\" }, \"validator\": \"ahvx\" } ] } ] } ] }\n",
    SCH_CATALOG_ERROR_UNKNOWN_VALIDATOR, "$.types[1].groups[1].fields[0].validator" },
  { "duplicate-code.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ", " VALID_TYPE " ] }\n",
    SCH_CATALOG_ERROR_DUPLICATE_CODE, "$.types[1].code" },
  { "missing-title.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"untitled\", \"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ] } ] }\n",
    SCH_CATALOG_ERROR_MISSING_TITLE, "$.types[1].title:" },
  { "empty-title.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"untitled\", \"title\": {}, \"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ] } ] }\n",
    SCH_CATALOG_ERROR_MISSING_TITLE, "$.types[1].title" },
  { "unknown-group.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"x\", \"title\": { \"en\": \"X\" }, \"filing\": \"here\", \"groups\": [ \"persn\" ], \"signers\": [ \"applicant\" ] } ] }\n",
    SCH_CATALOG_ERROR_UNKNOWN_GROUP, "$.types[1].groups[0]" },
  { "unknown-member.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"x\", \"title\": { \"en\": \"X\" }, \"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ], \"fees\": 5 } ] }\n",
    SCH_CATALOG_ERROR_INVALID, "$.types[1].fees" },
  { "unknown-required-field.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"x\", \"title\": { \"en\": \"X\" }, \"filing\": \"here\", \"signers\": [ \"applicant\" ],\n"
    "    \"groups\": [ { \"use\": \"employer\", \"required\": { \"salary\": true } } ] } ] }\n",
    SCH_CATALOG_ERROR_INVALID, "$.types[1].groups[0].required.salary" },
  { "elsewhere-without-info.json",
    "{ \"version\": 1, \"types\": [ " VALID_TYPE ",\n"
    "  { \"code\": \"x\", \"title\": { \"en\": \"X\" }, \"filing\": \"easygov\", \"signers\": [ \"employer\" ] } ] }\n",
    SCH_CATALOG_ERROR_MISSING_TITLE, "$.types[1].filing_info:" },
  { "wrong-version.json",
    "{ \"version\": 2, \"types\": [ " VALID_TYPE " ] }\n",
    SCH_CATALOG_ERROR_INVALID, "$.version" },
};

static void
test_override_good (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  g_autofree char *tmp = g_dir_make_tmp ("schalter-catalog-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, "50-office.json", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (tmp);
  guint n_builtin = g_list_model_get_n_items (sch_catalog_get_types (catalog));
  SchAppType *extension;
  SchAppType *added;
  const SchDocSlot *slot;

  write_file (tmp, "50-office.json", GOOD_OVERRIDE);
  write_file (tmp, "notes.txt", "not a catalog file");
  sch_catalog_load_dir (catalog, dir);

  g_assert_cmpuint (sch_catalog_get_problems (catalog)->len, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (sch_catalog_get_types (catalog)), ==, n_builtin + 1);

  extension = sch_catalog_lookup (catalog, "extension-l");
  g_assert_cmpstr (sch_app_type_get_title (extension, "en"), ==, "L extension (office X)");
  g_assert_cmpstr (sch_app_type_get_title (extension, "fr"), ==, "L extension (office X)");
  g_assert_cmpstr (sch_app_type_get_source (extension), ==, path);
  g_assert_cmpuint (sch_app_type_get_fee (extension), ==, 6000);
  g_assert_null (sch_app_type_lookup_group (extension, "permit"));

  added = sch_catalog_lookup (catalog, "residence-confirmation");
  g_assert_nonnull (added);
  g_assert_cmpstr (sch_app_type_get_title (added, "it"), ==, "Wohnsitzbestätigung");
  g_assert_null (sch_app_type_get_description (added, NULL));
  g_assert_cmpuint (sch_app_type_get_fee (added), ==, 2250);
  g_assert_null (sch_app_type_get_permit_category (added));
  g_assert_false (sch_app_type_lookup_field (added, "person", "passport_number")->required);
  g_assert_true (sch_app_type_lookup_field (added, "person", "official_name")->required);
  g_assert_true (sch_app_type_lookup_field (added, "parking", "plate")->required);
  g_assert_cmpuint (g_array_index (sch_app_type_get_signers (added), SchSigner, 1), ==, SCH_SIGNER_LEGAL_REPRESENTATIVE);
  slot = g_ptr_array_index (sch_app_type_get_slots (added), 0);
  g_assert_cmpstr (slot->id, ==, "card");
  g_assert_cmpuint (slot->min_pages, ==, 1);
  g_assert_cmpuint (slot->max_pages, ==, 2);

  /* The shared person group is untouched by the other type's change. */
  g_assert_true (sch_app_type_lookup_field (sch_catalog_lookup (catalog, "first-permit-eu-employed"),
                                            "person", "passport_number")->required);

  remove_tree (tmp);
}

static void
test_override_broken (gconstpointer data)
{
  const BrokenCase *broken = data;
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  g_autofree char *tmp = g_dir_make_tmp ("schalter-catalog-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (tmp, broken->name, NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (tmp);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  guint n_builtin = g_list_model_get_n_items (sch_catalog_get_types (catalog));
  GPtrArray *problems;
  const char *message;

  write_file (tmp, broken->name, broken->contents);
  write_file (tmp, "zz-good.json", GOOD_OVERRIDE);

  g_assert_false (sch_catalog_load_file (catalog, file, &error));
  g_assert_error (error, SCH_CATALOG_ERROR, (int) broken->code);

  sch_catalog_load_dir (catalog, dir);
  problems = sch_catalog_get_problems (catalog);
  g_assert_cmpuint (problems->len, ==, 1);
  message = g_ptr_array_index (problems, 0);
  g_test_message ("%s", message);
  g_assert_cmpstr (message, ==, error->message);
  if (strstr (message, path) == NULL || strstr (message, broken->where) == NULL)
    g_error ("“%s” does not name %s and %s", message, path, broken->where);

  /* Nothing of the broken file, everything built in, the good file after it. */
  g_assert_null (sch_catalog_lookup (catalog, "broken-file-type"));
  g_assert_cmpuint (g_list_model_get_n_items (sch_catalog_get_types (catalog)), ==, n_builtin + 1);
  for (guint i = 0; i < G_N_ELEMENTS (shipped_codes); i++)
    g_assert_nonnull (sch_catalog_lookup (catalog, shipped_codes[i]));
  g_assert_nonnull (sch_catalog_lookup (catalog, "residence-confirmation"));

  remove_tree (tmp);
}

static void
test_override_missing_dir (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  g_autoptr(GFile) dir = g_file_new_for_path ("/nonexistent/schalter/catalog.d");

  sch_catalog_load_dir (catalog, dir);
  g_assert_cmpuint (sch_catalog_get_problems (catalog)->len, ==, 0);
}

static void
test_override_uses_group_of_earlier_file (void)
{
  g_autoptr(SchCatalog) catalog = builtin_catalog ();
  g_autofree char *tmp = g_dir_make_tmp ("schalter-catalog-XXXXXX", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (tmp);

  write_file (tmp, "10-groups.json",
              "{ \"version\": 1, \"groups\": [ { \"id\": \"vehicle\", \"title\": { \"en\": \"Vehicle\" },"
              " \"fields\": [ { \"id\": \"plate\", \"label\": { \"en\": \"Plate\" } } ] } ] }");
  write_file (tmp, "20-types.json",
              "{ \"version\": 1, \"types\": [ { \"code\": \"vehicle-permit\", \"title\": { \"en\": \"Vehicle\" },"
              " \"filing\": \"here\", \"groups\": [ \"person\", \"vehicle\" ], \"signers\": [ \"applicant\" ] } ] }");
  sch_catalog_load_dir (catalog, dir);

  g_assert_cmpuint (sch_catalog_get_problems (catalog)->len, ==, 0);
  g_assert_nonnull (sch_app_type_lookup_field (sch_catalog_lookup (catalog, "vehicle-permit"), "vehicle", "plate"));

  remove_tree (tmp);
}

/* sch_catalog_new_default() reads the XDG folders, which GLib caches per
 * process: the real work runs in a child with the environment set. */
static void
test_default_catalog (void)
{
  g_autofree char *tmp = NULL;
  g_autofree char *user_dir = NULL;
  g_autofree char *system_dir = NULL;
  g_autofree char *broken_path = NULL;

  if (g_test_subprocess ())
    {
      g_autoptr(SchCatalog) catalog = sch_catalog_new_default ();
      GPtrArray *problems = sch_catalog_get_problems (catalog);

      g_assert_cmpuint (problems->len, ==, 1);
      g_print ("%s\n", (const char *) g_ptr_array_index (problems, 0));
      /* The user's file wins over the system file for the same code. */
      g_assert_cmpstr (sch_app_type_get_title (sch_catalog_lookup (catalog, "extension-l"), "en"), ==,
                       "L extension (office X)");
      g_assert_cmpstr (sch_app_type_get_title (sch_catalog_lookup (catalog, "extension-b"), "en"), ==,
                       "B extension (canton)");
      g_assert_nonnull (sch_catalog_lookup (catalog, "residence-confirmation"));
      for (guint i = 0; i < G_N_ELEMENTS (shipped_codes); i++)
        g_assert_nonnull (sch_catalog_lookup (catalog, shipped_codes[i]));
      return;
    }

  tmp = g_dir_make_tmp ("schalter-catalog-XXXXXX", NULL);
  user_dir = g_build_filename (tmp, "config", "schalter", "catalog.d", NULL);
  system_dir = g_build_filename (tmp, "etc", "schalter", "catalog.d", NULL);
  write_file (system_dir, "10-canton.json",
              "{ \"version\": 1, \"types\": ["
              " { \"code\": \"extension-l\", \"title\": { \"en\": \"L extension (canton)\" },"
              " \"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ] },"
              " { \"code\": \"extension-b\", \"title\": { \"en\": \"B extension (canton)\" },"
              " \"filing\": \"migration-office\", \"filing_info\": { \"en\": \"By post.\" }, \"signers\": [ \"applicant\" ] } ] }");
  write_file (user_dir, "50-office.json", GOOD_OVERRIDE);
  write_file (user_dir, "60-broken.json", broken_cases[1].contents);
  broken_path = g_build_filename (user_dir, "60-broken.json", NULL);

  {
    g_autofree char *config_home = g_build_filename (tmp, "config", NULL);
    g_autofree char *config_dirs = g_build_filename (tmp, "etc", NULL);

    g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
    g_setenv ("XDG_CONFIG_DIRS", config_dirs, TRUE);
  }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("*60-broken.json*$.types[1].groups[1].fields[0].validator*");

  remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/catalog/builtin/loads", test_builtin_loads);
  g_test_add_func ("/catalog/builtin/complete", test_builtin_complete);
  g_test_add_func ("/catalog/builtin/filing-places", test_builtin_filing_places);
  g_test_add_func ("/catalog/builtin/signers", test_builtin_signers);
  g_test_add_func ("/catalog/builtin/fees", test_builtin_fees);
  g_test_add_func ("/catalog/builtin/group-changes", test_builtin_group_changes);
  g_test_add_func ("/catalog/builtin/files", test_builtin_files);
  g_test_add_func ("/catalog/types-sorted", test_types_sorted);
  g_test_add_func ("/catalog/text-fallback", test_text_fallback);
  g_test_add_func ("/catalog/enums", test_enums);
  g_test_add_func ("/catalog/override/good", test_override_good);
  g_test_add_func ("/catalog/override/missing-dir", test_override_missing_dir);
  g_test_add_func ("/catalog/override/group-of-earlier-file", test_override_uses_group_of_earlier_file);
  for (guint i = 0; i < G_N_ELEMENTS (broken_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/catalog/override/broken/%s", broken_cases[i].name);

      g_test_add_data_func (name, &broken_cases[i], test_override_broken);
    }
  g_test_add_func ("/catalog/default", test_default_catalog);

  return g_test_run ();
}
