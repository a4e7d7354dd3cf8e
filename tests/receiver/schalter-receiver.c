/* schalter-receiver.c: reference migration-office server for docs/api.md
 *
 * It shares nothing with the application but the API document, so that tests
 * check the client against the contract and not against its own code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-receiver"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "rcv-store.h"
#include "rcv-validate.h"

#define API_VERSION "1.0"
#define MAX_CASE_BYTES (1024 * 1024)
#define MAX_DOCUMENTS 50
#define MAX_CHANGES 1000
#define SLOW_BODY_BYTES_PER_SECOND (256 * 1024)
#define MAX_LOGGED_REQUESTS 10000
#define PROBLEM_BASE "https://schalter.example/problems/"

/* What a workstation token stands for: the residents' office sees its own
 * cases only, whichever of its workstations sent them. */
typedef struct
{
  char *office;
  char *name;
} Workstation;

static void
workstation_free (Workstation *workstation)
{
  g_free (workstation->office);
  g_free (workstation->name);
  g_free (workstation);
}

typedef struct
{
  RcvStore   *store;
  GHashTable *tokens;       /* token → Workstation */
  char       *admin_token;
  const char *canton;
  char       *tmp_dir;
  RcvLimits   limits;
  double      fail_rate;
  double      reset_rate;
  double      stall_rate;
  int         stall_seconds;
  int         fail_status;    /* 500 or 503; 0: either */
  int         retry_after;    /* seconds; -1: half of the failures with 1 */
  gboolean    slow_body;
  GRand      *rand;
  JsonObject *reject_next;
  RcvStats    stats;
  GPtrArray  *request_log;    /* JsonObject: the latest /v1/ requests */
  gint64      started;        /* monotonic µs */
} Receiver;

typedef enum
{
  ROUTE_NONE,
  ROUTE_INFO,
  ROUTE_CREATE_CASE,
  ROUTE_GET_CASE,
  ROUTE_PUT_DOCUMENT,
  ROUTE_SUBMIT_CASE,
  ROUTE_CREATE_SUPPLEMENT,
  ROUTE_SUBMIT_SUPPLEMENT,
  ROUTE_CHANGES,
  ROUTE_ADMIN_STATUS,
  ROUTE_ADMIN_CASES,
  ROUTE_ADMIN_REJECT,
  ROUTE_ADMIN_STATS,
  ROUTE_ADMIN_REQUESTS,
} Route;

static const struct
{
  const char *method;
  const char *pattern;   /* "*" stands for a UUID */
  Route       route;
} routes[] = {
  { "GET", "/v1/info", ROUTE_INFO },
  { "POST", "/v1/cases", ROUTE_CREATE_CASE },
  { "GET", "/v1/cases/*", ROUTE_GET_CASE },
  { "PUT", "/v1/cases/*/documents/*", ROUTE_PUT_DOCUMENT },
  { "POST", "/v1/cases/*/submit", ROUTE_SUBMIT_CASE },
  { "POST", "/v1/cases/*/supplements", ROUTE_CREATE_SUPPLEMENT },
  { "POST", "/v1/cases/*/supplements/*/submit", ROUTE_SUBMIT_SUPPLEMENT },
  { "GET", "/v1/changes", ROUTE_CHANGES },
  { "POST", "/admin/cases/*/status", ROUTE_ADMIN_STATUS },
  { "GET", "/admin/cases", ROUTE_ADMIN_CASES },
  { "POST", "/admin/reject-next", ROUTE_ADMIN_REJECT },
  { "GET", "/admin/stats", ROUTE_ADMIN_STATS },
  { "GET", "/admin/requests", ROUTE_ADMIN_REQUESTS },
};

typedef enum
{
  FAULT_NONE,
  FAULT_FAIL_EARLY,
  FAULT_FAIL_LATE,
  FAULT_RESET,
  FAULT_STALL,
} Fault;

typedef struct
{
  Receiver    *receiver;
  Route        route;
  char        *case_uuid;
  char        *item_id;
  const Workstation *workstation;  /* NULL for the admin token */
  Fault        fault;
  guint        fault_status;
  gboolean     fault_retry_after;
  gboolean     disconnected;

  /* A document upload, streamed to a temporary file. */
  RcvDocument *doc;
  GChecksum   *checksum;
  int          fd;
  char        *tmp_path;
  gint64       received;
  gboolean     write_failed;
  gboolean     reset_mid_body;  /* the rest of the body may still be buffered: store nothing */
} Request;

static void
request_free (Request *req)
{
  if (req->fd >= 0)
    close (req->fd);
  /* Still set only when the upload was not stored: never leave partial files. */
  if (req->tmp_path != NULL)
    g_unlink (req->tmp_path);
  g_free (req->tmp_path);
  g_clear_pointer (&req->checksum, g_checksum_free);
  rcv_document_free (req->doc);
  g_free (req->case_uuid);
  g_free (req->item_id);
  g_free (req);
}

/* Answers */

static void
respond_json_text (SoupServerMessage *msg,
                   guint              status,
                   const char        *content_type,
                   const char        *text)
{
  /* set_response() appends: a late fault replaces the answer already made. */
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, content_type, SOUP_MEMORY_COPY, text, strlen (text));
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *content_type,
              JsonNode          *node)
{
  g_autofree char *text = json_to_string (node, FALSE);

  respond_json_text (msg, status, content_type, text);
}

static JsonObject *
problem_new (guint       status,
             const char *name,
             const char *title,
             const char *detail)
{
  JsonObject *problem = json_object_new ();
  g_autofree char *type = g_strconcat (PROBLEM_BASE, name, NULL);

  json_object_set_string_member (problem, "type", type);
  json_object_set_string_member (problem, "title", title);
  json_object_set_int_member (problem, "status", status);
  if (detail != NULL)
    json_object_set_string_member (problem, "detail", detail);
  return problem;
}

static void
respond_problem_object (SoupServerMessage *msg,
                        JsonObject        *problem)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  guint status = (guint) json_object_get_int_member (problem, "status");

  json_node_take_object (node, problem);
  respond_json (msg, status, "application/problem+json", node);
  if (status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                  "WWW-Authenticate", "Bearer realm=\"schalter\"");
}

