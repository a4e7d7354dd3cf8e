#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SCH_TYPE_PREFERENCES_WINDOW (sch_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SchPreferencesWindow, sch_preferences_window, SCH, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* Edits @settings (the app's GSettings). */
GtkWidget *sch_preferences_window_new (GtkWindow *parent, GSettings *settings);

G_END_DECLS
