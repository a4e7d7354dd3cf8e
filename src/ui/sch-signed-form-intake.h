/* Signed forms back: scanned or imported pages are matched to their case by
 * the QR code printed on every page (see sch-qr.h) and filed in the case's
 * reserved document slot "signed-form", in page order.
 *
 * Images are decoded to gray, PDF pages rendered at 150 dpi in the PDF
 * helper; each page's QR code is then read. Pages that name a case of this
 * workstation as "form page n of m" are filed by themselves (after asking
 * when they belong to another case than the open one); anything else (an
 * unknown case, a damaged or misread code, no code at all, a receipt) is
 * filed only where the clerk chooses. When pages 1..m of a form are all back
 * (counted over every filing, from the journal), an awaiting-signature case
 * moves to signed; pages the clerk files by hand count as the whole form. */
#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-qr.h"
#include "sch-pdf-inspector.h"
#include "sch-store.h"
#include "sch-page.h"

G_BEGIN_DECLS

#define SCH_SIGNED_FORM_SLOT "signed-form"

/* What a page's QR code says about it. */
typedef enum {
  SCH_INTAKE_FORM,           /* a form page of a case of this store */
  SCH_INTAKE_UNKNOWN_CASE,   /* a form page of a case that is not here */
  SCH_INTAKE_NOT_FORM,       /* a receipt or an information sheet */
  SCH_INTAKE_DAMAGED,        /* a Schalter code whose check fails */
  SCH_INTAKE_NO_CODE,        /* no Schalter code: none, cut off, scribbled over, foreign */
} SchIntakeKind;

typedef struct {
  SchSlotPage   *page;        /* the page as it will be stored */
  double         width;       /* pixels for images, points for PDF pages */
  double         height;
  SchPageSource  source;
  guint          index;       /* 1-based place in the scan or file, for messages */
  SchIntakeKind  kind;        /* set by sch_signed_form_analyse_async() */
  char          *case_uuid;   /* FORM, UNKNOWN_CASE and NOT_FORM */
  SchQrRole      role;
  guint          number;      /* the form's page number, 1-based */
  guint          n_pages;     /* of how many */
} SchIntakePage;

void       sch_intake_page_free (SchIntakePage *page);

/* Pages from scanned pages (SchScannedPage*). SchIntakePage*. */
GPtrArray *sch_signed_form_pages_from_scans   (GPtrArray           *scanned);
/* Pages from a PDF, JPEG, PNG or TIFF file. */
void       sch_signed_form_pages_from_file_async  (GFile               *file,
                                                   SchPdfInspector     *inspector,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
GPtrArray *sch_signed_form_pages_from_file_finish (GAsyncResult        *result,
                                                   GError             **error);

/* Reads the QR code of every page of @pages and sets its kind; @store tells
 * which cases are here. */
void       sch_signed_form_analyse_async  (GPtrArray           *pages,
                                           SchStore            *store,
                                           SchPdfInspector     *inspector,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gboolean   sch_signed_form_analyse_finish (GAsyncResult        *result,
                                           GError             **error);

/* Files @pages (SchIntakePage*) in @kase's signed-form slot. @by_code: they
 * are FORM pages of @kase, placed by page number; @missing (optional) gets
 * the numbers (guint) of the form pages still not back. Moves an
 * awaiting-signature case to signed when the form is complete. */
gboolean   sch_signed_form_file (SchStore   *store,
                                 SchCase    *kase,
                                 GPtrArray  *pages,
                                 gboolean    by_code,
                                 GArray    **missing,
                                 GError    **error);

/* The clerk's side: choosing scan or import, the questions and messages,
 * toasts in the window. Keeps itself alive until "finished". */
#define SCH_TYPE_SIGNED_FORM_INTAKE (sch_signed_form_intake_get_type ())
G_DECLARE_FINAL_TYPE (SchSignedFormIntake, sch_signed_form_intake, SCH, SIGNED_FORM_INTAKE, GObject)

/* @open_case (may be NULL) is the case open in @window: its instance is
 * used when pages are filed there, and pages of other cases are asked about. */
SchSignedFormIntake *sch_signed_form_intake_new (GtkWindow  *window,
                                                 SchStore   *store,
                                                 SchCatalog *catalog,
                                                 SchCase    *open_case);
/* Asks: scan or import a file. */
void sch_signed_form_intake_start       (SchSignedFormIntake *self);
/* Opens the scan dialog. */
void sch_signed_form_intake_scan        (SchSignedFormIntake *self);
/* Takes pages the scanner delivered (SchScannedPage*). */
void sch_signed_form_intake_take_scans  (SchSignedFormIntake *self,
                                         GPtrArray           *scanned);
void sch_signed_form_intake_import_file (SchSignedFormIntake *self,
                                         GFile               *file);

/* signal "finished" (SchSignedFormIntake *intake, guint n_filed):
 * the flow ended; @n_filed pages were filed in all. */

G_END_DECLS
