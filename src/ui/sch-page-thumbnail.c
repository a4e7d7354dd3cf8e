#define G_LOG_DOMAIN "sch-page-thumbnail"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sch-page-thumbnail.h"

typedef struct {
  char       *key;
  GdkTexture *texture;
  gsize       bytes;
  GList       link;      /* in lru, data = the entry */
} Entry;

/* Pages of one PDF blob at one render width, asked for in the same
 * main-loop iteration: one helper run renders them all. */
typedef struct {
  SchThumbnailCache *cache;
  char              *blob;
  int                render_width;
  GArray            *pages;   /* guint, distinct */
  GPtrArray         *tasks;   /* GTask*, each with a Request */
} Batch;

typedef struct {
  char  *key;
  char  *path;           /* the blob's file */
  int    pdf_page;
  int    decode_width;   /* width before rotation */
  guint  rotation;
} Request;

/* Images asked for in the same main-loop iteration: one helper run
 * decodes them all. */
typedef struct {
  SchThumbnailCache *cache;
  GPtrArray         *tasks;   /* GTask*, each with a Request */
} ImageBatch;

struct _SchThumbnailCache
{
  GObject          parent_instance;

  SchBlobStore    *blobs;
  SchPdfInspector *inspector;
  gsize            max_bytes;
  gsize            size;
  GHashTable      *entries;   /* key → Entry* */
  GQueue           lru;       /* most recently used first */
  GHashTable      *batches;   /* "blob:width" → Batch* */
  ImageBatch      *images;    /* images waiting for the next flush */
  guint            flush_id;
};

G_DEFINE_FINAL_TYPE (SchThumbnailCache, sch_thumbnail_cache, G_TYPE_OBJECT)

static void
entry_free (Entry *entry)
{
  g_free (entry->key);
  g_object_unref (entry->texture);
  g_free (entry);
}

static void
request_free (Request *request)
{
  g_free (request->key);
  g_free (request->path);
  g_free (request);
}

static void
batch_free (Batch *batch)
{
  g_object_unref (batch->cache);
  g_free (batch->blob);
  g_array_unref (batch->pages);
  g_ptr_array_unref (batch->tasks);
  g_free (batch);
}

static void
image_batch_free (ImageBatch *batch)
{
  g_object_unref (batch->cache);
  g_ptr_array_unref (batch->tasks);
  g_free (batch);
}

static char *
make_key (SchPage *page, int width)
{
  return g_strdup_printf ("%s:%d:%u:%d", sch_page_get_blob (page), sch_page_get_pdf_page (page),
                          sch_page_get_rotation (page), width);
}

static void
evict (SchThumbnailCache *self)
{
  while (self->size > self->max_bytes && self->lru.tail != NULL)
    {
      Entry *oldest = self->lru.tail->data;

      g_queue_unlink (&self->lru, &oldest->link);
      self->size -= oldest->bytes;
      g_hash_table_remove (self->entries, oldest->key);
    }
}

static void
insert (SchThumbnailCache *self, const char *key, GdkTexture *texture)
{
  Entry *entry;

  if (g_hash_table_contains (self->entries, key))
    return;

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->texture = g_object_ref (texture);
  entry->bytes = (gsize) gdk_texture_get_width (texture) * gdk_texture_get_height (texture) * 4;
  entry->link.data = entry;
  g_queue_push_head_link (&self->lru, &entry->link);
  g_hash_table_insert (self->entries, entry->key, entry);
  self->size += entry->bytes;
  evict (self);
}

static GdkTexture *
lookup_key (SchThumbnailCache *self, const char *key)
{
  Entry *entry = g_hash_table_lookup (self->entries, key);

  if (entry == NULL)
    return NULL;

  g_queue_unlink (&self->lru, &entry->link);
  g_queue_push_head_link (&self->lru, &entry->link);
  return entry->texture;
}

static void
return_texture (GTask *task, GdkTexture *texture)
{
  g_task_return_pointer (task, g_object_ref (texture), g_object_unref);
}

/* Pages of PDFs: rendered by the helper, turned here */

