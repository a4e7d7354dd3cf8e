/* Printed documents: the form, receipt and information sheet of every
 * shipped type, read back with poppler; QR codes read back with zbar, also
 * after a simulated scan. */
#include "config.h"

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <glib/gstdio.h>
#include <math.h>
#include <poppler.h>
#include <string.h>

#include "print-test-data.h"
#include "sch-form-renderer.h"
#include "sch-qr.h"

/* poppler-glib 22.12 does not define these yet. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerDocument, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerPage, g_object_unref)

#define MM (72.0 / 25.4)
#define PRINTABLE_MARGIN (10 * MM)
#define SCAN_DPI 150.0

static SchCatalog *catalog;

static GBytes *
render_to_bytes (SchPrintDocument *document)
{
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_print_document_write_pdf (document, output, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (output, NULL, NULL));
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
}

static PopplerDocument *
open_pdf (GBytes *bytes)
{
  g_autoptr(GError) error = NULL;
  PopplerDocument *pdf = poppler_document_new_from_bytes (bytes, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pdf);
  return pdf;
}

/* Page text with every run of white space as one space: wrapped lines join. */
static char *
page_text (PopplerDocument *pdf,
           int              index)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, index);
  g_autofree char *text = poppler_page_get_text (page);
  g_auto(GStrv) words = g_strsplit_set (text, " \n\r\t", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "", words[i]);
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

static char *
document_text (PopplerDocument *pdf)
{
  g_autoptr(GString) all = g_string_new (NULL);

  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autofree char *text = page_text (pdf, i);

      g_string_append_printf (all, "%s ", text);
    }
  return g_string_free (g_steal_pointer (&all), FALSE);
}

static char *
collapse (const char *text)
{
  g_auto(GStrv) words = g_strsplit_set (text, " \n", -1);
  g_autoptr(GString) joined = g_string_new (NULL);

  for (guint i = 0; words[i] != NULL; i++)
    if (words[i][0] != '\0')
      g_string_append_printf (joined, "%s%s", joined->len > 0 ? " " : "", words[i]);
  return g_string_free (g_steal_pointer (&joined), FALSE);
}

#define assert_contains(haystack, needle) \
  G_STMT_START { \
    g_autofree char *needle_ = collapse (needle); \
    if (strstr ((haystack), needle_) == NULL) \
      g_error ("“%s” is not on the printed pages", needle_); \
  } G_STMT_END

/* Every character lies inside the printable area of an office printer. */
static void
assert_inside_printable_area (PopplerDocument *pdf)
{
  for (int i = 0; i < poppler_document_get_n_pages (pdf); i++)
    {
      g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, i);
      PopplerRectangle *rects = NULL;
      guint n_rects = 0;
      double width, height;

      poppler_page_get_size (page, &width, &height);
      g_assert_cmpfloat_with_epsilon (width, 210 * MM, 0.5);
      g_assert_cmpfloat_with_epsilon (height, 297 * MM, 0.5);
      g_assert_true (poppler_page_get_text_layout (page, &rects, &n_rects));
      g_assert_cmpuint (n_rects, >, 0);
      for (guint r = 0; r < n_rects; r++)
        {
          g_assert_cmpfloat (rects[r].x1, >=, PRINTABLE_MARGIN);
          g_assert_cmpfloat (rects[r].x2, <=, width - PRINTABLE_MARGIN);
          g_assert_cmpfloat (rects[r].y1, >=, PRINTABLE_MARGIN);
          g_assert_cmpfloat (rects[r].y2, <=, height - PRINTABLE_MARGIN);
        }
      g_free (rects);
    }
}

static cairo_surface_t *
rasterise (PopplerDocument *pdf,
           int              index,
           double           dpi)
{
  g_autoptr(PopplerPage) page = poppler_document_get_page (pdf, index);
  cairo_surface_t *surface;
  double width, height;
  cairo_t *cr;

  poppler_page_get_size (page, &width, &height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) ceil (width * dpi / 72), (int) ceil (height * dpi / 72));
  cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, dpi / 72, dpi / 72);
  poppler_page_render_for_printing (page, cr);
  cairo_destroy (cr);
  return surface;
}

