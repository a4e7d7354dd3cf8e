/* sch-pdf-protocol.h: the messages between Schalter and its PDF helper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A message is one line of JSON (the header), then the binary blobs whose
 * sizes the header lists in its member "blobs", back to back. Requests and
 * responses have the same shape.
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Headers are small (a page list at most); anything longer is garbage. */
#define SCH_PDF_MESSAGE_MAX_HEADER (4 * 1024 * 1024)

GBytes  *sch_pdf_message_encode (JsonObject  *header,
                                 GPtrArray   *blobs);
gboolean sch_pdf_message_decode (GBytes      *message,
                                 JsonObject **header,
                                 GPtrArray  **blobs,
                                 GError     **error);

G_END_DECLS
