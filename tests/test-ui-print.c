/* Printing and signed forms back, as a clerk does it: a real SchApplication
 * on a temporary database; the print preview, GtkPrintOperation exporting to
 * a file, the information sheet from the type chooser, and signed forms
 * coming back through import, scanned page objects and SANE's test backend.
 * The steps build on each other and run in the order they are added. */
#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "print-test-data.h"
#include "sch-application.h"
#include "sch-case-editor.h"
#include "sch-form-renderer.h"
#include "sch-preferences-window.h"
#include "sch-print-preview.h"
#include "sch-printout.h"
#include "sch-scan-dialog.h"
#include "sch-scan-test-util.h"
#include "sch-scanned-page.h"
#include "sch-scanner-private.h"
#include "sch-signed-form-intake.h"
#include "sch-store-pages.h"
#include "sch-type-chooser.h"
#include "sch-window.h"
#include "sch-wire.h"
#include "sch-test-ui.h"

/* poppler-glib 22 has no autoptr cleanups of its own. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

#define FAMILY_TYPE "family-reunification"
#define SCAN_DPI 150

static SchApplication *app;
static GtkWidget *window;
static char *tmpdir;
static char *sane_dir;
/* Case A: printed, then its signed form comes back; case B: another case. */
static char *case_a;
static char *case_b;

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        rm_rf (path);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static SchStore *
store (void)
{
  return sch_application_get_store (app);
}

static SchCatalog *
catalog (void)
{
  return sch_application_get_catalog (app);
}

static SchAppType *
family_type (void)
{
  SchAppType *type = sch_catalog_lookup (catalog (), FAMILY_TYPE);

  g_assert_nonnull (type);
  return type;
}

static GtkWidget *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (toplevel), type) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }

  return NULL;
}

static AdwMessageDialog *
wait_for_message (const char *heading, guint timeout_ms)
{
  gint64 end = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

          if (ADW_IS_MESSAGE_DIALOG (toplevel) && gtk_widget_get_visible (toplevel) &&
              g_strcmp0 (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (toplevel)), heading) == 0)
            return ADW_MESSAGE_DIALOG (toplevel);
        }
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  return NULL;
}

/* Clicks the response button labelled @label, as the clerk does. */
static void
respond (AdwMessageDialog *dialog, const char *label)
{
  GtkWidget *button = sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  sch_test_ui_wait (100);
}

static void
set_flag (gpointer instance, gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
set_flag_uint (gpointer instance, guint n, gpointer data)
{
  *(gboolean *) data = TRUE;
}

/* Copies the values of @from into @to, as a clerk would have typed them. */
static void
copy_values (SchCase *from, SchCase *to)
{
  g_autofree char *json = sch_case_dup_data_json (from);
  g_autoptr(JsonNode) root = json_from_string (json, NULL);
  JsonObject *data = json_node_get_object (root);
  g_autoptr(GList) groups = json_object_get_members (data);

  for (GList *g = groups; g != NULL; g = g->next)
    {
      JsonNode *node = json_object_get_member (data, g->data);
      g_autoptr(GList) fields = NULL;

      if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *items = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              JsonObject *item = json_array_get_object_element (items, i);
              g_autoptr(GList) names = json_object_get_members (item);

              sch_case_add_item (to, g->data);
              for (GList *f = names; f != NULL; f = f->next)
                sch_case_set_value (to, g->data, i, f->data, json_object_get_string_member (item, f->data));
            }
          continue;
        }

      fields = json_object_get_members (json_node_get_object (node));
      for (GList *f = fields; f != NULL; f = f->next)
        sch_case_set_value (to, g->data, 0, f->data,
                            json_object_get_string_member (json_node_get_object (node), f->data));
    }
}

/* A complete case of the family reunification type with realistic data. */
static char *
create_complete_case (const char *official_name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchCase) filled = test_case_new (family_type ());

  kase = sch_store_create_case (store (), FAMILY_TYPE, &error);
  g_assert_no_error (error);
  copy_values (filled, kase);
  if (official_name != NULL)
    sch_case_set_value (kase, "person", 0, "official_name", official_name);
  g_assert_true (sch_store_save_case (store (), kase, &error));
  g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_COMPLETE, &error));
  g_assert_no_error (error);

  return g_strdup (sch_case_get_uuid (kase));
}

static SchCase *
load (const char *uuid)
{
  g_autoptr(GError) error = NULL;
  SchCase *kase = sch_store_load_case (store (), uuid, &error);

  g_assert_no_error (error);
  return kase;
}

static gboolean
journal_has (const char *uuid, const char *action, const char *detail)
{
  g_autoptr(GPtrArray) lines = sch_store_journal_list (store (), uuid, NULL);
  g_autofree char *tail = g_strdup_printf ("\t%s\t%s", action, detail);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    if (g_str_has_suffix (g_ptr_array_index (lines, i), tail))
      return TRUE;

  return FALSE;
}

static guint
count_journal (const char *uuid, const char *action)
{
  g_autoptr(GPtrArray) lines = sch_store_journal_list (store (), uuid, NULL);
  g_autofree char *infix = g_strdup_printf ("\t%s\t", action);
  guint n = 0;

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    if (strstr (g_ptr_array_index (lines, i), infix) != NULL)
      n++;

  return n;
}

static GPtrArray *
signed_pages (const char *uuid)
{
  g_autoptr(SchCase) kase = load (uuid);
  g_autoptr(GError) error = NULL;
  GPtrArray *pages = sch_store_list_pages (store (), kase, SCH_SIGNED_FORM_SLOT, &error);

  g_assert_no_error (error);
  return pages;
}

static PopplerDocument *
open_pdf (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (bytes, NULL, &error);

  g_assert_no_error (error);
  return document;
}

static char *
page_text (PopplerDocument *document, int index)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (document, index);

  return poppler_page_get_text (page);
}

static char *
document_text (PopplerDocument *document)
{
  GString *text = g_string_new (NULL);

  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      g_autofree char *one = page_text (document, i);

      g_string_append (text, one);
    }

  return g_string_free (text, FALSE);
}

static SchPrintPreview *
wait_for_preview (void)
{
  SchPrintPreview *preview = NULL;
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      preview = SCH_PRINT_PREVIEW (find_toplevel (SCH_TYPE_PRINT_PREVIEW));
      if (preview != NULL && sch_print_preview_is_ready (preview))
        break;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }

  g_assert_nonnull (preview);
  g_assert_true (sch_print_preview_is_ready (preview));
  sch_test_ui_wait (100);
  return preview;
}

static void
wait_until_ready (SchPrintPreview *preview)
{
  gint64 end = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!sch_print_preview_is_ready (preview) && g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  g_assert_true (sch_print_preview_is_ready (preview));
}

static void
print_to_file (SchPrintPreview *preview, const char *path)
{
  gboolean printed = FALSE;
  gulong id = g_signal_connect (preview, "printed", G_CALLBACK (set_flag), &printed);

  sch_print_preview_set_export_filename (preview, path);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.print", NULL));
  g_assert_true (sch_test_ui_wait_for (&printed, 60000));
  g_signal_handler_disconnect (preview, id);
}

/* Printing */

