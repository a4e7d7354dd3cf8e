/* A GListModel of SchCaseSummary over the store, newest change first. It
 * counts the matching rows and reads pages of rows on demand: it never loads
 * every case. It refreshes itself when the store reports a change. */
#pragma once

#include <gio/gio.h>
#include "sch-case-summary.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE_LIST (sch_case_list_get_type ())
G_DECLARE_FINAL_TYPE (SchCaseList, sch_case_list, SCH, CASE_LIST, GObject)

SchCaseList *sch_case_list_new (SchStore *store);

/* Full-text search over names, ZEMIS, AHV (with or without dots) and the
 * reference; NULL or "" shows all. */
void         sch_case_list_set_search       (SchCaseList *self, const char *text);
const char  *sch_case_list_get_search       (SchCaseList *self);
/* Only cases in @state; SCH_N_CASE_STATES shows all. */
void         sch_case_list_set_state_filter (SchCaseList *self, SchCaseState state);
/* Re-counts and drops cached pages; emits items-changed. */
void         sch_case_list_refresh          (SchCaseList *self);
/* Position of @uuid in the current view, or G_MAXUINT. */
guint        sch_case_list_find             (SchCaseList *self, const char *uuid);

G_END_DECLS
