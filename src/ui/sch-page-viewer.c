#define G_LOG_DOMAIN "sch-page-viewer"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-page-viewer.h"

/* Width of a page at 100 %, in pixels; pages are rendered twice as wide so
 * that they stay sharp up to 200 % and on high-resolution screens. */
#define BASE_WIDTH 800
#define RENDER_WIDTH (2 * BASE_WIDTH)
#define MIN_ZOOM 0.25
#define MAX_ZOOM 4.0
#define ZOOM_STEP 1.25
/* Room the margins and the scrollbar take beside a page fitted to the width. */
#define FIT_MARGIN 40

struct _SchPageViewer
{
  AdwWindow          parent_instance;

  AdwWindowTitle    *title;
  GtkLabel          *zoom_label;
  GtkStack          *stack;
  GtkSpinner        *spinner;
  AdwStatusPage     *error_page;
  GtkScrolledWindow *scroller;
  GtkPicture        *picture;

  SchThumbnailCache *cache;
  GPtrArray         *pages;
  char              *slot_title;
  guint              index;
  double             zoom;
  GCancellable      *cancellable;
};

G_DEFINE_FINAL_TYPE (SchPageViewer, sch_page_viewer, ADW_TYPE_WINDOW)

static void
apply_zoom (SchPageViewer *self)
{
  GdkPaintable *paintable = gtk_picture_get_paintable (self->picture);
  g_autofree char *percent = g_strdup_printf ("%d %%", (int) (self->zoom * 100 + 0.5));
  int width = (int) (BASE_WIDTH * self->zoom);
  int height = width;

  if (paintable != NULL && gdk_paintable_get_intrinsic_width (paintable) > 0)
    height = width * gdk_paintable_get_intrinsic_height (paintable) /
             gdk_paintable_get_intrinsic_width (paintable);

  gtk_widget_set_size_request (GTK_WIDGET (self->picture), width, height);
  gtk_label_set_text (self->zoom_label, percent);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-in", self->zoom < MAX_ZOOM);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.zoom-out", self->zoom > MIN_ZOOM);
}

static void
set_zoom (SchPageViewer *self, double zoom)
{
  self->zoom = CLAMP (zoom, MIN_ZOOM, MAX_ZOOM);
  apply_zoom (self);
}

static void
page_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  SchPageViewer *self;

  texture = sch_thumbnail_cache_load_finish (SCH_THUMBNAIL_CACHE (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = SCH_PAGE_VIEWER (user_data);
  gtk_spinner_stop (self->spinner);
  if (texture == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }

  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (texture));
  apply_zoom (self);
  gtk_stack_set_visible_child_name (self->stack, "page");
}

static void
show_page (SchPageViewer *self)
{
  SchPage *page = g_ptr_array_index (self->pages, self->index);
  g_autofree char *title = NULL;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  title = g_strdup_printf (_("Page %u of %u"), self->index + 1, self->pages->len);
  adw_window_title_set_title (self->title, title);
  adw_window_title_set_subtitle (self->title, self->slot_title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_picture_set_alternative_text (self->picture, title);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.previous", self->index > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "viewer.next", self->index + 1 < self->pages->len);

  gtk_picture_set_paintable (self->picture, NULL);
  gtk_spinner_start (self->spinner);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  /* The cancellable drops the callback once the viewer moved on or closed. */
  sch_thumbnail_cache_load_async (self->cache, page, RENDER_WIDTH, self->cancellable,
                                  page_loaded_cb, self);
}

static void
go_to (SchPageViewer *self, int delta)
{
  int target = (int) self->index + delta;

  if (target < 0 || target >= (int) self->pages->len)
    return;

  self->index = (guint) target;
  show_page (self);
}

static void
next_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  go_to (SCH_PAGE_VIEWER (widget), 1);
}

static void
previous_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  go_to (SCH_PAGE_VIEWER (widget), -1);
}

