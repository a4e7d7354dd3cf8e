/* Scanning pages into a document slot: the scanner, its source, resolution
 * and mode, progress per page and Cancel. Each page is announced as soon as
 * it is scanned, so it can be stored and shown while the run goes on.
 *
 * signal "page-scanned"  (SchScanDialog *dialog, SchScannedPage *page)
 * signal "scan-finished" (SchScanDialog *dialog, guint n_pages) */
#pragma once

#include <adwaita.h>

#include "sch-scanner.h"

G_BEGIN_DECLS

#define SCH_TYPE_SCAN_DIALOG (sch_scan_dialog_get_type ())
G_DECLARE_FINAL_TYPE (SchScanDialog, sch_scan_dialog, SCH, SCAN_DIALOG, AdwWindow)

/* The process's one scanner (SANE allows one user per process), made on
 * first use and released with the last reference. */
SchScanner    *sch_scan_dialog_dup_scanner (void);

/* @settings (may be NULL) keeps the last scanner, resolution and mode;
 * @slot_title names the document the pages go to. */
SchScanDialog *sch_scan_dialog_new         (GtkWindow   *parent,
                                            SchScanner  *scanner,
                                            GSettings   *settings,
                                            const char  *slot_title);
gboolean       sch_scan_dialog_is_scanning (SchScanDialog *self);
/* From a "page-scanned" handler: the page is not kept (a limit was reached);
 * the scanner stops, later pages are dropped, and the dialog says @reason
 * and how many pages were kept. */
void           sch_scan_dialog_refuse_page (SchScanDialog *self,
                                            const GError  *reason);
/* The sentence the dialog shows about the last step (devices, progress, errors). */
const char    *sch_scan_dialog_get_status  (SchScanDialog *self);

G_END_DECLS
