#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>

#include "sch-case-editor.h"
#include "sch-catalog.h"
#include "sch-field-row.h"
#include "sch-store-pages.h"
#include "sch-test-clerk.h"
#include "sch-test-ui.h"

static SchCatalog *catalog;
static const char *self_path;

static void
rm_rf (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GtkWidget *
find_named (GtkWidget *root, const char *name)
{
  GtkWidget *widget = sch_test_ui_find (root, GTK_TYPE_WIDGET, name);

  g_assert_nonnull (widget);
  return widget;
}

static GtkWidget *
show_editor (SchStore *store, SchCase *kase, SchAppType *type, GtkWidget **editor)
{
  GtkWidget *window = gtk_window_new ();

  *editor = sch_case_editor_new ();
  sch_case_editor_set_case (SCH_CASE_EDITOR (*editor), store, kase, type);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_set_child (GTK_WINDOW (window), *editor);
  gtk_window_present (GTK_WINDOW (window));
  sch_test_ui_wait (50);

  return window;
}

/* Scrolls the form so that @target is at the top, for screenshots. */
static void
scroll_to (GtkWidget *editor, GtkWidget *target)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (target, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (target, scroller, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y - 24);
  sch_test_ui_wait (50);
}

static SchStore *
open_store (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  SchStore *store = sch_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

/* The resident brings every required document later: with the form
 * filled, this is what lets the case be marked complete. */
static void
mark_documents_to_follow (SchStore *store, SchCase *kase, SchAppType *type)
{
  GPtrArray *slots = sch_app_type_get_slots (type);

  for (guint i = 0; i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);
      g_autoptr(GError) error = NULL;

      if (!slot->required)
        continue;
      g_assert_true (sch_store_set_slot_to_follow (store, kase, slot->id, TRUE, NULL, NULL, &error));
      g_assert_no_error (error);
    }
  sch_test_ui_wait (10);
}

static gboolean
is_family_type (SchAppType *type)
{
  const SchFieldGroup *family = sch_app_type_lookup_group (type, "family");

  return family != NULL && family->repeatable && family->min_items > 0;
}

static void
fill_and_reopen (SchAppType *type)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GHashTable) expected = NULL;
  g_autofree char *uuid = NULL;
  GtkWidget *editor, *window, *mark;

  g_assert_no_error (error);
  uuid = g_strdup (sch_case_get_uuid (kase));
  window = show_editor (store, kase, type, &editor);
  mark = find_named (editor, "mark-complete");
  g_assert_false (gtk_widget_is_sensitive (mark));

  sch_test_clerk_add_items (editor, type);
  rows = sch_test_clerk_rows (editor);
  g_assert_cmpuint (rows->len, >, 5);
  for (guint i = 0; i < rows->len; i++)
    sch_test_clerk_fill_row (g_ptr_array_index (rows, i));
  /* Leave the last field, as the clerk would. */
  gtk_widget_grab_focus (mark);

  sch_test_ui_wait (1100);
  g_assert_false (sch_case_is_dirty (kase));
  /* The form is complete, the required documents are not there yet. */
  g_assert_cmpuint (sch_app_type_get_slots (type)->len, >, 0);
  g_assert_false (gtk_widget_is_sensitive (mark));
  mark_documents_to_follow (store, kase, type);
  g_assert_true (gtk_widget_is_sensitive (mark));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (find_named (editor, "status"))), ==,
                   "Ready to mark complete");
  if (is_family_type (type))
    {
      g_autofree char *path = NULL;

      scroll_to (editor, find_named (editor, "family"));
      path = sch_test_ui_save_screenshot (window, "editor-filled");
    }

  expected = sch_test_clerk_values (editor);
  g_clear_pointer (&rows, g_ptr_array_unref);

  /* Quit: window gone, store closed. Then start again from the file. */
  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&store);

  store = open_store (dir);
  kase = sch_store_load_case (store, uuid, &error);
  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);
  sch_test_clerk_assert_values (editor, expected);
  rows = sch_test_clerk_rows (editor);
  for (guint i = 0; i < rows->len; i++)
    g_assert_null (sch_field_row_get_error (g_ptr_array_index (rows, i)));
  g_assert_true (gtk_widget_is_sensitive (find_named (editor, "mark-complete")));

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&store);
  rm_rf (dir);
}

