/* test-receiver.c: the reference receiver against docs/api.md over real TLS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <sys/prctl.h>
#include <string.h>

#define TOKEN "workstation-token"
/* Another workstation of the same residents' office (St. Gallen, BFS 3203)... */
#define COLLEAGUE_TOKEN "colleague-token"
/* ...and one of another office (Luzern, BFS 1061). */
#define OTHER_OFFICE_TOKEN "other-office-token"
#define ADMIN_TOKEN "admin-token"
#define MAX_DOCUMENT_BYTES 400000

static char *certs_dir;

typedef struct
{
  char        *data_dir;
  GSubprocess *receiver;
  char        *base;
  SoupSession *session;
} Fixture;

typedef struct
{
  char   *uuid;
  char   *doc_id;
  GBytes *doc;
  char   *sha256;
} TestCase;

static char *
cert_path (const char *name)
{
  return g_build_filename (certs_dir, name, NULL);
}

static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
start_receiver (Fixture            *f,
                const char * const *extra)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  g_autofree char *cert = cert_path ("server.pem");
  g_autofree char *key = cert_path ("server.key");
  g_autofree char *max = g_strdup_printf ("%d", MAX_DOCUMENT_BYTES);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_strv_builder_add_many (builder, g_getenv ("SCHALTER_RECEIVER"),
                           "--cert", cert, "--key", key, "--port", "0",
                           "--data", f->data_dir, "--token", "3203/ws-test:" TOKEN,
                           "--token", "3203/ws-colleague:" COLLEAGUE_TOKEN,
                           "--token", "1061/ws-lu:" OTHER_OFFICE_TOKEN,
                           "--admin-token", ADMIN_TOKEN, "--max-document-bytes", max, NULL);
  if (extra != NULL)
    g_strv_builder_addv (builder, (const char **) extra);
  argv = g_strv_builder_end (builder);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  /* A test that aborts must not leave the receiver running. */
  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  f->receiver = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (f->receiver));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on https://127.0.0.1:"));
  g_free (f->base);
  f->base = g_strdup (line + strlen ("listening on "));
}

static void
stop_receiver (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_send_signal (f->receiver, SIGTERM);
  g_subprocess_wait (f->receiver, NULL, &error);
  g_assert_no_error (error);
  /* A clean exit: the receiver shut down its database and server itself. */
  g_assert_true (g_subprocess_get_if_exited (f->receiver));
  g_assert_cmpint (g_subprocess_get_exit_status (f->receiver), ==, 0);
  g_clear_object (&f->receiver);
}

static SoupSession *
new_session (const char *ca_name)
{
  g_autofree char *ca = cert_path (ca_name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (ca, &error);

  g_assert_no_error (error);
  return soup_session_new_with_options ("tls-database", database, "timeout", 10, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->data_dir = g_dir_make_tmp ("receiver-data-XXXXXX", &error);
  g_assert_no_error (error);
  f->session = new_session ("ca.pem");
  start_receiver (f, data);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->receiver != NULL)
    stop_receiver (f);
  g_clear_object (&f->session);
  remove_tree (f->data_dir);
  g_free (f->data_dir);
  g_free (f->base);
}

/* HTTP helpers */

static SoupMessage *
new_message (Fixture    *f,
             const char *method,
             const char *path,
             const char *token)
{
  g_autofree char *url = g_strconcat (f->base, path, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }
  return msg;
}

static void
set_json_body (SoupMessage *msg,
               const char  *json)
{
  g_autoptr(GBytes) body = g_bytes_new (json, strlen (json));

  soup_message_set_request_body_from_bytes (msg, "application/json", body);
}

/* Sends and checks the status; returns the parsed body (NULL if empty). */
static JsonNode *
send_expect (Fixture     *f,
             SoupMessage *msg,
             guint        expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (f->session, msg, NULL, &error);

  g_assert_no_error (error);
  if (soup_message_get_status (msg) != expected)
    g_test_message ("Unexpected answer: %.*s", (int) g_bytes_get_size (reply),
                    (const char *) g_bytes_get_data (reply, NULL));
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected);
  if (g_bytes_get_size (reply) == 0)
    return NULL;
  return json_from_string (g_bytes_get_data (reply, NULL), &error);
}

static JsonNode *
call (Fixture    *f,
      const char *method,
      const char *path,
      const char *token,
      const char *json,
      guint       expected)
{
  g_autoptr(SoupMessage) msg = new_message (f, method, path, token);

  if (json != NULL)
    set_json_body (msg, json);
  return send_expect (f, msg, expected);
}

static void
call_discard (Fixture    *f,
              const char *method,
              const char *path,
              const char *token,
              const char *json,
              guint       expected)
{
  g_autoptr(JsonNode) reply = call (f, method, path, token, json, expected);
}

static const char *
member_string (JsonNode   *node,
               const char *name)
{
  return json_object_get_string_member (json_node_get_object (node), name);
}

/* Test data */

static void
test_case_free (TestCase *tc)
{
  g_free (tc->uuid);
  g_free (tc->doc_id);
  g_bytes_unref (tc->doc);
  g_free (tc->sha256);
  g_free (tc);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCase, test_case_free)

static GBytes *
random_bytes (gsize size)
{
  guint8 *data = g_malloc (size);

  for (gsize i = 0; i < size; i++)
    data[i] = (guint8) g_test_rand_int_range (0, 256);
  return g_bytes_new_take (data, size);
}

