/* A minimal Schalter that only syncs: the fault test runs it against the
 * same database again and again and kills it with SIGKILL at random moments. */
#include "config.h"

#include <stdlib.h>

#include "sch-outbox.h"
#include "sch-sync-engine.h"
#include "sync-test-util.h"

typedef struct {
  SchStore      *store;
  SchSyncEngine *engine;
  GMainLoop     *loop;
} Driver;

static gboolean
check_done (gpointer user_data)
{
  Driver *driver = user_data;

  if (sch_outbox_count_queued (driver->store, NULL) == 0 && !sch_sync_engine_get_busy (driver->engine))
    g_main_loop_quit (driver->loop);

  return G_SOURCE_CONTINUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *db = NULL;
  g_autofree char *url = NULL;
  g_autofree char *ca = NULL;
  g_autofree char *token = NULL;
  gboolean until_done = FALSE;
  int timeout = 30;
  int parallel = 3;
  int backoff_ms = 2000;
  int backoff_cap_ms = 15 * 60 * 1000;
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, "Database", "FILE" },
    { "url", 0, 0, G_OPTION_ARG_STRING, &url, "Server URL", "URL" },
    { "ca", 0, 0, G_OPTION_ARG_FILENAME, &ca, "CA file", "FILE" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &token, "Token", "TOKEN" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &timeout, "I/O timeout in seconds", "S" },
    { "parallel", 0, 0, G_OPTION_ARG_INT, &parallel, "Cases in parallel", "N" },
    { "backoff-ms", 0, 0, G_OPTION_ARG_INT, &backoff_ms, "Backoff base", "MS" },
    { "backoff-cap-ms", 0, 0, G_OPTION_ARG_INT, &backoff_cap_ms, "Backoff cap", "MS" },
    { "until-done", 0, 0, G_OPTION_ARG_NONE, &until_done, "Exit when nothing is queued", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- sync a Schalter database");
  g_autoptr(GError) error = NULL;
  g_autoptr(GNetworkMonitor) monitor = NULL;
  g_autoptr(SchCatalog) catalog = NULL;
  Driver driver = { NULL };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || db == NULL || url == NULL)
    {
      g_printerr ("sync-driver: %s\n", error != NULL ? error->message : "--db and --url are required");
      return 2;
    }

  driver.store = sch_store_open (db, &error);
  if (driver.store == NULL)
    {
      g_printerr ("sync-driver: %s\n", error->message);
      return 1;
    }

  /* The server is on 127.0.0.1: the machine's routes do not matter. */
  monitor = sync_test_monitor_new ();
  catalog = sch_catalog_new_default ();
  driver.engine = sch_sync_engine_new (driver.store, catalog, monitor);
  g_object_set (driver.engine,
                "server-url", url,
                "ca-file", ca,
                "token", token,
                "timeout", (guint) timeout,
                "max-parallel", (guint) parallel,
                "backoff-base-ms", (guint) backoff_ms,
                "backoff-cap-ms", (guint) backoff_cap_ms,
                "poll-interval", 3600,
                NULL);
  driver.loop = g_main_loop_new (NULL, FALSE);
  sch_sync_engine_start (driver.engine);
  if (until_done)
    g_timeout_add (100, check_done, &driver);

  g_main_loop_run (driver.loop);

  sch_sync_engine_stop (driver.engine);
  g_clear_object (&driver.engine);
  g_clear_object (&driver.store);
  g_main_loop_unref (driver.loop);
  return EXIT_SUCCESS;
}
