/* test-pdf-inspect.c: untrusted PDFs through schalter-pdf-helper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "sch-pdf-inspector.h"
#include "sch-pdf-samples.h"

static const double A4[] = { 595.276, 841.89 };

static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static SchPdfInfo *
inspect (SchPdfInspector *inspector,
         GBytes          *pdf,
         const char      *password,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sch_pdf_inspector_inspect_async (inspector, pdf, password, NULL, store_result, &result);
  return sch_pdf_inspector_inspect_finish (inspector, wait_for_result (&result), error);
}

static GBytes *
flatten (SchPdfInspector *inspector,
         GBytes          *pdf,
         const char      *password,
         GError         **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  sch_pdf_inspector_flatten_async (inspector, pdf, password, 100, NULL, store_result, &result);
  return sch_pdf_inspector_flatten_finish (inspector, wait_for_result (&result), error);
}

static void
test_inspect_valid (void)
{
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276, 612, 792 };
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (3, sizes);
  g_autoptr(SchPdfInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = inspect (inspector, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 3);
  for (guint i = 0; i < 6; i++)
    g_assert_cmpfloat_with_epsilon (info->page_sizes[i], sizes[i], 0.01);
  g_assert_false (info->encrypted);
  g_assert_cmpint (info->active, ==, SCH_PDF_ACTIVE_NONE);
  g_assert_null (sch_pdf_active_content_describe (info->active));
}

static void
assert_unreadable_or_damaged (const GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == SCH_PDF_ERROR);
  g_assert_true (error->code == SCH_PDF_ERROR_DAMAGED || error->code == SCH_PDF_ERROR_UNREADABLE);
}

static void
test_inspect_damaged (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (2, NULL);
  g_autoptr(GBytes) garbage = g_bytes_new_static ("%PDF-1.4\nthis is not a PDF\n", 27);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  gsize size = g_bytes_get_size (pdf);
  const gsize cuts[] = { 0, 16, 300 };

  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autoptr(GBytes) truncated = cuts[i] == 0 ? g_bytes_new (NULL, 0) : sample_truncate (pdf, cuts[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(SchPdfInfo) info = inspect (inspector, truncated, NULL, &error);

      g_assert_null (info);
      assert_unreadable_or_damaged (error);
    }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(SchPdfInfo) info = inspect (inspector, garbage, NULL, &error);

    g_assert_null (info);
    g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED);
    g_assert_cmpstr (error->message, ==, "This file is damaged and could not be read.");
  }

  /* Cut anywhere or with flipped bits, poppler may still repair the file;
   * what matters is a sensible answer and a test process that lives on. */
  for (guint i = 0; i < 12; i++)
    {
      g_autoptr(GBytes) broken = i % 2 == 0 ? sample_truncate (pdf, g_rand_int_range (rand, 1, size))
                                            : sample_flip_bits (pdf, rand, 1 + i * 3);
      g_autoptr(GError) error = NULL;
      g_autoptr(SchPdfInfo) info = inspect (inspector, broken, NULL, &error);

      if (info != NULL)
        g_assert_cmpuint (info->n_pages, <=, 2);
      else
        assert_unreadable_or_damaged (error);
    }
}

static void
test_inspect_encrypted (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) plain = sample_pdf_cairo (2, NULL);
  g_autoptr(GBytes) encrypted = sample_pdf_encrypted (plain, "Zürich-2026");
  g_autoptr(SchPdfInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) flat = NULL;

  if (encrypted == NULL)
    {
      g_test_skip ("qpdf is not installed (build-aux/dev installs it)");
      return;
    }

  info = inspect (inspector, encrypted, NULL, &error);
  g_assert_null (info);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_NEEDS_PASSWORD);
  g_clear_error (&error);

  info = inspect (inspector, encrypted, "zürich-2026", &error);
  g_assert_null (info);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_WRONG_PASSWORD);
  g_assert_cmpstr (error->message, ==, "The password is not correct.");
  g_clear_error (&error);

  info = inspect (inspector, encrypted, "Zürich-2026", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 2);
  g_assert_true (info->encrypted);
  g_assert_cmpfloat_with_epsilon (info->page_sizes[0], A4[0], 0.01);

  /* With its password, a flattened copy no longer needs one. */
  flat = flatten (inspector, encrypted, "Zürich-2026", &error);
  g_assert_no_error (error);
  g_clear_pointer (&info, sch_pdf_info_free);
  info = inspect (inspector, flat, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 2);
  g_assert_false (info->encrypted);
}

