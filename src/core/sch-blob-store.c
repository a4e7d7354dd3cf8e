#define G_LOG_DOMAIN "sch-blob-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "sch-blob-store.h"
#include "sch-store.h"

#define SHA256_HEX_LEN 64
#define TEMP_PREFIX ".tmp-"
#define COPY_BUFFER_SIZE (64 * 1024)

struct _SchBlobStore
{
  GObject  parent_instance;

  char    *folder;
};

G_DEFINE_FINAL_TYPE (SchBlobStore, sch_blob_store, G_TYPE_OBJECT)

static void
sch_blob_store_finalize (GObject *object)
{
  SchBlobStore *self = (SchBlobStore *) object;

  g_free (self->folder);

  G_OBJECT_CLASS (sch_blob_store_parent_class)->finalize (object);
}

static void
sch_blob_store_class_init (SchBlobStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_blob_store_finalize;
}

static void
sch_blob_store_init (SchBlobStore *self)
{
}

SchBlobStore *
sch_blob_store_new (const char *folder)
{
  SchBlobStore *self;

  g_return_val_if_fail (folder != NULL, NULL);

  self = g_object_new (SCH_TYPE_BLOB_STORE, NULL);
  self->folder = g_strdup (folder);

  return self;
}

const char *
sch_blob_store_get_folder (SchBlobStore *self)
{
  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);

  return self->folder;
}

gboolean
sch_blob_store_is_valid_hash (const char *sha256)
{
  if (sha256 == NULL || strlen (sha256) != SHA256_HEX_LEN)
    return FALSE;

  for (guint i = 0; i < SHA256_HEX_LEN; i++)
    if (!g_ascii_isxdigit (sha256[i]) || g_ascii_isupper (sha256[i]))
      return FALSE;

  return TRUE;
}

/* Errors */

static void
set_write_error (GError     **error,
                 int          errsv,
                 const char  *folder)
{
  switch (errsv)
    {
    case EACCES:
    case EPERM:
    case EROFS:
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_READ_ONLY,
                   _("Schalter cannot save the document in the folder “%s”: it is read-only. "
                     "Ask your IT support to give your user account write access."),
                   folder);
      break;

    case ENOSPC:
    case EFBIG:
    case EDQUOT:
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_DISK_FULL,
                   _("Schalter could not save the document in the folder “%s”: the disk is full "
                     "or the space allowed for your account is used up. "
                     "Free some space and try again; the documents saved before are kept."),
                   folder);
      break;

    default:
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("Schalter could not save the document in the folder “%s”: %s."),
                   folder, g_strerror (errsv));
      break;
    }
}

static void
set_not_found_error (GError     **error,
                     const char  *path)
{
  g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND,
               _("The document file “%s” is missing. Ask your IT support to restore it from a backup."),
               path);
}

static gboolean
check_hash (const char  *sha256,
            GError     **error)
{
  if (sch_blob_store_is_valid_hash (sha256))
    return TRUE;

  g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
               _("“%s” is not the name of a stored document."), sha256);
  return FALSE;
}

/* Paths */

static char *
subfolder_for (SchBlobStore *self,
               const char   *sha256)
{
  char prefix[3] = { sha256[0], sha256[1], '\0' };

  return g_build_filename (self->folder, prefix, NULL);
}

char *
sch_blob_store_get_path (SchBlobStore *self,
                         const char   *sha256)
{
  g_autofree char *subfolder = NULL;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);

  if (!sch_blob_store_is_valid_hash (sha256))
    return NULL;

  subfolder = subfolder_for (self, sha256);
  return g_build_filename (subfolder, sha256, NULL);
}

/* Writing */

/* Makes a rename or a new entry in @folder durable. */
static gboolean
sync_folder (const char  *folder,
             GError     **error)
{
  int fd = g_open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  int errsv;

  if (fd < 0)
    {
      set_write_error (error, errno, folder);
      return FALSE;
    }

  if (fsync (fd) != 0)
    {
      errsv = errno;
      close (fd);
      set_write_error (error, errsv, folder);
      return FALSE;
    }

  close (fd);
  return TRUE;
}

static gboolean
ensure_folder (const char  *folder,
               const char  *parent,
               GError     **error)
{
  int errsv;

  if (g_mkdir (folder, 0700) == 0)
    return parent == NULL || sync_folder (parent, error);

  errsv = errno;
  if (errsv == EEXIST && g_file_test (folder, G_FILE_TEST_IS_DIR))
    return TRUE;

  set_write_error (error, errsv, folder);
  return FALSE;
}

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         length)
{
  while (length > 0)
    {
      gssize written = write (fd, data, length);

      if (written < 0)
        {
          if (errno == EINTR)
            continue;
          return FALSE;
        }

      data += written;
      length -= (gsize) written;
    }

  return TRUE;
}

