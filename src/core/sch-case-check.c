#define G_LOG_DOMAIN "sch-case-check"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-check.h"
#include "sch-refdata.h"
#include "sch-store-pages.h"

void
sch_case_problem_free (SchCaseProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->group);
  g_free (problem->field);
  g_free (problem->message);
  g_free (problem);
}

static SchCaseProblem *
problem_new (const char *group, guint index, const char *field, const char *message)
{
  SchCaseProblem *problem = g_new0 (SchCaseProblem, 1);

  problem->group = g_strdup (group);
  problem->index = index;
  problem->field = g_strdup (field);
  problem->message = g_strdup (message);

  return problem;
}

static gboolean
is_blank (const char *value)
{
  if (value == NULL)
    return TRUE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

static gboolean
check_choice (const SchField *field, const char *label, const char *value, GError **error)
{
  for (guint i = 0; field->choices != NULL && i < field->choices->len; i++)
    {
      const SchChoice *choice = g_ptr_array_index (field->choices, i);

      if (g_strcmp0 (choice->value, value) == 0)
        return TRUE;
    }

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
               _("“%s” must be one of the offered choices."), label);
  return FALSE;
}

static gboolean
check_country (const char *label, const char *value, GError **error)
{
  if (sch_refdata_lookup_country (value) != NULL)
    return TRUE;

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
               _("“%s” must be a country from the list."), label);
  return FALSE;
}

static gboolean
check_municipality (const char *label, const char *value, GError **error)
{
  char *end = NULL;
  guint64 bfs;

  bfs = g_ascii_strtoull (value, &end, 10);
  if (end != value && *end == '\0' && bfs <= G_MAXUINT &&
      sch_refdata_lookup_municipality ((guint) bfs) != NULL)
    return TRUE;

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
               _("“%s” must be a municipality from the list."), label);
  return FALSE;
}

/* A field's own max_length narrows the validator's default limit. */
static gboolean
check_max_length (const SchField *field, const char *label, const char *value, GError **error)
{
  if (field->max_length == 0 || g_utf8_strlen (value, -1) <= (glong) field->max_length)
    return TRUE;

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_TOO_LONG,
               g_dngettext (GETTEXT_PACKAGE,
                            "“%s” may have at most %u character.",
                            "“%s” may have at most %u characters.",
                            field->max_length),
               label, field->max_length);
  return FALSE;
}

gboolean
sch_case_check_field (const SchField *field,
                      const char     *value,
                      const GDate    *today,
                      char          **normalized,
                      GError        **error)
{
  g_autofree char *result = NULL;
  const char *label;

  g_return_val_if_fail (field != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  label = sch_text_get (field->label, NULL);

  if (is_blank (value))
    {
      if (field->required)
        return sch_validate_required (label, value, error);
      if (normalized != NULL)
        *normalized = NULL;
      return TRUE;
    }

  switch (field->kind)
    {
    case SCH_FIELD_CHOICE:
      if (!check_choice (field, label, value, error))
        return FALSE;
      break;
    case SCH_FIELD_COUNTRY:
      if (!check_country (label, value, error))
        return FALSE;
      break;
    case SCH_FIELD_NATIONALITY:
      if (!g_str_equal (value, SCH_NATIONALITY_STATELESS) &&
          !g_str_equal (value, SCH_NATIONALITY_UNKNOWN) &&
          !check_country (label, value, error))
        return FALSE;
      break;
    case SCH_FIELD_MUNICIPALITY:
      if (!check_municipality (label, value, error))
        return FALSE;
      break;
    case SCH_FIELD_TEXT:
    case SCH_FIELD_DATE:
    case SCH_FIELD_MULTILINE:
    default:
      break;
    }

  if (field->validator == SCH_VALIDATOR_NONE)
    {
      if (!sch_validate_text (label, value, field->max_length, &result, error))
        return FALSE;
    }
  else if (!sch_validate (field->validator, label, value, today, &result, error))
    {
      return FALSE;
    }

  if (!check_max_length (field, label, result != NULL ? result : value, error))
    return FALSE;

  if (normalized != NULL)
    *normalized = result != NULL ? g_steal_pointer (&result) : g_strdup (value);

  return TRUE;
}

static void
check_item (SchCase             *kase,
            const SchFieldGroup *group,
            guint                index,
            const GDate         *today,
            GPtrArray           *problems)
{
  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);
      const char *value = sch_case_get_value (kase, group->id, index, field->id);
      g_autoptr(GError) error = NULL;

      if (!sch_case_check_field (field, value, today, NULL, &error))
        g_ptr_array_add (problems, problem_new (group->id, index, field->id, error->message));
    }
}

static void
check_group_count (const SchFieldGroup *group, guint n_items, GPtrArray *problems)
{
  const char *title = sch_text_get (group->title, NULL);
  g_autofree char *message = NULL;

  if (n_items < group->min_items)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” needs at least %u entry.",
                                            "“%s” needs at least %u entries.",
                                            group->min_items),
                               title, group->min_items);
  else if (group->max_items > 0 && n_items > group->max_items)
    message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "“%s” may have at most %u entry.",
                                            "“%s” may have at most %u entries.",
                                            group->max_items),
                               title, group->max_items);

  if (message != NULL)
    g_ptr_array_add (problems, problem_new (group->id, 0, NULL, message));
}

GPtrArray *
sch_case_check (SchCase *kase, SchAppType *type, const GDate *today)
{
  GPtrArray *problems;
  GPtrArray *groups;

  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);

  problems = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_case_problem_free);
  groups = sch_app_type_get_groups (type);

  for (guint i = 0; i < groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, i);

      if (group->repeatable)
        {
          guint n_items = sch_case_get_n_items (kase, group->id);

          check_group_count (group, n_items, problems);
          for (guint j = 0; j < n_items; j++)
            check_item (kase, group, j, today, problems);
        }
      else
        {
          check_item (kase, group, 0, today, problems);
        }
    }

  return problems;
}

void
sch_case_check_documents (GPtrArray *statuses,
                          GPtrArray *problems)
{
  g_return_if_fail (statuses != NULL);
  g_return_if_fail (problems != NULL);

  for (guint i = 0; i < statuses->len; i++)
    {
      const SchSlotStatus *status = g_ptr_array_index (statuses, i);
      g_autofree char *message = sch_slot_status_dup_problem (status);

      if (message != NULL)
        g_ptr_array_add (problems, problem_new (SCH_CASE_PROBLEM_DOCUMENTS, 0, status->slot->id, message));
    }
}