static void
test_every_type (void)
{
  GListModel *types = sch_catalog_get_types (catalog);
  guint n_tested = 0;
  gboolean family_seen = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);

      if (sch_app_type_get_filing (type) != SCH_FILING_HERE)
        continue;

      g_test_message ("Type %s", sch_app_type_get_code (type));
      fill_and_reopen (type);
      family_seen |= is_family_type (type);
      n_tested++;
    }

  g_assert_cmpuint (n_tested, >, 0);
  g_assert_true (family_seen);
}

static gboolean
has_focus_within (GtkWidget *widget)
{
  GtkWidget *focus = gtk_root_get_focus (gtk_widget_get_root (widget));

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

static SchAppType *
first_captured_type (void)
{
  GListModel *types = sch_catalog_get_types (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE &&
          sch_app_type_lookup_field (type, "person", "ahv") != NULL)
        return g_steal_pointer (&type);
    }

  g_assert_not_reached ();
}

static void
test_validation_messages (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  g_autoptr(SchAppType) type = first_captured_type ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_autofree char *shot = NULL;
  g_autofree char *value = NULL;
  SchFieldRow *ahv, *official_name, *first_names, *date_of_birth;
  const char *ahv_label;
  GtkWidget *editor, *window, *mark;

  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);
  mark = find_named (editor, "mark-complete");
  ahv = sch_test_clerk_find_row (editor, "person", 0, "ahv");
  official_name = sch_test_clerk_find_row (editor, "person", 0, "official_name");
  first_names = sch_test_clerk_find_row (editor, "person", 0, "first_names");
  date_of_birth = sch_test_clerk_find_row (editor, "person", 0, "date_of_birth");
  g_assert_nonnull (ahv);
  g_assert_nonnull (official_name);
  g_assert_nonnull (first_names);
  g_assert_nonnull (date_of_birth);
  ahv_label = sch_text_get (sch_field_row_get_field (ahv)->label, NULL);

  /* An empty required field is not reported before the clerk was there. */
  g_assert_null (sch_field_row_get_error (official_name));

  /* The form starts at the first required field still empty. */
  sch_case_editor_focus_first (SCH_CASE_EDITOR (editor));
  g_assert_true (has_focus_within (sch_field_row_get_input (official_name)));

  /* Enter moves on to the next field. */
  sch_test_ui_type (sch_field_row_get_input (official_name), "Rossi");
  g_signal_emit_by_name (sch_field_row_get_input (official_name), "activate");
  g_assert_true (has_focus_within (sch_field_row_get_input (first_names)));

  /* Left empty: now it is required. */
  sch_test_ui_type (sch_field_row_get_input (official_name), "");
  gtk_widget_grab_focus (sch_field_row_get_input (ahv));
  g_assert_nonnull (sch_field_row_get_error (official_name));

  /* A wrong check digit shows while typing, naming the field. */
  sch_test_ui_type (sch_field_row_get_input (ahv), "756.1234.5678.98");
  g_assert_nonnull (sch_field_row_get_error (ahv));
  g_assert_nonnull (strstr (sch_field_row_get_error (ahv), ahv_label));
  g_assert_false (gtk_widget_is_sensitive (mark));
  /* A screen reader hears the field's name and what is wrong with it. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (sch_field_row_get_input (ahv)),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, ahv_label);
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (sch_field_row_get_input (ahv)),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                       sch_field_row_get_error (ahv));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (sch_field_row_get_input (ahv)),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE);

  sch_test_ui_type (sch_field_row_get_input (date_of_birth), "31.02.1990");
  gtk_widget_grab_focus (sch_field_row_get_input (official_name));
  g_assert_nonnull (sch_field_row_get_error (date_of_birth));
  scroll_to (editor, find_named (editor, "title"));
  shot = sch_test_ui_save_screenshot (window, "editor-errors");

  /* Fixed, and normalised once the clerk moves on. */
  sch_test_ui_type (sch_field_row_get_input (ahv), "7561234567897");
  g_assert_null (sch_field_row_get_error (ahv));
  gtk_test_accessible_assert_state (GTK_ACCESSIBLE (sch_field_row_get_input (ahv)),
                                    GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_FALSE);
  gtk_widget_grab_focus (sch_field_row_get_input (official_name));
  value = sch_field_row_dup_value (ahv);
  g_assert_cmpstr (value, ==, "756.1234.5678.97");

  /* The invalid value typed is kept, not lost. */
  sch_test_ui_wait (1100);
  g_assert_false (sch_case_is_dirty (kase));
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "date_of_birth"), ==, "31.02.1990");
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "ahv"), ==, "756.1234.5678.97");

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&store);
  rm_rf (dir);
}

