#define G_LOG_DOMAIN "sch-application"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-credentials.h"
#include "sch-preferences-window.h"
#include "sch-retention.h"
#include "sch-window.h"

struct _SchApplication
{
  AdwApplication parent_instance;

  GSettings  *settings;
  SchStore   *store;
  SchCatalog *catalog;
  GError     *store_error;   /* why the store did not open */

  SchSyncEngine *engine;
  GCancellable  *token_cancellable;
  guint          retention_id;
  GCancellable  *retention_cancellable;
  gboolean       retention_running;
  gboolean       engine_started;
};

G_DEFINE_FINAL_TYPE (SchApplication, sch_application, ADW_TYPE_APPLICATION)

static void
quit_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing (not destroying) lets each window save the open case first and
   * stay open if that fails; the app ends with its last window. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
}

static void
preferences_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *window = sch_preferences_window_new (parent, self->settings);

  gtk_window_present (GTK_WINDOW (window));
}

static void
about_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", _("Schalter"),
                        /* Installed under the application id, as the desktop file names it. */
                        "application-icon", APP_ID,
                        "version", PACKAGE_VERSION,
                        "developer-name", _("The Schalter developers"),
                        "comments", _("Capture residence-permit applications of foreign residents at the residents’ office."),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

/* From the "Documents requested" notification. */
static void
show_case_action (GSimpleAction *action, GVariant *param, gpointer user_data)
{
  SchApplication *self = user_data;
  GtkWindow *window;

  g_application_activate (G_APPLICATION (self));
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (SCH_IS_WINDOW (window))
    sch_window_open_case (SCH_WINDOW (window), g_variant_get_string (param, NULL));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "show-case", show_case_action, "s" },
};

static const struct {
  const char *action;
  const char *accels[3];
} accels[] = {
  { "app.quit", { "<Control>q", NULL } },
  { "app.preferences", { "<Control>comma", NULL } },
  { "win.new-case", { "<Control>n", NULL } },
  { "win.search", { "<Control>f", NULL } },
  { "win.next-case", { "<Control>Page_Down", NULL } },
  { "win.previous-case", { "<Control>Page_Up", NULL } },
  { "win.focus-list", { "F6", NULL } },
  { "win.delete-draft", { "<Control>Delete", NULL } },
  { "win.show-view::details", { "<Alt>1", NULL } },
  { "win.show-view::documents", { "<Alt>2", NULL } },
  { "win.show-view::history", { "<Alt>3", NULL } },
  { "win.add-family-member", { "<Control><Shift>n", NULL } },
  { "win.print", { "<Control>p", NULL } },
  { "win.scan-signed-form", { "<Control><Shift>s", NULL } },
  { "win.sync-now", { "F5", NULL } },
  { "win.queue-case", { "<Control><Shift>Return", NULL } },
};

/* The development run (build-aux/dev run) points the app at its own demo
 * receiver without touching the clerk's settings. */
static const char *
dev_override (const char *variable)
{
  if (!g_str_equal (PROFILE, "development"))
    return NULL;
  return g_getenv (variable);
}

static void
token_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SchApplication *self = user_data;
  g_autoptr(GError) error = NULL;
  char *token;

  token = sch_credentials_lookup_token_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (error != NULL)
    g_message ("The workstation token could not be read from the keyring: %s", error->message);

  sch_sync_engine_set_token (self->engine, token);
  sch_credentials_free_token (token);

  if (!self->engine_started)
    {
      self->engine_started = TRUE;
      sch_sync_engine_start (self->engine);
    }
}

static void
load_token (SchApplication *self)
{
  g_autofree char *server_url = NULL;

  g_cancellable_cancel (self->token_cancellable);
  g_clear_object (&self->token_cancellable);
  self->token_cancellable = g_cancellable_new ();

  g_object_get (self->engine, "server-url", &server_url, NULL);
  sch_credentials_lookup_token_async (server_url != NULL ? server_url : "", self->token_cancellable,
                                      token_looked_up_cb, self);
}

static void
documents_requested_cb (SchApplication *self,
                        const char     *case_uuid,
                        const char     *reference,
                        const char     *requested_json)
{
  g_autoptr(GNotification) notification = g_notification_new (_("Documents requested"));
  g_autofree char *body = NULL;

  /* Only the reference: a notification may be seen by anyone at the desk. */
  if (reference != NULL && *reference != '\0')
    body = g_strdup_printf (_("The migration office asks for more documents for case %s. "
                              "Open the case to send them."), reference);
  else
    body = g_strdup (_("The migration office asks for more documents for a case. "
                       "Open the case to send them."));
  g_notification_set_body (notification, body);
  g_notification_set_default_action_and_target (notification, "app.show-case", "s", case_uuid);
  g_application_send_notification (G_APPLICATION (self), case_uuid, notification);
}

static void
retention_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  guint n_purged = 0;

  self->retention_running = FALSE;
  if (!sch_retention_run_finish (SCH_STORE (source), result, &n_purged, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("Deleting the data of acknowledged cases failed: %s", error->message);
    }
  else if (n_purged > 0)
    {
      g_debug ("Retention deleted the data of %u cases", n_purged);
    }
}

/* In a worker thread with its own connection: purging and rewriting the
 * search index take a while on a large database. */
