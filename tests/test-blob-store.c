#include "config.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utime.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "sch-blob-store.h"
#include "sch-store.h"

/* The user the read-only test drops to when it runs as root. */
#define NOBODY_ID 65534

/* Helpers */

static void
remove_tree (const char *path)
{
  GDir *dir;

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      const char *name;

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
            remove_tree (child);
          else
            g_unlink (child);
        }
      g_dir_close (dir);
    }
  g_rmdir (path);
}

static char *
make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("sch-test-blobs-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

/* Deterministic, incompressible-looking content. */
static GBytes *
make_content (gsize   length,
              guint32 seed)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  guint8 *data = g_malloc (length);

  for (gsize i = 0; i < length; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);

  return g_bytes_new_take (data, length);
}

static GBytes *
read_path (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);

  return g_bytes_new_take (contents, length);
}

/* Every file below @folder, as paths relative to it. */
static void
collect_files (const char *folder,
               const char *prefix,
               GPtrArray  *files)
{
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (folder, name, NULL);
      g_autofree char *relative = prefix != NULL ? g_build_filename (prefix, name, NULL) : g_strdup (name);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, relative, files);
      else
        g_ptr_array_add (files, g_steal_pointer (&relative));
    }
}

static guint
count_files (const char *folder)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  collect_files (folder, NULL, files);
  return files->len;
}

static void
set_age (const char *path,
         gint64      seconds)
{
  struct utimbuf times;

  times.actime = times.modtime = time (NULL) - seconds;
  g_assert_cmpint (utime (path, &times), ==, 0);
}

static char *
put_text (SchBlobStore *blobs,
          const char   *text)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
  g_autoptr(GError) error = NULL;
  char *sha256 = sch_blob_store_put_bytes (blobs, bytes, &error);

  g_assert_no_error (error);
  return sha256;
}

/* Tests */

