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
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PopplerStructureElement, g_object_unref)

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

/* What @document says once printed: rendered, read back by poppler. */
static char *
printed_text (SchPrintDocument *document)
{
  g_autoptr(GBytes) bytes = render_to_bytes (document);
  g_autoptr(PopplerDocument) pdf = open_pdf (bytes);

  return document_text (pdf);
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
                    guint       n_pages,
                    guint       printout)
{
  const SchQrCode *code;

  g_assert_cmpuint (codes->len, ==, 1);
  code = g_ptr_array_index (codes, 0);
  g_assert_cmpint (code->status, ==, SCH_QR_STATUS_VALID);
  g_assert_cmpstr (code->case_uuid, ==, id);
  g_assert_cmpint (code->role, ==, role);
  g_assert_cmpuint (code->page, ==, page);
  g_assert_cmpuint (code->n_pages, ==, n_pages);
  g_assert_cmpuint (code->printout, ==, printout);
}

static void
assert_codes (PopplerDocument *pdf,
              const char      *id,
              SchQrRole        role,
              guint            printout)
{
  int n_pages = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n_pages; i++)
    {
      cairo_surface_t *surface = rasterise (pdf, i, SCAN_DPI);
      g_autoptr(GPtrArray) codes = NULL;
      g_autoptr(GError) error = NULL;

      codes = sch_qr_decode_surface (surface, &error);
      g_assert_no_error (error);
      assert_single_code (codes, id, role, (guint) i + 1, (guint) n_pages, printout);
      cairo_surface_destroy (surface);
    }
}

/* How often @needle is in @haystack. */
static guint
count_occurrences (const char *haystack,
                   const char *needle)
{
  guint n = 0;

  for (const char *p = strstr (haystack, needle); p != NULL; p = strstr (p + 1, needle))
    n++;
  return n;
}

