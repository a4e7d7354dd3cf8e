/* The main window as a clerk sees it: a real SchApplication on a temporary
 * database, driven through its actions and widgets. The steps build on each
 * other and run in the order they are added. */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>

#include "sch-application.h"
#include "sch-case-editor.h"
#include "sch-case-list.h"
#include "sch-case-row.h"
#include "sch-case-summary.h"
#include "sch-documents-view.h"
#include "sch-field-row.h"
#include "sch-preferences-window.h"
#include "sch-store-pages.h"
#include "sch-type-chooser.h"
#include "sch-window.h"
#include "sch-test-clerk.h"
#include "sch-test-ui.h"

static SchApplication *app;
static GtkWidget *window;
static char *tmpdir;
/* The case made through the type chooser; found again after a restart. */
static char *typed_case_uuid;

static const struct {
  const char *surname;
  const char *first_names;
} people[] = {
  { "Rossi", "Giulia" },
  { "Berisha", "Arben" },
  { "Müller", "Anna Lena" },
  { "Silva Santos", "João" },
  { "Nguyen", "Thi Mai" },
  { "O'Brien", "Sean" },
  { "Kowalski", "Piotr" },
  { "Dubois", "Amélie" },
};

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

static guint
count_cases (void)
{
  g_autoptr(SchCaseList) all = sch_case_list_new (store ());

  return g_list_model_get_n_items (G_LIST_MODEL (all));
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

/* Clicks the button labelled @label in @root. */
static void
click (GtkWidget *root, const char *label)
{
  GtkWidget *button = sch_test_ui_find (root, GTK_TYPE_BUTTON, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
}

static GtkWidget *
find_mapped_status_page (GtkWidget *root, const char *title)
{
  GtkWidget *page = sch_test_ui_find (root, ADW_TYPE_STATUS_PAGE, title);

  return page != NULL && gtk_widget_get_mapped (page) ? page : NULL;
}

static GListModel *
case_list_model (void)
{
  GtkWidget *list_view = sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases");

  g_assert_nonnull (list_view);
  return G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
}

static SchCaseEditor *
editor (void)
{
  GtkWidget *widget = sch_test_ui_find (window, SCH_TYPE_CASE_EDITOR, "SchCaseEditor");

  g_assert_nonnull (widget);
  return SCH_CASE_EDITOR (widget);
}

static SchFieldRow *
find_field_row (GtkWidget *root, const char *group, const char *field)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SchFieldRow *found;

      if (SCH_IS_FIELD_ROW (child) &&
          g_str_equal (sch_field_row_get_group (SCH_FIELD_ROW (child)), group) &&
          g_str_equal (sch_field_row_get_field (SCH_FIELD_ROW (child))->id, field))
        return SCH_FIELD_ROW (child);

      found = find_field_row (child, group, field);
      if (found != NULL)
        return found;
    }

  return NULL;
}

static SchAppType *
first_type (gboolean filed_here)
{
  GListModel *types = sch_catalog_get_types (catalog ());

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);

      /* The catalog keeps the type alive. */
      if ((sch_app_type_get_filing (type) == SCH_FILING_HERE) == filed_here)
        return type;
    }

  g_assert_not_reached ();
}

static void
test_empty (void)
{
  g_auto(GStrv) accels = NULL;

  g_assert_nonnull (store ());
  g_assert_true (SCH_IS_WINDOW (window));
  g_assert_true (gtk_widget_get_mapped (window));
  g_assert_cmpuint (count_cases (), ==, 0);

  /* Both empty states say what to do next. */
  g_assert_nonnull (find_mapped_status_page (window, _("No Cases Yet")));
  g_assert_nonnull (find_mapped_status_page (window, _("No Case Open")));
  g_assert_null (find_mapped_status_page (window, _("No Matching Cases")));

  /* Every control of the header has an accessible name. */
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_BUTTON, "New case"));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_TOGGLE_BUTTON, "Search cases"));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_MENU_BUTTON, "Main menu"));
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_DROP_DOWN, "Show cases in state"));

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), "win.new-case");
  g_assert_cmpstr (accels[0], ==, "<Control>n");

  g_free (sch_test_ui_save_screenshot (window, "main-window-empty"));
}

static char *
normalized_accelerator (const char *accelerator)
{
  guint key = 0;
  GdkModifierType mods = 0;

  g_assert_true (gtk_accelerator_parse (accelerator, &key, &mods));
  return gtk_accelerator_name (key, mods);
}

static void
collect_accelerators (GtkWidget *root, GString *listed)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          g_autofree char *accelerators = NULL;
          g_auto(GStrv) each = NULL;

          g_object_get (child, "accelerator", &accelerators, NULL);
          each = g_strsplit (accelerators, " ", -1);
          for (guint i = 0; each[i] != NULL; i++)
            {
              g_autofree char *name = normalized_accelerator (each[i]);

              g_string_append_printf (listed, " %s ", name);
            }
        }
      collect_accelerators (child, listed);
    }
}

/* The shortcuts window lists every shortcut the app sets. */
static void
test_shortcuts_window (void)
{
  GtkShortcutsWindow *overlay = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window));
  g_auto(GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  g_autoptr(GString) listed = g_string_new (NULL);

  g_assert_nonnull (overlay);
  collect_accelerators (GTK_WIDGET (overlay), listed);

  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto(GStrv) accels = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      for (guint j = 0; accels[j] != NULL; j++)
        {
          g_autofree char *name = normalized_accelerator (accels[j]);
          g_autofree char *needle = g_strdup_printf (" %s ", name);

          /* GTK adds Ctrl+/ next to Ctrl+? for the shortcuts window. */
          if (g_str_equal (actions[i], "win.show-help-overlay") && j > 0)
            continue;
          if (strstr (listed->str, needle) == NULL)
            g_error ("The shortcuts window does not list %s (%s)", accels[j], actions[i]);
        }
    }
}

