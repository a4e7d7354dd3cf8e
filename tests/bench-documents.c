/* The real window with a 200-page document in a case: a 200-page PDF
 * imported into one of its documents through the documents view, until all
 * 200 thumbnails are shown and painted. Prints the peak RSS of the app (this
 * process: the window runs in it, as in bench-window) and of the largest
 * helper process it started, beside the same window showing an empty case
 * in the same run. Needs a display (build-aux/headless); skips without one.
 * Fails only on errors. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "sch-application.h"
#include "sch-documents-view.h"
#include "sch-pdf-samples.h"
#include "sch-test-ui.h"

#define N_PAGES 200
#define AIM_RSS_MB 250.0
#define TIMEOUT_MS 300000

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (SchApplication *app);

/* Runs the main loop until @condition holds and the window has painted once
 * more after that; FALSE on timeout. */
static gboolean
wait_painted (SchApplication *app,
              Condition       condition)
{
  guint wake = g_timeout_add (5, wake_cb, NULL);
  gint64 deadline = g_get_monotonic_time () + TIMEOUT_MS * 1000;
  gint64 frame = 0;
  gboolean painted = FALSE;

  while (!painted && g_get_monotonic_time () < deadline)
    {
      GtkWindow *window;

      g_main_context_iteration (NULL, TRUE);
      window = gtk_application_get_active_window (GTK_APPLICATION (app));
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        continue;

      if (frame == 0 && condition (app))
        {
          frame = gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (GTK_WIDGET (window))) + 1;
          gtk_widget_queue_draw (GTK_WIDGET (window));
        }
      else if (frame != 0)
        painted = gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (GTK_WIDGET (window))) > frame;
    }

  g_source_remove (wake);
  return painted;
}

static SchDocumentsView *
documents_view (SchApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    return NULL;
  return SCH_DOCUMENTS_VIEW (sch_test_ui_find (GTK_WIDGET (window), SCH_TYPE_DOCUMENTS_VIEW,
                                               "SchDocumentsView"));
}

static gboolean
view_shown (SchApplication *app)
{
  SchDocumentsView *view = documents_view (app);

  return view != NULL && gtk_widget_get_mapped (GTK_WIDGET (view)) && !sch_documents_view_is_busy (view);
}

/* Every page of the document is in the view with its picture. */
static gboolean
thumbnails_shown (SchApplication *app)
{
  SchDocumentsView *view = documents_view (app);
  GtkWidget *flow;
  guint n = 0;

  if (!view_shown (app))
    return FALSE;
  flow = sch_test_ui_find (GTK_WIDGET (view), GTK_TYPE_FLOW_BOX, "Pages");
  for (GtkWidget *child = gtk_widget_get_first_child (flow); child != NULL;
       child = gtk_widget_get_next_sibling (child), n++)
    {
      GtkWidget *box = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      GtkWidget *frame = gtk_widget_get_first_child (box);
      GtkWidget *image = gtk_center_box_get_center_widget (GTK_CENTER_BOX (frame));

      if (gtk_picture_get_paintable (GTK_PICTURE (image)) == NULL)
        return FALSE;
    }

  return n == N_PAGES;
}

static SchApplication *
start_app (const char *db,
           const char *app_id)
{
  SchApplication *app;

  g_setenv ("SCHALTER_DB", db, TRUE);
  app = sch_application_new ();
  g_application_set_application_id (G_APPLICATION (app), app_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    g_error ("The application did not register");
  g_application_activate (G_APPLICATION (app));

  return app;
}

/* Opens the case on its documents, @slot_id selected, as the clerk does. */
static gboolean
show_documents (SchApplication *app,
                const char     *uuid,
                const char     *slot_id)
{
  GtkWindow *window;

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-case", g_variant_new_string (uuid));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    return FALSE;
  g_action_group_activate_action (G_ACTION_GROUP (window), "show-documents", g_variant_new_string (slot_id));
  return wait_painted (app, view_shown);
}

static void
quit_app (SchApplication *app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  sch_test_ui_wait (100);
  g_object_unref (app);
}

static double
peak_rss_mb (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL) ||
      (line = strstr (status, "VmHWM:")) == NULL)
    return -1;

  return g_ascii_strtod (line + strlen ("VmHWM:"), NULL) / 1024.0;
}

/* The kernel counts a child's peak once it is reaped: wait until no helper
 * is left, then ask for the largest. */
