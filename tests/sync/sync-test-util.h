/* Shared by the sync tests, the driver and the benchmark: the reference
 * receiver as a child process, its admin interface, test cases with
 * documents, and a private keyring. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include "sch-store.h"
#include "sch-wire.h"

G_BEGIN_DECLS

#define SYNC_TEST_TOKEN "ws-token-0123456789"
#define SYNC_TEST_ADMIN_TOKEN "admin-token-0123456789"
#define SYNC_TEST_OFFICE_BFS 3203

typedef struct {
  GSubprocess *process;
  char        *certs;
  char        *data;
  char        *url;
  char        *ca_file;
  guint        port;
  GStrv        extra_args;
} SyncReceiver;

/* Child setup for helper processes: SIGKILL when the test process dies. */
void          sync_test_die_with_parent (gpointer data);
/* Makes the test certificates (tests/receiver/make-certs.sh) in @dir. */
void          sync_test_make_certs    (const char *dir);
/* Starts the receiver on 127.0.0.1 (@port 0: any free one). */
SyncReceiver *sync_receiver_start     (const char *certs, const char *data, guint port,
                                       const char * const *extra_args);
/* Stops it (SIGTERM) and waits; sync_receiver_restart() starts it again on the same port. */
void          sync_receiver_stop      (SyncReceiver *receiver);
void          sync_receiver_restart   (SyncReceiver *receiver);
void          sync_receiver_free      (SyncReceiver *receiver);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncReceiver, sync_receiver_free)

/* Admin calls (blocking; tests only). Returns the parsed answer. */
JsonNode     *sync_admin_call         (SyncReceiver *receiver, const char *method, const char *path,
                                       const char *json_body, guint *status);
/* The receiver's cases: uuid -> JsonObject of GET /admin/cases. */
GHashTable   *sync_admin_cases        (SyncReceiver *receiver);
/* A counter of GET /admin/stats ("failures", "resets", "replays", ...). */
gint64        sync_admin_stat         (SyncReceiver *receiver, const char *name);

/* A complete family reunification case with @name as surname, saved. */
SchCase      *sync_test_make_case     (SchStore *store, const char *name);
/* @n documents of @size bytes (content from @seed) in the store's blob store. */
GPtrArray    *sync_test_make_manifest (SchStore *store, guint n, gsize size, guint seed);
void          sync_test_queue         (SchStore *store, SchCase *kase, GPtrArray *manifest);

/* Runs the default main context until @condition holds or @timeout_ms passed. */
gboolean      sync_test_wait          (gboolean (*condition) (gpointer), gpointer data,
                                       guint timeout_ms);
/* A network monitor that says "online" whatever the machine's routes (the
 * server is on 127.0.0.1); the tests switch it off and on. */
GNetworkMonitor *sync_test_monitor_new        (void);
void             sync_test_monitor_set_online (GNetworkMonitor *monitor, gboolean online);

/* Removes @path and everything below it. */
void          sync_test_rm_rf         (const char *path);
/* The state of the case as stored. */
SchCaseState  sync_test_case_state    (SchStore *store, const char *uuid);

/* A private D-Bus session with gnome-keyring's secret service in it, once
 * per test process; HOME, XDG_RUNTIME_DIR and XDG_DATA_HOME point into @dir
 * for the daemon. Both die with the test process: GDBus never sees its bus
 * go away under messages still on their way. */
void          sync_keyring_start      (const char *dir);

G_END_DECLS
