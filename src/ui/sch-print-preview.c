#define G_LOG_DOMAIN "sch-print-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-application.h"
#include "sch-form-renderer.h"
#include "sch-pdf-inspector.h"
#include "sch-preferences-window.h"
#include "sch-print-operation.h"
#include "sch-print-preview.h"
#include "sch-toast.h"
#include "sch-printout.h"
#include "sch-store-pages.h"

#define A4_WIDTH_PT  (210.0 * 72.0 / 25.4)
#define A4_HEIGHT_PT (297.0 * 72.0 / 25.4)
/* Pages are rendered once at 150 dpi and scaled for the zoom levels. */
#define RENDER_WIDTH_PX 1240
/* 100 % shows the page at its paper size on a 96 dpi screen. */
#define SCREEN_DPI 96.0

/* Up to 150 %: the 150 dpi rendering is then never enlarged. */
static const double zoom_levels[] = { 0.5, 0.75, 1.0, 1.25, 1.5 };
#define DEFAULT_ZOOM 1   /* 75 %: a whole page fits a laptop screen */
#define ORIGINAL_ZOOM 2  /* 100 % */

static const struct {
  const char *code;
  const char *name;   /* the language's own name: the clerk looks for it */
} languages[] = {
  { "de", "Deutsch" },
  { "fr", "Français" },
  { "it", "Italiano" },
};

/* A rendered page shown at the zoom's size: GtkPicture takes its size from
 * the paintable, while the texture keeps the rendering's resolution. */
#define SCH_TYPE_PAGE_PAINTABLE (sch_page_paintable_get_type ())
G_DECLARE_FINAL_TYPE (SchPagePaintable, sch_page_paintable, SCH, PAGE_PAINTABLE, GObject)

struct _SchPagePaintable
{
  GObject     parent_instance;
  GdkTexture *texture;
  int         width;
  int         height;
};

static void
sch_page_paintable_snapshot (GdkPaintable *paintable, GdkSnapshot *snapshot, double width, double height)
{
  gdk_paintable_snapshot (GDK_PAINTABLE (SCH_PAGE_PAINTABLE (paintable)->texture), snapshot, width, height);
}

static int
sch_page_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return SCH_PAGE_PAINTABLE (paintable)->width;
}

static int
sch_page_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return SCH_PAGE_PAINTABLE (paintable)->height;
}

static void
sch_page_paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = sch_page_paintable_snapshot;
  iface->get_intrinsic_width = sch_page_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = sch_page_paintable_get_intrinsic_height;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SchPagePaintable, sch_page_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE, sch_page_paintable_iface_init))

static void
sch_page_paintable_finalize (GObject *object)
{
  g_clear_object (&SCH_PAGE_PAINTABLE (object)->texture);

  G_OBJECT_CLASS (sch_page_paintable_parent_class)->finalize (object);
}

static void
sch_page_paintable_class_init (SchPagePaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_page_paintable_finalize;
}

static void
sch_page_paintable_init (SchPagePaintable *self)
{
}

static GdkPaintable *
page_paintable_new (GdkTexture *texture, int width, int height)
{
  SchPagePaintable *self = g_object_new (SCH_TYPE_PAGE_PAINTABLE, NULL);

  self->texture = g_object_ref (texture);
  self->width = width;
  self->height = height;

  return GDK_PAINTABLE (self);
}

struct _SchPrintPreview
{
  AdwWindow        parent_instance;

  SchStore        *store;         /* NULL for an information sheet */
  SchCase         *kase;
  SchAppType      *type;
  GSettings       *settings;      /* NULL when the schema is not installed */
  SchPdfInspector *inspector;
  GCancellable    *cancellable;   /* of the preparation under way */
  char            *lang;
  char            *export_filename;
  guint            printout;      /* the number the documents shown carry */

  GPtrArray       *documents;     /* SchPrintDocument*, in print order */
  GBytes          *pdf;
  GPtrArray       *textures;      /* GdkTexture*, one per page */
  guint            page;
  guint            zoom;
  gboolean         busy;          /* printing or saving */

