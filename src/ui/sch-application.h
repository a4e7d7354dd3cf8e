#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-store.h"
#include "sch-sync-engine.h"

G_BEGIN_DECLS

#define SCH_TYPE_APPLICATION (sch_application_get_type ())
G_DECLARE_FINAL_TYPE (SchApplication, sch_application, SCH, APPLICATION, AdwApplication)

SchApplication *sch_application_new         (void);
/* NULL until start-up opened the store (or when opening failed). */
SchStore       *sch_application_get_store   (SchApplication *self);
SchCatalog     *sch_application_get_catalog (SchApplication *self);
GSettings      *sch_application_get_settings (SchApplication *self);
/* The engine that syncs with the migration office; NULL when the store did not open. */
SchSyncEngine  *sch_application_get_sync_engine (SchApplication *self);
/* Reads the workstation token from the keyring again (after Preferences stored one). */
void            sch_application_reload_token (SchApplication *self);

G_END_DECLS
