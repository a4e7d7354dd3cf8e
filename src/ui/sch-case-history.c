#define G_LOG_DOMAIN "sch-case-history"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sch-case-history.h"
#include "sch-case-state.h"
#include "sch-outbox.h"

struct _SchCaseHistory
{
  GtkWidget    parent_instance;

  SchStore    *store;
  SchCase     *kase;

  GtkWidget   *page;
  GtkWidget   *queue_button;
  GtkWidget   *retry_button;
  GtkWidget   *supplement_button;
  AdwActionRow *state_row;
  AdwActionRow *reference_row;
  AdwActionRow *outbox_row;
  GtkListBox  *status_list;
  GtkListBox  *journal_list;
};

G_DEFINE_FINAL_TYPE (SchCaseHistory, sch_case_history, GTK_TYPE_WIDGET)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_placeholder_row (GtkListBox *list, const char *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  gtk_list_box_append (list, row);
}

static char *
format_time (const char *rfc3339)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (rfc3339, NULL);
  g_autoptr(GDateTime) local = NULL;

  if (utc == NULL)
    return g_strdup (rfc3339);

  local = g_date_time_to_local (utc);
  /* Translators: a date and time, see g_date_time_format() */
  return g_date_time_format (local, _("%d.%m.%Y %H:%M"));
}

static const char *
status_label (const char *status)
{
  SchCaseState state;

  /* The office's statuses share their names with the case states; a
   * status of a newer API version is shown as it is. */
  if (sch_case_state_from_string (status, &state))
    return sch_case_state_get_label (state);
  if (g_str_equal (status, "created"))
    return _("Created at the migration office");
  return status;
}

/* "Passport: please send a copy of every page" lines of the requested documents. */
static char *
format_requested (const char *requested_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GString) text = g_string_new (NULL);
  JsonNode *root;
  JsonArray *array;

  if (requested_json == NULL || !json_parser_load_from_data (parser, requested_json, -1, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_ARRAY (root))
    return NULL;

  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      JsonObject *object;
      const char *slot, *note;

      if (!JSON_NODE_HOLDS_OBJECT (item))
        continue;
      object = json_node_get_object (item);
      slot = json_object_get_string_member_with_default (object, "slot", "");
      note = json_object_get_string_member_with_default (object, "note", NULL);

      if (text->len > 0)
        g_string_append_c (text, '\n');
      if (note != NULL && *note != '\0')
        /* Translators: a requested document and the office's note on it */
        g_string_append_printf (text, _("Requested: %s (%s)"), slot, note);
      else
        g_string_append_printf (text, _("Requested: %s"), slot);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
fill_status (SchCaseHistory *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = sch_outbox_list_history (self->store, sch_case_get_uuid (self->kase), &error);

  clear_list (self->status_list);
  if (history == NULL)
    {
      add_placeholder_row (self->status_list, error->message);
      return;
    }
  if (history->len == 0)
    {
      add_placeholder_row (self->status_list, _("The migration office has not reported on this case yet."));
      return;
    }

  for (guint i = 0; i < history->len; i++)
    {
      SchStatusEntry *entry = g_ptr_array_index (history, i);
      g_autofree char *time = format_time (entry->at);
      g_autofree char *requested = format_requested (entry->requested_documents);
      g_autoptr(GString) subtitle = g_string_new (time);
      GtkWidget *row = adw_action_row_new ();

      if (entry->note != NULL && *entry->note != '\0')
        g_string_append_printf (subtitle, "\n%s", entry->note);
      if (requested != NULL)
        g_string_append_printf (subtitle, "\n%s", requested);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), status_label (entry->status));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "status-entry");
      gtk_list_box_append (self->status_list, row);
    }
}

static void
fill_journal (SchCaseHistory *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) lines = sch_store_journal_list (self->store, sch_case_get_uuid (self->kase), &error);

  clear_list (self->journal_list);
  if (lines == NULL)
    {
      add_placeholder_row (self->journal_list, error->message);
      return;
    }

  for (guint i = 0; i < lines->len; i++)
    {
      g_auto(GStrv) parts = g_strsplit (g_ptr_array_index (lines, i), "\t", 4);
      g_autofree char *time = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (g_strv_length (parts) < 3)
        continue;

      time = format_time (parts[0]);
      if (parts[3] != NULL && *parts[3] != '\0')
        subtitle = g_strdup_printf ("%s · %s · %s", time, parts[1], parts[3]);
      else
        subtitle = g_strdup_printf ("%s · %s", time, parts[1]);

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parts[2]);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_list_box_append (self->journal_list, row);
    }
}

static void
fill_overview (SchCaseHistory *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *case_error = NULL;
  const char *reference = sch_case_get_reference (self->kase);
  SchCaseState state = sch_case_get_state (self->kase);
  const char *uuid = sch_case_get_uuid (self->kase);
  const char *outbox;

  adw_action_row_set_subtitle (self->state_row, sch_case_state_get_label (state));
  adw_action_row_set_subtitle (self->reference_row,
                               reference != NULL && *reference != '\0'
                               ? reference : _("Not known yet: the office gives it on receipt."));

  case_error = sch_outbox_dup_case_error (self->store, uuid, &error);
  if (case_error != NULL)
    outbox = case_error;
  else if (sch_outbox_has_pending (self->store, uuid, NULL))
    outbox = _("Queued: sent as soon as the migration office can be reached.");
  else if (state == SCH_CASE_STATE_SIGNED)
    outbox = _("Not queued yet.");
  else
    outbox = _("Nothing waiting to be sent.");
  adw_action_row_set_subtitle (self->outbox_row, outbox);
  gtk_widget_set_visible (GTK_WIDGET (self->outbox_row), TRUE);

  gtk_widget_set_visible (self->queue_button, state == SCH_CASE_STATE_SIGNED);
  gtk_widget_set_visible (self->retry_button, state == SCH_CASE_STATE_NEEDS_ATTENTION);
  gtk_widget_set_visible (self->supplement_button, state == SCH_CASE_STATE_DOCUMENTS_REQUESTED);
}

void
sch_case_history_refresh (SchCaseHistory *self)
{
  g_return_if_fail (SCH_IS_CASE_HISTORY (self));

  if (self->kase == NULL)
    {
      clear_list (self->status_list);
      clear_list (self->journal_list);
      return;
    }

  fill_overview (self);
  fill_status (self);
  fill_journal (self);
}

void
sch_case_history_set_case (SchCaseHistory *self, SchStore *store, SchCase *kase)
{
  g_return_if_fail (SCH_IS_CASE_HISTORY (self));
  g_return_if_fail (store == NULL || SCH_IS_STORE (store));
  g_return_if_fail (kase == NULL || SCH_IS_CASE (kase));
  g_return_if_fail ((store == NULL) == (kase == NULL));

  g_set_object (&self->store, store);
  g_set_object (&self->kase, kase);
  sch_case_history_refresh (self);
}

static void
sch_case_history_dispose (GObject *object)
{
  SchCaseHistory *self = SCH_CASE_HISTORY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_CASE_HISTORY);
  g_clear_object (&self->kase);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sch_case_history_parent_class)->dispose (object);
}

static void
sch_case_history_class_init (SchCaseHistoryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_case_history_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-case-history.ui");
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, page);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, queue_button);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, retry_button);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, supplement_button);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, state_row);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, reference_row);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, outbox_row);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, status_list);
  gtk_widget_class_bind_template_child (widget_class, SchCaseHistory, journal_list);
}

static void
sch_case_history_init (SchCaseHistory *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sch_case_history_new (void)
{
  return g_object_new (SCH_TYPE_CASE_HISTORY, NULL);
}
