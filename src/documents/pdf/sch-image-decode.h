/* sch-image-decode.h: JPEG, PNG and TIFF files decoded in the helper
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Only the helper (and the fuzz target) link this: images from outside are
 * as hostile as PDFs, and their decoders as little hardened.
 */
#pragma once

#include <cairo.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

G_BEGIN_DECLS

GPtrArray       *sch_image_decode_pages     (GBytes   *bytes,
                                             gint64    max_pages,
                                             guint    *n_pages,
                                             GError  **error);
cairo_surface_t *sch_image_decode_thumbnail (GBytes   *bytes,
                                             int       width,
                                             GError  **error);
GdkPixbuf       *sch_image_decode_pixbuf    (GBytes      *bytes,
                                             const char  *media_type,
                                             GError     **error);

G_END_DECLS
