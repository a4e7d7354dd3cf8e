#define G_LOG_DOMAIN "sch-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-credentials.h"
#include "sch-refdata.h"
#include "sch-preferences-window.h"

/* The office's canton: its municipalities are offered. */
#define OFFICE_CANTON "SG"

static const char * const print_languages[] = { "de", "fr", "it" };

struct _SchPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  GSettings   *settings;
  GArray      *municipalities;   /* guint BFS numbers, [0] = 0 for "Not set" */

  AdwEntryRow *office_name_row;
  AdwEntryRow *office_phone_row;
  AdwEntryRow *office_email_row;
  GtkTextView *office_address_view;
  AdwComboRow *municipality_row;
  AdwComboRow *print_language_row;
  AdwEntryRow *server_url_row;
  GtkLabel    *server_url_error;
  AdwActionRow *ca_file_row;
  GtkWidget   *ca_file_choose;
  GtkWidget   *ca_file_clear;
  AdwActionRow *client_cert_row;
  GtkWidget   *client_cert_choose;
  GtkWidget   *client_cert_clear;
  AdwActionRow *client_key_row;
  GtkWidget   *client_key_choose;
  GtkWidget   *client_key_clear;
  GtkEditable *token_row;
  GtkWidget   *save_token_button;
  GtkLabel    *token_status;
  GtkSpinButton *sync_interval_spin;
  GtkSpinButton *retention_spin;

  GCancellable *cancellable;
};

/* The file settings of the "Migration Office" page and their rows. */
static const struct {
  const char *key;
  gsize       row_offset;
  gsize       choose_offset;
  gsize       clear_offset;
  const char *dialog_title;
} file_settings[] = {
  { "ca-file", G_STRUCT_OFFSET (struct _SchPreferencesWindow, ca_file_row),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, ca_file_choose),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, ca_file_clear),
    N_("Choose the CA File of the Migration Office") },
  { "client-cert-file", G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_cert_row),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_cert_choose),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_cert_clear),
    N_("Choose the Client Certificate") },
  { "client-key-file", G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_key_row),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_key_choose),
    G_STRUCT_OFFSET (struct _SchPreferencesWindow, client_key_clear),
    N_("Choose the Key of the Client Certificate") },
};

#define FILE_SETTING_WIDGET(self, offset) G_STRUCT_MEMBER (gpointer, self, offset)

G_DEFINE_FINAL_TYPE (SchPreferencesWindow, sch_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static int
compare_municipality_names (gconstpointer a, gconstpointer b)
{
  const SchMunicipality *ma = *(const SchMunicipality * const *) a;
  const SchMunicipality *mb = *(const SchMunicipality * const *) b;

  return g_utf8_collate (ma->name, mb->name);
}

static void
fill_municipalities (SchPreferencesWindow *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  const SchMunicipality *all;
  guint n = 0;
  guint zero = 0;

  all = sch_refdata_get_municipalities (&n);
  for (guint i = 0; i < n; i++)
    {
      if (g_strcmp0 (all[i].canton, OFFICE_CANTON) == 0)
        g_ptr_array_add (sorted, (gpointer) &all[i]);
    }
  g_ptr_array_sort (sorted, compare_municipality_names);

  gtk_string_list_append (names, _("Not set"));
  g_array_append_val (self->municipalities, zero);
  for (guint i = 0; i < sorted->len; i++)
    {
      const SchMunicipality *m = g_ptr_array_index (sorted, i);

      gtk_string_list_append (names, m->name);
      g_array_append_val (self->municipalities, m->bfs);
    }

  adw_combo_row_set_model (self->municipality_row, G_LIST_MODEL (names));
}

static void
municipality_setting_changed_cb (SchPreferencesWindow *self)
{
  guint bfs = g_settings_get_uint (self->settings, "municipality");
  guint position = 0;

  for (guint i = 0; i < self->municipalities->len; i++)
    {
      if (g_array_index (self->municipalities, guint, i) == bfs)
        position = i;
    }

  if (adw_combo_row_get_selected (self->municipality_row) != position)
    adw_combo_row_set_selected (self->municipality_row, position);
}

static void
municipality_selected_cb (SchPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->municipality_row);

  if (position == GTK_INVALID_LIST_POSITION || position >= self->municipalities->len)
    return;

  g_settings_set_uint (self->settings, "municipality",
                       g_array_index (self->municipalities, guint, position));
}

static void
print_language_setting_changed_cb (SchPreferencesWindow *self)
{
  g_autofree char *lang = g_settings_get_string (self->settings, "print-language");

  for (guint i = 0; i < G_N_ELEMENTS (print_languages); i++)
    {
      if (g_str_equal (lang, print_languages[i]) &&
          adw_combo_row_get_selected (self->print_language_row) != i)
        adw_combo_row_set_selected (self->print_language_row, i);
    }
}

