/* The documents of a case as a clerk sees them: a window on a temporary
 * database, pages scanned through SANE's test backend and imported from
 * files the test makes, the checklist and the page work. The steps build on
 * each other and run in the order they are added. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sch-case-check.h"
#include "sch-documents-view.h"
#include "sch-page-viewer.h"
#include "sch-pdf-samples.h"
#include "sch-scan-dialog.h"
#include "sch-scan-test-util.h"
#include "sch-scanner-private.h"
#include "sch-store-pages.h"
#include "sch-test-ui.h"
#include "sch-window.h"

static SchStore *store;
static SchCatalog *catalog;
static SchAppType *type;
static SchCase *kase;
static GtkWidget *window;
static SchDocumentsView *view;
static GSettings *settings;
static char *tmpdir;
static char *db_path;
static char *sane_dir;
static const char *scan_slot;     /* first required slot: scanned pages */
static const char *import_slot;   /* another slot without a page limit: imported pages */
static const char *other_slot;    /* a third slot, where a split run goes */

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        rm_rf (path);
      else
        g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* A valid value for a field, as stored, so that only documents are missing. */
static const char *
valid_value (const SchField *field)
{
  switch (field->kind)
    {
    case SCH_FIELD_CHOICE:
      return ((const SchChoice *) g_ptr_array_index (field->choices, 0))->value;
    case SCH_FIELD_COUNTRY:
    case SCH_FIELD_NATIONALITY:
      return "IT";
    case SCH_FIELD_MUNICIPALITY:
      return "3203";
    case SCH_FIELD_TEXT:
    case SCH_FIELD_DATE:
    case SCH_FIELD_MULTILINE:
    default:
      break;
    }

  switch (field->validator)
    {
    case SCH_VALIDATOR_NAME: return "Rossi";
    case SCH_VALIDATOR_AHV: return "756.1234.5678.97";
    case SCH_VALIDATOR_ZEMIS: return "12345678.9";
    case SCH_VALIDATOR_UID: return "CHE-116.281.710";
    case SCH_VALIDATOR_POSTAL_CODE: return "9000";
    case SCH_VALIDATOR_MUNICIPALITY: return "3203";
    case SCH_VALIDATOR_COUNTRY: return "IT";
    case SCH_VALIDATOR_NATIONALITY: return "IT";
    case SCH_VALIDATOR_DATE_OF_BIRTH: return "1990-05-14";
    case SCH_VALIDATOR_DATE: return "2025-03-01";
    case SCH_VALIDATOR_DATE_PAST: return "2020-01-15";
    case SCH_VALIDATOR_DATE_EXPIRY: return "2034-06-30";
    case SCH_VALIDATOR_PHONE: return "+41 71 224 21 11";
    case SCH_VALIDATOR_EMAIL: return "anna.rossi@example.ch";
    case SCH_VALIDATOR_STREET: return "Bahnhofstrasse";
    case SCH_VALIDATOR_HOUSE_NUMBER: return "12a";
    case SCH_VALIDATOR_TOWN: return "St. Gallen";
    case SCH_VALIDATOR_FOREIGN_POSTAL_CODE: return "20121";
    case SCH_VALIDATOR_PERMIT_CATEGORY: return "0201";
    case SCH_VALIDATOR_PASSPORT_NUMBER: return "YA1234567";
    case SCH_VALIDATOR_INTEGER: return "80";
    case SCH_VALIDATOR_NONE:
    case SCH_VALIDATOR_INVALID:
    case SCH_N_VALIDATORS:
    default:
      if (field->max_length > 0 && field->max_length < 60)
        return "12";
      return "Bachelor in business administration";
    }
}

static void
fill_case (void)
{
  GPtrArray *groups = sch_app_type_get_groups (type);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (groups, i);
      guint n = group->repeatable ? MAX (group->min_items, 1) : 1;

      if (group->repeatable && group->max_items > 0)
        n = MIN (n, group->max_items);
      for (guint j = 0; j < n; j++)
        {
          guint index = group->repeatable ? sch_case_add_item (kase, group->id) : 0;

          for (guint k = 0; k < group->fields->len; k++)
            {
              const SchField *field = g_ptr_array_index (group->fields, k);

              sch_case_set_value (kase, group->id, index, field->id, valid_value (field));
            }
        }
    }

  g_assert_true (sch_store_save_case (store, kase, &error));
  g_assert_no_error (error);
}

/* A slot other than @skip without a page limit, or NULL. */
static const char *
unlimited_slot (SchAppType *candidate, const char *skip)
{
  GPtrArray *slots = sch_app_type_get_slots (candidate);

  for (guint i = 0; i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);

      if (slot->max_pages == 0 && g_strcmp0 (slot->id, skip) != 0)
        return slot->id;
    }

  return NULL;
}

/* A type filed here with at least three slots, the first one required and
 * two without a page limit. */
static SchAppType *
pick_type (void)
{
  GListModel *types = sch_catalog_get_types (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) candidate = g_list_model_get_item (types, i);
      GPtrArray *slots = sch_app_type_get_slots (candidate);

      const SchDocSlot *first;

      if (sch_app_type_get_filing (candidate) != SCH_FILING_HERE || slots->len < 3)
        continue;
      first = g_ptr_array_index (slots, 0);
      if (first->required && first->max_pages == 0 && unlimited_slot (candidate, first->id) != NULL)
        return candidate;
    }

  g_assert_not_reached ();
}

static GPtrArray *
pages_of (const char *slot_id)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *pages = sch_store_list_pages (store, kase, slot_id, &error);

  g_assert_no_error (error);
  return pages;
}

static guint
count_pages (const char *slot_id)
{
  g_autoptr(GPtrArray) pages = pages_of (slot_id);

  return pages->len;
}

/* The case as stored, one line per page, each file checked against the
 * sha256 that names it. */
static char *
case_fingerprint (SchStore *from, SchCase *which)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = sch_store_list_pages (from, which, NULL, &error);
  GString *lines = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < pages->len; i++)
    {
      SchPage *page = g_ptr_array_index (pages, i);
      g_autofree char *path = sch_blob_store_get_path (sch_store_get_blob_store (from), sch_page_get_blob (page));
      g_autofree char *contents = NULL;
      g_autofree char *sha = NULL;
      gsize length = 0;

      g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
      sha = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents, length);
      g_assert_cmpstr (sha, ==, sch_page_get_blob (page));
      g_string_append_printf (lines, "%s %u %s %d %u %s\n", sch_page_get_slot_id (page),
                              sch_page_get_position (page), sch_page_get_blob (page),
                              sch_page_get_pdf_page (page), sch_page_get_rotation (page),
                              sch_page_get_media_type (page));
    }
  return g_string_free (lines, FALSE);
}

/* The case still opens with what it had: the database opened anew, the
 * case loaded from it, the same pages with the same files. */
static void
assert_case_as (const char *before)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) reopened = sch_store_open (db_path, &error);
  g_autoptr(SchCase) again = NULL;
  g_autofree char *after = NULL;

  g_assert_no_error (error);
  again = sch_store_load_case (reopened, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  after = case_fingerprint (reopened, again);
  g_assert_cmpstr (after, ==, before);
}

static void
wait_idle_view (void)
{
  for (guint i = 0; i < 600 && sch_documents_view_is_busy (view); i++)
    sch_test_ui_wait (50);
  g_assert_false (sch_documents_view_is_busy (view));
  sch_test_ui_wait (20);
}

