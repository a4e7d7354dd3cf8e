/* Benchmark: N cases × 3 documents of S bytes to the reference receiver over
 * HTTPS on loopback, by Schalter's sync engine (the sync-driver process) and
 * by curl with the same calls and bytes, against the same receiver in the
 * same run. Prints both wall times, their ratio (aim ≤ 1.5) and the client's
 * peak RSS (aim < 200 MB: documents are streamed).
 * SCHALTER_BENCH_CASES (default 500) and SCHALTER_BENCH_DOC_BYTES (default
 * 1048576) make it smaller. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sch-outbox.h"
#include "sch-store-pages.h"
#include "sync-test-util.h"

#define N_DOCUMENTS 3

static guint
env_uint (const char *name,
          guint       fallback)
{
  const char *text = g_getenv (name);
  guint64 value;

  if (text != NULL && g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT, &value, NULL))
    return (guint) value;

  return fallback;
}

/* N distinct documents of @size bytes in the blob store, cheaply: one random
 * buffer with the document's number in front. */
static GPtrArray *
make_documents (SchStore *store,
                guint     n,
                gsize     size)
{
  g_autofree guint8 *buffer = g_malloc (size);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GPtrArray *documents = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_manifest_entry_free);

  for (gsize i = 0; i < size; i++)
    buffer[i] = (guint8) g_rand_int (rand);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *sha = NULL;
      g_autofree char *uuid = g_uuid_string_random ();

      memcpy (buffer, &i, sizeof i);
      bytes = g_bytes_new (buffer, size);
      sha = sch_blob_store_put_bytes (sch_store_get_blob_store (store), bytes, &error);
      g_assert_no_error (error);
      g_ptr_array_add (documents, sch_manifest_entry_new (uuid, "passports", "application/pdf",
                                                          size, sha, sha));
    }

  return documents;
}

static GPtrArray *
manifest_slice (GPtrArray *documents,
                guint      first,
                gboolean   fresh_ids)
{
  GPtrArray *manifest = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_manifest_entry_free);

  for (guint d = 0; d < N_DOCUMENTS; d++)
    {
      SchManifestEntry *entry = documents->pdata[first + d];
      g_autofree char *uuid = fresh_ids ? g_uuid_string_random () : g_strdup (entry->uuid);

      g_ptr_array_add (manifest, sch_manifest_entry_new (uuid, entry->slot, entry->media_type,
                                                         entry->size, entry->sha256, entry->blob_sha));
    }

  return manifest;
}

