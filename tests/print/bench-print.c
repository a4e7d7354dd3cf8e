/* Time to make the signature form and receipt of a case, beside a plain
 * cairo/pango PDF text page of the same size measured in the same run. */
#include "config.h"

#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "print-test-data.h"
#include "sch-form-renderer.h"

#define N_CASES 100

static cairo_status_t
discard (void                *data,
         const unsigned char *bytes,
         unsigned int         length)
{
  *(gsize *) data += length;
  return CAIRO_STATUS_SUCCESS;
}

/* The reference: one A4 page of wrapped text, the same amount as a form. */
static void
plain_page (const char *text)
{
  gsize written = 0;
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (discard, &written, 595.28, 841.89);
  cairo_t *cr = cairo_create (surface);
  PangoLayout *layout = pango_cairo_create_layout (cr);
  PangoFontDescription *font = pango_font_description_from_string ("DejaVu Sans 10");

  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, 480 * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  cairo_move_to (cr, 57, 57);
  pango_cairo_show_layout (cr, layout);
  cairo_show_page (cr);
  pango_font_description_free (font);
  g_object_unref (layout);
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
}

static void
form_and_receipt (SchAppType      *type,
                  SchCase         *kase,
                  SchPrintContext *context,
                  GPtrArray       *documents)
{
  g_autoptr(GOutputStream) form_out = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) receipt_out = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;

  if (!sch_form_render_pdf (type, kase, context, form_out, &error) ||
      !sch_receipt_render_pdf (type, kase, context, documents, receipt_out, &error))
    g_error ("Rendering failed: %s", error->message);
}

int
main (int argc, char **argv)
{
  g_autoptr(SchCatalog) catalog = sch_catalog_new ();
  g_autoptr(SchPrintContext) context = test_print_context_new ("de");
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  SchAppType *type;
  gint64 start, one_case, many_cases, plain;

  if (!sch_catalog_load_builtin (catalog, NULL))
    g_error ("The built-in catalog does not load.");
  type = sch_catalog_lookup (catalog, "family-reunification");
  documents = test_documents_new (type, "de");
  for (guint i = 0; i < N_CASES; i++)
    g_ptr_array_add (cases, test_case_new (type));
  for (guint i = 0; i < 60; i++)
    g_string_append (text, "Familiennachzug Dürrenmatt-Çelik Zoë Ágnes 756.1234.5678.97 ");

  /* Warm up fonts and caches: the first page of a process pays for fontconfig. */
  form_and_receipt (type, g_ptr_array_index (cases, 0), context, documents);
  plain_page (text->str);

  start = g_get_monotonic_time ();
  form_and_receipt (type, g_ptr_array_index (cases, 0), context, documents);
  one_case = g_get_monotonic_time () - start;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_CASES; i++)
    form_and_receipt (type, g_ptr_array_index (cases, i), context, documents);
  many_cases = (g_get_monotonic_time () - start) / N_CASES;

  start = g_get_monotonic_time ();
  for (guint i = 0; i < N_CASES; i++)
    plain_page (text->str);
  plain = (g_get_monotonic_time () - start) / N_CASES;

  g_print ("form + receipt (family reunification, 8 members), one case: %.1f ms\n", one_case / 1000.0);
  g_print ("form + receipt, per case over %u cases: %.1f ms (aim: < 50 ms)\n", N_CASES, many_cases / 1000.0);
  g_print ("plain cairo/pango PDF text page: %.1f ms\n", plain / 1000.0);
  g_print ("ratio form + receipt / plain page: %.1f\n", (double) many_cases / MAX (plain, 1));
  return 0;
}
