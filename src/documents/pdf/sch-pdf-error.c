/* sch-pdf-error.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include "sch-pdf-error.h"

G_DEFINE_QUARK (sch-pdf-error-quark, sch_pdf_error)