static void
fill_all (GtkWidget *editor)
{
  g_autoptr(GPtrArray) rows = sch_test_clerk_rows (editor);

  for (guint i = 0; i < rows->len; i++)
    sch_test_clerk_fill_row (g_ptr_array_index (rows, i));
}

static void
test_mark_complete_and_reopen (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  g_autoptr(SchAppType) type = first_captured_type ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_autoptr(SchCase) loaded = NULL;
  GtkWidget *editor, *window, *mark, *reopen;
  SchFieldRow *official_name;

  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);
  sch_test_clerk_add_items (editor, type);
  fill_all (editor);
  mark_documents_to_follow (store, kase, type);
  mark = find_named (editor, "mark-complete");
  reopen = find_named (editor, "reopen");
  g_assert_true (gtk_widget_is_sensitive (mark));

  /* Enter in the last field goes on to "Mark complete". */
  {
    g_autoptr(GPtrArray) rows = sch_test_clerk_rows (editor);

    g_signal_emit_by_name (g_ptr_array_index (rows, rows->len - 1), "activate-next");
    g_assert_true (gtk_widget_has_focus (mark));
  }

  g_assert_true (sch_test_ui_activate (editor, "editor.mark-complete", NULL));
  sch_test_ui_wait (10);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_COMPLETE);
  g_assert_true (gtk_widget_get_visible (reopen));
  g_assert_false (gtk_widget_get_visible (mark));
  official_name = sch_test_clerk_find_row (editor, "person", 0, "official_name");
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (sch_field_row_get_input (official_name))));

  loaded = sch_store_load_case (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_case_get_state (loaded), ==, SCH_CASE_STATE_COMPLETE);

  g_signal_emit_by_name (reopen, "clicked");
  sch_test_ui_wait (10);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_DRAFT);
  official_name = sch_test_clerk_find_row (editor, "person", 0, "official_name");
  g_assert_true (gtk_editable_get_editable (GTK_EDITABLE (sch_field_row_get_input (official_name))));

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&loaded);
  g_clear_object (&store);
  rm_rf (dir);
}

/* A stateless applicant is picked at the top of the nationality list; the
 * case is then complete without a country. */
static void
test_stateless (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  g_autoptr(SchAppType) type = first_captured_type ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_autoptr(SchCase) loaded = NULL;
  GtkWidget *editor, *window, *input;
  SchFieldRow *nationality;

  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);
  sch_test_clerk_add_items (editor, type);
  fill_all (editor);
  mark_documents_to_follow (store, kase, type);

  nationality = sch_test_clerk_find_row (editor, "person", 0, "nationality");
  g_assert_nonnull (nationality);
  input = sch_field_row_get_input (nationality);
  g_assert_true (GTK_IS_DROP_DOWN (input));
  sch_test_clerk_pick (GTK_DROP_DOWN (input), "Stateless");
  /* Right below "no value chosen". */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (input)), ==, 1);
  g_assert_null (sch_field_row_get_error (nationality));

  g_assert_true (sch_test_ui_activate (editor, "editor.mark-complete", NULL));
  sch_test_ui_wait (10);
  g_assert_cmpint (sch_case_get_state (kase), ==, SCH_CASE_STATE_COMPLETE);

  loaded = sch_store_load_case (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (loaded, "person", 0, "nationality"), ==, SCH_NATIONALITY_STATELESS);

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&loaded);
  g_clear_object (&store);
  rm_rf (dir);
}

