/* The catalog of application types: built-in JSON from the GResource plus
 * override files of the office. A broken override file is skipped whole and
 * reported; the built-in catalog always loads. */
#pragma once

#include <gio/gio.h>
#include "sch-app-type.h"

G_BEGIN_DECLS

#define SCH_CATALOG_ERROR (sch_catalog_error_quark ())
GQuark sch_catalog_error_quark (void);

typedef enum {
  SCH_CATALOG_ERROR_PARSE,             /* not JSON */
  SCH_CATALOG_ERROR_INVALID,           /* wrong structure / missing member */
  SCH_CATALOG_ERROR_UNKNOWN_VALIDATOR,
  SCH_CATALOG_ERROR_DUPLICATE_CODE,    /* the same code twice in one file */
  SCH_CATALOG_ERROR_MISSING_TITLE,
  SCH_CATALOG_ERROR_UNKNOWN_GROUP,     /* a type names a group that does not exist */
} SchCatalogError;

#define SCH_TYPE_CATALOG (sch_catalog_get_type ())
G_DECLARE_FINAL_TYPE (SchCatalog, sch_catalog, SCH, CATALOG, GObject)

/* An empty catalog. */
SchCatalog *sch_catalog_new (void);
/* The built-in catalog plus the override folders
 * ($XDG_CONFIG_DIRS/schalter/catalog.d, then $XDG_CONFIG_HOME/schalter/catalog.d);
 * later files override earlier types with the same code. Never fails: problems
 * with override files are in sch_catalog_get_problems(). */
SchCatalog *sch_catalog_new_default (void);

gboolean    sch_catalog_load_builtin (SchCatalog *self, GError **error);
/* Loads one file: all of its types or none. The error message names the file
 * and the JSON path inside it ("…/x.json: $.types[2].groups[0].fields[1]: unknown validator “ahvx”"). */
gboolean    sch_catalog_load_file    (SchCatalog *self, GFile *file, GError **error);
/* Loads every *.json in @dir in name order; problems are recorded, not returned. */
void        sch_catalog_load_dir     (SchCatalog *self, GFile *dir);

/* Problems met while loading, as translated messages naming file and path. */
GPtrArray  *sch_catalog_get_problems (SchCatalog *self);   /* char* */

SchAppType *sch_catalog_lookup       (SchCatalog *self, const char *code);
/* A GListModel of SchAppType, sorted by title in the UI language. */
GListModel *sch_catalog_get_types    (SchCatalog *self);

G_END_DECLS
