/* The sync engine against the reference receiver over real HTTPS on
 * 127.0.0.1, with the token in a real (private) gnome-keyring. */
#include "config.h"

#include <sqlite3.h>
#include <glib/gstdio.h>
#include <utime.h>
#include <libsoup/soup.h>

#include "sch-credentials.h"
#include "sch-outbox.h"
#include "sch-retention.h"
#include "sch-store-pages.h"
#include "sch-store-sql.h"
#include "sch-sync-engine.h"
#include "sch-wire.h"
#include "sync-test-util.h"

static char *certs_dir;

typedef struct {
  char          *dir;
  SchStore      *store;
  SchCatalog    *catalog;
  SyncReceiver  *receiver;
  SchSyncEngine *engine;
  GNetworkMonitor *monitor;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *receiver_data = NULL;

  fixture->dir = g_dir_make_tmp ("sch-sync-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (fixture->dir, "client", "schalter.db", NULL);
  fixture->store = sch_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sch_store_get_schema_version (fixture->store), ==, SCH_STORE_SCHEMA_VERSION);

  receiver_data = g_build_filename (fixture->dir, "receiver", NULL);
  /* @data: the receiver's extra options, or NULL. */
  fixture->receiver = sync_receiver_start (certs_dir, receiver_data, 0, data);

  fixture->monitor = sync_test_monitor_new ();
  fixture->catalog = sch_catalog_new_default ();
  fixture->engine = sch_sync_engine_new (fixture->store, fixture->catalog, fixture->monitor);
  g_object_set (fixture->engine,
                "server-url", fixture->receiver->url,
                "ca-file", fixture->receiver->ca_file,
                "token", SYNC_TEST_TOKEN,
                "timeout", 10,
                "backoff-base-ms", 50,
                "backoff-cap-ms", 400,
                "poll-interval", 3600,
                NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  sch_sync_engine_stop (fixture->engine);
  /* Let the cancelled calls finish. */
  for (guint i = 0; i < 50; i++)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&fixture->engine);
  g_clear_object (&fixture->monitor);
  g_clear_object (&fixture->catalog);
  g_clear_pointer (&fixture->receiver, sync_receiver_free);
  g_clear_object (&fixture->store);
  sync_test_rm_rf (fixture->dir);
  g_free (fixture->dir);
}

typedef struct {
  SchStore     *store;
  const char   *uuid;
  SchCaseState  state;
} StateWait;

static gboolean
has_state (gpointer data)
{
  StateWait *wait = data;

  return sync_test_case_state (wait->store, wait->uuid) == wait->state;
}

static void
assert_reaches_state (Fixture      *fixture,
                      SchCase      *kase,
                      SchCaseState  state)
{
  StateWait wait = { fixture->store, sch_case_get_uuid (kase), state };

  if (!sync_test_wait (has_state, &wait, 30000))
    g_error ("Case stayed “%s” instead of becoming “%s”",
             sch_case_state_to_string (sync_test_case_state (fixture->store, wait.uuid)),
             sch_case_state_to_string (state));
}

/* Halted, and the calls that were on their way when it halted are back. */
static gboolean
is_halted (gpointer data)
{
  return sch_sync_engine_get_halted (data) && !sch_sync_engine_get_busy (data);
}

static gboolean
has_no_pending (gpointer data)
{
  Fixture *fixture = data;

  return sch_outbox_count_queued (fixture->store, NULL) == 0 && !sch_sync_engine_get_busy (fixture->engine);
}

/* Wire format */