  AdwToastOverlay *toast_overlay;
  AdwWindowTitle  *window_title;
  GtkStack        *stack;
  GtkSpinner      *spinner;
  GtkPicture      *picture;
  AdwStatusPage   *error_page;
  GtkDropDown     *language_dropdown;
  GtkLabel        *page_label;
  GtkButton       *zoom_button;
  GtkWidget       *office_banner;
};

G_DEFINE_FINAL_TYPE (SchPrintPreview, sch_print_preview, ADW_TYPE_WINDOW)

enum {
  READY,
  PRINTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void prepare (SchPrintPreview *self);

static gboolean
is_known_language (const char *lang)
{
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (languages[i].code, lang) == 0)
      return TRUE;

  return FALSE;
}

static GSettings *
lookup_settings (void)
{
  GApplication *app = g_application_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *source;

  if (app != NULL && SCH_IS_APPLICATION (app) &&
      sch_application_get_settings (SCH_APPLICATION (app)) != NULL)
    return g_object_ref (sch_application_get_settings (SCH_APPLICATION (app)));

  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, BASE_ID, TRUE);

  return schema != NULL ? g_settings_new_full (schema, NULL, NULL) : NULL;
}

static char *
settings_dup_string (GSettings *settings, const char *key)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autofree char *value = NULL;

  if (settings == NULL)
    return NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  if (!g_settings_schema_has_key (schema, key))
    return NULL;

  value = g_strstrip (g_settings_get_string (settings, key));
  return *value != '\0' ? g_steal_pointer (&value) : NULL;
}

static char **
split_address (const char *address)
{
  g_auto(GStrv) lines = g_strsplit (address != NULL ? address : "", "\n", -1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (*lines[i] != '\0')
        g_strv_builder_add (builder, lines[i]);
    }

  return g_strv_builder_end (builder);
}

static SchPrintContext *
make_context (SchPrintPreview *self)
{
  SchPrintContext *context = sch_print_context_new ();
  g_autofree char *address = settings_dup_string (self->settings, "office-address");
  const char *clerk = g_get_real_name ();
  g_autofree char *phone = settings_dup_string (self->settings, "office-phone");
  g_autofree char *email = settings_dup_string (self->settings, "office-email");

  context->office_name = settings_dup_string (self->settings, "office-name");
  context->office_address = split_address (address);
  if (phone != NULL || email != NULL)
    context->office_contact = g_strjoin (" · ", phone != NULL ? phone : email,
                                         phone != NULL ? email : NULL, NULL);
  context->municipality = self->settings != NULL ? g_settings_get_uint (self->settings, "municipality") : 0;
  /* GLib says "Unknown" when the account has no full name. */
  context->clerk = g_strdup (clerk != NULL && !g_str_equal (clerk, "Unknown") ? clerk : g_get_user_name ());
  g_free (context->lang);
  context->lang = g_strdup (self->lang);
  if (self->kase != NULL && sch_case_get_reference (self->kase) != NULL)
    context->migration_reference = g_strdup (sch_case_get_reference (self->kase));
  context->printout = MAX (self->printout, 1);

  return context;
}

/* What was handed in and what is to follow, as the receipt lists it. */
static GPtrArray *
make_doc_entries (SchPrintPreview *self, GError **error)
{
  g_autoptr(GPtrArray) statuses = NULL;
  GPtrArray *entries;

  statuses = sch_store_get_slot_status (self->store, self->kase, self->type, error);
  if (statuses == NULL)
    return NULL;

  entries = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_print_doc_entry_free);
  for (guint i = 0; i < statuses->len; i++)
    {
      const SchSlotStatus *status = g_ptr_array_index (statuses, i);
      SchSlotState state = sch_slot_status_get_state (status);
      const char *title = sch_text_get (status->slot->title, self->lang);

      if (state == SCH_SLOT_FILLED)
        g_ptr_array_add (entries, sch_print_doc_entry_new (title, status->n_pages, FALSE));
      else if (state == SCH_SLOT_TO_FOLLOW)
        g_ptr_array_add (entries, sch_print_doc_entry_new (title, 0, TRUE));
    }

  return entries;
}

/* Preparing the documents, off the main thread */

