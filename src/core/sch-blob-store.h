/* Content-addressed files beside the database: <folder>/<2 hex>/<sha256 hex>.
 * A file appears under its final name only once it is complete and synced,
 * so a crash leaves at most a temporary file, which the sweep removes. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Temporary files and unreferenced blobs younger than this are kept by the
 * sweep: another Schalter may be between writing a file and naming it. */
#define SCH_BLOB_STORE_GRACE_USEC (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

#define SCH_TYPE_BLOB_STORE (sch_blob_store_get_type ())
G_DECLARE_FINAL_TYPE (SchBlobStore, sch_blob_store, SCH, BLOB_STORE, GObject)

/* @folder is created (0700) on the first put. */
SchBlobStore *sch_blob_store_new         (const char *folder);
const char   *sch_blob_store_get_folder  (SchBlobStore *self);

/* TRUE if @sha256 is 64 lowercase hex digits. */
gboolean      sch_blob_store_is_valid_hash (const char *sha256);

/* Each put returns the content's sha256 (lowercase hex). Storing content that
 * is already there changes nothing. Errors: SCH_STORE_ERROR_READ_ONLY,
 * SCH_STORE_ERROR_DISK_FULL, SCH_STORE_ERROR_FAILED, or the error of reading
 * @stream / @file. */
char         *sch_blob_store_put_bytes   (SchBlobStore *self, GBytes *bytes, GError **error);
char         *sch_blob_store_put_stream  (SchBlobStore  *self,
                                          GInputStream  *stream,
                                          guint64       *size,
                                          GCancellable  *cancellable,
                                          GError       **error);
char         *sch_blob_store_put_file    (SchBlobStore  *self,
                                          GFile         *file,
                                          guint64       *size,
                                          GCancellable  *cancellable,
                                          GError       **error);

/* Where the blob lives (whether or not it exists); NULL for an invalid hash. */
char         *sch_blob_store_get_path    (SchBlobStore *self, const char *sha256);
/* Size of the stored blob; SCH_STORE_ERROR_NOT_FOUND if it is not stored. */
gboolean      sch_blob_store_query_size  (SchBlobStore  *self,
                                          const char    *sha256,
                                          guint64       *size,
                                          GError       **error);
GFileInputStream *sch_blob_store_read    (SchBlobStore  *self,
                                          const char    *sha256,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* Re-hashes the file: SCH_STORE_ERROR_CORRUPT if it no longer matches. */
gboolean      sch_blob_store_verify      (SchBlobStore  *self,
                                          const char    *sha256,
                                          GCancellable  *cancellable,
                                          GError       **error);
/* Removes the blob if present (no grace: the caller knows no row names it). */
gboolean      sch_blob_store_remove      (SchBlobStore  *self,
                                          const char    *sha256,
                                          GError       **error);

/* Deletes blobs not in @referenced (a set of sha256 strings) and temporary
 * files, both only when older than @min_age_usec. Files that cannot be
 * removed are skipped; only an unreadable folder is an error. */
gboolean      sch_blob_store_sweep       (SchBlobStore  *self,
                                          GHashTable    *referenced,
                                          gint64         min_age_usec,
                                          guint         *n_removed,
                                          GError       **error);

G_END_DECLS
