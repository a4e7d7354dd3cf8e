/* One field of the form: label, input (entry, date, dropdown) and the
 * validation message under it. */
#pragma once

#include <gtk/gtk.h>
#include "sch-app-type.h"

G_BEGIN_DECLS

#define SCH_TYPE_FIELD_ROW (sch_field_row_get_type ())
G_DECLARE_FINAL_TYPE (SchFieldRow, sch_field_row, SCH, FIELD_ROW, GtkWidget)

/* @field is owned by the catalog and must outlive the row. */
GtkWidget      *sch_field_row_new        (const SchField *field, const char *group_id, guint index);
const SchField *sch_field_row_get_field  (SchFieldRow *self);
const char     *sch_field_row_get_group  (SchFieldRow *self);
guint           sch_field_row_get_index  (SchFieldRow *self);
/* The value as typed (not emitting ::value-changed). */
void            sch_field_row_set_value  (SchFieldRow *self, const char *value);
char           *sch_field_row_dup_value  (SchFieldRow *self);
/* Shows @message under the field (NULL hides it) and marks the input invalid. */
void            sch_field_row_set_error  (SchFieldRow *self, const char *message);
/* The widget that takes the keyboard focus. */
GtkWidget      *sch_field_row_get_input  (SchFieldRow *self);

/* Read-only rows show the value but do not let the clerk change it. */
void            sch_field_row_set_editable (SchFieldRow *self, gboolean editable);
/* Whether the input has lost the keyboard focus once (or was marked so):
 * only then is an empty required field reported. */
gboolean        sch_field_row_get_touched  (SchFieldRow *self);
void            sch_field_row_set_touched  (SchFieldRow *self, gboolean touched);
/* The message shown under the field, or NULL. */
const char     *sch_field_row_get_error    (SchFieldRow *self);

/* signal "value-changed" (SchFieldRow *row): the clerk changed the value. */
/* signal "activate-next" (SchFieldRow *row): Enter pressed: focus the next field. */
/* signal "focus-left" (SchFieldRow *row): the input lost the keyboard focus. */

G_END_DECLS
