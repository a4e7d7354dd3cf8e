/* rcv-validate.h: checks of case and supplement bodies (docs/api.md 3.2, 3.7)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  gint64 max_document_bytes;
  guint  max_documents;
} RcvLimits;

extern const char * const rcv_media_types[];

/* Each function appends {"pointer", "detail"} objects to @errors. */
void rcv_validate_case       (JsonObject      *root,
                              const RcvLimits *limits,
                              JsonArray       *errors);
void rcv_validate_supplement (JsonObject      *root,
                              const RcvLimits *limits,
                              JsonArray       *errors);

void rcv_add_error           (JsonArray       *errors,
                              const char      *pointer,
                              const char      *detail);

G_END_DECLS
