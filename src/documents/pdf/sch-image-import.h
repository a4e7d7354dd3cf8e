/* sch-image-import.h: import limits and JPEG, PNG and TIFF files as pages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sch-pdf-error.h"
#include "sch-pdf-inspector.h"
#include "sch-slot-page.h"

G_BEGIN_DECLS

/* Images above this many pixels are refused before they are decoded: a
 * 600 dpi A3 scan has 70 million. */
#define SCH_IMPORT_MAX_PIXELS (80u * 1000u * 1000u)

/**
 * SchImportLimits:
 * @max_file_bytes: size limit of one file; 0 for none
 * @max_pages: page limit of one document; 0 for none
 * @max_case_bytes: limit of all files of a case together; 0 for none
 *
 * The limits of the settings. They are checked before anything is
 * stored, each with a message that names it.
 */
typedef struct {
  guint64 max_file_bytes;
  guint max_pages;
  guint64 max_case_bytes;
} SchImportLimits;

const char *sch_import_sniff_media_type        (GBytes                *bytes);
gboolean    sch_import_check_file              (const SchImportLimits *limits,
                                                const char            *display_name,
                                                guint64                file_bytes,
                                                guint64                case_bytes,
                                                GError               **error);
gboolean    sch_import_check_pages             (const SchImportLimits *limits,
                                                const char            *display_name,
                                                guint                  n_pages,
                                                guint                  slot_pages,
                                                GError               **error);
gboolean    sch_import_check_scanned_page      (const SchImportLimits *limits,
                                                guint64                page_bytes,
                                                guint                  slot_pages,
                                                guint64                case_bytes,
                                                GError               **error);
void        sch_image_import_with_helper_async (SchPdfInspector       *inspector,
                                                GBytes                *bytes,
                                                const char            *display_name,
                                                const SchImportLimits *limits,
                                                guint64                case_bytes,
                                                guint                  slot_pages,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
void        sch_image_import_async             (GBytes                *bytes,
                                                const char            *display_name,
                                                const SchImportLimits *limits,
                                                guint64                case_bytes,
                                                GCancellable          *cancellable,
                                                GAsyncReadyCallback    callback,
                                                gpointer               user_data);
GPtrArray  *sch_image_import_finish            (GAsyncResult          *result,
                                                GError               **error);

G_END_DECLS