static void
test_wire (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-wire-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = sch_store_open (db, &error);
  g_autoptr(SchCase) kase = sync_test_make_case (store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (store, 2, 100, 1);
  SchWireOffice office = { 3203, "Anna Keller", "akeller" };
  g_autoptr(GBytes) first = sch_wire_case_body (kase, &office, manifest, 1772442641000000, &error);
  g_autoptr(GBytes) again = sch_wire_case_body (kase, &office, manifest, 1772442641000000, &error);
  g_autofree char *text = g_strndup (g_bytes_get_data (first, NULL), g_bytes_get_size (first));
  g_autofree char *digest = sch_wire_content_digest ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_autofree char *group = NULL;
  g_autofree char *field = NULL;
  guint index = 99;

  g_assert_no_error (error);
  /* Retries must send the very same bytes. */
  g_assert_true (g_bytes_equal (first, again));
  g_assert_nonnull (strstr (text, "\"capturedAt\":\"2026-03-02T09:10:41Z\""));
  g_assert_nonnull (strstr (text, "\"vn\":\"7561234567897\""));
  g_assert_nonnull (strstr (text, "\"swissZipCode\":9000"));
  g_assert_nonnull (strstr (text, "\"countryIdISO2\":\"IT\""));
  g_assert_nonnull (strstr (text, "\"municipalityName\":\"St. Gallen\""));
  g_assert_nonnull (strstr (text, "\"relationship\":\"spouse\""));
  g_assert_nonnull (strstr (text, "{\"group\":\"housing\",\"index\":0,\"field\":\"rooms\",\"value\":\"3\"}"));

  g_assert_cmpstr (digest, ==, "sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");

  g_assert_true (sch_wire_pointer_to_field (first, "/person/vn", &group, &index, &field));
  g_assert_cmpstr (group, ==, "person");
  g_assert_cmpstr (field, ==, "ahv");
  g_clear_pointer (&group, g_free);
  g_clear_pointer (&field, g_free);
  g_assert_true (sch_wire_pointer_to_field (first, "/familyMembers/1/nationality/countries/0/countryId",
                                            &group, &index, &field));
  g_assert_cmpstr (group, ==, "family");
  g_assert_cmpuint (index, ==, 1);
  g_assert_cmpstr (field, ==, "nationality");
  g_clear_pointer (&group, g_free);
  g_clear_pointer (&field, g_free);
  g_assert_true (sch_wire_pointer_to_field (first, "/otherFields/0/value", &group, &index, &field));
  g_assert_cmpstr (group, ==, "housing");
  g_assert_cmpstr (field, ==, "rooms");
  g_clear_pointer (&group, g_free);
  g_clear_pointer (&field, g_free);
  g_assert_false (sch_wire_pointer_to_field (first, "/documents/0/sha256", &group, &index, &field));

  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

/* End to end */

typedef struct {
  char *uuid;
  char *reference;
  char *requested;
} Requested;

static void
requested_clear (Requested *requested)
{
  g_clear_pointer (&requested->uuid, g_free);
  g_clear_pointer (&requested->reference, g_free);
  g_clear_pointer (&requested->requested, g_free);
}

static void
documents_requested (SchSyncEngine *engine,
                     const char    *uuid,
                     const char    *reference,
                     const char    *requested_json,
                     Requested     *requested)
{
  requested_clear (requested);
  requested->uuid = g_strdup (uuid);
  requested->reference = g_strdup (reference);
  requested->requested = g_strdup (requested_json);
}

static gboolean
has_request (gpointer data)
{
  return ((Requested *) data)->uuid != NULL;
}

static void
token_stored (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sch_credentials_store_token_finish (result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static void
token_found (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  *(char **) user_data = sch_credentials_lookup_token_finish (result, &error);
  g_assert_no_error (error);
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static gboolean
is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The token goes through the Secret Service, as in the app. */
static char *
token_through_keyring (const char *server_url)
{
  gboolean stored = FALSE;
  char *token = NULL;

  /* The private keyring has no login keyring (gnome-keyring does not make
   * one without a prompter), so the token goes to the session collection. */
  sch_credentials_store_token_async (server_url, SYNC_TEST_TOKEN, FALSE, NULL, token_stored, &stored);
  g_assert_true (sync_test_wait (is_true, &stored, 20000));
  sch_credentials_lookup_token_async (server_url, NULL, token_found, &token);
  g_assert_true (sync_test_wait (is_set, &token, 20000));

  return token;
}

static void
admin_status (Fixture    *fixture,
              SchCase    *kase,
              const char *body)
{
  g_autofree char *path = g_strdup_printf ("/admin/cases/%s/status", sch_case_get_uuid (kase));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = sync_admin_call (fixture->receiver, "POST", path, body, &status);
  g_assert_cmpuint (status, ==, 200);
  sch_sync_engine_sync_now (fixture->engine);
}

static gboolean
history_has (SchStore   *store,
             const char *uuid,
             const char *status)
{
  g_autoptr(GPtrArray) history = sch_outbox_list_history (store, uuid, NULL);

  for (guint i = 0; history != NULL && i < history->len; i++)
    if (g_str_equal (((SchStatusEntry *) history->pdata[i])->status, status))
      return TRUE;

  return FALSE;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, NULL))
    return FALSE;

  for (gsize n = strlen (needle), i = 0; i + n <= length; i++)
    if (memcmp (contents + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

typedef struct {
  gboolean  done;
  gboolean  ok;
  guint     n_purged;
  GError   *error;
} RetentionRun;

static void
retention_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  RetentionRun *run = user_data;

  run->ok = sch_retention_run_finish (SCH_STORE (source), result, &run->n_purged, &run->error);
  run->done = TRUE;
}

static void
count_changed (SchStore   *store,
               const char *uuid,
               GPtrArray  *changed)
{
  g_ptr_array_add (changed, g_strdup (uuid));
}

static gboolean
journal_has (SchStore   *store,
             const char *uuid,
             const char *action_and_detail)
{
  g_autoptr(GPtrArray) lines = sch_store_journal_list (store, uuid, NULL);

  for (guint i = 0; lines != NULL && i < lines->len; i++)
    if (strstr (lines->pdata[i], action_and_detail) != NULL)
      return TRUE;

  return FALSE;
}

static void
assert_receiver_has (Fixture   *fixture,
                     SchCase   *kase,
                     GPtrArray *manifest)
{
  g_autoptr(GHashTable) cases = sync_admin_cases (fixture->receiver);
  JsonObject *remote = g_hash_table_lookup (cases, sch_case_get_uuid (kase));
  JsonArray *documents;

  g_assert_nonnull (remote);
  /* Once: the only case the receiver has. */
  g_assert_cmpuint (g_hash_table_size (cases), ==, 1);
  documents = json_object_get_array_member (remote, "documents");
  for (guint i = 0; i < manifest->len; i++)
    {
      SchManifestEntry *entry = manifest->pdata[i];
      gboolean found = FALSE;

      for (guint d = 0; d < json_array_get_length (documents); d++)
        {
          JsonObject *document = json_array_get_object_element (documents, d);

          if (g_str_equal (json_object_get_string_member (document, "id"), entry->uuid))
            {
              g_assert_cmpstr (json_object_get_string_member (document, "sha256"), ==, entry->sha256);
              found = TRUE;
            }
        }
      g_assert_true (found);
    }
}

static void
test_end_to_end (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Zwyssigbergerova");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 2, 70000, 7);
  g_autoptr(GPtrArray) supplement = sync_test_make_manifest (fixture->store, 1, 5000, 8);
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) later = NULL;
  g_autofree char *token = NULL;
  g_autofree char *supplement_id = NULL;
  g_autofree char *db_path = g_strdup (sch_store_get_path (fixture->store));
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  Requested requested = { NULL, NULL, NULL };
  g_autoptr(GPtrArray) changed = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *reference = NULL;
  RetentionRun run = { FALSE, FALSE, 0, NULL };
  SchCase *reloaded;
  guint purged = 0;

  token = token_through_keyring (fixture->receiver->url);
  g_assert_cmpstr (token, ==, SYNC_TEST_TOKEN);
  g_object_set (fixture->engine, "token", token, NULL);
  g_signal_connect (fixture->engine, "documents-requested", G_CALLBACK (documents_requested), &requested);

  /* Queue → sync → the office's reference on the case. */
  sync_test_queue (fixture->store, kase, manifest);
  g_assert_cmpuint (sch_sync_engine_get_queued (fixture->engine), ==, 1);
  sch_sync_engine_start (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  reloaded = sch_store_load_case (fixture->store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (sch_case_get_reference (reloaded), "MA-SG-"));
  g_clear_object (&reloaded);
  assert_receiver_has (fixture, kase, manifest);
  g_assert_cmpuint (sch_sync_engine_get_queued (fixture->engine), ==, 0);
  g_assert_cmpuint (sch_sync_engine_get_bytes_sent (fixture->engine), ==, 140000);
  g_assert_cmpint (sch_sync_engine_get_last_success (fixture->engine), >, 0);
  g_assert_null (sch_sync_engine_get_last_error (fixture->engine));

  /* The office's status changes come back as history and case state. */
  admin_status (fixture, kase, "{\"status\": \"received\", \"note\": null}");
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_RECEIVED);
  g_assert_true (history_has (fixture->store, sch_case_get_uuid (kase), "received"));
  admin_status (fixture, kase, "{\"status\": \"in-review\"}");
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_IN_REVIEW);
  admin_status (fixture, kase,
                "{\"status\": \"documents-requested\", \"note\": \"Bitte Lohnabrechnungen.\","
                " \"requestedDocuments\": [{\"slot\": \"payslips\", \"note\": \"Januar bis Juni\"}]}");
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_DOCUMENTS_REQUESTED);
  g_assert_true (sync_test_wait (has_request, &requested, 10000));
  g_assert_cmpstr (requested.uuid, ==, sch_case_get_uuid (kase));
  g_assert_nonnull (strstr (requested.requested, "payslips"));

  /* Nachreichen: into the same case. */
  reloaded = sch_store_load_case (fixture->store, sch_case_get_uuid (kase), &error);
  supplement_id = sch_outbox_queue_supplement (fixture->store, reloaded, supplement, &error);
  g_assert_no_error (error);
  g_clear_object (&reloaded);
  sch_sync_engine_sync_now (fixture->engine);
  g_assert_true (sync_test_wait (has_no_pending, fixture, 30000));
  g_ptr_array_extend_and_steal (manifest, g_steal_pointer (&supplement));
  assert_receiver_has (fixture, kase, manifest);

  admin_status (fixture, kase, "{\"status\": \"decided\", \"note\": \"Bewilligung erteilt.\"}");
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_DECIDED);
  sch_sync_engine_stop (fixture->engine);

  /* Retention: not yet after 29 days, purged after 31, the second time in
   * a worker thread as the app runs it, while this connection stays open. */
  now = g_date_time_new_now_utc ();
  later = g_date_time_add_days (now, 29);
  g_assert_true (sch_retention_run (fixture->store, 30, later, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 0);
  g_clear_pointer (&later, g_date_time_unref);
  later = g_date_time_add_days (now, 31);
  g_signal_connect (fixture->store, "case-changed", G_CALLBACK (count_changed), changed);
  sch_retention_run_async (fixture->store, 30, later, NULL, retention_done, &run);
  g_assert_true (sync_test_wait (is_true, &run.done, 30000));
  g_assert_no_error (run.error);
  g_assert_true (run.ok);
  g_assert_cmpuint (run.n_purged, ==, 1);
  g_signal_handlers_disconnect_by_func (fixture->store, count_changed, changed);
  /* The window hears of it. */
  g_assert_cmpuint (changed->len, ==, 1);
  g_assert_cmpstr (changed->pdata[0], ==, sch_case_get_uuid (kase));

  reloaded = sch_store_load_case (fixture->store, sch_case_get_uuid (kase), &error);
  g_assert_cmpint (sch_case_get_state (reloaded), ==, SCH_CASE_STATE_PURGED);
  g_assert_null (sch_case_get_value (reloaded, "person", 0, "official_name"));
  g_assert_true (g_str_has_prefix (sch_case_get_reference (reloaded), "MA-SG-"));
  reference = g_strdup (sch_case_get_reference (reloaded));
  g_clear_object (&reloaded);
  for (guint i = 0; i < manifest->len; i++)
    {
      SchManifestEntry *entry = manifest->pdata[i];
      g_autofree char *path = sch_blob_store_get_path (sch_store_get_blob_store (fixture->store),
                                                       entry->blob_sha);

      g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
    }
  /* Gone from the disk, not only from the rows. */
  g_assert_false (file_contains (db_path, "Zwyssigbergerova"));
  g_assert_false (file_contains (db_path, "zwyssigbergerova"));
  g_assert_false (file_contains (db_path, "Lohnabrechnungen"));
  g_assert_false (file_contains (wal_path, "Zwyssigbergerova"));
  g_assert_false (file_contains (wal_path, "zwyssigbergerova"));
  g_assert_true (file_contains (db_path, "MA-SG-"));

  /* The office asks for more of a case whose data is gone here: the clerk
   * still hears of it, by the reference, and its journal stub records it. */
  requested_clear (&requested);
  sch_sync_engine_start (fixture->engine);
  /* A change is known by case, status and second: not the same second as
   * the first request of documents. */
  g_usleep (1100 * 1000);
  admin_status (fixture, kase,
                "{\"status\": \"documents-requested\", \"note\": \"Bitte Pass von Frau Zwyssigbergerova.\","
                " \"requestedDocuments\": [{\"slot\": \"passports\"}]}");
  g_assert_true (sync_test_wait (has_request, &requested, 10000));
  g_assert_cmpstr (requested.uuid, ==, sch_case_get_uuid (kase));
  g_assert_cmpstr (requested.reference, ==, reference);
  g_assert_true (journal_has (fixture->store, sch_case_get_uuid (kase), "\toffice-status\tdocuments-requested"));
  g_assert_true (history_has (fixture->store, sch_case_get_uuid (kase), "documents-requested"));
  g_assert_cmpint (sync_test_case_state (fixture->store, sch_case_get_uuid (kase)), ==, SCH_CASE_STATE_PURGED);
  g_assert_false (file_contains (db_path, "Zwyssigbergerova"));
  g_assert_false (file_contains (wal_path, "Zwyssigbergerova"));

  requested_clear (&requested);
}

/* Settings errors stop the batch */

static void
test_wrong_ca (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 2);
  g_autofree char *other_ca = g_build_filename (certs_dir, "other-ca.pem", NULL);
  g_autoptr(GHashTable) cases = NULL;
  const GError *last_error;

  g_object_set (fixture->engine, "ca-file", other_ca, NULL);
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  g_assert_true (sync_test_wait (is_halted, fixture->engine, 20000));

  last_error = sch_sync_engine_get_last_error (fixture->engine);
  g_assert_error (last_error, SCH_SYNC_ERROR, SCH_SYNC_ERROR_TLS);
  g_assert_nonnull (strstr (last_error->message, "other-ca.pem"));
  cases = sync_admin_cases (fixture->receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, 0);
  g_assert_cmpuint (sch_outbox_count_queued (fixture->store, NULL), ==, 1);

  /* The right CA: sent. */
  g_object_set (fixture->engine, "ca-file", fixture->receiver->ca_file, NULL);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
}

static void
test_bad_token (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 3);
  g_autoptr(GHashTable) cases = NULL;

  g_object_set (fixture->engine, "token", "expired-token", NULL);
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  g_assert_true (sync_test_wait (is_halted, fixture->engine, 20000));

  g_assert_error (sch_sync_engine_get_last_error (fixture->engine), SCH_SYNC_ERROR, SCH_SYNC_ERROR_TOKEN);
  cases = sync_admin_cases (fixture->receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, 0);
  /* Nothing lost: still queued, sent with the new token. */
  g_assert_cmpuint (sch_outbox_count_queued (fixture->store, NULL), ==, 1);
  g_assert_cmpint (sync_test_case_state (fixture->store, sch_case_get_uuid (kase)), ==,
                   SCH_CASE_STATE_QUEUED);
  g_object_set (fixture->engine, "token", SYNC_TEST_TOKEN, NULL);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  g_assert_null (sch_sync_engine_get_last_error (fixture->engine));
}

