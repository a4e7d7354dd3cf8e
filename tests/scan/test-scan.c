/* Scanning through SANE's `test` backend. Each test runs in its own process
 * (sane_init once per process, its own SANE_CONFIG_DIR). */
#include "config.h"

#include <stdio.h>
#include <jpeglib.h>
#include <png.h>

#include "sch-scanner.h"
#include "sch-scanner-private.h"
#include "sch-scan-test-util.h"

#define MM_PER_INCH 25.4
#define A4_WIDTH_MM 210.0
#define A4_HEIGHT_MM 297.0

/* The test backend's page size in pixels, computed as it does. */
static guint
backend_pixels (double mm, guint dpi)
{
  return (guint) (dpi * mm / MM_PER_INCH);
}

static gboolean
run_in_subprocess (void)
{
  if (g_test_subprocess ())
    return TRUE;
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC,
                          G_TEST_SUBPROCESS_INHERIT_STDOUT | G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  return FALSE;
}

/* Backend options a test sets on the scan thread before page @page starts. */
typedef struct {
  guint page;
  const char *name;
  const char *value;
} HookOption;

typedef struct {
  HookOption options[6];
  guint n_options;
  guint settle_page;
} Hook;

static void
hook_cb (SANE_Handle handle,
         guint       page_number,
         gboolean    started,
         gpointer    user_data)
{
  Hook *hook = user_data;

  /* The test backend stops its reader thread with an asynchronous
   * pthread_cancel(); one that lands in the new thread's first malloc
   * deadlocks glibc. Before a page that fails or is cancelled at once, let
   * the reader settle. */
  if (started && page_number == hook->settle_page)
    g_usleep (G_USEC_PER_SEC / 20);
  if (started)
    return;

  for (guint i = 0; i < hook->n_options; i++)
    if (hook->options[i].page == page_number)
      g_assert_true (sch_scanner_set_sane_option (handle, hook->options[i].name,
                                                  hook->options[i].value));
}

static void
hook_add (Hook       *hook,
          guint       page,
          const char *name,
          const char *value)
{
  g_assert_cmpuint (hook->n_options, <, G_N_ELEMENTS (hook->options));
  hook->options[hook->n_options++] = (HookOption) { page, name, value };
}

static SchScanRequest
a4_request (SchScanSource source,
            SchScanMode   mode,
            guint         dpi)
{
  return (SchScanRequest) {
    .device = "test:0",
    .source = source,
    .mode = mode,
    .dpi = dpi,
    .page_width_mm = A4_WIDTH_MM,
    .page_height_mm = A4_HEIGHT_MM,
  };
}

typedef struct {
  GString *order;          /* "s1 d1 s2 d2 … f" */
  guint n_progress;
  double last_fraction;
  gint64 finished_at;
} Record;

static void
on_page_started (SchScanJob *job, guint n, Record *record)
{
  g_string_append_printf (record->order, "s%u ", n);
  record->last_fraction = 0;
}

static void
on_progress (SchScanJob *job, double fraction, Record *record)
{
  g_assert_cmpfloat (fraction, >=, record->last_fraction);
  g_assert_cmpfloat (fraction, <=, 1.0);
  record->last_fraction = fraction;
  record->n_progress++;
}

static void
on_page_done (SchScanJob *job, SchScannedPage *page, Record *record)
{
  g_string_append_printf (record->order, "d%u ", sch_scan_job_get_pages (job)->len);
}

static void
on_finished (SchScanJob *job, const GError *error, Record *record)
{
  g_string_append (record->order, "f");
  record->finished_at = g_get_monotonic_time ();
}

static void
record_connect (SchScanJob *job, Record *record)
{
  record->order = g_string_new (NULL);
  g_signal_connect (job, "page-started", G_CALLBACK (on_page_started), record);
  g_signal_connect (job, "progress", G_CALLBACK (on_progress), record);
  g_signal_connect (job, "page-done", G_CALLBACK (on_page_done), record);
  g_signal_connect (job, "finished", G_CALLBACK (on_finished), record);
}

