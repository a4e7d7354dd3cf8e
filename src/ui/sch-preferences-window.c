#define G_LOG_DOMAIN "sch-preferences-window"

#include "config.h"

#include <glib/gi18n.h>

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
};

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
sch_preferences_window_dispose (GObject *object)
{
  SchPreferencesWindow *self = SCH_PREFERENCES_WINDOW (object);

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

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sch_preferences_window_init (SchPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->municipalities = g_array_new (FALSE, FALSE, sizeof (guint));
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
