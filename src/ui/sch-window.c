#define G_LOG_DOMAIN "sch-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-case-editor.h"
#include "sch-case-history.h"
#include "sch-case-list.h"
#include "sch-case-row.h"
#include "sch-case-sender.h"
#include "sch-case-summary.h"
#include "sch-documents-view.h"
#include "sch-outbox.h"
#include "sch-print-preview.h"
#include "sch-signed-form-intake.h"
#include "sch-sync-indicator.h"
#include "sch-type-chooser.h"
#include "sch-window.h"
#include "sch-toast.h"

/* The value of win.filter-state that shows every case. */
#define FILTER_ALL "all"

struct _SchWindow
{
  AdwApplicationWindow parent_instance;

  SchStore           *store;
  SchCatalog         *catalog;
  GSettings          *settings;       /* NULL when the schema is not installed */
  SchCaseList        *list;
  GtkSingleSelection *selection;
  GtkStringList      *filter_names;

  SchCase            *current;
  gulong              current_changed_id;
  /* Set while the window itself moves the selection, so that it does not
   * reload the open case. */
  gboolean            syncing_selection;
  gboolean            close_without_saving;

  AdwToastOverlay    *toast_overlay;
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar;
  GtkToggleButton    *search_button;
  GtkSearchBar       *search_bar;
  GtkSearchEntry     *search_entry;
  GtkDropDown        *state_filter;
  GtkStack           *list_stack;
  GtkListView        *list_view;
  AdwWindowTitle     *case_title;
  GtkStack           *content_stack;
  SchCaseEditor      *editor;
  SchDocumentsView   *documents;
  AdwViewStack       *case_views;
  SchCaseHistory     *history;

  SchSyncEngine      *engine;         /* NULL: no sync (tests without one) */
  /* Set while a case's documents are composed and queued. */
  gboolean            queueing;
  SchSyncIndicator   *sync_indicator;
  GtkRevealer        *sync_banner;
  GtkWidget          *sync_banner_box;
  GtkLabel           *sync_banner_label;
  GtkWidget          *sync_banner_button;
};

G_DEFINE_FINAL_TYPE (SchWindow, sch_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CATALOG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (SchWindow *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static gboolean
has_filter (SchWindow *self)
{
  g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), "filter-state");
  const char *search = sch_case_list_get_search (self->list);

  return (search != NULL && *search != '\0') ||
         (state != NULL && !g_str_equal (g_variant_get_string (state, NULL), FILTER_ALL));
}

static void
update_list_page (SchWindow *self)
{
  const char *page;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    page = "list";
  else if (has_filter (self))
    page = "no-results";
  else
    page = "empty";

  gtk_stack_set_visible_child_name (self->list_stack, page);
}

static void
set_action_enabled (SchWindow *self, const char *name, gboolean enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

static void
update_sync_actions (SchWindow *self)
{
  SchCaseState state = self->current != NULL ? sch_case_get_state (self->current) : SCH_N_CASE_STATES;

  set_action_enabled (self, "queue-case", !self->queueing && state == SCH_CASE_STATE_SIGNED);
  set_action_enabled (self, "retry-case", !self->queueing && state == SCH_CASE_STATE_NEEDS_ATTENTION);
  set_action_enabled (self, "send-requested",
                      !self->queueing && state == SCH_CASE_STATE_DOCUMENTS_REQUESTED);
  set_action_enabled (self, "sync-now", self->engine != NULL);
}

static void
update_actions (SchWindow *self)
{
  gboolean is_draft = self->current != NULL &&
                      sch_case_get_state (self->current) == SCH_CASE_STATE_DRAFT;
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "delete-draft");

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), is_draft);

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "print");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->current != NULL);

  update_sync_actions (self);
}

static void
update_title (SchWindow *self)
{
  g_autofree char *name = NULL;
  SchAppType *type;

  if (self->current == NULL)
    {
      adw_window_title_set_title (self->case_title, "");
      adw_window_title_set_subtitle (self->case_title, "");
      return;
    }

  name = sch_case_dup_display_name (self->current);
  type = sch_catalog_lookup (self->catalog, sch_case_get_type_code (self->current));

  adw_window_title_set_title (self->case_title,
                              name != NULL && *name != '\0' ? name : _("Unnamed case"));
  /* A type dropped from the catalog still shows its code, as in the list. */
  adw_window_title_set_subtitle (self->case_title,
                                 type != NULL ? sch_app_type_get_title (type, NULL)
                                              : sch_case_get_type_code (self->current));
}