static void
test_remove_item (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  GListModel *types = sch_catalog_get_types (catalog);
  g_autoptr(SchAppType) type = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  GtkWidget *editor, *window;

  for (guint i = 0; type == NULL && i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) candidate = g_list_model_get_item (types, i);

      if (is_family_type (candidate))
        type = g_steal_pointer (&candidate);
    }
  g_assert_nonnull (type);

  kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);

  /* Ctrl+Shift+N's action adds to the first list; an empty entry goes at once. */
  g_assert_true (sch_test_ui_activate (editor, "editor.add-item", g_variant_new_string ("")));
  g_assert_true (sch_test_ui_activate (editor, "editor.add-item", g_variant_new_string ("family")));
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 2);
  sch_test_ui_type (sch_field_row_get_input (sch_test_clerk_find_row (editor, "family", 1, "official_name")), "Rossi");
  g_assert_nonnull (sch_test_clerk_find_row (editor, "family", 1, "official_name"));

  g_assert_true (sch_test_ui_activate (editor, "editor.remove-item", g_variant_new ("(su)", "family", 0)));
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 1);
  g_assert_cmpstr (sch_case_get_value (kase, "family", 0, "official_name"), ==, "Rossi");
  g_assert_null (sch_test_clerk_find_row (editor, "family", 1, "official_name"));

  /* A filled entry asks first; the value stays until the clerk confirms. */
  g_assert_true (sch_test_ui_activate (editor, "editor.remove-item", g_variant_new ("(su)", "family", 0)));
  sch_test_ui_wait (50);
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 1);
  {
    GList *toplevels = gtk_window_list_toplevels ();
    AdwMessageDialog *dialog = NULL;

    for (GList *l = toplevels; l != NULL; l = l->next)
      if (ADW_IS_MESSAGE_DIALOG (l->data))
        dialog = l->data;
    g_list_free (toplevels);
    g_assert_nonnull (dialog);
    g_object_ref (dialog);
    adw_message_dialog_response (dialog, "remove");
    gtk_window_destroy (GTK_WINDOW (dialog));
    g_object_unref (dialog);
  }
  sch_test_ui_wait (10);
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 0);

  /* Ctrl+Shift+Delete removes the entry whose field has the focus, and
   * nothing when the focus is outside a list. */
  g_assert_true (sch_test_ui_activate (editor, "editor.add-item", g_variant_new_string ("family")));
  g_assert_true (sch_test_ui_activate (editor, "editor.add-item", g_variant_new_string ("family")));
  sch_test_ui_type (sch_field_row_get_input (sch_test_clerk_find_row (editor, "family", 0, "official_name")), "Bianchi");
  gtk_widget_grab_focus (sch_field_row_get_input (sch_test_clerk_find_row (editor, "person", 0, "official_name")));
  g_assert_true (sch_test_ui_activate (editor, "editor.remove-focused-item", NULL));
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 2);
  gtk_widget_grab_focus (sch_field_row_get_input (sch_test_clerk_find_row (editor, "family", 1, "first_names")));
  g_assert_true (sch_test_ui_activate (editor, "editor.remove-focused-item", NULL));
  g_assert_cmpuint (sch_case_get_n_items (kase, "family"), ==, 1);
  g_assert_cmpstr (sch_case_get_value (kase, "family", 0, "official_name"), ==, "Bianchi");

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&store);
  rm_rf (dir);
}

