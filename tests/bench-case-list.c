/* How fast the case list shows its first page and a search result among
 * 100,000 cases, next to the same queries run directly on SQLite.
 * Run by `meson test --benchmark`; fails only on errors, not on slow figures. */
#include "config.h"

#include <sys/resource.h>

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "sch-case-list.h"
#include "sch-store.h"

#define N_CASES 100000
#define N_RARE 50
#define RARE_SURNAME "Zwygart"
#define FIRST_PAGE 50
#define RUNS 5

#define AIM_FIRST_PAGE_MS 100.0
#define AIM_SEARCH_MS 50.0
#define AIM_RSS_MB 150.0
#define AIM_RATIO 2.0

static const char * const surnames[] = {
  "Müller", "Meier", "Schmid", "Keller", "Weber", "Huber", "Schneider", "Meyer",
  "Steiner", "Fischer", "Gerber", "Brunner", "Baumann", "Frei", "Zimmermann", "Moser",
  "Widmer", "Wyss", "Graf", "Roth", "Rossi", "Bianchi", "Ferrari", "Russo",
  "Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Yılmaz", "Kaya",
  "Demir", "Şahin", "Kovačević", "Horvat", "Petrović", "Nguyễn", "Tran", "Kowalski",
  "Nowak", "Krasniqi", "Berisha", "Gashi", "Hoxha", "García", "Martínez", "López",
  "Dubois", "Lefèvre",
};

static const char * const first_names[] = {
  "Anna", "Maria", "Laura", "Sara", "Lea", "Elena", "Sofia", "Mia", "Lina", "Emma",
  "Luca", "Noah", "Leon", "David", "Marco", "Jonas", "Elias", "Ahmet", "Mehmet", "Ana",
  "João", "Pedro", "Ines", "Fatma", "Ayşe", "Arben", "Blerta", "Thi Lan", "Minh", "Piotr",
  "Zoë", "Chloé", "Björn", "Agnieszka", "Dragana", "Ivan", "Olga", "Carmen", "José", "Lucía",
};

static const char * const states[] = { "draft", "complete", "submitted", "in-review", "closed" };

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static char *
random_digits (GRand *rand,
               guint  n)
{
  char *digits = g_malloc (n + 1);

  for (guint i = 0; i < n; i++)
    digits[i] = '0' + g_rand_int_range (rand, 0, 10);
  digits[n] = '\0';

  return digits;
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

/* Fills the store in one transaction, with the same display names and
 * search text the store itself would write. */
static gboolean
generate_cases (SchStore *store)
{
  sqlite3 *db = sch_store_get_db (store);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GHashTable) rare = g_hash_table_new (NULL, NULL);
  sqlite3_stmt *insert = NULL;
  sqlite3_stmt *fts = NULL;
  gint64 modified = g_get_real_time () - (gint64) N_CASES * G_USEC_PER_SEC;
  gboolean ok = TRUE;

  while (g_hash_table_size (rare) < N_RARE)
    g_hash_table_add (rare, GUINT_TO_POINTER (g_rand_int_range (rand, 0, N_CASES)));

  if (!check (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), SQLITE_OK, "BEGIN") ||
      !check (db, sqlite3_prepare_v2 (db,
                                      "INSERT INTO cases (uuid, type_code, state, created, modified,"
                                      " reference, display_name, data) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                                      -1, &insert, NULL), SQLITE_OK, "prepare") ||
      !check (db, sqlite3_prepare_v2 (db, "INSERT INTO cases_fts (rowid, text) VALUES (?1, ?2)",
                                      -1, &fts, NULL), SQLITE_OK, "prepare"))
    return FALSE;

  for (guint i = 0; ok && i < N_CASES; i++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *ahv_digits = random_digits (rand, 10);
      g_autofree char *zemis_digits = random_digits (rand, 9);
      g_autofree char *ahv = NULL;
      g_autofree char *zemis = NULL;
      g_autofree char *reference = NULL;
      g_autofree char *display_name = NULL;
      g_autofree char *search_text = NULL;
      g_autofree char *data = NULL;
      g_autoptr(SchCase) kase = NULL;
      const char *state = states[g_rand_int_range (rand, 0, G_N_ELEMENTS (states))];
      const char *surname = g_hash_table_contains (rare, GUINT_TO_POINTER (i))
                            ? RARE_SURNAME
                            : surnames[g_rand_int_range (rand, 0, G_N_ELEMENTS (surnames))];

      ahv = g_strdup_printf ("756.%.4s.%.4s.%.2s", ahv_digits, ahv_digits + 4, ahv_digits + 8);
      zemis = g_strdup_printf ("%.8s.%.1s", zemis_digits, zemis_digits + 8);
      if (!g_str_equal (state, "draft") && !g_str_equal (state, "complete"))
        reference = g_strdup_printf ("SG-%u-%05u", 2020 + i % 7, i);

      kase = sch_case_new_full (uuid, "B-EMPLOYED", SCH_CASE_STATE_DRAFT, modified, modified,
                                reference, NULL, NULL);
      sch_case_set_value (kase, "person", 0, "official_name", surname);
      sch_case_set_value (kase, "person", 0, "first_names",
                          first_names[g_rand_int_range (rand, 0, G_N_ELEMENTS (first_names))]);
      sch_case_set_value (kase, "person", 0, "date_of_birth", "1985-04-12");
      sch_case_set_value (kase, "person", 0, "sex", g_rand_boolean (rand) ? "1" : "2");
      sch_case_set_value (kase, "person", 0, "nationality", "PT");
      sch_case_set_value (kase, "person", 0, "ahv", ahv);
      sch_case_set_value (kase, "person", 0, "zemis", zemis);
      sch_case_set_value (kase, "address", 0, "street", "Bahnhofstrasse");
      sch_case_set_value (kase, "address", 0, "house_number", "12");
      sch_case_set_value (kase, "address", 0, "postal_code", "9000");
      sch_case_set_value (kase, "address", 0, "town", "St. Gallen");
      sch_case_set_value (kase, "address", 0, "municipality", "3203");

      display_name = sch_case_dup_display_name (kase);
      search_text = sch_case_dup_search_text (kase);
      data = sch_case_dup_data_json (kase);

      sqlite3_bind_text (insert, 1, uuid, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 2, "B-EMPLOYED", -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 3, state, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 4, modified++);
      sqlite3_bind_text (insert, 5, reference, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 6, display_name, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 7, data, -1, SQLITE_STATIC);
      ok = check (db, sqlite3_step (insert), SQLITE_DONE, "INSERT");
      sqlite3_reset (insert);

      sqlite3_bind_int64 (fts, 1, sqlite3_last_insert_rowid (db));
      sqlite3_bind_text (fts, 2, search_text, -1, SQLITE_STATIC);
      ok = ok && check (db, sqlite3_step (fts), SQLITE_DONE, "INSERT");
      sqlite3_reset (fts);
    }

  sqlite3_finalize (insert);
  sqlite3_finalize (fts);

  return ok && check (db, sqlite3_exec (db, "COMMIT", NULL, NULL, NULL), SQLITE_OK, "COMMIT");
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
  if (!generate_cases (store))
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