static GtkWidget *
find_toplevel (GType type_)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) toplevel = g_list_model_get_item (toplevels, i);

      if (g_type_is_a (G_OBJECT_TYPE (toplevel), type_) && gtk_widget_get_visible (toplevel))
        return toplevel;
    }

  return NULL;
}

static AdwMessageDialog *
wait_for_message (void)
{
  for (guint i = 0; i < 400; i++)
    {
      GtkWidget *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

      if (dialog != NULL)
        return ADW_MESSAGE_DIALOG (dialog);
      sch_test_ui_wait (50);
    }

  g_assert_not_reached ();
}

static void
answer (AdwMessageDialog *dialog, const char *response)
{
  adw_message_dialog_response (dialog, response);
  gtk_window_destroy (GTK_WINDOW (dialog));
  sch_test_ui_wait (20);
}

static void
import (GFile *file, const char *slot_id)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new ();

  g_ptr_array_add (files, file);
  sch_documents_view_import_files (view, files, slot_id);
}

static GtkWidget *
slot_row (const char *slot_id)
{
  GtkWidget *list = sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_LIST_BOX, "Documents of the case");

  g_assert_nonnull (list);
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (g_str_equal (gtk_widget_get_name (row), slot_id))
      return row;

  g_assert_not_reached ();
}

static GtkFlowBox *
flow (void)
{
  GtkWidget *widget = sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_FLOW_BOX, "Pages");

  g_assert_nonnull (widget);
  return GTK_FLOW_BOX (widget);
}

static void
select_only (guint index)
{
  GtkFlowBoxChild *child = gtk_flow_box_get_child_at_index (flow (), (int) index);

  g_assert_nonnull (child);
  gtk_flow_box_unselect_all (flow ());
  gtk_flow_box_select_child (flow (), child);
}

static void
activate (const char *action, GVariant *param)
{
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (view), action, param));
  sch_test_ui_wait (20);
}

static gboolean
mark_complete_possible (void)
{
  GtkWidget *mark = sch_test_ui_find (window, GTK_TYPE_BUTTON, "mark-complete");

  g_assert_nonnull (mark);
  return gtk_widget_is_sensitive (mark);
}

static void
test_checklist (void)
{
  GPtrArray *slots = sch_app_type_get_slots (type);

  g_assert_true (sch_test_ui_activate (window, "win.show-documents", g_variant_new_string (scan_slot)));
  sch_test_ui_wait (50);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (view)));
  g_assert_cmpstr (sch_documents_view_get_slot (view), ==, scan_slot);

  /* Every slot of the type is listed; required and missing ones stand out. */
  for (guint i = 0; i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);
      GtkWidget *row = slot_row (slot->id);

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       sch_text_get (slot->title, NULL));
      g_assert_true (gtk_widget_has_css_class (row, "sch-slot-missing") == slot->required);
    }

  /* Only documents are missing, and they keep the case from completion. */
  g_assert_false (mark_complete_possible ());
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_BUTTON, "Scan pages"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_BUTTON, "Import files"));
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_BUTTON, "Rotate left"));
}

static void
wait_scan_ready (GtkWidget *scan_button)
{
  for (guint i = 0; i < 400 && !gtk_widget_is_sensitive (scan_button); i++)
    sch_test_ui_wait (50);
  g_assert_true (gtk_widget_is_sensitive (scan_button));
}

static void
test_scan (void)
{
  SchScanDialog *dialog;
  GtkWidget *scan_button, *resolution;
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *device = NULL;
  gpointer weak;

  sch_documents_view_select_slot (view, scan_slot);
  activate ("docs.scan", NULL);
  dialog = SCH_SCAN_DIALOG (find_toplevel (SCH_TYPE_SCAN_DIALOG));
  g_assert_nonnull (dialog);
  scan_button = sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Scan");
  g_assert_nonnull (scan_button);
  g_assert_nonnull (sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Look for scanners again"));
  wait_scan_ready (scan_button);

  /* 150 dpi keeps the test quick; two flatbed scans. */
  resolution = sch_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Resolution");
  g_assert_nonnull (resolution);
  adw_combo_row_set_selected (ADW_COMBO_ROW (resolution), 0);
  for (guint run = 0; run < 2; run++)
    {
      g_assert_true (sch_test_ui_activate (GTK_WIDGET (dialog), "scan.start", NULL));
      g_assert_true (sch_scan_dialog_is_scanning (dialog));
      for (guint i = 0; i < 1200 && sch_scan_dialog_is_scanning (dialog); i++)
        sch_test_ui_wait (25);
      g_assert_false (sch_scan_dialog_is_scanning (dialog));
      g_test_message ("Scan status: %s", sch_scan_dialog_get_status (dialog));
      wait_idle_view ();
      /* Pages land in the slot as they arrive. */
      g_assert_cmpuint (count_pages (scan_slot), ==, run + 1);
    }

  pages = pages_of (scan_slot);
  for (guint i = 0; i < pages->len; i++)
    {
      SchPage *page = g_ptr_array_index (pages, i);

      g_assert_cmpint (sch_page_get_source (page), ==, SCH_PAGE_SOURCE_SCAN);
      g_assert_cmpstr (sch_page_get_media_type (page), ==, SCH_PAGE_MEDIA_JPEG);
      g_assert_cmpuint (sch_page_get_dpi (page), ==, 150);
    }

  /* The scanner is remembered for next time. */
  device = g_settings_get_string (settings, "scan-device");
  g_assert_cmpstr (device, ==, "test:0");
  g_assert_cmpuint (g_settings_get_uint (settings, "scan-resolution"), ==, 150);

  /* Closing lets go of the dialog (and of nothing else). */
  weak = dialog;
  g_object_add_weak_pointer (G_OBJECT (dialog), &weak);
  gtk_window_close (GTK_WINDOW (dialog));
  sch_test_ui_wait (50);
  g_assert_null (weak);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (slot_row (scan_slot))), "2"));
  g_assert_false (gtk_widget_has_css_class (slot_row (scan_slot), "sch-slot-missing"));
}

static void
inspected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  SchPdfInfo **info = user_data;
  g_autoptr(GError) error = NULL;

  *info = sch_pdf_inspector_inspect_finish (SCH_PDF_INSPECTOR (source), result, &error);
  g_assert_no_error (error);
}

/* What the helper finds in a stored PDF. */
static SchPdfInfo *
inspect_stored (GBytes *pdf)
{
  SchPdfInfo *info = NULL;

  sch_pdf_inspector_inspect_async (sch_documents_view_get_inspector (view), pdf, NULL, NULL,
                                   inspected_cb, &info);
  for (guint i = 0; i < 400 && info == NULL; i++)
    sch_test_ui_wait (25);
  g_assert_nonnull (info);
  return info;
}

static GBytes *
read_blob (SchPage *page)
{
  g_autofree char *path = sch_blob_store_get_path (sch_store_get_blob_store (store), sch_page_get_blob (page));
  char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  return g_bytes_new_take (contents, length);
}

static gboolean
thumbnails_shown (void)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (flow ()));
       child != NULL; child = gtk_widget_get_next_sibling (child), n++)
    {
      GtkWidget *box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      GtkWidget *frame = gtk_widget_get_first_child (box);
      GtkWidget *image = gtk_center_box_get_center_widget (GTK_CENTER_BOX (frame));

      if (gtk_picture_get_paintable (GTK_PICTURE (image)) == NULL)
        return FALSE;
    }

  return n > 0;
}