static void
check_active (SchPdfInspector     *inspector,
              GBytes              *pdf,
              SchPdfActiveContent  expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = inspect (inspector, pdf, NULL, &error);
  g_autofree char *description = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 1);
  g_assert_cmphex (info->active & expected, ==, expected);
  description = sch_pdf_active_content_describe (info->active);
  g_assert_nonnull (description);
}

static void
test_inspect_active_content (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) javascript = sample_pdf_javascript ();
  g_autoptr(GBytes) embedded = sample_pdf_embedded_file ();
  g_autoptr(GBytes) launch = sample_pdf_launch ();
  g_autoptr(GBytes) uri = sample_pdf_uri ();
  g_autoptr(GBytes) form = sample_pdf_form ();
  const char *compress[] = { "--object-streams=generate", "--compress-streams=y", NULL };
  g_autoptr(GBytes) hidden = sample_qpdf (javascript, compress);
  g_autoptr(GBytes) hidden_form = sample_qpdf (form, compress);

  check_active (inspector, javascript, SCH_PDF_ACTIVE_JAVASCRIPT);
  check_active (inspector, embedded, SCH_PDF_ACTIVE_EMBEDDED_FILES);
  check_active (inspector, launch, SCH_PDF_ACTIVE_LAUNCH);
  check_active (inspector, uri, SCH_PDF_ACTIVE_URI);
  check_active (inspector, form, SCH_PDF_ACTIVE_FORMS);

  /* In compressed object streams the names are not visible in the bytes:
   * poppler's own view must find them. */
  if (hidden != NULL)
    {
      g_assert_null (g_strstr_len (g_bytes_get_data (hidden, NULL), g_bytes_get_size (hidden), "/JavaScript"));
      check_active (inspector, hidden, SCH_PDF_ACTIVE_JAVASCRIPT);
      check_active (inspector, hidden_form, SCH_PDF_ACTIVE_FORMS);
    }
}

/* Names written with #xx escapes are the same names to a PDF reader. */
static void
test_inspect_escaped_names (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  const struct {
    SampleEscaped sample;
    SchPdfActiveContent expected;
    const char *plain;
  } cases[] = {
    { SAMPLE_ESCAPED_JAVASCRIPT, SCH_PDF_ACTIVE_JAVASCRIPT, "/JavaScript" },
    { SAMPLE_ESCAPED_LAUNCH, SCH_PDF_ACTIVE_LAUNCH, "/Launch" },
    { SAMPLE_ESCAPED_URI, SCH_PDF_ACTIVE_URI, "/URI" },
    { SAMPLE_ESCAPED_EMBEDDED_FILE, SCH_PDF_ACTIVE_EMBEDDED_FILES, "/EmbeddedFile" },
    { SAMPLE_ESCAPED_FORM, SCH_PDF_ACTIVE_FORMS, "/AcroForm" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) pdf = sample_pdf_escaped (cases[i].sample);

      g_assert_null (g_strstr_len (g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), cases[i].plain));
      check_active (inspector, pdf, cases[i].expected);
    }
}