static SchScanJob *
run_recorded (SchScanner *scanner, const SchScanRequest *request, Record *record)
{
  SchScanJob *job = sch_scanner_scan (scanner, request, NULL);

  record_connect (job, record);
  while (!sch_scan_job_is_finished (job))
    g_main_context_iteration (NULL, TRUE);
  return job;
}

static void
record_clear (Record *record)
{
  g_string_free (record->order, TRUE);
}

/* Decodes the whole JPEG, as a viewer would. */
static void
assert_jpeg (SchScannedPage *page,
             guint           components)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr jerr;
  GBytes *bytes = sch_scanned_page_get_bytes (page);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  g_autofree JSAMPLE *row = NULL;
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);

  g_assert_cmpstr (sch_scanned_page_get_media_type (page), ==, "image/jpeg");
  g_assert_cmpstr (sch_scanned_page_get_extension (page), ==, ".jpg");
  g_assert_cmpstr (sch_scanned_page_get_sha256 (page), ==, sha);

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, size);
  g_assert_cmpint (jpeg_read_header (&cinfo, TRUE), ==, JPEG_HEADER_OK);
  g_assert_cmpuint (cinfo.image_width, ==, sch_scanned_page_get_width (page));
  g_assert_cmpuint (cinfo.image_height, ==, sch_scanned_page_get_height (page));
  g_assert_cmpint (cinfo.num_components, ==, components);
  g_assert_cmpint (cinfo.jpeg_color_space, ==, components == 1 ? JCS_GRAYSCALE : JCS_YCbCr);
  g_assert_cmpint (cinfo.density_unit, ==, 1);
  g_assert_cmpuint (cinfo.X_density, ==, sch_scanned_page_get_dpi (page));

  jpeg_start_decompress (&cinfo);
  row = g_malloc ((gsize) cinfo.output_width * cinfo.output_components);
  while (cinfo.output_scanline < cinfo.output_height)
    jpeg_read_scanlines (&cinfo, &row, 1);
  jpeg_finish_decompress (&cinfo);
  g_assert_cmpint (jerr.num_warnings, ==, 0);
  jpeg_destroy_decompress (&cinfo);
}

/* Decodes a 1-bit gray PNG; returns the fraction of white pixels. */
static double
assert_lineart_png (SchScannedPage *page)
{
  GBytes *bytes = sch_scanned_page_get_bytes (page);
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  png_image image = { .version = PNG_IMAGE_VERSION };
  g_autofree guint8 *pixels = NULL;
  gsize n_pixels, n_white = 0;

  g_assert_cmpstr (sch_scanned_page_get_media_type (page), ==, "image/png");
  g_assert_cmpstr (sch_scanned_page_get_extension (page), ==, ".png");
  g_assert_cmpuint (size, >, 33);
  g_assert_cmpmem (data, 8, "\x89PNG\r\n\x1a\n", 8);
  g_assert_cmpuint (data[24], ==, 1);   /* IHDR bit depth */
  g_assert_cmpuint (data[25], ==, 0);   /* IHDR colour type: gray */

  g_assert_true (png_image_begin_read_from_memory (&image, data, size));
  g_assert_cmpuint (image.width, ==, sch_scanned_page_get_width (page));
  g_assert_cmpuint (image.height, ==, sch_scanned_page_get_height (page));
  image.format = PNG_FORMAT_GRAY;
  pixels = g_malloc (PNG_IMAGE_SIZE (image));
  g_assert_true (png_image_finish_read (&image, NULL, pixels, 0, NULL));

  n_pixels = (gsize) image.width * image.height;
  for (gsize i = 0; i < n_pixels; i++)
    {
      g_assert_true (pixels[i] == 0 || pixels[i] == 255);
      n_white += pixels[i] == 255;
    }
  return (double) n_white / n_pixels;
}

