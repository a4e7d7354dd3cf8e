/* How fast the case list shows its first page and a search result among
 * 100,000 cases, next to the same queries run directly on SQLite.
 * Run by `meson test --benchmark`; fails only on errors, not on slow figures. */
#include "config.h"

#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "bench-cases.h"
#include "sch-case-list.h"

#define N_CASES BENCH_N_CASES
#define N_RARE BENCH_N_RARE
#define RARE_SURNAME BENCH_RARE_SURNAME
#define FIRST_PAGE 50
#define RUNS 5

#define AIM_FIRST_PAGE_MS 100.0
#define AIM_SEARCH_MS 50.0
#define AIM_RSS_MB 150.0
#define AIM_RATIO 2.0

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static gboolean
check (sqlite3    *db,
       int         rc,
       int         expected,
       const char *what)
{
  if (rc == expected)
    return TRUE;

  g_printerr ("%s failed: %s\n", what, sqlite3_errmsg (db));
  return FALSE;
}

/* The list: a new model, its count, and the first rows a window shows. */
static gboolean
time_list_first_page (SchStore *store,
                      double   *ms)
{
  gint64 start = g_get_monotonic_time ();
  g_autoptr(SchCaseList) list = sch_case_list_new (store);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  for (guint i = 0; i < FIRST_PAGE; i++)
    {
      g_autoptr(SchCaseSummary) summary = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (summary == NULL)
        return FALSE;
    }

  *ms = ms_since (start);
  return n == N_CASES;
}

static gboolean
time_list_search (SchStore *store,
                  double   *ms)
{
  g_autoptr(SchCaseList) list = sch_case_list_new (store);
  gint64 start = g_get_monotonic_time ();
  guint n;

  sch_case_list_set_search (list, RARE_SURNAME);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(SchCaseSummary) summary = g_list_model_get_item (G_LIST_MODEL (list), i);

      if (summary == NULL)
        return FALSE;
    }

  *ms = ms_since (start);
  if (n != N_RARE)
    g_printerr ("The search found %u cases, expected %u\n", n, N_RARE);

  return n == N_RARE;
}

/* The same work directly on SQLite: prepare, count, read every column. */
static gboolean
raw_query (sqlite3    *db,
           const char *count_sql,
           const char *rows_sql,
           const char *match,
           guint      *n_rows)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *n_rows = 0;

  if (!check (db, sqlite3_prepare_v2 (db, count_sql, -1, &stmt, NULL), SQLITE_OK, "prepare"))
    return FALSE;
  if (match != NULL)
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (!check (db, rc, SQLITE_ROW, "count"))
    return FALSE;

  if (!check (db, sqlite3_prepare_v2 (db, rows_sql, -1, &stmt, NULL), SQLITE_OK, "prepare"))
    return FALSE;
  if (match != NULL)
    sqlite3_bind_text (stmt, 1, match, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int c = 0; c < 6; c++)
        sqlite3_column_text (stmt, c);
      (*n_rows)++;
    }
  sqlite3_finalize (stmt);

  return check (db, rc, SQLITE_DONE, "rows");
}

static gboolean
time_raw_first_page (sqlite3 *db,
                     double  *ms)
{
  gint64 start = g_get_monotonic_time ();
  guint n;
  gboolean ok = raw_query (db, "SELECT count(*) FROM cases",
                           "SELECT uuid, type_code, state, display_name, reference, modified"
                           " FROM cases ORDER BY modified DESC, uuid LIMIT 50",
                           NULL, &n);

  *ms = ms_since (start);
  return ok && n == FIRST_PAGE;
}

static gboolean
time_raw_search (sqlite3 *db,
                 double  *ms)
{
  gint64 start = g_get_monotonic_time ();
  guint n;
  gboolean ok = raw_query (db,
                           "SELECT count(*) FROM cases_fts WHERE cases_fts MATCH ?1",
                           "SELECT c.uuid, c.type_code, c.state, c.display_name, c.reference, c.modified"
                           " FROM cases_fts JOIN cases c ON c.id = cases_fts.rowid"
                           " WHERE cases_fts MATCH ?1 ORDER BY c.modified DESC",
                           "\"" RARE_SURNAME "\"*", &n);

  *ms = ms_since (start);
  return ok && n == N_RARE;
}

typedef gboolean (*Measure) (gpointer target, double *ms);

typedef struct {
  double best;
  double first;   /* the first run, with a cold cache */
} Figure;

static gboolean
best_of (Measure   measure,
         gpointer  target,
         Figure   *figure)
{
  figure->best = G_MAXDOUBLE;

  for (guint run = 0; run < RUNS; run++)
    {
      double ms;

      if (!measure (target, &ms))
        return FALSE;
      if (run == 0)
        figure->first = ms;
      figure->best = MIN (figure->best, ms);
    }

  return TRUE;
}

static void
print_figure (const char   *what,
              const Figure *list,
              const Figure *raw,
              double        aim_ms)
{
  double ratio = raw->best > 0 ? list->best / raw->best : 0;

  g_print ("%s: %.2f ms (raw sqlite %.2f ms, ratio %.2f; first run %.2f ms, raw %.2f ms);"
           " aim < %.0f ms, ratio <= %.0f: %s\n",
           what, list->best, raw->best, ratio, list->first, raw->first, aim_ms, AIM_RATIO,
           list->best < aim_ms && ratio <= AIM_RATIO ? "met" : "MISSED");
}

static void
remove_tree (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autoptr(SchStore) store = NULL;
  Figure first_page, raw_first_page, search, raw_search;
  double rss_mb;
  struct rusage usage;
  gint64 start;
  gboolean ok;

  dir = g_dir_make_tmp ("sch-bench-case-list-XXXXXX", &error);
  if (dir == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  path = g_build_filename (dir, "schalter.db", NULL);

  store = sch_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  start = g_get_monotonic_time ();
  if (!bench_generate_cases (store))
    return 1;
  g_print ("generated %d cases in %.1f s\n", N_CASES, ms_since (start) / 1000.0);
  g_clear_object (&store);

  /* Measure on a freshly opened database, as the app starts. */
  start = g_get_monotonic_time ();
  store = sch_store_open (path, &error);
  if (store == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("open (with quick_check): %.1f ms\n", ms_since (start));

  ok = best_of ((Measure) time_list_first_page, store, &first_page) &&
       best_of ((Measure) time_raw_first_page, sch_store_get_db (store), &raw_first_page) &&
       best_of ((Measure) time_list_search, store, &search) &&
       best_of ((Measure) time_raw_search, sch_store_get_db (store), &raw_search);
  if (!ok)
    return 1;

  getrusage (RUSAGE_SELF, &usage);
  rss_mb = usage.ru_maxrss / 1024.0;

  print_figure ("first page (50 of 100,000 cases)", &first_page, &raw_first_page, AIM_FIRST_PAGE_MS);
  print_figure ("search (50 matches)", &search, &raw_search, AIM_SEARCH_MS);
  g_print ("peak RSS: %.1f MB; aim < %.0f MB: %s\n", rss_mb, AIM_RSS_MB,
           rss_mb < AIM_RSS_MB ? "met" : "MISSED");

  g_clear_object (&store);
  remove_tree (dir);

  return 0;
}