/* Selects the open case in the list (if the search and filter show it)
 * without reloading it. */
static void
sync_selection (SchWindow *self)
{
  guint position = GTK_INVALID_LIST_POSITION;

  if (self->current != NULL)
    {
      position = sch_case_list_find (self->list, sch_case_get_uuid (self->current));
      if (position == G_MAXUINT)
        position = GTK_INVALID_LIST_POSITION;
    }

  if (gtk_single_selection_get_selected (self->selection) == position)
    return;

  self->syncing_selection = TRUE;
  gtk_single_selection_set_selected (self->selection, position);
  self->syncing_selection = FALSE;
}

static void
set_current (SchWindow *self, SchCase *kase, SchAppType *type)
{
  if (self->current != NULL)
    g_clear_signal_handler (&self->current_changed_id, self->current);

  sch_case_editor_set_case (self->editor,
                            kase != NULL ? self->store : NULL,
                            kase, type);
  sch_documents_view_set_case (self->documents, kase != NULL ? self->store : NULL, kase, type);
  sch_case_history_set_case (self->history, kase != NULL ? self->store : NULL, kase, type);
  g_set_object (&self->current, kase);

  if (kase != NULL)
    self->current_changed_id = g_signal_connect_swapped (kase, "changed",
                                                         G_CALLBACK (update_title), self);

  gtk_stack_set_visible_child_name (self->content_stack, kase != NULL ? "editor" : "none");
  update_title (self);
  update_actions (self);
}

static gboolean
open_case (SchWindow *self, const char *uuid, GError **error)
{
  g_autoptr(SchCase) kase = NULL;
  SchAppType *type;

  if (self->current != NULL && g_str_equal (uuid, sch_case_get_uuid (self->current)))
    return TRUE;

  kase = sch_store_load_case (self->store, uuid, error);
  if (kase == NULL)
    return FALSE;

  /* A type the catalog no longer has (an office removed its definition)
   * still opens: the editor shows the stored data read-only and says why. */
  type = sch_catalog_lookup (self->catalog, sch_case_get_type_code (kase));
  set_current (self, kase, type);
  return TRUE;
}

static void
selection_changed_cb (SchWindow *self)
{
  g_autoptr(GError) error = NULL;
  SchCaseSummary *summary;

  if (self->syncing_selection)
    return;

  /* No selection (the open case was filtered out): keep the case open. */
  summary = gtk_single_selection_get_selected_item (self->selection);
  if (summary == NULL)
    return;

  if (!open_case (self, sch_case_summary_get_uuid (summary), &error))
    {
      show_error (self, _("The case could not be opened"), error->message);
      sync_selection (self);
      return;
    }

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
}

static void
list_items_changed_cb (SchWindow *self)
{
  update_list_page (self);
  sync_selection (self);
}

static void
list_activate_cb (SchWindow *self, guint position)
{
  if (self->current == NULL)
    return;

  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  sch_case_editor_focus_first (self->editor);
}

/* The sync engine changes the state and reference of cases on its own
 * copies: the open case is loaded again when they differ from it. */
static void
reload_if_changed (SchWindow *self)
{
  g_autoptr(SchCase) stored = NULL;
  g_autoptr(GError) error = NULL;
  SchAppType *type;

  stored = sch_store_load_case (self->store, sch_case_get_uuid (self->current), NULL);
  if (stored == NULL ||
      (sch_case_get_state (stored) == sch_case_get_state (self->current) &&
       g_strcmp0 (sch_case_get_reference (stored), sch_case_get_reference (self->current)) == 0))
    return;

  /* Between two states the clerk cannot edit in (queued, sending, submitted,
   * ...) the form stays as it is: only the state and the reference change. */
  if (!sch_case_state_is_editable (sch_case_get_state (stored)) &&
      !sch_case_state_is_editable (sch_case_get_state (self->current)))
    {
      sch_case_set_state (self->current, sch_case_get_state (stored));
      sch_case_set_reference (self->current, sch_case_get_reference (stored));
      sch_case_editor_refresh_state (self->editor);
      return;
    }

  /* What the clerk typed is saved before the case is read again. */
  if (!sch_case_editor_flush (self->editor, &error))
    {
      g_message ("The open case could not be saved before reloading: %s", error->message);
      return;
    }
  g_clear_object (&stored);
  stored = sch_store_load_case (self->store, sch_case_get_uuid (self->current), NULL);
  if (stored == NULL)
    return;
  type = sch_catalog_lookup (self->catalog, sch_case_get_type_code (stored));
  set_current (self, stored, type);
}