/* Dictionaries in object streams, whatever encodes the stream. */
static void
test_inspect_object_streams (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  const char *script[] = { "<< /S /JavaScript /JS (app.alert\\(1\\);) >>", NULL };
  const char *launch[] = { "<< /Type /Action /S /Laun#63h /F (cmd.exe) >>", NULL };
  const char *uri[] = { "<< /S /URI /URI (https://example.org/) >>", NULL };
  const SampleStream encodings[] = {
    SAMPLE_STREAM_PLAIN, SAMPLE_STREAM_ASCII_HEX, SAMPLE_STREAM_ASCII_85,
    SAMPLE_STREAM_ASCII_85_FLATE, SAMPLE_STREAM_FLATE_PREDICTOR, SAMPLE_STREAM_LZW,
    SAMPLE_STREAM_RUN_LENGTH, SAMPLE_STREAM_ESCAPED_FILTER,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (encodings); i++)
    {
      g_autoptr(GBytes) hidden_script = sample_pdf_object_stream (encodings[i], "/OpenAction 5 0 R", script);
      g_autoptr(GBytes) hidden_launch = sample_pdf_object_stream (encodings[i], "/OpenAction 5 0 R", launch);
      g_autoptr(GBytes) hidden_uri = sample_pdf_object_stream (encodings[i], "/OpenAction 5 0 R", uri);

      g_test_message ("Object stream encoding %d", encodings[i]);
      /* Encoded, the names are not in the file's bytes (run-length
       * encoding keeps short texts as they are). */
      if (encodings[i] != SAMPLE_STREAM_PLAIN && encodings[i] != SAMPLE_STREAM_RUN_LENGTH)
        g_assert_null (g_strstr_len (g_bytes_get_data (hidden_script, NULL),
                                     g_bytes_get_size (hidden_script), "JavaScript"));
      check_active (inspector, hidden_script, SCH_PDF_ACTIVE_JAVASCRIPT);
      check_active (inspector, hidden_launch, SCH_PDF_ACTIVE_LAUNCH);
      check_active (inspector, hidden_uri, SCH_PDF_ACTIVE_URI);
    }
}

/* Binary data of images can hold any bytes, short names among them: they
 * do not make a clean PDF look active. */
static void
test_inspect_binary_is_clean (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (11);
  g_autoptr(GString) image = g_string_new ("<< /Type /XObject /Subtype /Image /Width 512 /Height 512 "
                                           "/ColorSpace /DeviceRGB /BitsPerComponent 8 /Length 786432 >>\nstream\n");
  g_autofree char *page = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = NULL;

  for (guint i = 0; i < 512 * 512 * 3; i++)
    g_string_append_c (image, (char) (g_rand_int_range (rand, 128, 256)));
  /* Short names amid binary bytes, as compressed data has them by chance. */
  memcpy (image->str + image->len - 4000, "\x90/JS(\x91", 6);
  memcpy (image->str + image->len - 3000, "\xa0/URI\xa1", 6);
  memcpy (image->str + image->len - 2000, "\xb0/EF<\xb1", 6);
  g_string_append (image, "\nendstream");
  page = g_strdup ("/Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R");
  {
    const char *objects[] = { image->str, "<< /Length 31 >>\nstream\nq 595 0 0 842 0 0 cm /Im1 Do Q\nendstream",
                              NULL };

    pdf = sample_pdf_raw (NULL, page, objects);
  }

  info = inspect (inspector, pdf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 1);
  g_assert_cmphex (info->active, ==, SCH_PDF_ACTIVE_NONE);
}

static GBytes *
rewrite (SchPdfInspector *inspector,
         GBytes          *pdf,
         guint            n_pages,
         GError         **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  g_autoptr(GAsyncResult) result = NULL;

  for (guint i = 0; i < n_pages; i++)
    g_ptr_array_add (pages, sch_slot_page_new_pdf (pdf, i, NULL, 0));
  sch_pdf_inspector_compose_async (inspector, pages, NULL, store_result, &result);
  return sch_pdf_inspector_compose_finish (inspector, wait_for_result (&result), error);
}

/* What the app stores of a PDF is the helper's copy of its pages: inert
 * by construction, whatever the inspection found or missed. */
