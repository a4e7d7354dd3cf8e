/* sch-slot-composer.h: compose the pages of a document slot into one PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sch-pdf-inspector.h"
#include "sch-slot-page.h"

G_BEGIN_DECLS

/* The fixed creation date of every composed PDF: a date of the moment of
 * composing would make the same pages give a different file (and sha256). */
#define SCH_SLOT_COMPOSER_DATE "2000-01-01T00:00:00Z"

void             sch_slot_composer_compose_async   (GPtrArray           *pages,
                                                    SchPdfInspector     *inspector,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GBytes          *sch_slot_composer_compose_finish  (GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
