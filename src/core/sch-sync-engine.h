/* Sends the outbox to the migration office (docs/api.md) and follows the
 * office's status changes. Runs on the thread-default main context it was
 * started on; every I/O is asynchronous. */
#pragma once

#include <gio/gio.h>
#include "sch-catalog.h"
#include "sch-store.h"

G_BEGIN_DECLS

#define SCH_SYNC_ERROR (sch_sync_error_quark ())
GQuark sch_sync_error_quark (void);

/* What the header bar's banner tells the clerk; see sch_sync_engine_get_last_error(). */
typedef enum {
  SCH_SYNC_ERROR_SETTINGS,      /* no or an invalid server address, CA or certificate file */
  SCH_SYNC_ERROR_TOKEN,         /* 401: the token is missing, wrong, expired or revoked */
  SCH_SYNC_ERROR_FORBIDDEN,     /* 403: the token may not do this */
  SCH_SYNC_ERROR_TLS,           /* the server's certificate is not trusted, or the handshake failed */
  SCH_SYNC_ERROR_NETWORK,       /* the server cannot be reached; retried by itself */
  SCH_SYNC_ERROR_SERVER,        /* the server is busy or failed; retried by itself */
  SCH_SYNC_ERROR_CLIENT_CERTIFICATE, /* the server wants a client certificate: none or another one */
} SchSyncError;

#define SCH_TYPE_SYNC_ENGINE (sch_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (SchSyncEngine, sch_sync_engine, SCH, SYNC_ENGINE, GObject)

/* Properties (all readable; the settings ones writable):
 *   server-url           base URL, e.g. "https://intake.example/schalter"
 *   ca-file              absolute path of a PEM CA file to trust instead of the system's, or NULL
 *   client-certificate-file, client-key-file   PEM files of a TLS client certificate, or NULL
 *   token                the workstation's bearer token (from SchCredentials; never logged)
 *   poll-interval        seconds between GET /v1/changes (default 60)
 *   timeout              seconds without progress on a connection (default 30)
 *   max-parallel         cases sent at the same time (default 3)
 *   backoff-base-ms, backoff-cap-ms   retry delays (default 2 s, 15 min)
 *   lease-seconds        how long a call is reserved for this client (default 600)
 *   online               the network monitor's view (read-only)
 *   queued               cases with calls still to make (read-only; counted when calls are
 *                        queued or a case leaves the queue, so reading it costs nothing)
 *   bytes-sent, bytes-total   document bytes of the current run (read-only)
 *   last-success         real time (µs) of the last successful (2xx) answer, 0 if none (read-only)
 *   last-error           a GError (SCH_SYNC_ERROR) with a translated message saying what to do,
 *                        or NULL (read-only)
 *   halted               a settings error stopped sending until settings change or sync_now (read-only)
 * Changing a setting ends a halt and retries at once. */

/* Documents are read from the store's blob store; @catalog names them in
 * messages. @network_monitor may be NULL for the default one. */
SchSyncEngine *sch_sync_engine_new          (SchStore        *store,
                                             SchCatalog      *catalog,
                                             GNetworkMonitor *network_monitor);

void           sch_sync_engine_start        (SchSyncEngine *self);
/* Retries every waiting call and polls the changes at once; ends a halt. */
void           sch_sync_engine_sync_now     (SchSyncEngine *self);
/* Cancels the running calls and gives their leases back. */
void           sch_sync_engine_stop         (SchSyncEngine *self);

void           sch_sync_engine_set_server_url (SchSyncEngine *self, const char *server_url);
void           sch_sync_engine_set_token      (SchSyncEngine *self, const char *token);
void           sch_sync_engine_set_ca_file    (SchSyncEngine *self, const char *ca_file);

gboolean       sch_sync_engine_get_online     (SchSyncEngine *self);
guint          sch_sync_engine_get_queued     (SchSyncEngine *self);
guint64        sch_sync_engine_get_bytes_sent (SchSyncEngine *self);
guint64        sch_sync_engine_get_bytes_total (SchSyncEngine *self);
gint64         sch_sync_engine_get_last_success (SchSyncEngine *self);
const GError  *sch_sync_engine_get_last_error (SchSyncEngine *self);
gboolean       sch_sync_engine_get_halted     (SchSyncEngine *self);
/* Whether calls are running or waiting to be made right now. */
gboolean       sch_sync_engine_get_busy       (SchSyncEngine *self);

/* Signals:
 *   "progress"            (guint64 bytes_sent, guint64 bytes_total)
 *   "case-updated"        (const char *case_uuid): state, reference, history or error changed
 *   "documents-requested" (const char *case_uuid, const char *reference,
 *                          const char *requested_documents_json): show a notification
 *   "idle"                (): nothing due is left to send (tests, the indicator) */

G_END_DECLS
