/* The window's side of sync: queueing a signed case, the header bar
 * indicator, the history view, documents sent later, and the banners, all
 * against the reference receiver over HTTPS with the token in a private
 * gnome-keyring. */
#include "config.h"

#include <cairo.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sch-case-editor.h"
#include "sch-case-history.h"
#include "sch-case-row.h"
#include "sch-catalog.h"
#include "sch-credentials.h"
#include "sch-documents-view.h"
#include "sch-field-row.h"
#include "sch-outbox.h"
#include "sch-preferences-window.h"
#include "sch-store-pages.h"
#include "sch-sync-engine.h"
#include "sch-sync-indicator.h"
#include "sch-test-ui.h"
#include "sch-window.h"
#include "sync-test-util.h"

typedef struct {
  char            *dir;
  SchStore        *store;
  SchCatalog      *catalog;
  SyncReceiver    *receiver;
  GNetworkMonitor *monitor;
  SchSyncEngine   *engine;
  SchWindow       *window;
  guint            preferences_opened;
} Fixture;

static char *certs_dir;

/* A small scanned page (a PNG) added to @slot. */
static void
add_page (SchStore *store, SchCase *kase, const char *slot, double shade)
{
  g_autoptr(GBytes) bytes = sch_test_ui_page_png (200, 280, shade, shade, 1.0);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;

  sha = sch_blob_store_put_bytes (sch_store_get_blob_store (store), bytes, &error);
  g_assert_no_error (error);
  g_ptr_array_add (pages, sch_page_new (sha, SCH_PAGE_MEDIA_PNG, -1, 200, 280, 150, 0,
                                        SCH_PAGE_SOURCE_SCAN));
  added = sch_store_add_pages (store, kase, slot, -1, pages, &error);
  g_assert_no_error (error);
  g_assert_nonnull (added);
}

/* Imports a scanned page, saved as a PNG file, into @slot of the open case
 * through its documents view, as the clerk does for requested papers. */
static void
import_requested (Fixture *fixture, const char *slot)
{
  g_autoptr(GBytes) png = sch_test_ui_page_png (827, 1169, 0.95, 0.95, 0.9);
  g_autoptr(GFile) file = sch_test_ui_write_file (fixture->dir, "payslips.png", png);
  g_autoptr(GPtrArray) files = g_ptr_array_new ();
  GtkWidget *view = sch_test_ui_find (GTK_WIDGET (fixture->window), SCH_TYPE_DOCUMENTS_VIEW, "SchDocumentsView");
  SchCase *kase = sch_case_editor_get_case (SCH_CASE_EDITOR (sch_test_ui_find (GTK_WIDGET (fixture->window),
                                                                              SCH_TYPE_CASE_EDITOR,
                                                                              "SchCaseEditor")));
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (view);
  g_ptr_array_add (files, file);
  g_assert_true (sch_documents_view_import_files (SCH_DOCUMENTS_VIEW (view), files, slot));
  for (guint i = 0; i < 400 && sch_documents_view_is_busy (SCH_DOCUMENTS_VIEW (view)); i++)
    sch_test_ui_wait (50);
  g_assert_false (sch_documents_view_is_busy (SCH_DOCUMENTS_VIEW (view)));

  pages = sch_store_list_pages (fixture->store, kase, slot, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
}

/* A complete case with a passport page, signed by the resident. */
static SchCase *
make_signed_case (Fixture *fixture, const char *name)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, name);
  g_autoptr(GError) error = NULL;

  add_page (fixture->store, kase, "passports", 0.8);
  g_assert_true (sch_store_set_state (fixture->store, kase, SCH_CASE_STATE_SIGNED, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&kase);
}

static void
token_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_credentials_store_token_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
token_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;

  *(char **) user_data = sch_credentials_lookup_token_finish (result, &error);
  g_assert_no_error (error);
}