static guint
n_chooser_items (GtkWidget *chooser)
{
  GtkWidget *list_view = sch_test_ui_find (chooser, GTK_TYPE_LIST_VIEW, "Application types");

  g_assert_nonnull (list_view);
  return g_list_model_get_n_items (G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view))));
}

static GtkWidget *
open_chooser (void)
{
  GtkWidget *chooser;

  g_assert_true (sch_test_ui_activate (window, "win.new-case", NULL));
  sch_test_ui_wait (200);

  chooser = find_toplevel (SCH_TYPE_TYPE_CHOOSER);
  g_assert_nonnull (chooser);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (chooser)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (chooser)) == GTK_WINDOW (window));

  return chooser;
}

static GtkWidget *
chooser_search (GtkWidget *chooser)
{
  GtkWidget *entry = sch_test_ui_find (chooser, GTK_TYPE_SEARCH_ENTRY, "Search application types");

  g_assert_nonnull (entry);
  return entry;
}

static void
test_chooser_search (void)
{
  GtkWidget *chooser = open_chooser ();
  GtkWidget *entry = chooser_search (chooser);
  GtkWidget *list_view = sch_test_ui_find (chooser, GTK_TYPE_LIST_VIEW, "Application types");
  GListModel *shown = G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));
  guint all = g_list_model_get_n_items (sch_catalog_get_types (catalog ()));

  /* The search entry has the focus: the clerk can type at once. */
  g_assert_true (gtk_widget_has_focus (entry) || gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (chooser)), entry));
  g_assert_cmpuint (n_chooser_items (chooser), ==, all);
  g_assert_cmpuint (all, >=, 10);
  g_free (sch_test_ui_save_screenshot (chooser, "type-chooser"));

  sch_test_ui_type (entry, "family");
  sch_test_ui_wait (100);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >, 0);
  g_assert_cmpuint (g_list_model_get_n_items (shown), <, all);
  for (guint i = 0; i < g_list_model_get_n_items (shown); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (shown, i);
      g_autofree char *title = g_utf8_strdown (sch_app_type_get_title (type, NULL), -1);

      g_assert_nonnull (strstr (title, "family"));
    }

  /* Codes match too. */
  sch_test_ui_type (entry, sch_app_type_get_code (first_type (TRUE)));
  sch_test_ui_wait (100);
  g_assert_cmpuint (g_list_model_get_n_items (shown), >=, 1);

  /* Nothing matches: the chooser says so. */
  sch_test_ui_type (entry, "xyzzy");
  sch_test_ui_wait (100);
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==, 0);
  g_assert_nonnull (find_mapped_status_page (chooser, _("No Matching Types")));

  gtk_window_close (GTK_WINDOW (chooser));
  sch_test_ui_wait (100);
  g_assert_null (find_toplevel (SCH_TYPE_TYPE_CHOOSER));
}

/* Searches for @type's code and presses Enter. */
static void
choose_type (GtkWidget *chooser, SchAppType *type)
{
  GtkWidget *entry = chooser_search (chooser);
  GtkWidget *list_view = sch_test_ui_find (chooser, GTK_TYPE_LIST_VIEW, "Application types");
  GtkSingleSelection *shown = GTK_SINGLE_SELECTION (gtk_list_view_get_model (GTK_LIST_VIEW (list_view)));

  sch_test_ui_type (entry, sch_app_type_get_code (type));
  sch_test_ui_wait (100);

  /* Codes may prefix each other: pick exactly this one. */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (shown)); i++)
    {
      g_autoptr(SchAppType) item = g_list_model_get_item (G_LIST_MODEL (shown), i);

      if (item == type)
        gtk_single_selection_set_selected (shown, i);
    }
  g_assert_true (gtk_single_selection_get_selected_item (shown) == type);

  g_signal_emit_by_name (entry, "activate");
  sch_test_ui_wait (200);
}

static void
test_chooser_elsewhere (void)
{
  SchAppType *type = first_type (FALSE);
  GtkWidget *chooser = open_chooser ();
  GtkWidget *back;
  GtkWidget *info;
  guint before = count_cases ();

  choose_type (chooser, type);

  /* No case: the chooser says where the resident files it instead. */
  g_assert_true (find_toplevel (SCH_TYPE_TYPE_CHOOSER) == chooser);
  g_assert_cmpuint (count_cases (), ==, before);
  info = sch_test_ui_find (chooser, GTK_TYPE_LABEL, sch_app_type_get_filing_info (type, NULL));
  g_assert_nonnull (info);
  g_assert_true (gtk_widget_get_mapped (info));
  if (sch_app_type_get_slots (type)->len > 0)
    {
      const SchDocSlot *slot = g_ptr_array_index (sch_app_type_get_slots (type), 0);
      GtkWidget *row = sch_test_ui_find (chooser, ADW_TYPE_ACTION_ROW, sch_text_get (slot->title, NULL));

      g_assert_nonnull (row);
      g_assert_true (gtk_widget_get_mapped (row));
    }
  g_free (sch_test_ui_save_screenshot (chooser, "type-chooser-elsewhere"));

  /* Back returns to the list with the focus in the search. */
  back = sch_test_ui_find (chooser, GTK_TYPE_BUTTON, "_Back");
  g_assert_nonnull (back);
  g_assert_true (gtk_widget_has_focus (back));
  g_signal_emit_by_name (back, "clicked");
  sch_test_ui_wait (300);
  g_assert_false (gtk_widget_get_mapped (info));
  g_assert_true (gtk_widget_get_mapped (chooser_search (chooser)));

  gtk_window_close (GTK_WINDOW (chooser));
  sch_test_ui_wait (100);
  g_assert_cmpuint (count_cases (), ==, before);
}

