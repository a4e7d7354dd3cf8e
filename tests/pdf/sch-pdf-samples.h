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
GBytes  *sample_truncate           (GBytes        *bytes,
                                    gsize          size);
GBytes  *sample_flip_bits          (GBytes        *bytes,
                                    GRand         *rand,
                                    guint          n_flips);
void     sample_write_corpus       (const char    *directory);
char    *sample_sha256             (GBytes        *bytes);

G_END_DECLS
