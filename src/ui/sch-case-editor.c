#define G_LOG_DOMAIN "sch-case-editor"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-editor.h"
#include "sch-case-check.h"
#include "sch-field-row.h"
#include "sch-outbox.h"
#include "sch-store-pages.h"

/* Saves wait this long for the clerk to pause typing... */
#define SAVE_DELAY_MS 300
/* ...but a change is never left unsaved for longer than this. */
#define SAVE_MAX_DELAY_MS 1000
/* The summary lists this many problems; the rest are counted. */
#define MAX_LISTED_PROBLEMS 8

struct _SchCaseEditor
{
  AdwBin      parent_instance;

  GtkStack   *stack;
  GtkInfoBar *save_error_bar;
  GtkLabel   *save_error_label;
  GtkLabel   *title_label;
  GtkLabel   *state_badge;
  GtkImage   *status_icon;
  GtkLabel   *status_label;
  GtkWidget  *mark_complete_button;
  GtkWidget  *reopen_button;
  GtkBox     *problem_list;
  GtkBox     *groups_box;
  GtkScrolledWindow *scroller;

  SchStore   *store;
  gulong      case_changed_id;
  SchCase    *kase;
  SchAppType *type;

  GPtrArray  *rows;          /* SchFieldRow*, in form order; owned by the widget tree */
  GHashTable *add_buttons;   /* group id → its "Add" button */
  guint       save_source;
  gint64      first_unsaved; /* monotonic µs of the oldest unsaved change, 0 if none */
  /* "Mark complete" was tried: report every empty required field. */
  gboolean    tried;
};

G_DEFINE_FINAL_TYPE (SchCaseEditor, sch_case_editor, ADW_TYPE_BIN)

static void update_summary (SchCaseEditor *self);

/* Saving */

static void
hide_error (SchCaseEditor *self)
{
  gtk_info_bar_set_revealed (self->save_error_bar, FALSE);
}

G_GNUC_PRINTF (2, 3)
static void
show_error (SchCaseEditor *self, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  gtk_label_set_text (self->save_error_label, text);
  gtk_info_bar_set_revealed (self->save_error_bar, TRUE);
}