static void
test_chooser_here (void)
{
  SchAppType *type = first_type (TRUE);
  GtkWidget *chooser = open_chooser ();
  SchCase *opened;
  GListModel *model;
  g_autoptr(SchCaseSummary) row = NULL;

  choose_type (chooser, type);

  g_assert_null (find_toplevel (SCH_TYPE_TYPE_CHOOSER));
  g_assert_cmpuint (count_cases (), ==, 1);

  opened = sch_case_editor_get_case (editor ());
  g_assert_nonnull (opened);
  g_assert_cmpstr (sch_case_get_type_code (opened), ==, sch_app_type_get_code (type));
  g_assert_null (find_mapped_status_page (window, _("No Case Open")));
  g_assert_null (find_mapped_status_page (window, _("No Cases Yet")));

  /* The clerk can start typing the applicant's data at once. */
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_WIDGET (editor ())));

  /* The new case is in the list and selected. */
  model = case_list_model ();
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (gtk_single_selection_get_selected (GTK_SINGLE_SELECTION (model)), ==, 0);
  row = g_list_model_get_item (model, 0);
  g_assert_cmpstr (sch_case_summary_get_uuid (row), ==, sch_case_get_uuid (opened));

  /* What the clerk types here must be there after a restart (see relaunch). */
  typed_case_uuid = g_strdup (sch_case_get_uuid (opened));
  sch_test_ui_type (sch_field_row_get_input (find_field_row (window, "person", "official_name")), "Keller-Nyström");
  sch_test_ui_type (sch_field_row_get_input (find_field_row (window, "person", "first_names")), "Zoë Anaïs");
  sch_test_ui_type (sch_field_row_get_input (find_field_row (window, "person", "date_of_birth")), "03.07.1985");
  /* Saved now rather than by the autosave a second later, which would make
   * it the newest case in the middle of the next steps. */
  g_assert_true (sch_case_editor_flush (editor (), NULL));
}

static void
test_list (void)
{
  g_autofree char *open_uuid = g_strdup (sch_case_get_uuid (sch_case_editor_get_case (editor ())));
  g_autoptr(GPtrArray) here = g_ptr_array_new ();
  GListModel *types = sch_catalog_get_types (catalog ());
  GListModel *model = case_list_model ();
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (model);

  /* A realistic mix of the types filed here. */
  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
        g_ptr_array_add (here, type);
    }
  g_assert_cmpuint (here->len, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(GError) error = NULL;
      SchAppType *type = g_ptr_array_index (here, (i * 5) % here->len);
      g_autoptr(SchCase) kase = sch_store_create_case (store (), sch_app_type_get_code (type), &error);

      g_assert_no_error (error);
      sch_case_set_value (kase, "person", 0, "official_name", people[i].surname);
      sch_case_set_value (kase, "person", 0, "first_names", people[i].first_names);
      g_assert_true (sch_store_save_case (store (), kase, &error));
      g_assert_no_error (error);
      /* Distinct modification times, so the order is defined. */
      g_usleep (2000);
    }
  sch_test_ui_wait (100);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (people) + 1);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr(SchCaseSummary) row = g_list_model_get_item (model, i);
      g_autofree char *name = g_strdup_printf ("%s, %s",
                                               people[G_N_ELEMENTS (people) - 1 - i].surname,
                                               people[G_N_ELEMENTS (people) - 1 - i].first_names);

      g_assert_cmpstr (sch_case_summary_get_display_name (row), ==, name);
    }

  /* The re-sorted list still selects the open case, which stayed open. */
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, open_uuid);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, G_N_ELEMENTS (people));
}

static guint
wait_for_search (const char *text)
{
  GtkWidget *entry = sch_test_ui_find (window, GTK_TYPE_SEARCH_ENTRY, "Search cases");

  g_assert_nonnull (entry);
  sch_test_ui_type (entry, text);
  /* The search entry waits 150 ms after the last key. */
  sch_test_ui_wait (400);

  return g_list_model_get_n_items (case_list_model ());
}

static void
test_search (void)
{
  GtkWidget *entry = sch_test_ui_find (window, GTK_TYPE_SEARCH_ENTRY, "Search cases");
  GListModel *model = case_list_model ();
  g_autoptr(SchCaseSummary) row = NULL;

  g_assert_true (sch_test_ui_activate (window, "win.search", NULL));
  sch_test_ui_wait (100);
  g_assert_true (gtk_widget_get_mapped (entry));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), entry));

  g_assert_cmpuint (wait_for_search ("Berisha"), ==, 1);
  row = g_list_model_get_item (model, 0);
  g_assert_cmpstr (sch_case_summary_get_display_name (row), ==, "Berisha, Arben");

  /* Enter opens the first match and leaves the keyboard in the list. */
  g_signal_emit_by_name (entry, "activate");
  sch_test_ui_wait (100);
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, sch_case_summary_get_uuid (row));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases")));

  /* Typing goes on: no match gives its own empty state. */
  g_assert_cmpuint (wait_for_search ("Nobodyhere"), ==, 0);
  g_assert_nonnull (find_mapped_status_page (window, _("No Matching Cases")));
  g_assert_null (find_mapped_status_page (window, _("No Cases Yet")));

  g_assert_cmpuint (wait_for_search (""), ==, G_N_ELEMENTS (people) + 1);

  /* Escape closes the search and returns to the list. */
  g_signal_emit_by_name (entry, "stop-search");
  sch_test_ui_wait (300);
  g_assert_false (gtk_widget_get_mapped (entry));
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)),
                                         sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases")));
}

/* Files dropped onto a case in the list: it opens on its documents and
 * they go in there. */
