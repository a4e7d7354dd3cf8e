/* Scanning benchmark: a 10-page ADF run at 300 dpi gray (A4) from SANE's
 * test backend through SchScanner, against the bare sane_read() loop on the
 * same device in a child process (sane_init once per process). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "sch-scan-encoder.h"
#include "sch-scanner.h"
#include "sch-scanner-private.h"
#include "sch-scan-test-util.h"

#define DPI 300
#define A4_WIDTH_MM 210.0
#define A4_HEIGHT_MM 297.0
/* Black and white 10 mm squares: large flat areas and sharp edges, the
 * backend's closest picture to a document. */
#define PICTURE "Grid"
/* In gray, stripes a few pixels wide over the whole page: a worst case that
 * no document reaches. */
#define WORST_PICTURE "Color pattern"

static void
bench_hook (SANE_Handle handle, guint page_number, gboolean started, gpointer user_data)
{
  if (page_number == 1 && !started)
    g_assert_true (sch_scanner_set_sane_option (handle, "test-picture", user_data));
}

/* The reference: the same run, only sane_start()/sane_read(), nothing kept. */
static int
run_raw (void)
{
  SANE_Handle handle = NULL;
  g_autofree SANE_Byte *buffer = g_malloc (128 * 1024);
  guint pages = 0;
  guint64 bytes = 0;
  gint64 start;
  SANE_Status status;

  sch_scan_test_keep_backend_loaded ();
  g_assert_cmpint (sane_init (NULL, NULL), ==, SANE_STATUS_GOOD);
  g_assert_cmpint (sane_open ("test:0", &handle), ==, SANE_STATUS_GOOD);
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_SCAN_SOURCE,
                                              "Automatic Document Feeder"));
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_SCAN_MODE, "Gray"));
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_BIT_DEPTH, "8"));
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_SCAN_RESOLUTION, "300"));
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_SCAN_BR_X, "210"));
  g_assert_true (sch_scanner_set_sane_option (handle, SANE_NAME_SCAN_BR_Y, "297"));
  g_assert_true (sch_scanner_set_sane_option (handle, "test-picture", PICTURE));

  start = g_get_monotonic_time ();
  while ((status = sane_start (handle)) == SANE_STATUS_GOOD)
    {
      SANE_Int length = 0;

      while ((status = sane_read (handle, buffer, 128 * 1024, &length)) == SANE_STATUS_GOOD)
        bytes += (guint64) length;
      g_assert_cmpint (status, ==, SANE_STATUS_EOF);
      pages++;
    }
  g_assert_cmpint (status, ==, SANE_STATUS_NO_DOCS);
  printf ("%u %" G_GUINT64_FORMAT " %.6f\n", pages, bytes,
          (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  sane_cancel (handle);
  sane_close (handle);
  sane_exit ();
  return 0;
}

static double
raw_reference (const char *self_path, guint *pages, guint64 *bytes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) child = NULL;
  g_autofree char *out = NULL;
  double seconds = 0;

  child = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, self_path, "--raw", NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (child, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (child));
  g_assert_cmpint (sscanf (out, "%u %" G_GUINT64_FORMAT " %lf", pages, bytes, &seconds), ==, 3);
  return seconds;
}

/* Real paper is not flat like the test pictures: sensor noise and paper
 * texture are what make JPEG files big. Adds gaussian noise of @sigma gray
 * levels to the page and encodes it again, as an estimate for real scans. */
static gsize
noisy_size (const guint8 *pixels, guint width, guint height, double sigma, guint quality)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize n = (gsize) width * height;
  g_autofree guint8 *noisy = g_malloc (n);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < n; i++)
    {
      /* Box–Muller */
      double u1 = g_rand_double_range (rand, 1e-12, 1.0);
      double u2 = g_rand_double (rand);
      double v = pixels[i] + sigma * sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
      noisy[i] = (guint8) CLAMP (lround (v), 0, 255);
    }
  bytes = sch_scan_encode_jpeg (noisy, width, height, width, 1, quality, DPI, &error);
  g_assert_no_error (error);
  return g_bytes_get_size (bytes);
}