static double
run_schalter (const char   *db,
              SyncReceiver *receiver)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db_arg = g_strconcat ("--db=", db, NULL);
  g_autofree char *url = g_strconcat ("--url=", receiver->url, NULL);
  g_autofree char *ca = g_strconcat ("--ca=", receiver->ca_file, NULL);
  const char *argv[] = {
    g_getenv ("SCHALTER_SYNC_DRIVER"), db_arg, url, ca, "--token=" SYNC_TEST_TOKEN, "--until-done", NULL
  };
  g_autoptr(GSubprocess) driver = NULL;
  gint64 start = g_get_monotonic_time ();

  driver = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_NONE, &error);
  g_assert_no_error (error);
  g_subprocess_wait_check (driver, NULL, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
config_common (GString      *config,
               SyncReceiver *receiver,
               const char   *path)
{
  /* "next" separates the transfers; a trailing one would be an empty transfer. */
  if (config->len > 0)
    g_string_append (config, "next\n");
  g_string_append_printf (config, "url = \"%s%s\"\n", receiver->url, path);
  g_string_append_printf (config, "cacert = \"%s\"\n", receiver->ca_file);
  g_string_append (config, "header = \"Authorization: Bearer " SYNC_TEST_TOKEN "\"\n");
  g_string_append (config, "silent\nshow-error\nfail\noutput = \"/dev/null\"\n");
}

static double
run_curl_phase (const char *dir,
                const char *name,
                GString    *config)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GSubprocess) curl = NULL;
  gint64 start;

  g_file_set_contents (path, config->str, (gssize) config->len, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  curl = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                           "curl", "--no-progress-meter", "--parallel", "--parallel-max", "3",
                           "--config", path, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (curl, NULL, &error);
  g_assert_no_error (error);

  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

/* The same calls as Schalter makes, for other case ids: all creations, all
 * uploads, all submissions, each phase with 3 transfers in parallel. */
static double
run_curl (const char   *dir,
          SchStore     *store,
          SyncReceiver *receiver,
          GPtrArray    *documents,
          guint         n_cases)
{
  g_autoptr(GString) creates = g_string_new (NULL);
  g_autoptr(GString) uploads = g_string_new (NULL);
  g_autoptr(GString) submits = g_string_new (NULL);
  SchWireOffice office = { SYNC_TEST_OFFICE_BFS, "Anna Keller", "akeller" };
  SchBlobStore *blobs = sch_store_get_blob_store (store);

  for (guint c = 0; c < n_cases; c++)
    {
      g_autoptr(SchCase) kase = sync_test_make_case (store, "Benchmark");
      g_autoptr(GPtrArray) manifest = manifest_slice (documents, c * N_DOCUMENTS, TRUE);
      g_autoptr(GBytes) body = sch_wire_case_body (kase, &office, manifest, g_get_real_time (), NULL);
      g_autofree char *body_path = g_strdup_printf ("%s/body-%u.json", dir, c);
      g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", sch_case_get_uuid (kase));
      g_autoptr(GError) error = NULL;

      g_file_set_contents (body_path, g_bytes_get_data (body, NULL), (gssize) g_bytes_get_size (body), &error);
      g_assert_no_error (error);

      config_common (creates, receiver, "/v1/cases");
      g_string_append_printf (creates, "header = \"Content-Type: application/json\"\n"
                                       "header = \"Idempotency-Key: %s\"\n"
                                       "data-binary = \"@%s\"\n",
                              sch_case_get_uuid (kase), body_path);

      for (guint d = 0; d < manifest->len; d++)
        {
          SchManifestEntry *entry = manifest->pdata[d];
          g_autofree char *path = g_strdup_printf ("/v1/cases/%s/documents/%s",
                                                   sch_case_get_uuid (kase), entry->uuid);
          g_autofree char *file = sch_blob_store_get_path (blobs, entry->blob_sha);
          g_autofree char *digest = sch_wire_content_digest (entry->sha256);

          config_common (uploads, receiver, path);
          g_string_append_printf (uploads, "header = \"Content-Type: %s\"\n"
                                           "header = \"Content-Digest: %s\"\n"
                                           "upload-file = \"%s\"\n",
                                  entry->media_type, digest, file);
        }

      config_common (submits, receiver, submit_path);
      g_string_append (submits, "request = \"POST\"\n");
    }

  return run_curl_phase (dir, "creates.curl", creates) +
         run_curl_phase (dir, "uploads.curl", uploads) +
         run_curl_phase (dir, "submits.curl", submits);
}

int
main (int   argc,
      char *argv[])
{
  guint n_cases = env_uint ("SCHALTER_BENCH_CASES", 500);
  guint doc_bytes = env_uint ("SCHALTER_BENCH_DOC_BYTES", 1024 * 1024);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-bench-sync-XXXXXX", &error);
  g_autofree char *certs = g_build_filename (dir, "certs", NULL);
  g_autofree char *data = g_build_filename (dir, "receiver", NULL);
  g_autofree char *db = g_build_filename (dir, "client", "schalter.db", NULL);
  g_autofree char *curl_dir = g_build_filename (dir, "curl", NULL);
  g_autoptr(SchStore) store = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(SyncReceiver) receiver = NULL;
  g_autoptr(GHashTable) cases = NULL;
  struct rusage usage;
  double schalter_s;
  double curl_s;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (curl_dir, 0700), ==, 0);
  sync_test_make_certs (certs);

  store = sch_store_open (db, &error);
  g_assert_no_error (error);
  documents = make_documents (store, n_cases * N_DOCUMENTS, doc_bytes);
  for (guint c = 0; c < n_cases; c++)
    {
      g_autoptr(SchCase) kase = sync_test_make_case (store, "Benchmark");
      g_autoptr(GPtrArray) manifest = manifest_slice (documents, c * N_DOCUMENTS, FALSE);

      sync_test_queue (store, kase, manifest);
    }

  receiver = sync_receiver_start (certs, data, 0, NULL);

  /* Each run starts with nothing left to write back: the documents just
   * written (1.5 GB by default) would otherwise be flushed during the first
   * run and slow it down, not the second. */
  sync ();

  /* The driver is the only child waited for so far besides the certificate
   * tool, so the children's peak RSS is the client's. */
  schalter_s = run_schalter (db, receiver);
  g_assert_cmpint (getrusage (RUSAGE_CHILDREN, &usage), ==, 0);
  cases = sync_admin_cases (receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, n_cases);

  sync ();
  curl_s = run_curl (curl_dir, store, receiver, documents, n_cases);
  g_clear_pointer (&cases, g_hash_table_unref);
  cases = sync_admin_cases (receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, 2 * n_cases);

  printf ("sync: %u cases × %d documents of %u bytes over HTTPS on loopback\n",
           n_cases, N_DOCUMENTS, doc_bytes);
  printf ("  Schalter: %.2f s\n", schalter_s);
  printf ("  curl:     %.2f s\n", curl_s);
  printf ("  ratio:    %.2f (aim ≤ 1.5)\n", schalter_s / curl_s);
  printf ("  client peak RSS: %.1f MB (aim < 200 MB)\n", usage.ru_maxrss / 1024.0);

  g_clear_pointer (&receiver, sync_receiver_free);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
  return EXIT_SUCCESS;
}