static gboolean
save_now (SchCaseEditor *self, GError **error)
{
  g_autoptr(GError) local_error = NULL;

  g_clear_handle_id (&self->save_source, g_source_remove);

  if (self->kase == NULL || self->store == NULL || !sch_case_is_dirty (self->kase))
    {
      self->first_unsaved = 0;
      return TRUE;
    }

  if (!sch_store_save_case (self->store, self->kase, &local_error))
    {
      g_warning ("Could not save a case: %s", local_error->message);
      /* The next change starts a new, debounced attempt. */
      self->first_unsaved = 0;
      show_error (self,
                  _("The latest changes are not saved yet: %s They stay in the form; "
                    "saving is tried again with the next change."),
                  local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  self->first_unsaved = 0;
  hide_error (self);
  return TRUE;
}

static gboolean
on_save_timeout (gpointer user_data)
{
  SchCaseEditor *self = user_data;

  self->save_source = 0;
  save_now (self, NULL);

  return G_SOURCE_REMOVE;
}

/* Debounced, but bounded: the first unsaved change is saved within a second
 * even while the clerk keeps typing. */
static void
schedule_save (SchCaseEditor *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 delay_ms;

  if (self->first_unsaved == 0)
    self->first_unsaved = now;

  delay_ms = SAVE_MAX_DELAY_MS - (now - self->first_unsaved) / 1000;
  delay_ms = CLAMP (delay_ms, 0, SAVE_DELAY_MS);

  g_clear_handle_id (&self->save_source, g_source_remove);
  self->save_source = g_timeout_add ((guint) delay_ms, on_save_timeout, self);
}

static void
on_retry_clicked (SchCaseEditor *self)
{
  save_now (self, NULL);
}

/* Validation of one row */

/* A complete case is read-only in the form until it is reopened, so that
 * what was checked is what gets printed. */
static gboolean
state_allows_editing (SchCaseState state)
{
  return state != SCH_CASE_STATE_COMPLETE && sch_case_state_is_editable (state);
}

/* Without its type (gone from the catalog) a case has no form to edit. */
static gboolean
is_editable (SchCaseEditor *self)
{
  return self->kase != NULL && self->type != NULL &&
         state_allows_editing (sch_case_get_state (self->kase));
}

/* Returns the value to store: the normalised one when valid, else as typed. */
static char *
validate_row (SchCaseEditor *self, SchFieldRow *row, char **normalized)
{
  g_autofree char *value = sch_field_row_dup_value (row);
  g_autofree char *result = NULL;
  g_autoptr(GError) error = NULL;

  if (sch_case_check_field (sch_field_row_get_field (row), value, NULL, &result, &error))
    {
      sch_field_row_set_error (row, NULL);
    }
  else if (g_error_matches (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_REQUIRED) &&
           !sch_field_row_get_touched (row) && !self->tried)
    {
      sch_field_row_set_error (row, NULL);
    }
  else
    {
      sch_field_row_set_error (row, error->message);
    }

  if (normalized != NULL)
    *normalized = g_strdup (result);

  return result != NULL ? g_steal_pointer (&result) : g_steal_pointer (&value);
}

static void
on_row_value_changed (SchCaseEditor *self, SchFieldRow *row)
{
  g_autofree char *value = NULL;

  if (self->kase == NULL || !is_editable (self))
    return;

  value = validate_row (self, row, NULL);
  sch_case_set_value (self->kase, sch_field_row_get_group (row), sch_field_row_get_index (row),
                      sch_field_row_get_field (row)->id, value);
  schedule_save (self);
  update_summary (self);
}

/* Shows "is required" from now on, and the normalised form (AHV with dots,
 * dates the Swiss way) once the clerk has moved on. */
static void
on_row_focus_left (SchCaseEditor *self, SchFieldRow *row)
{
  g_autofree char *normalized = NULL;

  if (self->kase == NULL || !is_editable (self))
    return;

  g_free (validate_row (self, row, &normalized));
  if (normalized != NULL)
    sch_field_row_set_value (row, normalized);
}

static void
on_row_activate_next (SchCaseEditor *self, SchFieldRow *row)
{
  guint position;

  if (!g_ptr_array_find (self->rows, row, &position))
    return;

  for (guint i = position + 1; i < self->rows->len; i++)
    {
      if (gtk_widget_grab_focus (g_ptr_array_index (self->rows, i)))
        return;
    }

  /* With problems left, the summary's first one is the next place to go. */
  if (!gtk_widget_grab_focus (self->mark_complete_button))
    {
      GtkWidget *first_problem = gtk_widget_get_first_child (GTK_WIDGET (self->problem_list));

      if (first_problem != NULL)
        gtk_widget_grab_focus (first_problem);
    }
}

static SchFieldRow *
find_row (SchCaseEditor *self, const char *group, guint index, const char *field)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      SchFieldRow *row = g_ptr_array_index (self->rows, i);

      if (g_str_equal (sch_field_row_get_group (row), group) &&
          sch_field_row_get_index (row) == index &&
          g_str_equal (sch_field_row_get_field (row)->id, field))
        return row;
    }

  return NULL;
}

/* Summary of problems */

/* The form's problems, then the documents' (the checklist of the slots). */
static GPtrArray *
check_case (SchCaseEditor *self)
{
  GPtrArray *problems = sch_case_check (self->kase, self->type, NULL);
  g_autoptr(GPtrArray) statuses = NULL;

  if (self->store != NULL)
    statuses = sch_store_get_slot_status (self->store, self->kase, self->type, NULL);
  if (statuses != NULL)
    sch_case_check_documents (statuses, problems);

  return problems;
}

static void
on_problem_clicked (GtkButton *button, SchCaseEditor *self)
{
  const SchCaseProblem *problem = g_object_get_data (G_OBJECT (button), "problem");
  SchFieldRow *row;

  if (g_str_equal (problem->group, SCH_CASE_PROBLEM_DOCUMENTS))
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.show-documents", "s", problem->field);
      return;
    }

  if (problem->field == NULL)
    {
      GtkWidget *add = g_hash_table_lookup (self->add_buttons, problem->group);

      if (add != NULL)
        gtk_widget_grab_focus (add);
      return;
    }

  row = find_row (self, problem->group, problem->index, problem->field);
  if (row == NULL)
    return;

  sch_field_row_set_touched (row, TRUE);
  g_free (validate_row (self, row, NULL));
  gtk_widget_grab_focus (GTK_WIDGET (row));
}