static TestCase *
test_case_new (gsize doc_size)
{
  TestCase *tc = g_new0 (TestCase, 1);

  tc->uuid = g_uuid_string_random ();
  tc->doc_id = g_uuid_string_random ();
  tc->doc = random_bytes (doc_size);
  tc->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, tc->doc);
  return tc;
}

static char *
case_json (TestCase   *tc,
           const char *official_name,
           const char *vn)
{
  return g_strdup_printf (
    "{\"uuid\":\"%s\",\"applicationType\":\"family-reunification\","
    "\"capturedAt\":\"2026-03-02T09:10:41Z\","
    "\"office\":{\"municipalityId\":3203,\"municipalityName\":\"St. Gallen\",\"cantonAbbreviation\":\"SG\"},"
    "\"clerk\":{\"name\":\"Anna Keller\"},"
    "\"person\":{\"officialName\":\"%s\",\"firstName\":\"Maria\",\"dateOfBirth\":\"1988-04\","
    "\"sex\":\"2\",\"maritalStatus\":\"2\","
    "\"nationality\":{\"nationalityStatus\":\"2\",\"countries\":[{\"countryId\":8218,\"countryIdISO2\":\"IT\"}]},"
    "\"vn\":\"%s\",\"zemisNumber\":\"12345678.9\",\"futureMember\":{\"ignored\":true}},"
    "\"address\":{\"street\":\"Rorschacher Strasse\",\"houseNumber\":\"21\",\"swissZipCode\":9000,"
    "\"town\":\"St. Gallen\",\"municipalityId\":3203},"
    "\"familyMembers\":[{\"relationship\":\"spouse\",\"officialName\":\"Rossi\",\"firstName\":\"Luca\","
    "\"dateOfBirth\":\"1986-11-02\",\"sex\":\"1\"}],"
    "\"documents\":[{\"id\":\"%s\",\"slot\":\"passport\",\"mediaType\":\"application/pdf\","
    "\"size\":%" G_GSIZE_FORMAT ",\"sha256\":\"%s\"}]}",
    tc->uuid, official_name, vn, tc->doc_id, g_bytes_get_size (tc->doc), tc->sha256);
}

static SoupMessage *
create_message_as (Fixture    *f,
                   const char *token,
                   TestCase   *tc,
                   const char *json)
{
  SoupMessage *msg = new_message (f, "POST", "/v1/cases", token);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", tc->uuid);
  set_json_body (msg, json);
  return msg;
}

static SoupMessage *
create_message (Fixture    *f,
                TestCase   *tc,
                const char *json)
{
  return create_message_as (f, TOKEN, tc, json);
}

static char *
create_case (Fixture  *f,
             TestCase *tc)
{
  g_autofree char *json = case_json (tc, "Rossi", "7561234567897");
  g_autoptr(SoupMessage) msg = create_message (f, tc, json);
  g_autoptr(JsonNode) reply = send_expect (f, msg, SOUP_STATUS_CREATED);

  return g_strdup (member_string (reply, "reference"));
}

/* libsoup resends a request whose reused connection broke, but without its
 * body unless it is set again: without this a retried upload arrives empty. */
static void
restarted_cb (SoupMessage *msg,
              GBytes      *body)
{
  soup_message_set_request_body_from_bytes (msg, "application/pdf", body);
}

static SoupMessage *
put_message_as (Fixture    *f,
                const char *token,
                TestCase   *tc,
                GBytes     *body,
                const char *sha256_hex)
{
  g_autofree char *path = g_strdup_printf ("/v1/cases/%s/documents/%s", tc->uuid, tc->doc_id);
  SoupMessage *msg = new_message (f, "PUT", path, token);
  guint8 raw[32];
  g_autofree char *base64 = NULL;
  g_autofree char *digest = NULL;

  for (guint i = 0; i < 32; i++)
    raw[i] = (guint8) g_ascii_strtoull ((char[]) { sha256_hex[2 * i], sha256_hex[2 * i + 1], 0 },
                                        NULL, 16);
  base64 = g_base64_encode (raw, sizeof raw);
  digest = g_strdup_printf ("sha-256=:%s:", base64);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Digest", digest);
  soup_message_set_request_body_from_bytes (msg, "application/pdf", body);
  g_signal_connect_data (msg, "restarted", G_CALLBACK (restarted_cb), g_bytes_ref (body),
                         (GClosureNotify) (void (*) (void)) g_bytes_unref, 0);
  return msg;
}

static SoupMessage *
put_message (Fixture    *f,
             TestCase   *tc,
             GBytes     *body,
             const char *sha256_hex)
{
  return put_message_as (f, TOKEN, tc, body, sha256_hex);
}

static void
put_document (Fixture  *f,
              TestCase *tc,
              guint     expected)
{
  g_autoptr(SoupMessage) msg = put_message (f, tc, tc->doc, tc->sha256);
  g_autoptr(JsonNode) reply = send_expect (f, msg, expected);

  g_assert_cmpstr (member_string (reply, "sha256"), ==, tc->sha256);
}