/* The token goes the app's way: into the keyring, and back out of it. */
static char *
token_through_keyring (const char *server_url)
{
  gboolean stored = FALSE;
  char *token = NULL;

  sch_credentials_store_token_async (server_url, SYNC_TEST_TOKEN, FALSE, NULL, token_stored_cb, &stored);
  g_assert_true (sch_test_ui_wait_for (&stored, 20000));
  sch_credentials_lookup_token_async (server_url, NULL, token_found_cb, &token);
  for (guint i = 0; i < 2000 && token == NULL; i++)
    sch_test_ui_wait (10);
  g_assert_nonnull (token);

  return token;
}

static void
preferences_cb (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  ((Fixture *) user_data)->preferences_opened++;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  static const GActionEntry app_entries[] = { { "preferences", preferences_cb } };
  g_autoptr(GSimpleActionGroup) app_actions = g_simple_action_group_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *db = NULL;
  g_autofree char *receiver_data = NULL;
  char *token;

  fixture->dir = sch_test_ui_make_tmpdir ();
  db = g_build_filename (fixture->dir, "client", "schalter.db", NULL);
  fixture->store = sch_store_open (db, &error);
  g_assert_no_error (error);
  fixture->catalog = sch_catalog_new_default ();

  receiver_data = g_build_filename (fixture->dir, "receiver", NULL);
  fixture->receiver = sync_receiver_start (certs_dir, receiver_data, 0, NULL);

  token = token_through_keyring (fixture->receiver->url);
  fixture->monitor = sync_test_monitor_new ();
  fixture->engine = sch_sync_engine_new (fixture->store, fixture->catalog, fixture->monitor);
  g_object_set (fixture->engine,
                "server-url", fixture->receiver->url,
                "ca-file", fixture->receiver->ca_file,
                "token", token,
                "timeout", 10,
                "backoff-base-ms", 50,
                "backoff-cap-ms", 400,
                "poll-interval", 3600,
                NULL);
  sch_credentials_free_token (token);

  g_settings_set_uint (settings, "municipality", SYNC_TEST_OFFICE_BFS);

  fixture->window = sch_window_new (NULL, fixture->store, fixture->catalog);
  /* Stands in for the application's actions: the banner leads to Preferences. */
  g_action_map_add_action_entries (G_ACTION_MAP (app_actions), app_entries, 1, fixture);
  gtk_widget_insert_action_group (GTK_WIDGET (fixture->window), "app", G_ACTION_GROUP (app_actions));
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  sch_window_set_sync_engine (fixture->window, fixture->engine);
  gtk_window_present (GTK_WINDOW (fixture->window));
  sch_sync_engine_start (fixture->engine);
  sch_test_ui_wait (100);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  sch_sync_engine_stop (fixture->engine);
  sch_test_ui_wait (50);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->monitor);
  g_clear_pointer (&fixture->receiver, sync_receiver_free);
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->store);
  sync_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

typedef struct {
  SchStore     *store;
  const char   *uuid;
  SchCaseState  state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return sync_test_case_state (wait->store, wait->uuid) == wait->state;
}

static void
assert_reaches_state (Fixture *fixture, SchCase *kase, SchCaseState state)
{
  StateWait wait = { fixture->store, sch_case_get_uuid (kase), state };

  if (!sync_test_wait (has_state, &wait, 30000))
    g_error ("Case stayed “%s” instead of becoming “%s”",
             sch_case_state_to_string (sync_test_case_state (fixture->store, wait.uuid)),
             sch_case_state_to_string (state));
  sch_test_ui_wait (50);
}

static guint
receiver_document_count (Fixture *fixture, SchCase *kase)
{
  g_autoptr(GHashTable) cases = sync_admin_cases (fixture->receiver);
  JsonObject *remote = g_hash_table_lookup (cases, sch_case_get_uuid (kase));

  if (remote == NULL)
    return 0;
  /* Once: the only case the receiver has. */
  g_assert_cmpuint (g_hash_table_size (cases), ==, 1);
  return json_array_get_length (json_object_get_array_member (remote, "documents"));
}