static void
test_rewrite_is_inert (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  const char *script[] = { "<< /S /JavaScript /JS (app.alert\\(1\\);) >>", NULL };
  g_autoptr(GPtrArray) hostile = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *const active_names[] = {
    "/JavaScript", "/JS", "/Launch", "/URI", "/EmbeddedFile", "/AcroForm", "/Annots", "/OpenAction",
    "/ObjStm",
  };

  g_ptr_array_add (hostile, sample_pdf_javascript ());
  g_ptr_array_add (hostile, sample_pdf_embedded_file ());
  g_ptr_array_add (hostile, sample_pdf_launch ());
  g_ptr_array_add (hostile, sample_pdf_uri ());
  g_ptr_array_add (hostile, sample_pdf_form ());
  for (int i = SAMPLE_ESCAPED_JAVASCRIPT; i <= SAMPLE_ESCAPED_FORM; i++)
    g_ptr_array_add (hostile, sample_pdf_escaped (i));
  g_ptr_array_add (hostile, sample_pdf_object_stream (SAMPLE_STREAM_ASCII_85_FLATE, "/OpenAction 5 0 R", script));

  for (guint i = 0; i < hostile->len; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) copy = rewrite (inspector, g_ptr_array_index (hostile, i), 1, &error);
      g_autoptr(SchPdfInfo) info = NULL;

      g_assert_no_error (error);
      info = inspect (inspector, copy, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (info->n_pages, ==, 1);
      g_assert_cmpfloat_with_epsilon (info->page_sizes[0], 595, 0.01);
      g_assert_cmphex (info->active, ==, SCH_PDF_ACTIVE_NONE);
      for (gsize k = 0; k < G_N_ELEMENTS (active_names); k++)
        g_assert_null (g_strstr_len (g_bytes_get_data (copy, NULL), g_bytes_get_size (copy), active_names[k]));
    }
}

static void
test_flatten (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  const char *objects[] = {
    "<< /S /JavaScript /JS (app.alert\\(1\\);) >>",
    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [100 600 300 630] /P 3 0 R "
    "/AA << /K 4 0 R >> >>",
    "<< /Type /Annot /Subtype /Link /Rect [72 72 300 120] /A << /S /Launch /F (cmd.exe) >> >>",
    NULL
  };
  g_autoptr(GBytes) hostile = sample_pdf_raw ("/OpenAction 4 0 R /AcroForm << /Fields [5 0 R] >>",
                                              "/Annots [5 0 R 6 0 R]", objects);
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276 };
  g_autoptr(GBytes) two_pages = sample_pdf_cairo (2, sizes);
  g_autoptr(GBytes) flat = NULL;
  g_autoptr(SchPdfInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = inspect (inspector, hostile, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmphex (info->active, ==, SCH_PDF_ACTIVE_JAVASCRIPT | SCH_PDF_ACTIVE_FORMS |
                                     SCH_PDF_ACTIVE_LAUNCH);
  g_clear_pointer (&info, sch_pdf_info_free);

  flat = flatten (inspector, hostile, NULL, &error);
  g_assert_no_error (error);
  info = inspect (inspector, flat, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 1);
  g_assert_cmpint (info->active, ==, SCH_PDF_ACTIVE_NONE);
  g_assert_cmpfloat_with_epsilon (info->page_sizes[0], 595, 0.01);
  g_clear_pointer (&info, sch_pdf_info_free);
  g_clear_pointer (&flat, g_bytes_unref);

  flat = flatten (inspector, two_pages, NULL, &error);
  g_assert_no_error (error);
  info = inspect (inspector, flat, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 2);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat_with_epsilon (info->page_sizes[i], sizes[i], 0.01);
}

static gboolean
has_dark_pixel (const SchPdfImage *image)
{
  const guint8 *data = g_bytes_get_data (image->data, NULL);

  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        guint32 pixel = *(const guint32 *) (data + y * image->stride + x * 4);

        if (((pixel >> 8) & 0xff) < 64)
          return TRUE;
      }
  return FALSE;
}

