/* Helpers for UI tests under Xvfb. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* gtk_init(), loads the app's resources and style; call after g_test_init(). */
void      sch_test_ui_init            (void);
/* Runs the main loop until idle, then at least @ms milliseconds more. */
void      sch_test_ui_wait            (guint ms);
/* Runs the main loop until @done is TRUE or @timeout_ms passed; FALSE on timeout. */
gboolean  sch_test_ui_wait_for        (gboolean *done, guint timeout_ms);
/* Saves a PNG of @widget's window to $SCHALTER_ARTIFACTS/<name>.png and returns the path. */
char     *sch_test_ui_save_screenshot (GtkWidget *widget, const char *name);
/* A fresh temporary folder for a database; removed by the caller. */
char     *sch_test_ui_make_tmpdir     (void);
/* The first descendant of @root (depth-first) of @type whose accessible label,
 * GtkWidget name or label text equals @name; NULL if none. */
GtkWidget *sch_test_ui_find           (GtkWidget *root, GType type, const char *name);
/* Fails the test, naming each one, if a control shown below @root (a
 * button, entry, dropdown, switch, check or spin button, text view) has no
 * name a screen reader can say. */
void      sch_test_ui_assert_labelled (GtkWidget *root);
/* Types @text into @editable as a user would (replacing its contents). */
void      sch_test_ui_type            (GtkWidget *editable, const char *text);
/* Activates an action on @widget ("win.new-case", "app.quit"...). */
gboolean  sch_test_ui_activate        (GtkWidget *widget, const char *action, GVariant *param);

/* A plain scanned page of @width × @height pixels in one colour, as PNG data. */
GBytes   *sch_test_ui_page_png        (int width, int height, double red, double green, double blue);
/* Writes @bytes to @dir/@name and returns that file. */
GFile    *sch_test_ui_write_file      (const char *dir, const char *name, GBytes *bytes);
/* Sets @value (G_VALUE_INIT) to a GdkFileList of the NULL-terminated files. */
void      sch_test_ui_set_files       (GValue *value, GFile *first, ...) G_GNUC_NULL_TERMINATED;
/* Drops @value on @widget's drop target as GTK does when the pointer lets go
 * there; fails the test if the target does not offer @value's type. Returns
 * whether the drop was accepted. */
gboolean  sch_test_ui_drop            (GtkWidget *widget, const GValue *value);

G_END_DECLS
