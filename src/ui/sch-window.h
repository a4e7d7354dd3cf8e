#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-store.h"
#include "sch-sync-engine.h"

G_BEGIN_DECLS

#define SCH_TYPE_WINDOW (sch_window_get_type ())
G_DECLARE_FINAL_TYPE (SchWindow, sch_window, SCH, WINDOW, AdwApplicationWindow)

/* @store and @catalog are construct-only properties. */
SchWindow *sch_window_new (GtkApplication *app, SchStore *store, SchCatalog *catalog);
/* Opens the case in the editor and selects it in the list; FALSE (and a
 * message to the clerk) if it could not be opened. */
gboolean   sch_window_open_case (SchWindow *self, const char *uuid);
/* Shows a toast. */
void       sch_window_toast (SchWindow *self, const char *message);
/* The engine whose state the header bar and banners show, and that
 * "Sync Now" and queueing wake; NULL for none. Windows of a SchApplication
 * take the application's. */
void       sch_window_set_sync_engine (SchWindow *self, SchSyncEngine *engine);

G_END_DECLS
