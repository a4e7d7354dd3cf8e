#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sch-case-check.h"
#include "sch-catalog.h"
#include "sch-store-pages.h"
#include "sch-wire.h"

static SchCatalog *catalog;
static GDate today;

/* A realistic valid value for a field, as stored (dates in ISO). */
static const char *
valid_value (const SchField *field)
{
  switch (field->kind)
    {
    case SCH_FIELD_CHOICE:
      return ((const SchChoice *) g_ptr_array_index (field->choices, 0))->value;
    case SCH_FIELD_COUNTRY:
    case SCH_FIELD_NATIONALITY:
      return "IT";
    case SCH_FIELD_MUNICIPALITY:
      return "3203";
    case SCH_FIELD_TEXT:
    case SCH_FIELD_DATE:
    case SCH_FIELD_MULTILINE:
    default:
      break;
    }

  switch (field->validator)
    {
    case SCH_VALIDATOR_NAME: return "Rossi";
    case SCH_VALIDATOR_AHV: return "756.1234.5678.97";
    case SCH_VALIDATOR_ZEMIS: return "12345678.9";
    case SCH_VALIDATOR_UID: return "CHE-116.281.710";
    case SCH_VALIDATOR_POSTAL_CODE: return "9000";
    case SCH_VALIDATOR_MUNICIPALITY: return "3203";
    case SCH_VALIDATOR_COUNTRY: return "IT";
    case SCH_VALIDATOR_NATIONALITY: return "IT";
    case SCH_VALIDATOR_DATE_OF_BIRTH: return "1990-05-14";
    case SCH_VALIDATOR_DATE: return "2025-03-01";
    case SCH_VALIDATOR_DATE_PAST: return "2020-01-15";
    case SCH_VALIDATOR_DATE_EXPIRY: return "2030-06-30";
    case SCH_VALIDATOR_PHONE: return "+41 71 224 21 11";
    case SCH_VALIDATOR_EMAIL: return "anna.rossi@example.ch";
    case SCH_VALIDATOR_STREET: return "Bahnhofstrasse";
    case SCH_VALIDATOR_HOUSE_NUMBER: return "12a";
    case SCH_VALIDATOR_TOWN: return "St. Gallen";
    case SCH_VALIDATOR_FOREIGN_POSTAL_CODE: return "20121";
    case SCH_VALIDATOR_PERMIT_CATEGORY: return "0201";
    case SCH_VALIDATOR_PASSPORT_NUMBER: return "YA1234567";
    case SCH_VALIDATOR_INTEGER: return "80";
    case SCH_VALIDATOR_NONE:
    case SCH_VALIDATOR_INVALID:
    case SCH_N_VALIDATORS:
    default:
      /* Short free-text fields are numbers like a dwelling number. */
      if (field->max_length > 0 && field->max_length < 60)
        return "12";
      return "Bachelor in business administration";
    }
}

static void
fill_item (SchCase *kase, const SchFieldGroup *group, guint index)
{
  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);

      sch_case_set_value (kase, group->id, index, field->id, valid_value (field));
    }
}

static SchCase *
filled_case (SchAppType *type)
{
  SchCase *kase = sch_case_new (sch_app_type_get_code (type));
  GPtrArray *groups = sch_app_type_get_groups (type);

  for (guint i = 0; i < groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, i);

      if (group->repeatable)
        {
          guint n = MAX (group->min_items, 2);

          if (group->max_items > 0)
            n = MIN (n, group->max_items);
          for (guint j = 0; j < n; j++)
            fill_item (kase, group, sch_case_add_item (kase, group->id));
        }
      else
        {
          fill_item (kase, group, 0);
        }
    }

  return kase;
}

static const SchCaseProblem *
find_problem (GPtrArray *problems, const char *group, guint index, const char *field)
{
  for (guint i = 0; i < problems->len; i++)
    {
      const SchCaseProblem *problem = g_ptr_array_index (problems, i);

      if (g_str_equal (problem->group, group) && problem->index == index &&
          g_strcmp0 (problem->field, field) == 0)
        return problem;
    }

  return NULL;
}

/* Every type filed here, i.e. every type a clerk captures. */
static GPtrArray *
captured_types (void)
{
  GListModel *types = sch_catalog_get_types (catalog);
  GPtrArray *result = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
        g_ptr_array_add (result, g_steal_pointer (&type));
    }

  g_assert_cmpuint (result->len, >, 0);
  return result;
}

