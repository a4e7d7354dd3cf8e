/* The searchable list of application types for a new case. For a type not
 * filed here it says where it goes instead of starting a case. */
#pragma once

#include <adwaita.h>
#include "sch-catalog.h"

G_BEGIN_DECLS

#define SCH_TYPE_TYPE_CHOOSER (sch_type_chooser_get_type ())
G_DECLARE_FINAL_TYPE (SchTypeChooser, sch_type_chooser, SCH, TYPE_CHOOSER, AdwWindow)

SchTypeChooser *sch_type_chooser_new (GtkWindow *parent, SchCatalog *catalog);

/* signal "type-chosen" (SchTypeChooser *chooser, SchAppType *type):
 * emitted for a type filed here; the chooser then closes itself. */

G_END_DECLS