typedef struct {
  SchAppType      *type;
  SchCase         *kase;      /* a copy: the editor keeps the original */
  SchPrintContext *context;
  GPtrArray       *entries;   /* SchPrintDocEntry*, may be NULL */
} BuildInput;

typedef struct {
  GPtrArray *documents;
  GBytes    *pdf;
} BuildOutput;

static void
build_input_free (BuildInput *input)
{
  g_clear_object (&input->type);
  g_clear_object (&input->kase);
  g_clear_pointer (&input->context, sch_print_context_free);
  g_clear_pointer (&input->entries, g_ptr_array_unref);
  g_free (input);
}

static void
build_output_free (BuildOutput *output)
{
  g_clear_pointer (&output->documents, g_ptr_array_unref);
  g_clear_pointer (&output->pdf, g_bytes_unref);
  g_free (output);
}

/* One PDF of all documents, drawn exactly as they are printed. */
static GBytes *
write_combined_pdf (GPtrArray *documents, GError **error)
{
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();

  if (!sch_print_documents_write_pdf (documents, output, NULL, error) ||
      !g_output_stream_close (output, NULL, error))
    return NULL;

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

static void
build_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  BuildInput *input = data;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  SchPrintDocument *document;
  BuildOutput *output;

  if (input->kase != NULL)
    {
      document = sch_print_document_new_form (input->type, input->kase, input->context, &error);
      if (document != NULL)
        {
          g_ptr_array_add (documents, document);
          document = sch_print_document_new_receipt (input->type, input->kase, input->context,
                                                     input->entries, &error);
        }
    }
  else
    document = sch_print_document_new_info_sheet (input->type, input->context, &error);

  if (document == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_ptr_array_add (documents, document);

  output = g_new0 (BuildOutput, 1);
  output->pdf = write_combined_pdf (documents, &error);
  if (output->pdf == NULL)
    {
      build_output_free (output);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  output->documents = g_steal_pointer (&documents);

  g_task_return_pointer (task, output, (GDestroyNotify) build_output_free);
}

/* Showing the pages */

static guint
count_pages (SchPrintPreview *self)
{
  return self->textures != NULL ? self->textures->len : 0;
}

static void
update_actions (SchPrintPreview *self)
{
  gboolean ready = count_pages (self) > 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.print", ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.save", ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.save-to", ready && !self->busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.previous-page", ready && self->page > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.next-page", ready && self->page + 1 < count_pages (self));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.zoom-in", ready && self->zoom + 1 < G_N_ELEMENTS (zoom_levels));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.zoom-out", ready && self->zoom > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "preview.zoom-reset", ready);
  gtk_widget_set_sensitive (GTK_WIDGET (self->language_dropdown), !self->busy);
}

static void
show_page (SchPrintPreview *self)
{
  g_autofree char *page_text = NULL;
  g_autofree char *zoom_text = NULL;
  g_autoptr(GdkPaintable) paintable = NULL;
  double zoom = zoom_levels[self->zoom];
  int width = (int) (A4_WIDTH_PT / 72.0 * SCREEN_DPI * zoom + 0.5);
  int height = (int) (A4_HEIGHT_PT / 72.0 * SCREEN_DPI * zoom + 0.5);

  if (count_pages (self) == 0)
    {
      gtk_picture_set_paintable (self->picture, NULL);
      gtk_label_set_label (self->page_label, "");
      gtk_button_set_label (self->zoom_button, "");
      update_actions (self);
      return;
    }

  paintable = page_paintable_new (g_ptr_array_index (self->textures, self->page), width, height);
  gtk_picture_set_paintable (self->picture, paintable);

  /* Translators: the page of the print preview, "Page 1 of 3" */
  page_text = g_strdup_printf (_("Page %u of %u"), self->page + 1, count_pages (self));
  gtk_label_set_label (self->page_label, page_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, page_text, -1);

  /* Translators: a zoom level, "75 %" */
  zoom_text = g_strdup_printf (_("%d %%"), (int) (zoom * 100 + 0.5));
  gtk_button_set_label (self->zoom_button, zoom_text);

  update_actions (self);
}

static void
show_error (SchPrintPreview *self, const GError *error)
{
  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  gtk_spinner_stop (self->spinner);
  update_actions (self);
  g_signal_emit (self, signals[READY], 0);
}

static GdkTexture *
texture_from_image (const SchPdfImage *image)
{
  return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_DEFAULT,
                                 image->data, image->stride);
}