static guint8 *
decode_gray (GBytes *bytes, guint *width, guint *height)
{
  struct jpeg_decompress_struct cinfo;
  struct jpeg_error_mgr jerr;
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 *pixels;

  cinfo.err = jpeg_std_error (&jerr);
  jpeg_create_decompress (&cinfo);
  jpeg_mem_src (&cinfo, data, size);
  jpeg_read_header (&cinfo, TRUE);
  jpeg_start_decompress (&cinfo);
  g_assert_cmpint (cinfo.output_components, ==, 1);
  *width = cinfo.output_width;
  *height = cinfo.output_height;
  pixels = g_malloc ((gsize) *width * *height);
  while (cinfo.output_scanline < cinfo.output_height)
    {
      JSAMPROW row = pixels + (gsize) cinfo.output_scanline * *width;
      jpeg_read_scanlines (&cinfo, &row, 1);
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  return pixels;
}

typedef struct {
  guint pages;
  double seconds;
  gsize stored;
  gsize largest;
  guint width;
  guint height;
  guint8 *first;   /* the first page decoded again */
} Run;

static gboolean
run_adf (SchScanner *scanner,
         const char *picture,
         Run        *run)
{
  g_autoptr(SchScanJob) job = NULL;
  SchScanRequest request = {
    .device = "test:0",
    .source = SCH_SCAN_SOURCE_ADF,
    .mode = SCH_SCAN_MODE_GRAY,
    .dpi = DPI,
    .page_width_mm = A4_WIDTH_MM,
    .page_height_mm = A4_HEIGHT_MM,
  };
  GPtrArray *pages;
  gint64 start;

  sch_scanner_set_page_hook (scanner, bench_hook, (gpointer) picture);
  start = g_get_monotonic_time ();
  job = sch_scan_test_run (scanner, &request);
  run->seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
  if (sch_scan_job_get_error (job) != NULL)
    {
      g_printerr ("bench-scan: %s\n", sch_scan_job_get_error (job)->message);
      return FALSE;
    }

  pages = sch_scan_job_get_pages (job);
  run->pages = pages->len;
  for (guint i = 0; i < pages->len; i++)
    {
      gsize size = g_bytes_get_size (sch_scanned_page_get_bytes (g_ptr_array_index (pages, i)));
      run->stored += size;
      run->largest = MAX (run->largest, size);
    }
  run->first = decode_gray (sch_scanned_page_get_bytes (g_ptr_array_index (pages, 0)),
                            &run->width, &run->height);
  return TRUE;
}

static void
print_run (const char *picture,
           const Run  *run)
{
  printf ("  picture \"%s\": %.3f s/page, %.1f KB/stored page (largest %.1f KB)\n",
          picture, run->seconds / run->pages, run->stored / 1024.0 / run->pages,
          run->largest / 1024.0);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  g_autoptr(SchScanner) scanner = NULL;
  Run grid = { 0 }, worst = { 0 };
  guint64 raw_bytes = 0;
  guint raw_pages = 0;
  double raw_seconds, raw_per_page;

  if (argc > 1 && g_str_equal (argv[1], "--raw"))
    return run_raw ();

  dir = sch_scan_test_make_config ("test");
  raw_seconds = raw_reference (argv[0], &raw_pages, &raw_bytes);
  raw_per_page = raw_seconds / MAX (raw_pages, 1);

  scanner = sch_scanner_new ();
  if (!run_adf (scanner, PICTURE, &grid) || !run_adf (scanner, WORST_PICTURE, &worst))
    return 1;

  printf ("Scan: 10-page ADF runs through SchScanner (read, encode, sha256), %u dpi gray, "
          "A4 = %u × %u px (%.1f MB raw per page), JPEG quality %d\n",
          DPI, grid.width, grid.height, raw_bytes / 1048576.0 / MAX (raw_pages, 1),
          SCH_SCAN_DEFAULT_JPEG_QUALITY);
  print_run (PICTURE, &grid);
  print_run (WORST_PICTURE " (worst case)", &worst);
  printf ("  reference, bare sane_read loop (\"%s\", nothing kept): %.3f s/page (%u pages)\n",
          PICTURE, raw_per_page, raw_pages);
  printf ("  ratio SchScanner / bare read: %.1f×\n", (grid.seconds / grid.pages) / raw_per_page);
  printf ("  \"%s\" page with sensor-like noise added (σ = 2 / 4 gray levels), "
          "as real paper gives: %.1f / %.1f KB (aim < 400 KB)\n", PICTURE,
          noisy_size (grid.first, grid.width, grid.height, 2, SCH_SCAN_DEFAULT_JPEG_QUALITY) / 1024.0,
          noisy_size (grid.first, grid.width, grid.height, 4, SCH_SCAN_DEFAULT_JPEG_QUALITY) / 1024.0);

  g_free (grid.first);
  g_free (worst.first);
  sch_scan_test_drop_scanner (g_steal_pointer (&scanner));
  sch_scan_test_remove_config (g_steal_pointer (&dir));
  return 0;
}