static void
print_language_selected_cb (SchPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->print_language_row);

  if (position < G_N_ELEMENTS (print_languages))
    g_settings_set_string (self->settings, "print-language", print_languages[position]);
}

/* Empty clears the setting; anything else must be an https:// URL with a host. */
static gboolean
server_url_is_valid (const char *text)
{
  g_autoptr(GUri) uri = NULL;

  if (*text == '\0')
    return TRUE;

  uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);

  return uri != NULL &&
         g_strcmp0 (g_uri_get_scheme (uri), "https") == 0 &&
         g_uri_get_host (uri) != NULL &&
         *g_uri_get_host (uri) != '\0';
}

static void
server_url_changed_cb (SchPreferencesWindow *self)
{
  g_autofree char *stripped = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_url_row))));
  g_autofree char *stored = g_settings_get_string (self->settings, "server-url");
  gboolean valid = server_url_is_valid (stripped);

  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_url_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->server_url_row), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->server_url_error), !valid);

  if (valid && !g_str_equal (stripped, stored))
    g_settings_set_string (self->settings, "server-url", stripped);
}

static void
update_file_rows (SchPreferencesWindow *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (file_settings); i++)
    {
      g_autofree char *path = g_settings_get_string (self->settings, file_settings[i].key);
      AdwActionRow *row = FILE_SETTING_WIDGET (self, file_settings[i].row_offset);

      adw_action_row_set_subtitle (row, *path != '\0' ? path : _("None"));
      gtk_widget_set_visible (FILE_SETTING_WIDGET (self, file_settings[i].clear_offset), *path != '\0');
    }
}

static void
file_chosen_cb (GtkNativeDialog *dialog, int response, gpointer user_data)
{
  SchPreferencesWindow *self = g_object_get_data (G_OBJECT (dialog), "window");
  const char *key = user_data;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        g_settings_set_string (self->settings, key, path);
    }

  gtk_native_dialog_destroy (dialog);
  g_object_unref (dialog);
}

static void
choose_file_clicked_cb (GtkWidget *button, SchPreferencesWindow *self)
{
  gsize i = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "file-setting"));
  GtkFileChooserNative *dialog;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  dialog = gtk_file_chooser_native_new (_(file_settings[i].dialog_title), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (filter, _("PEM files"));
  gtk_file_filter_add_pattern (filter, "*.pem");
  gtk_file_filter_add_pattern (filter, "*.crt");
  gtk_file_filter_add_pattern (filter, "*.key");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (dialog), filter);
  /* The dialog may outlive a closed Preferences window. */
  g_object_set_data_full (G_OBJECT (dialog), "window", g_object_ref (self), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (file_chosen_cb), (gpointer) file_settings[i].key);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

static void
clear_file_clicked_cb (GtkWidget *button, SchPreferencesWindow *self)
{
  gsize i = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "file-setting"));

  g_settings_set_string (self->settings, file_settings[i].key, "");
}

static void
token_changed_cb (SchPreferencesWindow *self)
{
  gtk_widget_set_sensitive (self->save_token_button, *gtk_editable_get_text (self->token_row) != '\0');
}

static void
show_token_status (SchPreferencesWindow *self, const char *text, gboolean error)
{
  gtk_label_set_text (self->token_status, text);
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (self->token_status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->token_status), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->token_status), TRUE);
}

static SchApplication *lookup_application (SchPreferencesWindow *self);

static void
token_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SchPreferencesWindow *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SchApplication *app;

  if (!sch_credentials_store_token_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_strdup_printf (_("The token could not be saved in the keyring: %s"), error->message);
      show_token_status (self, message, TRUE);
      gtk_widget_set_sensitive (self->save_token_button, TRUE);
      return;
    }

  /* Never shown again: the field is emptied once the keyring has it. */
  gtk_editable_set_text (self->token_row, "");
  show_token_status (self, _("The token is saved in the keyring."), FALSE);

  app = lookup_application (self);
  if (app != NULL)
    sch_application_reload_token (app);
}

/* The application's engine may talk to another server than the setting
 * names (the development run's demo receiver); the token is for that one. */
static SchApplication *
lookup_application (SchPreferencesWindow *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkApplication *app = parent != NULL ? gtk_window_get_application (parent) : NULL;

  return SCH_IS_APPLICATION (app) ? SCH_APPLICATION (app) : NULL;
}

static char *
dup_server_url (SchPreferencesWindow *self)
{
  SchApplication *app = lookup_application (self);
  char *server_url = NULL;

  if (app != NULL && sch_application_get_sync_engine (app) != NULL)
    g_object_get (sch_application_get_sync_engine (app), "server-url", &server_url, NULL);

  return server_url != NULL ? server_url : g_settings_get_string (self->settings, "server-url");
}