static void
test_print_export (void)
{
  g_autofree char *export_path = g_build_filename (tmpdir, "export.pdf", NULL);
  g_autoptr(PopplerDocument) generated = NULL;
  g_autoptr(PopplerDocument) exported = NULL;
  g_autoptr(GBytes) exported_bytes = NULL;
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(SchCase) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *page_label = NULL;
  g_autofree char *printed = NULL;
  GtkWidget *language;
  SchPrintPreview *preview;
  guint n_pages;

  case_a = create_complete_case (NULL);
  sch_window_open_case (SCH_WINDOW (window), case_a);
  sch_test_ui_wait (200);
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "print"));

  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  preview = wait_for_preview ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preview)) == GTK_WINDOW (window));

  /* A case never printed opens in the preferences' language (Italian here,
   * not the German fallback). */
  g_assert_cmpstr (sch_print_preview_get_language (preview), ==, "it");
  generated = open_pdf (sch_print_preview_get_pdf (preview));
  text = document_text (generated);
  g_assert_nonnull (strstr (text, "Foglio delle firme"));
  g_assert_nonnull (strstr (text, "Ricevuta della domanda"));
  g_assert_nonnull (strstr (text, sch_app_type_get_title (family_type (), "it")));
  g_assert_null (strstr (text, "Unterschriftenblatt"));
  g_clear_pointer (&text, g_free);
  g_clear_object (&generated);

  /* The resident reads German: the clerk picks it in the dropdown. */
  language = sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_DROP_DOWN, "Print language");
  gtk_drop_down_set_selected (GTK_DROP_DOWN (language), 0);
  g_assert_cmpstr (sch_print_preview_get_language (preview), ==, "de");
  wait_until_ready (preview);

  /* Form and receipt: the form of 8 family members runs over several pages. */
  n_pages = sch_print_preview_get_n_pages (preview);
  g_assert_cmpuint (n_pages, >=, 3);
  generated = open_pdf (sch_print_preview_get_pdf (preview));
  g_assert_cmpint (poppler_document_get_n_pages (generated), ==, n_pages);
  text = document_text (generated);
  g_assert_nonnull (strstr (text, "Unterschriftenblatt"));
  g_assert_nonnull (strstr (text, TEST_APPLICANT_NAME));
  g_assert_nonnull (strstr (text, TEST_AHV));
  g_assert_nonnull (strstr (text, sch_app_type_get_title (family_type (), "de")));

  /* Paging and zoom, as the buttons do it. */
  g_assert_cmpuint (sch_print_preview_get_page (preview), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (preview), "preview.previous-page", NULL);
  g_assert_cmpuint (sch_print_preview_get_page (preview), ==, 0);
  g_assert_false (gtk_widget_get_sensitive (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Previous page")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.next-page", NULL));
  g_assert_cmpuint (sch_print_preview_get_page (preview), ==, 1);
  page_label = g_strdup_printf ("Page 2 of %u", n_pages);
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_LABEL, page_label));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.previous-page", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-in", NULL));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "100 %"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-out", NULL));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-out", NULL));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "50 %"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-reset", NULL));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "100 %"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.zoom-out", NULL));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "75 %"));

  /* Every control is named for assistive technology. */
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Next page"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Previous page"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Zoom in"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Zoom out"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_DROP_DOWN, "Print language"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "_Print…"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "_Save as PDF…"));

  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (preview), "print-preview"));

  /* GtkPrintOperation draws the same pages as the PDF. */
  print_to_file (preview, export_path);
  mapped = g_mapped_file_new (export_path, FALSE, &error);
  g_assert_no_error (error);
  exported_bytes = g_mapped_file_get_bytes (mapped);
  exported = open_pdf (exported_bytes);
  g_assert_cmpint (poppler_document_get_n_pages (exported), ==, n_pages);
  for (guint i = 0; i < n_pages; i++)
    {
      g_autofree char *want = page_text (generated, i);
      g_autofree char *got = page_text (exported, i);
      g_autoptr(PopplerPage) page = poppler_document_get_page (exported, i);
      double width, height;

      g_assert_cmpstr (got, ==, want);
      poppler_page_get_size (page, &width, &height);
      g_assert_cmpfloat (fabs (width - 595.28), <, 1.0);
      g_assert_cmpfloat (fabs (height - 841.89), <, 1.0);
    }

  /* Printed: the case awaits the signed form, and the journal says what. */
  after = load (case_a);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  /* The first printout, with its form's page count (the receipt is one page). */
  printed = g_strdup_printf ("form+receipt, de, printout 1, form pages %u", n_pages - 1);
  g_assert_true (journal_has (case_a, "printed", printed));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_LABEL,
                                      "Sent to the printer. The case now awaits the signed form."));

  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);
  g_assert_null (find_toplevel (SCH_TYPE_PRINT_PREVIEW));
}

/* The documents printed again later, in French: a second printout,
 * journalled; the state stays and the case's data is not touched. */
static void
test_reprint_language (void)
{
  g_autofree char *export_path = g_build_filename (tmpdir, "reprint.pdf", NULL);
  g_autoptr(SchCase) before = load (case_a);
  g_autoptr(SchCase) after = NULL;
  g_autofree char *text = NULL;
  g_autofree char *data_before = sch_case_dup_data_json (before);
  g_autofree char *data_after = NULL;
  g_autofree char *printed = NULL;
  g_autoptr(PopplerDocument) generated = NULL;
  SchPrintPreview *preview;

  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  preview = wait_for_preview ();
  /* The language of the last printout, not the preferences' default. */
  g_assert_cmpstr (sch_print_preview_get_language (preview), ==, "de");

  sch_print_preview_set_language (preview, "fr");
  g_assert_false (sch_print_preview_is_ready (preview));
  wait_until_ready (preview);
  generated = open_pdf (sch_print_preview_get_pdf (preview));
  text = document_text (generated);
  g_assert_nonnull (strstr (text, sch_app_type_get_title (family_type (), "fr")));
  g_assert_nonnull (strstr (text, "Impression 2"));

  print_to_file (preview, export_path);
  after = load (case_a);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  printed = g_strdup_printf ("form+receipt, fr, printout 2, form pages %u",
                             sch_print_preview_get_n_pages (preview) - 1);
  g_assert_true (journal_has (case_a, "printed", printed));
  g_assert_cmpuint (count_journal (case_a, "printed"), ==, 2);
  /* The language is the print's, not the case's data. */
  data_after = sch_case_dup_data_json (after);
  g_assert_cmpstr (data_after, ==, data_before);
  g_assert_null (strstr (data_after, "print_language"));
  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);

  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  preview = wait_for_preview ();
  g_assert_cmpstr (sch_print_preview_get_language (preview), ==, "fr");
  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);
}

/* A queued case (its data on the way to the migration office) prints a
 * receipt in another language without being changed; and what older
 * versions kept in the case's "meta" group is never sent. */
static void
test_language_locked_case (void)
{
  g_autofree char *uuid = create_complete_case ("Locked-Ferreira");
  g_autoptr(SchCase) kase = load (uuid);
  g_autoptr(SchCase) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) manifest = g_ptr_array_new ();
  g_autofree char *data_before = NULL;
  g_autofree char *data_after = NULL;
  g_autofree char *sent = NULL;
  SchWireOffice office = { 3340, "Anna Müller-Keller", "amueller" };
  SchPrintPreview *preview;
  gint64 modified;

  g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_QUEUED, &error));
  g_assert_no_error (error);
  g_clear_object (&kase);
  kase = load (uuid);
  data_before = sch_case_dup_data_json (kase);
  modified = sch_case_get_modified (kase);

  preview = sch_print_preview_new_for_case (GTK_WINDOW (window), store (), kase, family_type ());
  gtk_window_present (GTK_WINDOW (preview));
  wait_until_ready (preview);
  sch_print_preview_set_language (preview, "it");
  wait_until_ready (preview);
  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);

  after = load (uuid);
  data_after = sch_case_dup_data_json (after);
  g_assert_cmpstr (data_after, ==, data_before);
  g_assert_cmpint (sch_case_get_modified (after), ==, modified);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_QUEUED);

  sch_case_set_value (after, "meta", 0, "print_language", "fr");
  body = sch_wire_case_body (after, &office, manifest, g_get_real_time (), &error);
  g_assert_no_error (error);
  sent = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_nonnull (strstr (sent, "Locked-Ferreira"));
  g_assert_null (strstr (sent, "meta"));
  g_assert_null (strstr (sent, "print_language"));
}

/* How many labels below @root say @text. */
static guint
count_labels (GtkWidget *root, const char *text)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0)
        n++;
      n += count_labels (child, text);
    }
  return n;
}

/* Clicks the close button of the toast that shows @label. */
static void
click_toast_close (GtkWidget *label)
{
  GtkWidget *toast = gtk_widget_get_ancestor (label, g_type_from_name ("AdwToastWidget"));

  g_assert_nonnull (toast);
  for (GtkWidget *child = gtk_widget_get_first_child (toast); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), "window-close-symbolic") == 0)
      {
        g_signal_emit_by_name (child, "clicked");
        return;
      }
  g_assert_not_reached ();
}

/* "Save as PDF…" as the clerk's choice of file completes it: the file
 * holds the pages of the preview, says in its properties that it is the
 * form and the receipt, from the office, made now; the journal says it
 * was saved, and the case awaits its signed form. */
