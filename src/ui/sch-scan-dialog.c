#define G_LOG_DOMAIN "sch-scan-dialog"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-scan-dialog.h"

static const guint resolutions[] = { 150, 200, 300 };

static const struct {
  SchScanMode  mode;
  const char  *setting;
  const char  *label;
} modes[] = {
  { SCH_SCAN_MODE_COLOR, "color", N_("Color") },
  { SCH_SCAN_MODE_GRAY, "gray", N_("Gray") },
  { SCH_SCAN_MODE_LINEART, "lineart", N_("Black and white") },
};

static const struct {
  SchScanSource  source;
  const char    *label;
} sources[] = {
  { SCH_SCAN_SOURCE_FLATBED, N_("Flatbed") },
  { SCH_SCAN_SOURCE_ADF, N_("Document feeder") },
  { SCH_SCAN_SOURCE_DUPLEX, N_("Document feeder, both sides") },
};

struct _SchScanDialog
{
  AdwWindow      parent_instance;

  AdwPreferencesGroup *settings_group;
  AdwComboRow   *device_row;
  AdwComboRow   *source_row;
  AdwComboRow   *resolution_row;
  AdwComboRow   *mode_row;
  GtkWidget     *scan_button;
  GtkWidget     *cancel_button;
  GtkWidget     *refresh_button;
  GtkSpinner    *spinner;
  GtkLabel      *status_label;
  GtkProgressBar *progress;

  SchScanner    *scanner;
  GSettings     *settings;
  GCancellable  *cancellable;   /* device probing */
  GPtrArray     *devices;       /* SchScanDevice* */
  GtkStringList *device_names;
  GtkStringList *source_names;
  GArray        *source_values; /* SchScanSource, parallel to source_names */
  SchScanJob    *job;
  guint          n_pages;
  GError        *refusal;       /* why the last page was not kept, if it was not */
  gboolean       probing;
};

G_DEFINE_FINAL_TYPE (SchScanDialog, sch_scan_dialog, ADW_TYPE_WINDOW)

enum {
  PAGE_SCANNED,
  SCAN_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static SchScanner *shared_scanner;

SchScanner *
sch_scan_dialog_dup_scanner (void)
{
  if (shared_scanner != NULL)
    return g_object_ref (shared_scanner);

  shared_scanner = sch_scanner_new ();
  g_object_add_weak_pointer (G_OBJECT (shared_scanner), (gpointer *) &shared_scanner);
  return shared_scanner;
}

static void
set_status (SchScanDialog *self, const char *text)
{
  gtk_label_set_text (self->status_label, text);
}

static SchScanDevice *
selected_device (SchScanDialog *self)
{
  guint position = adw_combo_row_get_selected (self->device_row);

  if (self->devices == NULL || position == GTK_INVALID_LIST_POSITION || position >= self->devices->len)
    return NULL;

  return g_ptr_array_index (self->devices, position);
}

static void
update_sensitivity (SchScanDialog *self)
{
  gboolean scanning = self->job != NULL;
  gboolean ready = !scanning && !self->probing && selected_device (self) != NULL &&
                   self->source_values->len > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.start", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.cancel", scanning);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "scan.refresh", !scanning && !self->probing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->settings_group), !scanning);
  gtk_widget_set_visible (self->cancel_button, scanning);
  gtk_widget_set_visible (self->scan_button, !scanning);
  gtk_spinner_set_spinning (self->spinner, self->probing || scanning);
}

/* Sources offered by the device */

static void
fill_sources (SchScanDialog *self, guint offered)
{
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->source_names));
  g_autoptr(GPtrArray) labels = g_ptr_array_new_null_terminated (G_N_ELEMENTS (sources), NULL, TRUE);

  g_array_set_size (self->source_values, 0);
  for (guint i = 0; i < G_N_ELEMENTS (sources); i++)
    {
      if ((offered & (1u << sources[i].source)) == 0)
        continue;
      g_array_append_val (self->source_values, sources[i].source);
      g_ptr_array_add (labels, (gpointer) _(sources[i].label));
    }

  gtk_string_list_splice (self->source_names, 0, n_old, (const char * const *) labels->pdata);
  adw_combo_row_set_selected (self->source_row, 0);
}

