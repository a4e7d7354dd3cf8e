/* Realistic case data for print tests and the benchmark. */
#pragma once

#include "sch-catalog.h"
#include "sch-case.h"
#include "sch-print-context.h"

G_BEGIN_DECLS

#define TEST_APPLICANT_NAME "Dürrenmatt-Çelik"
#define TEST_APPLICANT_FIRST "Zoë Ágnes"
#define TEST_ORIGINAL_NAME "Παπαδοπούλου"
#define TEST_AHV "756.1234.5678.97"
#define TEST_ZEMIS "12345678.9"
#define TEST_N_FAMILY 8
#define TEST_OFFICE "Einwohneramt Rapperswil-Jona"
#define TEST_CLERK "Anna Müller-Keller"

/* The office of the tests, printing in @lang at a fixed time. */
SchPrintContext *test_print_context_new (const char *lang);
/* A case of @type with every field filled; family reunification gets
 * TEST_N_FAMILY members, other repeatable groups one item. */
SchCase         *test_case_new          (SchAppType *type);
/* The 100-character street of the test cases. */
const char      *test_long_street       (void);
/* Names of family member @index (official name, first names). */
void             test_family_name       (guint index, const char **official, const char **first);
/* The received / to-follow list for the receipt: every slot of @type, the
 * first half received. SchPrintDocEntry*. */
GPtrArray       *test_documents_new     (SchAppType *type, const char *lang);

G_END_DECLS