static void
test_save_as_pdf (void)
{
  g_autofree char *uuid = create_complete_case ("Saved-Okonkwo");
  g_autofree char *folder_path = g_build_filename (tmpdir, "saved", NULL);
  g_autofree char *path = g_build_filename (folder_path, "form-and-receipt.pdf", NULL);
  g_autofree char *second_path = g_build_filename (folder_path, "form-and-receipt-again.pdf", NULL);
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) saved_bytes = NULL;
  g_autoptr(PopplerDocument) generated = NULL;
  g_autoptr(PopplerDocument) saved = NULL;
  g_autoptr(SchCase) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *journalled = NULL;
  g_autofree char *title = NULL;
  g_autofree char *author = NULL;
  g_autofree char *creator = NULL;
  g_autofree char *want_title = g_strdup_printf ("Foglio delle firme e Ricevuta della domanda – %s",
                                                 sch_app_type_get_title (family_type (), "it"));
  /* PDF dates have whole seconds. */
  gint64 started = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GDateTime) created = NULL;
  g_autoptr(GDateTime) modified = NULL;
  const char *saved_text = "Saved. The case now awaits the signed form.";
  SchPrintPreview *preview;
  gboolean printed = FALSE;
  guint n_pages;

  g_assert_cmpint (g_mkdir_with_parents (folder_path, 0700), ==, 0);
  sch_window_open_case (SCH_WINDOW (window), uuid);
  sch_test_ui_wait (200);
  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  preview = wait_for_preview ();
  n_pages = sch_print_preview_get_n_pages (preview);
  generated = open_pdf (sch_print_preview_get_pdf (preview));
  g_signal_connect (preview, "printed", G_CALLBACK (set_flag), &printed);

  /* What the file chooser's Save does with the file the clerk chose (GTK's
   * chooser itself leaks in libraries under LeakSanitizer). */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.save-to", "s", path));
  g_assert_true (sch_test_ui_wait_for (&printed, 30000));

  mapped = g_mapped_file_new (path, FALSE, &error);
  g_assert_no_error (error);
  saved_bytes = g_mapped_file_get_bytes (mapped);
  g_assert_true (g_bytes_equal (saved_bytes, sch_print_preview_get_pdf (preview)));
  saved = open_pdf (saved_bytes);
  g_assert_cmpint (poppler_document_get_n_pages (saved), ==, n_pages);
  for (guint i = 0; i < n_pages; i++)
    {
      g_autofree char *want = page_text (generated, i);
      g_autofree char *got = page_text (saved, i);

      g_assert_cmpstr (got, ==, want);
    }

  title = poppler_document_get_title (saved);
  author = poppler_document_get_author (saved);
  creator = poppler_document_get_creator (saved);
  created = poppler_document_get_creation_date_time (saved);
  modified = poppler_document_get_modification_date_time (saved);
  g_assert_cmpstr (title, ==, want_title);
  g_assert_cmpstr (author, ==, TEST_OFFICE);
  g_assert_cmpstr (creator, ==, "Schalter");
  g_assert_nonnull (created);
  g_assert_cmpint (g_date_time_to_unix (created), >=, started);
  g_assert_cmpint (g_date_time_to_unix (created), <=, g_get_real_time () / G_USEC_PER_SEC);
  g_assert_nonnull (modified);
  g_assert_true (g_date_time_equal (modified, created));

  after = load (uuid);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  journalled = g_strdup_printf ("form+receipt, it, printout 1, form pages %u, saved as PDF", n_pages - 1);
  g_assert_true (journal_has (uuid, "printed", journalled));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_LABEL,
                                      "Saved. The case now awaits the signed form."));

  /* Saved once more at once: its message goes into the toast shown, not
   * into a second one queued behind it (sch-toast.h). On a slow machine the
   * first may have timed out by then, and the second shows once the first
   * has slid away. */
  printed = FALSE;
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (preview), "preview.save-to", "s", second_path));
  g_assert_true (sch_test_ui_wait_for (&printed, 30000));
  g_assert_true (g_file_test (second_path, G_FILE_TEST_IS_REGULAR));
  for (guint i = 0; i < 100 && count_labels (GTK_WIDGET (preview), saved_text) != 1; i++)
    sch_test_ui_wait (50);
  g_assert_cmpuint (count_labels (GTK_WIDGET (preview), saved_text), ==, 1);
  /* Closed by the clerk, nothing queued behind it comes up again. */
  click_toast_close (sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_LABEL, saved_text));
  sch_test_ui_wait (800);
  g_assert_cmpuint (count_labels (GTK_WIDGET (preview), saved_text), ==, 0);

  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);
  sch_window_open_case (SCH_WINDOW (window), case_a);
  sch_test_ui_wait (100);
}

/* Without the office's name and address the preview warns and offers the
 * preferences; once they are set the documents are prepared again. */
static void
test_office_missing (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autoptr(PopplerDocument) document = NULL;
  g_autofree char *text = NULL;
  g_autofree char *author = NULL;
  g_autofree char *phone = g_settings_get_string (settings, "office-phone");
  g_autofree char *short_id = g_strndup (case_a, 8);
  g_autofree char *quote = g_strdup_printf ("Per informazioni indicate il numero della domanda %s.", short_id);
  GtkWidget *banner_button;
  GtkWidget *preferences = NULL;
  SchPrintPreview *preview;
  gint64 end;

  g_settings_set_string (settings, "office-name", "");
  g_settings_set_string (settings, "office-phone", "");
  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  preview = wait_for_preview ();
  sch_print_preview_set_language (preview, "it");
  wait_until_ready (preview);
  banner_button = sch_test_ui_find (GTK_WIDGET (preview), GTK_TYPE_BUTTON, "Open _Preferences");
  g_assert_nonnull (banner_button);
  g_assert_true (gtk_widget_is_visible (banner_button));
  document = open_pdf (sch_print_preview_get_pdf (preview));
  text = document_text (document);
  /* No gap where the office would be named. */
  g_assert_null (strstr (text, TEST_OFFICE));
  g_assert_null (strstr (text, "rivolgetevi a"));
  g_assert_nonnull (strstr (text, quote));
  /* No office, no author: not an empty one. */
  author = poppler_document_get_author (document);
  g_assert_null (author);
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (preview), "print-preview-office-missing"));

  g_signal_emit_by_name (banner_button, "clicked");
  end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while ((preferences = find_toplevel (SCH_TYPE_PREFERENCES_WINDOW)) == NULL && g_get_monotonic_time () < end)
    sch_test_ui_wait (20);
  g_assert_nonnull (preferences);
  gtk_window_close (GTK_WINDOW (preferences));
  sch_test_ui_wait (100);

  /* Set in the preferences: the warning goes, the letterhead is back. */
  g_settings_set_string (settings, "office-phone", phone);
  g_settings_set_string (settings, "office-name", TEST_OFFICE);
  sch_test_ui_wait (100);
  wait_until_ready (preview);
  g_assert_false (gtk_widget_is_visible (banner_button));
  g_clear_object (&document);
  g_clear_pointer (&text, g_free);
  document = open_pdf (sch_print_preview_get_pdf (preview));
  text = document_text (document);
  g_assert_nonnull (strstr (text, TEST_OFFICE));

  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);
}

/* A draft is not printed: the clerk is told why. */
static void
test_print_draft (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) draft = sch_store_create_case (store (), FAMILY_TYPE, &error);
  AdwMessageDialog *dialog;

  g_assert_no_error (error);
  sch_window_open_case (SCH_WINDOW (window), sch_case_get_uuid (draft));
  sch_test_ui_wait (100);
  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  dialog = wait_for_message ("The Case Is Not Complete Yet", 2000);
  g_assert_nonnull (dialog);
  g_assert_null (find_toplevel (SCH_TYPE_PRINT_PREVIEW));
  respond (dialog, "_Close");
  g_assert_true (sch_store_delete_draft (store (), draft, &error));
  g_assert_no_error (error);
  sch_window_open_case (SCH_WINDOW (window), case_a);
  sch_test_ui_wait (100);
}

/* A complete case of a type the office has since removed from its
 * catalog: it opens with its data shown as stored, and Ctrl+P says why
 * nothing can be printed instead of opening a preview. */
