/* sch-pdf-samples.h: sample PDFs and images the PDF tests make themselves
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

GBytes  *sample_pdf_cairo          (guint          n_pages,
                                    const double  *sizes);
GBytes  *sample_pdf_raw            (const char    *catalog_extra,
                                    const char    *page_extra,
                                    const char    *const *objects);
GBytes  *sample_pdf_javascript     (void);
GBytes  *sample_pdf_embedded_file  (void);
GBytes  *sample_pdf_launch         (void);
GBytes  *sample_pdf_uri            (void);
GBytes  *sample_pdf_form           (void);

/* Active content named with #xx escapes, where poppler-glib does not look. */
typedef enum {
  SAMPLE_ESCAPED_JAVASCRIPT,
  SAMPLE_ESCAPED_LAUNCH,
  SAMPLE_ESCAPED_URI,
  SAMPLE_ESCAPED_EMBEDDED_FILE,
  SAMPLE_ESCAPED_FORM,
} SampleEscaped;

GBytes  *sample_pdf_escaped        (SampleEscaped  what);

/* How the object stream of sample_pdf_object_stream() is encoded. */
typedef enum {
  SAMPLE_STREAM_PLAIN,
  SAMPLE_STREAM_ASCII_HEX,
  SAMPLE_STREAM_ASCII_85,
  SAMPLE_STREAM_ASCII_85_FLATE,
  SAMPLE_STREAM_FLATE_PREDICTOR,
  SAMPLE_STREAM_LZW,
  SAMPLE_STREAM_RUN_LENGTH,
  SAMPLE_STREAM_ESCAPED_FILTER,
} SampleStream;

GBytes  *sample_pdf_object_stream  (SampleStream   encoding,
                                    const char    *catalog_extra,
                                    const char    *const *hidden);
GBytes  *sample_qpdf               (GBytes        *pdf,
                                    const char    *const *arguments);
GBytes  *sample_pdf_encrypted      (GBytes        *pdf,
                                    const char    *password);
GBytes  *sample_jpeg               (int            width,
                                    int            height,
                                    int            dpi,
                                    int            exif_orientation);
GBytes  *sample_png                (int            width,
                                    int            height);
GBytes  *sample_tiff               (guint          n_pages,
                                    int            width,
                                    int            height,
                                    int            dpi);
GBytes  *sample_tiff_bomb          (guint32        width,
                                    guint32        height);
GBytes  *sample_noise_png          (int            width,
                                    int            height);
GBytes  *sample_truncate           (GBytes        *bytes,
                                    gsize          size);
GBytes  *sample_flip_bits          (GBytes        *bytes,
                                    GRand         *rand,
                                    guint          n_flips);
void     sample_write_corpus       (const char    *directory);
char    *sample_sha256             (GBytes        *bytes);

G_END_DECLS
