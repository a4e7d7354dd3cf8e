/* One page of a case's document: an immutable snapshot of a row of the
 * store's pages table. A page is an image blob, or one page of a PDF blob
 * (imported PDFs are stored once and each page names its index). */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  SCH_PAGE_SOURCE_SCAN,
  SCH_PAGE_SOURCE_IMPORT,
} SchPageSource;

#define SCH_PAGE_MEDIA_JPEG "image/jpeg"
#define SCH_PAGE_MEDIA_PNG  "image/png"
#define SCH_PAGE_MEDIA_PDF  "application/pdf"

#define SCH_TYPE_PAGE (sch_page_get_type ())
G_DECLARE_FINAL_TYPE (SchPage, sch_page, SCH, PAGE, GObject)

/* A page to add to a slot (not yet stored: id 0, no case, slot or position).
 * @pdf_page is the index inside a PDF blob, -1 for images; @width and
 * @height are pixels for images, points for PDF pages; @dpi is 0 for PDF
 * pages; @rotation is 0, 90, 180 or 270 (degrees clockwise). */
SchPage       *sch_page_new            (const char    *blob,
                                        const char    *media_type,
                                        int            pdf_page,
                                        double         width,
                                        double         height,
                                        guint          dpi,
                                        guint          rotation,
                                        SchPageSource  source);
/* A stored row; for the store. */
SchPage       *sch_page_new_stored     (gint64         id,
                                        const char    *case_uuid,
                                        const char    *slot_id,
                                        guint          position,
                                        SchPage       *spec,
                                        guint64        blob_size,
                                        gint64         created);

gint64         sch_page_get_id         (SchPage *self);
const char    *sch_page_get_case_uuid  (SchPage *self);
const char    *sch_page_get_slot_id    (SchPage *self);
guint          sch_page_get_position   (SchPage *self);
/* The content's sha256, lowercase hex: the name in the blob store. */
const char    *sch_page_get_blob       (SchPage *self);
guint64        sch_page_get_blob_size  (SchPage *self);
const char    *sch_page_get_media_type (SchPage *self);
/* -1 for images. */
int            sch_page_get_pdf_page   (SchPage *self);
double         sch_page_get_width      (SchPage *self);
double         sch_page_get_height     (SchPage *self);
guint          sch_page_get_dpi        (SchPage *self);
guint          sch_page_get_rotation   (SchPage *self);
SchPageSource  sch_page_get_source     (SchPage *self);
/* Microseconds since the epoch (UTC). */
gint64         sch_page_get_created    (SchPage *self);

gboolean       sch_page_is_valid_rotation   (guint rotation);
gboolean       sch_page_is_valid_media_type (const char *media_type);
const char    *sch_page_source_to_string    (SchPageSource source);   /* "scan", "import" */
gboolean       sch_page_source_from_string  (const char *name, SchPageSource *source);

G_END_DECLS