static void
test_drop_on_row (void)
{
  GtkWidget *list_view = sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases");
  GtkWidget *label = sch_test_ui_find (list_view, GTK_TYPE_LABEL, "Kowalski, Piotr");
  GtkWidget *row = label != NULL ? gtk_widget_get_ancestor (label, SCH_TYPE_CASE_ROW) : NULL;
  SchDocumentsView *documents = SCH_DOCUMENTS_VIEW (sch_test_ui_find (window, SCH_TYPE_DOCUMENTS_VIEW,
                                                                      "SchDocumentsView"));
  GtkWidget *views = sch_test_ui_find (window, ADW_TYPE_VIEW_STACK, "AdwViewStack");
  /* A scanned A4 page at 100 dpi, saved where a clerk's files are. */
  g_autoptr(GBytes) png = sch_test_ui_page_png (827, 1169, 0.9, 0.9, 0.85);
  g_autoptr(GFile) file = sch_test_ui_write_file (tmpdir, "passport.png", png);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GValue) value = G_VALUE_INIT;
  SchCase *opened;

  g_assert_nonnull (row);
  g_assert_cmpstr (sch_case_get_value (sch_case_editor_get_case (editor ()), "person", 0, "official_name"), !=, "Kowalski");
  sch_test_ui_set_files (&value, file, NULL);
  g_assert_true (sch_test_ui_drop (row, &value));

  for (guint i = 0; i < 400 && (sch_documents_view_is_busy (documents) || i == 0); i++)
    sch_test_ui_wait (50);
  g_assert_false (sch_documents_view_is_busy (documents));

  opened = sch_case_editor_get_case (editor ());
  g_assert_cmpstr (sch_case_get_value (opened, "person", 0, "official_name"), ==, "Kowalski");
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (views)), ==, "documents");
  pages = sch_store_list_pages (store (), opened, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpstr (sch_page_get_slot_id (g_ptr_array_index (pages, 0)), ==, sch_documents_view_get_slot (documents));
  g_free (sch_test_ui_save_screenshot (window, "case-list-drop"));

  g_assert_true (sch_test_ui_activate (window, "win.show-view", g_variant_new_string ("details")));
  sch_test_ui_wait (50);
}

static void
test_state_filter (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCaseSummary) newest = g_list_model_get_item (case_list_model (), 0);
  g_autoptr(SchCase) kase = sch_store_load_case (store (), sch_case_summary_get_uuid (newest), &error);
  GtkWidget *drop_down = sch_test_ui_find (window, GTK_TYPE_DROP_DOWN, "Show cases in state");
  GListModel *model = case_list_model ();

  g_assert_no_error (error);
  g_assert_true (sch_store_set_state (store (), kase, SCH_CASE_STATE_COMPLETE, &error));
  g_assert_no_error (error);
  sch_test_ui_wait (50);

  g_assert_true (sch_test_ui_activate (window, "win.filter-state", g_variant_new_string ("complete")));
  sch_test_ui_wait (50);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (drop_down)), ==, 1 + SCH_CASE_STATE_COMPLETE);

  /* The drop-down drives the same filter. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (drop_down), 1 + SCH_CASE_STATE_DRAFT);
  sch_test_ui_wait (50);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (people));

  g_assert_true (sch_test_ui_activate (window, "win.filter-state", g_variant_new_string ("submitted")));
  sch_test_ui_wait (50);
  g_assert_nonnull (find_mapped_status_page (window, _("No Matching Cases")));

  g_assert_true (sch_test_ui_activate (window, "win.filter-state", g_variant_new_string ("all")));
  sch_test_ui_wait (50);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, G_N_ELEMENTS (people) + 1);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (drop_down)), ==, 0);
}

/* Whether a header bar's title (not a list row) reads @text. */
static gboolean
shows_title (GtkWidget *root, const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_LABEL (child) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (child)), text) == 0 &&
          gtk_widget_get_ancestor (child, ADW_TYPE_WINDOW_TITLE) != NULL &&
          gtk_widget_get_mapped (child))
        return TRUE;
      if (shows_title (child, text))
        return TRUE;
    }

  return FALSE;
}

static const char *
selected_uuid (void)
{
  SchCaseSummary *row = gtk_single_selection_get_selected_item (GTK_SINGLE_SELECTION (case_list_model ()));

  return row != NULL ? sch_case_summary_get_uuid (row) : NULL;
}

static void
test_navigation (void)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (case_list_model ());
  GtkWidget *list_view = sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases");
  SchCase *opened;
  int width, height;

  /* Selecting a row opens its case. */
  gtk_single_selection_set_selected (selection, 1);
  sch_test_ui_wait (100);
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, selected_uuid ());
  g_assert_true (shows_title (window, sch_case_summary_get_display_name (
    gtk_single_selection_get_selected_item (selection))));

  /* Moving through the list keeps the keyboard in the list. */
  g_assert_true (sch_test_ui_activate (window, "win.focus-list", NULL));
  sch_test_ui_wait (50);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list_view));
  g_assert_true (sch_test_ui_activate (window, "win.next-case", NULL));
  sch_test_ui_wait (50);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 2);
  g_assert_true (gtk_widget_is_ancestor (gtk_root_get_focus (GTK_ROOT (window)), list_view));
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, selected_uuid ());

  g_assert_true (sch_test_ui_activate (window, "win.previous-case", NULL));
  g_assert_true (sch_test_ui_activate (window, "win.previous-case", NULL));
  sch_test_ui_wait (50);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, selected_uuid ());

  /* Open the newest draft for the screenshot. */
  gtk_single_selection_set_selected (selection, 1);
  sch_test_ui_wait (300);
  opened = sch_case_editor_get_case (editor ());
  /* It starts at its top, however far down the last case was scrolled
   * (the chooser step typed a date of birth further down). */
  {
    GtkWidget *row = GTK_WIDGET (find_field_row (window, "person", "official_name"));
    GtkWidget *scroller = gtk_widget_get_ancestor (row, GTK_TYPE_SCROLLED_WINDOW);

    g_assert_cmpfloat (gtk_adjustment_get_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroller))),
                       ==, 0);
  }

  /* The title follows the name as it is typed; the autosave moves the case
   * to the top, where it stays selected and open, without a reload. */
  sch_test_ui_type (sch_field_row_get_input (find_field_row (window, "person", "first_names")), "Piotr Jan");
  sch_test_ui_wait (50);
  g_assert_true (shows_title (window, "Kowalski, Piotr Jan"));
  sch_test_ui_wait (1500);
  g_assert_false (sch_case_is_dirty (opened));
  g_assert_true (sch_case_editor_get_case (editor ()) == opened);
  g_assert_cmpuint (gtk_single_selection_get_selected (selection), ==, 0);
  g_assert_cmpstr (selected_uuid (), ==, sch_case_get_uuid (opened));

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1280);
  g_assert_cmpint (height, ==, 800);
  g_free (sch_test_ui_save_screenshot (window, "main-window"));
}