static void
test_print_unknown_type (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store (), "withdrawn-local-type", &error);
  g_autoptr(SchCase) after = NULL;
  g_autofree char *data_before = NULL;
  g_autofree char *data_after = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *editor;
  GtkWidget *documents_page;

  g_assert_no_error (error);
  sch_case_set_value (kase, "person", 0, "official_name", "Withdrawn-Šimková");
  sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", 0, "first_names", "Tereza");
  g_assert_true (sch_store_save_case (store (), kase, &error));
  g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_COMPLETE, &error));
  g_assert_no_error (error);
  data_before = sch_case_dup_data_json (kase);

  sch_window_open_case (SCH_WINDOW (window), sch_case_get_uuid (kase));
  sch_test_ui_wait (200);
  g_assert_null (wait_for_message ("The case could not be opened", 100));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "print"));
  /* What was captured is there to read, the reason beside it. */
  editor = sch_test_ui_find (window, SCH_TYPE_CASE_EDITOR, "SchCaseEditor");
  g_assert_nonnull (editor);
  g_assert_nonnull (sch_test_ui_find (editor, GTK_TYPE_LABEL, "Withdrawn-Šimková"));
  g_assert_nonnull (sch_test_ui_find (editor, GTK_TYPE_LABEL, "Tereza"));
  g_assert_nonnull (sch_test_ui_find (editor, GTK_TYPE_LABEL, "Unknown application type “withdrawn-local-type”"));
  g_assert_false (gtk_widget_is_visible (sch_test_ui_find (editor, GTK_TYPE_BUTTON, "_Mark Complete")));
  g_assert_false (gtk_widget_is_visible (sch_test_ui_find (editor, GTK_TYPE_BUTTON, "_Reopen")));
  g_free (sch_test_ui_save_screenshot (window, "case-unknown-type"));

  g_assert_true (sch_test_ui_activate (window, "win.print", NULL));
  dialog = wait_for_message ("The Case Cannot Be Printed", 2000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“withdrawn-local-type”"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is not in the catalog"));
  g_assert_null (find_toplevel (SCH_TYPE_PRINT_PREVIEW));
  respond (dialog, "_Close");

  /* Neither the editor's shortcuts nor the documents view need the type. */
  g_assert_true (sch_test_ui_activate (window, "win.add-family-member", NULL));
  g_assert_true (sch_test_ui_activate (window, "win.show-view", g_variant_new_string ("documents")));
  sch_test_ui_wait (100);
  documents_page = sch_test_ui_find (window, ADW_TYPE_STATUS_PAGE, "Documents Not Shown");
  g_assert_nonnull (documents_page);
  g_assert_true (gtk_widget_is_visible (documents_page));
  g_assert_true (sch_test_ui_activate (window, "win.show-view", g_variant_new_string ("details")));
  sch_test_ui_wait (100);

  after = load (sch_case_get_uuid (kase));
  data_after = sch_case_dup_data_json (after);
  g_assert_cmpstr (data_after, ==, data_before);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_COMPLETE);
  g_assert_cmpuint (count_journal (sch_case_get_uuid (kase), "printed"), ==, 0);

  sch_window_open_case (SCH_WINDOW (window), case_a);
  sch_test_ui_wait (100);
}

/* The information sheet of a type filed elsewhere, from the type chooser. */
static void
test_info_sheet (void)
{
  GListModel *types = sch_catalog_get_types (catalog ());
  g_autoptr(SchAppType) type = NULL;
  g_autoptr(PopplerDocument) document = NULL;
  g_autofree char *text = NULL;
  GtkWidget *chooser;
  GtkWidget *entry;
  GtkWidget *button;
  SchPrintPreview *preview;

  for (guint i = 0; type == NULL && i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) item = g_list_model_get_item (types, i);

      if (sch_app_type_get_filing (item) != SCH_FILING_HERE)
        type = g_object_ref (item);
    }
  g_assert_nonnull (type);

  g_assert_true (sch_test_ui_activate (window, "win.new-case", NULL));
  sch_test_ui_wait (200);
  chooser = find_toplevel (SCH_TYPE_TYPE_CHOOSER);
  g_assert_nonnull (chooser);
  entry = sch_test_ui_find (chooser, GTK_TYPE_SEARCH_ENTRY, "Search application types");
  sch_test_ui_type (entry, sch_app_type_get_code (type));
  sch_test_ui_wait (100);
  g_signal_emit_by_name (entry, "activate");
  sch_test_ui_wait (200);

  button = sch_test_ui_find (chooser, GTK_TYPE_BUTTON, "Print _Information Sheet…");
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_get_mapped (button));
  g_signal_emit_by_name (button, "clicked");

  preview = wait_for_preview ();
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preview)) == GTK_WINDOW (chooser));
  g_assert_cmpuint (sch_print_preview_get_n_pages (preview), >=, 1);
  document = open_pdf (sch_print_preview_get_pdf (preview));
  text = document_text (document);
  g_assert_nonnull (strstr (text, sch_app_type_get_title (type, "it")));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (preview), "print-preview-info-sheet"));

  gtk_window_close (GTK_WINDOW (preview));
  sch_test_ui_wait (100);
  gtk_window_close (GTK_WINDOW (chooser));
  sch_test_ui_wait (100);
}

/* Signed forms back */

typedef struct {
  GBytes *jpeg;
  int     width;
  int     height;
} Scan;

static void
scan_free (Scan *scan)
{
  g_bytes_unref (scan->jpeg);
  g_free (scan);
}

/* A 150 dpi gray JPEG of @surface's content, as a scanner makes it. */
static Scan *
scan_from_surface (cairo_surface_t *surface)
{
  Scan *scan = g_new0 (Scan, 1);
  int width = cairo_image_surface_get_width (surface);
  int height = cairo_image_surface_get_height (surface);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GError) error = NULL;
  const guint8 *data;
  gchar *buffer = NULL;
  gsize size = 0;
  int stride;

  cairo_surface_flush (surface);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * stride + x * 4);
        guint8 gray = (((pixel >> 16) & 0xff) * 299 + ((pixel >> 8) & 0xff) * 587 + (pixel & 0xff) * 114) / 1000;
        guint8 *out = gdk_pixbuf_get_pixels (pixbuf) + y * gdk_pixbuf_get_rowstride (pixbuf) + x * 3;

        out[0] = out[1] = out[2] = gray;
      }

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "75", NULL));
  g_assert_no_error (error);
  scan->jpeg = g_bytes_new_take (buffer, size);
  scan->width = width;
  scan->height = height;

  return scan;
}

#define MM (72.0 / 25.4)

/* Printout @printout of @uuid's form in @lang, each page "scanned"
 * slightly askew; with @scribble the code of each page is painted over
 * across its top, where two of its finder patterns are. */
static GPtrArray *
scan_printout (const char *uuid, const char *lang, guint printout, gboolean scribble)
{
  g_autoptr(SchCase) kase = load (uuid);
  g_autoptr(SchPrintContext) context = test_print_context_new (lang);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *scans = g_ptr_array_new_with_free_func ((GDestroyNotify) scan_free);

  context->printout = printout;
  g_assert_true (sch_form_render_pdf (family_type (), kase, context, output, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (output, NULL, NULL));
  pdf = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
  document = open_pdf (pdf);

  for (int i = 0; i < poppler_document_get_n_pages (document); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (document, i);
      double width, height;
      cairo_surface_t *surface;
      cairo_t *cr;

      poppler_page_get_size (page, &width, &height);
      surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, ceil (width * SCAN_DPI / 72.0),
                                            ceil (height * SCAN_DPI / 72.0));
      cr = cairo_create (surface);
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_paint (cr);
      /* The sheet lies a little askew on the glass. */
      cairo_translate (cr, cairo_image_surface_get_width (surface) / 2.0,
                       cairo_image_surface_get_height (surface) / 2.0);
      cairo_rotate (cr, (i % 2 == 0 ? 1.5 : -1.5) * G_PI / 180.0);
      cairo_translate (cr, -cairo_image_surface_get_width (surface) / 2.0,
                       -cairo_image_surface_get_height (surface) / 2.0);
      cairo_scale (cr, SCAN_DPI / 72.0, SCAN_DPI / 72.0);
      poppler_page_render_for_printing (page, cr);
      if (scribble)
        {
          /* The code is the 30 mm square 19 mm from the right, 13 mm from the top. */
          cairo_set_source_rgb (cr, 0.1, 0.1, 0.3);
          cairo_rectangle (cr, 158 * MM, 10 * MM, 36 * MM, 15 * MM);
          cairo_fill (cr);
        }
      cairo_destroy (cr);

      g_ptr_array_add (scans, scan_from_surface (surface));
      cairo_surface_destroy (surface);
    }

  return scans;
}