static JsonObject *
admin_find_case (JsonNode   *list,
                 const char *uuid)
{
  JsonArray *cases = json_node_get_array (list);

  for (guint i = 0; i < json_array_get_length (cases); i++)
    {
      JsonObject *c = json_array_get_object_element (cases, i);
      if (g_str_equal (json_object_get_string_member (c, "uuid"), uuid))
        return c;
    }
  return NULL;
}

static const char *
problem_type_name (JsonNode *problem)
{
  const char *type = member_string (problem, "type");

  return strrchr (type, '/') + 1;
}

/* Tests */

static gint64
admin_stat (Fixture    *f,
            const char *name)
{
  g_autoptr(JsonNode) stats = call (f, "GET", "/admin/stats", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);

  return json_object_get_int_member (json_node_get_object (stats), name);
}

static void
test_create_idempotent (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (1000);
  g_autofree char *json = case_json (tc, "Rossi", "7561234567897");
  g_autofree char *other = case_json (tc, "Bianchi", "7561234567897");
  g_autofree char *reference = create_case (f, tc);
  g_autoptr(SoupMessage) again = create_message (f, tc, json);
  g_autoptr(SoupMessage) conflict = create_message (f, tc, other);
  g_autoptr(JsonNode) replay = NULL;
  g_autoptr(JsonNode) problem = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *body_sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, json, -1);
  JsonObject *stored;

  g_assert_true (g_regex_match_simple ("^MA-SG-[0-9]{4}-[0-9]{6}$", reference, 0, 0));

  replay = send_expect (f, again, SOUP_STATUS_CREATED);
  g_assert_cmpstr (member_string (replay, "reference"), ==, reference);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (again),
                                                 "Idempotent-Replayed"), ==, "true");

  problem = send_expect (f, conflict, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (problem_type_name (problem), ==, "idempotency-conflict");
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (conflict),
                                                          NULL), ==, "application/problem+json");

  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  stored = admin_find_case (list, tc->uuid);
  g_assert_nonnull (stored);
  /* One creation, one replay; the conflicting body changed nothing. */
  g_assert_cmpint (json_object_get_int_member (stored, "replays"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (stored, "bodySha256"), ==, body_sha);
  g_assert_cmpstr (json_object_get_string_member (stored, "reference"), ==, reference);
  g_assert_cmpint (admin_stat (f, "creations"), ==, 1);
  g_assert_cmpint (admin_stat (f, "replays"), ==, 1);
}

static void
test_documents_and_submit (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (300000);
  g_autofree char *reference = create_case (f, tc);
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", tc->uuid);
  g_autoptr(GBytes) tampered = random_bytes (g_bytes_get_size (tc->doc));
  g_autoptr(GBytes) too_big = random_bytes (MAX_DOCUMENT_BYTES + 1);
  g_autoptr(SoupMessage) wrong = put_message (f, tc, tampered, tc->sha256);
  g_autoptr(SoupMessage) big = put_message (f, tc, too_big, tc->sha256);
  g_autoptr(JsonNode) problem = NULL;
  g_autoptr(JsonNode) big_problem = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) submitted = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonArray *ids;
  JsonArray *docs;

  /* The bytes do not have the announced digest: refused, nothing stored. */
  problem = send_expect (f, wrong, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (problem_type_name (problem), ==, "digest-mismatch");

  big_problem = send_expect (f, big, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (big_problem), "maxDocumentBytes"),
                   ==, MAX_DOCUMENT_BYTES);

  missing = call (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (problem_type_name (missing), ==, "documents-missing");
  ids = json_object_get_array_member (json_node_get_object (missing), "missingDocuments");
  g_assert_cmpuint (json_array_get_length (ids), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (ids, 0), ==, tc->doc_id);

  put_document (f, tc, SOUP_STATUS_CREATED);
  put_document (f, tc, SOUP_STATUS_OK);

  submitted = call (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (submitted, "reference"), ==, reference);
  g_assert_cmpstr (member_string (submitted, "status"), ==, "submitted");
  call_discard (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_OK);

  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  docs = json_object_get_array_member (admin_find_case (list, tc->uuid), "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (docs, 0), "sha256"),
                   ==, tc->sha256);
}

static void
set_status (Fixture    *f,
            const char *uuid,
            const char *json)
{
  g_autofree char *path = g_strdup_printf ("/admin/cases/%s/status", uuid);

  call_discard (f, "POST", path, ADMIN_TOKEN, json, SOUP_STATUS_OK);
}

static JsonArray *
changes_since_as (Fixture     *f,
                  const char  *token,
                  const char  *cursor,
                  char       **next_cursor)
{
  g_autofree char *path = g_strdup_printf ("/v1/changes?since=%s", cursor);
  g_autoptr(JsonNode) reply = call (f, "GET", path, token, NULL, SOUP_STATUS_OK);
  JsonObject *object = json_node_get_object (reply);

  *next_cursor = g_strdup (json_object_get_string_member (object, "cursor"));
  g_assert_false (json_object_get_boolean_member (object, "more"));
  return json_array_ref (json_object_get_array_member (object, "changes"));
}

static JsonArray *
changes_since (Fixture     *f,
               const char  *cursor,
               char       **next_cursor)
{
  return changes_since_as (f, TOKEN, cursor, next_cursor);
}