static void
admin_status (Fixture *fixture, SchCase *kase, const char *body)
{
  g_autofree char *path = g_strdup_printf ("/admin/cases/%s/status", sch_case_get_uuid (kase));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = sync_admin_call (fixture->receiver, "POST", path, body, &status);
  g_assert_cmpuint (status, ==, 200);
}

static GtkWidget *
find_label (Fixture *fixture, const char *text)
{
  return sch_test_ui_find (GTK_WIDGET (fixture->window), GTK_TYPE_LABEL, text);
}

static gboolean
label_contains (GtkWidget *root, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          strstr (gtk_label_get_label (GTK_LABEL (child)), text) != NULL)
        return TRUE;
      if (label_contains (child, text))
        return TRUE;
    }
  return FALSE;
}

static void
show_history (Fixture *fixture)
{
  GtkWidget *title = find_label (fixture, _("Status History"));
  GtkWidget *stack;

  g_assert_nonnull (title);
  stack = gtk_widget_get_ancestor (title, ADW_TYPE_VIEW_STACK);
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "history");
  sch_test_ui_wait (100);
}

/* Scrolls the page that holds @widget to its end. */
static void
scroll_to_end (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;

  g_assert_nonnull (scrolled);
  adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
  sch_test_ui_wait (100);
}

/* Scrolls the page that holds @widget until @widget is near its top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content;
  graphene_point_t point;

  g_assert_nonnull (scrolled);
  content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  g_assert_true (gtk_widget_compute_point (widget, content, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)),
                            point.y - 120);
  sch_test_ui_wait (100);
}

static SchSyncIndicator *
find_indicator (Fixture *fixture)
{
  GtkWidget *button = sch_test_ui_find (GTK_WIDGET (fixture->window), GTK_TYPE_MENU_BUTTON,
                                        _("Sync with the migration office"));

  g_assert_nonnull (button);
  return SCH_SYNC_INDICATOR (gtk_widget_get_ancestor (button, SCH_TYPE_SYNC_INDICATOR));
}

/* Capture → queue from the window → submitted with the reference shown →
 * documents requested → sent later into the same case. */
static void
test_queue_and_follow (Fixture *fixture, gconstpointer data)
{
  g_autoptr(SchCase) kase = make_signed_case (fixture, "Zwyssig");
  g_autoptr(SchCase) stored = NULL;
  g_autoptr(GError) error = NULL;
  const char *reference;

  sch_window_open_case (fixture->window, sch_case_get_uuid (kase));
  sch_test_ui_wait (100);
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (fixture->window), "win.queue-case", NULL));

  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  g_assert_cmpuint (receiver_document_count (fixture, kase), ==, 1);

  stored = sch_store_load_case (fixture->store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  reference = sch_case_get_reference (stored);
  g_assert_true (g_str_has_prefix (reference, "MA-SG-"));

  show_history (fixture);
  g_assert_true (label_contains (GTK_WIDGET (fixture->window), reference));
  g_assert_true (label_contains (GTK_WIDGET (fixture->window), _("Submitted")));

  /* The journal in words, not the keys the code writes ("state",
   * "queued -> sending", "pages-added", "passports: 1"). */
  {
    g_autofree char *submitted = g_strdup_printf ("Submitted to the migration office (reference %s)", reference);

    g_assert_true (label_contains (GTK_WIDGET (fixture->window), submitted));
    g_assert_true (label_contains (GTK_WIDGET (fixture->window), "State changed: Signed → Queued"));
    g_assert_true (label_contains (GTK_WIDGET (fixture->window),
                                   "Added 1 page to “Passports of all family members”"));
    g_assert_true (label_contains (GTK_WIDGET (fixture->window), "Case created: "));
    g_assert_false (label_contains (GTK_WIDGET (fixture->window), " -> "));
    g_assert_false (label_contains (GTK_WIDGET (fixture->window), "passports: "));
    g_assert_null (find_label (fixture, "state"));
    g_assert_null (find_label (fixture, "pages-added"));
  }

  /* The office asks for the payslips: state and history show it. */
  admin_status (fixture, kase,
                "{\"status\": \"documents-requested\", \"note\": \"Bitte Lohnabrechnungen.\","
                " \"requestedDocuments\": [{\"slot\": \"payslips\", \"note\": \"Januar bis Juni\"}]}");
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (fixture->window), "win.sync-now", NULL));
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_DOCUMENTS_REQUESTED);
  g_assert_true (label_contains (GTK_WIDGET (fixture->window), _("Documents requested")));
  g_assert_true (label_contains (GTK_WIDGET (fixture->window),
                                 "Requested: Payslips of the last six months (Januar bis Juni)"));
  g_assert_true (label_contains (GTK_WIDGET (fixture->window), "Bitte Lohnabrechnungen."));
  g_assert_true (label_contains (GTK_WIDGET (fixture->window), _("Send Requested Documents")));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (fixture->window), "case-history"));
  scroll_to_end (find_label (fixture, _("Journal")));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (fixture->window), "case-history-journal"));

  /* Nachreichen: the clerk imports the requested payslips into the same
   * case, in its documents view. */
  import_requested (fixture, "payslips");
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (fixture->window), "win.send-requested", NULL));
  for (guint i = 0; i < 300 && receiver_document_count (fixture, kase) < 2; i++)
    sch_test_ui_wait (100);
  g_assert_cmpuint (receiver_document_count (fixture, kase), ==, 2);
}