static void
options_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchScanDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchScanDeviceOptions) options = NULL;

  options = sch_scanner_get_device_options_finish (SCH_SCANNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->probing = FALSE;
  if (options == NULL)
    {
      fill_sources (self, 0);
      set_status (self, error->message);
    }
  else
    {
      fill_sources (self, options->sources);
      set_status (self, _("Put the document on the scanner or into its feeder, then press Scan."));
    }
  update_sensitivity (self);
}

static void
device_selected_cb (SchScanDialog *self)
{
  SchScanDevice *device = selected_device (self);

  if (device == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->probing = TRUE;
  set_status (self, _("Asking the scanner what it offers…"));
  update_sensitivity (self);

  sch_scanner_get_device_options_async (self->scanner, device->name, self->cancellable,
                                        options_cb, g_object_ref (self));
}

/* Devices */

static char *
device_label (const SchScanDevice *device)
{
  if (device->vendor != NULL && device->model != NULL)
    return g_strdup_printf ("%s %s", device->vendor, device->model);

  return g_strdup (device->name);
}

static guint
remembered_position (SchScanDialog *self)
{
  g_autofree char *last = self->settings != NULL ? g_settings_get_string (self->settings, "scan-device") : NULL;

  for (guint i = 0; last != NULL && i < self->devices->len; i++)
    {
      const SchScanDevice *device = g_ptr_array_index (self->devices, i);

      if (g_str_equal (device->name, last))
        return i;
    }

  return 0;
}

static void
devices_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchScanDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  guint n_old;

  devices = sch_scanner_list_devices_finish (SCH_SCANNER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->probing = FALSE;
  g_clear_pointer (&self->devices, g_ptr_array_unref);
  self->devices = devices != NULL ? g_ptr_array_ref (devices)
                                  : g_ptr_array_new_with_free_func ((GDestroyNotify) sch_scan_device_free);

  labels = g_ptr_array_new_null_terminated (self->devices->len, g_free, TRUE);
  for (guint i = 0; i < self->devices->len; i++)
    g_ptr_array_add (labels, device_label (g_ptr_array_index (self->devices, i)));

  /* Selecting the remembered device below probes it. */
  g_signal_handlers_block_by_func (self->device_row, device_selected_cb, self);
  n_old = g_list_model_get_n_items (G_LIST_MODEL (self->device_names));
  gtk_string_list_splice (self->device_names, 0, n_old, (const char * const *) labels->pdata);
  g_signal_handlers_unblock_by_func (self->device_row, device_selected_cb, self);

  if (error != NULL)
    {
      fill_sources (self, 0);
      set_status (self, error->message);
    }
  else if (self->devices->len == 0)
    {
      fill_sources (self, 0);
      set_status (self, _("No scanner was found. Connect the scanner, switch it on and look for scanners again."));
    }
  else
    {
      guint position = remembered_position (self);

      if (adw_combo_row_get_selected (self->device_row) == position)
        device_selected_cb (self);
      else
        adw_combo_row_set_selected (self->device_row, position);
    }

  update_sensitivity (self);
}

static void
refresh (SchScanDialog *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->probing = TRUE;
  set_status (self, _("Looking for scanners…"));
  update_sensitivity (self);

  sch_scanner_list_devices_async (self->scanner, self->cancellable, devices_cb, g_object_ref (self));
}

static void
refresh_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  refresh (SCH_SCAN_DIALOG (widget));
}

/* Scanning */

static void
page_started_cb (SchScanDialog *self, guint page_number)
{
  g_autofree char *text = g_strdup_printf (_("Scanning page %u…"), page_number);

  set_status (self, text);
  gtk_progress_bar_set_fraction (self->progress, 0);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), TRUE);
}

static void
progress_cb (SchScanDialog *self, double fraction)
{
  gtk_progress_bar_set_fraction (self->progress, CLAMP (fraction, 0, 1));
}

static void
page_done_cb (SchScanDialog *self, SchScannedPage *page)
{
  /* Pages the scanner delivers while it stops after a refusal. */
  if (self->refusal != NULL)
    return;

  self->n_pages++;
  gtk_progress_bar_set_fraction (self->progress, 1);
  g_signal_emit (self, signals[PAGE_SCANNED], 0, page);
}

static char *
pages_kept (guint n_pages)
{
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u page was scanned and kept.",
                                       "%u pages were scanned and kept.", n_pages),
                          n_pages);
}