static void
test_empty_case (void)
{
  g_autoptr(GPtrArray) types = captured_types ();

  for (guint t = 0; t < types->len; t++)
    {
      SchAppType *type = g_ptr_array_index (types, t);
      const SchFieldGroup *person = sch_app_type_lookup_group (type, "person");
      g_autoptr(SchCase) kase = sch_case_new (sch_app_type_get_code (type));
      g_autoptr(GPtrArray) problems = sch_case_check (kase, type, &today);
      guint n_required = 0;

      g_assert_nonnull (person);
      for (guint i = 0; i < person->fields->len; i++)
        {
          const SchField *field = g_ptr_array_index (person->fields, i);
          const SchCaseProblem *problem;

          if (!field->required)
            {
              g_assert_null (find_problem (problems, "person", 0, field->id));
              continue;
            }

          n_required++;
          problem = find_problem (problems, "person", 0, field->id);
          g_assert_nonnull (problem);
          g_assert_nonnull (strstr (problem->message, sch_text_get (field->label, NULL)));
        }

      g_assert_cmpuint (n_required, >=, 3);
      /* Form order: the person block comes first. */
      g_assert_cmpstr (((SchCaseProblem *) g_ptr_array_index (problems, 0))->group, ==, "person");
    }
}

static void
test_filled_case (void)
{
  g_autoptr(GPtrArray) types = captured_types ();

  for (guint t = 0; t < types->len; t++)
    {
      SchAppType *type = g_ptr_array_index (types, t);
      g_autoptr(SchCase) kase = filled_case (type);
      g_autoptr(GPtrArray) problems = sch_case_check (kase, type, &today);

      for (guint i = 0; i < problems->len; i++)
        g_test_message ("%s: %s", sch_app_type_get_code (type),
                        ((SchCaseProblem *) g_ptr_array_index (problems, i))->message);
      g_assert_cmpuint (problems->len, ==, 0);
    }
}

static void
test_wrong_ahv (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = g_ptr_array_index (types, 0);
  const SchField *field = sch_app_type_lookup_field (type, "person", "ahv");
  g_autoptr(SchCase) kase = filled_case (type);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) expected = NULL;
  const SchCaseProblem *problem;

  g_assert_nonnull (field);
  /* The public example with its last digit changed. */
  sch_case_set_value (kase, "person", 0, "ahv", "756.1234.5678.98");
  problems = sch_case_check (kase, type, &today);

  g_assert_cmpuint (problems->len, ==, 1);
  problem = find_problem (problems, "person", 0, "ahv");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem->message, sch_text_get (field->label, NULL)));

  g_assert_false (sch_case_check_field (field, "756.1234.5678.98", &today, NULL, &expected));
  g_assert_error (expected, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHECK_DIGIT);
  g_assert_cmpstr (problem->message, ==, expected->message);
}

static void
test_check_field_normalizes (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = g_ptr_array_index (types, 0);
  const SchField *ahv = sch_app_type_lookup_field (type, "person", "ahv");
  const SchField *official_name = sch_app_type_lookup_field (type, "person", "official_name");
  g_autofree char *normalized = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_case_check_field (ahv, "7561234567897", &today, &normalized, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, "756.1234.5678.97");

  g_assert_true (official_name->required);
  g_assert_false (sch_case_check_field (official_name, "  ", &today, NULL, &error));
  g_assert_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_REQUIRED);
}

/* The family reunification type: the one whose family group needs members. */
static SchAppType *
find_family_type (const SchFieldGroup **family)
{
  g_autoptr(GPtrArray) types = captured_types ();

  for (guint t = 0; t < types->len; t++)
    {
      SchAppType *type = g_ptr_array_index (types, t);
      const SchFieldGroup *group = sch_app_type_lookup_group (type, "family");

      if (group != NULL && group->repeatable && group->min_items > 0)
        {
          *family = group;
          return g_object_ref (type);
        }
    }

  return NULL;
}