static void
test_render_thumbnails (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276, 612, 792 };
  g_autoptr(GBytes) pdf = sample_pdf_cairo (3, sizes);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) png_result = NULL;
  g_autoptr(GPtrArray) images = NULL;
  g_autoptr(GPtrArray) pngs = NULL;
  g_autoptr(GError) error = NULL;
  const guint second[] = { 1 };
  SchPdfImage *image;

  sch_pdf_inspector_render_async (inspector, pdf, NULL, NULL, 0, 128, SCH_PDF_IMAGE_ARGB32,
                                  NULL, store_result, &result);
  images = sch_pdf_inspector_render_finish (inspector, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (images->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      image = g_ptr_array_index (images, i);
      g_assert_cmpuint (image->page, ==, i);
      g_assert_cmpint (image->width, ==, 128);
      g_assert_cmpint (image->height, ==, (int) ceil (128 * sizes[2 * i + 1] / sizes[2 * i] - 0.01));
      g_assert_cmpint (image->format, ==, SCH_PDF_IMAGE_ARGB32);
      g_assert_true (has_dark_pixel (image));
      /* The background is white, opaque: pages have none of their own. */
      g_assert_cmphex (*(const guint32 *) g_bytes_get_data (image->data, NULL), ==, 0xffffffff);
    }

  sch_pdf_inspector_render_async (inspector, pdf, NULL, second, 1, 64, SCH_PDF_IMAGE_PNG,
                                  NULL, store_result, &png_result);
  pngs = sch_pdf_inspector_render_finish (inspector, wait_for_result (&png_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pngs->len, ==, 1);
  image = g_ptr_array_index (pngs, 0);
  g_assert_cmpuint (image->page, ==, 1);
  g_assert_cmpint (image->width, ==, 64);
  g_assert_cmpint (image->height, ==, 46);
  g_assert_cmpmem (g_bytes_get_data (image->data, NULL), 8, "\x89PNG\r\n\x1a\n", 8);
}

/* Helpers that hang or die */

typedef struct {
  guint ticks;
} Ticker;

static gboolean
tick (gpointer user_data)
{
  ((Ticker *) user_data)->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
assert_next_request_works (SchPdfInspector *inspector)
{
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = inspect (inspector, pdf, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (info->n_pages, ==, 1);
}

static void
test_helper_hangs (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = NULL;
  Ticker ticker = { 0 };
  gint64 start;
  guint tick_id;

  sch_pdf_inspector_set_timeout (inspector, 2);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_HANG", "1", TRUE);
  start = g_get_monotonic_time ();
  tick_id = g_timeout_add (50, tick, &ticker);
  sch_pdf_inspector_inspect_async (inspector, pdf, NULL, NULL, store_result, &result);
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_HANG");
  info = sch_pdf_inspector_inspect_finish (inspector, wait_for_result (&result), &error);
  g_source_remove (tick_id);

  g_assert_null (info);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
  g_assert_cmpstr (error->message, ==, "This file could not be read.");
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  /* The main loop ran all along: about 40 ticks in 2 s. */
  g_assert_cmpuint (ticker.ticks, >=, 20);

  assert_next_request_works (inspector);
}

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

static void
assert_limit (const char *limits,
              const char *name,
              const char *value)
{
  g_autofree char *pattern = g_strdup_printf ("(?m)^%s +%s +%s ", name, value, value);

  if (!g_regex_match_simple (pattern, limits, 0, 0))
    g_error ("The helper's limits lack “%s %s”:\n%s", name, value, limits);
}

/* The helper limited itself before it read its request. */
static void
assert_helper_limited (int   pid,
                       guint cpu_seconds)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/limits", pid);
  g_autofree char *limits = NULL;
  g_autofree char *cpu = g_strdup_printf ("(?m)^Max cpu time +%u +25 ", cpu_seconds);

  g_assert_true (g_file_get_contents (path, &limits, NULL, NULL));
  assert_limit (limits, "Max core file size", "0");
  assert_limit (limits, "Max file size", "0");
  g_assert_true (g_regex_match_simple (cpu, limits, 0, 0));
#ifndef UNDER_ASAN
  assert_limit (limits, "Max address space", "1073741824");
#endif
}

typedef struct {
  char *dir;
  char *pid_file;
  char *marker;
} Stall;

/* Makes the next helper stop after @n_pages pages ("hang" or "spin"). */
static void
stall_start (Stall      *stall,
             const char *how,
             guint       n_pages)
{
  g_autofree char *spec = g_strdup_printf ("%s:%u", how, n_pages);

  stall->dir = g_dir_make_tmp ("schalter-pdf-XXXXXX", NULL);
  stall->pid_file = g_build_filename (stall->dir, "helper.pid", NULL);
  stall->marker = g_build_filename (stall->dir, "stalled", NULL);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_STALL", spec, TRUE);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_PIDFILE", stall->pid_file, TRUE);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_MARKER", stall->marker, TRUE);
}

/* Once the helper is started: later ones run normally. */
static void
stall_started (void)
{
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_STALL");
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_PIDFILE");
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_MARKER");
}

/* Waits until the helper stopped working; returns its pid. */
static int
stall_wait (Stall *stall)
{
  g_autofree char *pid_text = NULL;

  while (!g_file_test (stall->marker, G_FILE_TEST_EXISTS))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_assert_true (g_file_get_contents (stall->pid_file, &pid_text, NULL, NULL));
  return atoi (pid_text);
}

static void
stall_clear (Stall *stall)
{
  g_unlink (stall->pid_file);
  g_unlink (stall->marker);
  g_rmdir (stall->dir);
  g_free (stall->pid_file);
  g_free (stall->marker);
  g_free (stall->dir);
}

/* Killed after it rendered three of 40 pages: no images, a report. */
static void
test_helper_killed (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (40, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = NULL;
  Ticker ticker = { 0 };
  Stall stall;
  guint tick_id;
  int pid;

  stall_start (&stall, "hang", 3);
  tick_id = g_timeout_add (50, tick, &ticker);
  sch_pdf_inspector_render_async (inspector, pdf, NULL, NULL, 0, 256, SCH_PDF_IMAGE_ARGB32,
                                  NULL, store_result, &result);
  stall_started ();

  pid = stall_wait (&stall);
  assert_helper_limited (pid, 20);
  g_assert_null (result);
  g_assert_cmpint (kill ((pid_t) pid, SIGKILL), ==, 0);

  images = sch_pdf_inspector_render_finish (inspector, wait_for_result (&result), &error);
  g_source_remove (tick_id);
  g_assert_null (images);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
  g_assert_cmpstr (error->message, ==, "This file could not be read.");
  g_assert_cmpuint (ticker.ticks, >, 0);

  stall_clear (&stall);
  assert_next_request_works (inspector);
}

/* Stuck after two composed pages: killed after its wall-clock time. */
static void
test_helper_hangs_mid_work (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (5, NULL);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) composed = NULL;
  Stall stall;
  gint64 start;

  for (guint i = 0; i < 5; i++)
    g_ptr_array_add (pages, sch_slot_page_new_pdf (pdf, i, NULL, 0));
  sch_pdf_inspector_set_timeout (inspector, 2);
  stall_start (&stall, "hang", 2);
  start = g_get_monotonic_time ();
  sch_pdf_inspector_compose_async (inspector, pages, NULL, store_result, &result);
  stall_started ();
  stall_wait (&stall);

  composed = sch_pdf_inspector_compose_finish (inspector, wait_for_result (&result), &error);
  g_assert_null (composed);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
  /* g_timeout_add_seconds() may fire up to a second early. */
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 1 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);

  stall_clear (&stall);
  assert_next_request_works (inspector);
}

