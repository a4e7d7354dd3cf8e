/* Checks a case against its type: every field validated, every required
 * field present, repeatable groups within their limits. */
#pragma once

#include "sch-app-type.h"
#include "sch-case.h"

G_BEGIN_DECLS

typedef struct {
  char  *group;       /* group id */
  guint  index;       /* item index for repeatable groups, else 0 */
  char  *field;       /* field id; NULL for a problem of the whole group */
  char  *message;     /* translated sentence naming the field */
} SchCaseProblem;

void sch_case_problem_free (SchCaseProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchCaseProblem, sch_case_problem_free)

/* All problems, in form order; an empty array when the case can be marked
 * complete. @today as in sch_validate(). */
GPtrArray *sch_case_check (SchCase *kase, SchAppType *type, const GDate *today);

/* The group of problems about documents; their field is the slot id. */
#define SCH_CASE_PROBLEM_DOCUMENTS "documents"

/* Appends to @problems one problem per slot status (SchSlotStatus* from
 * sch_store_get_slot_status()) that keeps the case from being complete: a
 * required slot neither filled nor to follow, too few or too many pages. */
void       sch_case_check_documents (GPtrArray *statuses, GPtrArray *problems);

/* Validates one value of a field (requiredness included). */
gboolean   sch_case_check_field (const SchField *field, const char *value,
                                 const GDate *today, char **normalized, GError **error);

G_END_DECLS