static void
test_family_without_members (void)
{
  const SchFieldGroup *family = NULL;
  g_autoptr(SchAppType) type = find_family_type (&family);
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  const SchCaseProblem *problem;

  g_assert_nonnull (type);
  kase = filled_case (type);
  while (sch_case_get_n_items (kase, "family") > 0)
    sch_case_remove_item (kase, "family", 0);

  problems = sch_case_check (kase, type, &today);
  g_assert_cmpuint (problems->len, ==, 1);
  problem = find_problem (problems, "family", 0, NULL);
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem->message, sch_text_get (family->title, NULL)));

  /* A member with an empty required field is reported with its index. */
  sch_case_add_item (kase, "family");
  fill_item (kase, family, sch_case_add_item (kase, "family"));
  fill_item (kase, family, 0);
  sch_case_set_value (kase, "family", 1, "official_name", NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = sch_case_check (kase, type, &today);
  g_assert_cmpuint (problems->len, ==, 1);
  g_assert_nonnull (find_problem (problems, "family", 1, "official_name"));
}

/* The case as the migration office receives it. */
static JsonNode *
sent_body (SchCase *kase)
{
  SchWireOffice office = { 3203, "Anna Keller", "akeller" };
  g_autoptr(GPtrArray) manifest = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = sch_wire_case_body (kase, &office, manifest, 0, &error);
  JsonNode *root;

  g_assert_no_error (error);
  root = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  return root;
}

static JsonObject *
sent_nationality (SchCase *kase)
{
  g_autoptr(JsonNode) root = sent_body (kase);
  JsonObject *person = json_object_get_object_member (json_node_get_object (root), "person");

  return json_object_ref (json_object_get_object_member (person, "nationality"));
}

/* eCH-0011's alliance name, the name on the foreign passport and the
 * permit's first day reach the office in their eCH places, not among the
 * other fields. */
static void
test_ech_fields (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *object, *passport_name;

  for (guint i = 0; i < types->len && type == NULL; i++)
    if (sch_app_type_lookup_group (g_ptr_array_index (types, i), "permit") != NULL)
      type = g_ptr_array_index (types, i);
  g_assert_nonnull (type);
  kase = filled_case (type);
  g_assert_nonnull (sch_app_type_lookup_field (type, "person", "alliance_name"));
  g_assert_nonnull (sch_app_type_lookup_field (type, "permit", "valid_from"));
  sch_case_set_value (kase, "person", 0, "alliance_name", "Keller");
  sch_case_set_value (kase, "person", 0, "passport_official_name", "Mueller");
  sch_case_set_value (kase, "person", 0, "passport_first_names", "Juergen");
  sch_case_set_value (kase, "permit", 0, "valid_from", "2024-07-01");
  root = sent_body (kase);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "person"),
                                                  "allianceName"), ==, "Keller");
  passport_name = json_object_get_object_member (json_object_get_object_member (object, "person"),
                                                 "nameOnForeignPassport");
  g_assert_nonnull (passport_name);
  g_assert_cmpstr (json_object_get_string_member (passport_name, "name"), ==, "Mueller");
  g_assert_cmpstr (json_object_get_string_member (passport_name, "firstName"), ==, "Juergen");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "residencePermit"),
                                                  "residencePermitValidFrom"), ==, "2024-07-01");
}

/* A stateless applicant, or one whose nationality is unknown, can be
 * captured completely and is sent with the eCH-0011 nationality status. */
static void
test_nationality_status (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = g_ptr_array_index (types, 0);
  const SchField *field = sch_app_type_lookup_field (type, "person", "nationality");
  g_autoptr(SchCase) kase = filled_case (type);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(JsonObject) nationality = NULL;

  g_assert_nonnull (field);
  g_assert_cmpint (field->kind, ==, SCH_FIELD_NATIONALITY);

  nationality = sent_nationality (kase);
  g_assert_cmpstr (json_object_get_string_member (nationality, "nationalityStatus"), ==, "2");
  g_assert_true (json_object_has_member (nationality, "countries"));
  g_clear_pointer (&nationality, json_object_unref);

  sch_case_set_value (kase, "person", 0, "nationality", SCH_NATIONALITY_STATELESS);
  problems = sch_case_check (kase, type, &today);
  g_assert_cmpuint (problems->len, ==, 0);
  nationality = sent_nationality (kase);
  g_assert_cmpstr (json_object_get_string_member (nationality, "nationalityStatus"), ==, "1");
  g_assert_false (json_object_has_member (nationality, "countries"));
  g_clear_pointer (&nationality, json_object_unref);

  sch_case_set_value (kase, "person", 0, "nationality", SCH_NATIONALITY_UNKNOWN);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = sch_case_check (kase, type, &today);
  g_assert_cmpuint (problems->len, ==, 0);
  nationality = sent_nationality (kase);
  g_assert_cmpstr (json_object_get_string_member (nationality, "nationalityStatus"), ==, "0");
  g_assert_false (json_object_has_member (nationality, "countries"));

  /* Empty is still "required", not "unknown". */
  sch_case_set_value (kase, "person", 0, "nationality", NULL);
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = sch_case_check (kase, type, &today);
  g_assert_nonnull (find_problem (problems, "person", 0, "nationality"));
}

