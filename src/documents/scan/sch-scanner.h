/* Scanning through SANE, without blocking the caller.
 *
 * One SchScanner per process (create it once, e.g. in the application): it
 * starts a worker thread that calls sane_init() and owns every sane_* call
 * from then on; requests are queued to it in order. Results and job signals
 * are delivered on the thread-default GMainContext of the thread that made
 * the request (the main loop for the UI), so the caller never blocks, also
 * not while devices are probed (which can take seconds for network scanners).
 *
 *   scanner = sch_scanner_new ();
 *   sch_scanner_list_devices_async (scanner, cancellable, on_devices, self);
 *   ... in on_devices: devices = sch_scanner_list_devices_finish (scanner, result, &error);
 *       (an empty array means "no scanner found": not an error)
 *
 *   SchScanRequest req = { .device = "test:0", .source = SCH_SCAN_SOURCE_ADF,
 *                          .mode = SCH_SCAN_MODE_GRAY, .dpi = 300 };
 *   job = sch_scanner_scan (scanner, &req, cancellable);
 *   g_signal_connect (job, "page-done", G_CALLBACK (on_page), self);
 *   g_signal_connect (job, "finished", G_CALLBACK (on_finished), self);
 *   ... sch_scan_job_cancel (job) stops the device; pages already done are kept.
 */
#pragma once

#include <gio/gio.h>

#include "sch-scanned-page.h"

G_BEGIN_DECLS

#define SCH_SCAN_ERROR (sch_scan_error_quark ())
GQuark sch_scan_error_quark (void);

/* Every message is a translated sentence a clerk can act on. A cancelled
 * scan finishes with G_IO_ERROR_CANCELLED instead. */
typedef enum {
  SCH_SCAN_ERROR_NO_DEVICE,        /* no scanner is connected at all */
  SCH_SCAN_ERROR_DEVICE_VANISHED,  /* the chosen scanner is gone or stopped answering */
  SCH_SCAN_ERROR_BUSY,             /* in use by another program */
  SCH_SCAN_ERROR_ACCESS_DENIED,
  SCH_SCAN_ERROR_JAMMED,
  SCH_SCAN_ERROR_COVER_OPEN,
  SCH_SCAN_ERROR_FEEDER_EMPTY,     /* no document in the feeder / on the glass */
  SCH_SCAN_ERROR_UNSUPPORTED,      /* e.g. an ADF run on a scanner without a feeder */
  SCH_SCAN_ERROR_FAILED,
} SchScanError;

#define SCH_SCAN_DEFAULT_JPEG_QUALITY 75

/* What to scan. The strings are copied by sch_scanner_scan(). */
typedef struct {
  const char   *device;          /* SANE name from SchScanDevice; NULL: the first device */
  SchScanSource source;
  SchScanMode   mode;
  guint         dpi;             /* 150, 200 or 300; the nearest the device has is used */
  guint         jpeg_quality;    /* 1–100; 0: SCH_SCAN_DEFAULT_JPEG_QUALITY */
  double        page_width_mm;   /* scan area from the top-left corner; */
  double        page_height_mm;  /* 0: the device's whole area */
} SchScanRequest;

/* A running or finished scan. Signals are emitted on the main context of
 * the caller of sch_scanner_scan(), in this order:
 *   "page-started"  (SchScanJob *job, guint page_number)    1, 2, …
 *   "progress"      (SchScanJob *job, double fraction)      0–1 of the current page;
 *                                                           not emitted for a page of
 *                                                           unknown length (hand scanner)
 *   "page-done"     (SchScanJob *job, SchScannedPage *page)
 *   "finished"      (SchScanJob *job, const GError *error)  once, last; error NULL on success.
 * An ADF run ends normally when the feeder is empty after at least one page; an
 * empty feeder before the first page is SCH_SCAN_ERROR_FEEDER_EMPTY. When an
 * error or a cancel ends the run, the pages before it have been reported. */
#define SCH_TYPE_SCAN_JOB (sch_scan_job_get_type ())
G_DECLARE_FINAL_TYPE (SchScanJob, sch_scan_job, SCH, SCAN_JOB, GObject)

/* Stops the scan: the scan thread calls sane_cancel() at its next step. */
void       sch_scan_job_cancel       (SchScanJob *self);
/* Pages reported so far (element type SchScannedPage), transfer none. */
GPtrArray *sch_scan_job_get_pages    (SchScanJob *self);
gboolean   sch_scan_job_is_finished  (SchScanJob *self);
/* The error "finished" carried, or NULL. */
const GError *sch_scan_job_get_error (SchScanJob *self);

#define SCH_TYPE_SCANNER (sch_scanner_get_type ())
G_DECLARE_FINAL_TYPE (SchScanner, sch_scanner, SCH, SCANNER, GObject)

/* The worker thread starts with the first request, so SANE_CONFIG_DIR may be
 * set after this call. A pending list or options request holds a reference
 * until its callback has run on the caller's main context. Dropping the last
 * reference cancels running scans and waits for the worker to call sane_exit(). */
SchScanner *sch_scanner_new                 (void);

/* Result: a GPtrArray of SchScanDevice (free function set), maybe empty. */
void        sch_scanner_list_devices_async  (SchScanner          *self,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
GPtrArray  *sch_scanner_list_devices_finish (SchScanner          *self,
                                             GAsyncResult        *result,
                                             GError             **error);

/* Opens @device (NULL: the first) and reads what it offers. */
void        sch_scanner_get_device_options_async  (SchScanner          *self,
                                                   const char          *device,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
SchScanDeviceOptions *sch_scanner_get_device_options_finish (SchScanner    *self,
                                                             GAsyncResult  *result,
                                                             GError       **error);

/* Queues a scan and returns at once; connect to the job's signals before
 * returning to the main loop. Cancelling @cancellable is sch_scan_job_cancel(). */
SchScanJob *sch_scanner_scan                (SchScanner           *self,
                                             const SchScanRequest *request,
                                             GCancellable         *cancellable);

G_END_DECLS
