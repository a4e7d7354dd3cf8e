/* test-pdf-import.c: images into pages, import limits, composing slot PDFs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <poppler.h>
#include <string.h>

#include "sch-image-import.h"
#include "sch-pdf-inspector.h"
#include "sch-pdf-samples.h"
#include "sch-slot-composer.h"

/* poppler-glib 22.12 defines no autoptr cleanups of its own. */
typedef PopplerDocument TestPopplerDocument;
typedef PopplerPage TestPopplerPage;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestPopplerPage, g_object_unref)

static const SchImportLimits no_limits = { 0, 0, 0 };

typedef struct {
  GAsyncResult *result;
} Wait;

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ((Wait *) user_data)->result = g_object_ref (result);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  while (wait->result == NULL)
    g_main_context_iteration (NULL, TRUE);
  return wait->result;
}

/* Through the helper, as the app imports images. */
static GPtrArray *
import_into (GBytes                *bytes,
             const SchImportLimits *limits,
             guint64                case_bytes,
             guint                  slot_pages,
             GError               **error)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  Wait wait = { NULL };
  GPtrArray *pages;

  sch_image_import_with_helper_async (inspector, bytes, "scan.tif", limits, case_bytes, slot_pages,
                                      NULL, store_result, &wait);
  pages = sch_image_import_finish (wait_for (&wait), error);
  g_object_unref (wait.result);
  return pages;
}

static GPtrArray *
import (GBytes                *bytes,
        const SchImportLimits *limits,
        guint64                case_bytes,
        GError               **error)
{
  return import_into (bytes, limits, case_bytes, 0, error);
}

static SchSlotPage *
page_at (GPtrArray *pages,
         guint      index)
{
  return g_ptr_array_index (pages, index);
}

static void
assert_page_size (const SchSlotPage *page,
                  double             width,
                  double             height)
{
  double w, h;

  sch_slot_page_image_size (page, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, width, 0.01);
  g_assert_cmpfloat_with_epsilon (h, height, 0.01);
}

static void
test_import_tiff_pages (void)
{
  g_autoptr(GBytes) tiff = sample_tiff (3, 400, 600, 200);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = import (tiff, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      SchSlotPage *page = page_at (pages, i);

      g_assert_cmpstr (page->media_type, ==, "image/png");
      g_assert_cmpint (page->width_px, ==, 400);
      g_assert_cmpint (page->height_px, ==, 600);
      g_assert_cmpfloat (page->dpi, ==, 200);
      /* 400 px at 200 dpi are 2 inches. */
      assert_page_size (page, 144, 216);
    }
}