static void
respond_problem (SoupServerMessage *msg,
                 guint              status,
                 const char        *name,
                 const char        *title,
                 const char        *detail)
{
  respond_problem_object (msg, problem_new (status, name, title, detail));
}

static void
respond_store_error (SoupServerMessage *msg,
                     GError            *error)
{
  g_warning ("%s", error->message);
  respond_problem (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                   "The server failed.", error->message);
}

static void
respond_missing (SoupServerMessage *msg,
                 JsonNode          *missing)
{
  JsonObject *problem;
  g_autofree char *detail = NULL;
  guint count = json_array_get_length (json_node_get_array (missing));

  detail = g_strdup_printf (count == 1 ? "%u announced document has not been uploaded."
                                       : "%u announced documents have not been uploaded.",
                            count);
  problem = problem_new (SOUP_STATUS_CONFLICT, "documents-missing",
                         "Documents are missing.", detail);
  json_object_set_member (problem, "missingDocuments", json_node_copy (missing));
  respond_problem_object (msg, problem);
}

static void
respond_unknown_case (SoupServerMessage *msg)
{
  respond_problem (msg, SOUP_STATUS_NOT_FOUND, "unknown-case",
                   "The case is not known.", "There is no case with this id.");
}

static void
respond_invalid (SoupServerMessage *msg,
                 const char        *name,
                 JsonArray         *errors)
{
  g_autofree char *detail = NULL;
  JsonObject *problem;
  guint count = json_array_get_length (errors);

  detail = g_strdup_printf (count == 1 ? "%u member is missing or invalid."
                                       : "%u members are missing or invalid.", count);
  problem = problem_new (SOUP_STATUS_UNPROCESSABLE_ENTITY, name,
                         g_str_equal (name, "invalid-case")
                         ? "The case data is invalid." : "The supplement is invalid.",
                         detail);
  json_object_set_array_member (problem, "errors", json_array_ref (errors));
  respond_problem_object (msg, problem);
}

/* Faults */

static void
respond_fault (SoupServerMessage *msg,
               Request           *req)
{
  Receiver *self = req->receiver;

  self->stats.counts[RCV_STAT_FAILURES]++;
  if (req->fault_status == SOUP_STATUS_SERVICE_UNAVAILABLE)
    respond_problem (msg, req->fault_status, "unavailable",
                     "The service is unavailable.", "Try again later.");
  else
    respond_problem (msg, req->fault_status, "server-error",
                     "The server failed.", "An injected failure.");
  if (req->fault_retry_after)
    {
      g_autofree char *seconds = g_strdup_printf ("%d", MAX (self->retry_after, 1));

      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Retry-After", seconds);
    }
}

static void
choose_fault (Receiver *self,
              Request  *req)
{
  double roll = g_rand_double (self->rand);

  if (roll < self->fail_rate)
    {
      req->fault = g_rand_boolean (self->rand) ? FAULT_FAIL_EARLY : FAULT_FAIL_LATE;
      if (self->fail_status != 0)
        req->fault_status = (guint) self->fail_status;
      else
        req->fault_status = g_rand_boolean (self->rand)
                            ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_INTERNAL_SERVER_ERROR;
      req->fault_retry_after = self->retry_after >= 0 ? self->retry_after > 0
                                                      : g_rand_boolean (self->rand);
    }
  else if (roll < self->fail_rate + self->reset_rate)
    req->fault = FAULT_RESET;
  else if (roll < self->fail_rate + self->reset_rate + self->stall_rate)
    req->fault = FAULT_STALL;
}

/* Drops the connection without an answer, as a broken network would. */
static void
reset_connection (SoupServerMessage *msg,
                  Request           *req)
{
  GSocket *socket = soup_server_message_get_socket (msg);

  if (socket == NULL)
    return;
  req->receiver->stats.counts[RCV_STAT_RESETS]++;
  g_socket_shutdown (socket, TRUE, TRUE, NULL);
}

/* Method, path and arrival time (µs since the receiver started), so that
 * tests can check when a client came back. */
static void
log_request (Receiver          *self,
             SoupServerMessage *msg,
             const char        *path)
{
  JsonObject *entry = json_object_new ();

  json_object_set_string_member (entry, "method", soup_server_message_get_method (msg));
  json_object_set_string_member (entry, "path", path);
  json_object_set_int_member (entry, "atUs", g_get_monotonic_time () - self->started);
  if (self->request_log->len == MAX_LOGGED_REQUESTS)
    g_ptr_array_remove_index (self->request_log, 0);
  g_ptr_array_add (self->request_log, entry);
}

/* Routing and authentication */

static Route
match_route (const char  *method,
             const char  *path,
             Request     *req,
             gboolean    *wrong_method)
{
  g_auto(GStrv) parts = g_strsplit (path, "/", -1);

  *wrong_method = FALSE;
  for (gsize r = 0; r < G_N_ELEMENTS (routes); r++)
    {
      g_auto(GStrv) pattern = g_strsplit (routes[r].pattern, "/", -1);
      const char *ids[2] = { NULL, NULL };
      guint n_ids = 0;
      gboolean match;

      match = g_strv_length (pattern) == g_strv_length (parts);
      for (guint i = 0; match && pattern[i] != NULL; i++)
        {
          if (g_str_equal (pattern[i], "*"))
            {
              match = g_uuid_string_is_valid (parts[i]);
              ids[n_ids++] = parts[i];
            }
          else
            match = g_str_equal (pattern[i], parts[i]);
        }
      if (!match)
        continue;
      if (!g_str_equal (method, routes[r].method))
        {
          *wrong_method = TRUE;
          continue;
        }
      req->case_uuid = g_ascii_strdown (ids[0] != NULL ? ids[0] : "", -1);
      req->item_id = g_ascii_strdown (ids[1] != NULL ? ids[1] : "", -1);
      return routes[r].route;
    }
  return ROUTE_NONE;
}

static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  return value + 7;
}