static void
store_case_changed_cb (SchWindow *self, const char *uuid)
{
  if (self->current != NULL && g_strcmp0 (uuid, sch_case_get_uuid (self->current)) == 0)
    {
      reload_if_changed (self);
      update_title (self);
      update_actions (self);
      sch_case_history_refresh (self->history);
    }
}

static void
search_changed_cb (SchWindow *self)
{
  sch_case_list_set_search (self->list, gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  update_list_page (self);
  sync_selection (self);
}

static void
focus_list (SchWindow *self)
{
  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0 ||
      !gtk_widget_grab_focus (GTK_WIDGET (self->list_view)))
    gtk_widget_grab_focus (GTK_WIDGET (self->state_filter));
}

/* Enter in the search entry opens the first match; the arrow keys then
 * move through the others (a folded window shows the case instead). */
static void
search_activate_cb (SchWindow *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return;

  gtk_single_selection_set_selected (self->selection, 0);
  if (!adw_leaflet_get_folded (self->leaflet))
    focus_list (self);
}

static void
stop_search_cb (SchWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  focus_list (self);
}

static void
back_clicked_cb (SchWindow *self)
{
  focus_list (self);
}

static void
state_filter_selected_cb (SchWindow *self)
{
  guint position = gtk_drop_down_get_selected (self->state_filter);
  const char *name;

  if (position == GTK_INVALID_LIST_POSITION)
    return;

  name = position == 0 ? FILTER_ALL : sch_case_state_to_string (position - 1);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "filter-state",
                                      g_variant_new_string (name));
}

static void
filter_state_change (GSimpleAction *action, GVariant *value, gpointer user_data)
{
  SchWindow *self = user_data;
  const char *name = g_variant_get_string (value, NULL);
  SchCaseState state = SCH_N_CASE_STATES;
  guint position;

  if (!g_str_equal (name, FILTER_ALL) && !sch_case_state_from_string (name, &state))
    {
      g_warning ("Unknown case state filter “%s”", name);
      return;
    }

  g_simple_action_set_state (action, value);

  position = state == SCH_N_CASE_STATES ? 0 : state + 1;
  if (gtk_drop_down_get_selected (self->state_filter) != position)
    gtk_drop_down_set_selected (self->state_filter, position);

  sch_case_list_set_state_filter (self->list, state);
  update_list_page (self);
  sync_selection (self);
}

static void
type_chosen_cb (SchWindow *self, SchAppType *type)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;

  kase = sch_store_create_case (self->store, sch_app_type_get_code (type), &error);
  if (kase == NULL)
    {
      show_error (self, _("The case could not be created"), error->message);
      return;
    }

  /* The new case must be visible in the list. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  sch_case_list_set_search (self->list, NULL);
  g_action_group_change_action_state (G_ACTION_GROUP (self), "filter-state",
                                      g_variant_new_string (FILTER_ALL));

  set_current (self, kase, type);
  sync_selection (self);
  update_list_page (self);

  adw_leaflet_set_visible_child_name (self->leaflet, "content");
  adw_view_stack_set_visible_child_name (self->case_views, "details");
  sch_case_editor_focus_first (self->editor);
}

static void
new_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  SchTypeChooser *chooser = sch_type_chooser_new (GTK_WINDOW (self), self->catalog);

  g_signal_connect_object (chooser, "type-chosen", G_CALLBACK (type_chosen_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (chooser));
}

static void
search_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "sidebar");

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  gtk_editable_select_region (GTK_EDITABLE (self->search_entry), 0, -1);
}

static void
move_selection (SchWindow *self, int delta)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint target;

  if (n == 0)
    return;

  if (selected == GTK_INVALID_LIST_POSITION)
    target = 0;
  else if (delta > 0)
    target = MIN (selected + 1, n - 1);
  else
    target = selected > 0 ? selected - 1 : 0;

  gtk_single_selection_set_selected (self->selection, target);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", target);
}

static void
next_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_selection (user_data, 1);
}

static void
previous_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  move_selection (user_data, -1);
}

/* Here and not only in the editor: the app-wide Ctrl+N would otherwise also
 * take Ctrl+Shift+N, as GTK lets a shortcut match with Shift added. */
