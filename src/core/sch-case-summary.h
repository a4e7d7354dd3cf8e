/* One row of the case list: what the list shows, not the whole case. */
#pragma once

#include <glib-object.h>
#include "sch-case-state.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE_SUMMARY (sch_case_summary_get_type ())
G_DECLARE_FINAL_TYPE (SchCaseSummary, sch_case_summary, SCH, CASE_SUMMARY, GObject)

SchCaseSummary *sch_case_summary_new (const char *uuid, const char *type_code, SchCaseState state,
                                      const char *display_name, const char *reference,
                                      gint64 modified_usec);

const char   *sch_case_summary_get_uuid         (SchCaseSummary *self);
const char   *sch_case_summary_get_type_code    (SchCaseSummary *self);
SchCaseState  sch_case_summary_get_state        (SchCaseSummary *self);
const char   *sch_case_summary_get_display_name (SchCaseSummary *self);  /* may be NULL */
const char   *sch_case_summary_get_reference    (SchCaseSummary *self);  /* may be NULL */
gint64        sch_case_summary_get_modified     (SchCaseSummary *self);

G_END_DECLS