static void
test_import_jpeg_orientation (void)
{
  g_autoptr(GBytes) upright = sample_jpeg (300, 200, 300, 1);
  g_autoptr(GBytes) turned = sample_jpeg (300, 200, 300, 6);
  g_autoptr(GBytes) upside_down = sample_jpeg (300, 200, 150, 3);
  g_autoptr(GBytes) mirrored = sample_jpeg (300, 200, 300, 5);
  g_autoptr(GBytes) no_dpi = sample_jpeg (300, 200, 0, 0);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = import (upright, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpint (page_at (pages, 0)->rotation, ==, 0);
  g_assert_true (g_bytes_equal (page_at (pages, 0)->bytes, upright));
  assert_page_size (page_at (pages, 0), 72, 48);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Orientation 6: shown turned clockwise, the JPEG itself kept as it is. */
  pages = import (turned, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page_at (pages, 0)->rotation, ==, 90);
  g_assert_true (g_bytes_equal (page_at (pages, 0)->bytes, turned));
  assert_page_size (page_at (pages, 0), 48, 72);
  g_clear_pointer (&pages, g_ptr_array_unref);

  pages = import (upside_down, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page_at (pages, 0)->rotation, ==, 180);
  assert_page_size (page_at (pages, 0), 144, 96);
  g_clear_pointer (&pages, g_ptr_array_unref);

  /* Orientation 5 mirrors: re-encoded upright, no rotation left. */
  pages = import (mirrored, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page_at (pages, 0)->rotation, ==, 0);
  g_assert_false (g_bytes_equal (page_at (pages, 0)->bytes, mirrored));
  g_assert_cmpint (page_at (pages, 0)->width_px, ==, 200);
  g_assert_cmpint (page_at (pages, 0)->height_px, ==, 300);
  assert_page_size (page_at (pages, 0), 48, 72);
  g_clear_pointer (&pages, g_ptr_array_unref);

  pages = import (no_dpi, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (page_at (pages, 0)->dpi, ==, SCH_SLOT_PAGE_DEFAULT_DPI);
}

static void
test_import_png (void)
{
  g_autoptr(GBytes) png = sample_png (600, 300);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;

  pages = import (png, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
  g_assert_cmpstr (page_at (pages, 0)->media_type, ==, "image/png");
  g_assert_true (g_bytes_equal (page_at (pages, 0)->bytes, png));
  assert_page_size (page_at (pages, 0), 144, 72);
}

static void
assert_names_limit (const GError *error,
                    guint64       limit,
                    const char   *which)
{
  g_autofree char *size = g_format_size (limit);
  g_autofree char *expected = g_strdup_printf ("the limit of %s %s.", size, which);

  g_assert_nonnull (strstr (error->message, expected));
}

static void
test_import_limits (void)
{
  g_autoptr(GBytes) tiff = sample_tiff (3, 40, 60, 200);
  g_autoptr(GBytes) jpeg = sample_jpeg (300, 200, 300, 1);
  SchImportLimits small_files = { 1000, 0, 0 };
  SchImportLimits few_pages = { 0, 2, 0 };
  SchImportLimits small_case = { 0, 0, 20 * 1000 * 1000 };
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GError) error = NULL;
  /* A PNG header that claims 20000 × 20000 pixels. */
  const guint8 bomb_header[] = {
    0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
    0, 0, 0x4e, 0x20, 0, 0, 0x4e, 0x20, 8, 2, 0, 0, 0, 0, 0, 0, 0,
  };
  g_autoptr(GBytes) bomb = g_bytes_new_static (bomb_header, sizeof bomb_header);

  g_assert_cmpuint (g_bytes_get_size (jpeg), >, 1000);
  pages = import (jpeg, &small_files, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE);
  assert_names_limit (error, 1000, "per file");
  g_assert_nonnull (strstr (error->message, "scan.tif"));
  g_clear_error (&error);

  pages = import (tiff, &few_pages, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_assert_nonnull (strstr (error->message, "has 3 pages, more than the limit of 2 pages per document"));
  g_clear_error (&error);

  pages = import (jpeg, &small_case, 20 * 1000 * 1000 - 100, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_CASE_FULL);
  assert_names_limit (error, 20 * 1000 * 1000, "per case");
  g_clear_error (&error);

  pages = import (bomb, &no_limits, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* Within every limit the same files pass. */
  pages = import (tiff, &small_case, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 3);

  g_assert_true (sch_import_check_pages (&few_pages, "a.pdf", 2, 0, NULL));
  g_assert_false (sch_import_check_pages (&few_pages, "a.pdf", 3, 0, &error));
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_clear_error (&error);

  /* The limit is per document: pages it has already count. */
  g_assert_false (sch_import_check_pages (&few_pages, "a.pdf", 1, 2, &error));
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_assert_nonnull (strstr (error->message, "the document has 2 already"));
  g_clear_error (&error);
  g_clear_pointer (&pages, g_ptr_array_unref);
  pages = import_into (jpeg, &few_pages, 0, 2, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_clear_error (&error);
  pages = import_into (tiff, &few_pages, 0, 1, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_assert_nonnull (strstr (error->message, "has 3 pages and the document has 1 already"));
  g_clear_error (&error);
  pages = import_into (jpeg, &few_pages, 0, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 1);
}

static void
test_scanned_page_limits (void)
{
  SchImportLimits limits = { 0, 3, 20 * 1000 * 1000 };
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_import_check_scanned_page (&limits, 400 * 1000, 2, 19 * 1000 * 1000, NULL));
  g_assert_false (sch_import_check_scanned_page (&limits, 400 * 1000, 3, 0, &error));
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_MANY_PAGES);
  g_assert_nonnull (strstr (error->message, "has 3 pages, the limit per document"));
  g_clear_error (&error);
  g_assert_false (sch_import_check_scanned_page (&limits, 400 * 1000, 0, 19800 * 1000, &error));
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_CASE_FULL);
  assert_names_limit (error, 20 * 1000 * 1000, "per case");
}

static void
test_import_damaged (void)
{
  g_autoptr(GBytes) jpeg = sample_jpeg (300, 200, 300, 1);
  g_autoptr(GBytes) tiff = sample_tiff (2, 40, 60, 200);
  g_autoptr(GBytes) truncated_jpeg = sample_truncate (jpeg, 200);
  g_autoptr(GBytes) truncated_tiff = sample_truncate (tiff, 12);
  g_autoptr(GBytes) text = g_bytes_new_static ("Dear clerk,\n", 12);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;

  pages = import (truncated_jpeg, &no_limits, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED);
  g_clear_error (&error);

  pages = import (truncated_tiff, &no_limits, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED);
  g_clear_error (&error);

  pages = import (text, &no_limits, 0, &error);
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GBytes) broken = sample_flip_bits (i % 2 ? jpeg : tiff, rand, 1 + i);
      g_autoptr(GPtrArray) any = import (broken, &no_limits, 0, &error);

      g_assert_true ((any == NULL) == (error != NULL));
      g_clear_error (&error);
    }
}

static GBytes *
garbage (const char *magic,
         gsize       magic_size,
         gsize       size)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, (const guint8 *) magic, magic_size);
  while (out->len < size)
    g_byte_array_append (out, (const guint8[]) { g_rand_int_range (rand, 0, 256) }, 1);
  return g_byte_array_free_to_bytes (out);
}