/* The form's row of @field in @group, or NULL. */
static SchFieldRow *
find_field_row (GtkWidget *root, const char *group, guint index, const char *field)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SchFieldRow *row;

      if (SCH_IS_FIELD_ROW (child))
        {
          row = SCH_FIELD_ROW (child);
          if (g_str_equal (sch_field_row_get_group (row), group) &&
              sch_field_row_get_index (row) == index &&
              g_str_equal (sch_field_row_get_field (row)->id, field))
            return row;
          continue;
        }
      row = find_field_row (child, group, index, field);
      if (row != NULL)
        return row;
    }
  return NULL;
}

/* A shown label reading @text inside a widget of @ancestor_type, or NULL. */
static GtkWidget *
find_label_in (GtkWidget *root, GType ancestor_type, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_get_mapped (child) &&
          g_str_equal (gtk_label_get_label (GTK_LABEL (child)), text) &&
          gtk_widget_get_ancestor (child, ancestor_type) != NULL)
        return child;
      found = find_label_in (child, ancestor_type, text);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The office refuses the case with a field error (422): the case needs
 * attention, and its editor shows the office's words under the field the
 * office named, also when the clerk opens the case again later. */
static void
test_refused_field_marked (Fixture *fixture, gconstpointer data)
{
  static const char detail[] = "The AHV number is not known to the migration office.";
  g_autoptr(SchCase) kase = make_signed_case (fixture, "Gerber");
  g_autoptr(SchCase) other = make_signed_case (fixture, "Huber");
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *body = g_strdup_printf ("{\"pointer\": \"/person/vn\", \"detail\": \"%s\"}", detail);
  GtkWidget *window = GTK_WIDGET (fixture->window);
  SchFieldRow *ahv;
  SchFieldRow *name;
  GtkWidget *badge;
  guint status = 0;

  answer = sync_admin_call (fixture->receiver, "POST", "/admin/reject-next", body, &status);
  g_assert_cmpuint (status, ==, 204);

  sch_window_open_case (fixture->window, sch_case_get_uuid (kase));
  sch_test_ui_wait (100);
  g_assert_true (sch_test_ui_activate (window, "win.queue-case", NULL));
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_NEEDS_ATTENTION);
  {
    g_autoptr(GHashTable) cases = sync_admin_cases (fixture->receiver);

    /* Refused: nothing was created at the office. */
    g_assert_cmpuint (g_hash_table_size (cases), ==, 0);
  }

  /* The clerk looks at another case, then comes back to the refused one. */
  sch_window_open_case (fixture->window, sch_case_get_uuid (other));
  sch_test_ui_wait (100);
  g_assert_null (find_label_in (window, SCH_TYPE_CASE_EDITOR, detail));
  sch_window_open_case (fixture->window, sch_case_get_uuid (kase));
  sch_test_ui_wait (200);

  ahv = find_field_row (window, "person", 0, "ahv");
  g_assert_nonnull (ahv);
  g_assert_cmpstr (sch_field_row_get_error (ahv), ==, detail);
  /* Shown under that field, and only there. */
  g_assert_nonnull (find_label_in (GTK_WIDGET (ahv), SCH_TYPE_FIELD_ROW, detail));
  name = find_field_row (window, "person", 0, "official_name");
  g_assert_nonnull (name);
  g_assert_null (sch_field_row_get_error (name));

  /* "Needs attention" in the editor's badge and in the case list. */
  badge = find_label_in (window, SCH_TYPE_CASE_EDITOR, _("Needs attention"));
  g_assert_nonnull (badge);
  g_assert_true (gtk_widget_has_css_class (badge, "state-needs-attention"));
  g_assert_nonnull (find_label_in (window, SCH_TYPE_CASE_ROW, _("Needs attention")));
  /* It waits for the clerk, so the header does not count it as queued. */
  g_assert_cmpuint (sch_sync_engine_get_queued (fixture->engine), ==, 0);
  g_assert_null (find_label_in (window, SCH_TYPE_SYNC_INDICATOR, "1"));
  scroll_to (GTK_WIDGET (ahv));
  g_free (sch_test_ui_save_screenshot (window, "sync-refused-field"));
}

