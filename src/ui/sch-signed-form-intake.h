/* Signed forms back: scanned or imported pages are matched to their case by
 * the QR code printed on every page (see sch-qr.h) and filed in the case's
 * reserved document slot "signed-form", in page order.
 *
 * Images are decoded to gray, PDF pages rendered at 150 dpi in the PDF
 * helper; each page's QR code is then read. Pages that name a case of this
 * workstation as "form page n of m" of its latest printout (see
 * sch-printout.h) are filed by themselves (after asking when they belong to
 * another case than the open one); anything else (an unknown case, a
 * damaged or misread code, no code at all, a receipt) is filed only where
 * the clerk chooses, as the next missing pages of that case's form. Pages
 * of an earlier printout are reported and not filed.
 *
 * Only a case awaiting its signature takes pages (a signed one is told that
 * it is a re-scan); a page number already filed for the printout is not
 * filed twice. When pages 1..m of the printout's form are all back (counted
 * over every filing, from the journal), the case moves to signed. */
#pragma once

#include <adwaita.h>
#include "sch-catalog.h"
#include "sch-qr.h"
#include "sch-pdf-inspector.h"
#include "sch-printout.h"
#include "sch-store.h"
#include "sch-page.h"

G_BEGIN_DECLS

#define SCH_SIGNED_FORM_SLOT "signed-form"

#define SCH_SIGNED_FORM_ERROR (sch_signed_form_error_quark ())
GQuark sch_signed_form_error_quark (void);

typedef enum {
  SCH_SIGNED_FORM_ERROR_STATE,         /* the case does not wait for a signed form */
  SCH_SIGNED_FORM_ERROR_NOT_PRINTED,   /* no printout of its form is recorded */
  SCH_SIGNED_FORM_ERROR_OLD_PRINTOUT,  /* pages of an earlier printout */
  SCH_SIGNED_FORM_ERROR_TOO_MANY,      /* more pages chosen than the form still misses */
} SchSignedFormError;

/* What a page's QR code says about it. */
typedef enum {
  SCH_INTAKE_FORM,           /* a form page of a case of this store */
  SCH_INTAKE_OLD_PRINTOUT,   /* a form page of an earlier printout of such a case */
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
  guint          printout;    /* of which printout */
  guint          latest;      /* OLD_PRINTOUT: the case's latest printout */
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

/* What one filing did. Page numbers are guint. */
typedef struct {
  guint     printout;    /* the printout whose form the pages belong to */
  guint     n_pages;     /* pages of that form */
  GArray   *filed;       /* numbers filed now */
  GArray   *repeated;    /* numbers that were already filed: not filed twice */
  GArray   *missing;     /* numbers still not back */
  gboolean  was_signed;  /* the case was signed before: a re-scan */
  gboolean  signed_now;  /* the form is complete now: the case moved to signed */
  guint     n_replaced;  /* pages of an earlier printout taken out of the slot */
} SchSignedFormFiling;

void sch_signed_form_filing_free (SchSignedFormFiling *filing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchSignedFormFiling, sch_signed_form_filing_free)

/* Whether @kase takes signed pages now: it awaits its signature (or is
 * signed: a re-scan) and a printout of its form is recorded, which
 * *@latest (optional) gets. Otherwise an error the clerk can read. */
gboolean   sch_signed_form_check_case (SchStore     *store,
                                       SchCase      *kase,
                                       SchPrintout **latest,
                                       GError      **error);

/* Files @pages (SchIntakePage*) in @kase's signed-form slot, in form page
 * order. @by_code: they are FORM pages of @kase's latest printout, placed
 * by their numbers; otherwise the clerk chose the case and they become its
 * next missing pages, in order. Moves the case to signed when the form is
 * complete. */
SchSignedFormFiling *sch_signed_form_file (SchStore   *store,
                                           SchCase    *kase,
                                           GPtrArray  *pages,
                                           gboolean    by_code,
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
