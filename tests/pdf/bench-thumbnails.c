/* bench-thumbnails.c: thumbnails through the helper vs pdftoppm; memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 1. Peak RSS with the 200 thumbnails of a 200-page document held by this
 *    process, and of the helper that rendered them (the app's own figure,
 *    against the aim of < 250 MB, is the `documents` benchmark's).
 * 2. Thumbnails 128 px wide of all pages of a 50-page PDF as PNG, through
 *    SchPdfInspector (helper start-up included) and through
 *    `pdftoppm -scale-to-x 128 -scale-to-y -1 -png` (the same size as ours;
 *    plain -scale-to would fit the long side instead), best of 3 runs each
 *    (aim: ours ≤ 1.3 × pdftoppm).
 */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/resource.h>

#include "sch-pdf-inspector.h"
#include "sch-pdf-samples.h"

#define RUNS 3

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GPtrArray *
thumbnails (SchPdfInspector   *inspector,
            GBytes            *pdf,
            SchPdfImageFormat  format)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *images;

  sch_pdf_inspector_render_async (inspector, pdf, NULL, NULL, 0, 128, format, NULL,
                                  store_result, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  images = sch_pdf_inspector_render_finish (inspector, result, &error);
  g_assert_no_error (error);
  return images;
}

static double
max_rss_mb (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_maxrss / 1024.0;
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);
      g_unlink (file);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) big = sample_pdf_cairo (200, NULL);
  g_autoptr(GBytes) pdf = sample_pdf_cairo (50, NULL);
  g_autoptr(GPtrArray) held = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pdftoppm = g_find_program_in_path ("pdftoppm");
  g_autofree char *dir = g_dir_make_tmp ("schalter-bench-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *prefix = NULL;
  double ours = G_MAXDOUBLE, theirs = G_MAXDOUBLE;

  g_assert_no_error (error);

  /* First, so that the children's peak is the helper's. */
  held = thumbnails (inspector, big, SCH_PDF_IMAGE_ARGB32);
  g_assert_cmpuint (held->len, ==, 200);
  g_print ("200-page document (%.1f MB) with its 200 thumbnails held:\n",
           g_bytes_get_size (big) / 1e6);
  g_print ("  peak RSS of this process: %.1f MB\n", max_rss_mb (RUSAGE_SELF));
  g_print ("  peak RSS of the helper:   %.1f MB\n", max_rss_mb (RUSAGE_CHILDREN));

  path = g_build_filename (dir, "fifty.pdf", NULL);
  prefix = g_build_filename (dir, "page", NULL);
  g_file_set_contents (path, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);

  for (int run = 0; run < RUNS; run++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(GPtrArray) images = thumbnails (inspector, pdf, SCH_PDF_IMAGE_PNG);

      g_assert_cmpuint (images->len, ==, 50);
      double elapsed = (g_get_monotonic_time () - start) / 1e6;

      ours = MIN (ours, elapsed);
    }
  g_print ("50 thumbnails, 128 px wide, PNG:\n");
  g_print ("  Schalter helper: %.3f s\n", ours);

  if (pdftoppm == NULL)
    {
      g_print ("  pdftoppm: not installed (package poppler-utils), no comparison\n");
      remove_dir (dir);
      return 0;
    }
  for (int run = 0; run < RUNS; run++)
    {
      const char *args[] = { pdftoppm, "-scale-to-x", "128", "-scale-to-y", "-1", "-png",
                             path, prefix, NULL };
      gint64 start = g_get_monotonic_time ();
      double elapsed;
      int status;

      g_spawn_sync (NULL, (char **) args, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    NULL, NULL, &status, &error);
      g_assert_no_error (error);
      g_assert_true (g_spawn_check_wait_status (status, NULL));
      elapsed = (g_get_monotonic_time () - start) / 1e6;
      theirs = MIN (theirs, elapsed);
    }
  g_print ("  pdftoppm:        %.3f s\n", theirs);
  g_print ("  ratio:           %.2f (aim <= 1.30)\n", ours / theirs);

  remove_dir (dir);
  return 0;
}