/* The same field can be in several groups (applicant, family members):
 * the summary says where. */
static char *
problem_text (SchCaseEditor *self, const SchCaseProblem *problem)
{
  const SchFieldGroup *group = sch_app_type_lookup_group (self->type, problem->group);
  const char *title;

  /* The message names the document already. */
  if (g_str_equal (problem->group, SCH_CASE_PROBLEM_DOCUMENTS))
    return g_strdup (problem->message);

  title = group != NULL ? sch_text_get (group->title, NULL) : problem->group;

  if (group != NULL && group->repeatable && problem->field != NULL)
    /* TRANSLATORS: "Family members, entry 2: “Surname” is required." */
    return g_strdup_printf (_("%s, entry %u: %s"), title, problem->index + 1, problem->message);

  /* TRANSLATORS: "Address: “Street” is required." */
  return g_strdup_printf (_("%s: %s"), title, problem->message);
}

static GtkWidget *
problem_button_new (SchCaseEditor *self, SchCaseProblem *problem)
{
  g_autofree char *text = problem_text (self, problem);
  GtkWidget *button = gtk_button_new ();
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "sch-problem");
  gtk_widget_set_tooltip_text (button, g_str_equal (problem->group, SCH_CASE_PROBLEM_DOCUMENTS)
                                       ? _("Go to the documents") : _("Go to the field"));
  g_object_set_data_full (G_OBJECT (button), "problem", problem,
                          (GDestroyNotify) sch_case_problem_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_problem_clicked), self);

  return button;
}

static void
clear_box (GtkBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_box_remove (box, child);
}

static void
update_problem_list (SchCaseEditor *self, GPtrArray *problems)
{
  guint listed = MIN (problems->len, MAX_LISTED_PROBLEMS);

  clear_box (self->problem_list);
  for (guint i = 0; i < listed; i++)
    {
      SchCaseProblem *problem = g_steal_pointer (&g_ptr_array_index (problems, i));

      gtk_box_append (self->problem_list, problem_button_new (self, problem));
    }

  if (problems->len > listed)
    {
      guint rest = problems->len - listed;
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "…and %u more item.",
                                                            "…and %u more items.", rest),
                                               rest);
      GtkWidget *more = gtk_label_new (text);

      gtk_label_set_xalign (GTK_LABEL (more), 0);
      gtk_widget_set_margin_start (more, 6);
      gtk_widget_add_css_class (more, "dim-label");
      gtk_box_append (self->problem_list, more);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->problem_list), problems->len > 0);
}

/* Styled like the case list's badges (state-badge, state-<name>). */
static void
set_state_badge (SchCaseEditor *self, SchCaseState state)
{
  g_autofree char *state_class = g_strconcat ("state-", sch_case_state_to_string (state), NULL);
  const char *classes[] = { "state-badge", state_class, NULL };

  gtk_label_set_text (self->state_badge, sch_case_state_get_label (state));
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_badge), classes);
}

/* What the summary says of a case whose type is not in the catalog: it
 * cannot be checked, so nothing can be completed or reopened. */
static void
update_summary_unknown_type (SchCaseEditor *self)
{
  set_state_badge (self, sch_case_get_state (self->kase));
  gtk_widget_set_visible (self->mark_complete_button, FALSE);
  gtk_widget_set_visible (self->reopen_button, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.mark-complete", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reopen", FALSE);
  gtk_image_set_from_icon_name (self->status_icon, "dialog-warning-symbolic");
  gtk_label_set_text (self->status_label,
                      _("This application type is not in the catalog. The data of the case is kept "
                        "and shown below as stored, but the case cannot be changed, completed or "
                        "printed until your IT support restores the catalog file that defines the type."));
  clear_box (self->problem_list);
  gtk_widget_set_visible (GTK_WIDGET (self->problem_list), FALSE);
}