/* The latest printout of @uuid's form, scanned. */
static GPtrArray *
scan_form (const char *uuid)
{
  g_autoptr(SchPrintout) latest = NULL;

  g_assert_true (sch_printout_lookup_latest (store (), uuid, &latest, NULL));
  g_assert_nonnull (latest);
  return scan_printout (uuid, latest->lang, latest->number, FALSE);
}

/* As printing does it: a printout of @uuid's form recorded in German, and
 * a complete case awaits its signature. Returns the form's page count. */
static guint
mark_printed (const char *uuid)
{
  g_autoptr(SchCase) kase = load (uuid);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) form = NULL;
  g_autoptr(SchPrintout) printout = NULL;
  g_autoptr(GError) error = NULL;
  guint number;

  g_assert_true (sch_printout_next_number (store (), uuid, &number, &error));
  context->printout = number;
  form = sch_print_document_new_form (family_type (), kase, context, &error);
  g_assert_no_error (error);
  printout = sch_printout_new (number, sch_print_document_get_n_pages (form), "de");
  g_assert_true (sch_printout_record (store (), uuid, printout, FALSE, &error));
  if (sch_case_get_state (kase) == SCH_CASE_STATE_COMPLETE)
    g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_AWAITING_SIGNATURE, &error));
  g_assert_no_error (error);
  return printout->n_form_pages;
}

/* A PDF of scanned pages (JPEGs kept as they are), as a scanner saves it. */
static char *
write_scan_pdf (const char *name, Scan **pages, guint n_pages)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);
  cairo_surface_t *pdf = cairo_pdf_surface_create (path, 595.28, 841.89);
  cairo_t *cr = cairo_create (pdf);

  for (guint i = 0; i < n_pages; i++)
    {
      g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new ();
      cairo_surface_t *image;
      GdkPixbuf *pixbuf;
      cairo_t *image_cr;

      g_assert_true (gdk_pixbuf_loader_write_bytes (loader, pages[i]->jpeg, NULL));
      g_assert_true (gdk_pixbuf_loader_close (loader, NULL));
      pixbuf = gdk_pixbuf_loader_get_pixbuf (loader);
      image = cairo_image_surface_create (CAIRO_FORMAT_RGB24, pages[i]->width, pages[i]->height);
      image_cr = cairo_create (image);
      gdk_cairo_set_source_pixbuf (image_cr, pixbuf, 0, 0);
      cairo_paint (image_cr);
      cairo_destroy (image_cr);
      cairo_surface_set_mime_data (image, CAIRO_MIME_TYPE_JPEG,
                                   g_bytes_get_data (pages[i]->jpeg, NULL), g_bytes_get_size (pages[i]->jpeg),
                                   (cairo_destroy_func_t) g_bytes_unref, g_bytes_ref (pages[i]->jpeg));

      cairo_save (cr);
      cairo_scale (cr, 72.0 / SCAN_DPI, 72.0 / SCAN_DPI);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_paint (cr);
      cairo_restore (cr);
      cairo_show_page (cr);
      cairo_surface_destroy (image);
    }

  cairo_destroy (cr);
  cairo_surface_finish (pdf);
  g_assert_cmpint (cairo_surface_status (pdf), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (pdf);

  return g_steal_pointer (&path);
}

static char *
write_scan_jpeg (const char *name, Scan *scan)
{
  g_autofree char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (scan->jpeg, NULL), g_bytes_get_size (scan->jpeg), NULL));
  return g_steal_pointer (&path);
}

static SchSignedFormIntake *
new_intake (const char *open_uuid, gboolean *finished)
{
  g_autoptr(SchCase) open_case = open_uuid != NULL ? load (open_uuid) : NULL;
  SchSignedFormIntake *intake = sch_signed_form_intake_new (GTK_WINDOW (window), store (), catalog (), open_case);

  *finished = FALSE;
  g_signal_connect (intake, "finished", G_CALLBACK (set_flag_uint), finished);
  return intake;
}

static void
import (const char *open_uuid, const char *path, gboolean *finished, SchSignedFormIntake **out)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  SchSignedFormIntake *intake = new_intake (open_uuid, finished);

  sch_signed_form_intake_import_file (intake, file);
  *out = intake;
}

static char *
case_label (const char *uuid)
{
  g_autoptr(SchCase) kase = load (uuid);
  g_autofree char *short_id = g_strndup (uuid, 8);
  g_autofree char *name = sch_case_dup_display_name (kase);

  return g_strdup_printf ("%s — %s", short_id, name);
}

/* The case chooser "File as Signed Form of…", once it is shown. */
static GtkWidget *
wait_for_chooser (void)
{
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while (g_get_monotonic_time () < end)
    {
      GListModel *toplevels = gtk_window_get_toplevels ();

      for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
        {
          g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

          if (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (toplevel)), "File as Signed Form of…") == 0 &&
              gtk_widget_get_visible (toplevel))
            return toplevel;
        }
      sch_test_ui_wait (20);
    }

  return NULL;
}

/* In the chooser, the one case @search finds, filed there with "File Here". */
static void
choose_in_chooser (GtkWidget *chooser, const char *search_text, const char *screenshot)
{
  GtkWidget *search = sch_test_ui_find (chooser, GTK_TYPE_SEARCH_ENTRY, "Search cases");
  GtkWidget *list_view = sch_test_ui_find (chooser, GTK_TYPE_LIST_VIEW, "Cases");
  GtkWidget *file_button = sch_test_ui_find (chooser, GTK_TYPE_BUTTON, "_File Here");
  GtkSelectionModel *model;

  g_assert_nonnull (search);
  g_assert_nonnull (list_view);
  g_assert_nonnull (file_button);
  sch_test_ui_type (search, search_text);
  sch_test_ui_wait (300);
  model = gtk_list_view_get_model (GTK_LIST_VIEW (list_view));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_assert_false (gtk_widget_get_sensitive (file_button));
  gtk_selection_model_select_item (model, 0, TRUE);
  g_assert_true (gtk_widget_get_sensitive (file_button));
  if (screenshot != NULL)
    g_free (sch_test_ui_save_screenshot (chooser, screenshot));
  g_signal_emit_by_name (file_button, "clicked");
}

/* Pages 1 and 3 come back first, page 2 later: the case waits for it, then
 * the pages stand in order and the case is signed. */
