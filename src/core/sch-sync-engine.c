#define G_LOG_DOMAIN "sch-sync"

#include "config.h"

#include <unistd.h>

#include <glib/gi18n.h>
#include <libsoup/soup.h>

#include "sch-outbox.h"
#include "sch-store-pages.h"
#include "sch-sync-engine.h"
#include "sch-wire.h"

#define CHANGES_LIMIT 500
/* The last-success time is written at most this often: every answer would
 * cost a synced write. */
#define LAST_SUCCESS_WRITE_USEC (5 * G_USEC_PER_SEC)

struct _SchSyncEngine
{
  GObject          parent_instance;

  SchStore        *store;
  SchBlobStore    *blobs;
  SchCatalog      *catalog;
  GNetworkMonitor *monitor;
  SoupSession     *session;
  GTlsCertificate *client_certificate;
  GCancellable    *cancellable;
  char            *owner;

  char            *server_url;
  char            *ca_file;
  char            *client_certificate_file;
  char            *client_key_file;
  char            *token;
  guint            poll_interval;
  guint            timeout;
  guint            max_parallel;
  guint            backoff_base_ms;
  guint            backoff_cap_ms;
  guint            lease_seconds;

  gboolean         started;
  gboolean         online;
  gboolean         halted;
  gboolean         polling;
  gboolean         poll_again;          /* asked to poll while a poll was on its way */
  gboolean         fetching_info;
  gboolean         info_failed;         /* the server did not tell its limits: send without */
  guint64          max_document_bytes;  /* from /v1/info; 0 until known */
  GHashTable      *jobs;                /* case uuid -> Job */
  guint            wake_source;
  guint            poll_source;
  guint            pump_source;

  guint            queued;
  guint64          bytes_sent;
  guint64          bytes_total;
  gint64           last_success;
  gint64           last_success_written;
  GError          *last_error;
};

#define UPLOAD_READ_BYTES (256 * 1024)

G_DEFINE_FINAL_TYPE (SchSyncEngine, sch_sync_engine, G_TYPE_OBJECT)
G_DEFINE_QUARK (sch-sync-error-quark, sch_sync_error)

enum {
  PROP_0,
  PROP_SERVER_URL,
  PROP_CA_FILE,
  PROP_CLIENT_CERTIFICATE_FILE,
  PROP_CLIENT_KEY_FILE,
  PROP_TOKEN,
  PROP_POLL_INTERVAL,
  PROP_TIMEOUT,
  PROP_MAX_PARALLEL,
  PROP_BACKOFF_BASE_MS,
  PROP_BACKOFF_CAP_MS,
  PROP_LEASE_SECONDS,
  PROP_ONLINE,
  PROP_QUEUED,
  PROP_BYTES_SENT,
  PROP_BYTES_TOTAL,
  PROP_LAST_SUCCESS,
  PROP_LAST_ERROR,
  PROP_HALTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROGRESS,
  CASE_UPDATED,
  DOCUMENTS_REQUESTED,
  IDLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* One call in flight. */
typedef struct {
  SchSyncEngine *engine;
  SchOutboxItem *item;
  SoupMessage   *message;
  GInputStream  *body;
  GCancellable  *cancellable;
  guint64        sent;      /* document bytes written so far */
} Job;

static void pump (SchSyncEngine *self);
static void schedule_pump (SchSyncEngine *self);
static void poll_changes (SchSyncEngine *self);

static void
job_free (Job *job)
{
  sch_outbox_item_free (job->item);
  g_clear_object (&job->message);
  g_clear_object (&job->body);
  g_clear_object (&job->cancellable);
  g_free (job);
}

/* Errors shown to the clerk */

static void
set_last_error (SchSyncEngine *self,
                GError        *error)
{
  if (self->last_error == NULL && error == NULL)
    return;

  g_clear_error (&self->last_error);
  self->last_error = error;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_ERROR]);
}

static void
set_halted (SchSyncEngine *self,
            gboolean       halted)
{
  if (self->halted == halted)
    return;

  self->halted = halted;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HALTED]);
}

/* Stops the whole batch: no further requests until the settings change or
 * the clerk presses "Sync now". */
static void
halt (SchSyncEngine *self,
      GError        *error)
{
  g_debug ("Sending stopped: %s", error->message);
  set_last_error (self, error);
  set_halted (self, TRUE);
}

static GError *
client_certificate_error (SchSyncEngine *self)
{
  if (self->client_certificate_file != NULL)
    return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_CLIENT_CERTIFICATE,
                        _("The migration office's server at %s did not accept this workstation's "
                          "client certificate “%s”. Choose the certificate and key the migration "
                          "office gave you under “Client certificate” in the preferences; nothing "
                          "was sent."),
                        self->server_url, self->client_certificate_file);

  return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_CLIENT_CERTIFICATE,
                      _("The migration office's server at %s requires a client certificate from "
                        "this workstation, and none is set. Choose the certificate and key the "
                        "migration office gave you under “Client certificate” in the preferences; "
                        "nothing was sent."),
                      self->server_url);
}

static GError *
tls_error (SchSyncEngine *self,
           const GError  *cause)
{
  /* The server's certificate was fine; it wanted one from this side. */
  if (g_error_matches (cause, G_TLS_ERROR, G_TLS_ERROR_CERTIFICATE_REQUIRED))
    return client_certificate_error (self);

  if (self->ca_file != NULL)
    return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_TLS,
                        _("The migration office's server at %s could not be verified with the "
                          "CA file “%s” (%s). Check the server address and the CA file in the "
                          "preferences; nothing was sent."),
                        self->server_url, self->ca_file, cause->message);

  return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_TLS,
                      _("The migration office's server at %s could not be verified (%s). "
                        "Check the server address, or set the office's CA file in the "
                        "preferences; nothing was sent."),
                      self->server_url, cause->message);
}

static GError *
status_error (SchSyncEngine    *self,
              const SchProblem *problem)
{
  const char *detail = problem->detail != NULL ? problem->detail
                       : problem->title != NULL ? problem->title : "";

  if (problem->status == SOUP_STATUS_UNAUTHORIZED)
    return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_TOKEN,
                        _("The migration office did not accept this workstation's token. "
                          "Enter a new token in the preferences (ask the migration office for one); "
                          "the queued cases are kept and sent afterwards."));

  return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_FORBIDDEN,
                      _("The migration office refused this workstation (%s). Ask the migration "
                        "office to allow it, then press “Sync now”; the queued cases are kept."),
                      detail);
}

static gboolean
is_fatal_tls (const GError *error)
{
  /* Drops after a successful handshake are network errors, retried. */
  return error->domain == G_TLS_ERROR && error->code != G_TLS_ERROR_EOF &&
         error->code != G_TLS_ERROR_MISC;
}

/* State shown in the header bar */

/* The header bar reads the figure on every progress signal, several times
 * per uploaded chunk: it is counted (a query) only when the store says the
 * set of queued cases may have changed (SchStore::outbox-changed), never per
 * call or per chunk. */
static void
update_queued (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;
  guint queued = sch_outbox_count_queued (self->store, &error);

  if (error != NULL)
    g_warning ("Counting the queued cases failed: %s", error->message);

  if (queued == self->queued)
    return;

  self->queued = queued;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_QUEUED]);
}

static void
emit_progress (SchSyncEngine *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_SENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BYTES_TOTAL]);
  g_signal_emit (self, signals[PROGRESS], 0, self->bytes_sent, self->bytes_total);
}

