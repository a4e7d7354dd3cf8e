/* sch-pdf-error.h: errors of PDF and image import, inspection and composing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SCH_PDF_ERROR (sch_pdf_error_quark ())

/**
 * SchPdfError:
 * @SCH_PDF_ERROR_NEEDS_PASSWORD: the PDF is encrypted and no password was given
 * @SCH_PDF_ERROR_WRONG_PASSWORD: the password given does not open the PDF
 * @SCH_PDF_ERROR_DAMAGED: the file is not a readable PDF or image
 * @SCH_PDF_ERROR_UNREADABLE: the helper crashed, ran out of time or answered nonsense
 * @SCH_PDF_ERROR_TOO_LARGE: the file exceeds the size limit per file or the pixel limit
 * @SCH_PDF_ERROR_UNSUPPORTED: the file type is not one Schalter imports
 * @SCH_PDF_ERROR_TOO_MANY_PAGES: the document exceeds the page limit per document
 * @SCH_PDF_ERROR_CASE_FULL: the file would exceed the size limit per case
 */
typedef enum {
  SCH_PDF_ERROR_NEEDS_PASSWORD,
  SCH_PDF_ERROR_WRONG_PASSWORD,
  SCH_PDF_ERROR_DAMAGED,
  SCH_PDF_ERROR_UNREADABLE,
  SCH_PDF_ERROR_TOO_LARGE,
  SCH_PDF_ERROR_UNSUPPORTED,
  SCH_PDF_ERROR_TOO_MANY_PAGES,
  SCH_PDF_ERROR_CASE_FULL,
} SchPdfError;

GQuark sch_pdf_error_quark (void);

G_END_DECLS