static void
test_signed_form_import (void)
{
  g_autoptr(GPtrArray) scans = scan_form (case_a);
  g_autoptr(GPtrArray) without_2 = g_ptr_array_new ();
  g_autoptr(SchSignedFormIntake) first = NULL;
  g_autoptr(SchSignedFormIntake) second = NULL;
  g_autoptr(SchSignedFormIntake) third = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchCase) after = NULL;
  g_autoptr(GString) numbers = g_string_new ("form pages 1");
  g_autofree char *label = case_label (case_a);
  g_autofree char *toast = g_strdup_printf ("Signed form filed in case %s", label);
  g_autofree char *missing = NULL;
  g_autofree char *page_2 = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *jpeg_path = NULL;
  g_autofree char *jpeg_hash = NULL;
  AdwMessageDialog *dialog;
  gboolean finished;
  guint n = scans->len;

  g_assert_cmpuint (n, >=, 3);
  for (guint i = 0; i < n; i++)
    if (i != 1)
      g_ptr_array_add (without_2, g_ptr_array_index (scans, i));
  /* Page 1 went through the scanner twice. */
  g_ptr_array_add (without_2, g_ptr_array_index (scans, 0));
  for (guint i = 3; i <= n; i++)
    g_string_append_printf (numbers, ",%u", i);
  /* Printed twice (German, then French): the second printout is signed. */
  g_string_append_printf (numbers, " of %u, printout 2", n);
  pdf_path = write_scan_pdf ("signed-without-2.pdf", (Scan **) without_2->pdata, without_2->len);
  jpeg_path = write_scan_jpeg ("signed-2.jpg", g_ptr_array_index (scans, 1));

  /* Page 2 is still with the resident. */
  import (case_a, pdf_path, &finished, &first);
  dialog = wait_for_message ("Signed Form Incomplete", 60000);
  g_assert_nonnull (dialog);
  missing = g_strdup_printf ("Page 2 of %u", n);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), missing));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), label));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Page 1 of the signed form of case"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is filed already and is not filed twice."));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, toast));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  after = load (case_a);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  g_clear_object (&after);
  pages = signed_pages (case_a);
  g_assert_cmpuint (pages->len, ==, n - 1);
  /* What is filed is the helper's redrawn copy, as for any import, never
   * the file's own bytes with whatever they might hide. */
  {
    g_autofree char *contents = NULL;
    gsize length = 0;
    g_autofree char *file_hash = NULL;

    g_assert_true (g_file_get_contents (pdf_path, &contents, &length, NULL));
    file_hash = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
    for (guint i = 0; i < pages->len; i++)
      g_assert_cmpstr (sch_page_get_blob (g_ptr_array_index (pages, i)), !=, file_hash);
  }
  g_clear_pointer (&pages, g_ptr_array_unref);

  import (case_a, jpeg_path, &finished, &second);
  g_assert_true (sch_test_ui_wait_for (&finished, 60000));
  g_assert_null (wait_for_message ("Signed Form Incomplete", 100));

  after = load (case_a);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_SIGNED);
  pages = signed_pages (case_a);
  g_assert_cmpuint (pages->len, ==, n);
  /* In page order: the PDF's first page, the JPEG, the PDF's other pages. */
  jpeg_hash = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, ((Scan *) g_ptr_array_index (scans, 1))->jpeg);
  g_assert_cmpint (sch_page_get_pdf_page (g_ptr_array_index (pages, 0)), ==, 0);
  g_assert_cmpstr (sch_page_get_blob (g_ptr_array_index (pages, 1)), ==, jpeg_hash);
  for (guint i = 2; i < n; i++)
    g_assert_cmpint (sch_page_get_pdf_page (g_ptr_array_index (pages, i)), ==, i - 1);
  g_assert_true (journal_has (case_a, "signed-form-filed", numbers->str));
  page_2 = g_strdup_printf ("form pages 2 of %u, printout 2", n);
  g_assert_true (journal_has (case_a, "signed-form-filed", page_2));
  /* One change per batch, not one per page. */
  g_assert_cmpuint (count_journal (case_a, "pages-added"), ==, 2);

  /* Page 2 scanned once more: the case is signed, nothing is filed twice. */
  import (case_a, jpeg_path, &finished, &third);
  dialog = wait_for_message ("Signed Form Scanned Again", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is filed already: page 2 was scanned again"));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = signed_pages (case_a);
  g_assert_cmpuint (pages->len, ==, n);
  g_assert_cmpuint (count_journal (case_a, "signed-form-filed"), ==, 2);
}

/* Page 1 of printout 1 is back, then the form is printed again: the first
 * page of printout 2 takes printout 1's page out of the signed form, so
 * that only one printout's pages are sent. */
static void
test_signed_form_reprinted (void)
{
  g_autofree char *uuid = create_complete_case ("Reprint-Kovač");
  g_autoptr(GPtrArray) first_scans = NULL;
  g_autoptr(GPtrArray) second_scans = NULL;
  g_autoptr(SchSignedFormIntake) first = NULL;
  g_autoptr(SchSignedFormIntake) second = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchCase) after = NULL;
  g_autofree char *page_1 = NULL;
  g_autofree char *all_pages = NULL;
  AdwMessageDialog *dialog;
  gboolean finished;
  guint n;

  mark_printed (uuid);
  first_scans = scan_form (uuid);
  page_1 = write_scan_jpeg ("reprint-printout-1-page-1.jpg", g_ptr_array_index (first_scans, 0));
  import (uuid, page_1, &finished, &first);
  dialog = wait_for_message ("Signed Form Incomplete", 60000);
  g_assert_nonnull (dialog);
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));
  pages = signed_pages (uuid);
  g_assert_cmpuint (pages->len, ==, 1);
  g_clear_pointer (&pages, g_ptr_array_unref);

  n = mark_printed (uuid);
  second_scans = scan_form (uuid);
  all_pages = write_scan_pdf ("reprint-printout-2.pdf", (Scan **) second_scans->pdata, second_scans->len);
  import (uuid, all_pages, &finished, &second);
  dialog = wait_for_message ("Signed Form of a New Printout", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "1 signed page of the earlier printout"));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  pages = signed_pages (uuid);
  g_assert_cmpuint (pages->len, ==, n);
  after = load (uuid);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_SIGNED);
  g_assert_cmpuint (count_journal (uuid, "pages-deleted"), ==, 1);
}

/* A page of the first printout (German) after the form was printed again
 * (French, printout 2): reported, not filed. */
static void
test_signed_form_old_printout (void)
{
  g_autoptr(GPtrArray) scans = scan_printout (case_a, "de", 1, FALSE);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *path = write_scan_jpeg ("printout-1-page-1.jpg", g_ptr_array_index (scans, 0));
  AdwMessageDialog *dialog;
  gboolean finished;

  import (case_a, path, &finished, &intake);
  dialog = wait_for_message ("Pages of an Earlier Printout", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                            "Page 1 is page 1 of printout 1 of the form of case"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "(printout 2)"));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "signed-form-earlier-printout"));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  pages = signed_pages (case_a);
  g_assert_cmpuint (pages->len, ==, 0);
  g_assert_cmpuint (count_journal (case_a, "signed-form-filed"), ==, 0);
}

/* Pages of a case that is already queued for the migration office: its
 * list of documents is made, so nothing is added, and the clerk is told. */
static void
test_signed_form_locked (void)
{
  g_autofree char *uuid = create_complete_case ("Queued-Haddad");
  g_autoptr(GPtrArray) scans = NULL;
  g_autoptr(GPtrArray) scanned = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) added = NULL;
  g_autoptr(GPtrArray) specs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  AdwMessageDialog *dialog;
  Scan *scan;
  gboolean finished;

  mark_printed (uuid);
  kase = load (uuid);
  g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_QUEUED, &error));
  g_assert_no_error (error);
  scans = scan_form (uuid);
  scan = g_ptr_array_index (scans, 0);
  g_ptr_array_add (scanned, sch_scanned_page_new (scan->jpeg, "image/jpeg", scan->width, scan->height, SCAN_DPI));

  intake = new_intake (NULL, &finished);
  sch_signed_form_intake_take_scans (intake, scanned);
  dialog = wait_for_message ("The Signed Form Was Not Filed", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "is “Queued”"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Nothing was filed."));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));
  pages = signed_pages (uuid);
  g_assert_cmpuint (pages->len, ==, 0);

  /* The store itself refuses, whoever asks. */
  sha = sch_blob_store_put_bytes (sch_store_get_blob_store (store ()), scan->jpeg, &error);
  g_assert_no_error (error);
  g_ptr_array_add (specs, sch_page_new (sha, "image/jpeg", -1, scan->width, scan->height, SCAN_DPI, 0,
                                        SCH_PAGE_SOURCE_SCAN));
  added = sch_store_add_pages (store (), kase, SCH_SIGNED_FORM_SLOT, -1, specs, &error);
  g_assert_null (added);
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "no longer change"));
}

/* Scanned page objects (what the scanner delivers after SANE) of case B
 * while case A is open: the clerk is asked, naming case B. */
static void
test_signed_form_other_case (void)
{
  g_autoptr(GPtrArray) scans = NULL;
  g_autoptr(GPtrArray) scanned = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *label = NULL;
  AdwMessageDialog *dialog;
  gboolean finished;

  case_b = create_complete_case ("Nakamura-Ødegård");
  mark_printed (case_b);
  label = case_label (case_b);

  scans = scan_form (case_b);
  for (guint i = 0; i < scans->len; i++)
    {
      Scan *scan = g_ptr_array_index (scans, i);

      g_ptr_array_add (scanned, sch_scanned_page_new (scan->jpeg, "image/jpeg", scan->width, scan->height, SCAN_DPI));
    }

  intake = new_intake (case_a, &finished);
  sch_signed_form_intake_take_scans (intake, scanned);
  dialog = wait_for_message ("Signed Form of Another Case", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), label));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Choose Case…"));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "signed-form-other-case"));
  /* Nothing is filed before the clerk says so. */
  pages = signed_pages (case_b);
  g_assert_cmpuint (pages->len, ==, 0);
  g_clear_pointer (&pages, g_ptr_array_unref);

  respond (dialog, "_File in That Case");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));
  kase = load (case_b);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_SIGNED);
  pages = signed_pages (case_b);
  g_assert_cmpuint (pages->len, ==, scans->len);
  g_assert_cmpint (sch_page_get_source (g_ptr_array_index (pages, 0)), ==, SCH_PAGE_SOURCE_SCAN);
}