static void
note_success (SchSyncEngine *self)
{
  gint64 now = g_get_real_time ();

  self->last_success = now;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SUCCESS]);

  if (!self->halted)
    set_last_error (self, NULL);

  if (now - self->last_success_written >= LAST_SUCCESS_WRITE_USEC)
    {
      g_autoptr(GError) error = NULL;

      if (!sch_outbox_set_last_success (self->store, now, &error))
        g_warning ("Storing the sync time failed: %s", error->message);
      self->last_success_written = now;
    }
}

static void
emit_case_updated (SchSyncEngine *self,
                   const char    *case_uuid)
{
  g_signal_emit (self, signals[CASE_UPDATED], 0, case_uuid);
}

/* Session */

static gboolean
ensure_session (SchSyncEngine  *self,
                GError        **error)
{
  g_autoptr(GTlsDatabase) database = NULL;

  if (self->session != NULL)
    return TRUE;

  if (self->server_url == NULL || *self->server_url == '\0' ||
      !g_str_has_prefix (self->server_url, "https://") ||
      !g_uri_is_valid (self->server_url, G_URI_FLAGS_NONE, NULL))
    {
      g_set_error (error, SCH_SYNC_ERROR, SCH_SYNC_ERROR_SETTINGS,
                   _("The address of the migration office's server (“%s”) is not an https:// "
                     "address. Enter the address the migration office gave you in the preferences."),
                   self->server_url != NULL ? self->server_url : "");
      return FALSE;
    }

  if (self->ca_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      /* A relative path silently trusts nothing. */
      if (!g_path_is_absolute (self->ca_file) ||
          (database = g_tls_file_database_new (self->ca_file, &local_error)) == NULL)
        {
          g_set_error (error, SCH_SYNC_ERROR, SCH_SYNC_ERROR_SETTINGS,
                       _("The CA file “%s” cannot be used (%s). Choose the PEM file the migration "
                         "office gave you, by its full path, in the preferences."),
                       self->ca_file,
                       local_error != NULL ? local_error->message : _("not a full path"));
          return FALSE;
        }
    }

  g_clear_object (&self->client_certificate);
  if (self->client_certificate_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      self->client_certificate =
        g_tls_certificate_new_from_files (self->client_certificate_file,
                                          self->client_key_file != NULL ? self->client_key_file
                                                                        : self->client_certificate_file,
                                          &local_error);
      if (self->client_certificate == NULL)
        {
          g_set_error (error, SCH_SYNC_ERROR, SCH_SYNC_ERROR_SETTINGS,
                       _("The client certificate “%s” cannot be used (%s). Choose the certificate "
                         "and key files the migration office gave you in the preferences."),
                       self->client_certificate_file, local_error->message);
          return FALSE;
        }
    }

  self->session = g_object_new (SOUP_TYPE_SESSION,
                                "timeout", self->timeout,
                                "idle-timeout", 60,
                                "max-conns", self->max_parallel + 4,
                                "max-conns-per-host", self->max_parallel + 1,
                                "user-agent", "Schalter/" PACKAGE_VERSION " ",
                                database != NULL ? "tls-database" : NULL, database,
                                NULL);
  return TRUE;
}

/* The next call makes a session with the current settings; calls still
 * running on the old one finish there. */
static void
drop_session (SchSyncEngine *self)
{
  g_clear_object (&self->session);
  self->max_document_bytes = 0;
  self->info_failed = FALSE;
}

static SoupMessage *
new_message (SchSyncEngine *self,
             const char    *method,
             const char    *path)
{
  g_autofree char *base = g_strdup (self->server_url);
  g_autofree char *uri = NULL;
  SoupMessage *message;
  SoupMessageHeaders *headers;

  while (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  uri = g_strconcat (base, path, NULL);

  message = soup_message_new (method, uri);
  if (message == NULL)
    return NULL;

  /* Every call of the contract is idempotent (POSTs carry an
   * Idempotency-Key or are safe to repeat), so libsoup may reuse a kept-alive
   * connection for them instead of opening a new TLS connection per POST. */
  soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);

  headers = soup_message_get_request_headers (message);
  if (self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
    }
  soup_message_headers_replace (headers, "Accept", "application/json, application/problem+json");
  if (self->client_certificate != NULL)
    soup_message_set_tls_client_certificate (message, self->client_certificate);

  return message;
}

/* Backoff */

static gint64
retry_after_usec (SoupMessage *message)
{
  const char *value = soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                    "Retry-After");
  guint64 seconds;

  if (value == NULL)
    return 0;

  if (g_ascii_string_to_unsigned (value, 10, 0, 24 * 3600, &seconds, NULL))
    return (gint64) seconds * G_USEC_PER_SEC;

  {
    g_autoptr(GDateTime) when = soup_date_time_new_from_http_string (value);
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

    if (when != NULL)
      return MAX (g_date_time_difference (when, now), 0);
  }

  return 0;
}

/* Exponential backoff with full jitter: a random delay up to the exponential bound. */
static gint64
backoff_usec (SchSyncEngine *self,
              guint          attempts)
{
  gint64 bound = (gint64) self->backoff_base_ms * 1000;
  gint64 cap = (gint64) self->backoff_cap_ms * 1000;

  for (guint i = 1; i < attempts && bound < cap; i++)
    bound *= 2;
  bound = MIN (bound, cap);

  return bound > 0 ? g_random_int_range (0, (gint32) MIN (bound / 1000, G_MAXINT32)) * G_GINT64_CONSTANT (1000) : 0;
}

static void
retry_item (SchSyncEngine *self,
            Job           *job,
            gint64         at_least_usec,
            const char    *message)
{
  g_autoptr(GError) error = NULL;
  gint64 delay = backoff_usec (self, job->item->attempts + 1);

  delay = MAX (delay, at_least_usec);
  g_debug ("Call %" G_GINT64_FORMAT " retried in %" G_GINT64_FORMAT " ms",
           job->item->id, delay / 1000);
  if (!sch_outbox_mark_retry (self->store, job->item, g_get_real_time () + delay, message, &error))
    g_warning ("Recording a retry failed: %s", error->message);
}

/* Case state */

static SchCase *
load_case (SchSyncEngine *self,
           const char    *uuid)
{
  g_autoptr(GError) error = NULL;
  SchCase *kase = sch_store_load_case (self->store, uuid, &error);

  if (kase == NULL)
    g_warning ("Loading a case for sending failed: %s", error->message);

  return kase;
}

static void
set_case_state (SchSyncEngine *self,
                SchCase       *kase,
                SchCaseState   state)
{
  g_autoptr(GError) error = NULL;

  if (!sch_store_set_state (self->store, kase, state, &error))
    g_warning ("Changing the state of a case failed: %s", error->message);
  emit_case_updated (self, sch_case_get_uuid (kase));
}

/* The server refused a call: only this case waits for the clerk. */
static void
refuse_item (SchSyncEngine    *self,
             Job              *job,
             const char       *message,
             const SchProblem *problem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;

  g_debug ("Call %" G_GINT64_FORMAT " refused with status %u", job->item->id,
           problem != NULL ? problem->status : 0);

  if (!sch_outbox_mark_failed (self->store, job->item, message, &error))
    g_warning ("Recording a refused call failed: %s", error->message);

  if (problem != NULL && problem->pointers->len > 0 &&
      !sch_outbox_set_field_errors (self->store, job->item->case_uuid, job->item->body, problem, &error))
    g_warning ("Storing the field errors failed: %s", error->message);

  kase = load_case (self, job->item->case_uuid);
  if (kase != NULL)
    set_case_state (self, kase, SCH_CASE_STATE_NEEDS_ATTENTION);
}