/* Hostile images cost the helper at most: a clear message each. */
static void
test_import_hostile_images (void)
{
  g_autoptr(GBytes) png = sample_png (600, 300);
  g_autoptr(GBytes) jpeg = sample_jpeg (600, 400, 300, 6);
  const struct {
    GBytes *file;
    int code;
    const char *message;
  } cases[] = {
    /* Cut after the header: decoders would show gray for the rest. */
    { sample_truncate (png, 60), SCH_PDF_ERROR_DAMAGED, "The image “scan.tif” is damaged and could not be read." },
    { sample_truncate (png, g_bytes_get_size (png) - 13), SCH_PDF_ERROR_DAMAGED,
      "The image “scan.tif” is damaged and could not be read." },
    { sample_truncate (jpeg, g_bytes_get_size (jpeg) * 9 / 10), SCH_PDF_ERROR_DAMAGED,
      "The image “scan.tif” is damaged and could not be read." },
    { garbage ("\xff\xd8\xff", 3, 5000), SCH_PDF_ERROR_DAMAGED, "The image “scan.tif” is damaged and could not be read." },
    { garbage ("\x89PNG\r\n\x1a\n", 8, 5000), SCH_PDF_ERROR_DAMAGED, "The image “scan.tif” is damaged and could not be read." },
    { garbage ("II*\0", 4, 5000), SCH_PDF_ERROR_DAMAGED, "The image “scan.tif” is damaged and could not be read." },
    { sample_tiff_bomb (100000, 100000), SCH_PDF_ERROR_TOO_LARGE,
      "The image “scan.tif” has more than 80 million pixels, more than Schalter imports." },
    { sample_tiff_bomb (65535, 65535), SCH_PDF_ERROR_TOO_LARGE,
      "The image “scan.tif” has more than 80 million pixels, more than Schalter imports." },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) pages = import (cases[i].file, &no_limits, 0, &error);

      g_test_message ("Hostile image %" G_GSIZE_FORMAT, i);
      g_assert_null (pages);
      g_assert_error (error, SCH_PDF_ERROR, cases[i].code);
      g_assert_cmpstr (error->message, ==, cases[i].message);
      g_bytes_unref (cases[i].file);
    }
}