/* Page 1 of case C's form while case A is open, and the clerk knows it
 * belongs to case D (the resident signed the wrong printout): chosen by
 * hand, it is filed as D's first missing page; C gets nothing. */
static void
test_signed_form_other_case_chosen (void)
{
  g_autofree char *coded = create_complete_case ("Coded-Abebe");
  g_autofree char *chosen = create_complete_case ("Chosen-Lindqvist");
  g_autofree char *coded_label = case_label (coded);
  g_autofree char *chosen_label = case_label (chosen);
  g_autofree char *toast = NULL;
  g_autofree char *journalled = NULL;
  g_autoptr(GPtrArray) scans = NULL;
  g_autoptr(GPtrArray) scanned = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchCase) kase = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *chooser;
  Scan *scan;
  gboolean finished;
  guint n_chosen_pages;

  mark_printed (coded);
  n_chosen_pages = mark_printed (chosen);
  scans = scan_form (coded);
  scan = g_ptr_array_index (scans, 0);
  g_ptr_array_add (scanned, sch_scanned_page_new (scan->jpeg, "image/jpeg", scan->width, scan->height, SCAN_DPI));

  intake = new_intake (case_a, &finished);
  sch_signed_form_intake_take_scans (intake, scanned);
  dialog = wait_for_message ("Signed Form of Another Case", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), coded_label));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "or choose the case they belong to?"));
  respond (dialog, "_Choose Case…");

  chooser = wait_for_chooser ();
  g_assert_nonnull (chooser);
  choose_in_chooser (chooser, "Lindqvist", NULL);

  /* One page of a longer form: the case awaits the others. */
  dialog = wait_for_message ("Signed Form Incomplete", 10000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), chosen_label));
  toast = g_strdup_printf ("Filed as page 1 of the signed form of case %s", chosen_label);
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, toast));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  pages = signed_pages (chosen);
  g_assert_cmpuint (pages->len, ==, 1);
  journalled = g_strdup_printf ("form pages 1 of %u, printout 1, chosen by the clerk", n_chosen_pages);
  g_assert_true (journal_has (chosen, "signed-form-filed", journalled));
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = signed_pages (coded);
  g_assert_cmpuint (pages->len, ==, 0);
  g_assert_cmpuint (count_journal (coded, "signed-form-filed"), ==, 0);
  kase = load (coded);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
}

/* A real form page whose code was scribbled over: nothing is read from
 * it, the clerk is told and may choose the case by hand; nothing is filed
 * by itself. */
static void
test_signed_form_scribbled (void)
{
  g_autoptr(GPtrArray) scans = scan_printout (case_b, "de", 1, TRUE);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = signed_pages (case_b);
  g_autofree char *path = write_scan_jpeg ("scribbled.jpg", g_ptr_array_index (scans, 0));
  AdwMessageDialog *dialog;
  gboolean finished;
  guint before = pages->len;

  import (case_b, path, &finished, &intake);
  dialog = wait_for_message ("File as Signed Form of…", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Page 1 has no readable QR code"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Choose Case…"));
  respond (dialog, "_Don’t File");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = signed_pages (case_b);
  g_assert_cmpuint (pages->len, ==, before);
}

/* A code whose check does not match is reported and not filed. */
static void
test_signed_form_damaged (void)
{
  g_autofree char *payload = g_strdup_printf ("SCH2|%s|form|1|2|1|00000000", case_a);
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *path = NULL;
  cairo_surface_t *surface;
  AdwMessageDialog *dialog;
  Scan *scan;
  cairo_t *cr;
  gboolean finished;
  guint before;

  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (sch_qr_draw (cr, payload, 1000, 40, 200, NULL));
  cairo_destroy (cr);
  scan = scan_from_surface (surface);
  cairo_surface_destroy (surface);
  path = write_scan_jpeg ("damaged.jpg", scan);
  scan_free (scan);

  pages = signed_pages (case_a);
  before = pages->len;
  g_clear_pointer (&pages, g_ptr_array_unref);

  import (case_a, path, &finished, &intake);
  dialog = wait_for_message ("File as Signed Form of…", 60000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "The QR code on page 1 is damaged or was misread."));
  respond (dialog, "_Don’t File");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  pages = signed_pages (case_a);
  g_assert_cmpuint (pages->len, ==, before);
}

/* A real scan through SANE's test backend has no QR code: the clerk
 * chooses the case in the searchable list, and the page is filed as the
 * form's first missing page; the case still waits for the others. */
static void
test_signed_form_sane (void)
{
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *scan_dialog;
  GtkWidget *scan_button;
  GtkWidget *chooser;
  g_autofree char *uuid = create_complete_case ("Ngata-Wilson");
  g_autofree char *label = case_label (uuid);
  g_autofree char *journalled = NULL;
  g_autofree char *missing = NULL;
  g_autoptr(GString) missing_pages = NULL;
  g_autoptr(SchCase) after = NULL;
  gint64 end;
  guint n_form_pages = mark_printed (uuid);
  gboolean finished;

  g_assert_cmpuint (n_form_pages, >=, 3);

  intake = new_intake (case_a, &finished);
  sch_signed_form_intake_scan (intake);
  sch_test_ui_wait (100);
  scan_dialog = find_toplevel (SCH_TYPE_SCAN_DIALOG);
  g_assert_nonnull (scan_dialog);

  /* Once the test scanners are listed, Scan starts one page. */
  scan_button = sch_test_ui_find (scan_dialog, GTK_TYPE_BUTTON, "_Scan");
  g_assert_nonnull (scan_button);
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!gtk_widget_get_sensitive (scan_button) && g_get_monotonic_time () < end)
    sch_test_ui_wait (50);
  g_assert_true (gtk_widget_get_sensitive (scan_button));
  g_signal_emit_by_name (scan_button, "clicked");

  dialog = wait_for_message ("File as Signed Form of…", 120000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "has no readable QR code"));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "signed-form-no-qr"));
  respond (dialog, "_Choose Case…");

  chooser = wait_for_chooser ();
  g_assert_nonnull (chooser);
  choose_in_chooser (chooser, "Ngata", "signed-form-choose-case");

  /* One page of a longer form: filed as page 1, the case still waits. */
  dialog = wait_for_message ("Signed Form Incomplete", 10000);
  g_assert_nonnull (dialog);
  missing_pages = g_string_new ("Pages 2");
  for (guint i = 3; i <= n_form_pages; i++)
    g_string_append_printf (missing_pages, ", %u", i);
  missing = g_strdup_printf ("%s of %u of the signed form of case %s are missing.",
                             missing_pages->str, n_form_pages, label);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), missing));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  pages = signed_pages (uuid);
  g_assert_cmpuint (pages->len, ==, 1);
  after = load (uuid);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);
  journalled = g_strdup_printf ("form pages 1 of %u, printout 1, chosen by the clerk", n_form_pages);
  g_assert_true (journal_has (uuid, "signed-form-filed", journalled));
  g_assert_null (find_toplevel (SCH_TYPE_SCAN_DIALOG));
}

/* Page 1 of @uuid's latest printout as an 8-bit gray PNM at SCAN_DPI, the
 * file SANE's pnm backend reads in place of a scanner's glass. */
static char *
write_form_pnm (const char *uuid)
{
  g_autoptr(SchPrintout) latest = NULL;
  g_autoptr(SchCase) kase = load (uuid);
  g_autoptr(SchPrintContext) context = NULL;
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(PopplerDocument) document = NULL;
  g_autoptr(PopplerPage) page = NULL;
  g_autoptr(GString) pnm = NULL;
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, "glass.pgm", NULL);
  cairo_surface_t *surface;
  const guint8 *data;
  double width, height;
  int w, h, stride;
  cairo_t *cr;

  g_assert_true (sch_printout_lookup_latest (store (), uuid, &latest, NULL));
  context = test_print_context_new (latest->lang);
  context->printout = latest->number;
  g_assert_true (sch_form_render_pdf (family_type (), kase, context, output, &error));
  g_assert_true (g_output_stream_close (output, NULL, NULL));
  pdf = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
  document = open_pdf (pdf);
  page = poppler_document_get_page (document, 0);
  poppler_page_get_size (page, &width, &height);
  w = (int) ceil (width * SCAN_DPI / 72.0);
  h = (int) ceil (height * SCAN_DPI / 72.0);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, SCAN_DPI / 72.0, SCAN_DPI / 72.0);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  cairo_surface_flush (surface);

  pnm = g_string_new (NULL);
  g_string_append_printf (pnm, "P5\n%d %d\n255\n", w, h);
  data = cairo_image_surface_get_data (surface);
  stride = cairo_image_surface_get_stride (surface);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      g_string_append_c (pnm, (char) (((const guint32 *) (data + y * stride))[x] >> 8 & 0xff));
  cairo_surface_destroy (surface);

  g_assert_true (g_file_set_contents (path, pnm->str, (gssize) pnm->len, &error));
  g_assert_no_error (error);
  return path;
}