/* A document as the clerk knows it: its slot's title in the catalog
 * ("Passports of all family members"); the slot id for a slot the catalog
 * does not have. */
static char *
dup_document_title (SchSyncEngine *self,
                    const char    *case_uuid,
                    const char    *slot_id)
{
  g_autoptr(SchCase) kase = sch_store_load_case (self->store, case_uuid, NULL);
  SchAppType *type = kase != NULL ? sch_catalog_lookup (self->catalog, sch_case_get_type_code (kase)) : NULL;
  GPtrArray *slots = type != NULL ? sch_app_type_get_slots (type) : NULL;

  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);

      if (g_strcmp0 (slot->id, slot_id) == 0)
        return g_strdup (sch_text_get (slot->title, NULL));
    }

  return g_strdup (slot_id);
}

static char *
too_large_message (SchSyncEngine *self,
                   const char    *case_uuid,
                   const char    *slot_id,
                   guint64        size)
{
  g_autofree char *document = dup_document_title (self, case_uuid, slot_id);
  g_autofree char *size_text = g_format_size (size);
  g_autofree char *limit = g_format_size (self->max_document_bytes);

  return g_strdup_printf (_("The document “%s” (%s) is larger than the migration office accepts "
                            "(%s). Scan it again with fewer pages or a lower resolution and queue "
                            "the case again."),
                          document, size_text, limit);
}

static char *
refusal_message (SchSyncEngine    *self,
                 Job              *job,
                 const SchProblem *problem)
{
  const char *detail = problem->detail != NULL ? problem->detail
                       : problem->title != NULL ? problem->title : "";
  g_autofree char *document = job->item->slot != NULL
                               ? dup_document_title (self, job->item->case_uuid, job->item->slot) : NULL;

  if (g_strcmp0 (problem->name, "idempotency-conflict") == 0)
    return g_strdup_printf (_("The migration office already has this case with different data (%s). "
                              "Nothing was overwritten; call the migration office to settle which "
                              "version is right."),
                            detail);

  if (problem->status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE && document != NULL)
    return g_strdup_printf (_("The document “%s” is larger than the migration office accepts (%s). "
                              "Scan it again with fewer pages or a lower resolution and queue the "
                              "case again."),
                            document, detail);

  if (problem->status == SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE)
    return g_strdup_printf (_("The case data is larger than the migration office accepts (%s)."),
                            detail);

  if (problem->status == SOUP_STATUS_UNPROCESSABLE_ENTITY)
    return g_strdup_printf (_("The migration office found errors in the case (%s). Correct the "
                              "marked fields and queue the case again."),
                            detail);

  if (document != NULL)
    return g_strdup_printf (_("The migration office refused the document “%s” (%u: %s)."),
                            document, problem->status, detail);

  return g_strdup_printf (_("The migration office refused the case (%u: %s)."),
                          problem->status, detail);
}

/* Successful answers */

static JsonObject *
parse_object (GBytes *body)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (body == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    return NULL;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return NULL;

  return json_object_ref (json_node_get_object (root));
}

static void
store_reference (SchSyncEngine *self,
                 SchCase       *kase,
                 JsonObject    *answer)
{
  const char *reference = answer != NULL
                          ? json_object_get_string_member_with_default (answer, "reference", NULL)
                          : NULL;
  g_autoptr(GError) error = NULL;

  if (reference == NULL || g_strcmp0 (reference, sch_case_get_reference (kase)) == 0)
    return;

  sch_case_set_reference (kase, reference);
  if (!sch_store_save_case (self->store, kase, &error))
    g_warning ("Storing the reference failed: %s", error->message);
}

static gboolean
is_before_submitted (SchCaseState state)
{
  return state == SCH_CASE_STATE_QUEUED || state == SCH_CASE_STATE_SENDING ||
         state == SCH_CASE_STATE_NEEDS_ATTENTION;
}

static void
case_call_done (SchSyncEngine *self,
                Job           *job,
                GBytes        *body)
{
  g_autoptr(JsonObject) answer = parse_object (body);
  g_autoptr(SchCase) kase = load_case (self, job->item->case_uuid);

  if (kase == NULL)
    return;

  store_reference (self, kase, answer);
  /* "Sending" once the office has the case and its documents are on their
   * way; failed attempts before that leave it "queued" (and the journal
   * without an entry per retry). */
  if (job->item->kind == SCH_OUTBOX_SUBMIT && is_before_submitted (sch_case_get_state (kase)))
    set_case_state (self, kase, SCH_CASE_STATE_SUBMITTED);
  else if (job->item->kind == SCH_OUTBOX_CREATE && sch_case_get_state (kase) == SCH_CASE_STATE_QUEUED)
    set_case_state (self, kase, SCH_CASE_STATE_SENDING);
  else
    emit_case_updated (self, job->item->case_uuid);
}

static gboolean
receipt_matches (Job    *job,
                 GBytes *body)
{
  g_autoptr(JsonObject) receipt = parse_object (body);
  const char *sha256 = receipt != NULL
                       ? json_object_get_string_member_with_default (receipt, "sha256", NULL)
                       : NULL;

  return sha256 == NULL || g_ascii_strcasecmp (sha256, job->item->sha256) == 0;
}

static void
call_succeeded (SchSyncEngine *self,
                Job           *job,
                GBytes        *body)
{
  g_autoptr(GError) error = NULL;

  if (job->item->kind == SCH_OUTBOX_DOCUMENT && !receipt_matches (job, body))
    {
      g_autofree char *document = dup_document_title (self, job->item->case_uuid, job->item->slot);
      g_autofree char *message =
        g_strdup_printf (_("The migration office stored the document “%s” with a different "
                           "digest than Schalter sent. Call the migration office."),
                         document);

      refuse_item (self, job, message, NULL);
      return;
    }

  if (!sch_outbox_mark_done (self->store, job->item, &error))
    {
      g_warning ("Recording a finished call failed: %s", error->message);
      return;
    }

  switch (job->item->kind)
    {
    case SCH_OUTBOX_CREATE:
    case SCH_OUTBOX_SUBMIT:
      case_call_done (self, job, body);
      break;

    case SCH_OUTBOX_SUPPLEMENT_SUBMIT:
      if (!sch_store_journal_add (self->store, job->item->case_uuid, "supplement-submitted",
                                  job->item->batch, &error))
        g_warning ("Journaling a supplement failed: %s", error->message);
      emit_case_updated (self, job->item->case_uuid);
      break;

    case SCH_OUTBOX_DOCUMENT:
    case SCH_OUTBOX_SUPPLEMENT:
    default:
      break;
    }
}

/* Answers */

static gboolean
is_retryable_status (guint status)
{
  return status == SOUP_STATUS_REQUEST_TIMEOUT || status == 429 ||
         status >= 500;
}

static void
documents_missing (SchSyncEngine    *self,
                   Job              *job,
                   const SchProblem *problem)
{
  g_autoptr(GError) error = NULL;

  /* The server lost (or never got) some uploads: send them again, then submit. */
  if (!sch_outbox_requeue_documents (self->store, job->item->case_uuid,
                                     (const char * const *) problem->missing_documents, &error))
    g_warning ("Queueing documents again failed: %s", error->message);
  retry_item (self, job, 0, problem->title);
}

