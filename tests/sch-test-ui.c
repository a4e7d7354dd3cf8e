#define G_LOG_DOMAIN "sch-test"

#include "config.h"

#include <glib/gstdio.h>
#include <adwaita.h>

#include "sch-test-ui.h"

#define RESOURCE_BASE "/io/github/schalter/Schalter"

void
sch_test_ui_init (void)
{
  g_autoptr(GtkCssProvider) provider = NULL;

  /* The in-process test accessibility backend lets tests read accessible
   * labels without an AT-SPI bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);

  gtk_init ();
  adw_init ();

  /* The UI resources are linked into the test and register themselves;
   * AdwApplication would load the style sheet, but tests have no app. */
  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (provider, RESOURCE_BASE "/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
set_flag_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
drain_pending (void)
{
  /* A running frame clock keeps sources pending forever: bound the loop. */
  for (guint i = 0; i < 1000 && g_main_context_pending (NULL); i++)
    g_main_context_iteration (NULL, FALSE);
}

void
sch_test_ui_wait (guint ms)
{
  gboolean done = FALSE;

  drain_pending ();
  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  drain_pending ();
}

gboolean
sch_test_ui_wait_for (gboolean *done, guint timeout_ms)
{
  gboolean timed_out = FALSE;
  guint id;

  g_return_val_if_fail (done != NULL, FALSE);

  id = g_timeout_add (timeout_ms, set_flag_cb, &timed_out);
  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  return *done;
}

char *
sch_test_ui_save_screenshot (GtkWidget *widget, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file_name = NULL;
  g_autofree char *path = NULL;
  const char *dir;
  GtkWidget *window;
  GtkWidget *content;
  GskRenderer *renderer;
  int width, height;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  window = GTK_WIDGET (gtk_widget_get_native (widget));
  g_assert_nonnull (window);
  g_assert_true (gtk_widget_get_mapped (window));

  /* Let pending layout and the next frame happen first. */
  sch_test_ui_wait (100);

  /* The window's content without the resize frame that windows get on an
   * X server without compositor (as under Xvfb). */
  content = GTK_IS_WINDOW (window) ? gtk_window_get_child (GTK_WINDOW (window)) : NULL;
  if (content == NULL)
    content = window;

  width = gtk_widget_get_width (content);
  height = gtk_widget_get_height (content);
  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  paintable = gtk_widget_paintable_new (content);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));

  dir = g_getenv ("SCHALTER_ARTIFACTS");
  if (dir == NULL || *dir == '\0')
    dir = g_get_tmp_dir ();
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  file_name = g_strconcat (name, ".png", NULL);
  path = g_build_filename (dir, file_name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("Screenshot saved to %s", path);

  return g_steal_pointer (&path);
}

char *
sch_test_ui_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir;

  dir = g_dir_make_tmp ("schalter-test-XXXXXX", &error);
  g_assert_no_error (error);

  return dir;
}

static gboolean
accessible_label_is (GtkWidget *widget, const char *name)
{
  g_autofree char *mismatch = NULL;

  /* Only the test backend (see sch_test_ui_init) stores the properties. */
  if (g_strcmp0 (g_getenv ("GTK_A11Y"), "test") != 0)
    return FALSE;
  if (!gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL))
    return FALSE;

  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                 GTK_ACCESSIBLE_PROPERTY_LABEL, name);
  return mismatch == NULL;
}

static gboolean
widget_is_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return TRUE;
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), name) == 0)
    return TRUE;
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), name) == 0)
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) &&
      g_strcmp0 (gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)), name) == 0)
    return TRUE;
  if (ADW_IS_PREFERENCES_ROW (widget) &&
      g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), name) == 0)
    return TRUE;
  if (ADW_IS_STATUS_PAGE (widget) &&
      g_strcmp0 (adw_status_page_get_title (ADW_STATUS_PAGE (widget)), name) == 0)
    return TRUE;

  return accessible_label_is (widget, name);
}

static gboolean
has_label_text (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && *gtk_label_get_text (GTK_LABEL (child)) != '\0')
        return TRUE;
      if (has_label_text (child))
        return TRUE;
    }
  return FALSE;
}

/* What a screen reader would say for @widget comes from an accessible
 * label, a labelled-by relation, or the control's own visible text. A
 * button's labelled-by relation does not count: GTK points it at the
 * button's own child, which for an icon says nothing. */
static gboolean
is_labelled (GtkWidget *widget)
{
  GtkAccessible *accessible = GTK_ACCESSIBLE (widget);

  if (gtk_test_accessible_has_property (accessible, GTK_ACCESSIBLE_PROPERTY_LABEL))
    return TRUE;
  if (!GTK_IS_BUTTON (widget) && !GTK_IS_MENU_BUTTON (widget) &&
      gtk_test_accessible_has_relation (accessible, GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  if (GTK_IS_CHECK_BUTTON (widget) && gtk_check_button_get_label (GTK_CHECK_BUTTON (widget)) != NULL)
    return TRUE;
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget))
    return has_label_text (widget);
  return FALSE;
}

static gboolean
is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_ENTRY (widget) ||
         GTK_IS_SEARCH_ENTRY (widget) || GTK_IS_PASSWORD_ENTRY (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_CHECK_BUTTON (widget) || GTK_IS_SPIN_BUTTON (widget) ||
         GTK_IS_TEXT_VIEW (widget);
}

