/* One page of a slot at a readable size: zoom, fit to width and paging
 * through the slot with the keyboard. */
#pragma once

#include <adwaita.h>

#include "sch-page-thumbnail.h"

G_BEGIN_DECLS

#define SCH_TYPE_PAGE_VIEWER (sch_page_viewer_get_type ())
G_DECLARE_FINAL_TYPE (SchPageViewer, sch_page_viewer, SCH, PAGE_VIEWER, AdwWindow)

/* Shows @pages[@index] (SchPage*) of the slot titled @slot_title. */
SchPageViewer *sch_page_viewer_new       (GtkWindow         *parent,
                                          SchThumbnailCache *cache,
                                          GPtrArray         *pages,
                                          guint              index,
                                          const char        *slot_title);
guint          sch_page_viewer_get_index (SchPageViewer *self);
/* 1.0 shows the page 800 pixels wide. */
double         sch_page_viewer_get_zoom  (SchPageViewer *self);

G_END_DECLS
