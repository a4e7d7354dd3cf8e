#define G_LOG_DOMAIN "sch-sync-indicator"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-sync-indicator.h"

struct _SchSyncIndicator
{
  GtkWidget      parent_instance;

  SchSyncEngine *engine;
  char          *summary;

  GtkWidget     *button;
  GtkImage      *icon;
  GtkLabel      *count_label;
  GtkProgressBar *button_progress;
  GtkPopover    *popover;
  GtkLabel      *status_label;
  GtkLabel      *queued_label;
  GtkProgressBar *progress;
  GtkLabel      *last_sync_label;
  GtkLabel      *error_label;
};

G_DEFINE_FINAL_TYPE (SchSyncIndicator, sch_sync_indicator, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static char *
format_last_sync (gint64 last_success)
{
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autofree char *time = NULL;

  if (last_success <= 0)
    return g_strdup (_("Not synced with the migration office yet."));

  when = g_date_time_new_from_unix_local (last_success / G_USEC_PER_SEC);
  now = g_date_time_new_now_local ();
  if (g_date_time_get_year (when) == g_date_time_get_year (now) &&
      g_date_time_get_day_of_year (when) == g_date_time_get_day_of_year (now))
    /* Translators: a time of today, see g_date_time_format() */
    time = g_date_time_format (when, _("%H:%M"));
  else
    /* Translators: a date and time, see g_date_time_format() */
    time = g_date_time_format (when, _("%d.%m.%Y %H:%M"));

  return g_strdup_printf (_("Last synced at %s."), time);
}

static void
update (SchSyncIndicator *self)
{
  const GError *error;
  g_autofree char *last_sync = NULL;
  g_autofree char *queued = NULL;
  guint64 sent, total;
  guint n_queued;
  gboolean online, uploading;
  const char *icon_name;
  const char *status;

  gtk_widget_set_visible (self->button, self->engine != NULL);
  if (self->engine == NULL)
    return;

  online = sch_sync_engine_get_online (self->engine);
  n_queued = sch_sync_engine_get_queued (self->engine);
  sent = sch_sync_engine_get_bytes_sent (self->engine);
  total = sch_sync_engine_get_bytes_total (self->engine);
  error = sch_sync_engine_get_last_error (self->engine);
  uploading = total > 0 && sent < total && sch_sync_engine_get_busy (self->engine) &&
              !sch_sync_engine_get_halted (self->engine) && error == NULL;

  /* Network trouble is retried by itself and is only a state, not an error. */
  if (!online)
    {
      icon_name = "network-offline-symbolic";
      status = _("Offline");
    }
  else if (error != NULL && error->domain == SCH_SYNC_ERROR &&
           error->code != SCH_SYNC_ERROR_NETWORK && error->code != SCH_SYNC_ERROR_SERVER)
    {
      icon_name = "dialog-warning-symbolic";
      status = _("Sending stopped");
    }
  else if (error != NULL)
    {
      icon_name = "network-no-route-symbolic";
      status = _("Server not reachable, retrying");
    }
  else if (uploading)
    {
      icon_name = "network-transmit-symbolic";
      status = _("Sending");
    }
  else
    {
      icon_name = "network-transmit-receive-symbolic";
      status = _("Online");
    }

  gtk_image_set_from_icon_name (self->icon, icon_name);
  gtk_label_set_label (self->status_label, status);

  if (n_queued > 0)
    queued = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u case queued", "%u cases queued",
                                           n_queued), n_queued);
  else
    queued = g_strdup (_("Nothing waiting to be sent"));
  gtk_label_set_label (self->queued_label, queued);

  g_autofree char *count = g_strdup_printf ("%u", n_queued);
  gtk_label_set_label (self->count_label, count);
  gtk_widget_set_visible (GTK_WIDGET (self->count_label), n_queued > 0);

  gtk_widget_set_visible (GTK_WIDGET (self->progress), uploading);
  gtk_widget_set_visible (GTK_WIDGET (self->button_progress), uploading);
  if (uploading)
    {
      g_autofree char *sent_text = g_format_size (sent);
      g_autofree char *total_text = g_format_size (total);
      /* Translators: bytes uploaded, e.g. "3.2 MB of 12 MB" */
      g_autofree char *text = g_strdup_printf (_("%s of %s"), sent_text, total_text);
      double fraction = (double) sent / (double) total;

      gtk_progress_bar_set_fraction (self->progress, fraction);
      gtk_progress_bar_set_text (self->progress, text);
      gtk_progress_bar_set_fraction (self->button_progress, fraction);
    }

  last_sync = format_last_sync (sch_sync_engine_get_last_success (self->engine));
  gtk_label_set_label (self->last_sync_label, last_sync);

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), error != NULL);
  gtk_label_set_label (self->error_label, error != NULL ? error->message : "");

  g_free (self->summary);
  self->summary = g_strdup_printf ("%s. %s %s", status, queued, last_sync);
  gtk_widget_set_tooltip_text (self->button, self->summary);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->summary, -1);
}