/* Sets an error answer and returns FALSE when the request may not go on. */
static gboolean
authenticate (Receiver          *self,
              SoupServerMessage *msg,
              Request           *req)
{
  const char *token = bearer_token (msg);
  gboolean admin_route = req->route >= ROUTE_ADMIN_STATUS;
  gboolean is_admin = token != NULL && self->admin_token != NULL
                      && g_str_equal (token, self->admin_token);

  req->workstation = token != NULL ? g_hash_table_lookup (self->tokens, token) : NULL;

  if (admin_route ? is_admin : req->workstation != NULL)
    return TRUE;
  if (token == NULL && req->route == ROUTE_INFO)
    return TRUE;
  if (admin_route ? req->workstation != NULL : is_admin)
    respond_problem (msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                     "This token may not do this.",
                     admin_route ? "Workstation tokens cannot use the admin interface."
                                 : "The admin token cannot use the workstation interface.");
  else
    respond_problem (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                     "The token is missing or not valid.",
                     "Send Authorization: Bearer with a valid workstation token.");
  return FALSE;
}

/* A case of another office is answered as if there were no such case
 * (docs/api.md, section 1), before any of the request's body is read. */
static gboolean
check_office (Receiver          *self,
              SoupServerMessage *msg,
              Request           *req)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *office = NULL;

  if (req->workstation == NULL || *req->case_uuid == '\0')
    return TRUE;
  switch (rcv_store_get_case_office (self->store, req->case_uuid, &office, &error))
    {
    case RCV_OK:
      if (g_str_equal (office, req->workstation->office))
        return TRUE;
      respond_unknown_case (msg);
      return FALSE;
    case RCV_UNKNOWN_CASE:
      /* The call itself answers that. */
      return TRUE;
    default:
      respond_store_error (msg, error);
      return FALSE;
    }
}

/* Uploads */

static gboolean
write_all (int           fd,
           const guint8 *data,
           gsize         size)
{
  while (size > 0)
    {
      ssize_t written = write (fd, data, size);

      if (written < 0 && errno == EINTR)
        continue;
      if (written <= 0)
        return FALSE;
      data += written;
      size -= (gsize) written;
    }
  return TRUE;
}

static gboolean
unpause_cb (gpointer data)
{
  SoupServerMessage *msg = data;
  Request *req = g_object_get_data (G_OBJECT (msg), "rcv-request");

  if (!req->disconnected)
    soup_server_message_unpause (msg);
  g_object_unref (msg);
  return G_SOURCE_REMOVE;
}

static void
got_chunk_cb (SoupServerMessage *msg,
              GBytes            *chunk,
              Request           *req)
{
  gsize size = g_bytes_get_size (chunk);

  req->received += size;
  if (req->received <= req->doc->size)
    {
      g_checksum_update (req->checksum, g_bytes_get_data (chunk, NULL), size);
      if (!req->write_failed && !write_all (req->fd, g_bytes_get_data (chunk, NULL), size))
        req->write_failed = TRUE;
    }

  if (req->fault == FAULT_RESET && req->received * 2 >= req->doc->size)
    {
      req->fault = FAULT_NONE;
      req->reset_mid_body = TRUE;
      if (req->received < req->doc->size)
        req->receiver->stats.counts[RCV_STAT_UPLOADS_INTERRUPTED]++;
      reset_connection (msg, req);
      return;
    }
  if (req->receiver->slow_body)
    {
      guint delay_ms = (guint) (size * 1000 / SLOW_BODY_BYTES_PER_SECOND) + 1;

      soup_server_message_pause (msg);
      g_timeout_add (delay_ms, unpause_cb, g_object_ref (msg));
    }
}

/* Decodes "sha-256=:BASE64:" from a Content-Digest header into hex. */
static char *
content_digest_hex (const char *header)
{
  const char *start = header != NULL ? strstr (header, "sha-256=:") : NULL;
  g_autofree char *base64 = NULL;
  g_autofree guint8 *raw = NULL;
  const char *end;
  GString *hex;
  gsize length = 0;

  if (start == NULL)
    return NULL;
  start += strlen ("sha-256=:");
  end = strchr (start, ':');
  if (end == NULL)
    return NULL;
  base64 = g_strndup (start, end - start);
  raw = g_base64_decode (base64, &length);
  if (length != 32)
    return NULL;
  hex = g_string_new (NULL);
  for (gsize i = 0; i < length; i++)
    g_string_append_printf (hex, "%02x", raw[i]);
  return g_string_free (hex, FALSE);
}

static gboolean
check_upload_headers (Receiver          *self,
                      SoupServerMessage *msg,
                      Request           *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autofree char *digest = content_digest_hex (soup_message_headers_get_one (headers,
                                                                              "Content-Digest"));
  gint64 length;

  if (soup_message_headers_get_encoding (headers) != SOUP_ENCODING_CONTENT_LENGTH)
    {
      respond_problem (msg, SOUP_STATUS_LENGTH_REQUIRED, "length-required",
                       "Content-Length is required.",
                       "Documents are sent with a Content-Length, not chunked.");
      return FALSE;
    }
  length = soup_message_headers_get_content_length (headers);
  if (length > self->limits.max_document_bytes)
    {
      g_autofree char *detail = g_strdup_printf ("The document has %" G_GINT64_FORMAT
                                                 " bytes; at most %" G_GINT64_FORMAT " are accepted.",
                                                 length, self->limits.max_document_bytes);
      JsonObject *problem = problem_new (SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                                         "document-too-large", "The document is too large.",
                                         detail);
      json_object_set_int_member (problem, "maxDocumentBytes", self->limits.max_document_bytes);
      respond_problem_object (msg, problem);
      return FALSE;
    }
  if (length != req->doc->size)
    {
      g_debug ("Upload refused: Content-Length %" G_GINT64_FORMAT ", manifest size %" G_GINT64_FORMAT,
               length, req->doc->size);
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "size-mismatch",
                       "The document has another size.",
                       "Content-Length differs from the size in the manifest.");
      return FALSE;
    }
  if (g_strcmp0 (content_type, req->doc->media_type) != 0)
    {
      respond_problem (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                       "The document has another media type.",
                       "Content-Type differs from the media type in the manifest.");
      return FALSE;
    }
  if (digest == NULL || !g_str_equal (digest, req->doc->sha256))
    {
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "digest-mismatch",
                       "The document digest does not match.",
                       digest == NULL ? "Content-Digest with sha-256 is required."
                                      : "Content-Digest differs from the digest in the manifest.");
      return FALSE;
    }
  return TRUE;
}