static void
add_family_member_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;

  if (self->current != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self->editor), "editor.add-item", "s", "");
}

static void
focus_list_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  focus_list (user_data);
}

static void
delete_response_cb (SchWindow *self, const char *response)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;

  if (!g_str_equal (response, "delete") || self->current == NULL)
    return;

  /* The editor saves pending changes before it lets go of the case. */
  kase = g_object_ref (self->current);
  set_current (self, NULL, NULL);

  if (!sch_store_delete_draft (self->store, kase, &error))
    {
      show_error (self, _("The draft could not be deleted"), error->message);
      return;
    }

  sch_window_toast (self, _("Draft deleted"));
}

static void
delete_draft_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  g_autofree char *name = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;

  if (self->current == NULL)
    return;

  name = sch_case_dup_display_name (self->current);
  if (name != NULL && *name != '\0')
    body = g_strdup_printf (_("The draft of “%s” and everything captured in it will be removed. "
                              "This cannot be undone."), name);
  else
    body = g_strdup (_("The unnamed draft and everything captured in it will be removed. "
                       "This cannot be undone."));

  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Delete This Draft?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (delete_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_catalog_problems_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  GPtrArray *problems = sch_catalog_get_problems (self->catalog);
  g_autoptr(GString) body = g_string_new (_("These files of the office’s catalog were skipped; "
                                            "the application types they define are missing until "
                                            "they are fixed:"));

  for (guint i = 0; problems != NULL && i < problems->len; i++)
    g_string_append_printf (body, "\n\n%s", (const char *) g_ptr_array_index (problems, i));

  show_error (self, _("Catalog Files Skipped"), body->str);
}

/* Form and receipt of the open case, through the preview. */
static void
print_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  SchPrintPreview *preview;
  SchAppType *type;
  SchCaseState state;

  if (self->current == NULL)
    return;

  /* The form and the receipt are made from the type's definition. */
  type = sch_catalog_lookup (self->catalog, sch_case_get_type_code (self->current));
  if (type == NULL)
    {
      g_autofree char *body = g_strdup_printf (_("The application type “%s” of this case is not in the catalog. "
                                                 "Ask your IT support to restore the catalog file that defines it."),
                                               sch_case_get_type_code (self->current));

      show_error (self, _("The Case Cannot Be Printed"), body);
      return;
    }

  state = sch_case_get_state (self->current);
  if (state == SCH_CASE_STATE_DRAFT)
    {
      show_error (self, _("The Case Is Not Complete Yet"),
                  _("The signature form and the receipt are printed once the case is complete. "
                    "Fill in what is missing and mark the case complete first."));
      return;
    }
  if (state == SCH_CASE_STATE_PURGED)
    {
      show_error (self, _("Nothing to Print"),
                  _("The data of this case was removed after the retention period."));
      return;
    }

  /* Print what is on screen, not what was saved a moment ago. */
  if (!sch_case_editor_flush (self->editor, &error))
    {
      show_error (self, _("The case could not be saved"), error->message);
      return;
    }

  preview = sch_print_preview_new_for_case (GTK_WINDOW (self), self->store, self->current, type);
  gtk_window_present (GTK_WINDOW (preview));
}

static void
scan_signed_form_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  g_autoptr(SchSignedFormIntake) intake = NULL;

  intake = sch_signed_form_intake_new (GTK_WINDOW (self), self->store, self->catalog, self->current);
  sch_signed_form_intake_start (intake);
}