static void
zoom_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchPageViewer *self = SCH_PAGE_VIEWER (widget);

  set_zoom (self, self->zoom * ZOOM_STEP);
}

static void
zoom_out_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchPageViewer *self = SCH_PAGE_VIEWER (widget);

  set_zoom (self, self->zoom / ZOOM_STEP);
}

static void
fit_width_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchPageViewer *self = SCH_PAGE_VIEWER (widget);
  int available = gtk_widget_get_width (GTK_WIDGET (self->scroller));

  if (available <= 0)
    gtk_window_get_default_size (GTK_WINDOW (self), &available, NULL);

  set_zoom (self, (double) MAX (available - FIT_MARGIN, 100) / BASE_WIDTH);
}

static void
sch_page_viewer_dispose (GObject *object)
{
  SchPageViewer *self = SCH_PAGE_VIEWER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_PAGE_VIEWER);

  g_clear_object (&self->cache);
  g_clear_pointer (&self->pages, g_ptr_array_unref);
  g_clear_pointer (&self->slot_title, g_free);

  G_OBJECT_CLASS (sch_page_viewer_parent_class)->dispose (object);
}

static void
add_binding (GtkWidgetClass *widget_class, guint key, GdkModifierType mods, const char *action)
{
  gtk_widget_class_add_binding_action (widget_class, key, mods, action, NULL);
}

static void
sch_page_viewer_class_init (SchPageViewerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_page_viewer_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-page-viewer.ui");
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, title);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, zoom_label);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, stack);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, spinner);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, error_page);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, scroller);
  gtk_widget_class_bind_template_child (widget_class, SchPageViewer, picture);

  gtk_widget_class_install_action (widget_class, "viewer.next", NULL, next_action);
  gtk_widget_class_install_action (widget_class, "viewer.previous", NULL, previous_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "viewer.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "viewer.fit-width", NULL, fit_width_action);

  add_binding (widget_class, GDK_KEY_Page_Down, 0, "viewer.next");
  add_binding (widget_class, GDK_KEY_Right, 0, "viewer.next");
  add_binding (widget_class, GDK_KEY_Page_Up, 0, "viewer.previous");
  add_binding (widget_class, GDK_KEY_Left, 0, "viewer.previous");
  add_binding (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "viewer.zoom-in");
  add_binding (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "viewer.zoom-in");
  add_binding (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "viewer.zoom-in");
  add_binding (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "viewer.zoom-out");
  add_binding (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "viewer.zoom-out");
  add_binding (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "viewer.fit-width");
  add_binding (widget_class, GDK_KEY_KP_0, GDK_CONTROL_MASK, "viewer.fit-width");
  add_binding (widget_class, GDK_KEY_Escape, 0, "window.close");
}

static void
sch_page_viewer_init (SchPageViewer *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->zoom = 1.0;
}

SchPageViewer *
sch_page_viewer_new (GtkWindow         *parent,
                     SchThumbnailCache *cache,
                     GPtrArray         *pages,
                     guint              index,
                     const char        *slot_title)
{
  SchPageViewer *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCH_IS_THUMBNAIL_CACHE (cache), NULL);
  g_return_val_if_fail (pages != NULL && index < pages->len, NULL);

  self = g_object_new (SCH_TYPE_PAGE_VIEWER, "transient-for", parent, NULL);
  self->cache = g_object_ref (cache);
  self->pages = g_ptr_array_ref (pages);
  self->index = index;
  self->slot_title = g_strdup (slot_title);

  apply_zoom (self);
  show_page (self);

  return self;
}

guint
sch_page_viewer_get_index (SchPageViewer *self)
{
  g_return_val_if_fail (SCH_IS_PAGE_VIEWER (self), 0);

  return self->index;
}

double
sch_page_viewer_get_zoom (SchPageViewer *self)
{
  g_return_val_if_fail (SCH_IS_PAGE_VIEWER (self), 1.0);

  return self->zoom;
}