static void
update_summary (SchCaseEditor *self)
{
  g_autoptr(GPtrArray) problems = NULL;
  SchCaseState state;
  gboolean draft;
  g_autofree char *text = NULL;

  if (self->kase == NULL)
    return;
  if (self->type == NULL)
    {
      update_summary_unknown_type (self);
      return;
    }

  state = sch_case_get_state (self->kase);
  draft = state_allows_editing (state);
  problems = check_case (self);

  set_state_badge (self, state);
  gtk_widget_set_visible (self->mark_complete_button, draft);
  gtk_widget_set_visible (self->reopen_button, state == SCH_CASE_STATE_COMPLETE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.mark-complete",
                                 draft && problems->len == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reopen",
                                 state == SCH_CASE_STATE_COMPLETE);

  if (!draft)
    {
      gtk_image_set_from_icon_name (self->status_icon, "emblem-ok-symbolic");
      if (state == SCH_CASE_STATE_COMPLETE)
        text = g_strdup (_("Complete. Reopen the case to change it."));
      else
        text = g_strdup_printf (_("The case can no longer be changed here (state: %s)."),
                                sch_case_state_get_label (state));
      gtk_label_set_text (self->status_label, text);
      g_ptr_array_set_size (problems, 0);
    }
  else if (problems->len == 0)
    {
      gtk_image_set_from_icon_name (self->status_icon, "emblem-ok-symbolic");
      gtk_label_set_text (self->status_label, _("Ready to mark complete"));
    }
  else
    {
      gtk_image_set_from_icon_name (self->status_icon, "dialog-warning-symbolic");
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Still missing: %u item",
                                           "Still missing: %u items",
                                           problems->len),
                              problems->len);
      gtk_label_set_text (self->status_label, text);
    }

  update_problem_list (self, problems);
}

/* Building the form */

static void
add_row (SchCaseEditor *self, GtkBox *box, const SchField *field, const char *group, guint index)
{
  GtkWidget *row = sch_field_row_new (field, group, index);
  const char *value = sch_case_get_value (self->kase, group, index, field->id);

  sch_field_row_set_value (SCH_FIELD_ROW (row), value);
  /* A value already there that is wrong is shown at once; an empty one only later. */
  g_free (validate_row (self, SCH_FIELD_ROW (row), NULL));
  sch_field_row_set_editable (SCH_FIELD_ROW (row), is_editable (self));
  g_signal_connect_swapped (row, "value-changed", G_CALLBACK (on_row_value_changed), self);
  g_signal_connect_swapped (row, "focus-left", G_CALLBACK (on_row_focus_left), self);
  g_signal_connect_swapped (row, "activate-next", G_CALLBACK (on_row_activate_next), self);

  gtk_box_append (box, row);
  g_ptr_array_add (self->rows, row);
}

static GtkWidget *
fields_box_new (void)
{
  return gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
}

static void
add_fields (SchCaseEditor *self, GtkBox *box, const SchFieldGroup *group, guint index)
{
  for (guint i = 0; i < group->fields->len; i++)
    add_row (self, box, g_ptr_array_index (group->fields, i), group->id, index);
}

static GtkWidget *
item_new (SchCaseEditor *self, const SchFieldGroup *group, guint index)
{
  GtkWidget *item = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *fields = fields_box_new ();
  GtkWidget *title, *remove;
  g_autofree char *title_text = NULL;
  g_autofree char *remove_label = NULL;

  gtk_widget_add_css_class (item, "card");
  gtk_widget_add_css_class (item, "sch-item");

  if (group->item_title != NULL)
    /* TRANSLATORS: the heading of one entry of a list: the catalog's item title
     * ("Family member") and its number */
    title_text = g_strdup_printf (C_("list entry", "%s %u"), sch_text_get (group->item_title, NULL), index + 1);
  else
    /* TRANSLATORS: the heading of one entry of a list, e.g. one family member */
    title_text = g_strdup_printf (_("Entry %u"), index + 1);
  title = gtk_label_new (title_text);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (header), title);

  remove = gtk_button_new_with_mnemonic (_("_Remove"));
  /* TRANSLATORS: %u is the entry's number, %s the list's title ("Family members") */
  remove_label = g_strdup_printf (_("Remove entry %u of “%s”"), index + 1,
                                  sch_text_get (group->title, NULL));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_widget_set_tooltip_text (remove, remove_label);
  gtk_widget_add_css_class (remove, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "editor.remove-item");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "(su)", group->id, index);
  gtk_widget_set_sensitive (remove, is_editable (self));
  gtk_box_append (GTK_BOX (header), remove);

  gtk_box_append (GTK_BOX (item), header);
  add_fields (self, GTK_BOX (fields), group, index);
  gtk_box_append (GTK_BOX (item), fields);

  return item;
}