static void
render_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchPrintPreview) self = user_data;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GError) error = NULL;

  images = sch_pdf_inspector_render_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (images == NULL)
    {
      show_error (self, error);
      return;
    }

  g_clear_pointer (&self->textures, g_ptr_array_unref);
  self->textures = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < images->len; i++)
    g_ptr_array_add (self->textures, texture_from_image (g_ptr_array_index (images, i)));

  self->page = MIN (self->page, count_pages (self) > 0 ? count_pages (self) - 1 : 0);
  gtk_stack_set_visible_child_name (self->stack, "pages");
  gtk_spinner_stop (self->spinner);
  show_page (self);
  g_signal_emit (self, signals[READY], 0);
}

static guint
count_document_pages (GPtrArray *documents)
{
  guint n = 0;

  for (guint i = 0; i < documents->len; i++)
    n += sch_print_document_get_n_pages (g_ptr_array_index (documents, i));

  return n;
}

static void
build_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchPrintPreview) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree guint *pages = NULL;
  BuildOutput *output;
  guint n;

  output = g_task_propagate_pointer (G_TASK (result), &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))))
    {
      g_clear_pointer (&output, build_output_free);
      return;
    }
  if (output == NULL)
    {
      show_error (self, error);
      return;
    }

  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  self->documents = g_steal_pointer (&output->documents);
  self->pdf = g_steal_pointer (&output->pdf);
  build_output_free (output);

  n = count_document_pages (self->documents);
  pages = g_new (guint, n);
  for (guint i = 0; i < n; i++)
    pages[i] = i;

  sch_pdf_inspector_render_async (self->inspector, self->pdf, NULL, pages, n, RENDER_WIDTH_PX,
                                  SCH_PDF_IMAGE_ARGB32, self->cancellable,
                                  render_cb, g_object_ref (self));
}

/* The letterhead and the receipt name the office: without its name and
 * address they would be blank. */
static void
update_office_banner (SchPrintPreview *self)
{
  g_autofree char *name = settings_dup_string (self->settings, "office-name");
  g_autofree char *address = settings_dup_string (self->settings, "office-address");

  gtk_widget_set_visible (self->office_banner, name == NULL || address == NULL);
}

/* Preferences over the preview, which is modal. */
static void
preferences_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (widget);

  if (self->settings != NULL)
    gtk_window_present (GTK_WINDOW (sch_preferences_window_new (GTK_WINDOW (self), self->settings)));
}

static void
office_changed_cb (SchPrintPreview *self, const char *key)
{
  if (g_str_has_prefix (key, "office-"))
    prepare (self);
}