static void
finished_cb (SchScanDialog *self, const GError *error)
{
  g_autofree char *kept = pages_kept (self->n_pages);
  g_autofree char *text = NULL;

  if (self->refusal != NULL)
    text = g_strdup_printf ("%s %s", self->refusal->message, kept);
  else if (error == NULL)
    text = g_strdup (kept);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    /* TRANSLATORS: %s is "2 pages were scanned and kept." */
    text = g_strdup_printf (_("The scan was cancelled. %s"), kept);
  else if (self->n_pages > 0)
    text = g_strdup_printf ("%s %s", error->message, kept);
  else
    text = g_strdup (error->message);

  g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  gtk_widget_set_visible (GTK_WIDGET (self->progress), FALSE);
  set_status (self, text);
  update_sensitivity (self);

  g_signal_emit (self, signals[SCAN_FINISHED], 0, self->n_pages);
}

static void
remember_choices (SchScanDialog *self, const SchScanDevice *device, guint dpi, guint mode)
{
  if (self->settings == NULL)
    return;

  g_settings_set_string (self->settings, "scan-device", device->name);
  g_settings_set_uint (self->settings, "scan-resolution", dpi);
  g_settings_set_string (self->settings, "scan-mode", modes[mode].setting);
}

static void
start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchScanDialog *self = SCH_SCAN_DIALOG (widget);
  SchScanDevice *device = selected_device (self);
  guint source = adw_combo_row_get_selected (self->source_row);
  guint resolution = adw_combo_row_get_selected (self->resolution_row);
  guint mode = adw_combo_row_get_selected (self->mode_row);
  SchScanRequest request = { 0 };

  if (self->job != NULL || device == NULL || source >= self->source_values->len ||
      resolution >= G_N_ELEMENTS (resolutions) || mode >= G_N_ELEMENTS (modes))
    return;

  request.device = device->name;
  request.source = g_array_index (self->source_values, SchScanSource, source);
  request.mode = modes[mode].mode;
  request.dpi = resolutions[resolution];
  request.jpeg_quality = self->settings != NULL ? g_settings_get_uint (self->settings, "jpeg-quality") : 0;
  remember_choices (self, device, request.dpi, mode);

  self->n_pages = 0;
  g_clear_error (&self->refusal);
  self->job = sch_scanner_scan (self->scanner, &request, NULL);
  g_signal_connect_swapped (self->job, "page-started", G_CALLBACK (page_started_cb), self);
  g_signal_connect_swapped (self->job, "progress", G_CALLBACK (progress_cb), self);
  g_signal_connect_swapped (self->job, "page-done", G_CALLBACK (page_done_cb), self);
  g_signal_connect_swapped (self->job, "finished", G_CALLBACK (finished_cb), self);

  set_status (self, _("Starting the scanner…"));
  update_sensitivity (self);
}

static void
cancel_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  SchScanDialog *self = SCH_SCAN_DIALOG (widget);

  if (self->job == NULL)
    return;

  set_status (self, _("Stopping the scanner…"));
  sch_scan_job_cancel (self->job);
}

void
sch_scan_dialog_refuse_page (SchScanDialog *self,
                             const GError  *reason)
{
  g_return_if_fail (SCH_IS_SCAN_DIALOG (self));
  g_return_if_fail (reason != NULL);

  if (self->job == NULL || self->refusal != NULL)
    return;

  self->refusal = g_error_copy (reason);
  self->n_pages = self->n_pages > 0 ? self->n_pages - 1 : 0;
  set_status (self, _("Stopping the scanner…"));
  sch_scan_job_cancel (self->job);
}