static void
test_rejected_case (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(SchCase) refused = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(SchCase) other = sync_test_make_case (fixture->store, "Bianchi");
  g_autoptr(GPtrArray) manifest1 = sync_test_make_manifest (fixture->store, 1, 1000, 4);
  g_autoptr(GPtrArray) manifest2 = sync_test_make_manifest (fixture->store, 1, 1000, 5);
  g_autoptr(GPtrArray) field_errors = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  SchFieldError *field_error;
  guint status = 0;

  answer = sync_admin_call (fixture->receiver, "POST", "/admin/reject-next",
                            "{\"pointer\": \"/person/vn\", \"detail\": \"The AHV number is not known.\"}",
                            &status);
  g_assert_true (SOUP_STATUS_IS_SUCCESSFUL (status));

  /* One at a time, so the refused one is the first. */
  g_object_set (fixture->engine, "max-parallel", 1, NULL);
  sync_test_queue (fixture->store, refused, manifest1);
  sync_test_queue (fixture->store, other, manifest2);
  sch_sync_engine_start (fixture->engine);

  assert_reaches_state (fixture, refused, SCH_CASE_STATE_NEEDS_ATTENTION);
  assert_reaches_state (fixture, other, SCH_CASE_STATE_SUBMITTED);
  g_assert_false (sch_sync_engine_get_halted (fixture->engine));

  field_errors = sch_outbox_get_field_errors (fixture->store, refused, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (field_errors->len, ==, 1);
  field_error = field_errors->pdata[0];
  g_assert_cmpstr (field_error->group, ==, "person");
  g_assert_cmpstr (field_error->field, ==, "ahv");
  g_assert_cmpstr (field_error->message, ==, "The AHV number is not known.");
  message = sch_outbox_dup_case_error (fixture->store, sch_case_get_uuid (refused), &error);
  g_assert_nonnull (message);

  /* Corrected and queued again: delivered, same key. */
  sch_case_set_value (refused, "person", 0, "ahv", "756.9217.0769.85");
  g_assert_true (sch_store_save_case (fixture->store, refused, &error));
  sync_test_queue (fixture->store, refused, manifest1);
  sch_sync_engine_sync_now (fixture->engine);
  assert_reaches_state (fixture, refused, SCH_CASE_STATE_SUBMITTED);
  g_clear_pointer (&field_errors, g_ptr_array_unref);
  field_errors = sch_outbox_get_field_errors (fixture->store, refused, &error);
  g_assert_cmpuint (field_errors->len, ==, 0);
}

/* The header bar reads the number of queued cases on every progress
 * signal, several per uploaded chunk, on the UI's thread. */
typedef struct {
  SchSyncEngine *engine;
  guint          reads;
  guint          counts;  /* queries counting the queued cases */
} QueuedReads;

static int
trace_count_queries (unsigned int  type,
                     void         *data,
                     void         *stmt,
                     void         *sql)
{
  QueuedReads *reads = data;

  if (strstr (sqlite3_sql (stmt), "count(DISTINCT case_uuid)") != NULL)
    reads->counts++;
  return 0;
}

static void
read_queued (QueuedReads *reads)
{
  sch_sync_engine_get_queued (reads->engine);
  reads->reads++;
}

static gboolean
all_submitted (gpointer data)
{
  Fixture *fixture = data;
  g_autoptr(GHashTable) cases = NULL;

  if (sch_sync_engine_get_queued (fixture->engine) > 0 || sch_sync_engine_get_busy (fixture->engine))
    return FALSE;
  cases = sync_admin_cases (fixture->receiver);
  return g_hash_table_size (cases) == 3;
}

/* Reading the number costs no query: the outbox is counted again when
 * cases are queued or leave the queue, never per chunk or per call. */
static void
test_queued_count_cached (Fixture       *fixture,
                          gconstpointer  data)
{
  QueuedReads reads = { fixture->engine, 0, 0 };
  sqlite3 *db = sch_store_get_db (fixture->store);
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < 3; i++)
    g_ptr_array_add (cases, sync_test_make_case (fixture->store, "Rossi"));
  g_signal_connect_swapped (fixture->engine, "notify", G_CALLBACK (read_queued), &reads);
  g_signal_connect_swapped (fixture->engine, "progress", G_CALLBACK (read_queued), &reads);
  sqlite3_trace_v2 (db, SQLITE_TRACE_STMT, trace_count_queries, &reads);

  /* Right when queued, before anything is sent. */
  for (guint i = 0; i < cases->len; i++)
    {
      g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 2, 1024 * 1024, 20 + i);

      sync_test_queue (fixture->store, cases->pdata[i], manifest);
      g_assert_cmpuint (sch_sync_engine_get_queued (fixture->engine), ==, i + 1);
    }

  sch_sync_engine_start (fixture->engine);
  g_assert_true (sync_test_wait (all_submitted, fixture, 60000));
  for (guint i = 0; i < cases->len; i++)
    g_assert_cmpint (sync_test_case_state (fixture->store, sch_case_get_uuid (cases->pdata[i])), ==,
                     SCH_CASE_STATE_SUBMITTED);
  sqlite3_trace_v2 (db, 0, NULL, NULL);
  g_signal_handlers_disconnect_by_data (fixture->engine, &reads);

  /* 6 MB in 256 KiB reads: dozens of progress signals, each read. */
  g_test_message ("%u reads of the queued count, %u counting queries", reads.reads, reads.counts);
  g_assert_cmpuint (reads.reads, >=, 30);
  /* Once per queued case, once per submitted case, and a few when the
   * engine starts or runs out of work. */
  g_assert_cmpuint (reads.counts, <=, 2 * cases->len + 4);
}