static GdkTexture *
texture_from_render (const SchPdfImage *image, guint rotation)
{
  g_autoptr(GBytes) turned = NULL;
  cairo_surface_t *src, *dst;
  cairo_t *cr;
  int width, height, stride;

  if (rotation == 0)
    return gdk_memory_texture_new (image->width, image->height, GDK_MEMORY_DEFAULT,
                                   image->data, image->stride);

  width = rotation == 180 ? image->width : image->height;
  height = rotation == 180 ? image->height : image->width;

  src = cairo_image_surface_create_for_data ((guchar *) g_bytes_get_data (image->data, NULL),
                                             CAIRO_FORMAT_ARGB32, image->width, image->height,
                                             (int) image->stride);
  dst = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  cr = cairo_create (dst);
  if (rotation == 90)
    cairo_translate (cr, width, 0);
  else if (rotation == 180)
    cairo_translate (cr, width, height);
  else
    cairo_translate (cr, 0, height);
  cairo_rotate (cr, rotation * G_PI / 180.0);
  cairo_set_source_surface (cr, src, 0, 0);
  cairo_paint (cr);
  cairo_destroy (cr);
  cairo_surface_flush (dst);

  stride = cairo_image_surface_get_stride (dst);
  turned = g_bytes_new (cairo_image_surface_get_data (dst), (gsize) stride * height);
  cairo_surface_destroy (dst);
  cairo_surface_destroy (src);

  return gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, turned, stride);
}

static void
fail_tasks (GPtrArray *tasks, const GError *error)
{
  for (guint i = 0; i < tasks->len; i++)
    g_task_return_error (g_ptr_array_index (tasks, i), g_error_copy (error));
}

static void
return_rendered (SchThumbnailCache *self, GTask *task, const SchPdfImage *image)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(GdkTexture) texture = NULL;

  if (image == NULL)
    {
      g_task_return_new_error (task, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED,
                               _("This page could not be shown."));
      return;
    }

  texture = lookup_key (self, request->key);
  if (texture != NULL)
    g_object_ref (texture);
  else
    texture = texture_from_render (image, request->rotation);
  insert (self, request->key, texture);
  return_texture (task, texture);
}

static void
rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = NULL;

  images = sch_pdf_inspector_render_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (images == NULL)
    {
      fail_tasks (batch->tasks, error);
      batch_free (batch);
      return;
    }

  for (guint i = 0; i < batch->tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (batch->tasks, i);
      Request *request = g_task_get_task_data (task);
      const SchPdfImage *image = NULL;

      for (guint j = 0; j < images->len && image == NULL; j++)
        {
          const SchPdfImage *candidate = g_ptr_array_index (images, j);

          if ((int) candidate->page == request->pdf_page && candidate->format == SCH_PDF_IMAGE_ARGB32)
            image = candidate;
        }
      return_rendered (batch->cache, task, image);
    }

  batch_free (batch);
}

static void
read_blob_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  const char *path = task_data;
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_bytes_new_take (contents, length), (GDestroyNotify) g_bytes_unref);
}

static void
blob_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Batch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_task_propagate_pointer (G_TASK (result), &error);
  if (bytes == NULL)
    {
      fail_tasks (batch->tasks, error);
      batch_free (batch);
      return;
    }

  sch_pdf_inspector_render_async (batch->cache->inspector, bytes, NULL,
                                  (const guint *) batch->pages->data, batch->pages->len,
                                  batch->render_width, SCH_PDF_IMAGE_ARGB32, NULL,
                                  rendered_cb, batch);
}

/* Images: decoded and scaled by the helper, turned here */

static void
images_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImageBatch *batch = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) images = NULL;

  images = sch_pdf_inspector_render_images_finish (SCH_PDF_INSPECTOR (source), result, &error);
  if (images == NULL)
    fail_tasks (batch->tasks, error);
  else
    for (guint i = 0; i < batch->tasks->len; i++)
      return_rendered (batch->cache, g_ptr_array_index (batch->tasks, i), g_ptr_array_index (images, i));
  image_batch_free (batch);
}

