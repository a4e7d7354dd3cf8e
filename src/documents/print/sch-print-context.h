/* What a printed document needs to know besides the case: the office, the
 * clerk, the language and the time. The UI fills it from the preferences;
 * tests fix @now so that the output does not depend on the clock. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  char       *office_name;         /* "Einwohneramt St. Gallen" */
  char      **office_address;      /* address lines, NULL-terminated; may be NULL */
  char       *office_contact;      /* phone / e-mail for status enquiries; may be NULL */
  guint       municipality;        /* BFS number of the office's municipality; 0 = unknown */
  char       *clerk;               /* the clerk's real name */
  char       *lang;                /* print language: "de", "fr", "it" (or "en") */
  GDateTime  *now;                 /* printing time; also the PDF creation date */
  char       *migration_reference; /* the migration office's reference, if known; may be NULL */
  guint       printout;            /* the case's print run, 1 for the first; in every QR code */
} SchPrintContext;

/* Language "de", time now, printout 1, everything else empty. */
SchPrintContext *sch_print_context_new  (void);
SchPrintContext *sch_print_context_copy (const SchPrintContext *context);
void             sch_print_context_free (SchPrintContext *context);

/* One document slot as listed on the receipt. */
typedef struct {
  char     *title;                 /* slot title in the print language */
  guint     n_pages;               /* pages received (0 when to follow) */
  gboolean  to_follow;             /* the resident hands it in later */
} SchPrintDocEntry;

SchPrintDocEntry *sch_print_doc_entry_new  (const char *title, guint n_pages, gboolean to_follow);
void              sch_print_doc_entry_free (SchPrintDocEntry *entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPrintContext, sch_print_context_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPrintDocEntry, sch_print_doc_entry_free)

G_END_DECLS
