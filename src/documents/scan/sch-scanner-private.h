/* For tests and benchmarks only: not part of the UI's API. */
#pragma once

#include <sane/sane.h>

#include "sch-scanner.h"

G_BEGIN_DECLS

/* Called on the scan thread with the open device before sane_start() of each
 * page (@page_number from 1, @started FALSE) and again once it has started
 * (@started TRUE), so a test can set a backend option mid-run, e.g. the test
 * backend's "read-return-value". Set it before queueing the scan. */
typedef void (*SchScanPageHook) (SANE_Handle handle, guint page_number, gboolean started,
                                 gpointer user_data);

void sch_scanner_set_page_hook (SchScanner *self, SchScanPageHook hook, gpointer user_data);

/* Sets option @name of @handle to @value (a string, or a number for
 * bool/int/fixed options); returns FALSE if the device has no such option
 * or rejects it. Scan thread only. */
gboolean sch_scanner_set_sane_option (SANE_Handle handle, const char *name, const char *value);

G_END_DECLS