static void
devices_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GPtrArray **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = sch_scanner_list_devices_finish (SCH_SCANNER (source), result, &error);
  g_assert_no_error (error);
}

static GPtrArray *
list_devices (SchScanner *scanner)
{
  GPtrArray *devices = NULL;

  sch_scanner_list_devices_async (scanner, NULL, devices_cb, &devices);
  while (devices == NULL)
    g_main_context_iteration (NULL, TRUE);
  return devices;
}

typedef struct {
  SchScanDeviceOptions *options;
  GError *error;
  gboolean done;
} OptionsResult;

static void
options_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  OptionsResult *out = user_data;

  out->options = sch_scanner_get_device_options_finish (SCH_SCANNER (source), result,
                                                        &out->error);
  out->done = TRUE;
}

static OptionsResult
device_options (SchScanner *scanner, const char *device)
{
  OptionsResult out = { NULL, NULL, FALSE };

  sch_scanner_get_device_options_async (scanner, device, NULL, options_cb, &out);
  while (!out.done)
    g_main_context_iteration (NULL, TRUE);
  return out;
}

static void
test_devices (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  OptionsResult options;
  gboolean seen0 = FALSE, seen1 = FALSE;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  devices = list_devices (scanner);
  for (guint i = 0; i < devices->len; i++)
    {
      SchScanDevice *device = g_ptr_array_index (devices, i);

      seen0 |= g_str_equal (device->name, "test:0");
      seen1 |= g_str_equal (device->name, "test:1");
      g_assert_nonnull (device->vendor);
      g_assert_nonnull (device->model);
    }
  g_assert_true (seen0);
  g_assert_true (seen1);

  options = device_options (scanner, "test:1");
  g_assert_no_error (options.error);
  g_assert_cmphex (options.options->sources, ==,
                   (1 << SCH_SCAN_SOURCE_FLATBED) | (1 << SCH_SCAN_SOURCE_ADF));
  g_assert_true (options.options->modes & (1 << SCH_SCAN_MODE_COLOR));
  g_assert_true (options.options->modes & (1 << SCH_SCAN_MODE_GRAY));
  g_assert_cmpuint (options.options->n_resolutions, ==, 3);
  g_assert_cmpuint (options.options->resolutions[0], ==, 150);
  g_assert_cmpuint (options.options->resolutions[2], ==, 300);
  sch_scan_device_options_free (options.options);

  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_flatbed_gray (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_GRAY, 150);
  SchScannedPage *page;
  Record record = { 0 };

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  job = run_recorded (scanner, &request, &record);

  g_assert_no_error (sch_scan_job_get_error (job));
  g_assert_cmpstr (record.order->str, ==, "s1 d1 f");
  g_assert_cmpuint (record.n_progress, >, 1);
  g_assert_cmpfloat (record.last_fraction, ==, 1.0);
  g_assert_cmpuint (sch_scan_job_get_pages (job)->len, ==, 1);

  page = g_ptr_array_index (sch_scan_job_get_pages (job), 0);
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (A4_WIDTH_MM, 150));
  g_assert_cmpuint (sch_scanned_page_get_height (page), ==, backend_pixels (A4_HEIGHT_MM, 150));
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, 1240);
  g_assert_cmpuint (sch_scanned_page_get_dpi (page), ==, 150);
  assert_jpeg (page, 1);

  record_clear (&record);
  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_whole_area (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = { .device = NULL, .source = SCH_SCAN_SOURCE_FLATBED,
                             .mode = SCH_SCAN_MODE_GRAY, .dpi = 150 };
  SchScannedPage *page;

  if (!run_in_subprocess ())
    return;

  /* No device named and no page size: the first device's whole area. */
  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  job = sch_scan_test_run (scanner, &request);
  g_assert_no_error (sch_scan_job_get_error (job));
  page = g_ptr_array_index (sch_scan_job_get_pages (job), 0);
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (300, 150));
  g_assert_cmpuint (sch_scanned_page_get_height (page), ==, backend_pixels (300, 150));

  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static gboolean