static void
test_choice_not_in_choices (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = g_ptr_array_index (types, 0);
  const SchField *sex = sch_app_type_lookup_field (type, "person", "sex");
  g_autoptr(SchCase) kase = filled_case (type);
  g_autoptr(GPtrArray) problems = NULL;
  const SchCaseProblem *problem;

  g_assert_nonnull (sex);
  g_assert_cmpint (sex->kind, ==, SCH_FIELD_CHOICE);
  sch_case_set_value (kase, "person", 0, "sex", "7");
  sch_case_set_value (kase, "person", 0, "nationality", "XX");
  problems = sch_case_check (kase, type, &today);

  g_assert_cmpuint (problems->len, ==, 2);
  problem = find_problem (problems, "person", 0, "sex");
  g_assert_nonnull (problem);
  g_assert_nonnull (strstr (problem->message, sch_text_get (sex->label, NULL)));
  g_assert_nonnull (find_problem (problems, "person", 0, "nationality"));
}

/* "Mark complete" also needs every required document: filled or to follow. */
static void
test_documents (void)
{
  g_autoptr(GPtrArray) types = captured_types ();
  SchAppType *type = g_ptr_array_index (types, 0);
  GPtrArray *slots = sch_app_type_get_slots (type);
  g_autoptr(GPtrArray) statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_status_free);
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_case_problem_free);
  const SchDocSlot *required = NULL;
  guint n_required = 0;

  for (guint i = 0; i < slots->len; i++)
    {
      SchSlotStatus *status = g_new0 (SchSlotStatus, 1);

      status->slot = g_ptr_array_index (slots, i);
      g_ptr_array_add (statuses, status);
      if (status->slot->required)
        {
          n_required++;
          required = required != NULL ? required : status->slot;
        }
    }
  g_assert_nonnull (required);

  /* Nothing there: one problem per required slot, naming the document. */
  sch_case_check_documents (statuses, problems);
  g_assert_cmpuint (problems->len, ==, n_required);
  g_assert_nonnull (find_problem (problems, SCH_CASE_PROBLEM_DOCUMENTS, 0, required->id));
  g_assert_nonnull (strstr (((SchCaseProblem *) g_ptr_array_index (problems, 0))->message,
                            sch_text_get (required->title, NULL)));

  /* Every required slot filled (enough pages) or to follow: none. */
  for (guint i = 0; i < statuses->len; i++)
    {
      SchSlotStatus *status = g_ptr_array_index (statuses, i);

      if (i % 2 == 0)
        status->n_pages = MAX (status->slot->min_pages, 1);
      else
        status->to_follow = TRUE;
    }
  g_ptr_array_set_size (problems, 0);
  sch_case_check_documents (statuses, problems);
  g_assert_cmpuint (problems->len, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  g_setenv ("LANGUAGE", "en", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_date_clear (&today, 1);
  g_date_set_dmy (&today, 15, G_DATE_JUNE, 2025);

  catalog = sch_catalog_new ();
  if (!sch_catalog_load_builtin (catalog, &error))
    g_error ("The built-in catalog does not load: %s", error->message);

  g_test_add_func ("/case-check/empty", test_empty_case);
  g_test_add_func ("/case-check/filled", test_filled_case);
  g_test_add_func ("/case-check/wrong-ahv", test_wrong_ahv);
  g_test_add_func ("/case-check/normalizes", test_check_field_normalizes);
  g_test_add_func ("/case-check/family-without-members", test_family_without_members);
  g_test_add_func ("/case-check/choice-not-in-choices", test_choice_not_in_choices);
  g_test_add_func ("/case-check/documents", test_documents);
  g_test_add_func ("/case-check/nationality-status", test_nationality_status);
  g_test_add_func ("/case-check/ech-fields", test_ech_fields);

  result = g_test_run ();
  g_object_unref (catalog);

  return result;
}