static void
start_upload (Receiver          *self,
              SoupServerMessage *msg,
              Request           *req)
{
  g_autoptr(GError) error = NULL;
  RcvResult result;

  result = rcv_store_lookup_document (self->store, req->case_uuid, req->item_id, &req->doc, &error);
  if (result == RCV_ERROR)
    return respond_store_error (msg, error);
  if (result == RCV_UNKNOWN_CASE)
    return respond_unknown_case (msg);
  if (result == RCV_UNKNOWN_DOCUMENT)
    return respond_problem (msg, SOUP_STATUS_NOT_FOUND, "unknown-document",
                            "The document is not known.",
                            "The document is not in the case's manifest or a supplement.");
  if (!check_upload_headers (self, msg, req))
    return;

  req->tmp_path = g_build_filename (self->tmp_dir, "upload-XXXXXX", NULL);
  req->fd = g_mkstemp (req->tmp_path);
  if (req->fd < 0)
    {
      g_clear_pointer (&req->tmp_path, g_free);
      return respond_problem (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                              "The server failed.", "No temporary file for the upload.");
    }
  req->checksum = g_checksum_new (G_CHECKSUM_SHA256);
  /* Streamed to disk: the body is never held whole in memory. */
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (got_chunk_cb), req);
}

static void
disconnected_cb (SoupServerMessage *msg,
                 Request           *req)
{
  req->disconnected = TRUE;
}

static void
early_handler (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  Receiver *self = user_data;
  Request *req = g_new0 (Request, 1);
  gboolean wrong_method;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  req->receiver = self;
  req->fd = -1;
  g_object_set_data_full (G_OBJECT (msg), "rcv-request", req, (GDestroyNotify) request_free);
  g_signal_connect (msg, "disconnected", G_CALLBACK (disconnected_cb), req);

  req->route = match_route (soup_server_message_get_method (msg), path, req, &wrong_method);
  if (req->route == ROUTE_NONE)
    {
      if (wrong_method)
        respond_problem (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "bad-request",
                         "The method is not allowed.", "This path does not take this method.");
      else
        respond_problem (msg, SOUP_STATUS_NOT_FOUND, "not-found",
                         "There is nothing here.", "The path is not part of the API.");
      return;
    }

  if (!authenticate (self, msg, req) || !check_office (self, msg, req))
    return;

  if (req->route < ROUTE_ADMIN_STATUS)
    {
      self->stats.counts[RCV_STAT_REQUESTS]++;
      log_request (self, msg, path);
      choose_fault (self, req);
    }
  if (req->fault == FAULT_FAIL_EARLY)
    return respond_fault (msg, req);

  if (req->route == ROUTE_PUT_DOCUMENT)
    return start_upload (self, msg, req);

  if (soup_message_headers_get_content_length (headers) > MAX_CASE_BYTES)
    respond_problem (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "case-too-large",
                     "The request is too large.", "The body is larger than maxCaseBytes.");
}

/* Calls */

static void
handle_info (Receiver          *self,
             SoupServerMessage *msg,
             Request           *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "apiVersion");
  json_builder_add_string_value (builder, API_VERSION);
  json_builder_set_member_name (builder, "office");
  json_builder_add_string_value (builder, "Reference receiver");
  if (req->workstation != NULL)
    {
      json_builder_set_member_name (builder, "workstation");
      json_builder_add_string_value (builder, req->workstation->name);
    }
  json_builder_set_member_name (builder, "maxDocumentBytes");
  json_builder_add_int_value (builder, self->limits.max_document_bytes);
  json_builder_set_member_name (builder, "maxDocumentsPerCase");
  json_builder_add_int_value (builder, self->limits.max_documents);
  json_builder_set_member_name (builder, "maxCaseBytes");
  json_builder_add_int_value (builder, MAX_CASE_BYTES);
  json_builder_set_member_name (builder, "mediaTypes");
  json_builder_begin_array (builder);
  for (guint i = 0; rcv_media_types[i] != NULL; i++)
    json_builder_add_string_value (builder, rcv_media_types[i]);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  respond_json (msg, SOUP_STATUS_OK, "application/json", root);
}

/* Parses a JSON object body; answers 400/415 itself when it cannot. */
static JsonObject *
parse_body (SoupServerMessage  *msg,
            GBytes            **body_out)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *content_type = soup_message_headers_get_content_type (headers, NULL);
  g_autoptr(GBytes) body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *root;

  if (g_strcmp0 (content_type, "application/json") != 0)
    {
      respond_problem (msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, "unsupported-media-type",
                       "The body must be JSON.", "Send Content-Type: application/json.");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, g_bytes_get_data (body, NULL),
                                   (gssize) g_bytes_get_size (body), &error))
    {
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                       "The body is not valid JSON.", error->message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                       "The body must be a JSON object.", NULL);
      return NULL;
    }
  if (body_out != NULL)
    *body_out = g_steal_pointer (&body);
  return json_object_ref (json_node_get_object (root));
}

/* Returns the Idempotency-Key (lower case) or answers 400. */
static char *
idempotency_key (SoupServerMessage *msg,
                 JsonObject        *root,
                 const char        *member_name)
{
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                  "Idempotency-Key");
  const char *id = json_object_get_string_member_with_default (root, member_name, NULL);

  if (key == NULL || !g_uuid_string_is_valid (key))
    {
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                       "The Idempotency-Key is missing or not a UUID.", NULL);
      return NULL;
    }
  if (id != NULL && g_ascii_strcasecmp (id, key) != 0)
    {
      g_autofree char *detail = g_strdup_printf ("The Idempotency-Key must equal the member “%s”.",
                                                 member_name);
      respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                       "The Idempotency-Key does not match the body.", detail);
      return NULL;
    }
  return g_ascii_strdown (key, -1);
}

static void
respond_created (Receiver          *self,
                 SoupServerMessage *msg,
                 RcvResult          result,
                 const char        *answer,
                 const char        *location)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  respond_json_text (msg, SOUP_STATUS_CREATED, "application/json", answer);
  soup_message_headers_replace (headers, "Location", location);
  if (result == RCV_REPLAYED)
    {
      self->stats.counts[RCV_STAT_REPLAYS]++;
      soup_message_headers_replace (headers, "Idempotent-Replayed", "true");
    }
}

