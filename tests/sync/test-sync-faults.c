/* Exactly once under faults: 200 cases with 3 documents each against a
 * receiver that fails, resets and stalls requests, while the client (a
 * separate driver process) is killed with SIGKILL at random moments and
 * restarted, and the receiver is restarted once with its data kept. */
#include "config.h"

#include <signal.h>
#include <stdlib.h>

#include "sch-outbox.h"
#include "sync-test-util.h"

#define N_CASES 200
#define N_DOCUMENTS 3
#define N_KILLS 6
/* Documents of 64 to 300 KB: large enough that a reset part-way through
 * the body really interrupts an upload the client is still writing. */
#define MIN_DOCUMENT_BYTES (64 * 1024)
#define MAX_DOCUMENT_BYTES (300 * 1024)

typedef struct {
  char         *dir;
  char         *db;
  SyncReceiver *receiver;
  GHashTable   *digests;   /* document uuid -> sha256, as the client has them */
  GPtrArray    *cases;     /* case uuids */
} Run;

static GSubprocess *
spawn_driver (Run      *run,
              gboolean  until_done)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_strconcat ("--db=", run->db, NULL);
  g_autofree char *url = g_strconcat ("--url=", run->receiver->url, NULL);
  g_autofree char *ca = g_strconcat ("--ca=", run->receiver->ca_file, NULL);
  const char *argv[] = {
    g_getenv ("SCHALTER_SYNC_DRIVER"), db, url, ca, "--token=" SYNC_TEST_TOKEN,
    "--timeout=2", "--parallel=8", "--backoff-ms=100", "--backoff-cap-ms=1500",
    until_done ? "--until-done" : NULL, NULL
  };
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  GSubprocess *process;

  g_assert_nonnull (argv[0]);
  g_subprocess_launcher_set_child_setup (launcher, sync_test_die_with_parent, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  return process;
}

static void
prepare_cases (Run   *run,
               GRand *rand)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = sch_store_open (run->db, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < N_CASES; i++)
    {
      g_autofree char *name = g_strdup_printf ("Faultcase%u", i);
      g_autoptr(SchCase) kase = sync_test_make_case (store, name);
      gsize size = (gsize) g_rand_int_range (rand, MIN_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES + 1);
      g_autoptr(GPtrArray) manifest = sync_test_make_manifest (store, N_DOCUMENTS, size, i);

      for (guint d = 0; d < manifest->len; d++)
        {
          SchManifestEntry *entry = manifest->pdata[d];

          g_hash_table_insert (run->digests, g_strdup (entry->uuid), g_strdup (entry->sha256));
        }
      g_ptr_array_add (run->cases, g_strdup (sch_case_get_uuid (kase)));
      sync_test_queue (store, kase, manifest);
    }
}

static void
kill_driver_randomly (Run   *run,
                      GRand *rand,
                      guint  round)
{
  g_autoptr(GSubprocess) driver = spawn_driver (run, FALSE);

  g_usleep (g_rand_int_range (rand, 300, 1500) * 1000);
  if (round == N_KILLS / 2)
    {
      /* The receiver goes down under the client's feet and comes back. */
      sync_receiver_restart (run->receiver);
      g_usleep (g_rand_int_range (rand, 200, 800) * 1000);
    }

  g_subprocess_force_exit (driver);
  g_subprocess_wait (driver, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (driver));
}

static void
driver_exited (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *(gboolean *) user_data = TRUE;
}

static void
run_to_completion (Run *run)
{
  g_autoptr(GSubprocess) driver = spawn_driver (run, TRUE);
  gint64 end = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;
  gboolean exited = FALSE;

  g_subprocess_wait_async (driver, NULL, driver_exited, &exited);
  while (!exited)
    {
      if (g_get_monotonic_time () > end)
        {
          g_subprocess_force_exit (driver);
          g_error ("The client did not deliver every case within 90 s");
        }
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (20000);
    }

  if (g_subprocess_get_if_signaled (driver))
    g_error ("The client died of signal %d", g_subprocess_get_term_sig (driver));
  g_assert_cmpint (g_subprocess_get_exit_status (driver), ==, 0);
}

