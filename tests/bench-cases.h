/* 100,000 realistic cases written straight into a store's database, for the
 * case list benchmarks (bench-case-list and bench-window). */
#pragma once

#include "sch-store.h"

#define BENCH_N_CASES 100000
#define BENCH_N_RARE 50
#define BENCH_RARE_SURNAME "Zwygart"

/* Fills @store in one transaction, with the display names and search text
 * the store itself would write; BENCH_N_RARE cases have BENCH_RARE_SURNAME. */
gboolean bench_generate_cases (SchStore *store);
