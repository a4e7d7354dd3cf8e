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

G_END_DECLS
