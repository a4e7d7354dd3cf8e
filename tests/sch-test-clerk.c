/* What a clerk types into a case editor, shared by the UI tests: every
 * field of a type filled through its widget with a valid value. */
#include "config.h"

#include "sch-case-check.h"
#include "sch-field-row.h"
#include "sch-refdata.h"
#include "sch-test-clerk.h"
#include "sch-test-ui.h"

/* What a clerk would type into a field (dates the Swiss way): a family
 * from Italy, the applicant Giulia, her husband Marco and their son Luca. */
static const char *
typed_value (const SchField *field, const char *group, guint index)
{
  gboolean member = g_str_equal (group, "family");

  if (g_str_equal (field->id, "first_names"))
    return !member ? "Giulia Maria" : index == 0 ? "Marco" : "Luca";
  if (g_str_equal (field->id, "call_name"))
    return "Giulia";
  if (g_str_equal (field->id, "original_name"))
    return "Bianchi";
  if (g_str_equal (field->id, "date_of_birth"))
    return !member ? "14.05.1990" : index == 0 ? "22.11.1988" : "03.09.2015";
  if (g_str_equal (group, "employer") && g_str_equal (field->id, "name"))
    return "Bühler Maschinenbau AG";

  switch (field->validator)
    {
    case SCH_VALIDATOR_NAME: return "Rossi";
    case SCH_VALIDATOR_AHV: return "756.1234.5678.97";
    case SCH_VALIDATOR_ZEMIS: return member ? "87654321.0" : "012345678.9";
    case SCH_VALIDATOR_UID: return "CHE-116.281.710";
    case SCH_VALIDATOR_POSTAL_CODE: return "9000";
    case SCH_VALIDATOR_DATE_OF_BIRTH: return "14.05.1990";
    case SCH_VALIDATOR_DATE: return "01.03.2025";
    case SCH_VALIDATOR_DATE_PAST: return "15.01.2020";
    case SCH_VALIDATOR_DATE_EXPIRY: return "30.06.2034";
    case SCH_VALIDATOR_PHONE: return "+41 71 224 21 11";
    case SCH_VALIDATOR_EMAIL: return "giulia.rossi@example.ch";
    case SCH_VALIDATOR_STREET: return "Rorschacher Strasse";
    case SCH_VALIDATOR_HOUSE_NUMBER: return "12a";
    case SCH_VALIDATOR_TOWN: return "St. Gallen";
    case SCH_VALIDATOR_FOREIGN_POSTAL_CODE: return "20121";
    case SCH_VALIDATOR_PERMIT_CATEGORY: return "0201";
    case SCH_VALIDATOR_PASSPORT_NUMBER: return member ? "YB7654321" : "YA1234567";
    case SCH_VALIDATOR_INTEGER: return "80";
    case SCH_VALIDATOR_MUNICIPALITY: return "3203";
    case SCH_VALIDATOR_COUNTRY: return "IT";
    case SCH_VALIDATOR_NATIONALITY: return "IT";
    case SCH_VALIDATOR_NONE:
    case SCH_VALIDATOR_INVALID:
    case SCH_N_VALIDATORS:
    default:
      /* Short free-text fields are numbers like a dwelling number. */
      if (field->max_length > 0 && field->max_length < 60)
        return "12";
      return "Master in computer science at the University of St. Gallen";
    }
}

/* The stored value of the choice a clerk would pick. */
static const char *
picked_choice (const SchField *field, const char *group, guint index)
{
  const char *wanted = NULL;

  if (g_str_equal (field->id, "sex"))
    wanted = g_str_equal (group, "family") && index == 0 ? "1" : "2";
  else if (g_str_equal (field->id, "marital_status"))
    wanted = "2";
  else if (g_str_equal (field->id, "relationship"))
    wanted = index == 0 ? "spouse" : "child";

  for (guint i = 0; wanted != NULL && i < field->choices->len; i++)
    {
      const SchChoice *choice = g_ptr_array_index (field->choices, i);

      if (g_str_equal (choice->value, wanted))
        return choice->value;
    }

  return ((const SchChoice *) g_ptr_array_index (field->choices, 0))->value;
}

/* The dropdown item a clerk would pick, as shown. */
static char *
picked_label (const SchField *field, const char *group, guint index)
{
  switch (field->kind)
    {
    case SCH_FIELD_CHOICE:
      {
        const char *value = picked_choice (field, group, index);

        for (guint i = 0; i < field->choices->len; i++)
          {
            const SchChoice *choice = g_ptr_array_index (field->choices, i);

            if (g_str_equal (choice->value, value))
              return g_strdup (sch_text_get (choice->label, NULL));
          }
        g_assert_not_reached ();
      }
    case SCH_FIELD_COUNTRY:
    case SCH_FIELD_NATIONALITY:
      return g_strdup (sch_country_get_name (sch_refdata_lookup_country ("IT"), NULL));
    case SCH_FIELD_MUNICIPALITY:
      return g_strdup ("3203 St. Gallen");
    case SCH_FIELD_TEXT:
    case SCH_FIELD_DATE:
    case SCH_FIELD_MULTILINE:
    default:
      g_assert_not_reached ();
    }
}