static GtkWidget *
add_button_new (SchCaseEditor *self, const SchFieldGroup *group, guint n_items)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (group->add_label != NULL
                                                    ? sch_text_get (group->add_label, NULL)
                                                    : _("_Add Entry"));
  g_autofree char *label = g_strdup_printf (_("Add an entry to “%s”"), sch_text_get (group->title, NULL));
  gboolean room = group->max_items == 0 || n_items < group->max_items;

  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  gtk_widget_set_tooltip_text (button, label);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "editor.add-item");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", group->id);
  gtk_widget_set_sensitive (button, room && is_editable (self));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_hash_table_insert (self->add_buttons, g_strdup (group->id), button);

  return button;
}

static GtkWidget *
section_new (SchCaseEditor *self, const SchFieldGroup *group)
{
  GtkWidget *section = adw_preferences_group_new ();
  GtkWidget *content = fields_box_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (section),
                                   sch_text_get (group->title, NULL));
  if (group->description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (section),
                                           sch_text_get (group->description, NULL));
  gtk_widget_set_name (section, group->id);

  if (group->repeatable)
    {
      guint n_items = sch_case_get_n_items (self->kase, group->id);

      adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (section),
                                               add_button_new (self, group, n_items));
      for (guint i = 0; i < n_items; i++)
        gtk_box_append (GTK_BOX (content), item_new (self, group, i));

      if (n_items == 0)
        {
          GtkWidget *empty = gtk_label_new (_("No entries yet."));

          gtk_label_set_xalign (GTK_LABEL (empty), 0);
          gtk_widget_add_css_class (empty, "dim-label");
          gtk_box_append (GTK_BOX (content), empty);
        }
    }
  else
    {
      add_fields (self, GTK_BOX (content), group, 0);
    }

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (section), content);

  return section;
}

/* The migration office refused the case: its field errors are shown at
 * the fields until the clerk changes them. */
static void
show_server_errors (SchCaseEditor *self)
{
  g_autoptr(GPtrArray) errors = NULL;
  g_autoptr(GError) error = NULL;

  if (sch_case_get_state (self->kase) != SCH_CASE_STATE_NEEDS_ATTENTION)
    return;

  errors = sch_outbox_get_field_errors (self->store, self->kase, &error);
  if (errors == NULL)
    {
      show_error (self, _("The migration office’s remarks could not be read: %s"), error->message);
      return;
    }

  for (guint i = 0; i < errors->len; i++)
    {
      SchFieldError *field_error = g_ptr_array_index (errors, i);
      SchFieldRow *row;

      if (field_error->group == NULL)
        continue;
      row = find_row (self, field_error->group, field_error->index, field_error->field);
      if (row != NULL)
        sch_field_row_set_error (row, field_error->message);
    }
}

/* One group (or one entry of a list) of stored values, under the ids the
 * data uses: the labels would have come from the missing type. */
static GtkWidget *
stored_section_new (const char *title, JsonObject *values)
{
  GtkWidget *section = adw_preferences_group_new ();
  JsonObjectIter iter;
  const char *field;
  JsonNode *node;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (section), title);
  json_object_iter_init (&iter, values);
  while (json_object_iter_next (&iter, &field, &node))
    {
      GtkWidget *row = adw_action_row_new ();
      const char *value = JSON_NODE_HOLDS_VALUE (node) ? json_node_get_string (node) : NULL;

      /* The value is what the clerk reads; the field's id only tells which. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), value != NULL ? value : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), field);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (section), row);
    }

  return section;
}

/* A case whose type the catalog no longer has keeps its data visible. */
static void
show_stored_values (SchCaseEditor *self)
{
  g_autofree char *json = sch_case_dup_data_json (self->kase);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  g_autofree char *title = g_strdup_printf (_("Unknown application type “%s”"),
                                            sch_case_get_type_code (self->kase));
  JsonObjectIter iter;
  const char *group;
  JsonNode *node;

  gtk_label_set_text (self->title_label, title);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  json_object_iter_init (&iter, json_node_get_object (root));
  while (json_object_iter_next (&iter, &group, &node))
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        gtk_box_append (self->groups_box, stored_section_new (group, json_node_get_object (node)));
      else if (JSON_NODE_HOLDS_ARRAY (node))
        for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
          {
            JsonNode *item = json_array_get_element (json_node_get_array (node), i);
            g_autofree char *item_title = g_strdup_printf (C_("list entry", "%s %u"), group, i + 1);

            if (JSON_NODE_HOLDS_OBJECT (item))
              gtk_box_append (self->groups_box, stored_section_new (item_title, json_node_get_object (item)));
          }
    }
}