tick_cb (gpointer user_data)
{
  guint *ticks = user_data;

  (*ticks)++;
  return G_SOURCE_CONTINUE;
}

static void
test_adf_ten_pages (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_ADF, SCH_SCAN_MODE_GRAY, 150);
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autoptr(GHashTable) hashes = g_hash_table_new (g_str_hash, g_str_equal);
  Record record = { 0 };
  guint ticks = 0, ticks_at_end;
  guint tick_id;
  GPtrArray *pages;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  /* The main loop must keep running while the scan thread works. */
  tick_id = g_timeout_add (2, tick_cb, &ticks);
  job = run_recorded (scanner, &request, &record);
  ticks_at_end = ticks;
  g_source_remove (tick_id);

  g_assert_no_error (sch_scan_job_get_error (job));
  g_assert_cmpuint (ticks_at_end, >, 0);
  pages = sch_scan_job_get_pages (job);
  g_assert_cmpuint (pages->len, ==, 10);
  for (guint i = 1; i <= 10; i++)
    g_string_append_printf (expected, "s%u d%u ", i, i);
  g_string_append (expected, "f");
  g_assert_cmpstr (record.order->str, ==, expected->str);

  for (guint i = 0; i < pages->len; i++)
    {
      SchScannedPage *page = g_ptr_array_index (pages, i);

      g_assert_cmpuint (sch_scanned_page_get_height (page), ==,
                        backend_pixels (A4_HEIGHT_MM, 150));
      g_assert_cmpuint (strlen (sch_scanned_page_get_sha256 (page)), ==, 64);
      g_hash_table_add (hashes, (gpointer) sch_scanned_page_get_sha256 (page));
      assert_jpeg (page, 1);
    }
  /* The test picture is the same on every sheet, so is the stored file. */
  g_assert_cmpuint (g_hash_table_size (hashes), ==, 1);

  record_clear (&record);
  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
cancel_after_second_page (SchScanJob *job, SchScannedPage *page, gint64 *cancelled_at)
{
  if (sch_scan_job_get_pages (job)->len == 2)
    {
      *cancelled_at = g_get_monotonic_time ();
      sch_scan_job_cancel (job);
    }
}

static void
test_cancel (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  g_autoptr(SchScanJob) again = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_ADF, SCH_SCAN_MODE_GRAY, 150);
  SchScanRequest flatbed = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_GRAY, 150);
  Hook hook = { 0 };
  Record record = { 0 };
  gint64 cancelled_at = 0;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  /* From page 3 on a slow device (136 reads × 40 ms ≈ 5 s per page), so
   * page 3 is still being read when page 2's handler cancels. */
  hook_add (&hook, 3, "read-delay", "true");
  hook_add (&hook, 3, "read-delay-duration", "40000");
  hook_add (&hook, 3, "read-limit", "true");
  hook_add (&hook, 3, "read-limit-size", "16384");
  hook.settle_page = 3;
  sch_scanner_set_page_hook (scanner, hook_cb, &hook);

  job = sch_scanner_scan (scanner, &request, NULL);
  record_connect (job, &record);
  g_signal_connect (job, "page-done", G_CALLBACK (cancel_after_second_page), &cancelled_at);
  while (!sch_scan_job_is_finished (job))
    g_main_context_iteration (NULL, TRUE);

  g_assert_error (sch_scan_job_get_error (job), G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sch_scan_job_get_pages (job)->len, ==, 2);
  /* Page 3 may or may not have started when the cancel arrived; it never ends. */
  g_assert_true (g_str_has_prefix (record.order->str, "s1 d1 s2 d2 "));
  g_assert_null (strstr (record.order->str, "d3"));
  g_assert_true (g_str_has_suffix (record.order->str, "f"));
  /* The device really stopped: no waiting for the rest of page 3. */
  g_assert_cmpint (record.finished_at - cancelled_at, <, G_USEC_PER_SEC);
  assert_jpeg (g_ptr_array_index (sch_scan_job_get_pages (job), 1), 1);

  /* The device is usable again. */
  sch_scanner_set_page_hook (scanner, NULL, NULL);
  again = sch_scan_test_run (scanner, &flatbed);
  g_assert_no_error (sch_scan_job_get_error (again));
  g_assert_cmpuint (sch_scan_job_get_pages (again)->len, ==, 1);

  record_clear (&record);
  g_clear_object (&job);
  g_clear_object (&again);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