static gboolean
run_retention (gpointer user_data)
{
  SchApplication *self = user_data;

  if (self->retention_running)
    return G_SOURCE_CONTINUE;

  self->retention_running = TRUE;
  sch_retention_run_async (self->store, g_settings_get_uint (self->settings, "retention-days"), NULL,
                           self->retention_cancellable, retention_done_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static gboolean
run_retention_once (gpointer user_data)
{
  run_retention (user_data);
  return G_SOURCE_REMOVE;
}

static void
setup_sync (SchApplication *self)
{
  const char *server_url = dev_override ("SCHALTER_SERVER_URL");
  const char *ca_file = dev_override ("SCHALTER_CA_FILE");

  self->engine = sch_sync_engine_new (self->store, self->catalog, NULL);

  if (server_url != NULL)
    sch_sync_engine_set_server_url (self->engine, server_url);
  else
    g_settings_bind (self->settings, "server-url", self->engine, "server-url", G_SETTINGS_BIND_GET);
  if (ca_file != NULL)
    sch_sync_engine_set_ca_file (self->engine, ca_file);
  else
    g_settings_bind (self->settings, "ca-file", self->engine, "ca-file", G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "client-cert-file", self->engine, "client-certificate-file",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "client-key-file", self->engine, "client-key-file",
                   G_SETTINGS_BIND_GET);
  g_settings_bind (self->settings, "sync-interval", self->engine, "poll-interval",
                   G_SETTINGS_BIND_GET);

  /* The token is kept per server: another server needs its own. */
  g_signal_connect_swapped (self->engine, "notify::server-url", G_CALLBACK (load_token), self);
  g_signal_connect_swapped (self->engine, "documents-requested",
                            G_CALLBACK (documents_requested_cb), self);
  load_token (self);

  g_idle_add_full (G_PRIORITY_LOW, run_retention_once, g_object_ref (self), g_object_unref);
  self->retention_id = g_timeout_add_seconds (24 * 60 * 60, run_retention, self);
}

static void
sch_application_startup (GApplication *app)
{
  SchApplication *self = SCH_APPLICATION (app);
  g_autofree char *path = NULL;

  G_APPLICATION_CLASS (sch_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries, G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action, accels[i].accels);

  self->settings = g_settings_new (BASE_ID);
  self->catalog = sch_catalog_new_default ();

  /* A store that does not open is reported, never replaced by a new one. */
  path = sch_store_default_path ();
  self->store = sch_store_open (path, &self->store_error);
  if (self->store == NULL)
    g_message ("The case database could not be opened: %s", self->store_error->message);
  else
    setup_sync (self);
}

static void
sch_application_shutdown (GApplication *app)
{
  SchApplication *self = SCH_APPLICATION (app);

  g_cancellable_cancel (self->token_cancellable);
  g_clear_handle_id (&self->retention_id, g_source_remove);
  /* It stops after the case it is purging; its connection closes cleanly. */
  g_cancellable_cancel (self->retention_cancellable);
  while (self->retention_running)
    g_main_context_iteration (NULL, TRUE);
  if (self->engine != NULL)
    sch_sync_engine_stop (self->engine);

  G_APPLICATION_CLASS (sch_application_parent_class)->shutdown (app);
}

static void
show_store_error (SchApplication *self)
{
  GtkWidget *dialog;

  dialog = adw_message_dialog_new (NULL, _("The Case Database Could Not Be Opened"),
                                   self->store_error->message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "quit", _("_Quit"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "quit");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "quit");
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
sch_application_activate (GApplication *app)
{
  SchApplication *self = SCH_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL && self->store == NULL)
    {
      show_store_error (self);
      return;
    }

  if (window == NULL)
    window = GTK_WINDOW (sch_window_new (GTK_APPLICATION (self), self->store, self->catalog));

  gtk_window_present (window);
}

static void
sch_application_dispose (GObject *object)
{
  SchApplication *self = SCH_APPLICATION (object);

  g_clear_object (&self->token_cancellable);
  g_clear_object (&self->retention_cancellable);
  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->catalog);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (sch_application_parent_class)->dispose (object);
}

static void
sch_application_class_init (SchApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = sch_application_dispose;
  app_class->startup = sch_application_startup;
  app_class->activate = sch_application_activate;
  app_class->shutdown = sch_application_shutdown;
}

static void
sch_application_init (SchApplication *self)
{
  self->retention_cancellable = g_cancellable_new ();
}

SchApplication *
sch_application_new (void)
{
  /* The development build has its own id but the same resources. */
  return g_object_new (SCH_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/schalter/Schalter",
                       NULL);
}

SchStore *
sch_application_get_store (SchApplication *self)
{
  g_return_val_if_fail (SCH_IS_APPLICATION (self), NULL);

  return self->store;
}

SchCatalog *
sch_application_get_catalog (SchApplication *self)
{
  g_return_val_if_fail (SCH_IS_APPLICATION (self), NULL);

  return self->catalog;
}

GSettings *
sch_application_get_settings (SchApplication *self)
{
  g_return_val_if_fail (SCH_IS_APPLICATION (self), NULL);

  return self->settings;
}

SchSyncEngine *
sch_application_get_sync_engine (SchApplication *self)
{
  g_return_val_if_fail (SCH_IS_APPLICATION (self), NULL);

  return self->engine;
}

void
sch_application_reload_token (SchApplication *self)
{
  g_return_if_fail (SCH_IS_APPLICATION (self));

  if (self->engine != NULL)
    load_token (self);
}