static void
test_status_and_changes (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (100);
  g_autofree char *reference = create_case (f, tc);
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", tc->uuid);
  g_autofree char *case_path = g_strdup_printf ("/v1/cases/%s", tc->uuid);
  g_autofree char *cursor = NULL;
  g_autofree char *cursor2 = NULL;
  g_autofree char *cursor3 = NULL;
  g_autoptr(JsonArray) first = NULL;
  g_autoptr(JsonArray) second = NULL;
  g_autoptr(JsonArray) none = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) bad_cursor = NULL;
  JsonObject *change;
  JsonArray *requested;

  put_document (f, tc, SOUP_STATUS_CREATED);
  call_discard (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_OK);
  set_status (f, tc->uuid, "{\"status\":\"received\"}");

  first = changes_since (f, "", &cursor);
  g_assert_cmpuint (json_array_get_length (first), ==, 3);  /* created, submitted, received */
  change = json_array_get_object_element (first, 2);
  g_assert_cmpstr (json_object_get_string_member (change, "status"), ==, "received");
  g_assert_cmpstr (json_object_get_string_member (change, "reference"), ==, reference);

  set_status (f, tc->uuid,
              "{\"status\":\"documents-requested\",\"note\":\"Bitte Lohnabrechnungen nachreichen.\","
              "\"requestedDocuments\":[{\"slot\":\"payslips\",\"note\":\"6 Monate\"}]}");
  second = changes_since (f, cursor, &cursor2);
  g_assert_cmpuint (json_array_get_length (second), ==, 1);
  change = json_array_get_object_element (second, 0);
  g_assert_cmpstr (json_object_get_string_member (change, "case"), ==, tc->uuid);
  g_assert_cmpstr (json_object_get_string_member (change, "status"), ==, "documents-requested");
  requested = json_object_get_array_member (change, "requestedDocuments");
  g_assert_cmpuint (json_array_get_length (requested), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (requested, 0), "slot"),
                   ==, "payslips");

  none = changes_since (f, cursor2, &cursor3);
  g_assert_cmpuint (json_array_get_length (none), ==, 0);
  g_assert_cmpstr (cursor3, ==, cursor2);

  state = call (f, "GET", case_path, TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (state, "status"), ==, "documents-requested");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (state),
                                                                          "history")), ==, 4);

  bad_cursor = call (f, "GET", "/v1/changes?since=99999", TOKEN, NULL, SOUP_STATUS_BAD_REQUEST);
  g_assert_cmpstr (problem_type_name (bad_cursor), ==, "invalid-cursor");
}

/* The cases of @changes, each once, in the order they first appear. */
static GPtrArray *
changed_cases (JsonArray *changes)
{
  GPtrArray *cases = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      const char *uuid = json_object_get_string_member (json_array_get_object_element (changes, i), "case");

      if (!g_ptr_array_find_with_equal_func (cases, uuid, g_str_equal, NULL))
        g_ptr_array_add (cases, (gpointer) uuid);
    }
  return cases;
}

/* Sends @msg and returns the answer's text, checking its status. */
static char *
send_text (Fixture     *f,
           SoupMessage *msg,
           guint        expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) reply = soup_session_send_and_read (f->session, msg, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, expected);
  return g_strndup (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply));
}

static char *
call_text (Fixture    *f,
           const char *method,
           const char *path,
           const char *token,
           guint       expected)
{
  g_autoptr(SoupMessage) msg = new_message (f, method, path, token);

  return send_text (f, msg, expected);
}

/* A token sees its own office's cases, whichever of the office's
 * workstations sent them, and nothing of another office's: every call on
 * such a case is answered as for a case that does not exist, the change
 * feed leaves it out, and its id cannot be taken over. */
