#define G_LOG_DOMAIN "sch-case-history"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sch-case-history.h"
#include "sch-case-state.h"
#include "sch-outbox.h"
#include "sch-signed-form-intake.h"

struct _SchCaseHistory
{
  GtkWidget    parent_instance;

  SchStore    *store;
  SchCase     *kase;
  SchAppType  *type;

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

/* A document slot as the clerk knows it. */
static const char *
slot_title (SchCaseHistory *self,
            const char     *slot_id)
{
  GPtrArray *slots = self->type != NULL ? sch_app_type_get_slots (self->type) : NULL;

  if (g_strcmp0 (slot_id, SCH_SIGNED_FORM_SLOT) == 0)
    return _("Signed form");

  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);

      if (g_str_equal (slot->id, slot_id))
        return sch_text_get (slot->title, NULL);
    }

  return slot_id;
}

/* "Passport: please send a copy of every page" lines of the requested documents. */
static char *
format_requested (SchCaseHistory *self,
                  const char     *requested_json)
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
        g_string_append_printf (text, _("Requested: %s (%s)"), slot_title (self, slot), note);
      else
        g_string_append_printf (text, _("Requested: %s"), slot_title (self, slot));
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
      g_autofree char *requested = format_requested (self, entry->requested_documents);
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

/* The journal in words */

static const char *
state_label (const char *name)
{
  SchCaseState state;

  return sch_case_state_from_string (name, &state) ? sch_case_state_get_label (state) : name;
}

/* "TEXT: N" (a slot and a count) into its parts. */
static gboolean
split_count (const char  *detail,
             char       **text,
             guint       *count)
{
  const char *colon = g_strrstr (detail, ": ");
  guint64 value;

  if (colon == NULL || !g_ascii_string_to_unsigned (colon + 2, 10, 0, G_MAXUINT, &value, NULL))
    return FALSE;

  *text = g_strndup (detail, colon - detail);
  *count = (guint) value;
  return TRUE;
}