void
sch_sync_indicator_set_engine (SchSyncIndicator *self, SchSyncEngine *engine)
{
  g_return_if_fail (SCH_IS_SYNC_INDICATOR (self));
  g_return_if_fail (engine == NULL || SCH_IS_SYNC_ENGINE (engine));

  if (self->engine == engine)
    return;

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_set_object (&self->engine, engine);
  if (engine != NULL)
    {
      g_signal_connect_swapped (engine, "notify", G_CALLBACK (update), self);
      g_signal_connect_swapped (engine, "progress", G_CALLBACK (update), self);
      g_signal_connect_swapped (engine, "idle", G_CALLBACK (update), self);
    }

  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENGINE]);
}

SchSyncEngine *
sch_sync_indicator_get_engine (SchSyncIndicator *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_INDICATOR (self), NULL);

  return self->engine;
}

const char *
sch_sync_indicator_get_summary (SchSyncIndicator *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_INDICATOR (self), NULL);

  return self->summary != NULL ? self->summary : "";
}

static void
sch_sync_indicator_dispose (GObject *object)
{
  SchSyncIndicator *self = SCH_SYNC_INDICATOR (object);

  if (self->engine != NULL)
    g_signal_handlers_disconnect_by_data (self->engine, self);
  g_clear_object (&self->engine);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_SYNC_INDICATOR);

  G_OBJECT_CLASS (sch_sync_indicator_parent_class)->dispose (object);
}

static void
sch_sync_indicator_finalize (GObject *object)
{
  SchSyncIndicator *self = SCH_SYNC_INDICATOR (object);

  g_free (self->summary);

  G_OBJECT_CLASS (sch_sync_indicator_parent_class)->finalize (object);
}

static void
sch_sync_indicator_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  SchSyncIndicator *self = SCH_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      g_value_set_object (value, self->engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sch_sync_indicator_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  SchSyncIndicator *self = SCH_SYNC_INDICATOR (object);

  switch (prop_id)
    {
    case PROP_ENGINE:
      sch_sync_indicator_set_engine (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sch_sync_indicator_class_init (SchSyncIndicatorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_sync_indicator_dispose;
  object_class->finalize = sch_sync_indicator_finalize;
  object_class->get_property = sch_sync_indicator_get_property;
  object_class->set_property = sch_sync_indicator_set_property;

  properties[PROP_ENGINE] =
    g_param_spec_object ("engine", NULL, NULL, SCH_TYPE_SYNC_ENGINE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "sync-indicator");
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-sync-indicator.ui");
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, button);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, icon);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, count_label);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, button_progress);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, popover);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, status_label);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, queued_label);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, progress);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, last_sync_label);
  gtk_widget_class_bind_template_child (widget_class, SchSyncIndicator, error_label);
}

static void
sch_sync_indicator_init (SchSyncIndicator *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update (self);
}

GtkWidget *
sch_sync_indicator_new (void)
{
  return g_object_new (SCH_TYPE_SYNC_INDICATOR, NULL);
}