static void
save_token_clicked_cb (SchPreferencesWindow *self)
{
  g_autofree char *server_url = dup_server_url (self);
  const char *token = gtk_editable_get_text (self->token_row);

  if (*token == '\0')
    return;
  if (*server_url == '\0')
    {
      show_token_status (self, _("Enter the server URL first: the token is saved for that server."), TRUE);
      return;
    }

  gtk_widget_set_sensitive (self->save_token_button, FALSE);
  sch_credentials_store_token_async (server_url, token, TRUE, self->cancellable, token_stored_cb, self);
}

static void
sch_preferences_window_dispose (GObject *object)
{
  SchPreferencesWindow *self = SCH_PREFERENCES_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sch_preferences_window_parent_class)->dispose (object);
}

static void
sch_preferences_window_finalize (GObject *object)
{
  SchPreferencesWindow *self = SCH_PREFERENCES_WINDOW (object);

  g_array_unref (self->municipalities);

  G_OBJECT_CLASS (sch_preferences_window_parent_class)->finalize (object);
}

static void
sch_preferences_window_class_init (SchPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_preferences_window_dispose;
  object_class->finalize = sch_preferences_window_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/schalter/Schalter/sch-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, office_name_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, office_phone_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, office_email_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, office_address_view);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, municipality_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, print_language_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, server_url_error);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, ca_file_choose);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, ca_file_clear);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_cert_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_cert_choose);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_cert_clear);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_key_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_key_choose);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, client_key_clear);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, token_row);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, save_token_button);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, token_status);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, sync_interval_spin);
  gtk_widget_class_bind_template_child (widget_class, SchPreferencesWindow, retention_spin);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sch_preferences_window_init (SchPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->municipalities = g_array_new (FALSE, FALSE, sizeof (guint));
  self->cancellable = g_cancellable_new ();
  fill_municipalities (self);
}

static void
bind_settings (SchPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "server-url");

  g_settings_bind (self->settings, "office-name", self->office_name_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "office-phone", self->office_phone_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "office-email", self->office_email_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "office-address",
                   gtk_text_view_get_buffer (self->office_address_view), "text",
                   G_SETTINGS_BIND_DEFAULT);

  municipality_setting_changed_cb (self);
  print_language_setting_changed_cb (self);
  gtk_editable_set_text (GTK_EDITABLE (self->server_url_row), url);

  g_signal_connect_swapped (self->settings, "changed::municipality",
                            G_CALLBACK (municipality_setting_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::print-language",
                            G_CALLBACK (print_language_setting_changed_cb), self);
  g_signal_connect_swapped (self->municipality_row, "notify::selected",
                            G_CALLBACK (municipality_selected_cb), self);
  g_signal_connect_swapped (self->print_language_row, "notify::selected",
                            G_CALLBACK (print_language_selected_cb), self);
  g_signal_connect_swapped (self->server_url_row, "changed",
                            G_CALLBACK (server_url_changed_cb), self);

  g_settings_bind (self->settings, "sync-interval", self->sync_interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "retention-days", self->retention_spin, "value", G_SETTINGS_BIND_DEFAULT);
  for (gsize i = 0; i < G_N_ELEMENTS (file_settings); i++)
    {
      GObject *choose = FILE_SETTING_WIDGET (self, file_settings[i].choose_offset);
      GObject *clear = FILE_SETTING_WIDGET (self, file_settings[i].clear_offset);
      g_autofree char *signal = g_strconcat ("changed::", file_settings[i].key, NULL);

      g_object_set_data (choose, "file-setting", GSIZE_TO_POINTER (i));
      g_object_set_data (clear, "file-setting", GSIZE_TO_POINTER (i));
      g_signal_connect (choose, "clicked", G_CALLBACK (choose_file_clicked_cb), self);
      g_signal_connect (clear, "clicked", G_CALLBACK (clear_file_clicked_cb), self);
      g_signal_connect_swapped (self->settings, signal, G_CALLBACK (update_file_rows), self);
    }
  update_file_rows (self);
  g_signal_connect_swapped (self->token_row, "changed", G_CALLBACK (token_changed_cb), self);
  g_signal_connect_swapped (self->save_token_button, "clicked", G_CALLBACK (save_token_clicked_cb), self);
}

GtkWidget *
sch_preferences_window_new (GtkWindow *parent, GSettings *settings)
{
  SchPreferencesWindow *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SCH_TYPE_PREFERENCES_WINDOW,
                       "transient-for", parent,
                       NULL);
  self->settings = g_object_ref (settings);
  bind_settings (self);

  return GTK_WIDGET (self);
}