static void
test_offline (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(SchCase) second = sync_test_make_case (fixture->store, "Bianchi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 2, 3000, 6);
  g_autoptr(GPtrArray) manifest2 = sync_test_make_manifest (fixture->store, 1, 3000, 9);
  g_autoptr(GHashTable) cases = NULL;
  gint64 until;

  /* No server listening. */
  sync_receiver_stop (fixture->receiver);
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  /* Waiting for the next attempt is "queued", never a stale "sending". */
  g_assert_cmpint (sync_test_case_state (fixture->store, sch_case_get_uuid (kase)), ==,
                   SCH_CASE_STATE_QUEUED);
  g_assert_error (sch_sync_engine_get_last_error (fixture->engine), SCH_SYNC_ERROR, SCH_SYNC_ERROR_NETWORK);
  g_assert_false (sch_sync_engine_get_halted (fixture->engine));
  g_assert_cmpuint (sch_outbox_count_queued (fixture->store, NULL), ==, 1);

  /* The server comes up; "Sync now" sends at once. */
  g_object_set (fixture->engine, "backoff-base-ms", 60000, "backoff-cap-ms", 60000, NULL);
  sync_receiver_restart (fixture->receiver);
  sch_sync_engine_sync_now (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);

  /* The network monitor says offline: nothing is tried until it is back. */
  sync_test_monitor_set_online (fixture->monitor, FALSE);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 10;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (sch_sync_engine_get_online (fixture->engine));
  sync_test_queue (fixture->store, second, manifest2);
  sch_sync_engine_sync_now (fixture->engine);
  until = g_get_monotonic_time () + G_USEC_PER_SEC / 2;
  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
  cases = sync_admin_cases (fixture->receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, 1);
  sync_test_monitor_set_online (fixture->monitor, TRUE);
  assert_reaches_state (fixture, second, SCH_CASE_STATE_SUBMITTED);
}

/* The server is unavailable: every answer is 503 with Retry-After: 2. */

typedef struct {
  SyncReceiver *receiver;
  const char   *path;
  guint         count;
  gint64        next_look;  /* monotonic µs */
} RequestWait;

/* Arrival times (µs) of the receiver's requests to @path. */
static GArray *
request_times (SyncReceiver *receiver,
               const char   *path)
{
  guint status = 0;
  g_autoptr(JsonNode) log = sync_admin_call (receiver, "GET", "/admin/requests", NULL, &status);
  GArray *times = g_array_new (FALSE, FALSE, sizeof (gint64));
  JsonArray *entries;

  g_assert_cmpuint (status, ==, 200);
  entries = json_node_get_array (log);
  for (guint i = 0; i < json_array_get_length (entries); i++)
    {
      JsonObject *entry = json_array_get_object_element (entries, i);
      gint64 at = json_object_get_int_member (entry, "atUs");

      if (g_str_equal (json_object_get_string_member (entry, "path"), path))
        g_array_append_val (times, at);
    }

  return times;
}

/* Asks the receiver a few times a second: each question blocks the main
 * loop the engine runs in. */
static gboolean
has_requests (gpointer data)
{
  RequestWait *wait = data;
  g_autoptr(GArray) times = NULL;

  if (g_get_monotonic_time () < wait->next_look)
    return FALSE;

  times = request_times (wait->receiver, wait->path);
  wait->next_look = g_get_monotonic_time () + G_USEC_PER_SEC / 4;
  return times->len >= wait->count;
}

static void
test_server_unavailable (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 13);
  g_autoptr(GArray) times = NULL;
  RequestWait wait = { fixture->receiver, "/v1/cases", 3, 0 };

  /* A quick backoff: only Retry-After makes the engine wait. */
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  g_assert_true (sync_test_wait (has_requests, &wait, 20000));

  times = request_times (fixture->receiver, "/v1/cases");
  for (guint i = 1; i < times->len; i++)
    {
      gint64 gap = g_array_index (times, gint64, i) - g_array_index (times, gint64, i - 1);

      g_test_message ("Attempt %u came %" G_GINT64_FORMAT " ms after the one before", i + 1, gap / 1000);
      g_assert_cmpint (gap, >=, 2 * G_USEC_PER_SEC - 10000);
    }

  /* Answers, but none of them 2xx: not a sync. */
  g_assert_cmpint (sch_sync_engine_get_last_success (fixture->engine), ==, 0);
  g_assert_cmpint (sch_outbox_get_last_success (fixture->store, NULL), ==, 0);
  g_assert_error (sch_sync_engine_get_last_error (fixture->engine), SCH_SYNC_ERROR, SCH_SYNC_ERROR_SERVER);
  g_assert_cmpint (sync_test_case_state (fixture->store, sch_case_get_uuid (kase)), ==,
                   SCH_CASE_STATE_QUEUED);
}