static void
test_office_scope (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(TestCase) ours = test_case_new (2000);
  g_autoptr(TestCase) theirs = test_case_new (100);
  g_autofree char *our_json = case_json (ours, "Rossi", "7561234567897");
  g_autofree char *reference = create_case (f, ours);
  g_autofree char *case_path = g_strdup_printf ("/v1/cases/%s", ours->uuid);
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", ours->uuid);
  g_autofree char *supplements_path = g_strdup_printf ("/v1/cases/%s/supplements", ours->uuid);
  g_autofree char *supplement_id = g_uuid_string_random ();
  g_autofree char *supplement_submit = g_strdup_printf ("%s/%s/submit", supplements_path, supplement_id);
  g_autofree char *nowhere = NULL;
  g_autofree char *nowhere_path = NULL;
  g_autofree char *not_found = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *our_cursor = NULL;
  g_autofree char *their_cursor = NULL;
  g_autofree char *colleague_cursor = NULL;
  g_autofree char *next_cursor = NULL;
  g_autoptr(SoupMessage) take_over = NULL;
  g_autoptr(SoupMessage) upload = NULL;
  g_autoptr(SoupMessage) supplement = NULL;
  g_autoptr(JsonNode) conflict = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonArray) our_changes = NULL;
  g_autoptr(JsonArray) their_changes = NULL;
  g_autoptr(JsonArray) colleague_changes = NULL;
  g_autoptr(GPtrArray) cases = NULL;
  JsonArray *docs;

  /* Luzern's own case. */
  {
    g_autofree char *json = case_json (theirs, "Bianchi", "7561234567897");
    g_autoptr(SoupMessage) create = create_message_as (f, OTHER_OFFICE_TOKEN, theirs, json);
    g_autoptr(JsonNode) created = send_expect (f, create, SOUP_STATUS_CREATED);
  }

  /* St. Gallen's case is not there for Luzern: the same answer, word for
   * word, as for an id nobody used. */
  nowhere = g_uuid_string_random ();
  nowhere_path = g_strdup_printf ("/v1/cases/%s", nowhere);
  not_found = call_text (f, "GET", nowhere_path, OTHER_OFFICE_TOKEN, SOUP_STATUS_NOT_FOUND);
  answer = call_text (f, "GET", case_path, OTHER_OFFICE_TOKEN, SOUP_STATUS_NOT_FOUND);
  g_assert_cmpstr (answer, ==, not_found);
  g_assert_nonnull (strstr (answer, "unknown-case"));

  /* Nor can Luzern upload into it, hand it in or add to it. */
  upload = put_message_as (f, OTHER_OFFICE_TOKEN, ours, ours->doc, ours->sha256);
  g_clear_pointer (&answer, g_free);
  answer = send_text (f, upload, SOUP_STATUS_NOT_FOUND);
  g_assert_nonnull (strstr (answer, "unknown-case"));
  g_clear_pointer (&answer, g_free);
  answer = call_text (f, "POST", submit_path, OTHER_OFFICE_TOKEN, SOUP_STATUS_NOT_FOUND);
  g_assert_nonnull (strstr (answer, "unknown-case"));
  supplement = new_message (f, "POST", supplements_path, OTHER_OFFICE_TOKEN);
  soup_message_headers_replace (soup_message_get_request_headers (supplement), "Idempotency-Key",
                                supplement_id);
  {
    g_autofree char *body = g_strdup_printf (
      "{\"id\":\"%s\",\"documents\":[{\"id\":\"%s\",\"slot\":\"payslips\","
      "\"mediaType\":\"application/pdf\",\"size\":100,\"sha256\":\"%s\"}]}",
      supplement_id, theirs->doc_id, theirs->sha256);

    set_json_body (supplement, body);
  }
  g_clear_pointer (&answer, g_free);
  answer = send_text (f, supplement, SOUP_STATUS_NOT_FOUND);
  g_assert_nonnull (strstr (answer, "unknown-case"));
  g_clear_pointer (&answer, g_free);
  answer = call_text (f, "POST", supplement_submit, OTHER_OFFICE_TOKEN, SOUP_STATUS_NOT_FOUND);
  g_assert_nonnull (strstr (answer, "unknown-case"));

  /* The same id and the same bytes from Luzern: a conflict, never St.
   * Gallen's receipt with its reference. */
  take_over = create_message_as (f, OTHER_OFFICE_TOKEN, ours, our_json);
  conflict = send_expect (f, take_over, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (problem_type_name (conflict), ==, "idempotency-conflict");
  {
    g_autofree char *text = json_to_string (conflict, FALSE);

    g_assert_null (strstr (text, reference));
  }

  /* Nothing of that reached the case. */
  state = call (f, "GET", case_path, TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (state, "status"), ==, "created");
  docs = json_object_get_array_member (json_node_get_object (state), "documents");
  g_assert_false (json_object_get_boolean_member (json_array_get_object_element (docs, 0), "stored"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (state),
                                                                          "supplements")), ==, 0);
  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 2);
  g_assert_cmpint (json_object_get_int_member (admin_find_case (list, ours->uuid), "replays"), ==, 0);

  /* A colleague's workstation of the same office sees the case. */
  g_clear_pointer (&state, json_node_unref);
  state = call (f, "GET", case_path, COLLEAGUE_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (state, "reference"), ==, reference);

  /* The office moves both cases on: each feed has its own office's only. */
  put_document (f, ours, SOUP_STATUS_CREATED);
  call_discard (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_OK);
  set_status (f, ours->uuid, "{\"status\":\"received\"}");
  set_status (f, theirs->uuid, "{\"status\":\"in-review\"}");

  our_changes = changes_since (f, "", &our_cursor);
  g_assert_cmpuint (json_array_get_length (our_changes), ==, 3);  /* created, submitted, received */
  cases = changed_cases (our_changes);
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpstr (cases->pdata[0], ==, ours->uuid);
  g_clear_pointer (&cases, g_ptr_array_unref);

  colleague_changes = changes_since_as (f, COLLEAGUE_TOKEN, "", &colleague_cursor);
  g_assert_cmpuint (json_array_get_length (colleague_changes), ==, 3);
  g_assert_cmpstr (colleague_cursor, ==, our_cursor);

  their_changes = changes_since_as (f, OTHER_OFFICE_TOKEN, "", &their_cursor);
  g_assert_cmpuint (json_array_get_length (their_changes), ==, 2);  /* created, in-review */
  cases = changed_cases (their_changes);
  g_assert_cmpuint (cases->len, ==, 1);
  g_assert_cmpstr (cases->pdata[0], ==, theirs->uuid);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (their_changes, 1),
                                                  "status"), ==, "in-review");

  /* Later changes of the other office's case do not show up after the cursor. */
  set_status (f, theirs->uuid, "{\"status\":\"decided\"}");
  g_clear_pointer (&our_changes, json_array_unref);
  our_changes = changes_since (f, our_cursor, &next_cursor);
  g_assert_cmpuint (json_array_get_length (our_changes), ==, 0);
}