/* Burning CPU time after its first page: the kernel stops it at its CPU
 * limit (lowered to 1 s here), long before the wall-clock timeout. */
static void
test_helper_cpu_limit (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (3, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = NULL;
  Stall stall;
  gint64 start;

  sch_pdf_inspector_set_timeout (inspector, 60);
  stall_start (&stall, "spin", 1);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS", "1", TRUE);
  start = g_get_monotonic_time ();
  sch_pdf_inspector_render_async (inspector, pdf, NULL, NULL, 0, 64, SCH_PDF_IMAGE_ARGB32,
                                  NULL, store_result, &result);
  stall_started ();
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS");
  assert_helper_limited (stall_wait (&stall), 1);

  images = sch_pdf_inspector_render_finish (inspector, wait_for_result (&result), &error);
  g_assert_null (images);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);

  stall_clear (&stall);
  assert_next_request_works (inspector);
}

static void
test_helper_cancelled (void)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, NULL);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = NULL;

  g_setenv ("SCHALTER_PDF_HELPER_TEST_HANG", "1", TRUE);
  sch_pdf_inspector_inspect_async (inspector, pdf, NULL, cancellable, store_result, &result);
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_HANG");
  g_timeout_add_once (200, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
  info = sch_pdf_inspector_inspect_finish (inspector, wait_for_result (&result), &error);
  g_assert_null (info);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  assert_next_request_works (inspector);
}