assert_error_after (const char *status,
                    guint       failing_page,
                    SchScanSource source,
                    GQuark      domain,
                    int         code)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (source, SCH_SCAN_MODE_GRAY, 150);
  Hook hook = { 0 };
  const GError *error;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  hook_add (&hook, failing_page, "read-return-value", status);
  hook.settle_page = failing_page;
  sch_scanner_set_page_hook (scanner, hook_cb, &hook);
  job = sch_scan_test_run (scanner, &request);

  error = sch_scan_job_get_error (job);
  g_assert_error (error, domain, code);
  g_assert_cmpuint (strlen (error->message), >, 20);
  g_assert_true (g_str_has_suffix (error->message, "."));
  g_test_message ("%s → %s", status, error->message);
  /* The pages before the failing one are kept. */
  g_assert_cmpuint (sch_scan_job_get_pages (job)->len, ==, failing_page - 1);
  for (guint i = 0; i + 1 < failing_page; i++)
    assert_jpeg (g_ptr_array_index (sch_scan_job_get_pages (job), i), 1);

  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_jammed (void)
{
  if (run_in_subprocess ())
    assert_error_after ("SANE_STATUS_JAMMED", 3, SCH_SCAN_SOURCE_ADF,
                        SCH_SCAN_ERROR, SCH_SCAN_ERROR_JAMMED);
}

static void
test_cover_open (void)
{
  if (run_in_subprocess ())
    assert_error_after ("SANE_STATUS_COVER_OPEN", 2, SCH_SCAN_SOURCE_ADF,
                        SCH_SCAN_ERROR, SCH_SCAN_ERROR_COVER_OPEN);
}

static void
test_feeder_empty (void)
{
  if (run_in_subprocess ())
    assert_error_after ("SANE_STATUS_NO_DOCS", 1, SCH_SCAN_SOURCE_ADF,
                        SCH_SCAN_ERROR, SCH_SCAN_ERROR_FEEDER_EMPTY);
}

static void
test_busy (void)
{
  if (run_in_subprocess ())
    assert_error_after ("SANE_STATUS_DEVICE_BUSY", 1, SCH_SCAN_SOURCE_FLATBED,
                        SCH_SCAN_ERROR, SCH_SCAN_ERROR_BUSY);
}

static void
test_connection_lost (void)
{
  if (run_in_subprocess ())
    assert_error_after ("SANE_STATUS_IO_ERROR", 2, SCH_SCAN_SOURCE_ADF,
                        SCH_SCAN_ERROR, SCH_SCAN_ERROR_DEVICE_VANISHED);
}