static void
respond_conflict (SoupServerMessage *msg)
{
  respond_problem (msg, SOUP_STATUS_CONFLICT, "idempotency-conflict",
                   "This id was already used with other data.",
                   "The Idempotency-Key was used before with a different body; nothing was changed.");
}

/* An armed reject-next turns the next creation of a new case into a 422. */
static gboolean
take_reject_next (Receiver   *self,
                  const char *uuid)
{
  g_autofree char *office = NULL;
  g_autoptr(GError) error = NULL;

  if (self->reject_next == NULL)
    return FALSE;
  return rcv_store_get_case_office (self->store, uuid, &office, &error) == RCV_UNKNOWN_CASE;
}

static void
handle_create_case (Receiver          *self,
                    SoupServerMessage *msg,
                    Request           *req)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) root = parse_body (msg, &body);
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *location = NULL;
  RcvResult result;

  if (root == NULL || (key = idempotency_key (msg, root, "uuid")) == NULL)
    return;

  if (take_reject_next (self, key))
    {
      g_autoptr(JsonObject) rejection = g_steal_pointer (&self->reject_next);
      rcv_add_error (errors, json_object_get_string_member (rejection, "pointer"),
                     json_object_get_string_member (rejection, "detail"));
      return respond_invalid (msg, "invalid-case", errors);
    }
  rcv_validate_case (root, &self->limits, errors);
  if (json_array_get_length (errors) > 0)
    return respond_invalid (msg, "invalid-case", errors);

  result = rcv_store_create_case (self->store, key, req->workstation->office,
                                  req->workstation->name, self->canton, body,
                                  json_object_get_array_member (root, "documents"),
                                  &answer, &error);
  location = g_strconcat ("/v1/cases/", key, NULL);
  if (result == RCV_ERROR)
    respond_store_error (msg, error);
  else if (result == RCV_CONFLICT)
    respond_conflict (msg);
  else
    respond_created (self, msg, result, answer, location);
  if (result == RCV_CREATED)
    self->stats.counts[RCV_STAT_CREATIONS]++;
}

static void
handle_put_document (Receiver          *self,
                     SoupServerMessage *msg,
                     Request           *req)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *at = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *target = NULL;
  gboolean already = req->doc->received_at != NULL;
  int dir_fd;

  if (req->reset_mid_body)
    return;
  if (req->received != req->doc->size)
    return respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "size-mismatch",
                            "The document has another size.",
                            "The number of bytes received differs from the manifest.");
  if (!g_str_equal (g_checksum_get_string (req->checksum), req->doc->sha256))
    return respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "digest-mismatch",
                            "The document digest does not match.",
                            "The bytes received do not have the digest in Content-Digest.");
  if (req->write_failed || fsync (req->fd) != 0)
    return respond_problem (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                            "The server failed.", "The document could not be written.");
  close (req->fd);
  req->fd = -1;

  if (!already)
    {
      dir = g_build_filename (rcv_store_get_documents_dir (self->store), req->case_uuid, NULL);
      target = g_build_filename (dir, req->item_id, NULL);
      at = rcv_now_string ();
      if (g_mkdir_with_parents (dir, 0700) != 0 || g_rename (req->tmp_path, target) != 0)
        return respond_problem (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "server-error",
                                "The server failed.", "The document could not be stored.");
      g_clear_pointer (&req->tmp_path, g_free);
      /* The rename must be durable before the database says the document is there. */
      dir_fd = open (dir, O_RDONLY | O_DIRECTORY);
      if (dir_fd >= 0)
        {
          fsync (dir_fd);
          close (dir_fd);
        }
      if (!rcv_store_mark_stored (self->store, req->case_uuid, req->item_id, at, &error))
        return respond_store_error (msg, error);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, req->item_id);
  json_builder_set_member_name (builder, "sha256");
  json_builder_add_string_value (builder, req->doc->sha256);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, req->doc->size);
  json_builder_set_member_name (builder, "receivedAt");
  json_builder_add_string_value (builder, already ? req->doc->received_at : at);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  respond_json (msg, already ? SOUP_STATUS_OK : SOUP_STATUS_CREATED, "application/json", root);
}

static void
handle_submit_case (Receiver          *self,
                    SoupServerMessage *msg,
                    Request           *req)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  switch (rcv_store_submit_case (self->store, req->case_uuid, &answer, &error))
    {
    case RCV_OK:
      return respond_json (msg, SOUP_STATUS_OK, "application/json", answer);
    case RCV_MISSING:
      return respond_missing (msg, answer);
    case RCV_UNKNOWN_CASE:
      return respond_unknown_case (msg);
    default:
      return respond_store_error (msg, error);
    }
}

static void
handle_get_case (Receiver          *self,
                 SoupServerMessage *msg,
                 Request           *req)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  switch (rcv_store_get_case (self->store, req->case_uuid, &answer, &error))
    {
    case RCV_OK:
      return respond_json (msg, SOUP_STATUS_OK, "application/json", answer);
    case RCV_UNKNOWN_CASE:
      return respond_unknown_case (msg);
    default:
      return respond_store_error (msg, error);
    }
}

static void
handle_changes (Receiver          *self,
                SoupServerMessage *msg,
                Request           *req,
                GHashTable        *query)
{
  const char *since = query != NULL ? g_hash_table_lookup (query, "since") : NULL;
  const char *limit_text = query != NULL ? g_hash_table_lookup (query, "limit") : NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint64 limit = 100;

  if (limit_text != NULL
      && !g_ascii_string_to_unsigned (limit_text, 10, 0, MAX_CHANGES, &limit, NULL))
    return respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                            "The limit is not valid.", "The limit must be a number from 0 to 1000.");

  switch (rcv_store_get_changes (self->store, req->workstation->office, since, (guint) limit,
                                 &answer, &error))
    {
    case RCV_OK:
      return respond_json (msg, SOUP_STATUS_OK, "application/json", answer);
    case RCV_INVALID_CURSOR:
      return respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "invalid-cursor",
                              "The cursor is not known.", "Start again without since.");
    default:
      return respond_store_error (msg, error);
    }
}