/* The value of "KEY=VALUE" in a space-separated detail, or NULL. */
static char *
detail_value (const char *detail,
              const char *key)
{
  g_auto(GStrv) words = g_strsplit (detail, " ", -1);
  g_autofree char *prefix = g_strconcat (key, "=", NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (g_str_has_prefix (words[i], prefix) && words[i][strlen (prefix)] != '\0')
      return g_strdup (words[i] + strlen (prefix));

  return NULL;
}

static char *
describe_state (SchCaseHistory *self,
                const char     *detail)
{
  g_auto(GStrv) states = g_strsplit (detail, " -> ", 2);
  const char *reference = sch_case_get_reference (self->kase);

  if (g_strv_length (states) != 2)
    return g_strdup (_("State changed"));

  if (g_str_equal (states[1], "submitted") && reference != NULL && *reference != '\0')
    /* Translators: the migration office's reference, e.g. MA-SG-2026-000123 */
    return g_strdup_printf (_("Submitted to the migration office (reference %s)"), reference);
  if (g_str_equal (states[1], "submitted"))
    return g_strdup (_("Submitted to the migration office"));

  /* Translators: a case's state before and after, e.g. "Queued → Sending" */
  return g_strdup_printf (_("State changed: %s → %s"), state_label (states[0]), state_label (states[1]));
}

static char *
describe_pages (SchCaseHistory *self,
                const char     *action,
                const char     *detail)
{
  g_autofree char *slot = NULL;
  g_autofree char *from = NULL;
  const char *arrow;
  guint n = 0;

  if (!split_count (detail, &slot, &n))
    return NULL;

  if (g_str_equal (action, "pages-added"))
    /* Translators: a number of pages and a document, e.g. "Passport" */
    return g_strdup_printf (ngettext ("Added %u page to “%s”", "Added %u pages to “%s”", n),
                            n, slot_title (self, slot));
  if (g_str_equal (action, "pages-deleted"))
    return g_strdup_printf (ngettext ("Deleted %u page of “%s”", "Deleted %u pages of “%s”", n),
                            n, slot_title (self, slot));
  if (g_str_equal (action, "pages-restored"))
    return g_strdup_printf (ngettext ("Restored %u page of “%s”", "Restored %u pages of “%s”", n),
                            n, slot_title (self, slot));

  /* pages-moved: "FROM -> TO" */
  arrow = strstr (slot, " -> ");
  if (arrow == NULL)
    return NULL;
  from = g_strndup (slot, arrow - slot);
  /* Translators: a number of pages and two documents */
  return g_strdup_printf (ngettext ("Moved %u page from “%s” to “%s”", "Moved %u pages from “%s” to “%s”", n),
                          n, slot_title (self, from), slot_title (self, arrow + strlen (" -> ")));
}

/* "form+receipt, de, printout 2, form pages 4[, saved as PDF]" */
static char *
describe_print (const char *detail)
{
  const char *number_text = strstr (detail, "printout ");
  gboolean saved = g_str_has_suffix (detail, "saved as PDF");
  guint64 number = 0;

  if (number_text != NULL)
    number = g_ascii_strtoull (number_text + strlen ("printout "), NULL, 10);

  if (number > 0 && saved)
    /* Translators: the number of the printout of this case (1, 2, ...) */
    return g_strdup_printf (_("Saved the signature form and receipt as PDF (printout %u)"), (guint) number);
  if (number > 0)
    return g_strdup_printf (_("Printed the signature form and receipt (printout %u)"), (guint) number);
  if (saved)
    return g_strdup (_("Saved the signature form and receipt as PDF"));
  return g_strdup (_("Printed the signature form and receipt"));
}

/* "form pages 1,3 of 4, printout 2" as written by the signed-form intake,
 * with ", chosen by the clerk" when filed by hand. */
static char *
describe_signed_form (const char *detail)
{
  g_auto(GStrv) parts = g_strsplit (detail, ", ", -1);
  g_auto(GStrv) pages = NULL;
  g_auto(GStrv) list = NULL;
  g_autofree char *numbers = NULL;
  guint64 printout = 0;
  gboolean by_hand;

  if (g_strv_length (parts) < 2 || !g_str_has_prefix (parts[0], "form pages ") ||
      !g_str_has_prefix (parts[1], "printout ") ||
      !g_ascii_string_to_unsigned (parts[1] + strlen ("printout "), 10, 1, G_MAXUINT, &printout, NULL))
    return g_strdup (_("Filed the signed form"));

  pages = g_strsplit (parts[0] + strlen ("form pages "), " of ", 2);
  if (g_strv_length (pages) != 2)
    return g_strdup (_("Filed the signed form"));

  list = g_strsplit (pages[0], ",", -1);
  numbers = g_strjoinv (", ", list);
  by_hand = parts[2] != NULL && g_str_equal (parts[2], "chosen by the clerk");
  if (by_hand)
    /* Translators: page numbers ("1, 3"), the form's length ("4") and the printout's number */
    return g_strdup_printf (ngettext ("Filed page %s of %s of the signed form, chosen by the clerk (printout %u)",
                                      "Filed pages %s of %s of the signed form, chosen by the clerk (printout %u)",
                                      g_strv_length (list)),
                            numbers, pages[1], (guint) printout);
  /* Translators: page numbers ("1, 3"), the form's length ("4") and the printout's number */
  return g_strdup_printf (ngettext ("Filed page %s of %s of the signed form by its QR code (printout %u)",
                                    "Filed pages %s of %s of the signed form by their QR codes (printout %u)",
                                    g_strv_length (list)),
                          numbers, pages[1], (guint) printout);
}

static char *
describe_purged_pages (const char *detail)
{
  guint64 n;

  if (!g_ascii_string_to_unsigned (detail, 10, 0, G_MAXUINT, &n, NULL))
    return g_strdup (_("Document pages deleted"));

  return g_strdup_printf (ngettext ("%u document page deleted", "%u document pages deleted", n), (guint) n);
}

static char *
describe_purge (const char *detail)
{
  g_autofree char *reference = detail_value (detail, "reference");

  if (reference != NULL && !g_str_equal (reference, "-"))
    return g_strdup_printf (_("Personal data and documents deleted after the retention period "
                              "(reference %s)"),
                            reference);

  return g_strdup (_("Personal data and documents deleted after the retention period"));
}

/* One journal line (action and detail as the code wrote them) in words; the
 * action itself for one this version does not know. */
static char *
describe_journal (SchCaseHistory *self,
                  const char     *action,
                  const char     *detail)
{
  char *text = NULL;

  if (g_str_equal (action, "created") && self->type != NULL)
    /* Translators: the application type, e.g. "Family reunification" */
    text = g_strdup_printf (_("Case created: %s"), sch_app_type_get_title (self->type, NULL));
  else if (g_str_equal (action, "created"))
    text = g_strdup (_("Case created"));
  else if (g_str_equal (action, "edited"))
    text = g_strdup (_("Case data edited"));
  else if (g_str_equal (action, "deleted"))
    text = g_strdup (_("Draft deleted"));
  else if (g_str_equal (action, "state"))
    text = describe_state (self, detail);
  else if (g_str_has_prefix (action, "pages-"))
    text = describe_pages (self, action, detail);
  else if (g_str_equal (action, "slot-to-follow"))
    /* Translators: a document, e.g. "Rental contract" */
    text = g_strdup_printf (_("“%s” marked as to follow"), slot_title (self, detail));
  else if (g_str_equal (action, "slot-to-follow-cleared"))
    text = g_strdup_printf (_("“%s” no longer marked as to follow"), slot_title (self, detail));
  else if (g_str_equal (action, "printed"))
    text = describe_print (detail);
  else if (g_str_equal (action, "signed-form-filed"))
    text = describe_signed_form (detail);
  else if (g_str_equal (action, "supplement-queued"))
    text = g_strdup (_("Requested documents queued for the migration office"));
  else if (g_str_equal (action, "supplement-submitted"))
    text = g_strdup (_("Requested documents sent to the migration office"));
  else if (g_str_equal (action, "documents-purged"))
    text = describe_purged_pages (detail);
  else if (g_str_equal (action, "purged"))
    text = describe_purge (detail);
  else if (g_str_equal (action, "office-status"))
    /* Translators: a status of the migration office, e.g. "Documents requested" */
    text = g_strdup_printf (_("Reported by the migration office after the data was deleted: %s"),
                            status_label (detail));

  if (text != NULL)
    return text;

  return *detail != '\0' ? g_strdup_printf ("%s: %s", action, detail) : g_strdup (action);
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
      g_autofree char *title = NULL;
      g_autofree char *subtitle = NULL;
      GtkWidget *row;

      if (g_strv_length (parts) < 4)
        continue;

      time = format_time (parts[0]);
      title = describe_journal (self, parts[2], parts[3]);
      /* Translators: when and by whom (the clerk's login), e.g. "04.12.2026 08:15 · akeller" */
      subtitle = g_strdup_printf (_("%s · %s"), time, parts[1]);

      row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
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
sch_case_history_set_case (SchCaseHistory *self, SchStore *store, SchCase *kase, SchAppType *type)
{
  g_return_if_fail (SCH_IS_CASE_HISTORY (self));
  g_return_if_fail (store == NULL || SCH_IS_STORE (store));
  g_return_if_fail (kase == NULL || SCH_IS_CASE (kase));
  g_return_if_fail (type == NULL || SCH_IS_APP_TYPE (type));
  g_return_if_fail ((store == NULL) == (kase == NULL));

  g_set_object (&self->store, store);
  g_set_object (&self->kase, kase);
  g_set_object (&self->type, type);
  sch_case_history_refresh (self);
}

static void
sch_case_history_dispose (GObject *object)
{
  SchCaseHistory *self = SCH_CASE_HISTORY (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_CASE_HISTORY);
  g_clear_object (&self->kase);
  g_clear_object (&self->type);
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
