/* Reference code lists loaded from data (eCH-0007 municipalities, eCH-0008
 * countries, eCH-0006 permit categories). Loaded once, lazily, thread-safe. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  guint       bfs;        /* BFS municipality number, e.g. 3203 */
  const char *name;       /* "St. Gallen" */
  const char *canton;     /* "SG" */
} SchMunicipality;

typedef struct {
  const char *iso2;       /* ISO 3166-1 alpha-2, the key: "IT" */
  guint       bfs;        /* eCH-0008 BFS country code, e.g. 8218; 0 if none */
  const char *name_en;
  const char *name_de;
  const char *name_fr;
  const char *name_it;
} SchCountry;

typedef struct {
  const char *code;       /* eCH-0006 code: "02", "0201", "070101" */
  const char *name_en;
  const char *name_de;
  const char *name_fr;
  const char *name_it;
} SchPermitCategory;

const SchMunicipality   *sch_refdata_lookup_municipality (guint bfs);
const SchMunicipality   *sch_refdata_get_municipalities  (guint *n_municipalities);
const SchCountry        *sch_refdata_lookup_country      (const char *iso2);      /* case-insensitive */
const SchCountry        *sch_refdata_lookup_country_bfs  (guint bfs);
const SchCountry        *sch_refdata_get_countries       (guint *n_countries);    /* sorted by English name */
const SchPermitCategory *sch_refdata_lookup_permit       (const char *code);
const SchPermitCategory *sch_refdata_get_permits         (guint *n_permits);

/* The name in @lang ("de", "fr", "it", "en"; NULL = the UI's language). */
const char *sch_country_get_name (const SchCountry *country, const char *lang);
const char *sch_permit_category_get_name (const SchPermitCategory *permit, const char *lang);

/* The UI language as one of "de", "fr", "it", "en" (from g_get_language_names). */
const char *sch_ui_language (void);

G_END_DECLS