static void
prepare (SchPrintPreview *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  BuildInput *input;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  g_clear_pointer (&self->textures, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  show_page (self);
  gtk_stack_set_visible_child_name (self->stack, "loading");
  gtk_spinner_start (self->spinner);

  update_office_banner (self);

  /* A print after the last one is the next printout, also when the clerk
   * prints again from this preview in another language. */
  if (self->kase != NULL &&
      !sch_printout_next_number (self->store, sch_case_get_uuid (self->kase), &self->printout, &error))
    {
      show_error (self, error);
      return;
    }

  input = g_new0 (BuildInput, 1);
  input->type = g_object_ref (self->type);
  input->context = make_context (self);
  if (self->kase != NULL)
    {
      g_autofree char *json = sch_case_dup_data_json (self->kase);

      input->kase = sch_case_new_full (sch_case_get_uuid (self->kase), sch_case_get_type_code (self->kase),
                                       sch_case_get_state (self->kase), sch_case_get_created (self->kase),
                                       sch_case_get_modified (self->kase), sch_case_get_reference (self->kase),
                                       json, &error);
      if (input->kase != NULL)
        input->entries = make_doc_entries (self, &error);
      if (input->kase == NULL || input->entries == NULL)
        {
          build_input_free (input);
          show_error (self, error);
          return;
        }
    }

  task = g_task_new (NULL, self->cancellable, build_cb, g_object_ref (self));
  g_task_set_source_tag (task, prepare);
  g_task_set_task_data (task, input, (GDestroyNotify) build_input_free);
  g_task_run_in_thread (task, build_thread);
}

/* Recording what was printed */

static gboolean
record_print (SchPrintPreview *self, gboolean saved, GError **error)
{
  g_autoptr(SchPrintout) printout = NULL;

  if (self->kase == NULL)
    return TRUE;

  printout = sch_printout_new (self->printout,
                               sch_print_document_get_n_pages (g_ptr_array_index (self->documents, 0)),
                               self->lang);
  if (!sch_printout_record (self->store, sch_case_get_uuid (self->kase), printout, saved, error))
    return FALSE;

  /* Only forward: a reprint of a later case changes nothing. */
  if (sch_case_get_state (self->kase) == SCH_CASE_STATE_COMPLETE)
    return sch_store_set_state (self->store, self->kase, SCH_CASE_STATE_AWAITING_SIGNATURE, error);

  return TRUE;
}

static void
toast (SchPrintPreview *self, const char *message)
{
  sch_toast_show (self->toast_overlay, message);
}

static void
report_failure (SchPrintPreview *self, const char *heading, const GError *error)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, error->message);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
finish_output (SchPrintPreview *self, gboolean saved)
{
  g_autoptr(GError) error = NULL;

  if (!record_print (self, saved, &error))
    {
      report_failure (self, _("The Print Could Not Be Recorded"), error);
      return;
    }

  if (self->kase != NULL && sch_case_get_state (self->kase) == SCH_CASE_STATE_AWAITING_SIGNATURE)
    toast (self, saved ? _("Saved. The case now awaits the signed form.")
                       : _("Sent to the printer. The case now awaits the signed form."));
  else
    toast (self, saved ? _("Saved") : _("Sent to the printer"));

  g_signal_emit (self, signals[PRINTED], 0);
}

static void
print_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchPrintPreview) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean printed = sch_print_operation_run_finish (result, &error);

  self->busy = FALSE;
  update_actions (self);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (!printed)
    {
      report_failure (self, _("The Documents Could Not Be Printed"), error);
      return;
    }

  finish_output (self, FALSE);
}

static void
print_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (widget);

  if (self->documents == NULL || self->busy)
    return;

  self->busy = TRUE;
  update_actions (self);
  sch_print_operation_run_async (self->documents,
                                 sch_print_document_get_title (g_ptr_array_index (self->documents, 0)),
                                 GTK_WINDOW (self), self->export_filename, NULL,
                                 print_cb, g_object_ref (self));
}

static void
save_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(SchPrintPreview) self = user_data;
  g_autoptr(GError) error = NULL;

  self->busy = FALSE;
  update_actions (self);

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      g_autofree char *name = g_file_get_basename (G_FILE (source));
      g_autoptr(GError) named = g_error_new (error->domain, error->code,
                                             _("The file “%s” could not be written: %s"),
                                             name, error->message);

      report_failure (self, _("The PDF Could Not Be Saved"), named);
      return;
    }

  finish_output (self, TRUE);
}

static void
save_to (SchPrintPreview *self, GFile *file)
{
  if (self->pdf == NULL || self->busy)
    return;

  self->busy = TRUE;
  update_actions (self);
  g_file_replace_contents_bytes_async (file, self->pdf, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                       NULL, save_written_cb, g_object_ref (self));
}

static void
save_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  g_autoptr(SchPrintPreview) self = user_data;
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  g_object_unref (chooser);

  if (file != NULL)
    save_to (self, file);
}

/* "preview.save-to" with an absolute file name: what the chooser's Save
 * does, for a file name known already. */
static void
save_to_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  g_autoptr(GFile) file = g_file_new_for_path (g_variant_get_string (param, NULL));

  save_to (SCH_PRINT_PREVIEW (widget), file);
}

