/* What a clerk types into a case editor: shared by the UI tests. */
#pragma once

#include <gtk/gtk.h>

#include "sch-app-type.h"
#include "sch-field-row.h"

G_BEGIN_DECLS

/* Every field row below @editor, in form order (free with g_ptr_array_unref). */
GPtrArray   *sch_test_clerk_rows       (GtkWidget   *editor);
/* The row of @field in item @index of @group; NULL if none. */
SchFieldRow *sch_test_clerk_find_row   (GtkWidget   *editor,
                                        const char  *group,
                                        guint        index,
                                        const char  *field);
/* Selects the item shown as @label; fails the test if there is none. */
void         sch_test_clerk_pick       (GtkDropDown *dropdown,
                                        const char  *label);
/* Fills one row through its widget with a valid value, as a clerk would. */
void         sch_test_clerk_fill_row   (SchFieldRow *row);
/* Adds two entries (or the minimum) to each repeatable group of @type. */
void         sch_test_clerk_add_items  (GtkWidget   *editor,
                                        SchAppType  *type);
/* What the form below @root shows, field by field: "group/index/field" to
 * the value in its canonical form. */
GHashTable  *sch_test_clerk_values        (GtkWidget   *root);
/* Fails the test unless the form below @root shows exactly @expected. */
void         sch_test_clerk_assert_values (GtkWidget   *root,
                                           GHashTable  *expected);

G_END_DECLS