/* A decoder that runs away is stopped by the helper's CPU limit (lowered
 * here): the import fails, the test process lives on. */
static void
test_import_helper_stops (void)
{
  g_autoptr(GBytes) tiff = sample_tiff (3, 400, 600, 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;

  g_setenv ("SCHALTER_PDF_HELPER_TEST_STALL", "spin:1", TRUE);
  g_setenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS", "1", TRUE);
  pages = import (tiff, &no_limits, 0, &error);
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_STALL");
  g_unsetenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS");
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
  g_clear_error (&error);

  pages = import (tiff, &no_limits, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 3);
}

/* Images are decoded by the helper only: without it, none is. */
static void
test_import_needs_helper (void)
{
  g_autoptr(GBytes) jpeg = sample_jpeg (300, 200, 300, 1);
  g_autofree char *saved = g_strdup (g_getenv ("SCHALTER_PDF_HELPER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pages = NULL;
  Wait wait = { NULL };

  g_setenv ("SCHALTER_PDF_HELPER", "/nonexistent/schalter-pdf-helper", TRUE);
  g_test_expect_message ("sch-pdf", G_LOG_LEVEL_WARNING, "Could not start the PDF helper*");
  sch_image_import_async (jpeg, "photo.jpg", &no_limits, 0, NULL, store_result, &wait);
  g_setenv ("SCHALTER_PDF_HELPER", saved, TRUE);
  pages = sch_image_import_finish (wait_for (&wait), &error);
  g_object_unref (wait.result);
  g_test_assert_expected_messages ();
  g_assert_null (pages);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE);
}

/* Composing */

static GBytes *
compose_and_wait (GPtrArray *pages,
                  GError   **error)
{
  g_autoptr(SchPdfInspector) inspector = sch_pdf_inspector_new ();
  Wait wait = { NULL };
  GBytes *pdf;

  sch_slot_composer_compose_async (pages, inspector, NULL, store_result, &wait);
  pdf = sch_slot_composer_compose_finish (wait_for (&wait), error);
  g_object_unref (wait.result);
  return pdf;
}

static PopplerDocument *
open_pdf (GBytes *pdf)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *document = poppler_document_new_from_bytes (pdf, NULL, &error);

  g_assert_no_error (error);
  return document;
}

static void
assert_pdf_page (PopplerDocument *document,
                 int              index,
                 double           width,
                 double           height)
{
  PopplerPage *page = poppler_document_get_page (document, index);
  double w, h;

  poppler_page_get_size (page, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, width, 0.01);
  g_assert_cmpfloat_with_epsilon (h, height, 0.01);
  g_object_unref (page);
}

static void
test_compose_images (void)
{
  g_autoptr(GBytes) turned = sample_jpeg (300, 200, 300, 6);
  g_autoptr(GBytes) tiff = sample_tiff (2, 400, 600, 200);
  /* 4000 × 3000 px at 300 dpi is larger than A4: scaled to fit. */
  g_autoptr(GBytes) large = sample_jpeg (4000, 3000, 300, 1);
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  g_autoptr(GPtrArray) part = NULL;
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha_first = NULL;
  g_autofree char *sha_second = NULL;
  g_autoptr(TestPopplerDocument) document = NULL;

  part = import (turned, &no_limits, 0, &error);
  g_ptr_array_extend_and_steal (pages, g_steal_pointer (&part));
  part = import (tiff, &no_limits, 0, &error);
  g_ptr_array_extend_and_steal (pages, g_steal_pointer (&part));
  part = import (large, &no_limits, 0, &error);
  g_ptr_array_extend_and_steal (pages, g_steal_pointer (&part));
  g_assert_no_error (error);
  g_assert_cmpuint (pages->len, ==, 4);

  first = compose_and_wait (pages, &error);
  g_assert_no_error (error);
  g_usleep (1100 * 1000); /* a date of the moment would now differ */
  second = compose_and_wait (pages, &error);
  g_assert_no_error (error);
  sha_first = sample_sha256 (first);
  sha_second = sample_sha256 (second);
  g_assert_cmpstr (sha_first, ==, sha_second);

  /* The JPEG is embedded as it came: its bytes are in the PDF. */
  g_assert_nonnull (memmem (g_bytes_get_data (first, NULL), g_bytes_get_size (first),
                            g_bytes_get_data (turned, NULL), g_bytes_get_size (turned)));

  document = open_pdf (first);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, 4);
  assert_pdf_page (document, 0, 48, 72);
  assert_pdf_page (document, 1, 144, 216);
  assert_pdf_page (document, 2, 144, 216);
  assert_pdf_page (document, 3, 595.276 * 4000 / 3000, 595.276);
}