static void
handle_create_supplement (Receiver          *self,
                          SoupServerMessage *msg,
                          Request           *req)
{
  g_autoptr(GBytes) body = NULL;
  g_autoptr(JsonObject) root = parse_body (msg, &body);
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autofree char *answer = NULL;
  g_autofree char *location = NULL;
  RcvResult result;

  if (root == NULL || (key = idempotency_key (msg, root, "id")) == NULL)
    return;
  rcv_validate_supplement (root, &self->limits, errors);
  if (json_array_get_length (errors) > 0)
    return respond_invalid (msg, "invalid-supplement", errors);

  result = rcv_store_create_supplement (self->store, req->case_uuid, key, body,
                                        json_object_get_array_member (root, "documents"),
                                        self->limits.max_documents, &answer, &error);
  location = g_strconcat ("/v1/cases/", req->case_uuid, "/supplements/", key, NULL);
  switch (result)
    {
    case RCV_CREATED:
    case RCV_REPLAYED:
      return respond_created (self, msg, result, answer, location);
    case RCV_CONFLICT:
      return respond_conflict (msg);
    case RCV_UNKNOWN_CASE:
      return respond_unknown_case (msg);
    case RCV_NOT_SUBMITTED:
      return respond_problem (msg, SOUP_STATUS_CONFLICT, "case-not-submitted",
                              "The case was not handed in yet.",
                              "Announce the documents in the case's own manifest.");
    case RCV_CLOSED:
      return respond_problem (msg, SOUP_STATUS_CONFLICT, "case-closed",
                              "The case is closed.", "Closed cases take no more documents.");
    case RCV_DUPLICATE_DOCUMENT:
      return respond_problem (msg, SOUP_STATUS_CONFLICT, "duplicate-document",
                              "A document id is already used.",
                              "A document of this supplement has the id of an earlier document of the case.");
    case RCV_TOO_MANY_DOCUMENTS:
      rcv_add_error (errors, "/documents", "The case would have more documents than allowed.");
      return respond_invalid (msg, "invalid-supplement", errors);
    default:
      return respond_store_error (msg, error);
    }
}

static void
handle_submit_supplement (Receiver          *self,
                          SoupServerMessage *msg,
                          Request           *req)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  switch (rcv_store_submit_supplement (self->store, req->case_uuid, req->item_id, &answer, &error))
    {
    case RCV_OK:
      return respond_json (msg, SOUP_STATUS_OK, "application/json", answer);
    case RCV_MISSING:
      return respond_missing (msg, answer);
    case RCV_UNKNOWN_CASE:
      return respond_unknown_case (msg);
    case RCV_UNKNOWN_SUPPLEMENT:
      return respond_problem (msg, SOUP_STATUS_NOT_FOUND, "unknown-supplement",
                              "The supplement is not known.", "There is no supplement with this id.");
    default:
      return respond_store_error (msg, error);
    }
}

/* Copies the admin's requested documents, keeping only slot and note. */
static JsonArray *
requested_documents (JsonObject *root,
                     JsonArray  *errors)
{
  JsonArray *requested = json_array_new ();
  JsonNode *node = json_object_get_member (root, "requestedDocuments");
  JsonArray *given;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return requested;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      rcv_add_error (errors, "/requestedDocuments", "This member must be an array.");
      return requested;
    }
  given = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (given); i++)
    {
      JsonNode *item = json_array_get_element (given, i);
      JsonObject *copy;
      const char *slot;

      slot = JSON_NODE_HOLDS_OBJECT (item)
             ? json_object_get_string_member_with_default (json_node_get_object (item), "slot", NULL)
             : NULL;
      if (slot == NULL)
        {
          g_autofree char *pointer = g_strdup_printf ("/requestedDocuments/%u/slot", i);
          rcv_add_error (errors, pointer, "Each requested document needs a slot.");
          continue;
        }
      copy = json_object_new ();
      json_object_set_string_member (copy, "slot", slot);
      json_object_set_string_member (copy, "note",
                                     json_object_get_string_member_with_default (json_node_get_object (item),
                                                                                 "note", NULL));
      json_array_add_object_element (requested, copy);
    }
  return requested;
}

static void
handle_admin_status (Receiver          *self,
                     SoupServerMessage *msg,
                     Request           *req)
{
  static const char * const statuses[] = {
    "received", "in-review", "documents-requested", "decided", "closed", NULL
  };
  g_autoptr(JsonObject) root = parse_body (msg, NULL);
  g_autoptr(JsonArray) errors = json_array_new ();
  g_autoptr(JsonArray) requested = NULL;
  g_autoptr(GError) error = NULL;
  const char *status;

  if (root == NULL)
    return;
  status = json_object_get_string_member_with_default (root, "status", NULL);
  if (status == NULL || !g_strv_contains (statuses, status))
    rcv_add_error (errors, "/status", "The status must be one an office may set.");
  requested = requested_documents (root, errors);
  if (json_array_get_length (errors) > 0)
    return respond_invalid (msg, "invalid-case", errors);

  switch (rcv_store_set_status (self->store, req->case_uuid, status,
                                json_object_get_string_member_with_default (root, "note", NULL),
                                requested, &error))
    {
    case RCV_OK:
      return handle_get_case (self, msg, req);
    case RCV_UNKNOWN_CASE:
      return respond_unknown_case (msg);
    default:
      return respond_store_error (msg, error);
    }
}

static void
handle_admin_cases (Receiver          *self,
                    SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) list = rcv_store_list_cases (self->store, &error);

  if (list == NULL)
    return respond_store_error (msg, error);
  respond_json (msg, SOUP_STATUS_OK, "application/json", list);
}

static void
handle_admin_reject (Receiver          *self,
                     SoupServerMessage *msg)
{
  g_autoptr(JsonObject) root = parse_body (msg, NULL);

  if (root == NULL)
    return;
  if (json_object_get_string_member_with_default (root, "pointer", NULL) == NULL
      || json_object_get_string_member_with_default (root, "detail", NULL) == NULL)
    return respond_problem (msg, SOUP_STATUS_BAD_REQUEST, "bad-request",
                            "pointer and detail are required.", NULL);
  g_clear_pointer (&self->reject_next, json_object_unref);
  self->reject_next = g_steal_pointer (&root);
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
}