static void
handle_refusal (SchSyncEngine *self,
                Job           *job,
                SoupMessage   *message,
                GBytes        *body)
{
  guint status = soup_message_get_status (message);
  g_autoptr(SchProblem) problem = sch_problem_parse (status, body);
  g_autofree char *text = NULL;

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_autoptr(GError) error = NULL;

      halt (self, status_error (self, problem));
      if (!sch_outbox_release (self->store, job->item, self->last_error->message, &error))
        g_warning ("Giving a call back failed: %s", error->message);
      return;
    }

  if (is_retryable_status (status))
    {
      g_autofree char *detail = g_strdup_printf (_("The server answered %u."), status);

      set_last_error (self, g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_SERVER,
                                         _("The migration office's server is busy or failed (%u); "
                                           "Schalter retries by itself."),
                                         status));
      retry_item (self, job, retry_after_usec (message), detail);
      return;
    }

  if (status == SOUP_STATUS_CONFLICT && g_strcmp0 (problem->name, "documents-missing") == 0 &&
      problem->missing_documents != NULL && problem->missing_documents[0] != NULL)
    {
      documents_missing (self, job, problem);
      return;
    }

  text = refusal_message (self, job, problem);
  refuse_item (self, job, text, problem);
}

static GError *
network_error (SchSyncEngine *self,
               const GError  *cause)
{
  /* A server that does not accept the client certificate drops the
   * connection after the handshake, which looks like any broken network. */
  if (self->client_certificate_file != NULL &&
      g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_NETWORK,
                        _("The migration office's server closed the connection (%s). If this "
                          "goes on, it does not accept this workstation's client certificate "
                          "“%s”: check it under “Client certificate” in the preferences. The "
                          "cases stay queued."),
                        cause->message, self->client_certificate_file);

  return g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_NETWORK,
                      _("The migration office's server cannot be reached (%s). "
                        "The cases stay queued and are sent when it can be reached."),
                      cause->message);
}

static void
handle_network_error (SchSyncEngine *self,
                      Job           *job,
                      const GError  *error)
{
  if (is_fatal_tls (error))
    {
      g_autoptr(GError) local_error = NULL;

      halt (self, tls_error (self, error));
      if (!sch_outbox_release (self->store, job->item, self->last_error->message, &local_error))
        g_warning ("Giving a call back failed: %s", local_error->message);
      return;
    }

  set_last_error (self, network_error (self, error));
  retry_item (self, job, 0, error->message);
}

static void
job_finish (Job *job)
{
  SchSyncEngine *self = job->engine;
  g_autofree char *case_uuid = g_strdup (job->item->case_uuid);

  g_hash_table_remove (self->jobs, case_uuid);
  schedule_pump (self);
  g_object_unref (self);
}

/* A call cancelled by stop() or by new settings: no attempt is counted and
 * the call is due again at once. */
static void
give_back (Job *job)
{
  g_autoptr(GError) error = NULL;

  if (!sch_outbox_release (job->engine->store, job->item, NULL, &error))
    g_warning ("Giving a call back failed: %s", error->message);
  job_finish (job);
}

static void
send_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Job *job = user_data;
  SchSyncEngine *self = job->engine;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  /* Cancelled, or failed with settings that were changed meanwhile. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started ||
      (SOUP_SESSION (source) != self->session &&
       (error != NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (job->message)))))
    {
      self->bytes_sent -= MIN (job->sent, self->bytes_sent);
      give_back (job);
      return;
    }

  if (job->item->kind == SCH_OUTBOX_DOCUMENT &&
      (error != NULL || !SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (job->message))))
    {
      /* These bytes go again. */
      self->bytes_sent -= MIN (job->sent, self->bytes_sent);
      emit_progress (self);
    }

  if (error != NULL)
    handle_network_error (self, job, error);
  else if (SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (job->message)))
    {
      note_success (self);
      call_succeeded (self, job, body);
    }
  else
    {
      handle_refusal (self, job, job->message, body);
    }

  job_finish (job);
}

static void
send_job (Job *job)
{
  SchSyncEngine *self = job->engine;

  soup_session_send_and_read_async (self->session, job->message, G_PRIORITY_DEFAULT,
                                    job->cancellable, send_done, job);
}

/* Uploads */

static void
wrote_body_data (SoupMessage *message,
                 guint        chunk_size,
                 gpointer     user_data)
{
  Job *job = user_data;
  SchSyncEngine *self = job->engine;

  job->sent += chunk_size;
  self->bytes_sent += chunk_size;
  emit_progress (self);
}

static void
restarted (SoupMessage *message,
           gpointer     user_data)
{
  Job *job = user_data;
  SchSyncEngine *self = job->engine;
  g_autoptr(GError) error = NULL;

  /* A restarted message sends its body again, from the start. */
  self->bytes_sent -= MIN (job->sent, self->bytes_sent);
  job->sent = 0;
  if (!g_seekable_seek (G_SEEKABLE (job->body), 0, G_SEEK_SET, NULL, &error))
    {
      /* libsoup closed the stream after sending it: the call starts over as a new one. */
      g_debug ("Call %" G_GINT64_FORMAT " restarted, sent again: %s", job->item->id, error->message);
      g_cancellable_cancel (job->cancellable);
      return;
    }
  soup_message_set_request_body (message, job->item->media_type, job->body, (gssize) job->item->size);
}

static void
document_opened (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Job *job = user_data;
  SchSyncEngine *self = job->engine;
  g_autoptr(GError) error = NULL;
  GFileInputStream *stream = g_file_read_finish (G_FILE (source), result, &error);

  if (stream == NULL)
    {
      g_autofree char *document = NULL;
      g_autofree char *message = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
        {
          give_back (job);
          return;
        }

      document = dup_document_title (self, job->item->case_uuid, job->item->slot);
      message = g_strdup_printf (_("The composed document “%s” of this case cannot be read (%s). "
                                   "Compose the document again and queue the case again."),
                                 document, error->message);
      refuse_item (self, job, message, NULL);
      job_finish (job);
      return;
    }

  /* libsoup reads the body in small chunks; each read of a plain file
   * stream is a trip to a worker thread. A large buffer makes that one trip
   * per UPLOAD_READ_BYTES, while the document is still never read whole. */
  job->body = g_buffered_input_stream_new_sized (G_INPUT_STREAM (stream), UPLOAD_READ_BYTES);
  g_object_unref (stream);
  soup_message_set_request_body (job->message, job->item->media_type, job->body, (gssize) job->item->size);
  g_signal_connect (job->message, "wrote-body-data", G_CALLBACK (wrote_body_data), job);
  g_signal_connect (job->message, "restarted", G_CALLBACK (restarted), job);
  send_job (job);
}

static gboolean
prepare_document (SchSyncEngine *self,
                  Job           *job)
{
  g_autofree char *digest = sch_wire_content_digest (job->item->sha256);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  SoupMessageHeaders *headers = soup_message_get_request_headers (job->message);

  if (self->max_document_bytes > 0 && job->item->size > self->max_document_bytes)
    {
      g_autofree char *message = too_large_message (self, job->item->case_uuid, job->item->slot,
                                                    job->item->size);

      refuse_item (self, job, message, NULL);
      return FALSE;
    }

  path = sch_blob_store_get_path (self->blobs, job->item->blob_sha);
  if (digest == NULL || path == NULL)
    {
      refuse_item (self, job, _("A document of this case has an invalid digest. "
                                "Compose the documents again and queue the case again."), NULL);
      return FALSE;
    }

  /* No "Expect: 100-continue": libsoup 3.2 crashes closing the answer of
   * such a request when the server answers 5xx (found by the fault test).
   * The server's size limit is checked above, before any byte goes. */
  soup_message_headers_replace (headers, "Content-Digest", digest);

  file = g_file_new_for_path (path);
  g_file_read_async (file, G_PRIORITY_DEFAULT, job->cancellable, document_opened, job);
  return TRUE;
}