static void
test_no_device (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(GPtrArray) devices = NULL;
  g_autoptr(SchScanJob) first = NULL;
  g_autoptr(SchScanJob) named = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_GRAY, 150);
  OptionsResult options;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config (NULL);
  scanner = sch_scanner_new ();
  devices = list_devices (scanner);
  g_assert_cmpuint (devices->len, ==, 0);

  request.device = NULL;
  first = sch_scan_test_run (scanner, &request);
  g_assert_error (sch_scan_job_get_error (first), SCH_SCAN_ERROR, SCH_SCAN_ERROR_NO_DEVICE);
  g_test_message ("%s", sch_scan_job_get_error (first)->message);
  g_assert_cmpuint (sch_scan_job_get_pages (first)->len, ==, 0);

  /* A remembered device whose backend is gone. (SANE's dll would load a
   * backend named in the device name even when dll.conf lacks it.) */
  request.device = "nosuchbackend:0";
  named = sch_scan_test_run (scanner, &request);
  g_assert_error (sch_scan_job_get_error (named), SCH_SCAN_ERROR, SCH_SCAN_ERROR_NO_DEVICE);

  options = device_options (scanner, NULL);
  g_assert_error (options.error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_NO_DEVICE);
  g_assert_null (options.options);
  g_clear_error (&options.error);

  g_clear_object (&first);
  g_clear_object (&named);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_device_vanished (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_GRAY, 150);

  if (!run_in_subprocess ())
    return;

  /* Other scanners are there, the chosen one is not (unplugged since the list). */
  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  request.device = "test:7";
  job = sch_scan_test_run (scanner, &request);
  g_assert_error (sch_scan_job_get_error (job), SCH_SCAN_ERROR, SCH_SCAN_ERROR_DEVICE_VANISHED);
  g_assert_nonnull (strstr (sch_scan_job_get_error (job)->message, "test:7"));

  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_duplex_unsupported (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_DUPLEX, SCH_SCAN_MODE_GRAY, 150);

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  job = sch_scan_test_run (scanner, &request);
  g_assert_error (sch_scan_job_get_error (job), SCH_SCAN_ERROR, SCH_SCAN_ERROR_UNSUPPORTED);
  g_assert_cmpuint (sch_scan_job_get_pages (job)->len, ==, 0);

  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static SchScanJob *
scan_with_hook (SchScanner *scanner, const SchScanRequest *request, Hook *hook)
{
  sch_scanner_set_page_hook (scanner, hook_cb, hook);
  return sch_scan_test_run (scanner, request);
}

static void
test_lineart (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) black = NULL;
  g_autoptr(SchScanJob) white = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_LINEART, 200);
  Hook black_hook = { 0 }, white_hook = { 0 };
  SchScannedPage *page;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();

  /* 8-bit gray from the device, thresholded by us. */
  hook_add (&black_hook, 1, "test-picture", "Solid black");
  black = scan_with_hook (scanner, &request, &black_hook);
  g_assert_no_error (sch_scan_job_get_error (black));
  page = g_ptr_array_index (sch_scan_job_get_pages (black), 0);
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (A4_WIDTH_MM, 200));
  g_assert_cmpuint (sch_scanned_page_get_height (page), ==, backend_pixels (A4_HEIGHT_MM, 200));
  g_assert_cmpfloat (assert_lineart_png (page), ==, 0.0);

  /* 1-bit data from the device, where a set bit is black. */
  hook_add (&white_hook, 1, "test-picture", "Solid white");
  hook_add (&white_hook, 1, "depth", "1");
  white = scan_with_hook (scanner, &request, &white_hook);
  g_assert_no_error (sch_scan_job_get_error (white));
  page = g_ptr_array_index (sch_scan_job_get_pages (white), 0);
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (A4_WIDTH_MM, 200));
  g_assert_cmpfloat (assert_lineart_png (page), ==, 1.0);
  /* A white page compresses to almost nothing. */
  g_assert_cmpuint (g_bytes_get_size (sch_scanned_page_get_bytes (page)), <, 10 * 1024);

  g_clear_object (&black);
  g_clear_object (&white);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_color (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) single = NULL;
  g_autoptr(SchScanJob) three_pass = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_COLOR, 150);
  Hook pattern = { 0 }, passes = { 0 };
  SchScannedPage *page;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();

  hook_add (&pattern, 1, "test-picture", "Color pattern");
  single = scan_with_hook (scanner, &request, &pattern);
  g_assert_no_error (sch_scan_job_get_error (single));
  page = g_ptr_array_index (sch_scan_job_get_pages (single), 0);
  assert_jpeg (page, 3);

  /* A three-pass scanner sends red, green and blue separately. */
  hook_add (&passes, 1, "three-pass", "true");
  three_pass = scan_with_hook (scanner, &request, &passes);
  g_assert_no_error (sch_scan_job_get_error (three_pass));
  g_assert_cmpuint (sch_scan_job_get_pages (three_pass)->len, ==, 1);
  page = g_ptr_array_index (sch_scan_job_get_pages (three_pass), 0);
  assert_jpeg (page, 3);
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (A4_WIDTH_MM, 150));

  g_clear_object (&single);
  g_clear_object (&three_pass);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_hand_scanner (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_FLATBED, SCH_SCAN_MODE_GRAY, 150);
  Hook hook = { 0 };
  Record record = { 0 };
  SchScannedPage *page;

  if (!run_in_subprocess ())
    return;

  /* Unknown page length (lines = -1): read until the end of data. */
  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  hook_add (&hook, 1, "hand-scanner", "true");
  sch_scanner_set_page_hook (scanner, hook_cb, &hook);
  job = run_recorded (scanner, &request, &record);

  g_assert_no_error (sch_scan_job_get_error (job));
  g_assert_cmpstr (record.order->str, ==, "s1 d1 f");
  g_assert_cmpuint (record.n_progress, ==, 0);
  page = g_ptr_array_index (sch_scan_job_get_pages (job), 0);
  /* The backend's hand scanner is 110 mm wide and stops after 170 mm. */
  g_assert_cmpuint (sch_scanned_page_get_width (page), ==, backend_pixels (110, 150));
  g_assert_cmpuint (sch_scanned_page_get_height (page), ==, backend_pixels (170, 150));
  assert_jpeg (page, 1);

  record_clear (&record);
  g_clear_object (&job);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

