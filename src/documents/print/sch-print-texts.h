/* The fixed phrases of printed documents in the print language, from the
 * resource print-texts.json (data/catalog). Internal to the print library. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The phrase @key in @lang (falling back to English, then German). */
const char *sch_print_text        (const char *key, const char *lang);
/* The phrase with each "{name}" replaced: pairs of name, value, then NULL. */
char       *sch_print_text_expand (const char *key, const char *lang, ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