/* Starting calls */

static char *
call_path (SchOutboxItem *item)
{
  g_autofree char *escaped_case = g_uri_escape_string (item->case_uuid, NULL, FALSE);
  g_autofree char *escaped_batch = g_uri_escape_string (item->batch, NULL, FALSE);

  switch (item->kind)
    {
    case SCH_OUTBOX_CREATE:
      return g_strdup ("/v1/cases");
    case SCH_OUTBOX_DOCUMENT:
      {
        g_autofree char *escaped_doc = g_uri_escape_string (item->doc_uuid, NULL, FALSE);

        return g_strdup_printf ("/v1/cases/%s/documents/%s", escaped_case, escaped_doc);
      }
    case SCH_OUTBOX_SUBMIT:
      return g_strdup_printf ("/v1/cases/%s/submit", escaped_case);
    case SCH_OUTBOX_SUPPLEMENT:
      return g_strdup_printf ("/v1/cases/%s/supplements", escaped_case);
    case SCH_OUTBOX_SUPPLEMENT_SUBMIT:
    default:
      return g_strdup_printf ("/v1/cases/%s/supplements/%s/submit", escaped_case, escaped_batch);
    }
}

static const char *
call_method (SchOutboxKind kind)
{
  return kind == SCH_OUTBOX_DOCUMENT ? "PUT" : "POST";
}

/* The contract: a document over the server's limit is never announced
 * (the server would refuse the whole case), let alone uploaded. */
static gboolean
manifest_fits (SchSyncEngine *self,
               Job           *job)
{
  g_autoptr(JsonObject) body = NULL;
  JsonNode *documents;

  if (self->max_document_bytes == 0 || (body = parse_object (job->item->body)) == NULL)
    return TRUE;

  documents = json_object_get_member (body, "documents");
  if (documents == NULL || !JSON_NODE_HOLDS_ARRAY (documents))
    return TRUE;

  for (guint i = 0; i < json_array_get_length (json_node_get_array (documents)); i++)
    {
      JsonNode *node = json_array_get_element (json_node_get_array (documents), i);
      JsonObject *document = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      gint64 size = document != NULL ? json_object_get_int_member_with_default (document, "size", 0) : 0;

      if (size > 0 && (guint64) size > self->max_document_bytes)
        {
          g_autofree char *message =
            too_large_message (self, job->item->case_uuid,
                               json_object_get_string_member_with_default (document, "slot", ""),
                               (guint64) size);

          refuse_item (self, job, message, NULL);
          return FALSE;
        }
    }

  return TRUE;
}

static void
start_job (SchSyncEngine *self,
           SchOutboxItem *item)
{
  g_autofree char *path = call_path (item);
  Job *job = g_new0 (Job, 1);
  SoupMessageHeaders *headers;

  g_debug ("Call %" G_GINT64_FORMAT " (%s) started", item->id, call_method (item->kind));
  job->engine = g_object_ref (self);
  job->item = item;
  job->cancellable = g_cancellable_new ();
  g_hash_table_insert (self->jobs, g_strdup (item->case_uuid), job);

  job->message = new_message (self, call_method (item->kind), path);
  if (job->message == NULL)
    {
      refuse_item (self, job, _("The call for this case has an invalid address."), NULL);
      job_finish (job);
      return;
    }

  headers = soup_message_get_request_headers (job->message);

  switch (item->kind)
    {
    case SCH_OUTBOX_CREATE:
    case SCH_OUTBOX_SUPPLEMENT:
      if (!manifest_fits (self, job))
        {
          job_finish (job);
          break;
        }
      soup_message_headers_replace (headers, "Idempotency-Key", item->batch);
      soup_message_set_request_body_from_bytes (job->message, "application/json", item->body);
      send_job (job);
      break;

    case SCH_OUTBOX_DOCUMENT:
      if (!prepare_document (self, job))
        job_finish (job);
      break;

    case SCH_OUTBOX_SUBMIT:
    case SCH_OUTBOX_SUPPLEMENT_SUBMIT:
    default:
      send_job (job);
      break;
    }
}

static gboolean
can_send (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->started || self->halted || !self->online)
    return FALSE;

  if (self->token == NULL || *self->token == '\0')
    {
      halt (self, g_error_new (SCH_SYNC_ERROR, SCH_SYNC_ERROR_TOKEN,
                               _("No token for the migration office is set. Enter the workstation's "
                                 "token in the preferences; the queued cases are kept.")));
      return FALSE;
    }

  if (!ensure_session (self, &error))
    {
      halt (self, g_steal_pointer (&error));
      return FALSE;
    }

  return TRUE;
}

static void
info_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(SchSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  g_autoptr(JsonObject) info = NULL;
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);

  self->fetching_info = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || SOUP_SESSION (source) != self->session)
    return;

  info = body != NULL && soup_message_get_status (message) == SOUP_STATUS_OK ? parse_object (body) : NULL;
  if (info != NULL)
    self->max_document_bytes =
      (guint64) MAX (json_object_get_int_member_with_default (info, "maxDocumentBytes", 0), 0);
  /* Without limits the calls go anyway: their own answers say what is wrong. */
  self->info_failed = self->max_document_bytes == 0;
  schedule_pump (self);
}

/* The server's limits come before any call, so that an oversized document
 * is never announced or uploaded. Returns whether they are settled: known,
 * or the server could not tell. */
static gboolean
limits_settled (SchSyncEngine *self)
{
  g_autoptr(SoupMessage) message = NULL;

  if (self->max_document_bytes > 0 || self->info_failed)
    return TRUE;
  if (self->fetching_info)
    return FALSE;

  message = new_message (self, "GET", "/v1/info");
  if (message == NULL)
    return TRUE;

  self->fetching_info = TRUE;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    self->cancellable, info_done, g_object_ref (self));
  return FALSE;
}