static void
rebuild_form (SchCaseEditor *self)
{
  GPtrArray *groups;

  clear_box (self->groups_box);
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->add_buttons);

  if (self->kase == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  if (self->type == NULL)
    {
      show_stored_values (self);
      update_summary (self);
      gtk_stack_set_visible_child_name (self->stack, "form");
      return;
    }

  gtk_label_set_text (self->title_label, sch_app_type_get_title (self->type, NULL));

  groups = sch_app_type_get_groups (self->type);
  for (guint i = 0; i < groups->len; i++)
    gtk_box_append (self->groups_box, section_new (self, g_ptr_array_index (groups, i)));

  update_summary (self);
  show_server_errors (self);
  gtk_stack_set_visible_child_name (self->stack, "form");
}

/* Actions */

static void
mark_complete (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (widget);
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GError) error = NULL;

  if (self->kase == NULL || self->type == NULL)
    return;

  self->tried = TRUE;
  problems = check_case (self);
  if (problems->len > 0)
    {
      for (guint i = 0; i < self->rows->len; i++)
        g_free (validate_row (self, g_ptr_array_index (self->rows, i), NULL));
      update_summary (self);
      return;
    }

  if (!save_now (self, NULL))
    return;

  if (!sch_store_set_state (self->store, self->kase, SCH_CASE_STATE_COMPLETE, &error))
    {
      show_error (self, _("The case could not be marked complete: %s"), error->message);
      return;
    }

  rebuild_form (self);
  gtk_widget_grab_focus (self->reopen_button);
}

static void
reopen (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (widget);
  g_autoptr(GError) error = NULL;

  if (self->kase == NULL || self->type == NULL || sch_case_get_state (self->kase) != SCH_CASE_STATE_COMPLETE)
    return;

  if (!sch_store_set_state (self->store, self->kase, SCH_CASE_STATE_DRAFT, &error))
    {
      show_error (self, _("The case could not be reopened: %s"), error->message);
      return;
    }

  rebuild_form (self);
  gtk_widget_grab_focus (self->mark_complete_button);
}

static const SchFieldGroup *
first_repeatable_group (SchCaseEditor *self)
{
  GPtrArray *groups = sch_app_type_get_groups (self->type);

  for (guint i = 0; i < groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, i);

      if (group->repeatable)
        return group;
    }

  return NULL;
}

static void
add_item (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (widget);
  const char *group_id = g_variant_get_string (parameter, NULL);
  const SchFieldGroup *group;
  SchFieldRow *row;
  guint index;

  if (self->kase == NULL || !is_editable (self))
    return;

  group = *group_id != '\0' ? sch_app_type_lookup_group (self->type, group_id)
                            : first_repeatable_group (self);
  if (group == NULL || !group->repeatable ||
      (group->max_items > 0 && sch_case_get_n_items (self->kase, group->id) >= group->max_items))
    return;

  index = sch_case_add_item (self->kase, group->id);
  schedule_save (self);
  rebuild_form (self);

  if (group->fields->len > 0 &&
      (row = find_row (self, group->id, index,
                       ((const SchField *) g_ptr_array_index (group->fields, 0))->id)) != NULL)
    gtk_widget_grab_focus (GTK_WIDGET (row));
}

static void
remove_item_now (SchCaseEditor *self, const char *group_id, guint index)
{
  GtkWidget *add;

  sch_case_remove_item (self->kase, group_id, index);
  schedule_save (self);
  rebuild_form (self);

  /* The focused "Remove" button is gone; stay in the same list. */
  add = g_hash_table_lookup (self->add_buttons, group_id);
  if (add != NULL)
    gtk_widget_grab_focus (add);
}