static void
handle_admin_stats (Receiver          *self,
                    SoupServerMessage *msg)
{
  g_autoptr(JsonNode) stats = rcv_stats_to_json (&self->stats);

  respond_json (msg, SOUP_STATUS_OK, "application/json", stats);
}

static void
handle_admin_requests (Receiver          *self,
                       SoupServerMessage *msg)
{
  g_autoptr(JsonArray) array = json_array_sized_new (self->request_log->len);
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < self->request_log->len; i++)
    json_array_add_object_element (array, json_object_ref (self->request_log->pdata[i]));
  json_node_set_array (node, array);
  respond_json (msg, SOUP_STATUS_OK, "application/json", node);
}

static void
handle_request (SoupServerMessage *msg,
                Request           *req,
                GHashTable        *query)
{
  Receiver *self = req->receiver;

  switch (req->route)
    {
    case ROUTE_INFO:
      handle_info (self, msg, req);
      break;
    case ROUTE_CREATE_CASE:
      handle_create_case (self, msg, req);
      break;
    case ROUTE_GET_CASE:
      handle_get_case (self, msg, req);
      break;
    case ROUTE_PUT_DOCUMENT:
      handle_put_document (self, msg, req);
      break;
    case ROUTE_SUBMIT_CASE:
      handle_submit_case (self, msg, req);
      break;
    case ROUTE_CREATE_SUPPLEMENT:
      handle_create_supplement (self, msg, req);
      break;
    case ROUTE_SUBMIT_SUPPLEMENT:
      handle_submit_supplement (self, msg, req);
      break;
    case ROUTE_CHANGES:
      handle_changes (self, msg, req, query);
      break;
    case ROUTE_ADMIN_STATUS:
      handle_admin_status (self, msg, req);
      break;
    case ROUTE_ADMIN_CASES:
      handle_admin_cases (self, msg);
      break;
    case ROUTE_ADMIN_REJECT:
      handle_admin_reject (self, msg);
      break;
    case ROUTE_ADMIN_STATS:
      handle_admin_stats (self, msg);
      break;
    case ROUTE_ADMIN_REQUESTS:
      handle_admin_requests (self, msg);
      break;
    case ROUTE_NONE:
    default:
      g_assert_not_reached ();
    }

  /* Late faults: the work is done and committed, but the client never learns it. */
  if (req->fault == FAULT_FAIL_LATE)
    respond_fault (msg, req);
  else if (req->fault == FAULT_RESET)
    reset_connection (msg, req);
}

typedef struct
{
  SoupServerMessage *msg;
  GHashTable        *query;
} Stall;

static gboolean
stall_done_cb (gpointer data)
{
  Stall *stall = data;
  Request *req = g_object_get_data (G_OBJECT (stall->msg), "rcv-request");

  handle_request (stall->msg, req, stall->query);
  if (!req->disconnected)
    soup_server_message_unpause (stall->msg);
  g_object_unref (stall->msg);
  g_clear_pointer (&stall->query, g_hash_table_unref);
  g_free (stall);
  return G_SOURCE_REMOVE;
}

static void
server_handler (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  Request *req = g_object_get_data (G_OBJECT (msg), "rcv-request");

  if (req->fault == FAULT_STALL)
    {
      Stall *stall = g_new0 (Stall, 1);

      req->receiver->stats.counts[RCV_STAT_STALLS]++;
      stall->msg = g_object_ref (msg);
      stall->query = query != NULL ? g_hash_table_ref (query) : NULL;
      soup_server_message_pause (msg);
      g_timeout_add_seconds (req->receiver->stall_seconds, stall_done_cb, stall);
      return;
    }
  handle_request (msg, req, query);
}

static gboolean
accept_certificate_cb (SoupServerMessage    *msg,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  return errors == 0;
}

static void
request_started_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_certificate_cb), NULL);
}

/* Setup */

static gboolean
parse_tokens (Receiver  *self,
              char     **tokens,
              GError   **error)
{
  for (guint i = 0; tokens != NULL && tokens[i] != NULL; i++)
    {
      const char *colon = strchr (tokens[i], ':');
      const char *slash = colon != NULL ? memchr (tokens[i], '/', colon - tokens[i]) : NULL;
      Workstation *workstation;

      if (slash == NULL || slash == tokens[i] || slash + 1 == colon || colon[1] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       "--token must be OFFICE/WORKSTATION:TOKEN, not “%s”.", tokens[i]);
          return FALSE;
        }
      workstation = g_new0 (Workstation, 1);
      workstation->office = g_strndup (tokens[i], slash - tokens[i]);
      workstation->name = g_strndup (slash + 1, colon - slash - 1);
      g_hash_table_insert (self->tokens, g_strdup (colon + 1), workstation);
    }
  return TRUE;
}

/* Partial uploads of a previous run are never completed: drop them. */
static gboolean
prepare_tmp_dir (const char  *dir,
                 GError     **error)
{
  g_autoptr(GDir) listing = NULL;
  const char *name;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                   "Could not create the folder %s: %s", dir, g_strerror (saved_errno));
      return FALSE;
    }
  listing = g_dir_open (dir, 0, error);
  if (listing == NULL)
    return FALSE;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  return TRUE;
}

static SoupServer *
create_server (Receiver    *self,
               const char  *cert_file,
               const char  *key_file,
               const char  *client_ca,
               GError     **error)
{
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(SoupServer) server = NULL;

  certificate = g_tls_certificate_new_from_files (cert_file, key_file, error);
  if (certificate == NULL)
    return NULL;
  server = soup_server_new ("tls-certificate", certificate,
                            "server-header", "schalter-receiver", NULL);
  if (client_ca != NULL)
    {
      g_autoptr(GTlsDatabase) database = g_tls_file_database_new (client_ca, error);

      if (database == NULL)
        return NULL;
      soup_server_set_tls_database (server, database);
      soup_server_set_tls_auth_mode (server, G_TLS_AUTHENTICATION_REQUIRED);
    }
  g_signal_connect (server, "request-started", G_CALLBACK (request_started_cb), self);
  soup_server_add_early_handler (server, NULL, early_handler, self, NULL);
  soup_server_add_handler (server, NULL, server_handler, self, NULL);
  return g_steal_pointer (&server);
}

