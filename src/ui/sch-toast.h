/* One message toast per overlay at a time: a new message replaces the text
 * of the toast still shown instead of queueing behind it. libadwaita 1.2
 * crashes (a freed toast in an animation's "done" handler) when toasts
 * queue up while the main loop is busy, e.g. during a scan or a print; the
 * clerk only needs the latest message anyway. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows @message (plain text, not markup) on @overlay. */
void sch_toast_show (AdwToastOverlay *overlay, const char *message);

G_END_DECLS