static char *
suggest_file_name (SchPrintPreview *self)
{
  if (self->kase != NULL)
    {
      g_autofree char *short_id = g_strndup (sch_case_get_uuid (self->kase), 8);

      /* Translators: file name of the saved form and receipt; %s is the case id */
      return g_strdup_printf (_("form-and-receipt-%s.pdf"), short_id);
    }

  /* Translators: file name of a saved information sheet; %s is the type's code */
  return g_strdup_printf (_("information-sheet-%s.pdf"), sch_app_type_get_code (self->type));
}

static void
save_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (widget);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;

  if (self->pdf == NULL || self->busy)
    return;

  chooser = gtk_file_chooser_native_new (_("Save as PDF"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  name = suggest_file_name (self);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);

  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
page_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (widget);

  if (g_str_equal (action_name, "preview.next-page") && self->page + 1 < count_pages (self))
    self->page++;
  else if (g_str_equal (action_name, "preview.previous-page") && self->page > 0)
    self->page--;

  show_page (self);
}

static void
zoom_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (widget);

  if (g_str_equal (action_name, "preview.zoom-in") && self->zoom + 1 < G_N_ELEMENTS (zoom_levels))
    self->zoom++;
  else if (g_str_equal (action_name, "preview.zoom-out") && self->zoom > 0)
    self->zoom--;
  else if (g_str_equal (action_name, "preview.zoom-reset"))
    self->zoom = ORIGINAL_ZOOM;

  show_page (self);
}

static void
language_selected_cb (SchPrintPreview *self)
{
  guint position = gtk_drop_down_get_selected (self->language_dropdown);

  if (position < G_N_ELEMENTS (languages))
    sch_print_preview_set_language (self, languages[position].code);
}

static void
sch_print_preview_dispose (GObject *object)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), SCH_TYPE_PRINT_PREVIEW);

  g_clear_pointer (&self->textures, g_ptr_array_unref);
  g_clear_pointer (&self->documents, g_ptr_array_unref);
  g_clear_pointer (&self->pdf, g_bytes_unref);
  g_clear_object (&self->inspector);
  g_clear_object (&self->settings);
  g_clear_object (&self->kase);
  g_clear_object (&self->type);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sch_print_preview_parent_class)->dispose (object);
}

static void
sch_print_preview_finalize (GObject *object)
{
  SchPrintPreview *self = SCH_PRINT_PREVIEW (object);

  g_free (self->lang);
  g_free (self->export_filename);

  G_OBJECT_CLASS (sch_print_preview_parent_class)->finalize (object);
}

