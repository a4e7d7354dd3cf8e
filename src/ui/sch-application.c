#define G_LOG_DOMAIN "sch-application"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-preferences-window.h"
#include "sch-window.h"

struct _SchApplication
{
  AdwApplication parent_instance;

  GSettings  *settings;
  SchStore   *store;
  SchCatalog *catalog;
  GError     *store_error;   /* why the store did not open */
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

static const GActionEntry app_entries[] = {
  { "quit", quit_action },
  { "preferences", preferences_action },
  { "about", about_action },
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
  { "win.add-family-member", { "<Control><Shift>n", NULL } },
  { "win.print", { "<Control>p", NULL } },
  { "win.scan-signed-form", { "<Control><Shift>s", NULL } },
};

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
}

static void
sch_application_init (SchApplication *self)
{
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
