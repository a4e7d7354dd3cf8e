/* Pictures of stored pages at a width, made off the main thread by the PDF
 * helper (PDF pages rendered, images decoded and scaled there: nothing from
 * outside is decoded in the app), turned here and kept in a bounded
 * in-memory cache keyed by content: blob sha256, page, rotation and width. */
#pragma once

#include <gtk/gtk.h>

#include "sch-blob-store.h"
#include "sch-page.h"
#include "sch-pdf-inspector.h"

G_BEGIN_DECLS

/* Textures kept by a cache, in bytes of pixels: about 270 thumbnails of
 * 128 px or a dozen pages at viewer size. */
#define SCH_THUMBNAIL_CACHE_DEFAULT_BYTES ((gsize) 24 * 1024 * 1024)

#define SCH_TYPE_THUMBNAIL_CACHE (sch_thumbnail_cache_get_type ())
G_DECLARE_FINAL_TYPE (SchThumbnailCache, sch_thumbnail_cache, SCH, THUMBNAIL_CACHE, GObject)

SchThumbnailCache *sch_thumbnail_cache_new         (SchBlobStore      *blobs,
                                                    SchPdfInspector   *inspector,
                                                    gsize              max_bytes);
/* The cached picture of @page at @width pixels (after its rotation), or NULL. */
GdkTexture        *sch_thumbnail_cache_lookup      (SchThumbnailCache *self,
                                                    SchPage           *page,
                                                    int                width);
/* Makes the picture if it is not cached. Requests for pages of the same PDF
 * made in one main-loop iteration are rendered by one helper run. */
void               sch_thumbnail_cache_load_async  (SchThumbnailCache   *self,
                                                    SchPage             *page,
                                                    int                  width,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
GdkTexture        *sch_thumbnail_cache_load_finish (SchThumbnailCache   *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);
/* Bytes of pixels held now; for tests. */
gsize              sch_thumbnail_cache_get_size    (SchThumbnailCache *self);

G_END_DECLS