static void
assert_single_code (GPtrArray  *codes,
                    const char *id,
                    SchQrRole   role,
                    guint       page,
                    guint       n_pages)
{
  const SchQrCode *code;

  g_assert_cmpuint (codes->len, ==, 1);
  code = g_ptr_array_index (codes, 0);
  g_assert_cmpint (code->status, ==, SCH_QR_STATUS_VALID);
  g_assert_cmpstr (code->case_uuid, ==, id);
  g_assert_cmpint (code->role, ==, role);
  g_assert_cmpuint (code->page, ==, page);
  g_assert_cmpuint (code->n_pages, ==, n_pages);
}

static void
assert_codes (PopplerDocument *pdf,
              const char      *id,
              SchQrRole        role)
{
  int n_pages = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n_pages; i++)
    {
      cairo_surface_t *surface = rasterise (pdf, i, SCAN_DPI);
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GError) error = NULL;

      codes = sch_qr_decode_surface (surface, &error);
      g_assert_no_error (error);
      assert_single_code (codes, id, role, (guint) i + 1, (guint) n_pages);
      cairo_surface_destroy (surface);
    }
}

static SchAppType *
lookup_type (const char *code)
{
  SchAppType *type = sch_catalog_lookup (catalog, code);

  g_assert_nonnull (type);
  return type;
}

