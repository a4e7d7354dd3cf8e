#include "config.h"

#include <sqlite3.h>

#include "bench-cases.h"

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
gboolean
bench_generate_cases (SchStore *store)
{
  sqlite3 *db = sch_store_get_db (store);
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260101);
  g_autoptr(GHashTable) rare = g_hash_table_new (NULL, NULL);
  sqlite3_stmt *insert = NULL;
  sqlite3_stmt *fts = NULL;
  gint64 modified = g_get_real_time () - (gint64) BENCH_N_CASES * G_USEC_PER_SEC;
  gboolean ok = TRUE;

  while (g_hash_table_size (rare) < BENCH_N_RARE)
    g_hash_table_add (rare, GUINT_TO_POINTER (g_rand_int_range (rand, 0, BENCH_N_CASES)));

  if (!check (db, sqlite3_exec (db, "BEGIN", NULL, NULL, NULL), SQLITE_OK, "BEGIN") ||
      !check (db, sqlite3_prepare_v2 (db,
                                      "INSERT INTO cases (uuid, type_code, state, created, modified,"
                                      " reference, display_name, data) VALUES (?1, ?2, ?3, ?4, ?4, ?5, ?6, ?7)",
                                      -1, &insert, NULL), SQLITE_OK, "prepare") ||
      !check (db, sqlite3_prepare_v2 (db, "INSERT INTO cases_fts (rowid, text) VALUES (?1, ?2)",
                                      -1, &fts, NULL), SQLITE_OK, "prepare"))
    return FALSE;

  for (guint i = 0; ok && i < BENCH_N_CASES; i++)
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
                            ? BENCH_RARE_SURNAME
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

