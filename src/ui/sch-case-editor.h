/* The form of one case, generated from its application type. Saves every
 * change by itself (debounced, at most one second late). */
#pragma once

#include <adwaita.h>
#include "sch-app-type.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE_EDITOR (sch_case_editor_get_type ())
G_DECLARE_FINAL_TYPE (SchCaseEditor, sch_case_editor, SCH, CASE_EDITOR, AdwBin)

GtkWidget *sch_case_editor_new       (void);
/* Shows @kase (of @type) saved in @store; NULLs show nothing. Saves the
 * previous case first. */
void       sch_case_editor_set_case  (SchCaseEditor *self, SchStore *store, SchCase *kase, SchAppType *type);
SchCase   *sch_case_editor_get_case  (SchCaseEditor *self);
/* Saves pending changes now (on switching cases, closing the window). */
/* The open case's state changed outside the editor (the sync engine). */
void           sch_case_editor_refresh_state (SchCaseEditor *self);
gboolean   sch_case_editor_flush     (SchCaseEditor *self, GError **error);
/* Moves the keyboard focus to the first field (or the first invalid one). */
void       sch_case_editor_focus_first (SchCaseEditor *self);

G_END_DECLS