static void
read_images_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  ImageBatch *batch = task_data;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  for (guint i = 0; i < batch->tasks->len; i++)
    {
      Request *request = g_task_get_task_data (g_ptr_array_index (batch->tasks, i));
      g_autoptr(GError) error = NULL;
      char *contents = NULL;
      gsize length = 0;

      if (!g_file_get_contents (request->path, &contents, &length, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_ptr_array_add (files, g_bytes_new_take (contents, length));
    }

  g_task_return_pointer (task, g_steal_pointer (&files), (GDestroyNotify) g_ptr_array_unref);
}

static void
images_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ImageBatch *batch = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) files = NULL;
  g_autoptr(GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));

  files = g_task_propagate_pointer (G_TASK (result), &error);
  if (files == NULL)
    {
      fail_tasks (batch->tasks, error);
      image_batch_free (batch);
      return;
    }

  for (guint i = 0; i < batch->tasks->len; i++)
    {
      Request *request = g_task_get_task_data (g_ptr_array_index (batch->tasks, i));

      g_array_append_val (widths, request->decode_width);
    }
  sch_pdf_inspector_render_images_async (batch->cache->inspector, files, (const int *) widths->data,
                                         NULL, images_rendered_cb, batch);
}

static gboolean
flush_batches (gpointer user_data)
{
  SchThumbnailCache *self = user_data;
  GHashTableIter iter;
  gpointer key;
  Batch *batch;

  self->flush_id = 0;

  g_hash_table_iter_init (&iter, self->batches);
  while (g_hash_table_iter_next (&iter, &key, (gpointer *) &batch))
    {
      g_autoptr(GTask) reader = g_task_new (self, NULL, blob_read_cb, batch);
      g_autofree char *path = sch_blob_store_get_path (self->blobs, batch->blob);

      g_task_set_task_data (reader, g_steal_pointer (&path), g_free);
      g_task_run_in_thread (reader, read_blob_thread);
      /* The batch now belongs to the reader. */
      g_hash_table_iter_steal (&iter);
      g_free (key);
    }

  if (self->images != NULL)
    {
      g_autoptr(GTask) reader = g_task_new (self, NULL, images_read_cb, NULL);

      /* The batch goes on to the helper run, or is freed on failure. */
      g_task_set_task_data (reader, g_steal_pointer (&self->images), NULL);
      g_task_run_in_thread (reader, read_images_thread);
    }

  return G_SOURCE_REMOVE;
}

static void
queue_pdf_page (SchThumbnailCache *self, SchPage *page, GTask *task, int render_width)
{
  g_autofree char *batch_key = g_strdup_printf ("%s:%d", sch_page_get_blob (page), render_width);
  Batch *batch = g_hash_table_lookup (self->batches, batch_key);
  guint index = (guint) sch_page_get_pdf_page (page);
  gboolean known = FALSE;

  if (batch == NULL)
    {
      batch = g_new0 (Batch, 1);
      batch->cache = g_object_ref (self);
      batch->blob = g_strdup (sch_page_get_blob (page));
      batch->render_width = render_width;
      batch->pages = g_array_new (FALSE, FALSE, sizeof (guint));
      batch->tasks = g_ptr_array_new_with_free_func (g_object_unref);
      g_hash_table_insert (self->batches, g_steal_pointer (&batch_key), batch);
    }

  for (guint i = 0; i < batch->pages->len && !known; i++)
    known = g_array_index (batch->pages, guint, i) == index;
  if (!known)
    g_array_append_val (batch->pages, index);
  g_ptr_array_add (batch->tasks, g_object_ref (task));

  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_batches, self, NULL);
}

static void
queue_image (SchThumbnailCache *self, GTask *task)
{
  if (self->images == NULL)
    {
      self->images = g_new0 (ImageBatch, 1);
      self->images->cache = g_object_ref (self);
      self->images->tasks = g_ptr_array_new_with_free_func (g_object_unref);
    }
  g_ptr_array_add (self->images->tasks, g_object_ref (task));

  if (self->flush_id == 0)
    self->flush_id = g_idle_add_full (G_PRIORITY_DEFAULT, flush_batches, self, NULL);
}

/* Object */

