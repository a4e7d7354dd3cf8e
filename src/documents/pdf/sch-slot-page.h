/* sch-slot-page.h: one page of a document slot, an image or a page of a PDF
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Images without a resolution of their own are taken as scans at this
 * resolution: a 2480 × 3508 px image then becomes an A4 page. */
#define SCH_SLOT_PAGE_DEFAULT_DPI 300.0

typedef enum {
  SCH_SLOT_PAGE_IMAGE,
  SCH_SLOT_PAGE_PDF,
} SchSlotPageKind;

/**
 * SchSlotPage:
 * @kind: an image or a page of a PDF
 * @bytes: the image file (JPEG or PNG) or the whole PDF
 * @media_type: "image/jpeg", "image/png" or "application/pdf"
 * @width_px: image width in pixels as stored (before @rotation)
 * @height_px: image height in pixels as stored (before @rotation)
 * @dpi: image resolution; the page size follows from it
 * @page_index: for a PDF, the 0-based page
 * @password: for an encrypted PDF, its password, else %NULL
 * @rotation: clockwise rotation applied when shown: 0, 90, 180 or 270
 */
typedef struct {
  SchSlotPageKind kind;
  GBytes *bytes;
  char *media_type;
  int width_px;
  int height_px;
  double dpi;
  int page_index;
  char *password;
  int rotation;
} SchSlotPage;

#define SCH_TYPE_SLOT_PAGE (sch_slot_page_get_type ())

GType        sch_slot_page_get_type  (void) G_GNUC_CONST;
SchSlotPage *sch_slot_page_new_image (GBytes      *bytes,
                                      const char  *media_type,
                                      int          width_px,
                                      int          height_px,
                                      double       dpi,
                                      int          rotation);
SchSlotPage *sch_slot_page_new_pdf   (GBytes      *pdf,
                                      int          page_index,
                                      const char  *password,
                                      int          rotation);
SchSlotPage *sch_slot_page_copy      (const SchSlotPage *page);
void         sch_slot_page_free      (SchSlotPage *page);
void         sch_slot_page_image_size (const SchSlotPage *page,
                                       double            *width_pt,
                                       double            *height_pt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchSlotPage, sch_slot_page_free)

G_END_DECLS