static gboolean
item_is_empty (SchCaseEditor *self, const SchFieldGroup *group, guint index)
{
  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);
      const char *value = sch_case_get_value (self->kase, group->id, index, field->id);

      if (value != NULL && *value != '\0')
        return FALSE;
    }

  return TRUE;
}

typedef struct {
  SchCaseEditor *self;
  SchCase       *kase;
  char          *group;
  guint          index;
} RemoveRequest;

static void
remove_request_free (RemoveRequest *request)
{
  g_object_unref (request->self);
  g_object_unref (request->kase);
  g_free (request->group);
  g_free (request);
}

static void
on_remove_response (AdwMessageDialog *dialog, const char *response, RemoveRequest *request)
{
  /* The editor may show another case by now. */
  if (g_str_equal (response, "remove") && request->self->kase == request->kase &&
      request->index < sch_case_get_n_items (request->kase, request->group))
    remove_item_now (request->self, request->group, request->index);
}

static void
ask_remove (SchCaseEditor *self, const SchFieldGroup *group, guint index)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  RemoveRequest *request;
  AdwMessageDialog *dialog;
  g_autofree char *heading = NULL;

  /* TRANSLATORS: %u is the entry's number, %s the list's title ("Family members") */
  heading = g_strdup_printf (_("Remove Entry %u of “%s”?"), index + 1, sch_text_get (group->title, NULL));
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       heading,
                                                       _("The values typed for this entry will be deleted.")));
  adw_message_dialog_add_responses (dialog,
                                    "cancel", _("_Cancel"),
                                    "remove", _("_Remove"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");

  request = g_new0 (RemoveRequest, 1);
  request->self = g_object_ref (self);
  request->kase = g_object_ref (self->kase);
  request->group = g_strdup (group->id);
  request->index = index;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_remove_response), request,
                         (GClosureNotify) (void (*) (void)) remove_request_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remove_item (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (widget);
  const SchFieldGroup *group;
  const char *group_id;
  guint index;

  if (self->kase == NULL || !is_editable (self))
    return;

  g_variant_get (parameter, "(&su)", &group_id, &index);
  group = sch_app_type_lookup_group (self->type, group_id);
  if (group == NULL || index >= sch_case_get_n_items (self->kase, group_id))
    return;

  if (item_is_empty (self, group, index))
    remove_item_now (self, group_id, index);
  else
    ask_remove (self, group, index);
}

/* The entry of a list (a family member) whose field has the focus. */
static void
remove_focused_item (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;
  GtkWidget *row = focus != NULL ? gtk_widget_get_ancestor (focus, SCH_TYPE_FIELD_ROW) : NULL;
  const SchFieldGroup *group;
  g_autoptr(GVariant) target = NULL;

  if (row == NULL || self->type == NULL || !gtk_widget_is_ancestor (row, widget))
    return;

  group = sch_app_type_lookup_group (self->type, sch_field_row_get_group (SCH_FIELD_ROW (row)));
  if (group == NULL || !group->repeatable)
    return;

  target = g_variant_ref_sink (g_variant_new ("(su)", group->id,
                                              sch_field_row_get_index (SCH_FIELD_ROW (row))));
  remove_item (widget, "editor.remove-item", target);
}

/* Object */

/* Pages added or a slot marked "to follow" in the documents view change
 * what is missing. */
static void
on_store_case_changed (SchCaseEditor *self, const char *uuid)
{
  if (self->kase != NULL && g_strcmp0 (uuid, sch_case_get_uuid (self->kase)) == 0)
    update_summary (self);
}

static void
sch_case_editor_dispose (GObject *object)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (object);

  /* Whatever was typed last must reach the disk. */
  save_now (self, NULL);
  if (self->store != NULL)
    g_clear_signal_handler (&self->case_changed_id, self->store);

  g_clear_handle_id (&self->save_source, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->kase);
  g_clear_object (&self->type);

  G_OBJECT_CLASS (sch_case_editor_parent_class)->dispose (object);
}