static void
assert_delivered_once (Run *run)
{
  g_autoptr(GHashTable) cases = sync_admin_cases (run->receiver);
  g_autoptr(GError) error = NULL;
  g_autoptr(SchStore) store = NULL;

  /* Every case created exactly once: the receiver made as many cases as
   * the client has, each of them one of the client's; every other creation
   * request was answered as a replay. */
  g_assert_cmpuint (g_hash_table_size (cases), ==, N_CASES);
  g_assert_cmpint (sync_admin_stat (run->receiver, "creations"), ==, N_CASES);
  for (guint i = 0; i < run->cases->len; i++)
    {
      JsonObject *remote = g_hash_table_lookup (cases, run->cases->pdata[i]);
      JsonArray *documents;

      g_assert_nonnull (remote);
      documents = json_object_get_array_member (remote, "documents");
      g_assert_cmpuint (json_array_get_length (documents), ==, N_DOCUMENTS);
      for (guint d = 0; d < N_DOCUMENTS; d++)
        {
          JsonObject *document = json_array_get_object_element (documents, d);
          const char *id = json_object_get_string_member (document, "id");

          g_assert_cmpstr (json_object_get_string_member (document, "sha256"), ==,
                           g_hash_table_lookup (run->digests, id));
        }
    }

  store = sch_store_open (run->db, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < run->cases->len; i++)
    g_assert_cmpint (sync_test_case_state (store, run->cases->pdata[i]), ==, SCH_CASE_STATE_SUBMITTED);
  g_assert_cmpuint (sch_outbox_count_queued (store, NULL), ==, 0);
}

/* The run proves something only if every kind of fault really happened. */
static void
assert_faults_happened (Run *run)
{
  static const char * const kinds[] = { "failures", "resets", "uploadsInterrupted", "stalls", "replays" };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      gint64 count = sync_admin_stat (run->receiver, kinds[i]);

      g_test_message ("%s: %" G_GINT64_FORMAT, kinds[i], count);
      g_assert_cmpint (count, >, 0);
    }

  /* About 5 % of the 600 and more uploads are reset half-way: some dozens
   * interrupted. Documents of a few KB, sent whole before the reset, made
   * only a handful. */
  g_assert_cmpint (sync_admin_stat (run->receiver, "uploadsInterrupted"), >=, 10);
}

static void
test_exactly_once (void)
{
  const char *seed_text = g_getenv ("SCHALTER_FAULT_SEED");
  guint32 seed = seed_text != NULL ? (guint32) atoi (seed_text) : g_random_int ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  g_autoptr(GError) error = NULL;
  g_autofree char *certs = NULL;
  g_autofree char *data = NULL;
  g_autofree char *seed_arg = g_strdup_printf ("--seed=%u", seed);
  const char *faults[] = {
    "--fail-rate=0.3", "--reset-rate=0.05", "--stall-rate=0.02", "--stall-seconds=4", seed_arg, NULL
  };
  Run run = { NULL };

  g_test_message ("Fault seed %u (set SCHALTER_FAULT_SEED to repeat)", seed);
  run.dir = g_dir_make_tmp ("sch-sync-faults-XXXXXX", &error);
  g_assert_no_error (error);
  run.db = g_build_filename (run.dir, "client", "schalter.db", NULL);
  run.digests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  run.cases = g_ptr_array_new_with_free_func (g_free);
  certs = g_build_filename (run.dir, "certs", NULL);
  data = g_build_filename (run.dir, "receiver", NULL);

  sync_test_make_certs (certs);
  prepare_cases (&run, rand);
  run.receiver = sync_receiver_start (certs, data, 0, faults);

  for (guint round = 0; round < N_KILLS; round++)
    kill_driver_randomly (&run, rand, round);
  run_to_completion (&run);
  assert_delivered_once (&run);
  assert_faults_happened (&run);

  sync_receiver_free (run.receiver);
  g_hash_table_unref (run.digests);
  g_ptr_array_unref (run.cases);
  sync_test_rm_rf (run.dir);
  g_free (run.dir);
  g_free (run.db);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/exactly-once-under-faults", test_exactly_once);
  return g_test_run ();
}