static void
test_import (void)
{
  static const double a4[] = { 595.276, 841.89, 595.276, 841.89 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (2, a4);
  g_autoptr(GBytes) jpeg = sample_jpeg (1240, 1754, 150, 1);
  g_autoptr(GFile) pdf_file = sch_test_ui_write_file (tmpdir, "letter.pdf", pdf);
  g_autoptr(GFile) jpeg_file = sch_test_ui_write_file (tmpdir, "photo.jpg", jpeg);
  g_autoptr(GPtrArray) pages = NULL;
  g_autofree char *shot = NULL;

  sch_documents_view_select_slot (view, import_slot);
  import (pdf_file, import_slot);
  import (jpeg_file, import_slot);
  wait_idle_view ();

  pages = pages_of (import_slot);
  g_assert_cmpuint (pages->len, ==, 3);
  g_assert_cmpstr (sch_page_get_media_type (g_ptr_array_index (pages, 0)), ==, SCH_PAGE_MEDIA_PDF);
  g_assert_cmpint (sch_page_get_pdf_page (g_ptr_array_index (pages, 1)), ==, 1);
  g_assert_cmpstr (sch_page_get_media_type (g_ptr_array_index (pages, 2)), ==, SCH_PAGE_MEDIA_JPEG);
  g_assert_cmpint (sch_page_get_source (g_ptr_array_index (pages, 2)), ==, SCH_PAGE_SOURCE_IMPORT);

  /* A PDF is kept as the helper's copy of its pages, not as the file. */
  {
    g_autoptr(GBytes) stored = read_blob (g_ptr_array_index (pages, 0));
    g_autoptr(SchPdfInfo) info = inspect_stored (stored);

    g_assert_false (g_bytes_equal (stored, pdf));
    g_assert_cmpuint (info->n_pages, ==, 2);
    g_assert_cmphex (info->active, ==, SCH_PDF_ACTIVE_NONE);
  }

  /* Thumbnails are made off the main thread and then shown. */
  for (guint i = 0; i < 400 && !thumbnails_shown (); i++)
    sch_test_ui_wait (50);
  g_assert_true (thumbnails_shown ());
  select_only (0);
  sch_test_ui_wait (50);
  shot = sch_test_ui_save_screenshot (window, "documents-thumbnails");
}

static void
test_page_work (void)
{
  g_autoptr(GPtrArray) before = pages_of (import_slot);
  g_autoptr(GPtrArray) after = NULL;
  gint64 first = sch_page_get_id (g_ptr_array_index (before, 0));
  const char *third_slot = other_slot;

  /* Rotate, then undo. */
  select_only (0);
  activate ("docs.rotate-right", NULL);
  after = pages_of (import_slot);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (after, 0)), ==, 90);
  g_clear_pointer (&after, g_ptr_array_unref);
  activate ("docs.undo", NULL);
  after = pages_of (import_slot);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (after, 0)), ==, 0);
  g_clear_pointer (&after, g_ptr_array_unref);

  /* Rotate left turns the other way. */
  select_only (0);
  activate ("docs.rotate-left", NULL);
  after = pages_of (import_slot);
  g_assert_cmpuint (sch_page_get_rotation (g_ptr_array_index (after, 0)), ==, 270);
  g_clear_pointer (&after, g_ptr_array_unref);
  activate ("docs.undo", NULL);

  /* Delete, then undo. */
  select_only (2);
  activate ("docs.delete", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, 2);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, 3);

  /* Reorder with the keyboard action, then undo. */
  select_only (0);
  activate ("docs.move-later", NULL);
  after = pages_of (import_slot);
  g_assert_cmpint (sch_page_get_id (g_ptr_array_index (after, 1)), ==, first);
  g_clear_pointer (&after, g_ptr_array_unref);
  activate ("docs.undo", NULL);
  after = pages_of (import_slot);
  g_assert_cmpint (sch_page_get_id (g_ptr_array_index (after, 0)), ==, first);
  g_clear_pointer (&after, g_ptr_array_unref);

  /* Split the run: the last page to another slot, then undo. */
  select_only (2);
  activate ("docs.split-to", g_variant_new_string (third_slot));
  g_assert_cmpuint (count_pages (import_slot), ==, 2);
  g_assert_cmpuint (count_pages (third_slot), ==, 1);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, 3);
  g_assert_cmpuint (count_pages (third_slot), ==, 0);
}

static void
test_move_to_slot (void)
{
  g_autoptr(GPtrArray) moved = NULL;

  select_only (2);
  activate ("docs.move-to", g_variant_new_string (other_slot));
  g_assert_cmpuint (count_pages (import_slot), ==, 2);
  moved = pages_of (other_slot);
  g_assert_cmpuint (moved->len, ==, 1);
  g_assert_cmpstr (sch_page_get_media_type (g_ptr_array_index (moved, 0)), ==, SCH_PAGE_MEDIA_JPEG);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, 3);
  g_assert_cmpuint (count_pages (other_slot), ==, 0);
}

static gboolean
viewer_shows_page (SchPageViewer *viewer)
{
  GtkWidget *picture = sch_test_ui_find (GTK_WIDGET (viewer), GTK_TYPE_PICTURE, "page-picture");

  return picture != NULL && gtk_widget_get_mapped (picture) &&
         gtk_picture_get_paintable (GTK_PICTURE (picture)) != NULL;
}

static void
wait_viewer (SchPageViewer *viewer)
{
  for (guint i = 0; i < 400 && !viewer_shows_page (viewer); i++)
    sch_test_ui_wait (25);
  g_assert_true (viewer_shows_page (viewer));
}

static void
test_viewer (void)
{
  SchPageViewer *viewer;
  double zoom;

  /* Enter (or a double click) on a thumbnail opens the page. */
  select_only (0);
  g_signal_emit_by_name (gtk_flow_box_get_child_at_index (flow (), 0), "activate");
  sch_test_ui_wait (50);
  viewer = SCH_PAGE_VIEWER (find_toplevel (SCH_TYPE_PAGE_VIEWER));
  g_assert_nonnull (viewer);
  g_assert_cmpuint (sch_page_viewer_get_index (viewer), ==, 0);
  wait_viewer (viewer);
  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (viewer)), ==, "Page 1 of 3");

  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.next", NULL));
  g_assert_cmpuint (sch_page_viewer_get_index (viewer), ==, 1);
  wait_viewer (viewer);
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.previous", NULL));
  g_assert_cmpuint (sch_page_viewer_get_index (viewer), ==, 0);

  zoom = sch_page_viewer_get_zoom (viewer);
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.zoom-in", NULL));
  g_assert_cmpfloat (sch_page_viewer_get_zoom (viewer), >, zoom);
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.zoom-out", NULL));
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.zoom-out", NULL));
  g_assert_cmpfloat (sch_page_viewer_get_zoom (viewer), <, zoom);
  /* Fit to width: the page fills the window's width, whatever the zoom was. */
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.fit-width", NULL));
  zoom = sch_page_viewer_get_zoom (viewer);
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.zoom-in", NULL));
  g_assert_true (sch_test_ui_activate (GTK_WIDGET (viewer), "viewer.fit-width", NULL));
  g_assert_cmpfloat_with_epsilon (sch_page_viewer_get_zoom (viewer), zoom, 0.001);

  gtk_window_destroy (GTK_WINDOW (viewer));
  sch_test_ui_wait (20);
}