/* A refused token: a banner says what to do, with the way to Preferences;
 * the queued case is kept and goes once the token is right. */
/* Halted, and the calls that were on their way when it halted are back. */
static gboolean
halted_and_idle (gpointer engine)
{
  return sch_sync_engine_get_halted (engine) && !sch_sync_engine_get_busy (engine);
}

static void
test_token_refused (Fixture *fixture, gconstpointer data)
{
  g_autoptr(SchCase) kase = make_signed_case (fixture, "Keller");
  GtkWidget *banner_label;
  GtkWidget *button;
  GtkWidget *revealer;
  SchCaseState state;

  g_object_set (fixture->engine, "token", "not-the-token", NULL);
  sch_window_open_case (fixture->window, sch_case_get_uuid (kase));
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (fixture->window), "win.queue-case", NULL));
  g_assert_true (sync_test_wait (halted_and_idle, fixture->engine, 30000));
  sch_test_ui_wait (400);

  banner_label = find_label (fixture, _("The migration office refused this workstation’s token. "
                                        "Enter a new token in Preferences."));
  g_assert_nonnull (banner_label);
  revealer = gtk_widget_get_ancestor (banner_label, GTK_TYPE_REVEALER);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
  button = sch_test_ui_find (revealer, GTK_TYPE_BUTTON, _("Open _Preferences"));
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_visible (button));
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, "app.preferences");
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (fixture->window), "sync-error-banner"));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  g_assert_cmpuint (fixture->preferences_opened, ==, 1);

  /* Nothing lost: still queued, and sent with the right token. */
  state = sync_test_case_state (fixture->store, sch_case_get_uuid (kase));
  g_assert_cmpint (state, ==, SCH_CASE_STATE_QUEUED);
  g_assert_cmpuint (sch_outbox_count_queued (fixture->store, NULL), ==, 1);
  g_object_set (fixture->engine, "token", SYNC_TEST_TOKEN, NULL);
  sch_sync_engine_sync_now (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
}

/* The receiver is down: the indicator counts the queued case, which goes
 * once the receiver is back. */