static gboolean
wake (gpointer user_data)
{
  SchSyncEngine *self = user_data;

  self->wake_source = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_wake (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;
  gint64 due = sch_outbox_next_due (self->store, self->jobs, &error);
  gint64 delay_ms;

  g_clear_handle_id (&self->wake_source, g_source_remove);
  if (due == G_MAXINT64)
    return;

  delay_ms = MAX ((due - g_get_real_time ()) / 1000 + 1, 1);
  self->wake_source = g_timeout_add ((guint) MIN (delay_ms, G_MAXUINT), wake, self);
}

static void
pump (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  gboolean was_idle;
  guint free_slots;

  if (!can_send (self))
    {
      g_debug ("Not sending: started %d, halted %d, online %d", self->started, self->halted, self->online);
      return;
    }

  if (!limits_settled (self))
    return;

  was_idle = g_hash_table_size (self->jobs) == 0;

  free_slots = self->max_parallel > g_hash_table_size (self->jobs)
               ? self->max_parallel - g_hash_table_size (self->jobs) : 0;
  items = sch_outbox_lease_due (self->store, g_get_real_time (), self->owner,
                                (gint64) self->lease_seconds * G_USEC_PER_SEC,
                                self->jobs, free_slots, &error);
  if (items == NULL)
    {
      g_warning ("Reading the outbox failed: %s", error->message);
      return;
    }

  /* A new run: the progress counts what is to send now. */
  if (was_idle && items->len > 0 && self->bytes_sent >= self->bytes_total)
    {
      guint64 pending = sch_outbox_pending_bytes (self->store, NULL);

      if (pending > 0)
        {
          self->bytes_sent = 0;
          self->bytes_total = pending;
          emit_progress (self);
        }
    }

  /* The jobs own the items from here on. */
  g_ptr_array_set_free_func (items, NULL);
  for (guint i = 0; i < items->len; i++)
    start_job (self, items->pdata[i]);

  /* With every slot busy, the next finished call pumps again. */
  if (items->len < free_slots)
    schedule_wake (self);

  if (g_hash_table_size (self->jobs) == 0 && self->wake_source == 0)
    g_signal_emit (self, signals[IDLE], 0);
}

static gboolean
pump_idle (gpointer user_data)
{
  SchSyncEngine *self = user_data;

  self->pump_source = 0;
  pump (self);
  return G_SOURCE_REMOVE;
}

/* Pumps from the main loop, not from inside a callback of a finished call. */
static void
schedule_pump (SchSyncEngine *self)
{
  if (self->pump_source == 0 && self->started)
    self->pump_source = g_idle_add (pump_idle, self);
}

/* The change feed */

static void schedule_poll (SchSyncEngine *self, guint seconds);

static gboolean
state_for_status (const char   *status,
                  SchCaseState *state)
{
  static const struct { const char *status; SchCaseState state; } map[] = {
    { "submitted", SCH_CASE_STATE_SUBMITTED },
    { "received", SCH_CASE_STATE_RECEIVED },
    { "in-review", SCH_CASE_STATE_IN_REVIEW },
    { "documents-requested", SCH_CASE_STATE_DOCUMENTS_REQUESTED },
    { "decided", SCH_CASE_STATE_DECIDED },
    { "closed", SCH_CASE_STATE_CLOSED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (map); i++)
    if (g_strcmp0 (status, map[i].status) == 0)
      {
        *state = map[i].state;
        return TRUE;
      }

  /* "created" and statuses of later API versions leave the state alone. */
  return FALSE;
}

static gboolean
follows_office (SchCaseState state)
{
  switch (state)
    {
    case SCH_CASE_STATE_QUEUED:
    case SCH_CASE_STATE_SENDING:
    case SCH_CASE_STATE_SUBMITTED:
    case SCH_CASE_STATE_RECEIVED:
    case SCH_CASE_STATE_IN_REVIEW:
    case SCH_CASE_STATE_DOCUMENTS_REQUESTED:
    case SCH_CASE_STATE_DECIDED:
    case SCH_CASE_STATE_CLOSED:
      return TRUE;
    default:
      return FALSE;
    }
}

static char *
node_to_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("[]");

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
}

/* The office still works on a case whose data is gone here: the change
 * goes into its history and its journal stub (without the office's note,
 * which may name the person), and a request for documents still reaches
 * the clerk by the office's reference. */
static void
apply_purged_change (SchSyncEngine *self,
                     SchCase       *kase,
                     const char    *status,
                     const char    *at,
                     const char    *requested)
{
  const char *uuid = sch_case_get_uuid (kase);
  g_autoptr(GError) error = NULL;
  gboolean added = FALSE;

  if (!sch_outbox_add_history (self->store, uuid, status, at, NULL, NULL, &added, &error))
    {
      g_warning ("Storing a status change failed: %s", error->message);
      return;
    }
  if (!added)
    return;

  if (!sch_store_journal_add (self->store, uuid, "office-status", status, &error))
    g_warning ("Journaling a status change failed: %s", error->message);
  emit_case_updated (self, uuid);

  if (g_str_equal (status, "documents-requested"))
    g_signal_emit (self, signals[DOCUMENTS_REQUESTED], 0, uuid, sch_case_get_reference (kase), requested);
}

static void
apply_change (SchSyncEngine *self,
              JsonObject    *change)
{
  const char *case_uuid = json_object_get_string_member_with_default (change, "case", NULL);
  const char *status = json_object_get_string_member_with_default (change, "status", NULL);
  const char *at = json_object_get_string_member_with_default (change, "at", NULL);
  JsonNode *note_node = json_object_get_member (change, "note");
  const char *note = note_node != NULL && JSON_NODE_HOLDS_VALUE (note_node)
                     ? json_node_get_string (note_node) : NULL;
  g_autofree char *requested = node_to_json (json_object_get_member (change, "requestedDocuments"));
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = NULL;
  gboolean added = FALSE;
  SchCaseState state;

  if (case_uuid == NULL || status == NULL || at == NULL)
    return;

  kase = sch_store_load_case (self->store, case_uuid, NULL);
  if (kase == NULL)
    return;

  if (sch_case_get_state (kase) == SCH_CASE_STATE_PURGED)
    {
      apply_purged_change (self, kase, status, at, requested);
      return;
    }

  if (!sch_outbox_add_history (self->store, case_uuid, status, at, note, requested, &added, &error))
    {
      g_warning ("Storing a status change failed: %s", error->message);
      return;
    }

  store_reference (self, kase, change);
  if (state_for_status (status, &state) && follows_office (sch_case_get_state (kase)) &&
      sch_case_get_state (kase) != state)
    set_case_state (self, kase, state);
  else if (added)
    emit_case_updated (self, case_uuid);

  if (added && g_str_equal (status, "documents-requested"))
    g_signal_emit (self, signals[DOCUMENTS_REQUESTED], 0, case_uuid,
                   sch_case_get_reference (kase), requested);
}

static gboolean
apply_changes (SchSyncEngine *self,
               GBytes        *body,
               gboolean      *more)
{
  g_autoptr(JsonObject) feed = parse_object (body);
  g_autoptr(GError) error = NULL;
  JsonNode *changes_node;
  JsonArray *changes;
  const char *cursor;

  if (feed == NULL)
    return FALSE;

  changes_node = json_object_get_member (feed, "changes");
  if (changes_node == NULL || !JSON_NODE_HOLDS_ARRAY (changes_node))
    return FALSE;

  changes = json_node_get_array (changes_node);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        apply_change (self, json_node_get_object (node));
    }

  /* Only after the changes are stored: a crash in between repeats them. */
  cursor = json_object_get_string_member_with_default (feed, "cursor", NULL);
  if (cursor != NULL && !sch_outbox_set_cursor (self->store, cursor, &error))
    g_warning ("Storing the change cursor failed: %s", error->message);

  *more = json_object_get_boolean_member_with_default (feed, "more", FALSE);
  return TRUE;
}

static void
changes_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SchSyncEngine) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  SoupMessage *message = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  gboolean more = FALSE;
  guint status;

  self->polling = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || !self->started)
    return;

  if (SOUP_SESSION (source) != self->session &&
      (error != NULL || soup_message_get_status (message) != SOUP_STATUS_OK))
    {
      /* The settings changed meanwhile: ask again with the new ones. */
      schedule_poll (self, 0);
      return;
    }

  if (error != NULL)
    {
      if (is_fatal_tls (error))
        halt (self, tls_error (self, error));
      schedule_poll (self, self->poll_interval);
      return;
    }

  status = soup_message_get_status (message);
  if (SOUP_STATUS_IS_SUCCESSFUL (status))
    note_success (self);

  if (status == SOUP_STATUS_OK && apply_changes (self, body, &more))
    {
      schedule_poll (self, more ? 0 : self->poll_interval);
      return;
    }

  if (status == SOUP_STATUS_UNAUTHORIZED || status == SOUP_STATUS_FORBIDDEN)
    {
      g_autoptr(SchProblem) problem = sch_problem_parse (status, body);

      halt (self, status_error (self, problem));
      return;
    }

  if (status == SOUP_STATUS_BAD_REQUEST)
    {
      g_autoptr(SchProblem) problem = sch_problem_parse (status, body);

      if (g_strcmp0 (problem->name, "invalid-cursor") == 0)
        {
          g_autoptr(GError) local_error = NULL;

          /* The server forgot the cursor: start again; changes seen twice are harmless. */
          if (!sch_outbox_set_cursor (self->store, NULL, &local_error))
            g_warning ("Resetting the change cursor failed: %s", local_error->message);
          schedule_poll (self, 0);
          return;
        }
    }

  schedule_poll (self, self->poll_interval);
}

