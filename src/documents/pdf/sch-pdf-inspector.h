/* sch-pdf-inspector.h: open, check and render untrusted PDFs in a helper process
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "sch-pdf-error.h"
#include "sch-slot-page.h"

G_BEGIN_DECLS

/**
 * SchPdfActiveContent:
 * @SCH_PDF_ACTIVE_JAVASCRIPT: JavaScript (document, open action, links, fields)
 * @SCH_PDF_ACTIVE_EMBEDDED_FILES: attached or embedded files
 * @SCH_PDF_ACTIVE_LAUNCH: actions that start programs or open other files
 * @SCH_PDF_ACTIVE_URI: links to web addresses
 * @SCH_PDF_ACTIVE_FORMS: form fields
 *
 * What a PDF holds besides its pages. Anything but none means the clerk is
 * told and may flatten the document before it is sent onwards.
 */
typedef enum {
  SCH_PDF_ACTIVE_NONE           = 0,
  SCH_PDF_ACTIVE_JAVASCRIPT     = 1 << 0,
  SCH_PDF_ACTIVE_EMBEDDED_FILES = 1 << 1,
  SCH_PDF_ACTIVE_LAUNCH         = 1 << 2,
  SCH_PDF_ACTIVE_URI            = 1 << 3,
  SCH_PDF_ACTIVE_FORMS          = 1 << 4,
} SchPdfActiveContent;

/**
 * SchPdfInfo:
 * @n_pages: number of pages
 * @page_sizes: width and height of each page in points, 2 × @n_pages values
 * @encrypted: whether the file is encrypted
 * @active: the active content found
 */
typedef struct {
  guint n_pages;
  double *page_sizes;
  gboolean encrypted;
  SchPdfActiveContent active;
} SchPdfInfo;

#define SCH_TYPE_PDF_INFO (sch_pdf_info_get_type ())
GType       sch_pdf_info_get_type (void) G_GNUC_CONST;
SchPdfInfo *sch_pdf_info_copy     (const SchPdfInfo *info);
void        sch_pdf_info_free     (SchPdfInfo       *info);
char       *sch_pdf_active_content_describe (SchPdfActiveContent active);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPdfInfo, sch_pdf_info_free)

typedef enum {
  SCH_PDF_IMAGE_ARGB32,
  SCH_PDF_IMAGE_PNG,
} SchPdfImageFormat;

/**
 * SchPdfImage:
 * @page: 0-based page it shows
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes per row for %SCH_PDF_IMAGE_ARGB32, else 0
 * @format: the encoding of @data
 * @data: premultiplied native-endian ARGB32 (cairo's and
 *   GDK_MEMORY_DEFAULT's layout, ready for gdk_memory_texture_new()) or PNG
 */
typedef struct {
  guint page;
  int width;
  int height;
  gsize stride;
  SchPdfImageFormat format;
  GBytes *data;
} SchPdfImage;

#define SCH_TYPE_PDF_IMAGE (sch_pdf_image_get_type ())
GType        sch_pdf_image_get_type (void) G_GNUC_CONST;
SchPdfImage *sch_pdf_image_copy     (const SchPdfImage *image);
void         sch_pdf_image_free     (SchPdfImage       *image);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPdfImage, sch_pdf_image_free)

/* The helper's wall-clock time for one request, unless set otherwise. */
#define SCH_PDF_INSPECTOR_DEFAULT_TIMEOUT 60

#define SCH_TYPE_PDF_INSPECTOR (sch_pdf_inspector_get_type ())
G_DECLARE_FINAL_TYPE (SchPdfInspector, sch_pdf_inspector, SCH, PDF_INSPECTOR, GObject)

SchPdfInspector *sch_pdf_inspector_new               (void);
const char      *sch_pdf_inspector_get_helper_path   (SchPdfInspector     *self);
guint            sch_pdf_inspector_get_timeout       (SchPdfInspector     *self);
void             sch_pdf_inspector_set_timeout       (SchPdfInspector     *self,
                                                      guint                seconds);

void             sch_pdf_inspector_inspect_async     (SchPdfInspector     *self,
                                                      GBytes              *pdf,
                                                      const char          *password,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
SchPdfInfo      *sch_pdf_inspector_inspect_finish    (SchPdfInspector     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             sch_pdf_inspector_render_async      (SchPdfInspector     *self,
                                                      GBytes              *pdf,
                                                      const char          *password,
                                                      const guint         *pages,
                                                      gsize                n_pages,
                                                      int                  width_px,
                                                      SchPdfImageFormat    format,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GPtrArray       *sch_pdf_inspector_render_finish     (SchPdfInspector     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             sch_pdf_inspector_flatten_async     (SchPdfInspector     *self,
                                                      GBytes              *pdf,
                                                      const char          *password,
                                                      double               dpi,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GBytes          *sch_pdf_inspector_flatten_finish    (SchPdfInspector     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             sch_pdf_inspector_compose_async     (SchPdfInspector     *self,
                                                      GPtrArray           *pages,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
GBytes          *sch_pdf_inspector_compose_finish    (SchPdfInspector     *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void             sch_pdf_inspector_import_image_async   (SchPdfInspector     *self,
                                                         GBytes              *image,
                                                         gint64               max_pages,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray       *sch_pdf_inspector_import_image_finish  (SchPdfInspector     *self,
                                                         GAsyncResult        *result,
                                                         guint               *n_pages,
                                                         GError             **error);

void             sch_pdf_inspector_render_images_async  (SchPdfInspector     *self,
                                                         GPtrArray           *images,
                                                         const int           *widths,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
GPtrArray       *sch_pdf_inspector_render_images_finish (SchPdfInspector     *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

G_END_DECLS
