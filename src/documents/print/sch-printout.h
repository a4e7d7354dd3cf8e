/* Printouts of a case's form and receipt, as the journal records them.
 *
 * Every print (or save as PDF) of a case is one printout, numbered from 1;
 * its number is in the QR code of every page (see sch-qr.h), and the
 * journal line "printed" keeps its number, language and the page count of
 * its signature form: "form+receipt, de, printout 2, form pages 4", with
 * ", saved as PDF" for a saved copy. No personal data. The latest printout
 * is the one whose signed pages the case waits for, and its language is
 * the case's print language next time. */
#pragma once

#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_PRINTOUT_JOURNAL_ACTION "printed"

typedef struct {
  guint  number;         /* 1-based */
  guint  n_form_pages;   /* pages of its signature form */
  char  *lang;           /* "de", "fr", "it" */
} SchPrintout;

SchPrintout *sch_printout_new  (guint number, guint n_form_pages, const char *lang);
void         sch_printout_free (SchPrintout *printout);

/* The latest printout of @case_uuid in *@latest, NULL when it was never
 * printed. FALSE only when the journal cannot be read. */
gboolean sch_printout_lookup_latest (SchStore     *store,
                                     const char   *case_uuid,
                                     SchPrintout **latest,
                                     GError      **error);
/* The number the next printout of @case_uuid gets (1 for the first). */
gboolean sch_printout_next_number   (SchStore     *store,
                                     const char   *case_uuid,
                                     guint        *number,
                                     GError      **error);
/* Journals @printout of @case_uuid; @saved: saved as PDF, not printed. */
gboolean sch_printout_record        (SchStore          *store,
                                     const char        *case_uuid,
                                     const SchPrintout *printout,
                                     gboolean           saved,
                                     GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPrintout, sch_printout_free)

G_END_DECLS