static void
test_active_content (void)
{
  g_autoptr(GBytes) pdf = sample_pdf_javascript ();
  g_autoptr(GFile) file = sch_test_ui_write_file (tmpdir, "script.pdf", pdf);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(SchPdfInfo) info = NULL;
  g_autoptr(GBytes) stored = NULL;
  g_autofree char *fingerprint = NULL;
  guint before = count_pages (other_slot);
  AdwMessageDialog *dialog;
  SchPage *page;

  import (file, other_slot);
  dialog = wait_for_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("This PDF Contains Active Content"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "script.pdf"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "JavaScript"));
  answer (dialog, "flatten");
  wait_idle_view ();

  pages = pages_of (other_slot);
  g_assert_cmpuint (pages->len, >, before);
  page = g_ptr_array_index (pages, pages->len - 1);
  g_assert_cmpstr (sch_page_get_media_type (page), ==, SCH_PAGE_MEDIA_PDF);

  /* What is stored is the flattened copy: nothing in it runs. */
  stored = read_blob (page);
  info = inspect_stored (stored);
  g_assert_cmpint (info->active, ==, SCH_PDF_ACTIVE_NONE);

  /* Cancel imports nothing. */
  before = count_pages (other_slot);
  fingerprint = case_fingerprint (store, kase);
  import (file, other_slot);
  dialog = wait_for_message ();
  answer (dialog, "cancel");
  wait_idle_view ();
  g_assert_cmpuint (count_pages (other_slot), ==, before);
  assert_case_as (fingerprint);

  /* A script in an encoded object stream, named with escapes: the clerk
   * is told all the same. */
  {
    const char *hidden[] = { "<< /S /J#61vaScript /JS (app.alert\\(1\\);) >>", NULL };
    g_autoptr(GBytes) sneaky = sample_pdf_object_stream (SAMPLE_STREAM_ASCII_85_FLATE, "/OpenAction 5 0 R", hidden);
    g_autoptr(GFile) sneaky_file = sch_test_ui_write_file (tmpdir, "sneaky.pdf", sneaky);

    import (sneaky_file, other_slot);
    dialog = wait_for_message ();
    g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("This PDF Contains Active Content"));
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "JavaScript"));
    answer (dialog, "cancel");
    wait_idle_view ();
    g_assert_cmpuint (count_pages (other_slot), ==, before);
    assert_case_as (fingerprint);
  }

  /* Leave the slot empty again for the checklist steps. */
  {
    g_autoptr(GPtrArray) all = pages_of (other_slot);
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GPtrArray) removed = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < all->len; i++)
      {
        gint64 id = sch_page_get_id (g_ptr_array_index (all, i));

        g_array_append_val (ids, id);
      }
    removed = sch_store_delete_pages (store, kase, ids, &error);
    g_assert_no_error (error);
    sch_test_ui_wait (20);
  }
}

static void
test_encrypted (void)
{
  static const double a4[] = { 595.276, 841.89 };
  g_autoptr(GBytes) plain = sample_pdf_cairo (1, a4);
  g_autoptr(GBytes) locked = sample_pdf_encrypted (plain, "geheim");
  g_autoptr(GFile) file = sch_test_ui_write_file (tmpdir, "locked.pdf", locked);
  AdwMessageDialog *dialog;
  GtkWidget *entry;
  guint before = count_pages (import_slot);

  import (file, import_slot);
  dialog = wait_for_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("Password Required"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "locked.pdf"));

  /* A wrong password is said so, and asked again. */
  entry = adw_message_dialog_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (entry), "falsch");
  answer (dialog, "open");
  dialog = wait_for_message ();
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "not correct"));
  entry = adw_message_dialog_get_extra_child (dialog);
  gtk_editable_set_text (GTK_EDITABLE (entry), "geheim");
  answer (dialog, "open");
  wait_idle_view ();
  g_assert_cmpuint (count_pages (import_slot), ==, before + 1);
}

static void
test_damaged (void)
{
  static const double a4[] = { 595.276, 841.89 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, a4);
  g_autoptr(GBytes) truncated = sample_truncate (pdf, g_bytes_get_size (pdf) / 3);
  g_autoptr(GFile) file = sch_test_ui_write_file (tmpdir, "broken.pdf", truncated);
  guint before = count_pages (import_slot);
  g_autofree char *fingerprint = case_fingerprint (store, kase);
  AdwMessageDialog *dialog;

  import (file, import_slot);
  dialog = wait_for_message ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("This file could not be read."));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "broken.pdf"));
  answer (dialog, "close");
  wait_idle_view ();
  g_assert_cmpuint (count_pages (import_slot), ==, before);
  assert_case_as (fingerprint);
}

static void
test_over_limit (void)
{
  g_autofree char *big = g_malloc0 (2 * 1000 * 1000);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GFile) file = NULL;
  guint before = count_pages (import_slot);
  g_autofree char *fingerprint = case_fingerprint (store, kase);
  AdwMessageDialog *dialog;

  memcpy (big, "%PDF-1.4\n", 9);
  bytes = g_bytes_new_take (g_steal_pointer (&big), 2 * 1000 * 1000);
  file = sch_test_ui_write_file (tmpdir, "huge.pdf", bytes);
  g_settings_set_uint (settings, "max-file-mb", 1);

  import (file, import_slot);
  dialog = wait_for_message ();
  g_test_message ("Limit message: %s", adw_message_dialog_get_body (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "huge.pdf"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "limit"));
  answer (dialog, "close");
  wait_idle_view ();
  g_assert_cmpuint (count_pages (import_slot), ==, before);
  assert_case_as (fingerprint);
  g_settings_reset (settings, "max-file-mb");
}

/* Imports that fail leave the case as it was; @heading is the message's. */
static void
assert_import_refused (const char *name, GBytes *bytes, const char *slot_id, const char *heading,
                       const char *body_part)
{
  g_autoptr(GFile) file = sch_test_ui_write_file (tmpdir, name, bytes);
  g_autofree char *fingerprint = case_fingerprint (store, kase);
  AdwMessageDialog *dialog;

  import (file, slot_id);
  dialog = wait_for_message ();
  g_test_message ("%s: %s — %s", name, adw_message_dialog_get_heading (dialog),
                  adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), name));
  if (body_part != NULL)
    g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), body_part));
  answer (dialog, "close");
  wait_idle_view ();
  assert_case_as (fingerprint);
}

static GBytes *
garbage_after (const char *magic, gsize magic_size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) magic, magic_size);
  while (out->len < 20000)
    g_byte_array_append (out, (const guint8[]) { g_rand_int_range (rand, 0, 256) }, 1);
  return g_byte_array_free_to_bytes (out);
}

/* Hostile images are decoded by the helper: a message, the app goes on,
 * the case stays as it was. */