/* A temporary file in the blob folder, so that the rename stays on one
 * file system; removed again unless committed. */
typedef struct {
  char *path;
  int   fd;
} TempFile;

static void
temp_file_discard (TempFile *temp)
{
  if (temp->fd >= 0)
    close (temp->fd);
  if (temp->path != NULL)
    g_unlink (temp->path);
  g_free (temp->path);
  g_free (temp);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TempFile, temp_file_discard)

static TempFile *
temp_file_new (SchBlobStore  *self,
               GError       **error)
{
  g_autoptr(TempFile) temp = g_new0 (TempFile, 1);

  temp->fd = -1;
  if (!ensure_folder (self->folder, NULL, error))
    return NULL;

  temp->path = g_build_filename (self->folder, TEMP_PREFIX "XXXXXX", NULL);
  temp->fd = g_mkstemp_full (temp->path, O_RDWR | O_CLOEXEC, 0600);
  if (temp->fd < 0)
    {
      set_write_error (error, errno, self->folder);
      g_clear_pointer (&temp->path, g_free);
      return NULL;
    }

  return g_steal_pointer (&temp);
}

/* Syncs the temporary file and gives it its final name. */
static gboolean
temp_file_commit (SchBlobStore  *self,
                  TempFile      *temp,
                  const char    *sha256,
                  GError       **error)
{
  g_autofree char *subfolder = subfolder_for (self, sha256);
  g_autofree char *path = g_build_filename (subfolder, sha256, NULL);
  int errsv;

  if (fsync (temp->fd) != 0 || close (temp->fd) != 0)
    {
      errsv = errno;
      temp->fd = -1;
      set_write_error (error, errsv, self->folder);
      return FALSE;
    }
  temp->fd = -1;

  if (!ensure_folder (subfolder, self->folder, error))
    return FALSE;

  if (g_rename (temp->path, path) != 0)
    {
      set_write_error (error, errno, subfolder);
      return FALSE;
    }
  g_clear_pointer (&temp->path, g_free);

  return sync_folder (subfolder, error);
}

/* Content already stored: refresh its time so a concurrent sweep of another
 * Schalter keeps it while the caller names it in a row. */
static gboolean
already_stored (SchBlobStore *self,
                const char   *sha256)
{
  g_autofree char *path = sch_blob_store_get_path (self, sha256);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;

  g_utime (path, NULL);
  return TRUE;
}

char *
sch_blob_store_put_bytes (SchBlobStore  *self,
                          GBytes        *bytes,
                          GError       **error)
{
  g_autoptr(TempFile) temp = NULL;
  g_autofree char *sha256 = NULL;
  const guint8 *data;
  gsize length;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);
  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, length);
  if (already_stored (self, sha256))
    return g_steal_pointer (&sha256);

  temp = temp_file_new (self, error);
  if (temp == NULL)
    return NULL;

  if (!write_all (temp->fd, data, length))
    {
      set_write_error (error, errno, self->folder);
      return NULL;
    }

  if (!temp_file_commit (self, temp, sha256, error))
    return NULL;

  return g_steal_pointer (&sha256);
}

char *
sch_blob_store_put_stream (SchBlobStore  *self,
                           GInputStream  *stream,
                           guint64       *size,
                           GCancellable  *cancellable,
                           GError       **error)
{
  g_autoptr(TempFile) temp = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = NULL;
  g_autofree char *sha256 = NULL;
  guint64 total = 0;
  gssize n_read;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  temp = temp_file_new (self, error);
  if (temp == NULL)
    return NULL;

  buffer = g_malloc (COPY_BUFFER_SIZE);
  while ((n_read = g_input_stream_read (stream, buffer, COPY_BUFFER_SIZE, cancellable, error)) > 0)
    {
      g_checksum_update (checksum, buffer, n_read);
      if (!write_all (temp->fd, buffer, (gsize) n_read))
        {
          set_write_error (error, errno, self->folder);
          return NULL;
        }
      total += (guint64) n_read;
    }

  if (n_read < 0)
    return NULL;

  sha256 = g_strdup (g_checksum_get_string (checksum));
  if (!already_stored (self, sha256) &&
      !temp_file_commit (self, temp, sha256, error))
    return NULL;

  if (size != NULL)
    *size = total;

  return g_steal_pointer (&sha256);
}