static void
sch_print_preview_class_init (SchPrintPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_print_preview_dispose;
  object_class->finalize = sch_print_preview_finalize;

  signals[READY] = g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[PRINTED] = g_signal_new ("printed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "preview.print", NULL, print_action);
  gtk_widget_class_install_action (widget_class, "preview.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "preview.save-to", "s", save_to_action);
  gtk_widget_class_install_action (widget_class, "preview.next-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "preview.previous-page", NULL, page_action);
  gtk_widget_class_install_action (widget_class, "preview.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "preview.zoom-out", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "preview.zoom-reset", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "preview.preferences", NULL, preferences_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_p, GDK_CONTROL_MASK, "preview.print", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "preview.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "preview.next-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "preview.previous-page", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, GDK_CONTROL_MASK, "preview.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, GDK_CONTROL_MASK, "preview.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, GDK_CONTROL_MASK, "preview.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, GDK_CONTROL_MASK, "preview.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, GDK_CONTROL_MASK, "preview.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, GDK_CONTROL_MASK, "preview.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/schalter/Schalter/sch-print-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, window_title);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, stack);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, spinner);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, picture);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, error_page);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, page_label);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, zoom_button);
  gtk_widget_class_bind_template_child (widget_class, SchPrintPreview, office_banner);
}

static void
sch_print_preview_init (SchPrintPreview *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    gtk_string_list_append (names, languages[i].name);
  gtk_drop_down_set_model (self->language_dropdown, G_LIST_MODEL (names));

  self->zoom = DEFAULT_ZOOM;
  self->inspector = sch_pdf_inspector_new ();
  self->settings = lookup_settings ();
  if (self->settings != NULL)
    g_signal_connect_object (self->settings, "changed", G_CALLBACK (office_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
start (SchPrintPreview *self, const char *lang)
{
  self->lang = g_strdup (lang);
  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, lang))
      gtk_drop_down_set_selected (self->language_dropdown, i);
  g_signal_connect_swapped (self->language_dropdown, "notify::selected",
                            G_CALLBACK (language_selected_cb), self);

  prepare (self);
}

static char *
default_language (SchPrintPreview *self)
{
  g_autofree char *lang = settings_dup_string (self->settings, "print-language");

  return is_known_language (lang) ? g_steal_pointer (&lang) : g_strdup ("de");
}

SchPrintPreview *
sch_print_preview_new_for_case (GtkWindow  *parent,
                                SchStore   *store,
                                SchCase    *kase,
                                SchAppType *type)
{
  SchPrintPreview *self;
  g_autofree char *name = NULL;
  g_autofree char *fallback = NULL;
  g_autoptr(SchPrintout) latest = NULL;
  g_autoptr(GError) error = NULL;
  const char *lang;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);

  self = g_object_new (SCH_TYPE_PRINT_PREVIEW, "transient-for", parent, NULL);
  self->store = g_object_ref (store);
  self->kase = g_object_ref (kase);
  self->type = g_object_ref (type);

  name = sch_case_dup_display_name (kase);
  adw_window_title_set_title (self->window_title, _("Form and Receipt"));
  adw_window_title_set_subtitle (self->window_title,
                                 name != NULL && *name != '\0' ? name : _("Unnamed case"));

  /* The language of the last printout: a reprint matches what the
   * resident already holds. An unreadable journal only costs that. */
  if (!sch_printout_lookup_latest (store, sch_case_get_uuid (kase), &latest, &error))
    g_warning ("The journal of a case could not be read: %s", error->message);
  lang = latest != NULL ? latest->lang : NULL;
  if (!is_known_language (lang))
    lang = fallback = default_language (self);

  start (self, lang);
  return self;
}

SchPrintPreview *
sch_print_preview_new_for_info_sheet (GtkWindow  *parent,
                                      SchAppType *type)
{
  SchPrintPreview *self;
  g_autofree char *lang = NULL;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);

  self = g_object_new (SCH_TYPE_PRINT_PREVIEW, "transient-for", parent, NULL);
  self->type = g_object_ref (type);
  adw_window_title_set_title (self->window_title, _("Information Sheet"));
  adw_window_title_set_subtitle (self->window_title, sch_app_type_get_title (type, NULL));

  lang = default_language (self);
  start (self, lang);
  return self;
}

gboolean
sch_print_preview_is_ready (SchPrintPreview *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_PREVIEW (self), FALSE);

  return count_pages (self) > 0;
}

guint
sch_print_preview_get_n_pages (SchPrintPreview *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_PREVIEW (self), 0);

  return count_pages (self);
}

guint
sch_print_preview_get_page (SchPrintPreview *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_PREVIEW (self), 0);

  return self->page;
}

GBytes *
sch_print_preview_get_pdf (SchPrintPreview *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_PREVIEW (self), NULL);

  return self->pdf;
}

const char *
sch_print_preview_get_language (SchPrintPreview *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_PREVIEW (self), NULL);

  return self->lang;
}

void
sch_print_preview_set_language (SchPrintPreview *self,
                                const char      *lang)
{
  g_return_if_fail (SCH_IS_PRINT_PREVIEW (self));
  g_return_if_fail (is_known_language (lang));

  if (g_strcmp0 (self->lang, lang) == 0)
    return;

  g_free (self->lang);
  self->lang = g_strdup (lang);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (languages[i].code, lang) && gtk_drop_down_get_selected (self->language_dropdown) != i)
      gtk_drop_down_set_selected (self->language_dropdown, i);

  /* Per print only: the case itself is not changed (it may be locked).
   * The journal of the printout keeps the language for next time. */
  prepare (self);
}

void
sch_print_preview_set_export_filename (SchPrintPreview *self,
                                       const char      *filename)
{
  g_return_if_fail (SCH_IS_PRINT_PREVIEW (self));

  g_free (self->export_filename);
  self->export_filename = g_strdup (filename);
}