static void
test_hostile_images (void)
{
  g_autoptr(GBytes) jpeg = sample_jpeg (1240, 1754, 150, 1);
  g_autoptr(GBytes) png = sample_png (600, 300);
  g_autoptr(GBytes) cut_jpeg = sample_truncate (jpeg, g_bytes_get_size (jpeg) * 2 / 3);
  g_autoptr(GBytes) cut_png = sample_truncate (png, 60);
  g_autoptr(GBytes) garbage_jpeg = garbage_after ("\xff\xd8\xff", 3);
  g_autoptr(GBytes) garbage_tiff = garbage_after ("MM\0*", 4);
  g_autoptr(GBytes) bomb = sample_tiff_bomb (100000, 100000);
  const char *unreadable = _("This file could not be read.");

  assert_import_refused ("cut.jpg", cut_jpeg, import_slot, unreadable, NULL);
  assert_import_refused ("cut.png", cut_png, import_slot, unreadable, NULL);
  assert_import_refused ("garbage.jpg", garbage_jpeg, import_slot, unreadable, NULL);
  assert_import_refused ("garbage.tif", garbage_tiff, import_slot, unreadable, NULL);
  assert_import_refused ("bomb.tif", bomb, import_slot, _("The File Was Not Imported"), "million pixels");
}

/* A helper that stops in the middle of its work (after the first page it
 * copies): "could not be read", after the view's timeout or the helper's
 * CPU limit, and the case as it was. */
static void
test_helper_stalls (void)
{
  static const double a4[] = { 595.276, 841.89, 595.276, 841.89, 595.276, 841.89 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (3, a4);
  SchPdfInspector *inspector = sch_documents_view_get_inspector (view);
  const char *unreadable = _("This file could not be read.");
  gint64 start;

  sch_pdf_inspector_set_timeout (inspector, 2);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_STALL", "hang:1", TRUE);
  start = g_get_monotonic_time ();
  assert_import_refused ("stuck.pdf", pdf, import_slot, unreadable, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  /* A long timeout: the CPU limit (lowered to 1 s) stops it. */
  sch_pdf_inspector_set_timeout (inspector, 120);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_STALL", "spin:1", TRUE);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS", "1", TRUE);
  start = g_get_monotonic_time ();
  assert_import_refused ("spinning.pdf", pdf, import_slot, unreadable, NULL);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 60 * G_USEC_PER_SEC);

  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_STALL");
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS");
  sch_pdf_inspector_set_timeout (inspector, SCH_PDF_INSPECTOR_DEFAULT_TIMEOUT);
}

/* The page limit is per document: what the slot has counts. */
static void
test_document_page_limit (void)
{
  static const double a4[] = { 595.276, 841.89, 595.276, 841.89 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (2, a4);
  g_autoptr(GBytes) tiff = sample_tiff (2, 40, 60, 200);
  guint before = count_pages (import_slot);

  g_settings_set_uint (settings, "max-pages-per-document", before + 1);
  assert_import_refused ("two-pages.pdf", pdf, import_slot, _("The File Was Not Imported"),
                         "limit of");
  assert_import_refused ("two-pages.tif", tiff, import_slot, _("The File Was Not Imported"),
                         "limit of");
  g_assert_cmpuint (count_pages (import_slot), ==, before);
  g_settings_reset (settings, "max-pages-per-document");
}

static SchScanDialog *
open_scan_dialog (guint source)
{
  SchScanDialog *dialog;
  GtkWidget *scan_button, *row;

  activate ("docs.scan", NULL);
  dialog = SCH_SCAN_DIALOG (find_toplevel (SCH_TYPE_SCAN_DIALOG));
  g_assert_nonnull (dialog);
  scan_button = sch_test_ui_find (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "_Scan");
  wait_scan_ready (scan_button);
  row = sch_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Resolution");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  row = sch_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "S_ource");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), source);
  return dialog;
}

static AdwMessageDialog *
scan_until_stopped (SchScanDialog *dialog)
{
  AdwMessageDialog *message;

  g_assert_true (sch_test_ui_activate (GTK_WIDGET (dialog), "scan.start", NULL));
  message = wait_for_message ();
  for (guint i = 0; i < 1200 && sch_scan_dialog_is_scanning (dialog); i++)
    sch_test_ui_wait (25);
  g_assert_false (sch_scan_dialog_is_scanning (dialog));
  wait_idle_view ();
  g_test_message ("Scan stopped: %s", adw_message_dialog_get_body (message));
  g_assert_cmpstr (adw_message_dialog_get_heading (message), ==, _("The Scan Was Stopped"));
  return message;
}

/* Scans stop at the limits: pages per document and the case's size. */
static void
test_scan_limits (void)
{
  g_autoptr(GBytes) noise = sample_noise_png (700, 600);
  g_autoptr(GFile) noise_file = sch_test_ui_write_file (tmpdir, "noise.png", noise);
  g_autoptr(GPtrArray) added = NULL;
  SchScanDialog *dialog;
  AdwMessageDialog *message;
  g_autofree char *fingerprint = NULL;
  guint before = count_pages (scan_slot);
  guint64 size = 0;

  /* The feeder holds ten sheets; two more fit the document. */
  sch_documents_view_select_slot (view, scan_slot);
  g_settings_set_uint (settings, "max-pages-per-document", before + 2);
  dialog = open_scan_dialog (1);
  message = scan_until_stopped (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "the limit per document"));
  answer (message, "close");
  g_assert_cmpuint (count_pages (scan_slot), ==, before + 2);
  /* The dialog counts only the pages the case kept, and says why it stopped. */
  g_assert_nonnull (strstr (sch_scan_dialog_get_status (dialog), "the limit per document"));
  g_assert_nonnull (strstr (sch_scan_dialog_get_status (dialog), "2 pages were scanned and kept."));
  g_settings_reset (settings, "max-pages-per-document");

  /* A case full already: the first page is refused, nothing is added. */
  import (noise_file, other_slot);
  wait_idle_view ();
  added = pages_of (other_slot);
  g_assert_cmpuint (added->len, ==, 1);
  g_assert_true (sch_store_get_document_size (store, kase, &size, NULL));
  g_assert_cmpuint (size, >, 1000 * 1000);
  g_settings_set_uint (settings, "max-case-mb", (guint) (size / (1000 * 1000)));
  fingerprint = case_fingerprint (store, kase);
  message = scan_until_stopped (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (message), "per case"));
  answer (message, "close");
  assert_case_as (fingerprint);
  g_assert_nonnull (strstr (sch_scan_dialog_get_status (dialog), "0 pages were scanned and kept."));
  g_settings_reset (settings, "max-case-mb");

  gtk_window_destroy (GTK_WINDOW (dialog));
  sch_test_ui_wait (20);
  {
    g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
    g_autoptr(GPtrArray) removed = NULL;
    g_autoptr(GError) error = NULL;
    gint64 id = sch_page_get_id (g_ptr_array_index (added, 0));

    g_array_append_val (ids, id);
    removed = sch_store_delete_pages (store, kase, ids, &error);
    g_assert_no_error (error);
  }
}

/* Backend options a test sets on the scan thread before page @page starts,
 * as tests/scan does: the test backend then fails or slows that page. */
typedef struct {
  guint page;
  const char *name;
  const char *value;
} HookOption;

typedef struct {
  HookOption options[4];
  guint n_options;
  guint settle_page;
} Hook;