char *
sch_blob_store_put_file (SchBlobStore  *self,
                         GFile         *file,
                         guint64       *size,
                         GCancellable  *cancellable,
                         GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stream = g_file_read (file, cancellable, error);
  if (stream == NULL)
    return NULL;

  return sch_blob_store_put_stream (self, G_INPUT_STREAM (stream), size, cancellable, error);
}

/* Reading */

gboolean
sch_blob_store_query_size (SchBlobStore  *self,
                           const char    *sha256,
                           guint64       *size,
                           GError       **error)
{
  g_autofree char *path = NULL;
  GStatBuf st;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_hash (sha256, error))
    return FALSE;

  path = sch_blob_store_get_path (self, sha256);
  if (g_stat (path, &st) != 0 || !S_ISREG (st.st_mode))
    {
      set_not_found_error (error, path);
      return FALSE;
    }

  if (size != NULL)
    *size = (guint64) st.st_size;

  return TRUE;
}

GFileInputStream *
sch_blob_store_read (SchBlobStore  *self,
                     const char    *sha256,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local_error = NULL;
  GFileInputStream *stream;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_hash (sha256, error))
    return NULL;

  path = sch_blob_store_get_path (self, sha256);
  file = g_file_new_for_path (path);
  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        set_not_found_error (error, path);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return stream;
}

gboolean
sch_blob_store_verify (SchBlobStore  *self,
                       const char    *sha256,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = NULL;
  g_autofree char *path = NULL;
  gssize n_read;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stream = sch_blob_store_read (self, sha256, cancellable, error);
  if (stream == NULL)
    return FALSE;

  buffer = g_malloc (COPY_BUFFER_SIZE);
  while ((n_read = g_input_stream_read (G_INPUT_STREAM (stream), buffer, COPY_BUFFER_SIZE,
                                        cancellable, error)) > 0)
    g_checksum_update (checksum, buffer, n_read);

  if (n_read < 0)
    return FALSE;

  if (g_strcmp0 (g_checksum_get_string (checksum), sha256) != 0)
    {
      path = sch_blob_store_get_path (self, sha256);
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_CORRUPT,
                   _("The document file “%s” is damaged: its content changed after it was saved. "
                     "Ask your IT support to restore it from a backup."),
                   path);
      return FALSE;
    }

  return TRUE;
}

gboolean
sch_blob_store_remove (SchBlobStore  *self,
                       const char    *sha256,
                       GError       **error)
{
  g_autofree char *path = NULL;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_hash (sha256, error))
    return FALSE;

  path = sch_blob_store_get_path (self, sha256);
  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      set_write_error (error, errno, self->folder);
      return FALSE;
    }

  return TRUE;
}

/* Sweeping */

static gboolean
is_older_than (const char *path,
               gint64      min_age_usec)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0)
    return FALSE;

  return g_get_real_time () - (gint64) st.st_mtime * G_USEC_PER_SEC >= min_age_usec;
}

static void
sweep_file (const char *path,
            gint64      min_age_usec,
            guint      *n_removed)
{
  if (!is_older_than (path, min_age_usec))
    return;

  if (g_unlink (path) == 0)
    (*n_removed)++;
  else
    g_debug ("Could not remove a stale document file: %s", g_strerror (errno));
}

static void
sweep_subfolder (const char *subfolder,
                 GHashTable *referenced,
                 gint64      min_age_usec,
                 guint      *n_removed)
{
  g_autoptr(GDir) dir = g_dir_open (subfolder, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (subfolder, name, NULL);

      /* Only our own names: anything else was put there by someone else. */
      if (sch_blob_store_is_valid_hash (name) &&
          !g_hash_table_contains (referenced, name))
        sweep_file (path, min_age_usec, n_removed);
    }
}

gboolean
sch_blob_store_sweep (SchBlobStore  *self,
                      GHashTable    *referenced,
                      gint64         min_age_usec,
                      guint         *n_removed,
                      GError       **error)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *name;
  guint removed = 0;

  g_return_val_if_fail (SCH_IS_BLOB_STORE (self), FALSE);
  g_return_val_if_fail (referenced != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_dir_open (self->folder, 0, &local_error);
  if (dir == NULL)
    {
      /* Nothing stored yet. */
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        {
          if (n_removed != NULL)
            *n_removed = 0;
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->folder, name, NULL);

      if (g_str_has_prefix (name, TEMP_PREFIX))
        sweep_file (path, min_age_usec, &removed);
      else if (strlen (name) == 2 && g_ascii_isxdigit (name[0]) && g_ascii_isxdigit (name[1]))
        sweep_subfolder (path, referenced, min_age_usec, &removed);
    }

  if (removed > 0)
    g_debug ("Removed %u stale document files", removed);
  if (n_removed != NULL)
    *n_removed = removed;

  return TRUE;
}