static void
sch_thumbnail_cache_dispose (GObject *object)
{
  SchThumbnailCache *self = SCH_THUMBNAIL_CACHE (object);

  /* Batches hold the cache: none is pending once it is disposed. */
  g_clear_handle_id (&self->flush_id, g_source_remove);
  g_clear_object (&self->blobs);
  g_clear_object (&self->inspector);

  G_OBJECT_CLASS (sch_thumbnail_cache_parent_class)->dispose (object);
}

static void
sch_thumbnail_cache_finalize (GObject *object)
{
  SchThumbnailCache *self = SCH_THUMBNAIL_CACHE (object);

  /* The queue's links live in the entries, which the table frees. */
  g_hash_table_unref (self->entries);
  g_hash_table_unref (self->batches);

  G_OBJECT_CLASS (sch_thumbnail_cache_parent_class)->finalize (object);
}

static void
sch_thumbnail_cache_class_init (SchThumbnailCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sch_thumbnail_cache_dispose;
  object_class->finalize = sch_thumbnail_cache_finalize;
}

static void
sch_thumbnail_cache_init (SchThumbnailCache *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  self->batches = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) batch_free);
  g_queue_init (&self->lru);
}

SchThumbnailCache *
sch_thumbnail_cache_new (SchBlobStore    *blobs,
                         SchPdfInspector *inspector,
                         gsize            max_bytes)
{
  SchThumbnailCache *self;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (blobs), NULL);
  g_return_val_if_fail (SCH_IS_PDF_INSPECTOR (inspector), NULL);

  self = g_object_new (SCH_TYPE_THUMBNAIL_CACHE, NULL);
  self->blobs = g_object_ref (blobs);
  self->inspector = g_object_ref (inspector);
  self->max_bytes = max_bytes > 0 ? max_bytes : SCH_THUMBNAIL_CACHE_DEFAULT_BYTES;

  return self;
}

GdkTexture *
sch_thumbnail_cache_lookup (SchThumbnailCache *self,
                            SchPage           *page,
                            int                width)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (SCH_IS_THUMBNAIL_CACHE (self), NULL);
  g_return_val_if_fail (SCH_IS_PAGE (page), NULL);

  key = make_key (page, width);
  return lookup_key (self, key);
}

/* The width to draw the page at before it is turned, so that it is @width
 * wide once turned. */
static int
unturned_width (SchPage *page, int width)
{
  double w = sch_page_get_width (page);
  double h = sch_page_get_height (page);

  if (sch_page_get_rotation (page) % 180 == 0 || w <= 0 || h <= 0)
    return width;

  return MAX (1, (int) lround (width * w / h));
}

void
sch_thumbnail_cache_load_async (SchThumbnailCache   *self,
                                SchPage             *page,
                                int                  width,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GdkTexture *cached;
  Request *request;

  g_return_if_fail (SCH_IS_THUMBNAIL_CACHE (self));
  g_return_if_fail (SCH_IS_PAGE (page));
  g_return_if_fail (width > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, sch_thumbnail_cache_load_async);

  request = g_new0 (Request, 1);
  request->key = make_key (page, width);
  request->path = sch_blob_store_get_path (self->blobs, sch_page_get_blob (page));
  request->pdf_page = sch_page_get_pdf_page (page);
  request->decode_width = unturned_width (page, width);
  request->rotation = sch_page_get_rotation (page);
  g_task_set_task_data (task, request, (GDestroyNotify) request_free);

  cached = lookup_key (self, request->key);
  if (cached != NULL)
    {
      return_texture (task, cached);
      return;
    }

  if (request->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               _("This page could not be shown."));
      return;
    }

  if (g_strcmp0 (sch_page_get_media_type (page), SCH_PAGE_MEDIA_PDF) == 0)
    {
      queue_pdf_page (self, page, task, request->decode_width);
    }
  else
    {
      queue_image (self, task);
    }
}

GdkTexture *
sch_thumbnail_cache_load_finish (SchThumbnailCache  *self,
                                 GAsyncResult       *result,
                                 GError            **error)
{
  g_return_val_if_fail (SCH_IS_THUMBNAIL_CACHE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gsize
sch_thumbnail_cache_get_size (SchThumbnailCache *self)
{
  g_return_val_if_fail (SCH_IS_THUMBNAIL_CACHE (self), 0);

  return self->size;
}
