/* The print preview: the generated signature form and receipt of a case, or
 * the information sheet of a type filed elsewhere, rendered page by page
 * with poppler (in the PDF helper process), then printed (GTK print dialog,
 * A4) or saved as a PDF.
 *
 * Printing or saving a case's documents is one printout (see
 * sch-printout.h): journalled with its number, language and form page
 * count, and it moves a complete case to awaiting-signature; the state
 * never moves back, so a later reprint only adds to the journal. The print
 * language is chosen per print in the preview and never written into the
 * case (a sent or locked case does not change); a case opens in the
 * language of its latest printout, else in the preferences' default.
 *
 * Without the office's name or address in the preferences the letterhead
 * would be blank: a banner says so and opens Preferences; the documents
 * are prepared again when the office's settings change. */
#pragma once

#include <adwaita.h>
#include "sch-app-type.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_TYPE_PRINT_PREVIEW (sch_print_preview_get_type ())
G_DECLARE_FINAL_TYPE (SchPrintPreview, sch_print_preview, SCH, PRINT_PREVIEW, AdwWindow)

/* Form and receipt of @kase (the instance the window edits, so that the
 * state change reaches it). */
SchPrintPreview *sch_print_preview_new_for_case       (GtkWindow  *parent,
                                                       SchStore   *store,
                                                       SchCase    *kase,
                                                       SchAppType *type);
/* The information sheet of @type (filed elsewhere): no case, no state. */
SchPrintPreview *sch_print_preview_new_for_info_sheet (GtkWindow  *parent,
                                                       SchAppType *type);

/* Whether the pages are shown (FALSE while preparing and after an error). */
gboolean    sch_print_preview_is_ready        (SchPrintPreview *self);
guint       sch_print_preview_get_n_pages     (SchPrintPreview *self);
/* The page shown, 0-based. */
guint       sch_print_preview_get_page        (SchPrintPreview *self);
/* The PDF shown (all documents in print order); NULL while preparing. */
GBytes     *sch_print_preview_get_pdf         (SchPrintPreview *self);
const char *sch_print_preview_get_language    (SchPrintPreview *self);
/* "de", "fr" or "it": prepares the documents again in that language. */
void        sch_print_preview_set_language    (SchPrintPreview *self,
                                               const char      *lang);
/* Makes "Print…" write the pages to @filename (PDF) through
 * GtkPrintOperation's export instead of asking with the print dialog: for
 * unattended runs and tests. NULL restores the dialog. */
void        sch_print_preview_set_export_filename (SchPrintPreview *self,
                                                   const char      *filename);

/* Actions: "preview.print", "preview.save" (asks where, then as
 * "preview.save-to"), "preview.save-to" (s: an absolute file name), paging
 * and zoom.
 *
 * signal "ready" (SchPrintPreview *preview): the pages are shown, or the
 * error page when they could not be prepared.
 * signal "printed" (SchPrintPreview *preview): printed or saved, and recorded. */

G_END_DECLS