static double
largest_helper_mb (void)
{
  struct rusage usage;

  for (guint i = 0; i < 100; i++)
    {
      g_autofree char *children = NULL;
      g_autoptr(GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
      const char *tid;
      gboolean any = FALSE;

      while (tasks != NULL && (tid = g_dir_read_name (tasks)) != NULL && !any)
        {
          g_autofree char *path = g_build_filename ("/proc/self/task", tid, "children", NULL);

          g_clear_pointer (&children, g_free);
          any = g_file_get_contents (path, &children, NULL, NULL) && *g_strstrip (children) != '\0';
        }
      if (!any)
        break;
      sch_test_ui_wait (50);
    }

  getrusage (RUSAGE_CHILDREN, &usage);
  return usage.ru_maxrss / 1024.0;
}

/* A slot that takes a document of N_PAGES pages, of a type filed here. */
static const SchDocSlot *
pick_slot (SchCatalog *catalog, SchAppType **type)
{
  GListModel *types = sch_catalog_get_types (catalog);

  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) candidate = g_list_model_get_item (types, i);
      GPtrArray *slots = sch_app_type_get_slots (candidate);

      if (sch_app_type_get_filing (candidate) != SCH_FILING_HERE)
        continue;
      for (guint j = 0; j < slots->len; j++)
        {
          const SchDocSlot *slot = g_ptr_array_index (slots, j);

          if (slot->max_pages == 0 || slot->max_pages >= N_PAGES)
            {
              *type = g_steal_pointer (&candidate);
              return slot;
            }
        }
    }

  g_error ("No type of the catalog takes a document of %d pages", N_PAGES);
}

/* A database with one new case of @type; its uuid in @uuid. */
static char *
make_database (const char  *root,
               const char  *name,
               SchAppType  *type,
               char       **uuid)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);
  char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = sch_store_open (db, &error);
  g_autoptr(SchCase) kase = NULL;

  if (store == NULL)
    g_error ("%s", error->message);
  kase = sch_store_create_case (store, sch_app_type_get_code (type), &error);
  if (kase == NULL)
    g_error ("%s", error->message);
  *uuid = g_strdup (sch_case_get_uuid (kase));

  return db;
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCatalog) catalog = NULL;
  g_autoptr(SchAppType) type = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GFile) pdf_file = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autofree char *root = NULL;
  g_autofree char *pdf_path = NULL;
  g_autofree char *empty_db = NULL, *empty_uuid = NULL;
  g_autofree char *full_db = NULL, *full_uuid = NULL;
  const SchDocSlot *slot;
  SchApplication *app;
  gint64 start;
  double empty_mb, empty_helper_mb, full_mb, helper_mb, seconds;
  gboolean shown;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("bench-documents needs a display: run the benchmarks under build-aux/headless\n");
      return 77;
    }

  g_setenv ("LANGUAGE", "en", TRUE);
  sch_test_ui_init ();

  root = g_dir_make_tmp ("sch-bench-documents-XXXXXX", &error);
  if (root == NULL)
    g_error ("%s", error->message);
  catalog = sch_catalog_new_default ();
  slot = pick_slot (catalog, &type);
  empty_db = make_database (root, "empty", type, &empty_uuid);
  full_db = make_database (root, "full", type, &full_uuid);
  pdf = sample_pdf_cairo (N_PAGES, NULL);
  pdf_path = g_build_filename (root, "document.pdf", NULL);
  if (!g_file_set_contents (pdf_path, g_bytes_get_data (pdf, NULL), (gssize) g_bytes_get_size (pdf), &error))
    g_error ("%s", error->message);

  /* The reference first: peaks only grow. */
  app = start_app (empty_db, "io.github.schalter.BenchDocumentsEmpty");
  if (!show_documents (app, empty_uuid, slot->id))
    g_error ("The documents of the empty case were not shown within %d s", TIMEOUT_MS / 1000);
  empty_mb = peak_rss_mb ();
  empty_helper_mb = largest_helper_mb ();
  quit_app (app);

  app = start_app (full_db, "io.github.schalter.BenchDocumentsFull");
  if (!show_documents (app, full_uuid, slot->id))
    g_error ("The documents of the case were not shown within %d s", TIMEOUT_MS / 1000);
  pdf_file = g_file_new_for_path (pdf_path);
  files = g_ptr_array_new ();
  g_ptr_array_add (files, pdf_file);
  start = g_get_monotonic_time ();
  sch_documents_view_import_files (documents_view (app), files, slot->id);
  shown = wait_painted (app, thumbnails_shown);
  seconds = (g_get_monotonic_time () - start) / 1e6;
  full_mb = peak_rss_mb ();
  helper_mb = largest_helper_mb ();
  quit_app (app);

  if (!shown)
    {
      fprintf (stderr, "The %d thumbnails were not shown within %d s\n", N_PAGES, TIMEOUT_MS / 1000);
      return 1;
    }

  printf ("window on an empty case, its documents shown: peak RSS %.1f MB", empty_mb);
  if (empty_helper_mb > 0)
    printf (" (largest helper %.1f MB)", empty_helper_mb);
  printf ("\n");
  printf ("window with a %d-page PDF (%.1f MB) imported into a document, all thumbnails painted after %.1f s:\n",
          N_PAGES, g_bytes_get_size (pdf) / 1e6, seconds);
  printf ("  peak RSS of the app: %.1f MB (%+.1f MB, ratio %.2f against the empty case)\n",
          full_mb, full_mb - empty_mb, full_mb / empty_mb);
  printf ("  peak RSS of the largest helper process: %.1f MB\n", helper_mb);
  printf ("  app and helper together at most %.1f MB; aim < %.0f MB: %s\n", full_mb + helper_mb,
          AIM_RSS_MB, full_mb + helper_mb < AIM_RSS_MB ? "met" : "MISSED");

  rm_rf (root);
  return 0;
}