static void
save_artifacts (GBytes          *bytes,
                PopplerDocument *pdf,
                const char      *name)
{
  const char *dir = g_getenv ("SCHALTER_ARTIFACTS");
  g_autofree char *pdf_path = NULL;
  g_autofree char *png_path = NULL;
  g_autoptr(GError) error = NULL;
  cairo_surface_t *surface;

  if (dir == NULL)
    return;
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  pdf_path = g_strdup_printf ("%s/%s.pdf", dir, name);
  png_path = g_strdup_printf ("%s/%s.png", dir, name);
  g_assert_true (g_file_set_contents (pdf_path, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error));
  g_assert_no_error (error);
  surface = rasterise (pdf, 0, 100);
  g_assert_cmpint (cairo_surface_write_to_png (surface, png_path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

/* The form and receipt of one type filed here, in German. */
static void
test_type_filed_here (gconstpointer data)
{
  SchAppType *type = lookup_type (data);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(GPtrArray) documents = test_documents_new (type, "de");
  g_autoptr(SchPrintDocument) form = NULL;
  g_autoptr(SchPrintDocument) receipt = NULL;
  g_autoptr(GBytes) form_bytes = NULL;
  g_autoptr(GBytes) receipt_bytes = NULL;
  g_autoptr(PopplerDocument) form_pdf = NULL;
  g_autoptr(PopplerDocument) receipt_pdf = NULL;
  g_autofree char *form_text = NULL;
  g_autofree char *receipt_text = NULL;
  g_autoptr(GError) error = NULL;
  gboolean family = g_str_equal (data, "family-reunification");
  GArray *signers = sch_app_type_get_signers (type);
  GPtrArray *declarations = sch_app_type_get_declarations (type);
  g_autofree char *fee = sch_print_format_fee (sch_app_type_get_fee (type));

  form = sch_print_document_new_form (type, kase, context, &error);
  g_assert_no_error (error);
  receipt = sch_print_document_new_receipt (type, kase, context, documents, &error);
  g_assert_no_error (error);

  form_bytes = render_to_bytes (form);
  receipt_bytes = render_to_bytes (receipt);
  form_pdf = open_pdf (form_bytes);
  receipt_pdf = open_pdf (receipt_bytes);
  g_assert_cmpint (poppler_document_get_n_pages (form_pdf), ==, sch_print_document_get_n_pages (form));
  g_assert_cmpint (poppler_document_get_n_pages (receipt_pdf), ==, sch_print_document_get_n_pages (receipt));

  form_text = document_text (form_pdf);
  assert_contains (form_text, TEST_OFFICE);
  assert_contains (form_text, sch_app_type_get_title (type, "de"));
  assert_contains (form_text, "Unterschriftenblatt");
  assert_contains (form_text, TEST_APPLICANT_NAME);
  assert_contains (form_text, TEST_APPLICANT_FIRST);
  assert_contains (form_text, sch_case_get_uuid (kase));
  if (sch_app_type_lookup_field (type, "person", "original_name") != NULL)
    assert_contains (form_text, TEST_ORIGINAL_NAME);
  if (sch_app_type_lookup_field (type, "person", "ahv") != NULL)
    assert_contains (form_text, TEST_AHV);
  if (sch_app_type_lookup_field (type, "person", "zemis") != NULL)
    assert_contains (form_text, TEST_ZEMIS);
  if (sch_app_type_lookup_field (type, "person", "date_of_birth") != NULL)
    assert_contains (form_text, "29.02.1988");
  if (sch_app_type_lookup_field (type, "person", "nationality") != NULL)
    assert_contains (form_text, "Italien");
  if (sch_app_type_lookup_field (type, "address", "street") != NULL)
    {
      assert_contains (form_text, test_long_street ());
      assert_contains (form_text, "Rapperswil-Jona (SG)");
    }
  for (guint i = 0; i < signers->len; i++)
    assert_contains (form_text, sch_print_signer_label (g_array_index (signers, SchSigner, i), "de"));
  g_assert_cmpuint (declarations->len, >, 0);
  for (guint i = 0; i < declarations->len; i++)
    assert_contains (form_text, sch_text_get (((SchDeclaration *) g_ptr_array_index (declarations, i))->text, "de"));
  assert_inside_printable_area (form_pdf);

  if (family)
    {
      g_autofree char *page2 = NULL;
      g_autofree char *short_id = g_strndup (sch_case_get_uuid (kase), 8);

      for (guint i = 0; i < TEST_N_FAMILY; i++)
        {
          const char *official, *first;

          test_family_name (i, &official, &first);
          assert_contains (form_text, official);
          assert_contains (form_text, first);
        }
      /* Eight family members do not fit on one page; the header repeats. */
      g_assert_cmpint (poppler_document_get_n_pages (form_pdf), >=, 2);
      page2 = page_text (form_pdf, 1);
      assert_contains (page2, TEST_OFFICE);
      assert_contains (page2, "Unterschriftenblatt");
      assert_contains (page2, sch_app_type_get_title (type, "de"));
      assert_contains (page2, short_id);
      assert_contains (page2, "Seite 2 von");
    }
  else
    g_assert_cmpint (poppler_document_get_n_pages (form_pdf), <=, 2);

  receipt_text = document_text (receipt_pdf);
  assert_contains (receipt_text, "Gesuchsquittung");
  assert_contains (receipt_text, sch_app_type_get_title (type, "de"));
  assert_contains (receipt_text, TEST_CLERK);
  assert_contains (receipt_text, "14.03.2026, 10:30");
  assert_contains (receipt_text, sch_case_get_uuid (kase));
  assert_contains (receipt_text, fee);
  assert_contains (receipt_text, "055 225 71 11");
  for (guint i = 0; i < documents->len; i++)
    assert_contains (receipt_text, ((SchPrintDocEntry *) g_ptr_array_index (documents, i))->title);
  for (guint i = 0; i < signers->len; i++)
    assert_contains (receipt_text, sch_print_signer_label (g_array_index (signers, SchSigner, i), "de"));
  g_assert_cmpint (poppler_document_get_n_pages (receipt_pdf), ==, 1);
  assert_inside_printable_area (receipt_pdf);

  if (family)
    {
      save_artifacts (form_bytes, form_pdf, "form-family-reunification");
      save_artifacts (receipt_bytes, receipt_pdf, "receipt-family-reunification");
    }
}

static void
test_type_filed_elsewhere (gconstpointer data)
{
  SchAppType *type = lookup_type (data);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) sheet = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_case_new (data);
  g_autoptr(SchPrintDocument) form = NULL;
  GPtrArray *slots = sch_app_type_get_slots (type);

  /* There is nothing to sign here for these types. */
  form = sch_print_document_new_form (type, kase, context, &error);
  g_assert_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_NOT_FILED_HERE);
  g_assert_null (form);
  g_clear_error (&error);

  sheet = sch_print_document_new_info_sheet (type, context, &error);
  g_assert_no_error (error);
  bytes = render_to_bytes (sheet);
  pdf = open_pdf (bytes);
  text = document_text (pdf);
  assert_contains (text, "Merkblatt");
  assert_contains (text, sch_app_type_get_title (type, "de"));
  assert_contains (text, sch_app_type_get_filing_info (type, "de"));
  g_assert_cmpuint (slots->len, >, 0);
  for (guint i = 0; i < slots->len; i++)
    assert_contains (text, sch_text_get (((SchDocSlot *) g_ptr_array_index (slots, i))->title, "de"));
  assert_inside_printable_area (pdf);
  assert_codes (pdf, sch_app_type_get_code (type), SCH_QR_ROLE_INFO);
  if (g_str_equal (data, "extension-b"))
    save_artifacts (bytes, pdf, "info-sheet-extension-b");
}

static void
test_info_sheet_for_type_filed_here (void)
{
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(GError) error = NULL;
  g_autoptr(SchPrintDocument) sheet = NULL;

  sheet = sch_print_document_new_info_sheet (lookup_type ("extension-l"), context, &error);
  g_assert_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_FILED_HERE);
  g_assert_null (sheet);
}

