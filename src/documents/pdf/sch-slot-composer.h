/* sch-slot-composer.h: compose the pages of a document slot into one PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "sch-pdf-inspector.h"
#include "sch-slot-page.h"

G_BEGIN_DECLS

/* The fixed creation date of every composed PDF: a date of the moment of
 * composing would make the same pages give a different file (and sha256). */
#define SCH_SLOT_COMPOSER_DATE "2000-01-01T00:00:00Z"

/**
 * SchSlotPdfDrawer:
 * @page: a page of kind %SCH_SLOT_PAGE_PDF
 * @cr: where to draw the page unrotated at its size in points, or %NULL
 *   when only its size is asked for
 * @width_pt: (out): the page width in points, without @page's rotation
 * @height_pt: (out): the page height in points, without @page's rotation
 *
 * Draws pages of PDFs; only the PDF helper has one, as PDFs are not
 * opened in the app's own process.
 */
typedef gboolean (*SchSlotPdfDrawer) (const SchSlotPage *page,
                                      cairo_t           *cr,
                                      double            *width_pt,
                                      double            *height_pt,
                                      gpointer           user_data,
                                      GError           **error);

GBytes          *sch_slot_composer_render          (GPtrArray           *pages,
                                                    SchSlotPdfDrawer     pdf_drawer,
                                                    gpointer             user_data,
                                                    GError             **error);
cairo_surface_t *sch_slot_page_load_image          (const SchSlotPage   *page,
                                                    GError             **error);
void             sch_slot_composer_compose_async   (GPtrArray           *pages,
                                                    SchPdfInspector     *inspector,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GBytes          *sch_slot_composer_compose_finish  (GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