static void
test_queued_while_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr(SchCase) kase = make_signed_case (fixture, "Brunner");
  SchSyncIndicator *indicator = find_indicator (fixture);

  sync_receiver_stop (fixture->receiver);
  sch_window_open_case (fixture->window, sch_case_get_uuid (kase));
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (fixture->window), "win.queue-case", NULL));
  for (guint i = 0; i < 100 && sch_sync_engine_get_queued (fixture->engine) == 0; i++)
    sch_test_ui_wait (50);
  sch_test_ui_wait (500);

  g_assert_nonnull (strstr (sch_sync_indicator_get_summary (indicator), "1 case queued"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (indicator), GTK_TYPE_LABEL, "1"));
  g_assert_true (gtk_widget_get_visible (sch_test_ui_find (GTK_WIDGET (indicator), GTK_TYPE_LABEL, "1")));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (fixture->window), "sync-indicator"));

  sync_receiver_restart (fixture->receiver);
  sch_sync_engine_sync_now (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  g_assert_nonnull (strstr (sch_sync_indicator_get_summary (indicator), _("Nothing waiting to be sent")));
  g_assert_nonnull (strstr (sch_sync_indicator_get_summary (indicator), _("Last synced at")));
}

/* Every journal action the code writes, with its detail as written, reads
 * as a sentence in the History view. */
static void
test_journal_in_words (void)
{
  static const char * const lines[][3] = {
    { "created", "family-reunification", "Case created: Family reunification" },
    { "edited", NULL, "Case data edited" },
    { "pages-added", "passports: 2", "Added 2 pages to “Passports of all family members”" },
    { "pages-moved", "passports -> rental_contract: 1",
      "Moved 1 page from “Passports of all family members” to “Rental contract”" },
    { "pages-deleted", "payslips: 3", "Deleted 3 pages of “Payslips of the last six months”" },
    { "pages-restored", "payslips: 3", "Restored 3 pages of “Payslips of the last six months”" },
    { "slot-to-follow", "landlord_consent", "“Landlord's consent” marked as to follow" },
    { "slot-to-follow-cleared", "landlord_consent", "“Landlord's consent” no longer marked as to follow" },
    { "printed", "form+receipt, de, printout 2, form pages 4", "Printed the signature form and receipt (printout 2)" },
    { "printed", "form+receipt, fr, printout 3, form pages 4, saved as PDF",
      "Saved the signature form and receipt as PDF (printout 3)" },
    /* As the signed-form intake writes them. */
    { "signed-form-filed", "form pages 1,3 of 4, printout 2",
      "Filed pages 1, 3 of 4 of the signed form by their QR codes (printout 2)" },
    { "signed-form-filed", "form pages 2 of 4, printout 2, chosen by the clerk",
      "Filed page 2 of 4 of the signed form, chosen by the clerk (printout 2)" },
    { "pages-added", "signed-form: 1", "Added 1 page to “Signed form”" },
    { "state", "awaiting-signature -> signed", "State changed: Awaiting signature → Signed" },
    { "supplement-queued", "0b7c6f36-4d3c-4a59-9c39-1f1f5f8e2d10", "Requested documents queued for the migration office" },
    { "supplement-submitted", "0b7c6f36-4d3c-4a59-9c39-1f1f5f8e2d10", "Requested documents sent to the migration office" },
    { "documents-purged", "5", "5 document pages deleted" },
    { "purged", "reference=MA-SG-2026-000042 type=family-reunification created=2026-01-02 "
                "acknowledged=2026-01-05 clerk=akeller",
      "Personal data and documents deleted after the retention period (reference MA-SG-2026-000042)" },
    { "office-status", "documents-requested",
      "Reported by the migration office after the data was deleted: Documents requested" },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autofree char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = sch_store_open (db, &error);
  g_autoptr(SchCatalog) catalog = sch_catalog_new_default ();
  g_autoptr(SchCase) kase = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *history = sch_case_history_new ();

  g_assert_no_error (error);
  kase = sync_test_make_case (store, "Keller");
  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      g_assert_true (sch_store_journal_add (store, sch_case_get_uuid (kase), lines[i][0], lines[i][1], &error));
      g_assert_no_error (error);
    }

  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), history);
  gtk_window_set_child (GTK_WINDOW (window), scrolled);
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 1900);
  sch_case_history_set_case (SCH_CASE_HISTORY (history), store, kase,
                             sch_catalog_lookup (catalog, sch_case_get_type_code (kase)));
  gtk_window_present (GTK_WINDOW (window));
  sch_test_ui_wait (200);

  for (gsize i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      if (!label_contains (window, lines[i][2]))
        g_error ("The journal line “%s” does not read “%s”", lines[i][0], lines[i][2]);
      /* Not the key itself. */
      g_assert_null (sch_test_ui_find (window, GTK_TYPE_LABEL, lines[i][0]));
    }
  g_assert_false (label_contains (window, " -> "));
  g_assert_false (label_contains (window, "reference="));
  g_assert_false (label_contains (window, "form+receipt"));
  scroll_to_end (sch_test_ui_find (window, GTK_TYPE_LABEL, _("Journal")));
  g_free (sch_test_ui_save_screenshot (window, "case-history-journal-actions"));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&kase);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