/* The print language follows the context, not the UI. */
static void
test_languages (void)
{
  const char * const langs[] = { "fr", "it" };
  SchAppType *type = lookup_type ("first-permit-eu-employed");
  g_autoptr(SchCase) kase = test_case_new (type);

  for (guint l = 0; l < G_N_ELEMENTS (langs); l++)
    {
      g_autoptr(SchPrintContext) context = test_print_context_new (langs[l]);
      g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
      g_autoptr(GBytes) bytes = render_to_bytes (form);
      g_autoptr(PopplerDocument) pdf = open_pdf (bytes);
      g_autofree char *text = document_text (pdf);
      GArray *signers = sch_app_type_get_signers (type);

      assert_contains (text, sch_app_type_get_title (type, langs[l]));
      assert_contains (text, sch_app_type_lookup_group (type, "person")->title != NULL
                             ? sch_text_get (sch_app_type_lookup_group (type, "person")->title, langs[l]) : "");
      for (guint i = 0; i < signers->len; i++)
        assert_contains (text, sch_print_signer_label (g_array_index (signers, SchSigner, i), langs[l]));
      assert_contains (text, g_str_equal (langs[l], "fr") ? "Italie" : "Italia");
      g_assert_null (strstr (text, "Unterschrift"));
    }
}

static void
test_pdf_metadata_and_determinism (void)
{
  SchAppType *type = lookup_type ("extension-l");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) first = sch_print_document_new_form (type, kase, context, NULL);
  g_autoptr(SchPrintDocument) second = sch_print_document_new_form (type, kase, context, NULL);
  g_autoptr(GBytes) a = render_to_bytes (first);
  g_autoptr(GBytes) b = render_to_bytes (second);
  g_autoptr(PopplerDocument) pdf = open_pdf (a);
  g_autofree char *title = poppler_document_get_title (pdf);
  g_autofree char *author = poppler_document_get_author (pdf);
  g_autofree char *creator = poppler_document_get_creator (pdf);
  g_autoptr(GDateTime) created = poppler_document_get_creation_date_time (pdf);

  g_assert_true (g_bytes_equal (a, b));
  g_assert_nonnull (strstr (title, sch_app_type_get_title (type, "de")));
  g_assert_cmpstr (author, ==, TEST_OFFICE);
  g_assert_cmpstr (creator, ==, "Schalter");
  g_assert_nonnull (created);
  g_assert_true (g_date_time_equal (created, context->now));
}

/* A text longer than a page flows on, line by line, under its heading
 * repeated as continued; no line is lost or cut. */
static void
test_text_longer_than_a_page (void)
{
  SchAppType *type = lookup_type ("first-permit-eu-not-employed");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(GString) means = g_string_new (NULL);
  g_autoptr(SchPrintDocument) form = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *page3 = NULL;

  for (guint i = 1; i <= 150; i++)
    g_string_append_printf (means, "Zeile %u der Aufstellung der Mittel\n", i);
  sch_case_set_value (kase, "purpose", 0, "means", means->str);

  form = sch_print_document_new_form (type, kase, context, NULL);
  bytes = render_to_bytes (form);
  pdf = open_pdf (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), >=, 3);
  text = document_text (pdf);
  for (guint i = 1; i <= 150; i++)
    {
      g_autofree char *line = g_strdup_printf ("Zeile %u der Aufstellung der Mittel", i);

      assert_contains (text, line);
    }
  page3 = page_text (pdf, 2);
  assert_contains (page3, "(Fortsetzung)");
  assert_inside_printable_area (pdf);
}