/* The receiver reads uploads at about 256 KiB/s (--slow-body), as a
 * migration office behind a slow line or a busy disk would: each document
 * takes seconds to go. It still goes once, whole and with its digest, and
 * the client reports no error. */
#define SLOW_DOCUMENT_BYTES (640 * 1024)
#define SLOW_BYTES_PER_SECOND (256 * 1024)

/* When the receiver got the one request to @path (µs since it started). */
static gint64
only_request_at (SyncReceiver *receiver,
                 const char   *path)
{
  g_autoptr(GArray) times = request_times (receiver, path);

  if (times->len != 1)
    g_error ("%s was sent %u times, not once", path, times->len);
  return g_array_index (times, gint64, 0);
}

static void
test_slow_body (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 2, SLOW_DOCUMENT_BYTES, 31);
  const char *uuid = sch_case_get_uuid (kase);
  g_autofree char *submit = g_strdup_printf ("/v1/cases/%s/submit", uuid);
  gint64 at[3];

  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);

  assert_receiver_has (fixture, kase, manifest);
  g_assert_null (sch_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpuint (sch_sync_engine_get_bytes_sent (fixture->engine), ==, 2 * SLOW_DOCUMENT_BYTES);

  /* None was cut short and sent again, and each really took its time: the
   * next call came only after it. */
  for (guint i = 0; i < 2; i++)
    {
      SchManifestEntry *entry = manifest->pdata[i];
      g_autofree char *path = g_strdup_printf ("/v1/cases/%s/documents/%s", uuid, entry->uuid);

      at[i] = only_request_at (fixture->receiver, path);
    }
  at[2] = only_request_at (fixture->receiver, submit);
  for (guint i = 1; i < 3; i++)
    {
      g_test_message ("Upload %u took %" G_GINT64_FORMAT " ms", i, (at[i] - at[i - 1]) / 1000);
      g_assert_cmpint (at[i] - at[i - 1], >=,
                       (gint64) SLOW_DOCUMENT_BYTES * G_USEC_PER_SEC * 8 / 10 / SLOW_BYTES_PER_SECOND);
    }
}

/* Client certificates */

static gboolean
has_network_error (gpointer data)
{
  return g_error_matches (sch_sync_engine_get_last_error (data), SCH_SYNC_ERROR, SCH_SYNC_ERROR_NETWORK);
}

static void
test_client_certificate (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 14);
  g_autofree char *client_pem = g_build_filename (certs_dir, "client.pem", NULL);
  g_autofree char *client_key = g_build_filename (certs_dir, "client.key", NULL);
  g_autofree char *other_pem = g_build_filename (certs_dir, "other-client.pem", NULL);
  g_autofree char *other_key = g_build_filename (certs_dir, "other-client.key", NULL);
  const GError *last_error;

  /* The receiver requires one; none is set. */
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  g_assert_true (sync_test_wait (is_halted, fixture->engine, 20000));

  last_error = sch_sync_engine_get_last_error (fixture->engine);
  g_assert_error (last_error, SCH_SYNC_ERROR, SCH_SYNC_ERROR_CLIENT_CERTIFICATE);
  g_assert_nonnull (strstr (last_error->message, "requires a client certificate"));
  g_assert_nonnull (strstr (last_error->message, "“Client certificate” in the preferences"));
  g_assert_null (strstr (last_error->message, "CA file"));
  /* Nothing got through. */
  g_assert_cmpint (sync_admin_stat (fixture->receiver, "requests"), ==, 0);
  g_assert_cmpuint (sch_outbox_count_queued (fixture->store, NULL), ==, 1);

  /* A certificate the server does not trust: it drops the connection after
   * the handshake, as a broken network would; retried, with a hint. */
  g_object_set (fixture->engine,
                "client-certificate-file", other_pem,
                "client-key-file", other_key,
                NULL);
  g_assert_true (sync_test_wait (has_network_error, fixture->engine, 20000));
  last_error = sch_sync_engine_get_last_error (fixture->engine);
  g_assert_nonnull (strstr (last_error->message, "“Client certificate” in the preferences"));
  g_assert_nonnull (strstr (last_error->message, "other-client.pem"));
  g_assert_cmpint (sync_admin_stat (fixture->receiver, "requests"), ==, 0);

  /* With the certificate the office issued: delivered. */
  g_object_set (fixture->engine,
                "client-certificate-file", client_pem,
                "client-key-file", client_key,
                NULL);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  g_assert_null (sch_sync_engine_get_last_error (fixture->engine));
  g_assert_cmpint (sync_admin_stat (fixture->receiver, "creations"), ==, 1);
}

/* Refusals of one case */

/* POST /v1/cases as another workstation would: the same uuid, other data. */
static void
create_on_receiver (Fixture *fixture,
                    GBytes  *body)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (fixture->receiver->ca_file, &error);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autofree char *uri = g_strconcat (fixture->receiver->url, "/v1/cases", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  const char *uuid;

  g_assert_no_error (error);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                             g_bytes_get_size (body), NULL));
  uuid = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "uuid");
  session = g_object_new (SOUP_TYPE_SESSION, "tls-database", database, "timeout", 30, NULL);
  message = soup_message_new ("POST", uri);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer " SYNC_TEST_TOKEN);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Idempotency-Key", uuid);
  soup_message_set_request_body_from_bytes (message, "application/json", body);
  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, SOUP_STATUS_CREATED);
}