static void
pnm_file_hook (SANE_Handle handle, guint page_number, gboolean started, gpointer user_data)
{
  if (!started)
    g_assert_true (sch_scanner_set_sane_option (handle, "filename", user_data));
}

/* End to end through SANE: the pnm backend "scans" a printed form page
 * from a file, Schalter reads its code and files it in its case by itself,
 * naming the case in a toast. */
static void
test_signed_form_pnm (void)
{
  g_autoptr(GSettings) settings = g_settings_new (BASE_ID);
  g_autofree char *uuid = create_complete_case ("Scanned-Mbeki");
  g_autofree char *label = case_label (uuid);
  g_autofree char *toast = g_strdup_printf ("Signed form filed in case %s", label);
  g_autofree char *pnm_path = NULL;
  g_autofree char *journalled = NULL;
  g_autoptr(SchScanner) scanner = sch_scan_dialog_dup_scanner ();
  g_autoptr(SchSignedFormIntake) intake = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchCase) after = NULL;
  AdwMessageDialog *dialog;
  GtkWidget *scan_dialog;
  GtkWidget *scan_button;
  guint n_form_pages = mark_printed (uuid);
  gboolean finished;
  gint64 end;

  pnm_path = write_form_pnm (uuid);
  sch_scanner_set_page_hook (scanner, pnm_file_hook, pnm_path);
  /* The clerk scanned with this device last time. */
  g_settings_set_string (settings, "scan-device", "pnm:0");
  sch_window_open_case (SCH_WINDOW (window), uuid);
  sch_test_ui_wait (100);

  intake = new_intake (uuid, &finished);
  sch_signed_form_intake_scan (intake);
  sch_test_ui_wait (100);
  scan_dialog = find_toplevel (SCH_TYPE_SCAN_DIALOG);
  g_assert_nonnull (scan_dialog);
  scan_button = sch_test_ui_find (scan_dialog, GTK_TYPE_BUTTON, "_Scan");
  end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!gtk_widget_get_sensitive (scan_button) && g_get_monotonic_time () < end)
    sch_test_ui_wait (50);
  g_assert_true (gtk_widget_get_sensitive (scan_button));
  g_signal_emit_by_name (scan_button, "clicked");

  /* Filed by its code; the form has more pages, which the case awaits. */
  dialog = wait_for_message ("Signed Form Incomplete", 120000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, toast));
  g_free (sch_test_ui_save_screenshot (window, "signed-form-scanned"));
  respond (dialog, "_Close");
  g_assert_true (sch_test_ui_wait_for (&finished, 5000));

  pages = signed_pages (uuid);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpint (sch_page_get_source (g_ptr_array_index (pages, 0)), ==, SCH_PAGE_SOURCE_SCAN);
  journalled = g_strdup_printf ("form pages 1 of %u, printout 1", n_form_pages);
  g_assert_true (journal_has (uuid, "signed-form-filed", journalled));
  after = load (uuid);
  g_assert_cmpint (sch_case_get_state (after), ==, SCH_CASE_STATE_AWAITING_SIGNATURE);

  sch_scanner_set_page_hook (scanner, NULL, NULL);
  g_settings_set_string (settings, "scan-device", "test:0");
  sch_window_open_case (SCH_WINDOW (window), case_a);
  sch_test_ui_wait (100);
}

/* Ctrl+Shift+S asks how the signed form comes back; the scan dialog closed
 * without a page files nothing. */
static void
test_signed_form_start (void)
{
  AdwMessageDialog *dialog;
  GtkWidget *scan_dialog;

  g_assert_true (sch_test_ui_activate (window, "win.scan-signed-form", NULL));
  dialog = wait_for_message ("Signed Form Back", 2000);
  g_assert_nonnull (dialog);
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Import File…"));
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "signed-form-start"));
  respond (dialog, "_Scan…");

  scan_dialog = find_toplevel (SCH_TYPE_SCAN_DIALOG);
  g_assert_nonnull (scan_dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (scan_dialog)) == GTK_WINDOW (window));
  sch_test_ui_wait (200);
  gtk_window_close (GTK_WINDOW (scan_dialog));
  sch_test_ui_wait (200);
  g_assert_null (find_toplevel (SCH_TYPE_SCAN_DIALOG));
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static void
test_shortcuts (void)
{
  g_auto(GStrv) print = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.print");
  g_auto(GStrv) scan = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.scan-signed-form");

  g_assert_cmpstr (print[0], ==, "<Control>p");
  g_assert_cmpstr (scan[0], ==, "<Shift><Control>s");
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_BUTTON, "Print form and receipt"));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_BUTTON, "File a signed form"));
  /* Nothing to print without an open case; signed forms can always come back. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "print"));
  g_assert_true (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "scan-signed-form"));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *db = NULL;
  g_autofree char *config_home = NULL;
  int status;

  tmpdir = sch_test_ui_make_tmpdir ();
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  g_setenv ("LANGUAGE", "en", TRUE);
  /* Before the scanner's first request. */
  /* The test backend scans pictures; the pnm backend "scans" a file. */
  sane_dir = sch_scan_test_make_config ("test\npnm");
  sch_scan_test_keep_backend_loaded ();

  g_test_init (&argc, &argv, NULL);
  sch_test_ui_init ();

  settings = g_settings_new (BASE_ID);
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 800);
  g_settings_set_string (settings, "office-name", TEST_OFFICE);
  g_settings_set_string (settings, "office-address", "St. Gallerstrasse 40\n8645 Jona");
  g_settings_set_string (settings, "office-phone", "055 225 70 00");
  g_settings_set_string (settings, "print-language", "it");

  db = g_build_filename (tmpdir, "schalter.db", NULL);
  g_setenv ("SCHALTER_DB", db, TRUE);
  app = sch_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  sch_test_ui_wait (300);
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (SCH_IS_WINDOW (window));

  g_test_add_func ("/ui-print/shortcuts", test_shortcuts);
  g_test_add_func ("/ui-print/print-export", test_print_export);
  g_test_add_func ("/ui-print/reprint-language", test_reprint_language);
  g_test_add_func ("/ui-print/language-locked-case", test_language_locked_case);
  g_test_add_func ("/ui-print/save-as-pdf", test_save_as_pdf);
  g_test_add_func ("/ui-print/office-missing", test_office_missing);
  g_test_add_func ("/ui-print/print-draft", test_print_draft);
  g_test_add_func ("/ui-print/print-unknown-type", test_print_unknown_type);
  g_test_add_func ("/ui-print/info-sheet", test_info_sheet);
  g_test_add_func ("/ui-print/signed-form-start", test_signed_form_start);
  g_test_add_func ("/ui-print/signed-form-pnm", test_signed_form_pnm);
  g_test_add_func ("/ui-print/signed-form-old-printout", test_signed_form_old_printout);
  g_test_add_func ("/ui-print/signed-form-import", test_signed_form_import);
  g_test_add_func ("/ui-print/signed-form-reprinted", test_signed_form_reprinted);
  g_test_add_func ("/ui-print/signed-form-locked", test_signed_form_locked);
  g_test_add_func ("/ui-print/signed-form-other-case", test_signed_form_other_case);
  g_test_add_func ("/ui-print/signed-form-other-case-chosen", test_signed_form_other_case_chosen);
  g_test_add_func ("/ui-print/signed-form-scribbled", test_signed_form_scribbled);
  g_test_add_func ("/ui-print/signed-form-damaged", test_signed_form_damaged);
  g_test_add_func ("/ui-print/signed-form-sane", test_signed_form_sane);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (100);
  g_clear_object (&app);
  g_free (case_a);
  g_free (case_b);
  sch_scan_test_remove_config (sane_dir);
  rm_rf (tmpdir);
  g_free (tmpdir);

  return status;
}