static void
test_write_error (void)
{
  SchAppType *type = lookup_type ("extension-l");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
  g_autoptr(GFile) file = g_file_new_for_path ("/nonexistent-folder/form.pdf");
  g_autoptr(GError) error = NULL;

  g_assert_false (sch_print_document_save_pdf (form, file, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

static void
test_payload (void)
{
  g_autofree char *payload = sch_qr_payload_new ("0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 2, 3);
  g_autoptr(SchQrCode) code = sch_qr_payload_parse (payload, strlen (payload));
  g_autoptr(SchQrCode) foreign = sch_qr_payload_parse ("https://www.example.ch/", 23);
  g_autofree char *altered = g_strdup (payload);
  g_autoptr(SchQrCode) damaged = NULL;

  g_assert_true (g_str_has_prefix (payload, "SCH1|0f8fad5b-d9cb-469f-a165-70867728950e|form|2|3|"));
  g_assert_cmpint (code->status, ==, SCH_QR_STATUS_VALID);
  g_assert_cmpstr (code->case_uuid, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_cmpint (code->role, ==, SCH_QR_ROLE_FORM);
  g_assert_cmpuint (code->page, ==, 2);
  g_assert_cmpuint (code->n_pages, ==, 3);
  g_assert_cmpint (foreign->status, ==, SCH_QR_STATUS_FOREIGN);

  /* One digit of the uuid read wrong. */
  altered[6] = altered[6] == '0' ? '1' : '0';
  damaged = sch_qr_payload_parse (altered, strlen (altered));
  g_assert_cmpint (damaged->status, ==, SCH_QR_STATUS_DAMAGED);
  g_assert_null (damaged->case_uuid);
}

static void
test_qr_round_trip (void)
{
  SchAppType *type = lookup_type ("family-reunification");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(GPtrArray) documents = test_documents_new (type, "de");
  g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
  g_autoptr(SchPrintDocument) receipt = sch_print_document_new_receipt (type, kase, context, documents, NULL);
  g_autoptr(GBytes) form_bytes = render_to_bytes (form);
  g_autoptr(GBytes) receipt_bytes = render_to_bytes (receipt);
  g_autoptr(PopplerDocument) form_pdf = open_pdf (form_bytes);
  g_autoptr(PopplerDocument) receipt_pdf = open_pdf (receipt_bytes);

  assert_codes (form_pdf, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM);
  assert_codes (receipt_pdf, sch_case_get_uuid (kase), SCH_QR_ROLE_RECEIPT);
}

/* A scanner's view of @surface: turned by 2°, gray noise, JPEG quality 60.
 * Returns 8-bit gray pixels, @width × @height, tightly packed. */
static guint8 *
simulate_scan (cairo_surface_t *surface,
               guint           *width,
               guint           *height)
{
  int w = cairo_image_surface_get_width (surface);
  int h = cairo_image_surface_get_height (surface);
  cairo_surface_t *turned = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr = cairo_create (turned);
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, w, h);
  g_autoptr(GdkPixbuf) loaded = NULL;
  g_autoptr(GdkPixbufLoader) loader = gdk_pixbuf_loader_new_with_type ("jpeg", NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(GError) error = NULL;
  g_autofree char *jpeg = NULL;
  gsize jpeg_size = 0;
  guint8 *gray;
  const guint8 *data;
  int stride, rowstride, channels;
  guint8 *pixels;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_translate (cr, w / 2.0, h / 2.0);
  cairo_rotate (cr, 2.0 * G_PI / 180.0);
  cairo_translate (cr, -w / 2.0, -h / 2.0);
  cairo_set_source_surface (cr, surface, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_BILINEAR);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (turned);

  data = cairo_image_surface_get_data (turned);
  stride = cairo_image_surface_get_stride (turned);
  pixels = gdk_pixbuf_get_pixels (pixbuf);
  rowstride = gdk_pixbuf_get_rowstride (pixbuf);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        guint32 p = ((const guint32 *) (data + y * stride))[x];
        int v = (int) ((p >> 8) & 0xff) + g_rand_int_range (rand, -40, 41);

        v = CLAMP (v, 0, 255);
        pixels[y * rowstride + x * 3] = pixels[y * rowstride + x * 3 + 1] = pixels[y * rowstride + x * 3 + 2] = (guint8) v;
      }
  cairo_surface_destroy (turned);

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &jpeg, &jpeg_size, "jpeg", &error, "quality", "60", NULL));
  g_assert_no_error (error);
  g_assert_true (gdk_pixbuf_loader_write (loader, (const guchar *) jpeg, jpeg_size, &error));
  g_assert_true (gdk_pixbuf_loader_close (loader, &error));
  g_assert_no_error (error);
  loaded = g_object_ref (gdk_pixbuf_loader_get_pixbuf (loader));

  *width = (guint) gdk_pixbuf_get_width (loaded);
  *height = (guint) gdk_pixbuf_get_height (loaded);
  channels = gdk_pixbuf_get_n_channels (loaded);
  rowstride = gdk_pixbuf_get_rowstride (loaded);
  pixels = gdk_pixbuf_get_pixels (loaded);
  gray = g_malloc ((gsize) *width * *height);
  for (guint y = 0; y < *height; y++)
    for (guint x = 0; x < *width; x++)
      gray[y * *width + x] = pixels[y * rowstride + x * channels];
  return gray;
}

static void
test_qr_after_scan (void)
{
  SchAppType *type = lookup_type ("family-reunification");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
  g_autoptr(GBytes) bytes = render_to_bytes (form);
  g_autoptr(PopplerDocument) pdf = open_pdf (bytes);
  int n_pages = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n_pages; i++)
    {
      cairo_surface_t *surface = rasterise (pdf, i, SCAN_DPI);
      g_autofree guint8 *gray = NULL;
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GError) error = NULL;
      guint width, height;

      gray = simulate_scan (surface, &width, &height);
      codes = sch_qr_decode_gray (gray, width, height, width, &error);
      g_assert_no_error (error);
      assert_single_code (codes, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, (guint) i + 1, (guint) n_pages);
      cairo_surface_destroy (surface);
    }
}