static void
exec_sql (SchStore *store, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (sch_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

static void
test_save_failure (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(SchStore) store = open_store (dir);
  g_autoptr(SchAppType) type = first_captured_type ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_autoptr(SchCase) loaded = NULL;
  g_autofree char *shown = NULL;
  GtkWidget *editor, *window, *bar, *message;
  SchFieldRow *official_name;

  g_assert_no_error (error);
  window = show_editor (store, kase, type, &editor);
  bar = find_named (editor, "save-error");
  official_name = sch_test_clerk_find_row (editor, "person", 0, "official_name");
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (bar)));

  /* Every write of the case fails, as on a full disk. */
  exec_sql (store, "CREATE TEMP TRIGGER fail_saves BEFORE UPDATE ON cases "
                   "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
  g_test_expect_message ("sch-case-editor", G_LOG_LEVEL_WARNING, "Could not save a case*full*");
  sch_test_ui_type (sch_field_row_get_input (official_name), "Rossi");
  sch_test_ui_wait (1100);
  g_test_assert_expected_messages ();

  g_assert_true (gtk_info_bar_get_revealed (GTK_INFO_BAR (bar)));
  message = find_named (bar, "save-error-message");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (message)), "not saved"));
  g_assert_true (sch_case_is_dirty (kase));
  shown = sch_field_row_dup_value (official_name);
  g_assert_cmpstr (shown, ==, "Rossi");
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "official_name"), ==, "Rossi");

  /* Room again: "Try again" saves and the bar goes away. */
  exec_sql (store, "DROP TRIGGER fail_saves");
  g_signal_emit_by_name (find_named (bar, "retry"), "clicked");
  sch_test_ui_wait (10);
  g_assert_false (gtk_info_bar_get_revealed (GTK_INFO_BAR (bar)));
  g_assert_false (sch_case_is_dirty (kase));

  loaded = sch_store_load_case (store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (loaded, "person", 0, "official_name"), ==, "Rossi");

  gtk_window_destroy (GTK_WINDOW (window));
  sch_test_ui_wait (10);
  g_clear_object (&kase);
  g_clear_object (&loaded);
  g_clear_object (&store);
  rm_rf (dir);
}

/* The child: shows an editor, types, tells the parent and keeps running until killed. */
G_GNUC_NORETURN static void
run_autosave_child (const char *dir)
{
  g_autoptr(SchStore) store = NULL;
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(SchAppType) type = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *editor;

  sch_test_ui_init ();
  catalog = sch_catalog_new ();
  if (!sch_catalog_load_builtin (catalog, &error))
    g_error ("%s", error->message);

  store = open_store (dir);
  type = first_captured_type ();
  kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  g_assert_no_error (error);
  show_editor (store, kase, type, &editor);

  sch_test_ui_type (sch_field_row_get_input (sch_test_clerk_find_row (editor, "person", 0, "official_name")),
                    "Zuberbühler");
  printf ("%s\n", sch_case_get_uuid (kase));
  fflush (stdout);

  for (;;)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_autosave_sigkill (void)
{
  g_autofree char *dir = sch_test_ui_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = NULL;
  g_autoptr(SchCase) kase = NULL;
  const char *argv[] = { self_path, "--autosave-child", dir, NULL };
  char uuid[64] = { 0 };
  gsize length = 0;
  GPid pid;
  int out_fd, status;

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &pid, NULL, &out_fd, NULL, &error);
  g_assert_no_error (error);

  /* The child's line says the value is typed (not necessarily saved). */
  while (length < sizeof uuid - 1)
    {
      char c;

      g_assert_cmpint (read (out_fd, &c, 1), ==, 1);
      if (c == '\n')
        break;
      uuid[length++] = c;
    }
  close (out_fd);

  g_usleep (1100 * G_TIME_SPAN_MILLISECOND);
  g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_spawn_close_pid (pid);

  store = open_store (dir);
  kase = sch_store_load_case (store, uuid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sch_case_get_value (kase, "person", 0, "official_name"), ==, "Zuberbühler");

  g_clear_object (&kase);
  g_clear_object (&store);
  rm_rf (dir);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GError) error = NULL;
  int result;

  g_setenv ("LANGUAGE", "en", TRUE);
  self_path = argv[0];

  if (argc == 3 && g_str_equal (argv[1], "--autosave-child"))
    run_autosave_child (argv[2]);

  g_test_init (&argc, &argv, NULL);
  sch_test_ui_init ();

  catalog = sch_catalog_new ();
  if (!sch_catalog_load_builtin (catalog, &error))
    g_error ("The built-in catalog does not load: %s", error->message);

  g_test_add_func ("/ui/editor/every-type", test_every_type);
  g_test_add_func ("/ui/editor/validation-messages", test_validation_messages);
  g_test_add_func ("/ui/editor/mark-complete-and-reopen", test_mark_complete_and_reopen);
  g_test_add_func ("/ui/editor/remove-item", test_remove_item);
  g_test_add_func ("/ui/editor/stateless", test_stateless);
  g_test_add_func ("/ui/editor/save-failure", test_save_failure);
  g_test_add_func ("/ui/editor/autosave-sigkill", test_autosave_sigkill);

  result = g_test_run ();
  g_object_unref (catalog);

  return result;
}
