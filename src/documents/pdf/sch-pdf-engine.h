/* sch-pdf-engine.h: what schalter-pdf-helper does with one request
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only the helper (and the fuzz target) link this: it opens PDFs with
 * poppler, which the app itself never does.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Largest request the helper reads: above every sensible file limit. */
#define SCH_PDF_ENGINE_MAX_REQUEST ((gsize) 512 * 1024 * 1024)

GBytes *sch_pdf_engine_handle         (GBytes *request);
GBytes *sch_pdf_engine_error_response (const char *code);

/* Called with the number of pages done so far each time a page has been
 * rendered, composed, flattened or decoded; for the tests of a helper
 * that stops in the middle of its work. */
typedef void (*SchPdfEnginePageHook) (guint n_pages_done);

void    sch_pdf_engine_set_page_hook  (SchPdfEnginePageHook hook);
void    sch_pdf_engine_page_done      (void);

G_END_DECLS