static AdwMessageDialog *
find_message_dialog (void)
{
  GtkWidget *dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);

  g_assert_nonnull (dialog);
  return ADW_MESSAGE_DIALOG (dialog);
}

static void
test_delete_draft (void)
{
  g_autofree char *uuid = g_strdup (selected_uuid ());
  guint before = count_cases ();
  g_autoptr(SchCase) gone = NULL;
  g_autoptr(GError) error = NULL;

  /* Cancel keeps the draft. */
  g_assert_true (sch_test_ui_activate (window, "win.delete-draft", NULL));
  sch_test_ui_wait (100);
  click (GTK_WIDGET (find_message_dialog ()), "_Cancel");
  sch_test_ui_wait (100);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpuint (count_cases (), ==, before);

  g_assert_true (sch_test_ui_activate (window, "win.delete-draft", NULL));
  sch_test_ui_wait (100);
  click (GTK_WIDGET (find_message_dialog ()), "_Delete");
  sch_test_ui_wait (100);

  g_assert_cmpuint (count_cases (), ==, before - 1);
  gone = sch_store_load_case (store (), uuid, &error);
  g_assert_null (gone);
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);
  g_assert_null (sch_case_editor_get_case (editor ()));
  g_assert_nonnull (find_mapped_status_page (window, _("No Case Open")));

  /* Nothing open, nothing to delete. */
  g_assert_false (g_action_group_get_action_enabled (G_ACTION_GROUP (window), "delete-draft"));
}

/* Ctrl+Shift+N (a window action, next to Ctrl+N) adds a family member. */
static void
test_add_family_member (void)
{
  GListModel *types = sch_catalog_get_types (catalog ());
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  const SchFieldGroup *repeatable = NULL;
  SchAppType *type = NULL;
  SchCase *opened;
  guint before;

  for (guint i = 0; i < g_list_model_get_n_items (types) && repeatable == NULL; i++)
    {
      g_autoptr(SchAppType) candidate = g_list_model_get_item (types, i);
      GPtrArray *groups = sch_app_type_get_groups (candidate);

      for (guint j = 0; j < groups->len && repeatable == NULL; j++)
        {
          const SchFieldGroup *group = g_ptr_array_index (groups, j);

          if (group->repeatable && sch_app_type_get_filing (candidate) == SCH_FILING_HERE)
            {
              repeatable = group;
              type = candidate;
            }
        }
    }
  g_assert_nonnull (type);

  kase = sch_store_create_case (store (), sch_app_type_get_code (type), &error);
  g_assert_no_error (error);
  sch_window_open_case (SCH_WINDOW (window), sch_case_get_uuid (kase));
  sch_test_ui_wait (100);
  opened = sch_case_editor_get_case (editor ());
  g_assert_cmpstr (sch_case_get_uuid (opened), ==, sch_case_get_uuid (kase));
  g_assert_cmpstr (selected_uuid (), ==, sch_case_get_uuid (kase));

  before = sch_case_get_n_items (opened, repeatable->id);
  g_assert_true (sch_test_ui_activate (window, "win.add-family-member", NULL));
  sch_test_ui_wait (100);
  g_assert_cmpuint (sch_case_get_n_items (opened, repeatable->id), ==, before + 1);
}

/* Messages in quick succession, while the main loop is busy: one toast
 * shows the latest (libadwaita 1.2 crashes when toasts queue up so). */
static void
test_toasts (void)
{
  sch_window_toast (SCH_WINDOW (window), "First message");
  g_usleep (400 * 1000);
  sch_window_toast (SCH_WINDOW (window), "Second message");
  sch_window_toast (SCH_WINDOW (window), "Third message");
  sch_test_ui_wait (300);
  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, "Third message"));
  g_assert_null (sch_test_ui_find (window, GTK_TYPE_LABEL, "First message"));
  g_assert_null (sch_test_ui_find (window, GTK_TYPE_LABEL, "Second message"));
}

/* Every control a clerk can reach has a name a screen reader can say: the
 * main window with a family case in each of its views, and every page of
 * the preferences, with the certificate files set so that their clear
 * buttons are shown too. */