/* The "Migration Office" page: files and numbers are settings, the token never is. */
static void
test_preferences (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(GSettingsSchema) schema = NULL;
  GtkWidget *window;
  GtkWidget *retention;
  GtkWidget *interval;

  g_settings_set_string (settings, "ca-file", "/etc/schalter/office-ca.pem");
  window = sch_preferences_window_new (NULL, settings);
  gtk_window_present (GTK_WINDOW (window));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "migration-office");
  sch_test_ui_wait (100);

  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, "/etc/schalter/office-ca.pem"));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, _("Workstation Token")));

  retention = sch_test_ui_find (window, ADW_TYPE_ACTION_ROW, _("Retention period"));
  g_assert_nonnull (retention);
  retention = sch_test_ui_find (retention, GTK_TYPE_SPIN_BUTTON, "GtkSpinButton");
  interval = sch_test_ui_find (window, ADW_TYPE_ACTION_ROW, _("Status check interval"));
  g_assert_nonnull (interval);
  interval = sch_test_ui_find (interval, GTK_TYPE_SPIN_BUTTON, "GtkSpinButton");
  g_assert_nonnull (retention);
  g_assert_nonnull (interval);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (retention)), ==, 30);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (interval)), ==, 60);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (retention), 45);
  g_assert_cmpuint (g_settings_get_uint (settings, "retention-days"), ==, 45);
  g_free (sch_test_ui_save_screenshot (window, "preferences-migration-office"));

  /* No key could hold the token. */
  g_object_get (settings, "settings-schema", &schema, NULL);
  g_assert_false (g_settings_schema_has_key (schema, "token"));

  g_settings_reset (settings, "ca-file");
  g_settings_reset (settings, "retention-days");
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring_dir = NULL;
  int result;

  g_test_init (&argc, &argv, NULL);
  certs_dir = g_dir_make_tmp ("sch-ui-sync-certs-XXXXXX", &error);
  g_assert_no_error (error);
  sync_test_make_certs (certs_dir);
  keyring_dir = g_build_filename (certs_dir, "keyring", NULL);
  /* Before GTK connects to the session bus: the keyring's private one is used. */
  sync_keyring_start (keyring_dir);
  sch_test_ui_init ();

  g_test_add_func ("/ui-sync/preferences", test_preferences);
  g_test_add_func ("/ui-sync/journal-in-words", test_journal_in_words);
  g_test_add ("/ui-sync/queue-and-follow", Fixture, NULL, fixture_set_up, test_queue_and_follow,
              fixture_tear_down);
  g_test_add ("/ui-sync/refused-field-marked", Fixture, NULL, fixture_set_up, test_refused_field_marked,
              fixture_tear_down);
  g_test_add ("/ui-sync/token-refused", Fixture, NULL, fixture_set_up, test_token_refused,
              fixture_tear_down);
  g_test_add ("/ui-sync/queued-while-down", Fixture, NULL, fixture_set_up, test_queued_while_down,
              fixture_tear_down);

  result = g_test_run ();
  sync_test_rm_rf (certs_dir);
  g_free (certs_dir);
  return result;
}