/* Details, documents or history of the open case. */
static void
show_view_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  const char *name = g_variant_get_string (param, NULL);

  if (self->current == NULL || adw_view_stack_get_child_by_name (self->case_views, name) == NULL)
    return;

  if (adw_leaflet_get_folded (self->leaflet))
    adw_leaflet_set_visible_child_name (self->leaflet, "content");
  adw_view_stack_set_visible_child_name (self->case_views, name);
}

/* From the form's list of missing documents: the slot in the documents view. */
static void
show_documents_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;

  if (self->current == NULL)
    return;

  adw_view_stack_set_visible_child_name (self->case_views, "documents");
  if (*g_variant_get_string (param, NULL) != '\0')
    sch_documents_view_select_slot (self->documents, g_variant_get_string (param, NULL));
}

/* Sync with the migration office */

static void
sync_now_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;

  if (self->engine != NULL)
    sch_sync_engine_sync_now (self->engine);
}

static void
queueing_done (SchWindow *self, const char *heading, GError *error, const char *toast)
{
  self->queueing = FALSE;
  update_actions (self);
  if (self->current != NULL)
    sch_case_history_refresh (self->history);

  if (error != NULL)
    {
      show_error (self, heading, error->message);
      return;
    }

  sch_window_toast (self, toast);
  if (self->engine != NULL)
    sch_sync_engine_sync_now (self->engine);
}

static void
case_queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  sch_case_sender_queue_case_finish (result, &error);
  queueing_done (self, _("The Case Could Not Be Queued"), error,
                 _("Queued for the migration office"));
}

static void
queue_current_case (SchWindow *self)
{
  g_autoptr(GError) error = NULL;
  SchWireOffice office = { 0, NULL, NULL };

  if (self->settings != NULL)
    office.municipality_bfs = g_settings_get_uint (self->settings, "municipality");
  if (office.municipality_bfs == 0)
    {
      show_error (self, _("The Case Could Not Be Queued"),
                  _("The municipality of the office is not set. Enter its BFS number in the "
                    "preferences, then send the case again."));
      return;
    }

  /* The documents and data sent are those on screen now. */
  if (!sch_case_editor_flush (self->editor, &error))
    {
      show_error (self, _("The case could not be saved"), error->message);
      return;
    }

  self->queueing = TRUE;
  update_actions (self);
  sch_case_sender_queue_case_async (self->store, self->current, &office, NULL,
                                    case_queued_cb, g_object_ref (self));
}

static void
queue_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;

  if (self->current == NULL || self->queueing ||
      sch_case_get_state (self->current) != SCH_CASE_STATE_SIGNED)
    return;

  queue_current_case (self);
}

/* After a refusal: with field errors the clerk changed the data, so the
 * case is queued again with a fresh body; otherwise (a conflict dealt with
 * at the office) the refused calls are made again unchanged. */
static void
retry_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  g_autoptr(GPtrArray) field_errors = NULL;
  g_autoptr(GError) error = NULL;

  if (self->current == NULL || self->queueing ||
      sch_case_get_state (self->current) != SCH_CASE_STATE_NEEDS_ATTENTION)
    return;

  field_errors = sch_outbox_get_field_errors (self->store, self->current, &error);
  if (field_errors == NULL)
    {
      show_error (self, _("The Case Could Not Be Sent Again"), error->message);
      return;
    }
  if (field_errors->len > 0)
    {
      queue_current_case (self);
      return;
    }

  if (!sch_outbox_retry_case (self->store, self->current, &error))
    {
      show_error (self, _("The Case Could Not Be Sent Again"), error->message);
      return;
    }
  queueing_done (self, NULL, NULL, _("Queued for the migration office again"));
}

static void
supplement_queued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *uuid = NULL;

  uuid = sch_case_sender_queue_supplement_finish (result, &error);
  queueing_done (self, _("The Documents Could Not Be Queued"), error,
                 _("The requested documents are queued for the migration office"));
}

/* The slots of the office's latest request (Nachreichen). */
static GStrv
dup_requested_slots (SchWindow *self, GError **error)
{
  g_autoptr(GPtrArray) history = NULL;

  history = sch_outbox_list_history (self->store, sch_case_get_uuid (self->current), error);
  if (history == NULL)
    return NULL;

  for (guint i = history->len; i > 0; i--)
    {
      SchStatusEntry *entry = g_ptr_array_index (history, i - 1);

      if (g_str_equal (entry->status, "documents-requested"))
        return sch_case_sender_parse_requested_slots (entry->requested_documents);
    }

  return g_new0 (char *, 1);
}

