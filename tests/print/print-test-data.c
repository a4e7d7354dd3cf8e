#include "config.h"

#include <string.h>

#include "print-test-data.h"

static const char * const family_names[TEST_N_FAMILY][2] = {
  { "Иванова", "Дарья Сергеевна" },
  { "王", "小明" },
  { "Núñez García", "José María" },
  { "Øvergård", "Åse" },
  { "Łukasiewicz", "Małgorzata" },
  { "Nguyễn", "Thị Hồng" },
  { "Dürrenmatt-Çelik", "Léa-Chloé" },
  { "Ó Súilleabháin", "Siobhán" },
};

const char *
test_long_street (void)
{
  /* Exactly 100 characters (eCH allows 60; printing must cope anyway). */
  return "Obere Rebbergstrasse beim alten Schulhaus und der Kapelle Sankt Ursula am Hang über dem Zürichsee";
}

void
test_family_name (guint        index,
                  const char **official,
                  const char **first)
{
  g_assert (index < TEST_N_FAMILY);
  *official = family_names[index][0];
  *first = family_names[index][1];
}

SchPrintContext *
test_print_context_new (const char *lang)
{
  SchPrintContext *context = sch_print_context_new ();
  const char * const address[] = { "St. Gallerstrasse 40", "8645 Rapperswil-Jona", NULL };

  g_free (context->lang);
  context->lang = g_strdup (lang);
  context->office_name = g_strdup (TEST_OFFICE);
  context->office_address = g_strdupv ((char **) address);
  context->office_contact = g_strdup ("055 225 71 11, einwohneramt@rapperswil-jona.example");
  context->municipality = 3340;
  context->clerk = g_strdup (TEST_CLERK);
  g_date_time_unref (context->now);
  context->now = g_date_time_new_utc (2026, 3, 14, 10, 30, 0);
  return context;
}

static const char *
value_for (const SchField *field,
           const char     *group)
{
  if (field->kind == SCH_FIELD_CHOICE)
    return ((SchChoice *) g_ptr_array_index (field->choices, field->choices->len > 1 ? 1 : 0))->value;
  if (field->kind == SCH_FIELD_COUNTRY || field->kind == SCH_FIELD_NATIONALITY)
    return "IT";
  if (field->kind == SCH_FIELD_MUNICIPALITY)
    return "3340";
  if (field->kind == SCH_FIELD_DATE)
    switch (field->validator)
      {
      case SCH_VALIDATOR_DATE_OF_BIRTH: return "1988-02-29";
      case SCH_VALIDATOR_DATE_PAST: return "2021-04-01";
      case SCH_VALIDATOR_DATE_EXPIRY: return "2031-09-30";
      default: return "2027-06-30";
      }
  if (g_str_equal (field->id, "dwelling_number"))
    return "0301";
  if (field->kind == SCH_FIELD_MULTILINE)
    return "Ersparnisse von CHF 48 000 auf einem Konto bei der St. Galler Kantonalbank\nund ein Stipendium des Heimatlandes.";

  switch (field->validator)
    {
    case SCH_VALIDATOR_AHV: return TEST_AHV;
    case SCH_VALIDATOR_ZEMIS: return TEST_ZEMIS;
    case SCH_VALIDATOR_UID: return "CHE-109.322.551";
    case SCH_VALIDATOR_POSTAL_CODE: return "8640";
    case SCH_VALIDATOR_FOREIGN_POSTAL_CODE: return "20121";
    case SCH_VALIDATOR_TOWN: return g_str_equal (group, "employer") ? "Rapperswil SG" : "Rapperswil-Jona";
    case SCH_VALIDATOR_STREET: return g_str_equal (group, "employer") ? "Industriestrasse" : test_long_street ();
    case SCH_VALIDATOR_HOUSE_NUMBER: return "12a";
    case SCH_VALIDATOR_PHONE: return "+41 79 123 45 67";
    case SCH_VALIDATOR_EMAIL: return "zoe.duerrenmatt@example.ch";
    case SCH_VALIDATOR_PERMIT_CATEGORY: return "0201";
    case SCH_VALIDATOR_PASSPORT_NUMBER: return "YA1234567";
    case SCH_VALIDATOR_INTEGER:
      if (g_str_equal (field->id, "rooms"))
        return "5";
      if (g_str_equal (field->id, "persons"))
        return "10";
      return g_str_equal (field->id, "rent") ? "2450" : "80";
    case SCH_VALIDATOR_NAME:
      if (g_str_equal (field->id, "first_names") || g_str_equal (field->id, "call_name"))
        return TEST_APPLICANT_FIRST;
      if (g_str_equal (field->id, "original_name"))
        return TEST_ORIGINAL_NAME;
      return TEST_APPLICANT_NAME;
    default:
      return g_str_equal (field->id, "name") ? "Seeblick Präzisionstechnik AG" : "Deutsch, Niveau B1";
    }
}

SchCase *
test_case_new (SchAppType *type)
{
  SchCase *kase = sch_case_new (sch_app_type_get_code (type));
  GPtrArray *groups = sch_app_type_get_groups (type);

  for (guint g = 0; g < groups->len; g++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, g);
      guint n_items = 1;

      if (group->repeatable)
        n_items = g_str_equal (sch_app_type_get_code (type), "family-reunification") ? TEST_N_FAMILY
                                                                                     : MAX (group->min_items, 1);
      for (guint i = 0; i < n_items; i++)
        {
          if (group->repeatable)
            sch_case_add_item (kase, group->id);
          for (guint f = 0; f < group->fields->len; f++)
            {
              const SchField *field = g_ptr_array_index (group->fields, f);
              const char *value = value_for (field, group->id);

              if (group->repeatable && g_str_equal (field->id, "relationship"))
                value = i == 0 ? "spouse" : "child";
              else if (group->repeatable && g_str_equal (field->id, "official_name"))
                value = family_names[i % TEST_N_FAMILY][0];
              else if (group->repeatable && g_str_equal (field->id, "first_names"))
                value = family_names[i % TEST_N_FAMILY][1];
              sch_case_set_value (kase, group->id, i, field->id, value);
            }
        }
    }
  return kase;
}

GPtrArray *
test_documents_new (SchAppType *type,
                    const char *lang)
{
  GPtrArray *slots = sch_app_type_get_slots (type);
  GPtrArray *documents = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_print_doc_entry_free);

  for (guint i = 0; i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);
      gboolean to_follow = i >= (slots->len + 1) / 2;

      g_ptr_array_add (documents, sch_print_doc_entry_new (sch_text_get (slot->title, lang),
                                                           to_follow ? 0 : i + 1, to_follow));
    }
  return documents;
}
