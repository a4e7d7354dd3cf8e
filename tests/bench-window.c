/* The real window over 100,000 cases: how long from starting the app until
 * the case list has painted its first rows, and from a search until its 50
 * matches are painted, beside the same window over an empty database in the
 * same run; and the peak RSS with GTK loaded. Needs a display
 * (build-aux/headless); skips without one. Fails only on errors. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <adwaita.h>

#include "bench-cases.h"
#include "sch-application.h"
#include "sch-test-ui.h"

#define AIM_RSS_MB 150.0
#define TIMEOUT_MS 60000

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gboolean
wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Condition) (SchApplication *app);

/* Runs the main loop until @condition holds and the window has painted once
 * more after that; the milliseconds since @start, or -1 on timeout. */
static double
wait_painted (SchApplication *app,
              Condition       condition,
              gint64          start)
{
  guint wake = g_timeout_add (5, wake_cb, NULL);
  gint64 deadline = start + TIMEOUT_MS * 1000;
  GtkWindow *window = NULL;
  gint64 frame = 0;
  double ms = -1;

  while (g_get_monotonic_time () < deadline)
    {
      g_main_context_iteration (NULL, TRUE);
      window = gtk_application_get_active_window (GTK_APPLICATION (app));
      if (window == NULL || !gtk_widget_get_mapped (GTK_WIDGET (window)))
        continue;

      if (frame == 0 && condition (app))
        {
          GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));

          frame = gdk_frame_clock_get_frame_counter (clock) + 1;
          gtk_widget_queue_draw (GTK_WIDGET (window));
        }
      else if (frame != 0 &&
               gdk_frame_clock_get_frame_counter (gtk_widget_get_frame_clock (GTK_WIDGET (window))) > frame)
        {
          ms = ms_since (start);
          break;
        }
    }

  g_source_remove (wake);
  return ms;
}

static GtkWidget *
case_list_view (SchApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  return window != NULL ? sch_test_ui_find (GTK_WIDGET (window), GTK_TYPE_LIST_VIEW, "Cases") : NULL;
}

static guint
n_mapped_rows (GtkWidget *list_view)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (list_view);
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (gtk_widget_get_mapped (row))
      n++;

  return n;
}

static gboolean
window_shown (SchApplication *app)
{
  return TRUE;
}

static gboolean
first_rows_shown (SchApplication *app)
{
  GtkWidget *list_view = case_list_view (app);

  return list_view != NULL && n_mapped_rows (list_view) >= 5;
}

static gboolean
matches_shown (SchApplication *app)
{
  GtkWidget *list_view = case_list_view (app);
  GListModel *model = list_view != NULL ? G_LIST_MODEL (gtk_list_view_get_model (GTK_LIST_VIEW (list_view))) : NULL;

  return model != NULL && g_list_model_get_n_items (model) == BENCH_N_RARE && n_mapped_rows (list_view) >= 5;
}

static SchApplication *
start_app (const char *db,
           const char *app_id,
           Condition   condition,
           double     *ms)
{
  SchApplication *app;
  gint64 start;

  g_setenv ("SCHALTER_DB", db, TRUE);
  app = sch_application_new ();
  g_application_set_application_id (G_APPLICATION (app), app_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (app), NULL, NULL))
    g_error ("The application did not register");

  start = g_get_monotonic_time ();
  g_application_activate (G_APPLICATION (app));
  *ms = wait_painted (app, condition, start);

  return app;
}

static void
quit_app (SchApplication *app)
{
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  sch_test_ui_wait (100);
  g_object_unref (app);
}

/* From the first change of the search text (its 150 ms typing pause left
 * out) until the 50 matches are painted. */
static double
time_search (SchApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  GtkWidget *entry;
  gint64 start;

  g_action_group_activate_action (G_ACTION_GROUP (window), "search", NULL);
  sch_test_ui_wait (50);
  entry = sch_test_ui_find (GTK_WIDGET (window), GTK_TYPE_SEARCH_ENTRY, "Search cases");
  if (entry == NULL)
    g_error ("No search entry");

  start = g_get_monotonic_time ();
  gtk_editable_set_text (GTK_EDITABLE (entry), BENCH_RARE_SURNAME);
  g_signal_emit_by_name (entry, "search-changed");
  return wait_painted (app, matches_shown, start);
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

static void
remove_db (const char *db)
{
  const char *suffixes[] = { "", "-wal", "-shm" };
  g_autofree char *dir = g_path_get_dirname (db);
  g_autofree char *blobs = g_build_filename (dir, "blobs", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (db, suffixes[i], NULL);

      g_unlink (file);
    }
  g_rmdir (blobs);
  g_rmdir (dir);
}

static char *
make_database (const char *root,
               const char *name,
               gboolean    filled)
{
  g_autofree char *dir = g_build_filename (root, name, NULL);
  char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = sch_store_open (db, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  if (filled && !bench_generate_cases (store))
    g_error ("Generating the cases failed");

  return db;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = NULL;
  g_autofree char *empty_db = NULL;
  g_autofree char *full_db = NULL;
  SchApplication *app;
  double empty_ms, full_ms, search_ms, rss_mb;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      printf ("bench-window needs a display: run the benchmarks under build-aux/headless\n");
      return 77;
    }

  g_setenv ("LANGUAGE", "en", TRUE);
  sch_test_ui_init ();

  root = g_dir_make_tmp ("sch-bench-window-XXXXXX", &error);
  if (root == NULL)
    g_error ("%s", error->message);
  empty_db = make_database (root, "empty", FALSE);
  full_db = make_database (root, "full", TRUE);

  app = start_app (empty_db, "io.github.schalter.BenchEmpty", window_shown, &empty_ms);
  quit_app (app);
  app = start_app (full_db, "io.github.schalter.BenchFull", first_rows_shown, &full_ms);
  search_ms = full_ms >= 0 ? time_search (app) : -1;
  rss_mb = peak_rss_mb ();
  quit_app (app);

  if (empty_ms < 0 || full_ms < 0 || search_ms < 0)
    {
      fprintf (stderr, "The window did not show what was expected within %d s\n", TIMEOUT_MS / 1000);
      return 1;
    }

  printf ("window over an empty database: %.0f ms from start to the first frame\n", empty_ms);
  printf ("window over %d cases: %.0f ms from start to the first rows painted "
          "(%.0f ms more, ratio %.2f)\n", BENCH_N_CASES, full_ms, full_ms - empty_ms, full_ms / empty_ms);
  printf ("search in the window (%d matches): %.0f ms until painted\n", BENCH_N_RARE, search_ms);
  printf ("peak RSS with GTK and %d cases: %.1f MB; aim < %.0f MB: %s\n", BENCH_N_CASES, rss_mb,
          AIM_RSS_MB, rss_mb < AIM_RSS_MB ? "met" : "MISSED");

  remove_db (empty_db);
  remove_db (full_db);
  g_rmdir (root);
  return 0;
}