static void
send_requested_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) slots = NULL;

  if (self->current == NULL || self->queueing ||
      sch_case_get_state (self->current) != SCH_CASE_STATE_DOCUMENTS_REQUESTED)
    return;

  slots = dup_requested_slots (self, &error);
  if (slots == NULL)
    {
      show_error (self, _("The Documents Could Not Be Queued"), error->message);
      return;
    }

  self->queueing = TRUE;
  update_actions (self);
  sch_case_sender_queue_supplement_async (self->store, self->current, (const char * const *) slots,
                                          NULL, supplement_queued_cb, g_object_ref (self));
}

/* Errors that need the clerk (settings, token, certificates) are shown in
 * red with the way to Preferences; network trouble and being offline are
 * only a quiet note, as sending resumes by itself. */
static void
update_sync_banner (SchWindow *self)
{
  const GError *error = self->engine != NULL ? sch_sync_engine_get_last_error (self->engine) : NULL;
  gboolean online = self->engine == NULL || sch_sync_engine_get_online (self->engine);
  gboolean needs_clerk = FALSE;
  const char *text = NULL;

  if (error != NULL && error->domain == SCH_SYNC_ERROR && error->code == SCH_SYNC_ERROR_TOKEN)
    {
      text = _("The migration office refused this workstation’s token. Enter a new token in Preferences.");
      needs_clerk = TRUE;
    }
  else if (error != NULL && error->domain == SCH_SYNC_ERROR &&
           error->code != SCH_SYNC_ERROR_NETWORK && error->code != SCH_SYNC_ERROR_SERVER)
    {
      text = error->message;
      needs_clerk = TRUE;
    }
  else if (!online)
    text = _("Offline. Cases are queued and sent when the network is back.");
  else if (error != NULL)
    text = error->message;

  if (text != NULL)
    gtk_label_set_label (self->sync_banner_label, text);
  gtk_widget_set_visible (self->sync_banner_button, needs_clerk);
  if (needs_clerk)
    {
      gtk_widget_add_css_class (self->sync_banner_box, "error");
      gtk_widget_remove_css_class (self->sync_banner_box, "quiet");
    }
  else
    {
      gtk_widget_add_css_class (self->sync_banner_box, "quiet");
      gtk_widget_remove_css_class (self->sync_banner_box, "error");
    }
  gtk_revealer_set_reveal_child (self->sync_banner, text != NULL);
}

static void
engine_case_updated_cb (SchWindow *self, const char *uuid)
{
  store_case_changed_cb (self, uuid);
}

static const GActionEntry win_entries[] = {
  { "new-case", new_case_action },
  { "search", search_action },
  { "next-case", next_case_action },
  { "previous-case", previous_case_action },
  { "focus-list", focus_list_action },
  { "add-family-member", add_family_member_action },
  { "delete-draft", delete_draft_action },
  { "filter-state", NULL, "s", "'" FILTER_ALL "'", filter_state_change },
  { "show-catalog-problems", show_catalog_problems_action },
  { "show-documents", show_documents_action, "s" },
  { "show-view", show_view_action, "s" },
  { "print", print_action },
  { "scan-signed-form", scan_signed_form_action },
  { "sync-now", sync_now_action },
  { "queue-case", queue_case_action },
  { "retry-case", retry_case_action },
  { "send-requested", send_requested_action },
};