static void
hook_cb (SANE_Handle handle, guint page_number, gboolean started, gpointer user_data)
{
  Hook *hook = user_data;

  /* The test backend stops its reader thread with an asynchronous
   * pthread_cancel(); one that lands in the new thread's first malloc
   * deadlocks glibc. Before a page that fails or is cancelled, let the
   * reader settle. */
  if (started && page_number == hook->settle_page)
    g_usleep (G_USEC_PER_SEC / 20);
  if (started)
    return;

  /* The test backend keeps the status it was told to return across runs in
   * one process (tests/scan runs each test in a process of its own). */
  if (page_number == 1)
    g_assert_true (sch_scanner_set_sane_option (handle, "read-return-value", "Default"));
  for (guint i = 0; i < hook->n_options; i++)
    if (hook->options[i].page == page_number)
      g_assert_true (sch_scanner_set_sane_option (handle, hook->options[i].name, hook->options[i].value));
}

static void
hook_add (Hook *hook, guint page, const char *name, const char *value)
{
  g_assert_cmpuint (hook->n_options, <, G_N_ELEMENTS (hook->options));
  hook->options[hook->n_options++] = (HookOption) { page, name, value };
}

/* Presses Cancel once the dialog has announced @user_data's count of
 * pages: from the page's own signal, since under AddressSanitizer the main
 * loop can run seconds behind the scan thread. */
static void
cancel_after_cb (SchScanDialog *dialog, SchScannedPage *page, gpointer user_data)
{
  guint *remaining = user_data;

  if (*remaining > 0 && --*remaining == 0)
    g_assert_true (sch_test_ui_activate (GTK_WIDGET (dialog), "scan.cancel", NULL));
}

/* A feeder run at 150 dpi gray into the scan slot through the scan dialog,
 * @hook on the device; once the dialog has announced page @cancel_after
 * (0: never), Cancel, as the clerk would while the next page is read. The
 * dialog's last sentence. */
static char *
scan_feeder (Hook *hook, guint cancel_after)
{
  g_autoptr(SchScanner) scanner = sch_scan_dialog_dup_scanner ();
  guint remaining = cancel_after;
  SchScanDialog *dialog;
  GtkWidget *mode;
  char *status;

  sch_documents_view_select_slot (view, scan_slot);
  sch_scanner_set_page_hook (scanner, hook_cb, hook);
  dialog = open_scan_dialog (1);
  mode = sch_test_ui_find (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, "_Mode");
  adw_combo_row_set_selected (ADW_COMBO_ROW (mode), 1);
  g_signal_connect (dialog, "page-scanned", G_CALLBACK (cancel_after_cb), &remaining);

  g_assert_true (sch_test_ui_activate (GTK_WIDGET (dialog), "scan.start", NULL));
  for (guint i = 0; i < 2400 && sch_scan_dialog_is_scanning (dialog); i++)
    sch_test_ui_wait (25);
  g_assert_false (sch_scan_dialog_is_scanning (dialog));
  g_assert_cmpuint (remaining, ==, 0);
  wait_idle_view ();

  status = g_strdup (sch_scan_dialog_get_status (dialog));
  g_test_message ("Scan status: %s", status);
  g_signal_handlers_disconnect_by_func (dialog, cancel_after_cb, &remaining);
  sch_scanner_set_page_hook (scanner, NULL, NULL);
  gtk_window_destroy (GTK_WINDOW (dialog));
  sch_test_ui_wait (20);
  return status;
}

/* The pages of the scan slot from @from on are @n scanned gray pages at
 * 150 dpi, the stored rows and their files alike; the case reopens with them. */
static void
assert_scanned_pages (guint from, guint n)
{
  /* The dialog scans the device's whole area: 300 mm square in the tests'
   * SANE configuration (sch_scan_test_make_config), as the backend counts it. */
  const int side = (int) (150 * 300.0 / 25.4);
  g_autoptr(GPtrArray) pages = pages_of (scan_slot);
  g_autofree char *fingerprint = NULL;

  g_assert_cmpuint (pages->len, ==, from + n);
  for (guint i = from; i < pages->len; i++)
    {
      SchPage *page = g_ptr_array_index (pages, i);
      g_autofree char *path = sch_blob_store_get_path (sch_store_get_blob_store (store), sch_page_get_blob (page));
      int width = 0, height = 0;

      g_assert_cmpint (sch_page_get_source (page), ==, SCH_PAGE_SOURCE_SCAN);
      g_assert_cmpstr (sch_page_get_media_type (page), ==, SCH_PAGE_MEDIA_JPEG);
      g_assert_cmpuint (sch_page_get_dpi (page), ==, 150);
      g_assert_cmpfloat (sch_page_get_width (page), ==, side);
      g_assert_cmpfloat (sch_page_get_height (page), ==, side);
      g_assert_nonnull (gdk_pixbuf_get_file_info (path, &width, &height));
      g_assert_cmpint (width, ==, side);
      g_assert_cmpint (height, ==, side);
    }

  fingerprint = case_fingerprint (store, kase);
  assert_case_as (fingerprint);
}

/* The feeder holds ten sheets: ten pages in the document, in order. */
static void
test_scan_feeder (void)
{
  guint before = count_pages (scan_slot);
  Hook hook = { 0 };
  g_autofree char *status = scan_feeder (&hook, 0);

  g_assert_cmpstr (status, ==, "10 pages were scanned and kept.");
  assert_scanned_pages (before, 10);
}

/* Cancel while page 3 is read: pages 1 and 2 stay in the case. */
static void
test_scan_cancel (void)
{
  guint before = count_pages (scan_slot);
  Hook hook = { 0 };
  g_autofree char *status = NULL;

  /* From page 3 on a slow device (0.2 s per read, about 10 s per page), so
   * page 3 is still being read when Cancel is pressed. */
  hook_add (&hook, 3, "read-delay", "true");
  hook_add (&hook, 3, "read-delay-duration", "200000");
  hook_add (&hook, 3, "read-limit", "true");
  hook_add (&hook, 3, "read-limit-size", "16384");
  hook.settle_page = 3;
  status = scan_feeder (&hook, 2);

  g_assert_cmpstr (status, ==, "The scan was cancelled. 2 pages were scanned and kept.");
  assert_scanned_pages (before, 2);
}

/* A jam at the third sheet: the two pages before stay in the case, and the
 * dialog says what happened. */
static void
test_scan_jammed (void)
{
  guint before = count_pages (scan_slot);
  Hook hook = { 0 };
  g_autofree char *status = NULL;

  hook_add (&hook, 3, "read-return-value", "SANE_STATUS_JAMMED");
  hook.settle_page = 3;
  status = scan_feeder (&hook, 0);
  g_assert_nonnull (strstr (status, "Paper is jammed"));
  g_assert_true (g_str_has_suffix (status, " 2 pages were scanned and kept."));
  assert_scanned_pages (before, 2);
}

/* The cover opened at the second sheet: the first page stays. */
static void
test_scan_cover_open (void)
{
  guint before = count_pages (scan_slot);
  Hook hook = { 0 };
  g_autofree char *status = NULL;

  hook_add (&hook, 2, "read-return-value", "SANE_STATUS_COVER_OPEN");
  hook.settle_page = 2;
  status = scan_feeder (&hook, 0);
  g_assert_nonnull (strstr (status, "cover is open"));
  g_assert_true (g_str_has_suffix (status, " 1 page was scanned and kept."));
  assert_scanned_pages (before, 1);
}

static void
drop_files (GtkWidget *widget, GFile *first, GFile *second)
{
  g_auto(GValue) value = G_VALUE_INIT;

  sch_test_ui_set_files (&value, first, second, NULL);
  g_assert_true (sch_test_ui_drop (widget, &value));
}