/* Closing while scanning stops the scanner; pages scanned so far are kept. */
static gboolean
sch_scan_dialog_close_request (GtkWindow *window)
{
  SchScanDialog *self = SCH_SCAN_DIALOG (window);

  if (self->job != NULL)
    {
      sch_scan_job_cancel (self->job);
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (sch_scan_dialog_parent_class)->close_request (window);
}

/* Object */

static void
fill_fixed_choices (SchScanDialog *self)
{
  g_autoptr(GtkStringList) resolution_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) mode_names = gtk_string_list_new (NULL);
  guint dpi = self->settings != NULL ? g_settings_get_uint (self->settings, "scan-resolution") : 300;
  g_autofree char *mode = self->settings != NULL ? g_settings_get_string (self->settings, "scan-mode")
                                                 : g_strdup ("gray");

  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    {
      /* TRANSLATORS: a scan resolution, "300 dpi" */
      g_autofree char *label = g_strdup_printf (_("%u dpi"), resolutions[i]);

      gtk_string_list_append (resolution_names, label);
    }
  adw_combo_row_set_model (self->resolution_row, G_LIST_MODEL (resolution_names));
  for (guint i = 0; i < G_N_ELEMENTS (resolutions); i++)
    if (resolutions[i] == dpi)
      adw_combo_row_set_selected (self->resolution_row, i);

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    gtk_string_list_append (mode_names, _(modes[i].label));
  adw_combo_row_set_model (self->mode_row, G_LIST_MODEL (mode_names));
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    if (g_str_equal (modes[i].setting, mode))
      adw_combo_row_set_selected (self->mode_row, i);
}

static void
sch_scan_dialog_dispose (GObject *object)
{
  SchScanDialog *self = SCH_SCAN_DIALOG (object);

  if (self->job != NULL)
    {
      sch_scan_job_cancel (self->job);
      g_signal_handlers_disconnect_by_data (self->job, self);
      g_clear_object (&self->job);
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_SCAN_DIALOG);

  g_clear_pointer (&self->devices, g_ptr_array_unref);
  g_clear_pointer (&self->source_values, g_array_unref);
  g_clear_object (&self->device_names);
  g_clear_object (&self->source_names);
  g_clear_object (&self->settings);
  g_clear_object (&self->scanner);
  g_clear_error (&self->refusal);

  G_OBJECT_CLASS (sch_scan_dialog_parent_class)->dispose (object);
}

static void
sch_scan_dialog_class_init (SchScanDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = sch_scan_dialog_dispose;
  window_class->close_request = sch_scan_dialog_close_request;

  signals[PAGE_SCANNED] =
    g_signal_new ("page-scanned", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, SCH_TYPE_SCANNED_PAGE);
  signals[SCAN_FINISHED] =
    g_signal_new ("scan-finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/schalter/Schalter/sch-scan-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, settings_group);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, device_row);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, source_row);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, resolution_row);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, mode_row);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, scan_button);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, refresh_button);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, SchScanDialog, progress);

  gtk_widget_class_install_action (widget_class, "scan.start", NULL, start_action);
  gtk_widget_class_install_action (widget_class, "scan.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "scan.refresh", NULL, refresh_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "scan.refresh", NULL);
}

static void
sch_scan_dialog_init (SchScanDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->device_names = gtk_string_list_new (NULL);
  self->source_names = gtk_string_list_new (NULL);
  self->source_values = g_array_new (FALSE, FALSE, sizeof (SchScanSource));
  adw_combo_row_set_model (self->device_row, G_LIST_MODEL (self->device_names));
  adw_combo_row_set_model (self->source_row, G_LIST_MODEL (self->source_names));
  g_signal_connect_swapped (self->device_row, "notify::selected", G_CALLBACK (device_selected_cb), self);
}

SchScanDialog *
sch_scan_dialog_new (GtkWindow  *parent,
                     SchScanner *scanner,
                     GSettings  *settings,
                     const char *slot_title)
{
  SchScanDialog *self;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCH_IS_SCANNER (scanner), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (SCH_TYPE_SCAN_DIALOG, "transient-for", parent, NULL);
  self->scanner = g_object_ref (scanner);
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;

  if (slot_title != NULL)
    {
      /* TRANSLATORS: %s is a document, "Passport or identity card" */
      g_autofree char *description = g_strdup_printf (_("The pages go to “%s”."), slot_title);

      adw_preferences_group_set_description (self->settings_group, description);
    }

  fill_fixed_choices (self);
  refresh (self);

  return self;
}

gboolean
sch_scan_dialog_is_scanning (SchScanDialog *self)
{
  g_return_val_if_fail (SCH_IS_SCAN_DIALOG (self), FALSE);

  return self->job != NULL;
}

const char *
sch_scan_dialog_get_status (SchScanDialog *self)
{
  g_return_val_if_fail (SCH_IS_SCAN_DIALOG (self), NULL);

  return gtk_label_get_text (self->status_label);
}