static void
report_catalog_problems (SchWindow *self)
{
  GPtrArray *problems = sch_catalog_get_problems (self->catalog);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (problems == NULL || problems->len == 0)
    return;

  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "%u catalog file was skipped because of errors",
                                        "%u catalog files were skipped because of errors",
                                        problems->len),
                           problems->len);
  toast = adw_toast_new (title);
  /* Stays until the clerk has seen it: types may be missing. */
  adw_toast_set_timeout (toast, 0);
  adw_toast_set_button_label (toast, _("_Details"));
  adw_toast_set_action_name (toast, "win.show-catalog-problems");
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
save_geometry (SchWindow *self)
{
  int width, height;

  if (self->settings == NULL)
    return;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static void
restore_geometry (SchWindow *self)
{
  if (self->settings == NULL)
    return;

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
close_response_cb (SchWindow *self, const char *response)
{
  if (!g_str_equal (response, "discard"))
    return;

  self->close_without_saving = TRUE;
  gtk_window_close (GTK_WINDOW (self));
}

static gboolean
sch_window_close_request (GtkWindow *window)
{
  SchWindow *self = SCH_WINDOW (window);
  g_autoptr(GError) error = NULL;
  GtkWidget *dialog;

  save_geometry (self);

  if (self->close_without_saving || self->current == NULL ||
      sch_case_editor_flush (self->editor, &error))
    return GTK_WINDOW_CLASS (sch_window_parent_class)->close_request (window);

  /* Closing now would lose what was typed since the last save. */
  dialog = adw_message_dialog_new (GTK_WINDOW (self), _("The Case Could Not Be Saved"), error->message);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Open"),
                                    "discard", _("Close _Without Saving"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (close_response_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));

  return TRUE;
}

/* Files dropped onto a row of the list: the case opens on its documents and
 * they go into the document selected there, as when dropped onto that view. */
static gboolean
row_drop_cb (GtkDropTarget *target, const GValue *value, double x, double y, SchWindow *self)
{
  GtkListItem *item = g_object_get_data (G_OBJECT (target), "list-item");
  SchCaseSummary *summary = gtk_list_item_get_item (item);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);

  if (summary == NULL)
    return FALSE;

  for (GSList *l = g_value_get_boxed (value); l != NULL; l = l->next)
    g_ptr_array_add (files, g_object_ref (l->data));
  if (files->len == 0)
    return FALSE;

  if (!sch_window_open_case (self, sch_case_summary_get_uuid (summary)))
    return FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (self), "show-view", g_variant_new_string ("documents"));

  return sch_documents_view_import_files (self->documents, files, NULL);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  SchWindow *self = user_data;
  GtkWidget *row = sch_case_row_new (self->catalog);
  GtkDropTarget *target = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);

  /* The item outlives its row: the list view owns both. */
  g_object_set_data (G_OBJECT (target), "list-item", item);
  g_signal_connect_object (target, "drop", G_CALLBACK (row_drop_cb), self, 0);
  gtk_widget_add_controller (row, GTK_EVENT_CONTROLLER (target));
  gtk_list_item_set_child (item, row);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  sch_case_row_bind (SCH_CASE_ROW (gtk_list_item_get_child (item)),
                     SCH_CASE_SUMMARY (gtk_list_item_get_item (item)));
}

static void
fill_state_filter (SchWindow *self)
{
  self->filter_names = gtk_string_list_new (NULL);
  gtk_string_list_append (self->filter_names, _("All cases"));
  for (guint i = 0; i < SCH_N_CASE_STATES; i++)
    gtk_string_list_append (self->filter_names, sch_case_state_get_label (i));

  gtk_drop_down_set_model (self->state_filter, G_LIST_MODEL (self->filter_names));
  gtk_drop_down_set_selected (self->state_filter, 0);
  g_signal_connect_swapped (self->state_filter, "notify::selected",
                            G_CALLBACK (state_filter_selected_cb), self);
}

static GSettings *
lookup_settings (SchWindow *self)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  if (SCH_IS_APPLICATION (app))
    return g_object_ref (sch_application_get_settings (SCH_APPLICATION (app)));

  /* Windows made without SchApplication (tests) still keep their size when
   * the schema is there. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static void
sch_window_constructed (GObject *object)
{
  SchWindow *self = SCH_WINDOW (object);
  GtkListItemFactory *factory;

  G_OBJECT_CLASS (sch_window_parent_class)->constructed (object);

  g_assert (SCH_IS_STORE (self->store));
  g_assert (SCH_IS_CATALOG (self->catalog));

  self->settings = lookup_settings (self);
  restore_geometry (self);

  g_action_map_add_action_entries (G_ACTION_MAP (self), win_entries, G_N_ELEMENTS (win_entries), self);

  self->list = sch_case_list_new (self->store);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  /* After the list view has taken in the change, or re-selecting the open
   * case would reach it half-updated. */
  g_signal_connect_data (self->selection, "items-changed",
                         G_CALLBACK (list_items_changed_cb), self,
                         NULL, G_CONNECT_SWAPPED | G_CONNECT_AFTER);

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_object (self->store, "case-changed",
                           G_CALLBACK (store_case_changed_cb), self, G_CONNECT_SWAPPED);

  fill_state_filter (self);
  update_list_page (self);
  update_actions (self);
  report_catalog_problems (self);

  if (SCH_IS_APPLICATION (gtk_window_get_application (GTK_WINDOW (self))))
    sch_window_set_sync_engine (self, sch_application_get_sync_engine (
                                  SCH_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)))));
}

