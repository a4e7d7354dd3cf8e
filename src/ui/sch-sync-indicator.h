/* The header bar's view of the sync engine: online or offline, cases
 * queued, bytes uploaded, the last successful sync, and a popover with
 * details and "Sync Now" (win.sync-now). */
#pragma once

#include <adwaita.h>
#include "sch-sync-engine.h"

G_BEGIN_DECLS

#define SCH_TYPE_SYNC_INDICATOR (sch_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (SchSyncIndicator, sch_sync_indicator, SCH, SYNC_INDICATOR, GtkWidget)

GtkWidget     *sch_sync_indicator_new        (void);
/* @engine may be NULL: no server is set up, the indicator hides. */
void           sch_sync_indicator_set_engine (SchSyncIndicator *self,
                                              SchSyncEngine    *engine);
SchSyncEngine *sch_sync_indicator_get_engine (SchSyncIndicator *self);
/* The one-line summary the button shows and reads out, e.g. "3 cases queued". */
const char    *sch_sync_indicator_get_summary (SchSyncIndicator *self);

G_END_DECLS