static void
test_supplement (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (100);
  g_autoptr(TestCase) extra = test_case_new (5000);
  g_autofree char *reference = create_case (f, tc);
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", tc->uuid);
  g_autofree char *supplements_path = g_strdup_printf ("/v1/cases/%s/supplements", tc->uuid);
  g_autofree char *supplement_id = g_uuid_string_random ();
  g_autofree char *supplement_submit = g_strdup_printf ("%s/%s/submit", supplements_path, supplement_id);
  g_autofree char *body = g_strdup_printf (
    "{\"id\":\"%s\",\"documents\":[{\"id\":\"%s\",\"slot\":\"payslips\","
    "\"mediaType\":\"application/pdf\",\"size\":5000,\"sha256\":\"%s\"}]}",
    supplement_id, extra->doc_id, extra->sha256);
  g_autoptr(SoupMessage) early = new_message (f, "POST", supplements_path, TOKEN);
  g_autoptr(SoupMessage) create = new_message (f, "POST", supplements_path, TOKEN);
  g_autoptr(JsonNode) refused = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) submitted = NULL;

  soup_message_headers_replace (soup_message_get_request_headers (early), "Idempotency-Key", supplement_id);
  set_json_body (early, body);
  refused = send_expect (f, early, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (problem_type_name (refused), ==, "case-not-submitted");

  put_document (f, tc, SOUP_STATUS_CREATED);
  call_discard (f, "POST", submit_path, TOKEN, NULL, SOUP_STATUS_OK);

  soup_message_headers_replace (soup_message_get_request_headers (create), "Idempotency-Key", supplement_id);
  set_json_body (create, body);
  created = send_expect (f, create, SOUP_STATUS_CREATED);
  g_assert_cmpstr (member_string (created, "status"), ==, "open");

  missing = call (f, "POST", supplement_submit, TOKEN, NULL, SOUP_STATUS_CONFLICT);
  g_assert_cmpstr (problem_type_name (missing), ==, "documents-missing");

  /* Supplement documents go to the same document path of the case. */
  g_free (extra->uuid);
  extra->uuid = g_strdup (tc->uuid);
  put_document (f, extra, SOUP_STATUS_CREATED);
  submitted = call (f, "POST", supplement_submit, TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (submitted, "status"), ==, "submitted");
}

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(SoupMessage) without = new_message (f, "GET", "/v1/changes", NULL);
  g_autoptr(JsonNode) problem = send_expect (f, without, SOUP_STATUS_UNAUTHORIZED);
  g_autoptr(JsonNode) info = NULL;

  g_assert_cmpstr (problem_type_name (problem), ==, "unauthorized");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (without),
                                                 "WWW-Authenticate"), ==, "Bearer realm=\"schalter\"");
  call_discard (f, "GET", "/v1/changes", "wrong-token", NULL, SOUP_STATUS_UNAUTHORIZED);
  call_discard (f, "GET", "/v1/info", "wrong-token", NULL, SOUP_STATUS_UNAUTHORIZED);
  call_discard (f, "GET", "/v1/changes", ADMIN_TOKEN, NULL, SOUP_STATUS_FORBIDDEN);
  call_discard (f, "GET", "/admin/cases", TOKEN, NULL, SOUP_STATUS_FORBIDDEN);
  call_discard (f, "GET", "/admin/cases", NULL, NULL, SOUP_STATUS_UNAUTHORIZED);

  /* /v1/info works without a token and announces the limits. */
  info = call (f, "GET", "/v1/info", NULL, NULL, SOUP_STATUS_OK);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (info), "maxDocumentBytes"),
                   ==, MAX_DOCUMENT_BYTES);
}

static JsonObject *
first_error (JsonNode *problem)
{
  JsonArray *errors = json_object_get_array_member (json_node_get_object (problem), "errors");

  g_assert_cmpuint (json_array_get_length (errors), >=, 1);
  return json_array_get_object_element (errors, 0);
}

static void
test_validation (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (100);
  g_autofree char *bad_vn = case_json (tc, "Rossi", "756123456789");
  g_autofree char *good = case_json (tc, "Rossi", "7561234567897");
  g_autoptr(SoupMessage) invalid = create_message (f, tc, bad_vn);
  g_autoptr(SoupMessage) rejected = create_message (f, tc, good);
  g_autoptr(SoupMessage) accepted = create_message (f, tc, good);
  g_autoptr(JsonNode) problem = NULL;
  g_autoptr(JsonNode) injected = NULL;
  g_autoptr(JsonNode) list = NULL;
  JsonObject *error;

  problem = send_expect (f, invalid, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  g_assert_cmpstr (problem_type_name (problem), ==, "invalid-case");
  error = first_error (problem);
  g_assert_cmpstr (json_object_get_string_member (error, "pointer"), ==, "/person/vn");

  call_discard (f, "POST", "/admin/reject-next", ADMIN_TOKEN,
                "{\"pointer\":\"/address/street\",\"detail\":\"Die Strasse ist unbekannt.\"}",
                SOUP_STATUS_NO_CONTENT);
  injected = send_expect (f, rejected, SOUP_STATUS_UNPROCESSABLE_ENTITY);
  error = first_error (injected);
  g_assert_cmpstr (json_object_get_string_member (error, "pointer"), ==, "/address/street");
  g_assert_cmpstr (json_object_get_string_member (error, "detail"), ==, "Die Strasse ist unbekannt.");

  /* A refused creation created nothing; the corrected retry with the same key works. */
  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 0);
  g_clear_pointer (&problem, json_node_unref);
  problem = send_expect (f, accepted, SOUP_STATUS_CREATED);
}