static void
sch_window_dispose (GObject *object)
{
  SchWindow *self = SCH_WINDOW (object);

  if (self->current != NULL)
    g_clear_signal_handler (&self->current_changed_id, self->current);
  g_clear_object (&self->current);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);

  if (self->list_view != NULL)
    gtk_list_view_set_model (self->list_view, NULL);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_WINDOW);

  g_clear_object (&self->selection);
  g_clear_object (&self->list);
  g_clear_object (&self->filter_names);
  g_clear_object (&self->settings);
  g_clear_object (&self->catalog);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sch_window_parent_class)->dispose (object);
}

static void
sch_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SchWindow *self = SCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CATALOG:
      g_value_set_object (value, self->catalog);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sch_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SchWindow *self = SCH_WINDOW (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CATALOG:
      self->catalog = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sch_window_class_init (SchWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = sch_window_constructed;
  object_class->dispose = sch_window_dispose;
  object_class->get_property = sch_window_get_property;
  object_class->set_property = sch_window_set_property;
  window_class->close_request = sch_window_close_request;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SCH_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CATALOG] =
    g_param_spec_object ("catalog", NULL, NULL, SCH_TYPE_CATALOG,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (SCH_TYPE_CASE_EDITOR);
  g_type_ensure (SCH_TYPE_DOCUMENTS_VIEW);
  g_type_ensure (SCH_TYPE_CASE_HISTORY);
  g_type_ensure (SCH_TYPE_SYNC_INDICATOR);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/schalter/Schalter/sch-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SchWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, search_button);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, state_filter);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, list_view);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, case_title);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, content_stack);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, editor);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, documents);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, case_views);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, history);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sync_indicator);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sync_banner);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sync_banner_box);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sync_banner_label);
  gtk_widget_class_bind_template_child (widget_class, SchWindow, sync_banner_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
}

static void
sch_window_init (SchWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  g_object_bind_property (self->search_button, "active",
                          self->search_bar, "search-mode-enabled",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, self->sidebar);
}

SchWindow *
sch_window_new (GtkApplication *app, SchStore *store, SchCatalog *catalog)
{
  g_return_val_if_fail (app == NULL || GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CATALOG (catalog), NULL);

  return g_object_new (SCH_TYPE_WINDOW,
                       "application", app,
                       "store", store,
                       "catalog", catalog,
                       NULL);
}

gboolean
sch_window_open_case (SchWindow *self, const char *uuid)
{
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (SCH_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (uuid != NULL, FALSE);

  if (!open_case (self, uuid, &error))
    {
      show_error (self, _("The case could not be opened"), error->message);
      return FALSE;
    }

  sync_selection (self);
  return TRUE;
}

/* One at a time (sch-toast.h). */
void
sch_window_toast (SchWindow *self, const char *message)
{
  g_return_if_fail (SCH_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  sch_toast_show (self->toast_overlay, message);
}

void
sch_window_set_sync_engine (SchWindow *self, SchSyncEngine *engine)
{
  g_return_if_fail (SCH_IS_WINDOW (self));
  g_return_if_fail (engine == NULL || SCH_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    {
      g_signal_connect_swapped (engine, "notify::last-error", G_CALLBACK (update_sync_banner), self);
      g_signal_connect_swapped (engine, "notify::online", G_CALLBACK (update_sync_banner), self);
      g_signal_connect_swapped (engine, "case-updated", G_CALLBACK (engine_case_updated_cb), self);
    }

  sch_sync_indicator_set_engine (self->sync_indicator, engine);
  update_sync_banner (self);
  update_actions (self);
}