/* The parts of a composite control (the button inside a dropdown, the
 * text inside an entry) are named by the control itself. */
static gboolean
is_inner_part (GtkWidget *widget)
{
  GtkWidget *parent = gtk_widget_get_parent (widget);

  if (parent != NULL &&
      (GTK_IS_DROP_DOWN (parent) || GTK_IS_MENU_BUTTON (parent) || GTK_IS_SPIN_BUTTON (parent) ||
       GTK_IS_WINDOW_CONTROLS (parent) || ADW_IS_SPLIT_BUTTON (parent)))
    return TRUE;

  /* libadwaita 1.2 gives two icons of its own a tooltip only: a toast's
   * close button and a password row's "show text" (the app adds no
   * icon-only button to either). Its toast widget is a private type. */
  if (!GTK_IS_BUTTON (widget) || has_label_text (widget))
    return FALSE;
  return (parent != NULL && g_str_equal (G_OBJECT_TYPE_NAME (parent), "AdwToastWidget")) ||
         gtk_widget_get_ancestor (widget, ADW_TYPE_PASSWORD_ENTRY_ROW) != NULL;
}

static void
collect_unlabelled (GtkWidget *root, GString *found)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;
      /* Popovers are checked when they are open, as the clerk sees them. */
      if (GTK_IS_POPOVER (child))
        continue;
      if (is_control (child) && !is_inner_part (child) && !is_labelled (child))
        {
          /* The chain of containers tells where in the window it is. */
          g_string_append_printf (found, "\n  %s", G_OBJECT_TYPE_NAME (child));
          for (GtkWidget *up = gtk_widget_get_parent (child); up != NULL; up = gtk_widget_get_parent (up))
            g_string_append_printf (found, " < %s", G_OBJECT_TYPE_NAME (up));
        }
      if (!is_control (child) || GTK_IS_BUTTON (child))
        collect_unlabelled (child, found);
    }
}

void
sch_test_ui_assert_labelled (GtkWidget *root)
{
  g_autoptr(GString) found = g_string_new (NULL);

  g_assert_cmpstr (g_getenv ("GTK_A11Y"), ==, "test");
  collect_unlabelled (root, found);
  if (found->len > 0)
    g_error ("Controls without an accessible name:%s", found->str);
}

GtkWidget *
sch_test_ui_find (GtkWidget *root, GType type, const char *name)
{
  g_return_val_if_fail (GTK_IS_WIDGET (root), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (g_type_is_a (G_OBJECT_TYPE (child), type) && widget_is_named (child, name))
        return child;

      found = sch_test_ui_find (child, type, name);
      if (found != NULL)
        return found;
    }

  return NULL;
}

void
sch_test_ui_type (GtkWidget *editable, const char *text)
{
  int position = 0;

  g_return_if_fail (GTK_IS_EDITABLE (editable));
  g_return_if_fail (text != NULL);

  gtk_widget_grab_focus (editable);
  gtk_editable_delete_text (GTK_EDITABLE (editable), 0, -1);

  /* One character at a time, so "changed" fires as for a typing user. */
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      const char *next = g_utf8_next_char (p);

      gtk_editable_insert_text (GTK_EDITABLE (editable), p, next - p, &position);
      g_main_context_iteration (NULL, FALSE);
    }
}

gboolean
sch_test_ui_activate (GtkWidget *widget, const char *action, GVariant *param)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (action != NULL, FALSE);

  if (param != NULL)
    owned = g_variant_ref_sink (param);

  return gtk_widget_activate_action_variant (widget, action, owned);
}

GBytes *
sch_test_ui_page_png (int    width,
                      int    height,
                      double red,
                      double green,
                      double blue)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  char *png = NULL;
  gsize size = 0;

  gdk_pixbuf_fill (pixbuf, (guint32) (red * 255) << 24 | (guint32) (green * 255) << 16 |
                           (guint32) (blue * 255) << 8 | 0xff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &png, &size, "png", &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (png, size);
}

GFile *
sch_test_ui_write_file (const char *dir,
                        const char *name,
                        GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  return g_file_new_for_path (path);
}

void
sch_test_ui_set_files (GValue *value,
                       GFile  *first,
                       ...)
{
  GSList *files = NULL;
  va_list args;

  va_start (args, first);
  for (GFile *file = first; file != NULL; file = va_arg (args, GFile *))
    files = g_slist_append (files, file);
  va_end (args);

  g_value_init (value, GDK_TYPE_FILE_LIST);
  g_value_take_boxed (value, gdk_file_list_new_from_list (files));
  g_slist_free (files);
}

static GtkDropTarget *
drop_target_of (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  g_assert_not_reached ();
}

gboolean
sch_test_ui_drop (GtkWidget    *widget,
                  const GValue *value)
{
  GtkDropTarget *target = drop_target_of (widget);
  gboolean accepted = FALSE;
  gsize n_types = 0;
  const GType *types = gtk_drop_target_get_gtypes (target, &n_types);
  gboolean offered = FALSE;

  for (gsize i = 0; i < n_types; i++)
    offered |= types[i] == G_VALUE_TYPE (value);
  g_assert_true (offered);
  g_signal_emit_by_name (target, "drop", value, 20.0, 20.0, &accepted);
  sch_test_ui_wait (20);
  return accepted;
}