static void
test_dispose_while_scanning (void)
{
  g_autofree char *dir = NULL;
  SchScanner *scanner;
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = a4_request (SCH_SCAN_SOURCE_ADF, SCH_SCAN_MODE_GRAY, 150);
  Hook hook = { 0 };
  gint64 start;

  if (!run_in_subprocess ())
    return;

  dir = sch_scan_test_make_config ("test");
  scanner = sch_scanner_new ();
  hook_add (&hook, 1, "read-delay", "true");
  hook_add (&hook, 1, "read-delay-duration", "40000");
  hook_add (&hook, 1, "read-limit", "true");
  hook_add (&hook, 1, "read-limit-size", "16384");
  hook.settle_page = 1;
  sch_scanner_set_page_hook (scanner, hook_cb, &hook);
  job = sch_scanner_scan (scanner, &request, NULL);
  g_usleep (G_USEC_PER_SEC / 10);

  /* Closing the app mid-run stops the device rather than finishing ten slow pages. */
  start = g_get_monotonic_time ();
  g_object_unref (scanner);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  while (!sch_scan_job_is_finished (job))
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (sch_scan_job_get_error (job), G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_object (&job);
  sch_scan_test_remove_config (g_steal_pointer (&dir));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/scan/devices", test_devices);
  g_test_add_func ("/scan/flatbed-gray", test_flatbed_gray);
  g_test_add_func ("/scan/whole-area", test_whole_area);
  g_test_add_func ("/scan/adf-ten-pages", test_adf_ten_pages);
  g_test_add_func ("/scan/cancel", test_cancel);
  g_test_add_func ("/scan/jammed", test_jammed);
  g_test_add_func ("/scan/cover-open", test_cover_open);
  g_test_add_func ("/scan/feeder-empty", test_feeder_empty);
  g_test_add_func ("/scan/busy", test_busy);
  g_test_add_func ("/scan/connection-lost", test_connection_lost);
  g_test_add_func ("/scan/no-device", test_no_device);
  g_test_add_func ("/scan/device-vanished", test_device_vanished);
  g_test_add_func ("/scan/duplex-unsupported", test_duplex_unsupported);
  g_test_add_func ("/scan/lineart", test_lineart);
  g_test_add_func ("/scan/color", test_color);
  g_test_add_func ("/scan/hand-scanner", test_hand_scanner);
  g_test_add_func ("/scan/dispose-while-scanning", test_dispose_while_scanning);

  return g_test_run ();
}