static void
collect_rows (GtkWidget *widget, GPtrArray *rows)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (SCH_IS_FIELD_ROW (child))
        g_ptr_array_add (rows, child);
      else
        collect_rows (child, rows);
    }
}

GPtrArray *
sch_test_clerk_rows (GtkWidget *editor)
{
  GPtrArray *rows = g_ptr_array_new ();

  collect_rows (editor, rows);
  return rows;
}

SchFieldRow *
sch_test_clerk_find_row (GtkWidget *editor, const char *group, guint index, const char *field)
{
  g_autoptr(GPtrArray) rows = sch_test_clerk_rows (editor);

  for (guint i = 0; i < rows->len; i++)
    {
      SchFieldRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (sch_field_row_get_group (row), group) &&
          sch_field_row_get_index (row) == index &&
          g_str_equal (sch_field_row_get_field (row)->id, field))
        return row;
    }

  return NULL;
}

void
sch_test_clerk_pick (GtkDropDown *dropdown, const char *label)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_equal (gtk_string_object_get_string (item), label))
        {
          gtk_widget_grab_focus (GTK_WIDGET (dropdown));
          gtk_drop_down_set_selected (dropdown, i);
          return;
        }
    }

  g_error ("No item “%s” in a dropdown", label);
}

/* Fills one row through its widget, as the clerk would. */
void
sch_test_clerk_fill_row (SchFieldRow *row)
{
  const SchField *field = sch_field_row_get_field (row);
  GtkWidget *input = sch_field_row_get_input (row);

  if (GTK_IS_DROP_DOWN (input))
    {
      g_autofree char *label = picked_label (field, sch_field_row_get_group (row),
                                             sch_field_row_get_index (row));

      sch_test_clerk_pick (GTK_DROP_DOWN (input), label);
    }
  else if (GTK_IS_TEXT_VIEW (input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (input));

      gtk_widget_grab_focus (input);
      gtk_text_buffer_set_text (buffer, "", -1);
      gtk_text_buffer_insert_at_cursor (buffer, typed_value (field, sch_field_row_get_group (row),
                                                                sch_field_row_get_index (row)), -1);
    }
  else
    {
      sch_test_ui_type (input, typed_value (field, sch_field_row_get_group (row),
                                           sch_field_row_get_index (row)));
    }
}

void
sch_test_clerk_add_items (GtkWidget *editor, SchAppType *type)
{
  GPtrArray *groups = sch_app_type_get_groups (type);

  for (guint i = 0; i < groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *label = NULL;
      guint n;

      if (!group->repeatable)
        continue;

      n = MAX (group->min_items, 2);
      if (group->max_items > 0)
        n = MIN (n, group->max_items);
      label = g_strdup_printf ("Add an entry to “%s”", sch_text_get (group->title, NULL));
      for (guint j = 0; j < n; j++)
        {
          GtkWidget *add = sch_test_ui_find (editor, GTK_TYPE_BUTTON, label);

          g_assert_nonnull (add);
          g_assert_true (gtk_widget_is_sensitive (add));
          g_signal_emit_by_name (add, "clicked");
          sch_test_ui_wait (10);
        }
    }
}

/* The canonical form of what @row shows, to compare across restarts. */
static char *
normalized_value (SchFieldRow *row)
{
  g_autofree char *value = sch_field_row_dup_value (row);
  g_autoptr(GError) error = NULL;
  char *normalized = NULL;

  if (!sch_case_check_field (sch_field_row_get_field (row), value, NULL, &normalized, &error))
    g_error ("%s.%s holds an invalid value: %s", sch_field_row_get_group (row),
             sch_field_row_get_field (row)->id, error->message);

  return normalized;
}

GHashTable *
sch_test_clerk_values (GtkWidget *root)
{
  GHashTable *values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) rows = sch_test_clerk_rows (root);

  for (guint i = 0; i < rows->len; i++)
    {
      SchFieldRow *row = g_ptr_array_index (rows, i);

      g_hash_table_insert (values,
                           g_strdup_printf ("%s/%u/%s", sch_field_row_get_group (row),
                                            sch_field_row_get_index (row),
                                            sch_field_row_get_field (row)->id),
                           normalized_value (row));
    }

  return values;
}

void
sch_test_clerk_assert_values (GtkWidget *root, GHashTable *expected)
{
  g_autoptr(GHashTable) shown = sch_test_clerk_values (root);
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (g_hash_table_size (shown), ==, g_hash_table_size (expected));
  g_hash_table_iter_init (&iter, expected);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_test_message ("%s", (const char *) key);
      g_assert_cmpstr (g_hash_table_lookup (shown, key), ==, value);
    }
}
