/* sch-pdf-scan.h: finds the names of active content in a PDF's bytes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only the helper (and the fuzz target) link this. It reads names as a PDF
 * reader does (#xx escapes decoded) in the file and in every stream it can
 * decode (Flate and LZW with predictors, ASCIIHex, ASCII85, RunLength, and
 * chains of them), so that an object stream cannot hide an action. It tells
 * the clerk what a file holds; what is stored is rewritten by the helper
 * anyway, so a file that fools the scan still sends nothing active onwards.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Decoded stream bytes scanned per file at most: a hostile file cannot make
 * the helper inflate without end; its CPU limit bounds the rest. */
#define SCH_PDF_SCAN_BUDGET ((gsize) 512 * 1024 * 1024)
/* Decoded bytes of one stream at most. */
#define SCH_PDF_SCAN_STREAM_MAX ((gsize) 64 * 1024 * 1024)

guint    sch_pdf_scan_active_content (const guint8 *data,
                                      gsize         size);
gboolean sch_pdf_scan_has_name       (const guint8 *data,
                                      gsize         size,
                                      const char   *name);

G_END_DECLS
