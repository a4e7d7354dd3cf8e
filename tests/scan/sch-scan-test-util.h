/* Shared by the scan tests and the scan benchmark: a private SANE
 * configuration with the `test` backend, and running a job to its end. */
#pragma once

#include "sch-scanner.h"

G_BEGIN_DECLS

/* Makes a temporary SANE configuration folder whose dll.conf lists
 * @backend (NULL: no backend at all) and points SANE_CONFIG_DIR at it.
 * The test backend's test.conf is copied from /etc/sane.d when present and
 * its scan area widened to 300 mm, so an A4 page fits. Call before the
 * scanner's first request. Returns the folder, for sch_scan_test_remove_config(). */
char *sch_scan_test_make_config (const char *backend);
void  sch_scan_test_remove_config (char *dir);

/* Keeps SANE's test backend loaded after sane_exit(), so LeakSanitizer can
 * name its frames (.ci/lsan.supp suppresses what it leaks). */
void  sch_scan_test_keep_backend_loaded (void);

/* Queues @request and iterates the thread-default main context until the
 * job has finished. */
SchScanJob *sch_scan_test_run (SchScanner *scanner, const SchScanRequest *request);

/* Drops the last reference to @scanner and iterates the main context until it
 * is finalized (results on their way still hold it). */
void sch_scan_test_drop_scanner (SchScanner *scanner);

G_END_DECLS