static void
test_compose_pdf_pages (void)
{
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276 };
  g_autoptr(GBytes) source = sample_pdf_cairo (2, sizes);
  g_autoptr(GBytes) png = sample_png (600, 300);
  g_autoptr(GBytes) encrypted = sample_pdf_encrypted (source, "geheim");
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sha_first = NULL;
  g_autofree char *sha_second = NULL;
  g_autoptr(TestPopplerDocument) document = NULL;
  g_autoptr(TestPopplerPage) page = NULL;
  g_autofree char *text = NULL;

  g_ptr_array_add (pages, sch_slot_page_new_pdf (source, 1, NULL, 0));
  g_ptr_array_add (pages, sch_slot_page_new_pdf (source, 0, NULL, 90));
  g_ptr_array_add (pages, sch_slot_page_new_image (png, "image/png", 600, 300, 300, 270));
  if (encrypted != NULL)
    g_ptr_array_add (pages, sch_slot_page_new_pdf (encrypted, 0, "geheim", 180));

  first = compose_and_wait (pages, &error);
  g_assert_no_error (error);
  second = compose_and_wait (pages, &error);
  g_assert_no_error (error);
  sha_first = sample_sha256 (first);
  sha_second = sample_sha256 (second);
  g_assert_cmpstr (sha_first, ==, sha_second);

  document = open_pdf (first);
  g_assert_cmpint (poppler_document_get_n_pages (document), ==, encrypted != NULL ? 4 : 3);
  assert_pdf_page (document, 0, 841.89, 595.276);
  assert_pdf_page (document, 1, 841.89, 595.276);
  assert_pdf_page (document, 2, 72, 144);
  if (encrypted != NULL)
    assert_pdf_page (document, 3, 595.276, 841.89);

  /* PDF pages stay vector graphics with their text. */
  page = poppler_document_get_page (document, 0);
  text = poppler_page_get_text (page);
  g_assert_nonnull (strstr (text, "Page 2 of the sample"));

  /* A page that does not exist fails the composition, with no PDF. */
  g_ptr_array_add (pages, sch_slot_page_new_pdf (source, 9, NULL, 0));
  g_clear_pointer (&first, g_bytes_unref);
  first = compose_and_wait (pages, &error);
  g_assert_null (first);
  g_assert_error (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pdf/import/tiff-pages", test_import_tiff_pages);
  g_test_add_func ("/pdf/import/jpeg-orientation", test_import_jpeg_orientation);
  g_test_add_func ("/pdf/import/png", test_import_png);
  g_test_add_func ("/pdf/import/limits", test_import_limits);
  g_test_add_func ("/pdf/import/damaged", test_import_damaged);
  g_test_add_func ("/pdf/import/hostile-images", test_import_hostile_images);
  g_test_add_func ("/pdf/import/needs-helper", test_import_needs_helper);
  g_test_add_func ("/pdf/import/helper-stops", test_import_helper_stops);
  g_test_add_func ("/pdf/import/scanned-page-limits", test_scanned_page_limits);
  g_test_add_func ("/pdf/compose/images", test_compose_images);
  g_test_add_func ("/pdf/compose/pdf-pages", test_compose_pdf_pages);

  return g_test_run ();
}