static void
test_blob_put_twice (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GBytes) content = make_content (1000, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *path = NULL;
  g_autofree char *subfolder = NULL;
  g_autoptr(GBytes) stored = NULL;
  GStatBuf st;

  first = sch_blob_store_put_bytes (blobs, content, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (first, ==, expected);

  second = sch_blob_store_put_bytes (blobs, content, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second, ==, first);
  g_assert_cmpuint (count_files (folder), ==, 1);

  /* <folder>/<2 hex>/<sha256>, private to the user. */
  path = sch_blob_store_get_path (blobs, first);
  subfolder = g_path_get_dirname (path);
  g_assert_true (g_str_has_prefix (path, folder));
  g_assert_true (g_str_has_suffix (subfolder, (char[]) { '/', first[0], first[1], '\0' }));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (subfolder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  g_assert_cmpint (g_stat (folder, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  stored = read_path (path);
  g_assert_true (g_bytes_equal (stored, content));
  g_assert_true (sch_blob_store_verify (blobs, first, NULL, &error));
  g_assert_no_error (error);

  g_assert_null (sch_blob_store_get_path (blobs, "../etc/passwd"));
  g_assert_false (sch_blob_store_is_valid_hash (NULL));
  g_assert_false (sch_blob_store_is_valid_hash ("ABCDEF"));

  remove_tree (dir);
}

static void
test_blob_put_stream (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GBytes) content = make_content (5 * 1024 * 1024, 2);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (content);
  g_autoptr(GFileInputStream) reader = NULL;
  g_autoptr(GOutputStream) sink = g_memory_output_stream_new_resizable ();
  g_autoptr(GBytes) read_back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expected = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *sha256 = NULL;
  guint64 size = 0;

  sha256 = sch_blob_store_put_stream (blobs, stream, &size, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha256, ==, expected);
  g_assert_cmpuint (size, ==, 5 * 1024 * 1024);
  g_assert_true (sch_blob_store_query_size (blobs, sha256, &size, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (size, ==, 5 * 1024 * 1024);

  reader = sch_blob_store_read (blobs, sha256, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_splice (sink, G_INPUT_STREAM (reader),
                          G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                          NULL, &error);
  g_assert_no_error (error);
  read_back = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (sink));
  g_assert_true (g_bytes_equal (read_back, content));

  /* The same content again from a file: no second copy, no temporary left. */
  {
    g_autofree char *source_path = g_build_filename (dir, "source.bin", NULL);
    g_autoptr(GFile) source = g_file_new_for_path (source_path);
    g_autofree char *again = NULL;

    g_file_set_contents (source_path, g_bytes_get_data (content, NULL), g_bytes_get_size (content), &error);
    g_assert_no_error (error);
    again = sch_blob_store_put_file (blobs, source, NULL, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (again, ==, sha256);
    g_assert_cmpuint (count_files (folder), ==, 1);
  }

  remove_tree (dir);
}

static void
test_blob_verify (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GBytes) content = make_content (4096, 3);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *path = NULL;
  g_autofree char *missing = g_strnfill (64, 'a');
  g_autoptr(GFileInputStream) stream = NULL;
  guint8 *damaged;

  sha256 = sch_blob_store_put_bytes (blobs, content, &error);
  g_assert_no_error (error);
  path = sch_blob_store_get_path (blobs, sha256);

  /* One flipped bit, same size. */
  damaged = g_memdup2 (g_bytes_get_data (content, NULL), 4096);
  damaged[100] ^= 0x01;
  g_file_set_contents (path, (const char *) damaged, 4096, &error);
  g_assert_no_error (error);
  g_free (damaged);

  g_assert_false (sch_blob_store_verify (blobs, sha256, NULL, &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);

  g_assert_false (sch_blob_store_verify (blobs, missing, NULL, &error));
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  stream = sch_blob_store_read (blobs, missing, NULL, &error);
  g_assert_null (stream);
  g_assert_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND);

  remove_tree (dir);
}

/* Failures: forked children that cannot write; afterwards the folder holds
 * neither a temporary file nor a partial blob. */

static int
read_only_child (const char *folder,
                 GBytes     *content)
{
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (content);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;

  if (geteuid () == 0 &&
      (setgroups (0, NULL) != 0 || setgid (NOBODY_ID) != 0 || setuid (NOBODY_ID) != 0))
    {
      g_printerr ("Cannot drop privileges: %s\n", g_strerror (errno));
      return 2;
    }

  sha256 = sch_blob_store_put_stream (blobs, stream, NULL, NULL, &error);
  if (sha256 != NULL)
    {
      g_printerr ("Storing into a read-only folder succeeded\n");
      return 1;
    }
  if (!g_error_matches (error, SCH_STORE_ERROR, SCH_STORE_ERROR_READ_ONLY) ||
      strstr (error->message, folder) == NULL)
    {
      g_printerr ("Unexpected error: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
test_blob_read_only (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(GBytes) content = make_content (200 * 1024, 4);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, content);
  g_autofree char *subfolder = g_build_filename (folder, (char[]) { sha256[0], sha256[1], '\0' }, NULL);
  int status;
  pid_t pid;

  /* The temporary file can be written; only its final folder is read-only,
   * so the failure comes after the content was written. */
  g_assert_cmpint (g_chmod (dir, 0755), ==, 0);
  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  g_assert_cmpint (g_chmod (folder, 0777), ==, 0);
  g_assert_cmpint (g_mkdir (subfolder, 0555), ==, 0);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (read_only_child (folder, content));

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (count_files (folder), ==, 0);

  remove_tree (dir);
}

#define SMALL_FILE_LIMIT (64 * 1024)

static int
disk_full_child (const char *folder,
                 GBytes     *content)
{
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha256 = NULL;
  struct rlimit limit = { SMALL_FILE_LIMIT, SMALL_FILE_LIMIT };

  signal (SIGXFSZ, SIG_IGN);
  if (setrlimit (RLIMIT_FSIZE, &limit) != 0)
    return 2;

  sha256 = sch_blob_store_put_bytes (blobs, content, &error);
  if (sha256 != NULL)
    {
      g_printerr ("Storing past the file size limit succeeded\n");
      return 1;
    }
  if (!g_error_matches (error, SCH_STORE_ERROR, SCH_STORE_ERROR_DISK_FULL))
    {
      g_printerr ("Unexpected error: %s\n", error->message);
      return 1;
    }

  return 0;
}

static void
test_blob_disk_full (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(GBytes) content = make_content (4 * SMALL_FILE_LIMIT, 5);
  int status;
  pid_t pid;

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    _exit (disk_full_child (folder, content));

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (count_files (folder), ==, 0);

  remove_tree (dir);
}

static void
test_blob_sweep (void)
{
  g_autofree char *dir = make_tmpdir ();
  g_autofree char *folder = g_build_filename (dir, "blobs", NULL);
  g_autoptr(SchBlobStore) blobs = sch_blob_store_new (folder);
  g_autoptr(GHashTable) referenced = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *orphan = NULL;
  g_autofree char *fresh_orphan = NULL;
  g_autofree char *kept_path = NULL;
  g_autofree char *orphan_path = NULL;
  g_autofree char *fresh_path = NULL;
  g_autofree char *old_temp = g_build_filename (folder, ".tmp-old123", NULL);
  g_autofree char *new_temp = g_build_filename (folder, ".tmp-new123", NULL);
  g_autofree char *foreign = g_build_filename (folder, "README", NULL);
  guint n_removed = 99;

  /* Nothing stored yet: nothing to do. */
  g_assert_true (sch_blob_store_sweep (blobs, referenced, 0, &n_removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, 0);

  kept = put_text (blobs, "kept");
  orphan = put_text (blobs, "orphan");
  fresh_orphan = put_text (blobs, "fresh");
  kept_path = sch_blob_store_get_path (blobs, kept);
  orphan_path = sch_blob_store_get_path (blobs, orphan);
  fresh_path = sch_blob_store_get_path (blobs, fresh_orphan);
  g_file_set_contents (old_temp, "partial", -1, &error);
  g_file_set_contents (new_temp, "partial", -1, &error);
  g_file_set_contents (foreign, "not ours", -1, &error);
  g_assert_no_error (error);

  set_age (kept_path, 7200);
  set_age (orphan_path, 7200);
  set_age (old_temp, 7200);
  set_age (foreign, 7200);
  g_hash_table_add (referenced, kept);

  g_assert_true (sch_blob_store_sweep (blobs, referenced, SCH_BLOB_STORE_GRACE_USEC, &n_removed, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_removed, ==, 2);
  g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan_path, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (old_temp, G_FILE_TEST_EXISTS));
  /* Young files may belong to a put in progress. */
  g_assert_true (g_file_test (fresh_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (new_temp, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (foreign, G_FILE_TEST_EXISTS));

  /* Without grace the young orphan goes too. */
  g_assert_true (sch_blob_store_sweep (blobs, referenced, 0, &n_removed, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (fresh_path, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (kept_path, G_FILE_TEST_EXISTS));

  remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/blob-store/put-twice", test_blob_put_twice);
  g_test_add_func ("/blob-store/put-stream", test_blob_put_stream);
  g_test_add_func ("/blob-store/verify", test_blob_verify);
  g_test_add_func ("/blob-store/read-only", test_blob_read_only);
  g_test_add_func ("/blob-store/disk-full", test_blob_disk_full);
  g_test_add_func ("/blob-store/sweep", test_blob_sweep);

  return g_test_run ();
}