static void
drop_page (GtkWidget *widget, SchPage *page)
{
  g_auto(GValue) value = G_VALUE_INIT;

  g_value_init (&value, SCH_TYPE_PAGE);
  g_value_set_object (&value, page);
  g_assert_true (sch_test_ui_drop (widget, &value));
}

/* Files dropped onto the case go into the document selected, onto a row of
 * the checklist into that document; pages dropped on a page take its
 * place. Each is one step of undo. */
static void
test_drag_and_drop (void)
{
  static const double a4[] = { 595.276, 841.89 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, a4);
  g_autoptr(GBytes) jpeg = sample_jpeg (620, 877, 75, 1);
  g_autoptr(GFile) pdf_file = sch_test_ui_write_file (tmpdir, "dropped.pdf", pdf);
  g_autoptr(GFile) jpeg_file = sch_test_ui_write_file (tmpdir, "dropped.jpg", jpeg);
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  guint n_import = count_pages (import_slot);
  guint n_other = count_pages (other_slot);

  sch_documents_view_select_slot (view, import_slot);
  sch_test_ui_wait (20);

  /* Onto the case: the view as a whole, outside rows and pages. */
  drop_files (GTK_WIDGET (view), pdf_file, jpeg_file);
  wait_idle_view ();
  after = pages_of (import_slot);
  g_assert_cmpuint (after->len, ==, n_import + 2);
  g_assert_cmpstr (sch_page_get_media_type (g_ptr_array_index (after, n_import)), ==, SCH_PAGE_MEDIA_PDF);
  g_assert_cmpstr (sch_page_get_media_type (g_ptr_array_index (after, n_import + 1)), ==, SCH_PAGE_MEDIA_JPEG);
  g_clear_pointer (&after, g_ptr_array_unref);

  /* Onto a row of the checklist. */
  drop_files (slot_row (other_slot), jpeg_file, NULL);
  wait_idle_view ();
  g_assert_cmpuint (count_pages (other_slot), ==, n_other + 1);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (other_slot), ==, n_other);

  /* The last page dropped on the first: it comes first, the rest follow. */
  before = pages_of (import_slot);
  drop_page (GTK_WIDGET (gtk_flow_box_get_child_at_index (flow (), 0)),
             g_ptr_array_index (before, before->len - 1));
  after = pages_of (import_slot);
  g_assert_cmpint (sch_page_get_id (g_ptr_array_index (after, 0)), ==,
                   sch_page_get_id (g_ptr_array_index (before, before->len - 1)));
  for (guint i = 1; i < after->len; i++)
    g_assert_cmpint (sch_page_get_id (g_ptr_array_index (after, i)), ==,
                     sch_page_get_id (g_ptr_array_index (before, i - 1)));
  g_clear_pointer (&after, g_ptr_array_unref);
  activate ("docs.undo", NULL);
  after = pages_of (import_slot);
  for (guint i = 0; i < after->len; i++)
    g_assert_cmpint (sch_page_get_id (g_ptr_array_index (after, i)), ==,
                     sch_page_get_id (g_ptr_array_index (before, i)));
  g_clear_pointer (&after, g_ptr_array_unref);

  /* A page onto another document's row moves it there. */
  drop_page (slot_row (other_slot), g_ptr_array_index (before, 0));
  g_assert_cmpuint (count_pages (import_slot), ==, n_import + 1);
  g_assert_cmpuint (count_pages (other_slot), ==, n_other + 1);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (other_slot), ==, n_other);

  /* Undo takes the dropped files back out, both in one step. */
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, n_import + 1);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, n_import);
}

/* The first button below @root that activates @action, or NULL. */
static GtkWidget *
find_button (GtkWidget *root, const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), action) == 0)
        return child;
      found = find_button (child, action);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
set_state (SchCaseState state)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_store_set_state (store, kase, state, &error));
  g_assert_no_error (error);
  sch_test_ui_wait (50);
}

/* A case whose documents are fixed says so when files are dropped on it and
 * keeps its pages; once the migration office asks for more, they go in. */
static void
test_drop_on_locked_case (void)
{
  g_autoptr(GBytes) jpeg = sample_jpeg (620, 877, 75, 1);
  g_autoptr(GFile) jpeg_file = sch_test_ui_write_file (tmpdir, "requested.jpg", jpeg);
  g_auto(GValue) value = G_VALUE_INIT;
  guint n_import = count_pages (import_slot);
  const SchCaseState locked[] = { SCH_CASE_STATE_COMPLETE, SCH_CASE_STATE_SUBMITTED };
  AdwMessageDialog *dialog;

  sch_test_ui_set_files (&value, jpeg_file, NULL);
  sch_documents_view_select_slot (view, import_slot);

  for (guint i = 0; i < G_N_ELEMENTS (locked); i++)
    {
      set_state (locked[i]);
      g_assert_false (sch_test_ui_drop (GTK_WIDGET (view), &value));
      dialog = wait_for_message ();
      g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("No Documents Can Be Added"));
      g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog),
                                locked[i] == SCH_CASE_STATE_COMPLETE ? _("Reopen it")
                                                                     : sch_case_state_get_label (locked[i])));
      if (i == 0)
        g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "documents-locked-drop"));
      answer (dialog, "close");
      wait_idle_view ();
      g_assert_cmpuint (count_pages (import_slot), ==, n_import);
      /* The case read again after its state changed: still the same document. */
      g_assert_cmpstr (sch_documents_view_get_slot (view), ==, import_slot);
      g_assert_false (gtk_widget_is_sensitive (find_button (GTK_WIDGET (view), "docs.import")));
    }

  /* The office asked for more: the clerk adds it to the case (to be sent
   * as a supplement). */
  set_state (SCH_CASE_STATE_DOCUMENTS_REQUESTED);
  g_assert_true (gtk_widget_is_sensitive (find_button (GTK_WIDGET (view), "docs.import")));
  g_assert_true (sch_test_ui_drop (GTK_WIDGET (view), &value));
  wait_idle_view ();
  g_assert_cmpuint (count_pages (import_slot), ==, n_import + 1);
  activate ("docs.undo", NULL);
  g_assert_cmpuint (count_pages (import_slot), ==, n_import);

  set_state (SCH_CASE_STATE_DRAFT);
}

static void
collect_accelerators (GtkWidget *root, GString *listed)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          g_autofree char *accelerators = NULL;
          g_auto(GStrv) each = NULL;

          g_object_get (child, "accelerator", &accelerators, NULL);
          each = g_strsplit (accelerators, " ", -1);
          for (guint i = 0; each[i] != NULL; i++)
            {
              guint key;
              GdkModifierType mods;
              g_autofree char *name = NULL;

              g_assert_true (gtk_accelerator_parse (each[i], &key, &mods));
              name = gtk_accelerator_name (key, mods);
              g_string_append_printf (listed, "|%s|", name);
            }
        }
      collect_accelerators (child, listed);
    }
}

/* Every key of the documents' page does what it says, and the shortcuts
 * window lists it. */