static void
test_restart (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (20000);
  g_autoptr(TestCase) second = test_case_new (10);
  g_autofree char *reference = create_case (f, tc);
  g_autofree char *second_reference = NULL;
  g_autofree char *case_path = g_strdup_printf ("/v1/cases/%s", tc->uuid);
  g_autofree char *json = case_json (tc, "Rossi", "7561234567897");
  g_autoptr(SoupMessage) replay = NULL;
  g_autoptr(JsonNode) state = NULL;
  g_autoptr(JsonNode) replayed = NULL;
  JsonArray *docs;

  put_document (f, tc, SOUP_STATUS_CREATED);
  stop_receiver (f);
  g_clear_object (&f->session);
  f->session = new_session ("ca.pem");
  start_receiver (f, data);

  state = call (f, "GET", case_path, TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (state, "reference"), ==, reference);
  docs = json_object_get_array_member (json_node_get_object (state), "documents");
  g_assert_true (json_object_get_boolean_member (json_array_get_object_element (docs, 0), "stored"));

  /* Idempotency and the reference counter survive the restart. */
  replay = create_message (f, tc, json);
  replayed = send_expect (f, replay, SOUP_STATUS_CREATED);
  g_assert_cmpstr (member_string (replayed, "reference"), ==, reference);
  second_reference = create_case (f, second);
  g_assert_cmpstr (second_reference, !=, reference);
  put_document (f, tc, SOUP_STATUS_OK);
}

static void
test_client_certificate (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *client_pem = cert_path ("client.pem");
  g_autofree char *client_key = cert_path ("client.key");
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsCertificate) certificate = g_tls_certificate_new_from_files (client_pem, client_key,
                                                                             &error);
  g_autoptr(SoupMessage) without = new_message (f, "GET", "/v1/info", NULL);
  g_autoptr(SoupMessage) with = new_message (f, "GET", "/v1/info", NULL);
  g_autoptr(GBytes) refused = NULL;
  g_autoptr(JsonNode) info = NULL;

  g_assert_no_error (error);
  refused = soup_session_send_and_read (f->session, without, NULL, &error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_test_message ("Without a client certificate: %s", error->message);
  g_clear_error (&error);

  /* A fresh session: the refused connection must not be reused. */
  g_clear_object (&f->session);
  f->session = new_session ("ca.pem");
  soup_message_set_tls_client_certificate (with, certificate);
  info = send_expect (f, with, SOUP_STATUS_OK);
  g_assert_cmpstr (member_string (info, "apiVersion"), ==, "1.0");
}

static void
test_wrong_ca (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  g_clear_object (&f->session);
  f->session = new_session ("other-ca.pem");
  msg = new_message (f, "GET", "/v1/info", NULL);
  reply = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);
  g_assert_cmpuint (soup_message_get_tls_peer_certificate_errors (msg) & G_TLS_CERTIFICATE_UNKNOWN_CA,
                    !=, 0);
}

/* With every request failing or dropped at random, retries converge on one case. */
static void
test_faults (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (200000);
  g_autofree char *json = case_json (tc, "Rossi", "7561234567897");
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", tc->uuid);
  g_autoptr(JsonNode) list = NULL;
  g_autofree char *tmp_dir = g_build_filename (f->data_dir, "tmp", NULL);
  g_autoptr(GDir) tmp = NULL;
  JsonObject *stored;
  JsonArray *docs;
  guint failures = 0;
  gboolean created = FALSE, uploaded = FALSE, submitted = FALSE;

  for (guint attempt = 0; attempt < 60 && !submitted; attempt++)
    {
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(GError) error = NULL;
      guint ok;

      if (!created)
        msg = create_message (f, tc, json);
      else if (!uploaded)
        msg = put_message (f, tc, tc->doc, tc->sha256);
      else
        msg = new_message (f, "POST", submit_path, TOKEN);
      ok = uploaded ? SOUP_STATUS_OK : SOUP_STATUS_CREATED;

      reply = soup_session_send_and_read (f->session, msg, NULL, &error);
      if (error != NULL || soup_message_get_status (msg) >= 500)
        {
          failures++;
          continue;
        }
      /* A PUT whose first answer was lost gets 200 on the retry. */
      g_assert_true (soup_message_get_status (msg) == ok
                     || (created && !uploaded && soup_message_get_status (msg) == SOUP_STATUS_OK));
      if (!created)
        created = TRUE;
      else if (!uploaded)
        uploaded = TRUE;
      else
        submitted = TRUE;
    }
  g_assert_true (submitted);
  g_assert_cmpuint (failures, >, 0);

  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);
  stored = admin_find_case (list, tc->uuid);
  g_assert_cmpint (admin_stat (f, "creations"), ==, 1);
  g_assert_cmpint (admin_stat (f, "failures") + admin_stat (f, "resets") + admin_stat (f, "stalls"), >, 0);
  g_assert_cmpstr (json_object_get_string_member (stored, "status"), ==, "submitted");
  docs = json_object_get_array_member (stored, "documents");
  g_assert_cmpuint (json_array_get_length (docs), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (docs, 0), "sha256"),
                   ==, tc->sha256);

  /* Broken uploads left no partial files behind. */
  tmp = g_dir_open (tmp_dir, 0, NULL);
  g_assert_nonnull (tmp);
  g_assert_null (g_dir_read_name (tmp));
}