static void
test_labelled (void)
{
  GSettings *settings = sch_application_get_settings (app);
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GError) error = NULL;
  const char *views[] = { "details", "documents", "history" };
  const char *pages[] = { "general", "migration-office" };
  const struct {
    const char *key;
    const char *clear_label;
  } files[] = {
    { "ca-file", "Do not use a CA file" },
    { "client-cert-file", "Do not use a client certificate" },
    { "client-key-file", "Do not use a client certificate key" },
  };
  GtkWidget *prefs;

  kase = sch_store_create_case (store (), "family-reunification", &error);
  g_assert_no_error (error);
  sch_window_open_case (SCH_WINDOW (window), sch_case_get_uuid (kase));
  sch_test_ui_wait (100);
  g_assert_true (sch_test_ui_activate (window, "win.add-family-member", NULL));
  sch_test_ui_wait (100);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_assert_true (sch_test_ui_activate (window, "win.show-view", g_variant_new_string (views[i])));
      sch_test_ui_wait (100);
      sch_test_ui_assert_labelled (window);
    }

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_settings_set_string (settings, files[i].key, "/etc/schalter/office.pem");
  g_assert_true (sch_test_ui_activate (window, "app.preferences", NULL));
  sch_test_ui_wait (200);
  prefs = find_toplevel (SCH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), pages[i]);
      sch_test_ui_wait (50);
      sch_test_ui_assert_labelled (prefs);
    }
  /* Each clear button says which file it clears. */
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      GtkWidget *clear = sch_test_ui_find (prefs, GTK_TYPE_BUTTON, files[i].clear_label);

      g_assert_nonnull (clear);
      g_assert_true (gtk_widget_get_mapped (clear));
    }
  gtk_window_close (GTK_WINDOW (prefs));
  sch_test_ui_wait (100);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    g_settings_reset (settings, files[i].key);
}

static void
test_preferences (void)
{
  GSettings *settings = sch_application_get_settings (app);
  GtkWidget *prefs;
  GtkWidget *name_row;
  GtkWidget *url_row;
  GtkWidget *row;
  GtkWidget *address_view;
  g_autofree char *address = NULL;
  g_autofree char *url = NULL;
  g_autofree char *office = NULL;

  g_assert_true (sch_test_ui_activate (window, "app.preferences", NULL));
  sch_test_ui_wait (200);
  prefs = find_toplevel (SCH_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (prefs);

  name_row = sch_test_ui_find (prefs, ADW_TYPE_ENTRY_ROW, _("Office name"));
  g_assert_nonnull (name_row);
  sch_test_ui_type (name_row, "Einwohneramt St. Gallen");
  office = g_settings_get_string (settings, "office-name");
  g_assert_cmpstr (office, ==, "Einwohneramt St. Gallen");

  /* Only https:// is stored; anything else is marked and kept out. */
  url_row = sch_test_ui_find (prefs, ADW_TYPE_ENTRY_ROW, _("Server URL"));
  g_assert_nonnull (url_row);
  sch_test_ui_type (url_row, "http://migration.example.ch/api");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (url, ==, "");
  g_clear_pointer (&url, g_free);

  sch_test_ui_type (url_row, "https://migration.example.ch/api");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  url = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (url, ==, "https://migration.example.ch/api");

  /* The address keeps its lines. */
  address_view = sch_test_ui_find (prefs, GTK_TYPE_TEXT_VIEW, _("Office address"));
  g_assert_nonnull (address_view);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (address_view)),
                            "Einwohneramt\nNeugasse 3\n9000 St. Gallen", -1);
  address = g_settings_get_string (settings, "office-address");
  g_assert_cmpstr (address, ==, "Einwohneramt\nNeugasse 3\n9000 St. Gallen");

  /* St. Gallen, by its BFS number. */
  g_settings_set_uint (settings, "municipality", 3203);
  sch_test_ui_wait (50);
  row = sch_test_ui_find (prefs, ADW_TYPE_COMBO_ROW, _("Municipality"));
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row))), ==, "St. Gallen");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 0);
  g_assert_cmpuint (g_settings_get_uint (settings, "municipality"), ==, 0);
  g_assert_cmpstr (gtk_string_object_get_string (adw_combo_row_get_selected_item (ADW_COMBO_ROW (row))), ==, _("Not set"));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), 1);
  g_assert_cmpuint (g_settings_get_uint (settings, "municipality"), !=, 0);

  g_settings_set_string (settings, "print-language", "fr");
  sch_test_ui_wait (50);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (sch_test_ui_find (prefs, ADW_TYPE_COMBO_ROW,
                                                                                  _("Default print language")))), ==, 1);

  g_settings_set_uint (settings, "municipality", 3203);
  g_free (sch_test_ui_save_screenshot (prefs, "preferences"));
  gtk_window_close (GTK_WINDOW (prefs));
  sch_test_ui_wait (100);
  g_assert_null (find_toplevel (SCH_TYPE_PREFERENCES_WINDOW));
}

/* The about window shows the version and the icon of this build's id,
 * which the install-layout test (suite data) finds installed. */
static void
test_about (void)
{
  GtkWidget *about;

  g_assert_true (sch_test_ui_activate (window, "app.about", NULL));
  sch_test_ui_wait (200);
  about = find_toplevel (ADW_TYPE_ABOUT_WINDOW);
  g_assert_nonnull (about);
  g_assert_cmpstr (adw_about_window_get_version (ADW_ABOUT_WINDOW (about)), ==, PACKAGE_VERSION);
  g_assert_cmpstr (adw_about_window_get_application_icon (ADW_ABOUT_WINDOW (about)), ==, APP_ID);
  gtk_window_close (GTK_WINDOW (about));
  sch_test_ui_wait (100);
}