static void
test_idempotency_conflict (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 15);
  SchWireOffice office = { SYNC_TEST_OFFICE_BFS, "Anna Keller", "akeller" };
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_sha = NULL;
  g_autofree char *message = NULL;
  g_autofree char *reference = NULL;
  JsonObject *remote;

  /* The office already has this case's uuid with other data. */
  sch_case_set_value (kase, "person", 0, "official_name", "Bianchi");
  first = sch_wire_case_body (kase, &office, manifest, g_get_real_time (), &error);
  g_assert_no_error (error);
  first_sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, first);
  create_on_receiver (fixture, first);
  before = sync_admin_cases (fixture->receiver);
  reference = g_strdup (json_object_get_string_member (g_hash_table_lookup (before, sch_case_get_uuid (kase)),
                                                       "reference"));

  sch_case_set_value (kase, "person", 0, "official_name", "Rossi");
  g_assert_true (sch_store_save_case (fixture->store, kase, &error));
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_NEEDS_ATTENTION);

  /* Shown to the clerk, only on this case. */
  message = sch_outbox_dup_case_error (fixture->store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "already has this case with different data"));
  g_assert_nonnull (strstr (message, "Nothing was overwritten"));
  g_assert_false (sch_sync_engine_get_halted (fixture->engine));

  /* The office's record is the first one, unchanged. */
  after = sync_admin_cases (fixture->receiver);
  g_assert_cmpuint (g_hash_table_size (after), ==, 1);
  remote = g_hash_table_lookup (after, sch_case_get_uuid (kase));
  g_assert_cmpstr (json_object_get_string_member (remote, "bodySha256"), ==, first_sha);
  g_assert_cmpstr (json_object_get_string_member (remote, "reference"), ==, reference);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (remote, "documents")), ==, 0);
  /* Still waiting for the clerk, never dropped. */
  g_assert_true (sch_outbox_has_pending (fixture->store, sch_case_get_uuid (kase), NULL));
}

static void
test_document_too_large (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 1, 1000, 16);
  g_autoptr(GPtrArray) large = sync_test_make_manifest (fixture->store, 2, 10000, 17);
  g_autoptr(GHashTable) cases = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;

  /* A small signed form, then passports over the receiver's limit of 5000 bytes. */
  g_ptr_array_add (manifest, g_ptr_array_steal_index (large, 1));
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_NEEDS_ATTENTION);

  /* Named as the clerk knows it: the catalog's title of the slot. */
  message = sch_outbox_dup_case_error (fixture->store, sch_case_get_uuid (kase), &error);
  g_assert_no_error (error);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "“Passports of all family members”"));
  g_assert_null (strstr (message, "“passports”"));

  /* Checked against the server's announced limit before the case was even
   * created: a manifest naming it would have been refused whole. */
  cases = sync_admin_cases (fixture->receiver);
  g_assert_cmpuint (g_hash_table_size (cases), ==, 0);
  g_assert_false (sch_sync_engine_get_halted (fixture->engine));
  g_assert_true (sch_outbox_has_pending (fixture->store, sch_case_get_uuid (kase), NULL));
}

/* The token lives in the keyring and in memory only */

static GMutex log_mutex;
static GString *log_text;

/* Every message of the process, debug ones included, whatever G_MESSAGES_DEBUG says. */
static GLogWriterOutput
capture_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  g_mutex_lock (&log_mutex);
  for (gsize i = 0; i < n_fields; i++)
    if (g_str_equal (fields[i].key, "MESSAGE") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      {
        if (fields[i].length < 0)
          g_string_append (log_text, fields[i].value);
        else
          g_string_append_len (log_text, fields[i].value, fields[i].length);
        g_string_append_c (log_text, '\n');
      }
  g_mutex_unlock (&log_mutex);

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static void
test_token_not_stored (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(SchCase) kase = sync_test_make_case (fixture->store, "Rossi");
  g_autoptr(SchCase) refused = sync_test_make_case (fixture->store, "Bianchi");
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (fixture->store, 2, 3000, 18);
  g_autoptr(GPtrArray) manifest2 = sync_test_make_manifest (fixture->store, 1, 3000, 19);
  g_autofree char *db_path = g_strdup (sch_store_get_path (fixture->store));
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autofree char *captured = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  g_mutex_lock (&log_mutex);
  g_string_truncate (log_text, 0);
  g_mutex_unlock (&log_mutex);

  /* A delivery, a refusal with field errors, a 401 and status changes: every
   * path that stores or logs something. */
  answer = sync_admin_call (fixture->receiver, "POST", "/admin/reject-next",
                            "{\"pointer\": \"/person/vn\", \"detail\": \"Unknown.\"}", &status);
  g_assert_true (SOUP_STATUS_IS_SUCCESSFUL (status));
  g_object_set (fixture->engine, "max-parallel", 1, NULL);
  sync_test_queue (fixture->store, refused, manifest2);
  sync_test_queue (fixture->store, kase, manifest);
  sch_sync_engine_start (fixture->engine);
  assert_reaches_state (fixture, refused, SCH_CASE_STATE_NEEDS_ATTENTION);
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_SUBMITTED);
  admin_status (fixture, kase, "{\"status\": \"received\"}");
  assert_reaches_state (fixture, kase, SCH_CASE_STATE_RECEIVED);
  g_object_set (fixture->engine, "token", "ws-token-9876543210", NULL);
  sch_sync_engine_sync_now (fixture->engine);
  g_assert_true (sync_test_wait (is_halted, fixture->engine, 20000));
  sch_sync_engine_stop (fixture->engine);

  g_mutex_lock (&log_mutex);
  captured = g_strdup (log_text->str);
  g_mutex_unlock (&log_mutex);
  /* The engine did log (its debug messages), only never the token. */
  g_assert_nonnull (strstr (captured, "sch-sync"));
  g_assert_null (strstr (captured, SYNC_TEST_TOKEN));
  g_assert_null (strstr (captured, "ws-token-9876543210"));
  /* The files do hold what was synced, only never the token. */
  g_assert_true (file_contains (db_path, "Rossi") || file_contains (wal_path, "Rossi"));
  g_assert_false (file_contains (db_path, SYNC_TEST_TOKEN));
  g_assert_false (file_contains (wal_path, SYNC_TEST_TOKEN));
  g_assert_false (file_contains (db_path, "ws-token-9876543210"));
  g_assert_false (file_contains (wal_path, "ws-token-9876543210"));
}

/* Retention without a server */

static SchStore *
open_scratch_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_build_filename (dir, "schalter.db", NULL);
  SchStore *store = sch_store_open (db, &error);

  g_assert_no_error (error);
  return store;
}

static char *
days_ago (int days)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) then = g_date_time_add_days (now, -days);

  return g_date_time_format (then, "%Y-%m-%dT%H:%M:%SZ");
}

/* A case the engine delivered (every call done) and the office received
 * @received_days_ago days ago. */
