#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_APPLICATION (sch_application_get_type ())
G_DECLARE_FINAL_TYPE (SchApplication, sch_application, SCH, APPLICATION, AdwApplication)

SchApplication *sch_application_new         (void);
/* NULL until start-up opened the store (or when opening failed). */
SchStore       *sch_application_get_store   (SchApplication *self);
SchCatalog     *sch_application_get_catalog (SchApplication *self);
GSettings      *sch_application_get_settings (SchApplication *self);

G_END_DECLS