/* A narrow window shows one pane at a time, with a way back to the list. */
static void
test_folded (void)
{
  GtkSingleSelection *selection = GTK_SINGLE_SELECTION (case_list_model ());
  AdwLeaflet *leaflet = ADW_LEAFLET (sch_test_ui_find (window, ADW_TYPE_LEAFLET, "AdwLeaflet"));
  GtkWidget *list_view = sch_test_ui_find (window, GTK_TYPE_LIST_VIEW, "Cases");
  GtkWidget *back = sch_test_ui_find (window, GTK_TYPE_BUTTON, "Back to the cases");

  g_assert_nonnull (back);
  g_assert_false (gtk_widget_get_mapped (back));

  gtk_window_set_default_size (GTK_WINDOW (window), 480, 760);
  sch_test_ui_wait (500);
  g_assert_true (adw_leaflet_get_folded (leaflet));

  g_assert_true (sch_test_ui_activate (window, "win.focus-list", NULL));
  sch_test_ui_wait (300);
  g_assert_true (gtk_widget_get_mapped (list_view));

  gtk_single_selection_set_selected (selection, 2);
  sch_test_ui_wait (500);
  g_assert_false (gtk_widget_get_mapped (list_view));
  g_assert_true (gtk_widget_get_mapped (back));
  g_free (sch_test_ui_save_screenshot (window, "main-window-narrow"));

  g_signal_emit_by_name (back, "clicked");
  sch_test_ui_wait (500);
  g_assert_true (gtk_widget_get_mapped (list_view));
}

static void
test_close (void)
{
  GSettings *settings = sch_application_get_settings (app);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  sch_test_ui_wait (200);
  g_assert_true (sch_test_ui_activate (window, "app.quit", NULL));
  sch_test_ui_wait (100);

  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 1000);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 700);
  window = NULL;
}

static void start_app (const char *db, const char *app_id);

/* Started again after app.quit, the app shows the window as it was left
 * and the case with what was typed through the widgets before quitting. */
static void
test_relaunch (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "schalter.db", NULL);
  g_autofree char *surname = NULL;
  g_autofree char *first_names = NULL;
  g_autofree char *birth = NULL;
  int width = 0, height = 0;

  g_assert_nonnull (typed_case_uuid);
  /* The first app let go of the database when it quit. */
  g_clear_object (&app);
  start_app (db, APP_ID ".RelaunchTest");
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (SCH_IS_WINDOW (window));
  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 1000);
  g_assert_cmpint (height, ==, 700);

  sch_window_open_case (SCH_WINDOW (window), typed_case_uuid);
  sch_test_ui_wait (100);
  g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, typed_case_uuid);
  surname = sch_field_row_dup_value (find_field_row (window, "person", "official_name"));
  first_names = sch_field_row_dup_value (find_field_row (window, "person", "first_names"));
  birth = sch_field_row_dup_value (find_field_row (window, "person", "date_of_birth"));
  g_assert_cmpstr (surname, ==, "Keller-Nyström");
  g_assert_cmpstr (first_names, ==, "Zoë Anaïs");
  g_assert_cmpstr (birth, ==, "03.07.1985");
  g_assert_cmpstr (sch_case_get_value (sch_case_editor_get_case (editor ()), "person", 0, "date_of_birth"),
                   ==, "1985-07-03");

  g_assert_true (sch_test_ui_activate (window, "app.quit", NULL));
  sch_test_ui_wait (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  window = NULL;
}

static void
start_app (const char *db, const char *app_id)
{
  g_setenv ("SCHALTER_DB", db, TRUE);

  app = sch_application_new ();
  /* Each app of this process has its own D-Bus object path. */
  if (app_id != NULL)
    g_application_set_application_id (G_APPLICATION (app), app_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));
  g_application_activate (G_APPLICATION (app));
  sch_test_ui_wait (300);
}

/* A case of every type filed here, each made with New case and the type
 * chooser and filled through the editor's widgets; the app quits and starts
 * again from the file and every case shows what was typed. */
