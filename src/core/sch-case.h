/* A case: the captured values of one application, kept as JSON
 *   { "person": { "official_name": "…", … }, "family": [ { … }, { … } ], … }
 * Plain groups are objects, repeatable groups arrays of objects. Values are
 * strings as typed (normalised where the validator says so). */
#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include "sch-case-state.h"

G_BEGIN_DECLS

#define SCH_TYPE_CASE (sch_case_get_type ())
G_DECLARE_FINAL_TYPE (SchCase, sch_case, SCH, CASE, GObject)

/* A new draft with a fresh random UUID. */
SchCase      *sch_case_new            (const char *type_code);
/* As loaded from the store. @data_json may be NULL for an empty case. */
SchCase      *sch_case_new_full       (const char   *uuid,
                                       const char   *type_code,
                                       SchCaseState  state,
                                       gint64        created_usec,   /* g_get_real_time() */
                                       gint64        modified_usec,
                                       const char   *reference,     /* migration office's, may be NULL */
                                       const char   *data_json,
                                       GError      **error);

const char   *sch_case_get_uuid       (SchCase *self);
const char   *sch_case_get_type_code  (SchCase *self);
SchCaseState  sch_case_get_state      (SchCase *self);
void          sch_case_set_state      (SchCase *self, SchCaseState state);
gint64        sch_case_get_created    (SchCase *self);
gint64        sch_case_get_modified   (SchCase *self);
void          sch_case_set_modified   (SchCase *self, gint64 modified_usec);
const char   *sch_case_get_reference  (SchCase *self);
void          sch_case_set_reference  (SchCase *self, const char *reference);

/* @index is ignored for plain groups; for repeatable groups it selects the item.
 * Returns NULL when unset. */
const char   *sch_case_get_value      (SchCase *self, const char *group, guint index, const char *field);
/* Sets (or with NULL/"" removes) a value; emits ::changed when it differs. */
void          sch_case_set_value      (SchCase *self, const char *group, guint index, const char *field, const char *value);
guint         sch_case_get_n_items    (SchCase *self, const char *group);
/* Appends an empty item to a repeatable group; returns its index. Emits ::changed. */
guint         sch_case_add_item       (SchCase *self, const char *group);
void          sch_case_remove_item    (SchCase *self, const char *group, guint index);

/* "Official name, First names" of the applicant (person group), or NULL. */
char         *sch_case_dup_display_name (SchCase *self);
/* The searchable values (names, AHV and ZEMIS, also as digits only, the
 * reference) of every group and item, separated by spaces, for the search index. */
char         *sch_case_dup_search_text (SchCase *self);
/* Serialised data, as stored. */
char         *sch_case_dup_data_json  (SchCase *self);
/* Whether values changed since the last sch_case_mark_saved(). */
gboolean      sch_case_is_dirty       (SchCase *self);
void          sch_case_mark_saved     (SchCase *self);

/* signal "changed" (SchCase *kase): a value, an item or the reference changed. */

G_END_DECLS
