#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_WINDOW (sch_window_get_type ())
G_DECLARE_FINAL_TYPE (SchWindow, sch_window, SCH, WINDOW, AdwApplicationWindow)

/* @store and @catalog are construct-only properties. */
SchWindow *sch_window_new (GtkApplication *app, SchStore *store, SchCatalog *catalog);
/* Opens the case in the editor and selects it in the list. */
void       sch_window_open_case (SchWindow *self, const char *uuid);
/* Shows a toast. */
void       sch_window_toast (SchWindow *self, const char *message);

G_END_DECLS