static void
test_shortcuts (void)
{
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/schalter/Schalter/gtk/help-overlay.ui");
  GtkWidget *overlay = GTK_WIDGET (gtk_builder_get_object (builder, "help_overlay"));
  g_autoptr(GString) listed = g_string_new (NULL);
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (view));
  g_autoptr(GHashTable) actions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const struct {
    const char *accelerator;
    const char *action;
  } expected[] = {
    { "<Control><Alt>s", "docs.scan" },
    { "<Control>i", "docs.import" },
    { "<Control>m", "docs.move-to-menu" },
    { "<Control><Shift>m", "docs.split-menu" },
    { "<Control>z", "docs.undo" },
    { "<Alt>Left", "docs.move-earlier" },
  };

  collect_accelerators (overlay, listed);
  gtk_window_destroy (GTK_WINDOW (overlay));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr(GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);
          GtkShortcutAction *action = gtk_shortcut_get_action (shortcut);
          g_autofree char *name = NULL;
          g_autofree char *pattern = NULL;

          if (!GTK_IS_KEYVAL_TRIGGER (trigger) || !GTK_IS_NAMED_ACTION (action))
            continue;
          name = gtk_accelerator_name (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                       gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)));
          g_hash_table_insert (actions, g_strdup (name),
                               g_strdup (gtk_named_action_get_action_name (GTK_NAMED_ACTION (action))));
          /* The keypad's Delete is the same key to the clerk. */
          if (g_str_equal (name, "KP_Delete"))
            continue;
          pattern = g_strdup_printf ("|%s|", name);
          if (strstr (listed->str, pattern) == NULL)
            g_error ("The shortcuts window does not list %s (%s)", name,
                     gtk_named_action_get_action_name (GTK_NAMED_ACTION (action)));
        }
    }

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      guint key;
      GdkModifierType mods;
      g_autofree char *name = NULL;

      g_assert_true (gtk_accelerator_parse (expected[i].accelerator, &key, &mods));
      name = gtk_accelerator_name (key, mods);
      g_assert_cmpstr (g_hash_table_lookup (actions, name), ==, expected[i].action);
    }

  /* The menus open from the keyboard once pages are selected. */
  sch_documents_view_select_slot (view, import_slot);
  sch_test_ui_wait (20);
  select_only (0);
  sch_test_ui_wait (20);
  activate ("docs.move-to-menu", NULL);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (gtk_menu_button_get_popover (
    GTK_MENU_BUTTON (sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON,
                                       "Move the selected pages to another document"))))));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_MENU_BUTTON,
                                                              "Move the selected pages to another document")));
  sch_test_ui_wait (20);
}

static void
test_to_follow (void)
{
  GPtrArray *slots = sch_app_type_get_slots (type);
  g_autofree char *shot = NULL;
  g_autoptr(GPtrArray) problems = sch_case_check (kase, type, NULL);

  /* The form is valid: only documents can keep the case from completion. */
  for (guint i = 0; i < problems->len; i++)
    g_test_message ("Form problem: %s", ((SchCaseProblem *) g_ptr_array_index (problems, i))->message);
  g_assert_cmpuint (problems->len, ==, 0);
  g_assert_false (mark_complete_possible ());

  for (guint i = 0; i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);
      g_autofree char *label = g_strdup_printf ("“%s” to follow", sch_text_get (slot->title, NULL));
      GtkWidget *check;

      if (!slot->required || count_pages (slot->id) > 0)
        continue;

      check = sch_test_ui_find (slot_row (slot->id), GTK_TYPE_CHECK_BUTTON, label);
      g_assert_nonnull (check);
      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      sch_test_ui_wait (20);
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (slot_row (slot->id))), ==, "To follow");
      g_assert_false (gtk_widget_has_css_class (slot_row (slot->id), "sch-slot-missing"));
    }

  g_assert_true (mark_complete_possible ());
  shot = sch_test_ui_save_screenshot (window, "documents-checklist");

  /* Undo takes the last mark back, and the case is incomplete again
   * (when that slot had no pages). */
  activate ("docs.undo", NULL);
  sch_test_ui_wait (20);
  for (guint i = slots->len; i > 0; i--)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i - 1);

      if (slot->required && count_pages (slot->id) == 0)
        {
          g_assert_false (mark_complete_possible ());
          break;
        }
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  GPtrArray *slots;
  int status;

  g_test_init (&argc, &argv, NULL);
  sch_test_ui_init ();
  sane_dir = sch_scan_test_make_config ("test");

  tmpdir = sch_test_ui_make_tmpdir ();
  db_path = g_build_filename (tmpdir, "schalter.db", NULL);
  store = sch_store_open (db_path, &error);
  g_assert_no_error (error);
  catalog = sch_catalog_new_default ();
  settings = g_settings_new (BASE_ID);
  type = g_object_ref (pick_type ());
  slots = sch_app_type_get_slots (type);
  scan_slot = ((SchDocSlot *) g_ptr_array_index (slots, 0))->id;
  import_slot = unlimited_slot (type, scan_slot);
  for (guint i = 0; i < slots->len && other_slot == NULL; i++)
    {
      const char *id = ((SchDocSlot *) g_ptr_array_index (slots, i))->id;

      if (!g_str_equal (id, scan_slot) && !g_str_equal (id, import_slot))
        other_slot = id;
    }

  kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_assert_no_error (error);
  fill_case ();

  window = GTK_WIDGET (sch_window_new (NULL, store, catalog));
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  sch_window_open_case (SCH_WINDOW (window), sch_case_get_uuid (kase));
  sch_test_ui_wait (100);
  view = SCH_DOCUMENTS_VIEW (sch_test_ui_find (window, SCH_TYPE_DOCUMENTS_VIEW, "SchDocumentsView"));
  g_assert_nonnull (view);

  g_test_add_func ("/ui-documents/checklist", test_checklist);
  g_test_add_func ("/ui-documents/scan", test_scan);
  g_test_add_func ("/ui-documents/import", test_import);
  g_test_add_func ("/ui-documents/page-work", test_page_work);
  g_test_add_func ("/ui-documents/move-to-slot", test_move_to_slot);
  g_test_add_func ("/ui-documents/viewer", test_viewer);
  g_test_add_func ("/ui-documents/active-content", test_active_content);
  g_test_add_func ("/ui-documents/encrypted", test_encrypted);
  g_test_add_func ("/ui-documents/damaged", test_damaged);
  g_test_add_func ("/ui-documents/over-limit", test_over_limit);
  g_test_add_func ("/ui-documents/hostile-images", test_hostile_images);
  g_test_add_func ("/ui-documents/helper-stalls", test_helper_stalls);
  g_test_add_func ("/ui-documents/document-page-limit", test_document_page_limit);
  g_test_add_func ("/ui-documents/scan-limits", test_scan_limits);
  g_test_add_func ("/ui-documents/scan-feeder", test_scan_feeder);
  g_test_add_func ("/ui-documents/scan-cancel", test_scan_cancel);
  g_test_add_func ("/ui-documents/scan-jammed", test_scan_jammed);
  g_test_add_func ("/ui-documents/scan-cover-open", test_scan_cover_open);
  g_test_add_func ("/ui-documents/drag-and-drop", test_drag_and_drop);
  g_test_add_func ("/ui-documents/drop-on-locked-case", test_drop_on_locked_case);
  g_test_add_func ("/ui-documents/shortcuts", test_shortcuts);
  g_test_add_func ("/ui-documents/to-follow", test_to_follow);

  status = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (50);
  g_clear_object (&kase);
  g_clear_object (&type);
  g_clear_object (&settings);
  g_clear_object (&catalog);
  g_clear_object (&store);
  sch_test_ui_wait (50);
  rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (db_path);
  sch_scan_test_remove_config (sane_dir);

  return status;
}