static void
test_every_type (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "every-type.db", NULL);
  g_autoptr(GHashTable) cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                       (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_object_unref);
  GListModel *all;
  GHashTableIter iter;
  gpointer uuid, expected;

  g_clear_object (&app);
  start_app (db, APP_ID ".EveryTypeTest");
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (SCH_IS_WINDOW (window));

  all = sch_catalog_get_types (catalog ());
  for (guint i = 0; i < g_list_model_get_n_items (all); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (all, i);

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
        g_ptr_array_add (types, g_steal_pointer (&type));
    }
  g_assert_cmpuint (types->len, >=, 8);

  for (guint i = 0; i < types->len; i++)
    {
      SchAppType *type = g_ptr_array_index (types, i);
      GtkWidget *form = GTK_WIDGET (editor ());
      g_autoptr(GPtrArray) rows = NULL;
      SchCase *kase;

      g_test_message ("Type %s", sch_app_type_get_code (type));
      choose_type (open_chooser (), type);
      kase = sch_case_editor_get_case (editor ());
      g_assert_nonnull (kase);
      g_assert_cmpstr (sch_case_get_type_code (kase), ==, sch_app_type_get_code (type));

      sch_test_clerk_add_items (form, type);
      rows = sch_test_clerk_rows (form);
      g_assert_cmpuint (rows->len, >, 5);
      for (guint j = 0; j < rows->len; j++)
        sch_test_clerk_fill_row (g_ptr_array_index (rows, j));

      /* No save button: the autosave has it within a second. */
      sch_test_ui_wait (1100);
      g_assert_false (sch_case_is_dirty (kase));
      g_hash_table_insert (cases, g_strdup (sch_case_get_uuid (kase)), sch_test_clerk_values (form));
    }
  g_assert_cmpuint (count_cases (), ==, types->len);

  g_assert_true (sch_test_ui_activate (window, "app.quit", NULL));
  sch_test_ui_wait (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  g_clear_object (&app);
  start_app (db, APP_ID ".EveryTypeReopened");
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_cmpuint (count_cases (), ==, types->len);
  g_hash_table_iter_init (&iter, cases);
  while (g_hash_table_iter_next (&iter, &uuid, &expected))
    {
      sch_window_open_case (SCH_WINDOW (window), uuid);
      sch_test_ui_wait (100);
      g_assert_cmpstr (sch_case_get_uuid (sch_case_editor_get_case (editor ())), ==, uuid);
      sch_test_clerk_assert_values (GTK_WIDGET (editor ()), expected);
    }
  g_free (sch_test_ui_save_screenshot (window, "main-window-every-type"));

  g_assert_true (sch_test_ui_activate (window, "app.quit", NULL));
  sch_test_ui_wait (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  window = NULL;
}

/* A database that cannot be opened is reported and left alone; the only way
 * on is to quit. */
static void
test_store_error (void)
{
  const char garbage[] = "These are not the cases you are looking for.\n";
  g_autofree char *dir = g_build_filename (tmpdir, "corrupt", NULL);
  g_autofree char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autofree char *after = NULL;
  gsize length = 0;
  AdwMessageDialog *dialog;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (db, garbage, -1, NULL));

  start_app (db, APP_ID ".StoreErrorTest");

  g_assert_null (sch_application_get_store (app));
  g_assert_null (find_toplevel (SCH_TYPE_WINDOW));
  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, _("The Case Database Could Not Be Opened"));
  g_assert_cmpstr (adw_message_dialog_get_body (dialog), !=, "");
  g_assert_true (adw_message_dialog_has_response (dialog, "quit"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "quit");
  g_assert_cmpstr (adw_message_dialog_get_close_response (dialog), ==, "quit");
  g_free (sch_test_ui_save_screenshot (GTK_WIDGET (dialog), "store-error"));

  click (GTK_WIDGET (dialog), "_Quit");
  sch_test_ui_wait (100);
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));

  /* The file is exactly as it was. */
  g_assert_true (g_file_get_contents (db, &after, &length, NULL));
  g_assert_cmpmem (after, length, garbage, sizeof garbage - 1);

  g_clear_object (&app);
  g_assert_cmpint (g_remove (db), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The broken override file of the office is named, once, in the window. */
static void
test_catalog_problems (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "schalter.db", NULL);
  GtkWidget *details;
  AdwMessageDialog *dialog;

  start_app (db, NULL);
  window = GTK_WIDGET (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (SCH_IS_WINDOW (window));
  g_assert_cmpuint (sch_catalog_get_problems (catalog ())->len, ==, 1);

  g_assert_nonnull (sch_test_ui_find (window, GTK_TYPE_LABEL, "1 catalog file was skipped because of errors"));
  details = sch_test_ui_find (window, GTK_TYPE_BUTTON, "_Details");
  g_assert_nonnull (details);
  g_signal_emit_by_name (details, "clicked");
  sch_test_ui_wait (300);

  dialog = ADW_MESSAGE_DIALOG (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "broken.json"));
  click (GTK_WIDGET (dialog), "_Close");
  sch_test_ui_wait (300);
  g_assert_null (find_toplevel (ADW_TYPE_MESSAGE_DIALOG));

  /* The toast went away with the click. */
  g_assert_null (sch_test_ui_find (window, GTK_TYPE_LABEL, "1 catalog file was skipped because of errors"));
}

static void
write_broken_override (const char *config_home)
{
  g_autofree char *dir = g_build_filename (config_home, "schalter", "catalog.d", NULL);
  g_autofree char *file = g_build_filename (dir, "broken.json", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "{ \"types\": [ { \"code\": ", -1, NULL));
}

int
main (int argc, char *argv[])
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *config_home = NULL;
  int status;

  tmpdir = sch_test_ui_make_tmpdir ();
  /* Before GTK reads it: the office's override folder with a broken file. */
  config_home = g_build_filename (tmpdir, "config", NULL);
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  write_broken_override (config_home);
  g_setenv ("LANGUAGE", "en", TRUE);

  g_test_init (&argc, &argv, NULL);
  sch_test_ui_init ();

  /* The README's screenshot size. */
  settings = g_settings_new (BASE_ID);
  g_settings_set_int (settings, "window-width", 1280);
  g_settings_set_int (settings, "window-height", 800);

  g_test_add_func ("/ui-window/store-error", test_store_error);
  g_test_add_func ("/ui-window/catalog-problems", test_catalog_problems);
  g_test_add_func ("/ui-window/empty", test_empty);
  g_test_add_func ("/ui-window/shortcuts-window", test_shortcuts_window);
  g_test_add_func ("/ui-window/chooser-search", test_chooser_search);
  g_test_add_func ("/ui-window/chooser-elsewhere", test_chooser_elsewhere);
  g_test_add_func ("/ui-window/chooser-here", test_chooser_here);
  g_test_add_func ("/ui-window/list", test_list);
  g_test_add_func ("/ui-window/search", test_search);
  g_test_add_func ("/ui-window/drop-on-row", test_drop_on_row);
  g_test_add_func ("/ui-window/state-filter", test_state_filter);
  g_test_add_func ("/ui-window/navigation", test_navigation);
  g_test_add_func ("/ui-window/delete-draft", test_delete_draft);
  g_test_add_func ("/ui-window/add-family-member", test_add_family_member);
  g_test_add_func ("/ui-window/preferences", test_preferences);
  g_test_add_func ("/ui-window/labelled", test_labelled);
  g_test_add_func ("/ui-window/toasts", test_toasts);
  g_test_add_func ("/ui-window/about", test_about);
  g_test_add_func ("/ui-window/folded", test_folded);
  g_test_add_func ("/ui-window/close", test_close);
  g_test_add_func ("/ui-window/relaunch", test_relaunch);
  g_test_add_func ("/ui-window/every-type", test_every_type);

  status = g_test_run ();

  g_clear_object (&app);
  rm_rf (tmpdir);
  g_free (tmpdir);
  g_free (typed_case_uuid);

  return status;
}