static void
test_helper_missing (void)
{
  g_autoptr(SchPdfInspector) inspector = NULL;
  g_autoptr(GBytes) pdf = sample_pdf_cairo (1, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPdfInfo) info = NULL;
  g_autofree char *saved = g_strdup (g_getenv ("SCHALTER_PDF_HELPER"));

  g_setenv ("SCHALTER_PDF_HELPER", "/nonexistent/schalter-pdf-helper", TRUE);
  inspector = sch_pdf_inspector_new ();
  g_setenv ("SCHALTER_PDF_HELPER", saved, TRUE);

  g_test_expect_message ("sch-pdf", G_LOG_LEVEL_WARNING, "Could not start the PDF helper*");
  info = inspect (inspector, pdf, NULL, &error);
  g_test_assert_expected_messages ();
  g_assert_null (info);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SCHALTER_PDF_HELPER") == NULL)
    g_error ("SCHALTER_PDF_HELPER must name the built helper");

  g_test_add_func ("/pdf/inspect/valid", test_inspect_valid);
  g_test_add_func ("/pdf/inspect/damaged", test_inspect_damaged);
  g_test_add_func ("/pdf/inspect/encrypted", test_inspect_encrypted);
  g_test_add_func ("/pdf/inspect/active-content", test_inspect_active_content);
  g_test_add_func ("/pdf/inspect/escaped-names", test_inspect_escaped_names);
  g_test_add_func ("/pdf/inspect/object-streams", test_inspect_object_streams);
  g_test_add_func ("/pdf/inspect/binary-is-clean", test_inspect_binary_is_clean);
  g_test_add_func ("/pdf/flatten", test_flatten);
  g_test_add_func ("/pdf/rewrite/inert", test_rewrite_is_inert);
  g_test_add_func ("/pdf/render/thumbnails", test_render_thumbnails);
  g_test_add_func ("/pdf/helper/hangs", test_helper_hangs);
  g_test_add_func ("/pdf/helper/killed", test_helper_killed);
  g_test_add_func ("/pdf/helper/hangs-mid-work", test_helper_hangs_mid_work);
  g_test_add_func ("/pdf/helper/cpu-limit", test_helper_cpu_limit);
  g_test_add_func ("/pdf/helper/cancelled", test_helper_cancelled);
  g_test_add_func ("/pdf/helper/missing", test_helper_missing);

  return g_test_run ();
}