/* A reset in the middle of an upload stores nothing. */
static void
test_reset_mid_body (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(TestCase) tc = test_case_new (300000);
  g_autoptr(SoupMessage) put = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autofree char *submit_path = g_strdup_printf ("/v1/cases/%s/submit", tc->uuid);
  g_autofree char *json = case_json (tc, "Rossi", "7561234567897");
  guint attempts = 0;
  JsonObject *stored;

  /* Every request is dropped: retry creation until the server has it (admin view). */
  do
    {
      g_autoptr(SoupMessage) create = create_message (f, tc, json);
      g_autoptr(GBytes) ignored = soup_session_send_and_read (f->session, create, NULL, NULL);
      g_clear_pointer (&list, json_node_unref);
      list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
    }
  while (json_array_get_length (json_node_get_array (list)) == 0 && ++attempts < 5);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (list)), ==, 1);

  put = put_message (f, tc, tc->doc, tc->sha256);
  reply = soup_session_send_and_read (f->session, put, NULL, &error);
  g_assert_null (reply);
  g_assert_nonnull (error);

  g_clear_pointer (&list, json_node_unref);
  list = call (f, "GET", "/admin/cases", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  stored = admin_find_case (list, tc->uuid);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (stored, "documents")), ==, 0);
  g_assert_cmpint (admin_stat (f, "creations"), ==, 1);
  /* libsoup may send the upload a second time on a new connection. */
  g_assert_cmpint (admin_stat (f, "uploadsInterrupted"), >=, 1);
  g_assert_cmpint (admin_stat (f, "resets"), >, admin_stat (f, "uploadsInterrupted"));
}

/* Injected failures can be one status with a fixed Retry-After; every
 * request is logged with its arrival time, and the counts survive a restart. */
static void
test_fail_status (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(SoupMessage) info = new_message (f, "GET", "/v1/info", TOKEN);
  g_autoptr(JsonNode) problem = send_expect (f, info, SOUP_STATUS_SERVICE_UNAVAILABLE);
  g_autoptr(JsonNode) requests = NULL;
  JsonObject *logged;

  g_assert_cmpstr (problem_type_name (problem), ==, "unavailable");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (info), "Retry-After"),
                   ==, "2");
  requests = call (f, "GET", "/admin/requests", ADMIN_TOKEN, NULL, SOUP_STATUS_OK);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (requests)), ==, 1);
  logged = json_array_get_object_element (json_node_get_array (requests), 0);
  g_assert_cmpstr (json_object_get_string_member (logged, "method"), ==, "GET");
  g_assert_cmpstr (json_object_get_string_member (logged, "path"), ==, "/v1/info");
  g_assert_cmpint (json_object_get_int_member (logged, "atUs"), >, 0);
  g_assert_cmpint (admin_stat (f, "failures"), ==, 1);

  stop_receiver (f);
  start_receiver (f, data);
  g_assert_cmpint (admin_stat (f, "failures"), ==, 1);
  g_assert_cmpint (admin_stat (f, "requests"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  static const char *client_ca_args[] = { "--client-ca", NULL, NULL };
  static const char * const fault_args[] = {
    "--fail-rate", "0.3", "--reset-rate", "0.2", "--stall-rate", "0.1",
    "--stall-seconds", "1", "--seed", "7", NULL
  };
  static const char * const reset_args[] = { "--reset-rate", "1", NULL };
  static const char * const fail_status_args[] = {
    "--fail-rate", "1", "--fail-status", "503", "--retry-after", "2", NULL
  };
  g_autofree char *client_ca = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) make_certs = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  certs_dir = g_dir_make_tmp ("receiver-certs-XXXXXX", &error);
  g_assert_no_error (error);
  make_certs = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error,
                                 g_getenv ("SCHALTER_MAKE_CERTS"), certs_dir, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (make_certs, NULL, &error);
  g_assert_no_error (error);
  client_ca = cert_path ("ca.pem");
  client_ca_args[1] = client_ca;

#define ADD(path, func, args) \
  g_test_add (path, Fixture, args, fixture_set_up, func, fixture_tear_down)
  ADD ("/receiver/create-idempotent", test_create_idempotent, NULL);
  ADD ("/receiver/documents-and-submit", test_documents_and_submit, NULL);
  ADD ("/receiver/status-and-changes", test_status_and_changes, NULL);
  ADD ("/receiver/supplement", test_supplement, NULL);
  ADD ("/receiver/office-scope", test_office_scope, NULL);
  ADD ("/receiver/auth", test_auth, NULL);
  ADD ("/receiver/validation", test_validation, NULL);
  ADD ("/receiver/restart", test_restart, NULL);
  ADD ("/receiver/client-certificate", test_client_certificate, client_ca_args);
  ADD ("/receiver/wrong-ca", test_wrong_ca, NULL);
  ADD ("/receiver/faults", test_faults, fault_args);
  ADD ("/receiver/reset-mid-body", test_reset_mid_body, reset_args);
  ADD ("/receiver/fail-status", test_fail_status, fail_status_args);
#undef ADD

  status = g_test_run ();
  remove_tree (certs_dir);
  g_free (certs_dir);
  return status;
}
