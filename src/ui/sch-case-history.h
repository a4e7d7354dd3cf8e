/* The history of a case: where it stands with the migration office (the
 * reference, calls still queued, the last error), the status history the
 * office reported, and the local journal. */
#pragma once

#include <adwaita.h>
#include "sch-app-type.h"
#include "sch-case.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE_HISTORY (sch_case_history_get_type ())
G_DECLARE_FINAL_TYPE (SchCaseHistory, sch_case_history, SCH, CASE_HISTORY, GtkWidget)

GtkWidget *sch_case_history_new      (void);
/* @store and @kase may be NULL (no case open); @type names the case's
 * documents in the journal (NULL: a type the catalog does not have). */
void       sch_case_history_set_case (SchCaseHistory *self,
                                      SchStore       *store,
                                      SchCase        *kase,
                                      SchAppType     *type);
/* Reads the history again (after the engine reported a change). */
void       sch_case_history_refresh  (SchCaseHistory *self);

G_END_DECLS