static void
poll_changes (SchSyncEngine *self)
{
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cursor = NULL;
  g_autofree char *path = NULL;

  /* The answer on its way may predate what the caller wants to see. */
  if (self->polling)
    self->poll_again = TRUE;
  if (self->polling || !can_send (self))
    return;

  cursor = sch_outbox_dup_cursor (self->store, &error);
  if (cursor != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (cursor, NULL, FALSE);

      path = g_strdup_printf ("/v1/changes?since=%s&limit=%d", escaped, CHANGES_LIMIT);
    }
  else
    {
      path = g_strdup_printf ("/v1/changes?limit=%d", CHANGES_LIMIT);
    }

  message = new_message (self, "GET", path);
  if (message == NULL)
    return;

  self->polling = TRUE;
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    self->cancellable, changes_done, g_object_ref (self));
}

static gboolean
poll_timeout (gpointer user_data)
{
  SchSyncEngine *self = user_data;

  self->poll_source = 0;
  poll_changes (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_poll (SchSyncEngine *self,
               guint          seconds)
{
  g_clear_handle_id (&self->poll_source, g_source_remove);
  if (!self->started)
    return;

  if (self->poll_again)
    seconds = 0;
  self->poll_again = FALSE;
  if (seconds == 0)
    self->poll_source = g_idle_add (poll_timeout, self);
  else
    self->poll_source = g_timeout_add_seconds (seconds, poll_timeout, self);
}

/* Control */

/* Retries everything now: "Sync now", the network came back, a setting changed. */
static void
retry_all (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;

  if (!self->started)
    return;

  set_halted (self, FALSE);
  /* A server that did not tell its limits is asked again. */
  self->info_failed = FALSE;
  if (!sch_outbox_make_due (self->store, &error))
    g_warning ("Making the outbox due failed: %s", error->message);
  schedule_pump (self);
  schedule_poll (self, 0);
}

static void
network_changed (GNetworkMonitor *monitor,
                 gboolean         available,
                 gpointer         user_data)
{
  SchSyncEngine *self = user_data;

  if (self->online != available)
    {
      self->online = available;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
    }

  /* Any change (another network, VPN up) may make the server reachable. */
  if (available && !self->halted)
    retry_all (self);
}

void
sch_sync_engine_start (SchSyncEngine *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  if (self->started)
    return;

  self->started = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->last_success = sch_outbox_get_last_success (self->store, NULL);
  self->last_success_written = self->last_success;

  if (!sch_outbox_reclaim_leases (self->store, self->owner, &error))
    g_warning ("Taking over the leases of a stopped Schalter failed: %s", error->message);

  schedule_pump (self);
  schedule_poll (self, 0);
}

void
sch_sync_engine_sync_now (SchSyncEngine *self)
{
  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  set_last_error (self, NULL);
  retry_all (self);
}

/* Cancelled calls finish on the next turns of the main loop and only then
 * drop their references: let them, so that the engine (its session, its
 * store) can go when its owner drops it right after stop(). */
static void
drain_cancelled (SchSyncEngine *self)
{
  GMainContext *context = g_main_context_ref_thread_default ();
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

  while ((g_hash_table_size (self->jobs) > 0 || self->polling || self->fetching_info) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (context, FALSE);

  g_main_context_unref (context);
}

void
sch_sync_engine_stop (SchSyncEngine *self)
{
  GHashTableIter iter;
  gpointer value;

  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  if (!self->started)
    return;

  self->started = FALSE;
  g_clear_handle_id (&self->wake_source, g_source_remove);
  g_clear_handle_id (&self->poll_source, g_source_remove);
  g_clear_handle_id (&self->pump_source, g_source_remove);

  g_hash_table_iter_init (&iter, self->jobs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Job *job = value;
      g_autoptr(GError) error = NULL;

      if (!sch_outbox_release (self->store, job->item, NULL, &error))
        g_warning ("Giving a call back failed: %s", error->message);
      g_cancellable_cancel (job->cancellable);
    }

  g_cancellable_cancel (self->cancellable);
  drain_cancelled (self);
}

static void
settings_changed (SchSyncEngine *self)
{
  drop_session (self);
  if (self->halted)
    set_last_error (self, NULL);
  retry_all (self);
}

static void
set_string (SchSyncEngine  *self,
            char          **field,
            const char     *value,
            guint           prop)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);
  settings_changed (self);
}

void
sch_sync_engine_set_server_url (SchSyncEngine *self,
                                const char    *server_url)
{
  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  set_string (self, &self->server_url, server_url, PROP_SERVER_URL);
}

void
sch_sync_engine_set_token (SchSyncEngine *self,
                           const char    *token)
{
  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  set_string (self, &self->token, token, PROP_TOKEN);
}

void
sch_sync_engine_set_ca_file (SchSyncEngine *self,
                             const char    *ca_file)
{
  g_return_if_fail (SCH_IS_SYNC_ENGINE (self));

  set_string (self, &self->ca_file, ca_file, PROP_CA_FILE);
}

gboolean
sch_sync_engine_get_online (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), FALSE);

  return self->online;
}

guint
sch_sync_engine_get_queued (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), 0);

  return self->queued;
}

guint64
sch_sync_engine_get_bytes_sent (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), 0);

  return self->bytes_sent;
}

guint64
sch_sync_engine_get_bytes_total (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), 0);

  return self->bytes_total;
}

gint64
sch_sync_engine_get_last_success (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), 0);

  return self->last_success;
}

const GError *
sch_sync_engine_get_last_error (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), NULL);

  return self->last_error;
}

gboolean
sch_sync_engine_get_halted (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), FALSE);

  return self->halted;
}

gboolean
sch_sync_engine_get_busy (SchSyncEngine *self)
{
  g_return_val_if_fail (SCH_IS_SYNC_ENGINE (self), FALSE);

  return g_hash_table_size (self->jobs) > 0 || self->pump_source != 0;
}

/* GObject */

SchSyncEngine *
sch_sync_engine_new (SchStore        *store,
                     SchCatalog      *catalog,
                     GNetworkMonitor *network_monitor)
{
  SchSyncEngine *self;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CATALOG (catalog), NULL);
  g_return_val_if_fail (network_monitor == NULL || G_IS_NETWORK_MONITOR (network_monitor), NULL);

  self = g_object_new (SCH_TYPE_SYNC_ENGINE, NULL);
  self->store = g_object_ref (store);
  self->blobs = g_object_ref (sch_store_get_blob_store (store));
  self->catalog = g_object_ref (catalog);
  self->monitor = g_object_ref (network_monitor != NULL ? network_monitor
                                                        : g_network_monitor_get_default ());
  self->online = g_network_monitor_get_network_available (self->monitor);
  g_signal_connect_object (self->monitor, "network-changed", G_CALLBACK (network_changed), self, 0);
  g_signal_connect_object (self->store, "outbox-changed", G_CALLBACK (update_queued), self,
                           G_CONNECT_SWAPPED);
  update_queued (self);

  return self;
}

