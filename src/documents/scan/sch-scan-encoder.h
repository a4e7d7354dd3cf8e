/* Encoding of raw scanner pixels into the stored formats. Internal to the
 * scanner; thread-safe (no shared state), used on the scan thread. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Rows of @height × @stride bytes; @channels 1 (gray) or 3 (RGB), 8 bits each. */
GBytes *sch_scan_encode_jpeg (const guint8 *pixels, guint width, guint height, gsize stride,
                              guint channels, guint quality, guint dpi, GError **error);

/* A gray image, 8 bits per pixel, stored as a 1-bit PNG: values below 128 become black. */
GBytes *sch_scan_encode_lineart_png (const guint8 *pixels, guint width, guint height,
                                     gsize stride, guint dpi, GError **error);

G_END_DECLS
