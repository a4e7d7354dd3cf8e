/* sch-slot-render.h: the pages of a document slot drawn into one PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only the helper (and the fuzz target) link this: it decodes images and,
 * through its drawer, opens PDFs. The app asks for it with
 * sch_slot_composer_compose_async().
 */
#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "sch-slot-page.h"

G_BEGIN_DECLS

/**
 * SchSlotPdfDrawer:
 * @page: a page of kind %SCH_SLOT_PAGE_PDF
 * @cr: where to draw the page unrotated at its size in points, or %NULL
 *   when only its size is asked for
 * @width_pt: (out): the page width in points, without @page's rotation
 * @height_pt: (out): the page height in points, without @page's rotation
 *
 * Draws pages of PDFs.
 */
typedef gboolean (*SchSlotPdfDrawer) (const SchSlotPage *page,
                                      cairo_t           *cr,
                                      double            *width_pt,
                                      double            *height_pt,
                                      gpointer           user_data,
                                      GError           **error);

GBytes          *sch_slot_render                     (GPtrArray          *pages,
                                                      SchSlotPdfDrawer    pdf_drawer,
                                                      gpointer            user_data,
                                                      GError            **error);
cairo_surface_t *sch_slot_render_load_image          (const SchSlotPage  *page,
                                                      GError            **error);
cairo_surface_t *sch_slot_render_surface_from_pixbuf (GdkPixbuf          *pixbuf);

G_END_DECLS