/* Each page's number is printed once on it. */
static void
assert_page_numbers_once (PopplerDocument *pdf)
{
  int n_pages = poppler_document_get_n_pages (pdf);

  for (int i = 0; i < n_pages; i++)
    {
      g_autofree char *text = page_text (pdf, i);
      g_autofree char *number = g_strdup_printf ("Seite %d von %d", i + 1, n_pages);

      g_assert_cmpuint (count_occurrences (text, number), ==, 1);
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

  /* The resident quotes the short id of the header, not a wrapped uuid;
   * the fee is named once, each page number printed once. */
  {
    g_autofree char *short_id = g_strndup (sch_case_get_uuid (kase), 8);
    g_autofree char *quote = g_strdup_printf ("nennen Sie die Gesuchsnummer %s.", short_id);
    g_autofree char *fee_row = g_strdup_printf ("Gebühr Betrag %s", fee);

    assert_contains (receipt_text, quote);
    assert_contains (receipt_text, fee_row);
    g_assert_null (strstr (receipt_text, "Gebühr Gebühr"));
  }
  assert_page_numbers_once (form_pdf);
  assert_page_numbers_once (receipt_pdf);

  /* Every page's code reads back as this case's, page n of m. */
  assert_codes (form_pdf, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, 1);
  assert_codes (receipt_pdf, sch_case_get_uuid (kase), SCH_QR_ROLE_RECEIPT, 1);

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
  assert_codes (pdf, sch_app_type_get_code (type), SCH_QR_ROLE_INFO, 1);
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

/* The print language follows the context, not the UI: form, receipt and
 * information sheet in French and Italian, nothing left in German. */
typedef struct {
  const char *lang;
  const char *country;       /* Italy, as the nationality prints */
  const char *receipt_title;
  const char *fee_row;       /* the fee block's heading and label */
  const char *quote;         /* the status sentence up to the case id */
  const char *info_title;
  const char *info_where;
} LanguageTexts;

static const LanguageTexts language_texts[] = {
  { "fr", "Italie", "Accusé de réception", "Émolument Montant",
    "en indiquant le numéro de demande", "Notice", "Où et comment déposer la demande" },
  { "it", "Italia", "Ricevuta della domanda", "Emolumento Importo",
    "indicando il numero della domanda", "Promemoria", "Dove e come inoltrare la domanda" },
};

static void
assert_no_german (const char *text)
{
  g_assert_null (strstr (text, "Unterschrift"));
  g_assert_null (strstr (text, "Gesuch"));
  g_assert_null (strstr (text, "Seite"));
  g_assert_null (strstr (text, "Gebühr"));
}

static void
test_languages (void)
{
  SchAppType *type = lookup_type ("first-permit-eu-employed");
  SchAppType *elsewhere = lookup_type ("extension-b");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autofree char *short_id = g_strndup (sch_case_get_uuid (kase), 8);
  GArray *signers = sch_app_type_get_signers (type);

  for (guint l = 0; l < G_N_ELEMENTS (language_texts); l++)
    {
      const LanguageTexts *want = &language_texts[l];
      g_autoptr(SchPrintContext) context = test_print_context_new (want->lang);
      g_autoptr(GPtrArray) documents = test_documents_new (type, want->lang);
      g_autoptr(SchPrintDocument) form = sch_print_document_new_form (type, kase, context, NULL);
      g_autoptr(SchPrintDocument) receipt = sch_print_document_new_receipt (type, kase, context, documents, NULL);
      g_autoptr(SchPrintDocument) sheet = sch_print_document_new_info_sheet (elsewhere, context, NULL);
      g_autoptr(GBytes) form_bytes = render_to_bytes (form);
      g_autoptr(GBytes) receipt_bytes = render_to_bytes (receipt);
      g_autoptr(GBytes) sheet_bytes = render_to_bytes (sheet);
      g_autoptr(PopplerDocument) form_pdf = open_pdf (form_bytes);
      g_autoptr(PopplerDocument) receipt_pdf = open_pdf (receipt_bytes);
      g_autoptr(PopplerDocument) sheet_pdf = open_pdf (sheet_bytes);
      g_autofree char *form_text = document_text (form_pdf);
      g_autofree char *receipt_text = document_text (receipt_pdf);
      g_autofree char *sheet_text = document_text (sheet_pdf);
      g_autofree char *quote = g_strdup_printf ("%s %s.", want->quote, short_id);
      GPtrArray *slots = sch_app_type_get_slots (elsewhere);

      assert_contains (form_text, sch_app_type_get_title (type, want->lang));
      assert_contains (form_text, sch_text_get (sch_app_type_lookup_group (type, "person")->title, want->lang));
      for (guint i = 0; i < signers->len; i++)
        assert_contains (form_text, sch_print_signer_label (g_array_index (signers, SchSigner, i), want->lang));
      assert_contains (form_text, want->country);
      assert_no_german (form_text);

      assert_contains (receipt_text, want->receipt_title);
      assert_contains (receipt_text, sch_app_type_get_title (type, want->lang));
      assert_contains (receipt_text, want->fee_row);
      assert_contains (receipt_text, quote);
      for (guint i = 0; i < documents->len; i++)
        assert_contains (receipt_text, ((SchPrintDocEntry *) g_ptr_array_index (documents, i))->title);
      for (guint i = 0; i < signers->len; i++)
        assert_contains (receipt_text, sch_print_signer_label (g_array_index (signers, SchSigner, i), want->lang));
      assert_no_german (receipt_text);
      assert_inside_printable_area (receipt_pdf);

      assert_contains (sheet_text, want->info_title);
      assert_contains (sheet_text, want->info_where);
      assert_contains (sheet_text, sch_app_type_get_title (elsewhere, want->lang));
      assert_contains (sheet_text, sch_app_type_get_filing_info (elsewhere, want->lang));
      for (guint i = 0; i < slots->len; i++)
        assert_contains (sheet_text, sch_text_get (((SchDocSlot *) g_ptr_array_index (slots, i))->title, want->lang));
      assert_no_german (sheet_text);
      assert_inside_printable_area (sheet_pdf);
    }
}

/* Without office settings the receipt has no gap where the office would
 * be named: the resident is told to quote the case id. */
static void
test_receipt_without_office (void)
{
  SchAppType *type = lookup_type ("extension-l");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) receipt = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;
  g_autofree char *short_id = g_strndup (sch_case_get_uuid (kase), 8);
  g_autofree char *quote = g_strdup_printf ("Geben Sie bei Auskünften die Gesuchsnummer %s an.", short_id);

  g_clear_pointer (&context->office_name, g_free);
  g_clear_pointer (&context->office_address, g_strfreev);
  g_clear_pointer (&context->office_contact, g_free);
  receipt = sch_print_document_new_receipt (type, kase, context, NULL, NULL);
  bytes = render_to_bytes (receipt);
  pdf = open_pdf (bytes);
  text = document_text (pdf);

  assert_contains (text, quote);
  g_assert_null (strstr (text, "wenden Sie sich an"));
  g_assert_null (strstr (text, "Amt "));
  assert_inside_printable_area (pdf);
}

/* Where @needle next starts in @text from @from on, failing the test if it
 * does not come again. */
static gsize
position_after (const char *text,
                const char *needle,
                gsize       from)
{
  const char *found = strstr (text + from, needle);

  if (found == NULL)
    g_error ("“%s” not found after offset %" G_GSIZE_FORMAT " in:\n%s", needle, from, text);
  return (gsize) (found - text);
}

/* The signers' labels come in this order: @first, @second, @third. */
static void
assert_signer_order (const char *text,
                     const char *first,
                     const char *second,
                     const char *third)
{
  gsize at = position_after (text, first, 0);

  at = position_after (text, second, at);
  position_after (text, third, at);
}

/* The form and the receipt of a case whose applicant is born on @date_of_birth
 * (the test context prints on 14.03.2026), as text. */
static void
print_with_birth_date (SchAppType  *type,
                       const char  *date_of_birth,
                       char       **form_text,
                       char       **receipt_text)
{
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(SchPrintDocument) form = NULL;
  g_autoptr(SchPrintDocument) receipt = NULL;
  g_autoptr(GError) error = NULL;

  sch_case_set_value (kase, "person", 0, "date_of_birth", date_of_birth);
  form = sch_print_document_new_form (type, kase, context, &error);
  g_assert_no_error (error);
  receipt = sch_print_document_new_receipt (type, kase, context, NULL, &error);
  g_assert_no_error (error);
  *form_text = printed_text (form);
  *receipt_text = printed_text (receipt);
}

static void
test_minor_applicant (void)
{
  SchAppType *type = lookup_type ("first-permit-eu-employed");
  const char *applicant = sch_print_signer_label (SCH_SIGNER_APPLICANT, "de");
  const char *representative = sch_print_signer_label (SCH_SIGNER_LEGAL_REPRESENTATIVE, "de");
  const char *employer = sch_print_signer_label (SCH_SIGNER_EMPLOYER, "de");
  /* Under 18 on the day of printing, also when only the year or the month
   * is known and it could still be; of age from the 18th birthday on. */
  const struct { const char *born; gboolean minor; } cases[] = {
    { "02.07.2010", TRUE },
    { "15.03.2008", TRUE },
    { "14.03.2008", FALSE },
    { "03.2008", TRUE },
    { "2008", TRUE },
    { "02.2008", FALSE },
    { "29.02.1988", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *form_text = NULL;
      g_autofree char *receipt_text = NULL;

      g_test_message ("born %s", cases[i].born);
      print_with_birth_date (type, cases[i].born, &form_text, &receipt_text);
      if (!cases[i].minor)
        {
          g_assert_null (strstr (form_text, representative));
          g_assert_null (strstr (receipt_text, representative));
          continue;
        }
      /* The parent signs right after the minor, before the employer. */
      assert_signer_order (form_text, applicant, representative, employer);
      assert_signer_order (receipt_text, applicant, representative, employer);
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

static const char *
kind_nick (PopplerStructureElement *element)
{
  g_autoptr(GEnumClass) kinds = g_type_class_ref (POPPLER_TYPE_STRUCTURE_ELEMENT_KIND);

  /* The nicks are static: they outlive the reference. */
  return g_enum_get_value (kinds, poppler_structure_element_get_kind (element))->value_nick;
}

/* One line per structure element, "parent>kind: text", in reading order;
 * marked content (the leaves) only as its element's text. */
static void
describe_structure (PopplerStructureElementIter *iter,
                    const char                  *parent,
                    GString                     *out)
{
  do
    {
      g_autoptr(PopplerStructureElement) element = poppler_structure_element_iter_get_element (iter);
      PopplerStructureElementIter *children;
      g_autofree char *text = NULL;

      if (poppler_structure_element_is_content (element))
        continue;
      text = poppler_structure_element_get_text (element, POPPLER_STRUCTURE_GET_TEXT_RECURSIVE);
      g_string_append_printf (out, "%s>%s: %s\n", parent, kind_nick (element), text != NULL ? text : "");
      children = poppler_structure_element_iter_get_child (iter);
      if (children != NULL)
        {
          describe_structure (children, kind_nick (element), out);
          poppler_structure_element_iter_free (children);
        }
    }
  while (poppler_structure_element_iter_next (iter));
}

static char *
structure_of (PopplerDocument *pdf)
{
  PopplerStructureElementIter *iter = poppler_structure_element_iter_new (pdf);
  GString *out = g_string_new (NULL);

  g_assert_nonnull (iter);
  describe_structure (iter, "root", out);
  poppler_structure_element_iter_free (iter);
  return g_string_free (out, FALSE);
}

/* poppler-glib 22.12 hands an element's text back as if its UTF-8 were
 * PDFDocEncoding: only text up to the first non-ASCII character compares. */
static char *
ascii_prefix (const char *text,
              gsize       max_length)
{
  gsize length = 0;

  while (length < max_length && text[length] != '\0' && (guchar) text[length] < 0x80)
    length++;
  return g_strndup (text, length);
}

#define assert_structure_has(structure, line) \
  G_STMT_START { \
    if (strstr ((structure), (line)) == NULL) \
      g_error ("No “%s” in the tagged structure:\n%s", (line), (structure)); \
  } G_STMT_END

/* A screen reader walks the form and the receipt as headings, paragraphs
 * (a field's label with its value), lists of declarations and signers, one
 * group per signature box, and the footers; list items only in lists. */
static void
test_pdf_structure (void)
{
  SchAppType *type = lookup_type ("family-reunification");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(GPtrArray) entries = test_documents_new (type, "de");
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GOutputStream) output = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *structure = NULL;
  g_autofree char *footer = NULL;
  g_autofree char *declaration = NULL;
  g_autofree char *ahv = NULL;
  g_autofree char *start = NULL;
  GArray *signers = sch_app_type_get_signers (type);
  GPtrArray *declarations = sch_app_type_get_declarations (type);
  guint n_pages;

  g_ptr_array_add (documents, sch_print_document_new_form (type, kase, context, &error));
  g_assert_no_error (error);
  g_ptr_array_add (documents, sch_print_document_new_receipt (type, kase, context, entries, &error));
  g_assert_no_error (error);
  g_assert_true (sch_print_documents_write_pdf (documents, output, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_close (output, NULL, NULL));
  bytes = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (output));
  pdf = open_pdf (bytes);
  structure = structure_of (pdf);

  assert_structure_has (structure, "root>heading-1: Unterschriftenblatt\n");
  assert_structure_has (structure, "root>heading-1: Gesuchsquittung\n");
  assert_structure_has (structure, "root>heading-2: ");
  assert_structure_has (structure, "root>heading-3: ");
  assert_structure_has (structure, "root>paragraph: " TEST_OFFICE);
  ahv = g_strdup_printf ("root>paragraph: %s" TEST_AHV "\n",
                         sch_text_get (sch_app_type_lookup_field (type, "person", "ahv")->label, "de"));
  assert_structure_has (structure, ahv);

  /* The declarations, each an item with its bullet and its text. */
  g_assert_cmpuint (declarations->len, >, 0);
  /* poppler also reads an element's text only up to a line's wrap, where
   * pango marks the dropped space as content of its own: a short start. */
  start = ascii_prefix (sch_text_get (((SchDeclaration *) g_ptr_array_index (declarations, 0))->text, "de"), 24);
  g_assert_cmpuint (strlen (start), >, 0);
  declaration = g_strdup_printf ("list-item>list-body: %s", start);
  assert_structure_has (structure, "root>list: ");
  assert_structure_has (structure, "list-item>list-label: ");
  assert_structure_has (structure, declaration);
  g_assert_cmpuint (count_occurrences (structure, ">list-item: "), ==,
                    count_occurrences (structure, "list>list-item: "));
  g_assert_cmpuint (count_occurrences (structure, ">list-label: "), ==,
                    count_occurrences (structure, "list-item>list-label: "));
  g_assert_cmpuint (count_occurrences (structure, ">list-body: "), ==,
                    count_occurrences (structure, "list-item>list-body: "));

  /* One box per signer, holding its label. */
  g_assert_cmpuint (count_occurrences (structure, "root>div: "), ==, signers->len);
  for (guint i = 0; i < signers->len; i++)
    {
      g_autofree char *start_of_label = ascii_prefix (sch_print_signer_label (g_array_index (signers, SchSigner, i),
                                                                              "de"), 24);
      g_autofree char *label = g_strdup_printf ("div>paragraph: %s", start_of_label);

      g_assert_cmpuint (strlen (start_of_label), >, 0);
      assert_structure_has (structure, label);
    }

  /* The footers of the form's last page and of the one-page receipt. */
  n_pages = sch_print_document_get_n_pages (g_ptr_array_index (documents, 0));
  footer = g_strdup_printf ("root>paragraph: Seite %u von %u\n", n_pages, n_pages);
  assert_structure_has (structure, footer);
  assert_structure_has (structure, "root>paragraph: Seite 1 von 1\n");
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
  g_autofree char *last = NULL;

  for (guint i = 1; i <= 150; i++)
    g_string_append_printf (means, "Zeile %u der Aufstellung der Mittel\n", i);
  sch_case_set_value (kase, "purpose", 0, "means", means->str);

  form = sch_print_document_new_form (type, kase, context, NULL);
  bytes = render_to_bytes (form);
  pdf = open_pdf (bytes);
  g_assert_cmpint (poppler_document_get_n_pages (pdf), >=, 3);
  text = document_text (pdf);
  /* Each line once: a line at a page break is not also hidden, clipped,
   * on the other page (search, copy and screen readers would find it twice). */
  for (guint i = 1; i <= 150; i++)
    {
      g_autofree char *line = g_strdup_printf ("Zeile %u der Aufstellung der Mittel", i);

      g_assert_cmpuint (count_occurrences (text, line), ==, 1);
    }
  page3 = page_text (pdf, 2);
  assert_contains (page3, "(Fortsetzung)");
  save_artifacts (bytes, pdf, "form-long-text");
  /* The field's rule and label are drawn with their own slice only. */
  last = page_text (pdf, poppler_document_get_n_pages (pdf) - 1);
  g_assert_null (strstr (last, "Zeile 1 der Aufstellung"));
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
  g_autofree char *payload = sch_qr_payload_new ("0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 2, 3, 4);
  g_autoptr(SchQrCode) code = sch_qr_payload_parse (payload, strlen (payload));
  g_autoptr(SchQrCode) foreign = sch_qr_payload_parse ("https://www.example.ch/", 23);
  g_autofree char *altered = g_strdup (payload);
  g_autofree char *other_printout = g_strdup (payload);
  g_autoptr(SchQrCode) damaged = NULL;
  g_autoptr(SchQrCode) misread = NULL;

  g_assert_true (g_str_has_prefix (payload, "SCH2|0f8fad5b-d9cb-469f-a165-70867728950e|form|2|3|4|"));
  g_assert_cmpint (code->status, ==, SCH_QR_STATUS_VALID);
  g_assert_cmpstr (code->case_uuid, ==, "0f8fad5b-d9cb-469f-a165-70867728950e");
  g_assert_cmpint (code->role, ==, SCH_QR_ROLE_FORM);
  g_assert_cmpuint (code->page, ==, 2);
  g_assert_cmpuint (code->n_pages, ==, 3);
  g_assert_cmpuint (code->printout, ==, 4);
  g_assert_cmpint (foreign->status, ==, SCH_QR_STATUS_FOREIGN);

  /* One digit of the uuid read wrong. */
  altered[6] = altered[6] == '0' ? '1' : '0';
  damaged = sch_qr_payload_parse (altered, strlen (altered));
  g_assert_cmpint (damaged->status, ==, SCH_QR_STATUS_DAMAGED);
  g_assert_null (damaged->case_uuid);

  /* The printout is covered by the check as well. */
  other_printout[strlen ("SCH2|0f8fad5b-d9cb-469f-a165-70867728950e|form|2|3|")] = '5';
  misread = sch_qr_payload_parse (other_printout, strlen (other_printout));
  g_assert_cmpint (misread->status, ==, SCH_QR_STATUS_DAMAGED);
}

/* A reprint carries its printout number in every code, so that its pages
 * are never mixed with those of an earlier print. (Every type's round trip
 * at printout 1 is part of its form-and-receipt test.) */
static void
test_qr_printout (void)
{
  SchAppType *type = lookup_type ("family-reunification");
  g_autoptr(SchCase) kase = test_case_new (type);
  g_autoptr(SchPrintContext) context = test_print_context_new ("fr");
  g_autoptr(SchPrintDocument) form = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PopplerDocument) pdf = NULL;
  g_autofree char *text = NULL;

  context->printout = 3;
  form = sch_print_document_new_form (type, kase, context, NULL);
  bytes = render_to_bytes (form);
  pdf = open_pdf (bytes);
  assert_codes (pdf, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, 3);
  /* The clerk can tell the printouts apart by eye too. */
  text = document_text (pdf);
  assert_contains (text, "Impression 3");
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
      assert_single_code (codes, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, (guint) i + 1, (guint) n_pages, 1);
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
  g_autofree char *payload = sch_qr_payload_new ("0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 1, 2, 1);
  g_autoptr(GPtrArray) good = NULL;
  g_autoptr(GPtrArray) bad = NULL;
  g_autoptr(GPtrArray) none = NULL;
  const SchQrCode *code;
  guint8 blank[64 * 64];

  good = decode_drawn (payload);
  assert_single_code (good, "0f8fad5b-d9cb-469f-a165-70867728950e", SCH_QR_ROLE_FORM, 1, 2, 1);

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

/* Where the layout draws a page's code: a 30 mm square (quiet zone
 * included) whose top right corner is 19 mm from the right edge and 13 mm
 * from the top of the sheet; the symbol itself lies 3 mm inside it. The
 * test checks these numbers itself: whiting the square out leaves no code. */
#define CODE_X (161 * MM)
#define CODE_Y (13 * MM)
#define CODE_SIZE (30 * MM)
#define SYMBOL_INSET (3 * MM)
#define SYMBOL_SIZE (CODE_SIZE - 2 * SYMBOL_INSET)

typedef enum {
  DAMAGE_WHITE_OUT,       /* the whole square: proves where the code is */
  DAMAGE_BLACK_BARS,      /* three bars, 24 % of the symbol */
  DAMAGE_TOP_BAR,         /* one bar over the top 30 %, two finder patterns */
  DAMAGE_WHITE_CROSS,     /* correction fluid, 36 % */
  DAMAGE_SCRIBBLE,        /* pen strokes across, about 30 % */
  DAMAGE_CROP_RIGHT,      /* the sheet cut off through the code, 35 % lost */
  DAMAGE_CROP_TOP,        /* the top of the sheet cut off, 40 % of the code lost */
  N_DAMAGES
} Damage;

static const char * const damage_names[N_DAMAGES] = {
  "white-out", "black bars", "top bar", "white cross", "scribble", "crop right", "crop top",
};

/* A copy of @page (rasterised at SCAN_DPI) with its code damaged. */
static cairo_surface_t *
damage_code (cairo_surface_t *page,
             Damage           damage)
{
  double scale = SCAN_DPI / 72.0;
  int width = cairo_image_surface_get_width (page);
  int height = cairo_image_surface_get_height (page);
  double sx = CODE_X + SYMBOL_INSET, sy = CODE_Y + SYMBOL_INSET, ss = SYMBOL_SIZE;
  cairo_surface_t *damaged;
  cairo_t *cr;
  int x0 = 0, y0 = 0;

  if (damage == DAMAGE_CROP_RIGHT)
    width = (int) ((sx + ss * 0.65) * scale);
  else if (damage == DAMAGE_CROP_TOP)
    {
      y0 = (int) ((sy + ss * 0.40) * scale);
      height -= y0;
    }

  damaged = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (damaged);
  cairo_set_source_surface (cr, page, -x0, -y0);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);

  switch (damage)
    {
    case DAMAGE_WHITE_OUT:
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, CODE_X, CODE_Y, CODE_SIZE, CODE_SIZE);
      cairo_fill (cr);
      break;
    case DAMAGE_BLACK_BARS:
      cairo_set_source_rgb (cr, 0, 0, 0);
      for (int i = 0; i < 3; i++)
        cairo_rectangle (cr, sx + ss * (0.15 + 0.30 * i), sy, ss * 0.08, ss);
      cairo_fill (cr);
      break;
    case DAMAGE_TOP_BAR:
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_rectangle (cr, sx, sy, ss, ss * 0.30);
      cairo_fill (cr);
      break;
    case DAMAGE_WHITE_CROSS:
      cairo_set_source_rgb (cr, 1, 1, 1);
      cairo_rectangle (cr, sx, sy + ss * 0.40, ss, ss * 0.20);
      cairo_rectangle (cr, sx + ss * 0.40, sy, ss * 0.20, ss);
      cairo_fill (cr);
      break;
    case DAMAGE_SCRIBBLE:
      cairo_set_source_rgb (cr, 0.05, 0.05, 0.2);
      cairo_set_line_width (cr, ss * 0.05);
      for (int i = 0; i < 6; i++)
        {
          cairo_move_to (cr, sx - ss * 0.2 + ss * 0.25 * i, sy);
          cairo_line_to (cr, sx + ss * 0.25 * i, sy + ss);
        }
      cairo_stroke (cr);
      break;
    case DAMAGE_CROP_RIGHT:
    case DAMAGE_CROP_TOP:
    case N_DAMAGES:
    default:
      break;
    }
  cairo_destroy (cr);
  return damaged;
}

/* A real form page whose code is painted over or cut off is read as
 * nothing or as damaged, never as a valid code of another case or page:
 * the clerk then files it by hand (see the ui-print test). */
static void
test_qr_damaged_page (void)
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
      cairo_surface_t *page = rasterise (pdf, i, SCAN_DPI);
      g_autoptr(GPtrArray) intact = sch_qr_decode_surface (page, NULL);

      assert_single_code (intact, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM, (guint) i + 1, (guint) n_pages, 1);
      for (Damage damage = 0; damage < N_DAMAGES; damage++)
        {
          cairo_surface_t *damaged = damage_code (page, damage);
          g_autoptr(GPtrArray) codes = NULL;
          g_autoptr(GError) error = NULL;

          codes = sch_qr_decode_surface (damaged, &error);
          g_assert_no_error (error);
          for (guint c = 0; c < codes->len; c++)
            {
              const SchQrCode *code = g_ptr_array_index (codes, c);

              if (code->status == SCH_QR_STATUS_VALID)
                g_error ("page %d with “%s”: a valid code for %s page %u was read from a damaged code",
                         i + 1, damage_names[damage], code->case_uuid, code->page);
            }
          cairo_surface_destroy (damaged);
        }
      cairo_surface_destroy (page);
    }
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
                      sch_print_document_get_n_pages (form), 1);
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
  g_test_add_func ("/print/receipt-without-office", test_receipt_without_office);
  g_test_add_func ("/print/minor-applicant", test_minor_applicant);
  g_test_add_func ("/print/pdf-metadata-and-determinism", test_pdf_metadata_and_determinism);
  g_test_add_func ("/print/pdf-structure", test_pdf_structure);
  g_test_add_func ("/print/write-error", test_write_error);
  g_test_add_func ("/print/text-longer-than-a-page", test_text_longer_than_a_page);
  g_test_add_func ("/print/catalog-declarations", test_catalog_declarations);
  g_test_add_func ("/print/draw-page-scaled", test_draw_page_scaled);
  g_test_add_func ("/qr/payload", test_payload);
  g_test_add_func ("/qr/printout", test_qr_printout);
  g_test_add_func ("/qr/after-scan", test_qr_after_scan);
  g_test_add_func ("/qr/damaged", test_qr_damaged);
  g_test_add_func ("/qr/damaged-page", test_qr_damaged_page);

  status = g_test_run ();
  g_object_unref (catalog);
  return status;
}