static void
sch_sync_engine_dispose (GObject *object)
{
  SchSyncEngine *self = (SchSyncEngine *) object;

  sch_sync_engine_stop (self);
  drop_session (self);

  G_OBJECT_CLASS (sch_sync_engine_parent_class)->dispose (object);
}

static void
sch_sync_engine_finalize (GObject *object)
{
  SchSyncEngine *self = (SchSyncEngine *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->blobs);
  g_clear_object (&self->catalog);
  g_clear_object (&self->monitor);
  g_clear_object (&self->client_certificate);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->jobs, g_hash_table_unref);
  g_clear_error (&self->last_error);
  g_free (self->owner);
  g_free (self->server_url);
  g_free (self->ca_file);
  g_free (self->client_certificate_file);
  g_free (self->client_key_file);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);

  G_OBJECT_CLASS (sch_sync_engine_parent_class)->finalize (object);
}

static void
sch_sync_engine_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  SchSyncEngine *self = SCH_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL: g_value_set_string (value, self->server_url); break;
    case PROP_CA_FILE: g_value_set_string (value, self->ca_file); break;
    case PROP_CLIENT_CERTIFICATE_FILE: g_value_set_string (value, self->client_certificate_file); break;
    case PROP_CLIENT_KEY_FILE: g_value_set_string (value, self->client_key_file); break;
    case PROP_TOKEN: g_value_set_string (value, self->token); break;
    case PROP_POLL_INTERVAL: g_value_set_uint (value, self->poll_interval); break;
    case PROP_TIMEOUT: g_value_set_uint (value, self->timeout); break;
    case PROP_MAX_PARALLEL: g_value_set_uint (value, self->max_parallel); break;
    case PROP_BACKOFF_BASE_MS: g_value_set_uint (value, self->backoff_base_ms); break;
    case PROP_BACKOFF_CAP_MS: g_value_set_uint (value, self->backoff_cap_ms); break;
    case PROP_LEASE_SECONDS: g_value_set_uint (value, self->lease_seconds); break;
    case PROP_ONLINE: g_value_set_boolean (value, self->online); break;
    case PROP_QUEUED: g_value_set_uint (value, self->queued); break;
    case PROP_BYTES_SENT: g_value_set_uint64 (value, self->bytes_sent); break;
    case PROP_BYTES_TOTAL: g_value_set_uint64 (value, self->bytes_total); break;
    case PROP_LAST_SUCCESS: g_value_set_int64 (value, self->last_success); break;
    case PROP_LAST_ERROR: g_value_set_boxed (value, self->last_error); break;
    case PROP_HALTED: g_value_set_boolean (value, self->halted); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sch_sync_engine_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  SchSyncEngine *self = SCH_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_SERVER_URL:
      set_string (self, &self->server_url, g_value_get_string (value), prop_id);
      break;
    case PROP_CA_FILE:
      set_string (self, &self->ca_file, g_value_get_string (value), prop_id);
      break;
    case PROP_CLIENT_CERTIFICATE_FILE:
      set_string (self, &self->client_certificate_file, g_value_get_string (value), prop_id);
      break;
    case PROP_CLIENT_KEY_FILE:
      set_string (self, &self->client_key_file, g_value_get_string (value), prop_id);
      break;
    case PROP_TOKEN:
      set_string (self, &self->token, g_value_get_string (value), prop_id);
      break;
    case PROP_POLL_INTERVAL:
      self->poll_interval = g_value_get_uint (value);
      break;
    case PROP_TIMEOUT:
      self->timeout = g_value_get_uint (value);
      drop_session (self);
      break;
    case PROP_MAX_PARALLEL:
      self->max_parallel = g_value_get_uint (value);
      drop_session (self);
      break;
    case PROP_BACKOFF_BASE_MS:
      self->backoff_base_ms = g_value_get_uint (value);
      break;
    case PROP_BACKOFF_CAP_MS:
      self->backoff_cap_ms = g_value_get_uint (value);
      break;
    case PROP_LEASE_SECONDS:
      self->lease_seconds = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char *name,
                 const char *blurb)
{
  return g_param_spec_string (name, NULL, blurb, NULL,
                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
}

static GParamSpec *
uint_property (const char *name,
               guint       minimum,
               guint       maximum,
               guint       default_value)
{
  return g_param_spec_uint (name, NULL, NULL, minimum, maximum, default_value,
                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);
}

static void
sch_sync_engine_class_init (SchSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags read_only = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = sch_sync_engine_dispose;
  object_class->finalize = sch_sync_engine_finalize;
  object_class->get_property = sch_sync_engine_get_property;
  object_class->set_property = sch_sync_engine_set_property;

  properties[PROP_SERVER_URL] = string_property ("server-url", "Base URL of the migration office's API");
  properties[PROP_CA_FILE] = string_property ("ca-file", "Absolute path of a PEM CA file");
  properties[PROP_CLIENT_CERTIFICATE_FILE] = string_property ("client-certificate-file", "PEM client certificate");
  properties[PROP_CLIENT_KEY_FILE] = string_property ("client-key-file", "PEM key of the client certificate");
  properties[PROP_TOKEN] = string_property ("token", "The workstation's bearer token");
  properties[PROP_POLL_INTERVAL] = uint_property ("poll-interval", 1, 24 * 3600, 60);
  properties[PROP_TIMEOUT] = uint_property ("timeout", 1, 3600, 30);
  properties[PROP_MAX_PARALLEL] = uint_property ("max-parallel", 1, 32, 3);
  properties[PROP_BACKOFF_BASE_MS] = uint_property ("backoff-base-ms", 1, 3600 * 1000, 2000);
  properties[PROP_BACKOFF_CAP_MS] = uint_property ("backoff-cap-ms", 1, 24 * 3600 * 1000, 15 * 60 * 1000);
  properties[PROP_LEASE_SECONDS] = uint_property ("lease-seconds", 1, 24 * 3600, 600);
  properties[PROP_ONLINE] = g_param_spec_boolean ("online", NULL, NULL, TRUE, read_only);
  properties[PROP_QUEUED] = g_param_spec_uint ("queued", NULL, NULL, 0, G_MAXUINT, 0, read_only);
  properties[PROP_BYTES_SENT] = g_param_spec_uint64 ("bytes-sent", NULL, NULL, 0, G_MAXUINT64, 0, read_only);
  properties[PROP_BYTES_TOTAL] = g_param_spec_uint64 ("bytes-total", NULL, NULL, 0, G_MAXUINT64, 0, read_only);
  properties[PROP_LAST_SUCCESS] = g_param_spec_int64 ("last-success", NULL, NULL, 0, G_MAXINT64, 0, read_only);
  properties[PROP_LAST_ERROR] = g_param_spec_boxed ("last-error", NULL, NULL, G_TYPE_ERROR, read_only);
  properties[PROP_HALTED] = g_param_spec_boolean ("halted", NULL, NULL, FALSE, read_only);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT64, G_TYPE_UINT64);
  signals[CASE_UPDATED] = g_signal_new ("case-updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                        G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[DOCUMENTS_REQUESTED] = g_signal_new ("documents-requested", G_TYPE_FROM_CLASS (klass),
                                               G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                               G_TYPE_NONE, 3,
                                               G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                                               G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                                               G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[IDLE] = g_signal_new ("idle", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
sch_sync_engine_init (SchSyncEngine *self)
{
  g_autofree char *random = g_uuid_string_random ();

  self->jobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) job_free);
  self->owner = g_strdup_printf ("%s/%d/%s", g_get_host_name (), (int) getpid (), random);
  self->online = TRUE;
}
