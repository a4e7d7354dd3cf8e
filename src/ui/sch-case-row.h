/* A row of the case list: name, type, state badge, last change. */
#pragma once

#include <gtk/gtk.h>
#include "sch-case-summary.h"
#include "sch-catalog.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE_ROW (sch_case_row_get_type ())
G_DECLARE_FINAL_TYPE (SchCaseRow, sch_case_row, SCH, CASE_ROW, GtkWidget)

GtkWidget *sch_case_row_new  (SchCatalog *catalog);
void       sch_case_row_bind (SchCaseRow *self, SchCaseSummary *summary);

G_END_DECLS