static SchCase *
make_delivered_case (SchStore   *store,
                     const char *name,
                     const char *ahv,
                     int         received_days_ago)
{
  g_autoptr(SchCase) kase = sync_test_make_case (store, name);
  g_autoptr(GPtrArray) manifest = sync_test_make_manifest (store, 1, 2000, received_days_ago);
  g_autoptr(GError) error = NULL;
  g_autofree char *received_at = days_ago (received_days_ago);
  g_autofree char *note = g_strdup_printf ("Dossier %s eröffnet.", name);

  sch_case_set_value (kase, "person", 0, "ahv", ahv);
  g_assert_true (sch_store_save_case (store, kase, &error));
  sync_test_queue (store, kase, manifest);
  for (;;)
    {
      g_autoptr(GPtrArray) calls = sch_outbox_lease_due (store, g_get_real_time (), "test",
                                                         60 * G_USEC_PER_SEC, NULL, 1, &error);

      g_assert_no_error (error);
      if (calls->len == 0)
        break;
      g_assert_true (sch_outbox_mark_done (store, calls->pdata[0], &error));
      g_assert_no_error (error);
    }

  sch_case_set_reference (kase, "MA-SG-2026-000001");
  g_assert_true (sch_outbox_add_history (store, sch_case_get_uuid (kase), "received", received_at,
                                         note, NULL, NULL, &error));
  g_assert_true (sch_store_set_state (store, kase, SCH_CASE_STATE_RECEIVED, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&kase);
}

/* sch_retention_run alone leaves no trace of the person in the database
 * file or its log, in a database where the purged case is one among many
 * (little free space, so no VACUUM). */
static void
test_retention_scrubs_files (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-retention-XXXXXX", &error);
  g_autoptr(SchStore) store = open_scratch_store (dir);
  g_autofree char *db_path = g_strdup (sch_store_get_path (store));
  g_autofree char *wal_path = g_strconcat (db_path, "-wal", NULL);
  g_autoptr(SchCase) kase = NULL;
  gint64 free_pages = 0;
  guint purged = 0;

  /* Only to make the thousand cases quickly; the purge runs as in the app. */
  g_assert_cmpint (sqlite3_exec (sch_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  /* First, so that its words sit in a search index segment the later
   * cases' segments were merged into, which a deletion does not rewrite. */
  kase = make_delivered_case (store, "Zwyssigbergerova", "756.9217.0769.85", 40);
  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("Musterfrau%u", i);
      g_autoptr(SchCase) other = sync_test_make_case (store, name);
    }
  /* No free space to begin with: the purge alone must not be enough for a
   * VACUUM, which would hide whether the words are really gone. */
  g_assert_cmpint (sqlite3_exec (sch_store_get_db (store), "PRAGMA synchronous = FULL; VACUUM", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  /* Before: the person is there, in the rows, the search index and the log. */
  g_assert_true (file_contains (db_path, "Zwyssigbergerova") || file_contains (wal_path, "Zwyssigbergerova"));

  g_assert_true (sch_retention_run (store, 30, NULL, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 1);

  g_assert_false (file_contains (db_path, "Zwyssigbergerova"));
  g_assert_false (file_contains (db_path, "zwyssigbergerova"));
  g_assert_false (file_contains (db_path, "756.9217.0769.85"));
  g_assert_false (file_contains (db_path, "7569217076985"));
  g_assert_false (file_contains (wal_path, "Zwyssigbergerova"));
  g_assert_false (file_contains (wal_path, "zwyssigbergerova"));
  g_assert_false (file_contains (wal_path, "756.9217.0769.85"));
  g_assert_false (file_contains (wal_path, "7569217076985"));
  /* The others are kept. */
  g_assert_true (file_contains (db_path, "Musterfrau517"));
  g_assert_true (file_contains (db_path, "MA-SG-2026-000001"));
  /* Not vacuumed: the freed pages are still there, zeroed. */
  g_assert_true (sch_sql_query_int64 (store, "PRAGMA freelist_count", NULL, &free_pages, &error));
  g_assert_cmpint (free_pages, >, 0);

  g_clear_object (&kase);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

static gint64
pragma (SchStore *store, const char *sql)
{
  g_autoptr(GError) error = NULL;
  gint64 value = -1;

  g_assert_true (sch_sql_query_int64 (store, sql, NULL, &value, &error));
  g_assert_no_error (error);
  return value;
}

/* Purging many cases gives their pages back to the file system, in short
 * steps (incremental vacuum) so that the clerk's saves are not held up; a
 * database from before that mode changes over with one last full VACUUM.
 * @legacy: start from such a database. */
static void
check_retention_gives_pages_back (gboolean legacy)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-retention-XXXXXX", &error);
  g_autoptr(SchStore) store = open_scratch_store (dir);
  g_autoptr(SchCase) kept = NULL;
  g_autoptr(SchCase) again = NULL;
  gint64 pages_before;
  guint purged = 0;

  /* A new database is in incremental mode from its first table on. */
  g_assert_cmpint (pragma (store, "PRAGMA auto_vacuum"), ==, 2);
  if (legacy)
    {
      g_assert_cmpint (sqlite3_exec (sch_store_get_db (store), "PRAGMA auto_vacuum = NONE; VACUUM",
                                     NULL, NULL, NULL), ==, SQLITE_OK);
      g_assert_cmpint (pragma (store, "PRAGMA auto_vacuum"), ==, 0);
    }

  g_assert_cmpint (sqlite3_exec (sch_store_get_db (store), "PRAGMA synchronous = OFF", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *name = g_strdup_printf ("Altfall%u", i);
      g_autoptr(SchCase) old = make_delivered_case (store, name, "756.9217.0769.85", 40);
      g_autofree char *remarks = g_strnfill (6000, 'a' + (char) (i % 26));

      /* A case the size of one with many family members and remarks. */
      sch_case_set_value (old, "person", 0, "remarks", remarks);
      g_assert_true (sch_store_save_case (store, old, &error));
      g_assert_no_error (error);
    }
  kept = make_delivered_case (store, "Neufall", "756.1234.5678.97", 2);
  g_assert_cmpint (sqlite3_exec (sch_store_get_db (store), "PRAGMA synchronous = FULL", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  pages_before = pragma (store, "PRAGMA page_count");

  g_assert_true (sch_retention_run (store, 30, NULL, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 200);

  g_assert_cmpint (pragma (store, "PRAGMA auto_vacuum"), ==, 2);
  g_assert_cmpint (pragma (store, "PRAGMA freelist_count"), ==, 0);
  /* The purged cases' remarks alone took a quarter of the file. */
  g_assert_cmpint (pragma (store, "PRAGMA page_count") * 4, <, pages_before * 3);
  g_assert_cmpint (pragma (store, "SELECT count(*) FROM cases WHERE display_name LIKE 'Neufall%'"), ==, 1);

  /* It opens again (the store checks its integrity) with the kept case. */
  g_clear_object (&store);
  store = open_scratch_store (dir);
  again = sch_store_load_case (store, sch_case_get_uuid (kept), &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);

  g_clear_object (&kept);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

static void
test_retention_gives_pages_back (void)
{
  check_retention_gives_pages_back (FALSE);
}

static void
test_retention_changes_over_old_database (void)
{
  check_retention_gives_pages_back (TRUE);
}

/* The clock starts when the office first acknowledged a case; a case the
 * office is waiting on (documents requested) is kept, whatever its state
 * here says: the local state can lag behind the office's latest word, as
 * here. */
static void
test_retention_waits_for_office (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-retention-XXXXXX", &error);
  g_autoptr(SchStore) store = open_scratch_store (dir);
  g_autoptr(SchCase) waiting = make_delivered_case (store, "Rossi", "756.1234.5678.97", 40);
  g_autoptr(SchCase) reviewed = make_delivered_case (store, "Bianchi", "756.9217.0769.85", 40);
  g_autofree char *requested_at = days_ago (35);
  g_autofree char *reviewed_at = days_ago (2);
  guint purged = 0;

  g_assert_true (sch_outbox_add_history (store, sch_case_get_uuid (waiting), "documents-requested",
                                         requested_at, NULL, "[{\"slot\": \"passports\"}]", NULL, &error));
  g_assert_true (sch_store_set_state (store, waiting, SCH_CASE_STATE_IN_REVIEW, &error));
  /* Documents requested and sent; in review again since two days. */
  g_assert_true (sch_outbox_add_history (store, sch_case_get_uuid (reviewed), "documents-requested",
                                         requested_at, NULL, NULL, NULL, &error));
  g_assert_true (sch_outbox_add_history (store, sch_case_get_uuid (reviewed), "in-review",
                                         reviewed_at, NULL, NULL, NULL, &error));
  g_assert_true (sch_store_set_state (store, reviewed, SCH_CASE_STATE_IN_REVIEW, &error));
  g_assert_no_error (error);

  g_assert_true (sch_retention_run (store, 30, NULL, &purged, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (purged, ==, 1);
  g_assert_cmpint (sync_test_case_state (store, sch_case_get_uuid (waiting)), ==, SCH_CASE_STATE_IN_REVIEW);
  g_assert_cmpint (sync_test_case_state (store, sch_case_get_uuid (reviewed)), ==, SCH_CASE_STATE_PURGED);

  g_clear_object (&waiting);
  g_clear_object (&reviewed);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

/* The composed PDFs waiting in the outbox are what the server was promised:
 * the clean-up of unused page files at start-up must leave them alone. */
static void
test_queued_files_survive_sweep (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("sch-sync-sweep-XXXXXX", &error);
  g_autofree char *db = g_build_filename (dir, "schalter.db", NULL);
  g_autoptr(SchStore) store = sch_store_open (db, &error);
  g_autoptr(SchCase) kase = NULL;
  g_autoptr(GPtrArray) manifest = NULL;
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *orphan = NULL;
  struct utimbuf old = { 0 };

  g_assert_no_error (error);
  kase = sync_test_make_case (store, "Keller");
  manifest = sync_test_make_manifest (store, 2, 4000, 11);
  sync_test_queue (store, kase, manifest);
  for (guint i = 0; i < manifest->len; i++)
    g_ptr_array_add (paths, sch_blob_store_get_path (sch_store_get_blob_store (store),
                                                     ((SchManifestEntry *) manifest->pdata[i])->blob_sha));
  /* A file nothing names, for contrast. */
  g_clear_pointer (&manifest, g_ptr_array_unref);
  manifest = sync_test_make_manifest (store, 1, 4000, 12);
  orphan = sch_blob_store_get_path (sch_store_get_blob_store (store),
                                    ((SchManifestEntry *) manifest->pdata[0])->blob_sha);
  g_ptr_array_add (paths, g_strdup (orphan));

  /* Older than the grace period, so only being named keeps them. */
  old.actime = old.modtime = time (NULL) - 2 * 3600;
  for (guint i = 0; i < paths->len; i++)
    g_assert_cmpint (utime (paths->pdata[i], &old), ==, 0);
  g_assert_finalize_object (g_steal_pointer (&store));
  store = sch_store_open (db, &error);
  g_assert_no_error (error);

  g_assert_true (g_file_test (paths->pdata[0], G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (paths->pdata[1], G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (orphan, G_FILE_TEST_EXISTS));

  g_clear_object (&kase);
  g_clear_object (&store);
  sync_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *keyring_dir = NULL;
  g_autofree char *client_ca = NULL;
  g_autofree char *client_ca_arg = NULL;
  const char *unavailable_args[] = { "--fail-rate=1", "--fail-status=503", "--retry-after=2", NULL };
  const char *small_documents_args[] = { "--max-document-bytes=5000", NULL };
  const char *slow_body_args[] = { "--slow-body", NULL };
  const char *client_ca_args[] = { NULL, NULL };
  int result;

  /* Before anything logs: the token test reads every message. */
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

  certs_dir = g_dir_make_tmp ("sch-sync-certs-XXXXXX", &error);
  g_assert_no_error (error);
  sync_test_make_certs (certs_dir);
  keyring_dir = g_build_filename (certs_dir, "keyring", NULL);
  sync_keyring_start (keyring_dir);
  client_ca = g_build_filename (certs_dir, "ca.pem", NULL);
  client_ca_arg = g_strconcat ("--client-ca=", client_ca, NULL);
  client_ca_args[0] = client_ca_arg;

  g_test_add_func ("/sync/wire", test_wire);
  g_test_add_func ("/sync/queued-files-survive-sweep", test_queued_files_survive_sweep);
  g_test_add_func ("/sync/retention-scrubs-files", test_retention_scrubs_files);
  g_test_add_func ("/sync/retention-waits-for-office", test_retention_waits_for_office);
  g_test_add_func ("/sync/retention-gives-pages-back", test_retention_gives_pages_back);
  g_test_add_func ("/sync/retention-changes-over-old-database", test_retention_changes_over_old_database);
  g_test_add ("/sync/end-to-end", Fixture, NULL, fixture_set_up, test_end_to_end, fixture_tear_down);
  g_test_add ("/sync/wrong-ca", Fixture, NULL, fixture_set_up, test_wrong_ca, fixture_tear_down);
  g_test_add ("/sync/bad-token", Fixture, NULL, fixture_set_up, test_bad_token, fixture_tear_down);
  g_test_add ("/sync/rejected-case", Fixture, NULL, fixture_set_up, test_rejected_case, fixture_tear_down);
  g_test_add ("/sync/queued-count-cached", Fixture, NULL, fixture_set_up, test_queued_count_cached,
              fixture_tear_down);
  g_test_add ("/sync/offline", Fixture, NULL, fixture_set_up, test_offline, fixture_tear_down);
  g_test_add ("/sync/server-unavailable", Fixture, unavailable_args, fixture_set_up,
              test_server_unavailable, fixture_tear_down);
  g_test_add ("/sync/slow-body", Fixture, slow_body_args, fixture_set_up, test_slow_body,
              fixture_tear_down);
  g_test_add ("/sync/client-certificate", Fixture, client_ca_args, fixture_set_up,
              test_client_certificate, fixture_tear_down);
  g_test_add ("/sync/idempotency-conflict", Fixture, NULL, fixture_set_up, test_idempotency_conflict,
              fixture_tear_down);
  g_test_add ("/sync/document-too-large", Fixture, small_documents_args, fixture_set_up,
              test_document_too_large, fixture_tear_down);
  g_test_add ("/sync/token-not-stored", Fixture, NULL, fixture_set_up, test_token_not_stored,
              fixture_tear_down);

  result = g_test_run ();
  sync_test_rm_rf (certs_dir);
  g_free (certs_dir);
  g_string_free (log_text, TRUE);
  return result;
}