/* libsoup 3.2's server never drops its reference to an accepted socket
 * (and so to the connection's TLS state, e.g. a client's certificate) nor
 * the listener's address; later libsoup fixed both. Read by
 * AddressSanitizer builds only, and only for this test server: full stacks
 * and suppressions naming those places, so that the server's own leaks are
 * still found. */
const char *__asan_default_options (void);
const char *__lsan_default_suppressions (void);

const char *
__asan_default_options (void)
{
  return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_suppressions (void)
{
  return "leak:g_socket_accept\n"
         "leak:soup_server_listen_local\n"
         "leak:libgiognutls.so\n";
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_CONTINUE;
}

static void
receiver_clear (Receiver *self)
{
  g_clear_pointer (&self->store, rcv_store_free);
  g_clear_pointer (&self->tokens, g_hash_table_unref);
  g_clear_pointer (&self->tmp_dir, g_free);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->reject_next, json_object_unref);
  g_clear_pointer (&self->request_log, g_ptr_array_unref);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *cert_file = NULL;
  g_autofree char *key_file = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *admin_token = NULL;
  g_autofree char *client_ca = NULL;
  g_autofree char *canton = NULL;
  g_auto(GStrv) tokens = NULL;
  gint64 max_document_bytes = 25 * 1024 * 1024;
  gint64 seed = -1;
  int port = 0;
  Receiver self = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  gint64 end;
  const GOptionEntry entries[] = {
    { "cert", 0, 0, G_OPTION_ARG_FILENAME, &cert_file, "Server certificate (PEM)", "FILE" },
    { "key", 0, 0, G_OPTION_ARG_FILENAME, &key_file, "Server private key (PEM)", "FILE" },
    { "port", 0, 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0 picks one)", "N" },
    { "data", 0, 0, G_OPTION_ARG_FILENAME, &data_dir, "Folder for the database and documents", "DIR" },
    { "token", 0, 0, G_OPTION_ARG_STRING_ARRAY, &tokens, "A workstation token of a residents' office (repeatable)", "OFFICE/WORKSTATION:TOKEN" },
    { "admin-token", 0, 0, G_OPTION_ARG_STRING, &admin_token, "Token for /admin/", "TOKEN" },
    { "client-ca", 0, 0, G_OPTION_ARG_FILENAME, &client_ca, "Require client certificates signed by this CA", "FILE" },
    { "max-document-bytes", 0, 0, G_OPTION_ARG_INT64, &max_document_bytes, "Largest document accepted", "N" },
    { "canton", 0, 0, G_OPTION_ARG_STRING, &canton, "Canton in references (default SG)", "XX" },
    { "fail-rate", 0, 0, G_OPTION_ARG_DOUBLE, &self.fail_rate, "Share of requests answered 500/503", "R" },
    { "reset-rate", 0, 0, G_OPTION_ARG_DOUBLE, &self.reset_rate, "Share of connections dropped", "R" },
    { "stall-rate", 0, 0, G_OPTION_ARG_DOUBLE, &self.stall_rate, "Share of requests stalled", "R" },
    { "stall-seconds", 0, 0, G_OPTION_ARG_INT, &self.stall_seconds, "Length of a stall (default 60)", "N" },
    { "fail-status", 0, 0, G_OPTION_ARG_INT, &self.fail_status, "Injected failures answer this (500 or 503; default either)", "N" },
    { "retry-after", 0, 0, G_OPTION_ARG_INT, &self.retry_after, "Retry-After seconds on every injected failure (default: on half, 1)", "N" },
    { "slow-body", 0, 0, G_OPTION_ARG_NONE, &self.slow_body, "Read uploads slowly", NULL },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Seed for fault injection", "N" },
    { NULL }
  };

  self.stall_seconds = 60;
  self.retry_after = -1;
  context = g_option_context_new ("- reference migration-office server for Schalter tests");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }
  if (cert_file == NULL || key_file == NULL || data_dir == NULL)
    {
      g_printerr ("--cert, --key and --data are required.\n");
      return 2;
    }
  if (self.fail_status != 0 && self.fail_status != SOUP_STATUS_INTERNAL_SERVER_ERROR &&
      self.fail_status != SOUP_STATUS_SERVICE_UNAVAILABLE)
    {
      g_printerr ("--fail-status must be 500 or 503.\n");
      return 2;
    }

  self.tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) workstation_free);
  self.admin_token = admin_token;
  self.canton = canton != NULL ? canton : "SG";
  self.limits.max_document_bytes = max_document_bytes;
  self.limits.max_documents = MAX_DOCUMENTS;
  self.rand = seed >= 0 ? g_rand_new_with_seed ((guint32) seed) : g_rand_new ();
  self.tmp_dir = g_build_filename (data_dir, "tmp", NULL);
  self.request_log = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  self.started = g_get_monotonic_time ();

  if (!parse_tokens (&self, tokens, &error)
      || !prepare_tmp_dir (self.tmp_dir, &error)
      || (self.store = rcv_store_open (data_dir, &error)) == NULL
      || !rcv_store_load_stats (self.store, &self.stats, &error)
      || (server = create_server (&self, cert_file, key_file, client_ca, &error)) == NULL
      || !soup_server_listen_local (server, port,
                                    SOUP_SERVER_LISTEN_IPV4_ONLY | SOUP_SERVER_LISTEN_HTTPS,
                                    &error))
    {
      g_printerr ("schalter-receiver: %s\n", error->message);
      receiver_clear (&self);
      return 1;
    }

  uris = soup_server_get_uris (server);
  printf ("listening on https://127.0.0.1:%d\n", g_uri_get_port (uris->data));
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  /* Closing the clients' connections finishes in the main loop. */
  soup_server_disconnect (server);
  end = g_get_monotonic_time () + G_USEC_PER_SEC / 5;
  while (g_main_context_pending (NULL) && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
  g_clear_object (&server);
  if (!rcv_store_save_stats (self.store, &self.stats, &error))
    g_printerr ("schalter-receiver: %s\n", error->message);
  receiver_clear (&self);
  return 0;
}