static void
sch_case_editor_finalize (GObject *object)
{
  SchCaseEditor *self = SCH_CASE_EDITOR (object);

  g_ptr_array_unref (self->rows);
  g_hash_table_unref (self->add_buttons);

  G_OBJECT_CLASS (sch_case_editor_parent_class)->finalize (object);
}

static void
sch_case_editor_class_init (SchCaseEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_case_editor_dispose;
  object_class->finalize = sch_case_editor_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-case-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, stack);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, save_error_bar);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, save_error_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, title_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, state_badge);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, status_icon);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, status_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, mark_complete_button);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, reopen_button);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, problem_list);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, groups_box);
  gtk_widget_class_bind_template_child (widget_class, SchCaseEditor, scroller);
  gtk_widget_class_bind_template_callback (widget_class, on_retry_clicked);

  gtk_widget_class_install_action (widget_class, "editor.mark-complete", NULL, mark_complete);
  gtk_widget_class_install_action (widget_class, "editor.reopen", NULL, reopen);
  gtk_widget_class_install_action (widget_class, "editor.add-item", "s", add_item);
  gtk_widget_class_install_action (widget_class, "editor.remove-item", "(su)", remove_item);
  gtk_widget_class_install_action (widget_class, "editor.remove-focused-item", NULL, remove_focused_item);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK,
                                       "editor.mark-complete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, GDK_CONTROL_MASK,
                                       "editor.mark-complete", NULL);
  /* An empty group id means the first repeatable group of the type. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.add-item", "s", "");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "editor.remove-focused-item", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK,
                                       "editor.reopen", NULL);
}

static void
sch_case_editor_init (SchCaseEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  self->add_buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.mark-complete", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.reopen", FALSE);
}

GtkWidget *
sch_case_editor_new (void)
{
  return g_object_new (SCH_TYPE_CASE_EDITOR, NULL);
}

void
sch_case_editor_refresh_state (SchCaseEditor *self)
{
  g_return_if_fail (SCH_IS_CASE_EDITOR (self));

  update_summary (self);
}

void
sch_case_editor_set_case (SchCaseEditor *self,
                          SchStore      *store,
                          SchCase       *kase,
                          SchAppType    *type)
{
  g_return_if_fail (SCH_IS_CASE_EDITOR (self));
  g_return_if_fail (store == NULL || SCH_IS_STORE (store));
  g_return_if_fail (kase == NULL || SCH_IS_CASE (kase));
  g_return_if_fail (type == NULL || SCH_IS_APP_TYPE (type));

  /* A failure was already shown; the old case keeps its unsaved values in
   * memory and its own editor state is gone, so it is only logged. */
  save_now (self, NULL);
  hide_error (self);

  if (self->store != store)
    {
      if (self->store != NULL)
        g_clear_signal_handler (&self->case_changed_id, self->store);
      g_set_object (&self->store, store);
      if (store != NULL)
        self->case_changed_id = g_signal_connect_swapped (store, "case-changed",
                                                          G_CALLBACK (on_store_case_changed), self);
    }
  g_set_object (&self->kase, kase);
  g_set_object (&self->type, type);
  self->tried = FALSE;
  self->first_unsaved = 0;

  rebuild_form (self);
  /* Another case starts at its top, with its summary of what is missing. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
}

SchCase *
sch_case_editor_get_case (SchCaseEditor *self)
{
  g_return_val_if_fail (SCH_IS_CASE_EDITOR (self), NULL);

  return self->kase;
}

gboolean
sch_case_editor_flush (SchCaseEditor *self, GError **error)
{
  g_return_val_if_fail (SCH_IS_CASE_EDITOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return save_now (self, error);
}

void
sch_case_editor_focus_first (SchCaseEditor *self)
{
  g_return_if_fail (SCH_IS_CASE_EDITOR (self));

  if (self->rows->len == 0)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      SchFieldRow *row = g_ptr_array_index (self->rows, i);
      g_autofree char *value = sch_field_row_dup_value (row);

      if (sch_field_row_get_error (row) != NULL ||
          (sch_field_row_get_field (row)->required && (value == NULL || *value == '\0')))
        {
          gtk_widget_grab_focus (GTK_WIDGET (row));
          return;
        }
    }

  gtk_widget_grab_focus (g_ptr_array_index (self->rows, 0));
}
