/* The printed documents of a case: the signature form, the receipt
 * (Gesuchsquittung) and, for types filed elsewhere, the information sheet.
 * No GTK: cairo and pango draw A4 pages; every page carries a QR code (see
 * sch-qr.h) with the case id, the document's role and the page number.
 *
 * For the UI: make a SchPrintDocument, show it in the preview by rendering
 * the PDF with poppler (or by drawing pages with
 * sch_print_document_draw_page()), and in GtkPrintOperation::draw-page call
 * sch_print_document_draw_page() with the print context's cairo_t and size;
 * both produce the same pages as the PDF. Printed texts come from the
 * catalog and print-texts.json in the context's print language. */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "sch-app-type.h"
#include "sch-case.h"
#include "sch-print-context.h"
#include "sch-qr.h"

G_BEGIN_DECLS

#define SCH_PRINT_ERROR (sch_print_error_quark ())
GQuark sch_print_error_quark (void);

typedef enum {
  SCH_PRINT_ERROR_NOT_FILED_HERE,  /* a form or receipt for a type filed elsewhere */
  SCH_PRINT_ERROR_FILED_HERE,      /* an information sheet for a type filed here */
  SCH_PRINT_ERROR_WRONG_TYPE,      /* the case is of another type */
  SCH_PRINT_ERROR_PDF,             /* cairo could not write the PDF */
} SchPrintError;

#define SCH_TYPE_PRINT_DOCUMENT (sch_print_document_get_type ())
G_DECLARE_FINAL_TYPE (SchPrintDocument, sch_print_document, SCH, PRINT_DOCUMENT, GObject)

/* The signature form: letterhead, the captured data by group, the type's
 * declarations and one signature box per signer. */
SchPrintDocument *sch_print_document_new_form       (SchAppType            *type,
                                                     SchCase               *kase,
                                                     const SchPrintContext *context,
                                                     GError               **error);
/* The receipt for the resident; @documents (SchPrintDocEntry*, may be NULL)
 * lists what was handed in and what is to follow. Every signer of the type
 * is listed as still to sign: the receipt is printed with the form. */
SchPrintDocument *sch_print_document_new_receipt    (SchAppType            *type,
                                                     SchCase               *kase,
                                                     const SchPrintContext *context,
                                                     GPtrArray             *documents,
                                                     GError               **error);
/* Where and how to file a type that is not filed here, and what to prepare.
 * Its QR code holds the type code instead of a case id. */
SchPrintDocument *sch_print_document_new_info_sheet (SchAppType            *type,
                                                     const SchPrintContext *context,
                                                     GError               **error);

guint       sch_print_document_get_n_pages (SchPrintDocument *self);
/* Title of the PDF, e.g. "Unterschriftenblatt – Familiennachzug". */
const char *sch_print_document_get_title   (SchPrintDocument *self);
/* Draws page @page (0-based) scaled to fit @width × @height (in @cr's user
 * units, e.g. GtkPrintContext's width and height), centred. */
gboolean    sch_print_document_draw_page   (SchPrintDocument *self,
                                            cairo_t          *cr,
                                            guint             page,
                                            double            width,
                                            double            height,
                                            GError          **error);
/* Writes the document as an A4 PDF (metadata: title, office as author when
 * it has a name, creator "Schalter", creation and modification date from
 * the context). Does not close @output. */
gboolean    sch_print_document_write_pdf   (SchPrintDocument *self,
                                            GOutputStream    *output,
                                            GCancellable     *cancellable,
                                            GError          **error);
gboolean    sch_print_document_save_pdf    (SchPrintDocument *self,
                                            GFile            *file,
                                            GError          **error);
/* Writes @documents (SchPrintDocument*, at least one, of one case or type)
 * one after the other as one A4 PDF, titled after all of them in the
 * print language ("Unterschriftenblatt und Gesuchsquittung –
 * Familiennachzug"); the other metadata as above, from the first one. */
gboolean    sch_print_documents_write_pdf  (GPtrArray        *documents,
                                            GOutputStream    *output,
                                            GCancellable     *cancellable,
                                            GError          **error);

/* One-call forms of the above that write a PDF to @output. */
gboolean    sch_form_render_pdf       (SchAppType *type, SchCase *kase, const SchPrintContext *context,
                                       GOutputStream *output, GError **error);
gboolean    sch_receipt_render_pdf    (SchAppType *type, SchCase *kase, const SchPrintContext *context,
                                       GPtrArray *documents, GOutputStream *output, GError **error);
gboolean    sch_info_sheet_render_pdf (SchAppType *type, const SchPrintContext *context,
                                       GOutputStream *output, GError **error);

/* The signer's label in @lang, as printed ("Gesuchstellerin / Gesuchsteller"). */
const char *sch_print_signer_label    (SchSigner signer, const char *lang);
/* A fee in Rappen as printed: "CHF 95.00". */
char       *sch_print_format_fee      (guint rappen);

G_END_DECLS