static GPtrArray *
decode_drawn (const char *payload)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 400, 400);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GError) error = NULL;
  GPtrArray *codes;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  g_assert_true (sch_qr_draw (cr, payload, 50, 50, 300, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  codes = sch_qr_decode_surface (surface, &error);
  g_assert_no_error (error);
  cairo_surface_destroy (surface);
  return codes;
}

/* A valid QR code whose payload has one character changed after the check
 * was computed: reported as damaged, never as a case. */
static void
test_qr_damaged (void)
{
  g_autofree char *payload = sch_qr_payload_new ("0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 1, 2);
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const SchQrCode *code;
  guint8 blank[64 * 64];

  good = decode_drawn (payload);
  assert_single_code (good, "0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 1, 2);

  payload[10] = payload[10] == 'a' ? 'b' : 'a';
  bad = decode_drawn (payload);
  g_assert_cmpuint (bad->len, ==, 1);
  code = g_ptr_array_index (bad, 0);
  g_assert_cmpint (code->status, ==, SCH_QR_STATUS_DAMAGED);
  g_assert_null (code->case_uuid);

  /* No code at all: nothing found, no error. */
  memset (blank, 255, sizeof blank);
  none = sch_qr_decode_gray (blank, 64, 64, 64, NULL);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_draw_page_scaled (void)
{
  SchAppType *type = lookup_type ("extension-l");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1240, 1754);
  cairo_t *cr = cairo_create (surface);
  g_autoptr(GPtrArray) codes = NULL;
  g_autoptr(GError) error = NULL;

  /* As GtkPrintOperation would: 150 dpi A4 in device pixels. */
  g_assert_true (sch_print_document_draw_page (form, cr, 0, 1240, 1754, &error));
  g_assert_no_error (error);
  cairo_destroy (cr);
  codes = sch_qr_decode_surface (surface, &error);
  g_assert_no_error (error);
  assert_single_code (codes, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, 1,
                      sch_print_document_get_n_pages (form));
  cairo_surface_destroy (surface);
}

static gboolean
load_override (const char  *declarations,
               SchCatalog  *target,
               GError     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("sch-print-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "50-office.json", NULL);
  g_autofree char *json = g_strdup_printf (
    "{ \"version\": 1, \"types\": [ { \"code\": \"residence-confirmation\","
    "  \"title\": { \"de\": \"Wohnsitzbestätigung\", \"en\": \"Confirmation of residence\" },"
    "  \"filing\": \"here\", \"groups\": [ \"person\" ], \"signers\": [ \"applicant\" ],"
    "  \"declarations\": %s } ] }", declarations);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gboolean ok;

  g_assert_true (g_file_set_contents (path, json, -1, NULL));
  ok = sch_catalog_load_file (target, file, error);
  g_unlink (path);
  g_rmdir (dir);
  return ok;
}

/* Offices can word the declarations of their own types. */
static void
test_catalog_declarations (void)
{
  g_autoptr(SchCatalog) office = sch_catalog_new ();
  g_autoptr(GError) error = NULL;
  GPtrArray *declarations;

  g_assert_true (sch_catalog_load_builtin (office, NULL));
  g_assert_true (load_override ("[ { \"id\": \"own_words\", \"text\": { \"de\": \"Ich wohne hier.\", \"fr\": \"J'habite ici.\" } } ]",
                                office, &error));
  g_assert_no_error (error);
  declarations = sch_app_type_get_declarations (sch_catalog_lookup (office, "residence-confirmation"));
  g_assert_cmpuint (declarations->len, ==, 1);
  g_assert_cmpstr (((SchDeclaration *) g_ptr_array_index (declarations, 0))->id, ==, "own_words");
  g_assert_cmpstr (sch_text_get (((SchDeclaration *) g_ptr_array_index (declarations, 0))->text, "fr"), ==, "J'habite ici.");

  g_assert_false (load_override ("[ { \"id\": \"a\", \"text\": { \"de\": \"x\" } }, { \"id\": \"a\", \"text\": { \"de\": \"y\" } } ]",
                                 office, &error));
  g_assert_error (error, SCH_CATALOG_ERROR, SCH_CATALOG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "$.types[0].declarations[1]"));
  g_clear_error (&error);

  g_assert_false (load_override ("[ { \"id\": \"a\", \"txt\": { \"de\": \"x\" } } ]", office, &error));
  g_assert_error (error, SCH_CATALOG_ERROR, SCH_CATALOG_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (load_override ("[ { \"id\": \"a\" } ]", office, &error));
  g_assert_error (error, SCH_CATALOG_ERROR, SCH_CATALOG_ERROR_MISSING_TITLE);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  GListModel *types;
  int status;

  g_test_init (&argc, &argv, NULL);

  catalog = sch_catalog_new ();
  g_assert_true (sch_catalog_load_builtin (catalog, &error));
  g_assert_no_error (error);

  types = sch_catalog_get_types (catalog);
  for (guint i = 0; i < g_list_model_get_n_items (types); i++)
    {
      g_autoptr(SchAppType) type = g_list_model_get_item (types, i);
      const char *code = sch_app_type_get_code (type);
      g_autofree char *path = NULL;

      if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
        {
          path = g_strdup_printf ("/print/form-and-receipt/%s", code);
          g_test_add_data_func_full (path, g_strdup (code), test_type_filed_here, g_free);
        }
      else
        {
          path = g_strdup_printf ("/print/info-sheet/%s", code);
          g_test_add_data_func_full (path, g_strdup (code), test_type_filed_elsewhere, g_free);
        }
    }
  g_test_add_func ("/print/info-sheet-for-type-filed-here", test_info_sheet_for_type_filed_here);
  g_test_add_func ("/print/languages", test_languages);
  g_test_add_func ("/print/pdf-metadata-and-determinism", test_pdf_metadata_and_determinism);
  g_test_add_func ("/print/write-error", test_write_error);
  g_test_add_func ("/print/text-longer-than-a-page", test_text_longer_than_a_page);
  g_test_add_func ("/print/catalog-declarations", test_catalog_declarations);
  g_test_add_func ("/print/draw-page-scaled", test_draw_page_scaled);
  g_test_add_func ("/qr/payload", test_payload);
  g_test_add_func ("/qr/round-trip", test_qr_round_trip);
  g_test_add_func ("/qr/after-scan", test_qr_after_scan);
  g_test_add_func ("/qr/damaged", test_qr_damaged);

  status = g_test_run ();
  g_object_unref (catalog);
  return status;
}
