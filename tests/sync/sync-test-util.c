#include "config.h"

#include <signal.h>
#include <sys/prctl.h>

#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <libsoup/soup.h>

#include "sch-outbox.h"
#include "sch-store-pages.h"
#include "sync-test-util.h"

void
sync_test_make_certs (const char *dir)
{
  const char *script = g_getenv ("SCHALTER_MAKE_CERTS");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process = NULL;

  g_assert_nonnull (script);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE, &error, "sh", script, dir, NULL);
  g_assert_no_error (error);
  g_subprocess_wait_check (process, NULL, &error);
  g_assert_no_error (error);
}

/* A test that aborts must not leave its receiver or client running: they
 * would hold meson's output pipe open until the test's timeout. */
void
sync_test_die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static void
receiver_spawn (SyncReceiver *self)
{
  const char *program = g_getenv ("SCHALTER_RECEIVER");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_autofree char *cert = g_build_filename (self->certs, "server.pem", NULL);
  g_autofree char *key = g_build_filename (self->certs, "server.key", NULL);
  guint64 port = 0;

  g_assert_nonnull (program);
  g_ptr_array_add (argv, g_strdup (program));
  g_ptr_array_add (argv, g_strconcat ("--cert=", cert, NULL));
  g_ptr_array_add (argv, g_strconcat ("--key=", key, NULL));
  g_ptr_array_add (argv, g_strconcat ("--data=", self->data, NULL));
  g_ptr_array_add (argv, g_strdup_printf ("--port=%u", self->port));
  /* The workstation belongs to the office its cases name. */
  g_ptr_array_add (argv, g_strdup_printf ("--token=%u/ws-test:%s", SYNC_TEST_OFFICE_BFS, SYNC_TEST_TOKEN));
  g_ptr_array_add (argv, g_strdup ("--admin-token=" SYNC_TEST_ADMIN_TOKEN));
  for (guint i = 0; self->extra_args != NULL && self->extra_args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (self->extra_args[i]));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_subprocess_launcher_set_child_setup (launcher, sync_test_die_with_parent, NULL, NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (self->process));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  g_assert_true (g_str_has_prefix (line, "listening on https://127.0.0.1:"));
  g_assert_true (g_ascii_string_to_unsigned (strrchr (line, ':') + 1, 10, 1, 65535, &port, NULL));
  self->port = (guint) port;
  g_free (self->url);
  self->url = g_strdup_printf ("https://127.0.0.1:%u", self->port);
}

SyncReceiver *
sync_receiver_start (const char          *certs,
                     const char          *data,
                     guint                port,
                     const char * const  *extra_args)
{
  SyncReceiver *self = g_new0 (SyncReceiver, 1);

  self->certs = g_strdup (certs);
  self->data = g_strdup (data);
  self->ca_file = g_build_filename (certs, "ca.pem", NULL);
  self->port = port;
  self->extra_args = g_strdupv ((char **) extra_args);
  receiver_spawn (self);

  return self;
}

void
sync_receiver_stop (SyncReceiver *self)
{
  g_autoptr(GError) error = NULL;

  if (self->process == NULL)
    return;

  g_subprocess_send_signal (self->process, SIGTERM);
  g_subprocess_wait (self->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&self->process);
}

void
sync_receiver_restart (SyncReceiver *self)
{
  sync_receiver_stop (self);
  receiver_spawn (self);
}

void
sync_receiver_free (SyncReceiver *self)
{
  sync_receiver_stop (self);
  g_free (self->certs);
  g_free (self->data);
  g_free (self->url);
  g_free (self->ca_file);
  g_strfreev (self->extra_args);
  g_free (self);
}

JsonNode *
sync_admin_call (SyncReceiver *self,
                 const char   *method,
                 const char   *path,
                 const char   *json_body,
                 guint        *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = g_tls_file_database_new (self->ca_file, &error);
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) message = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *uri = g_strconcat (self->url, path, NULL);
  g_autofree char *client_pem = g_build_filename (self->certs, "client.pem", NULL);
  g_autofree char *client_key = g_build_filename (self->certs, "client.key", NULL);
  g_autoptr(GTlsCertificate) client = NULL;

  g_assert_no_error (error);
  /* For a receiver started with --client-ca; others do not ask for it. */
  client = g_tls_certificate_new_from_files (client_pem, client_key, &error);
  g_assert_no_error (error);
  session = g_object_new (SOUP_TYPE_SESSION, "tls-database", database, "timeout", 30, NULL);
  message = soup_message_new (method, uri);
  soup_message_set_tls_client_certificate (message, client);
  soup_message_headers_replace (soup_message_get_request_headers (message),
                                "Authorization", "Bearer " SYNC_TEST_ADMIN_TOKEN);
  if (json_body != NULL)
    {
      g_autoptr(GBytes) body = g_bytes_new (json_body, strlen (json_body));

      soup_message_set_request_body_from_bytes (message, "application/json", body);
    }

  answer = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  if (status != NULL)
    *status = soup_message_get_status (message);

  if (g_bytes_get_size (answer) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), NULL))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

GHashTable *
sync_admin_cases (SyncReceiver *self)
{
  guint status = 0;
  g_autoptr(JsonNode) root = sync_admin_call (self, "GET", "/admin/cases", NULL, &status);
  GHashTable *cases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             (GDestroyNotify) json_object_unref);
  JsonArray *array;

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      g_hash_table_insert (cases, g_strdup (json_object_get_string_member (object, "uuid")),
                           json_object_ref (object));
    }

  return cases;
}

gint64
sync_admin_stat (SyncReceiver *self,
                 const char   *name)
{
  guint status = 0;
  g_autoptr(JsonNode) root = sync_admin_call (self, "GET", "/admin/stats", NULL, &status);

  g_assert_cmpuint (status, ==, 200);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  g_assert_true (json_object_has_member (json_node_get_object (root), name));
  return json_object_get_int_member (json_node_get_object (root), name);
}

SchCase *
sync_test_make_case (SchStore   *store,
                     const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_create_case (store, "family-reunification", &error);
  static const char * const values[][3] = {
    { "person", "first_names", "Maria Luisa" },
    { "person", "date_of_birth", "1988-04-17" },
    { "person", "sex", "2" },
    { "person", "marital_status", "2" },
    { "person", "nationality", "IT" },
    { "person", "ahv", "756.1234.5678.97" },
    { "person", "zemis", "12345678.9" },
    { "person", "passport_number", "YA1234567" },
    { "address", "street", "Rorschacher Strasse" },
    { "address", "house_number", "21" },
    { "address", "postal_code", "9000" },
    { "address", "town", "St. Gallen" },
    { "address", "municipality", "3203" },
    { "permit", "category", "0201" },
    { "housing", "rooms", "3" },
  };
  guint member;

  g_assert_no_error (error);
  sch_case_set_value (kase, "person", 0, "official_name", name);
  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    sch_case_set_value (kase, values[i][0], 0, values[i][1], values[i][2]);

  member = sch_case_add_item (kase, "family");
  sch_case_set_value (kase, "family", member, "relationship", "spouse");
  sch_case_set_value (kase, "family", member, "official_name", name);
  sch_case_set_value (kase, "family", member, "first_names", "Luca");
  sch_case_set_value (kase, "family", member, "date_of_birth", "1986-11-02");
  sch_case_set_value (kase, "family", member, "sex", "1");

  g_assert_true (sch_store_save_case (store, kase, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&kase);
}

GPtrArray *
sync_test_make_manifest (SchStore *store,
                         guint     n,
                         gsize     size,
                         guint     seed)
{
  GPtrArray *manifest = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_manifest_entry_free);
  SchBlobStore *blobs = sch_store_get_blob_store (store);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GRand) rand = g_rand_new_with_seed (seed * 131 + i);
      g_autoptr(GBytes) bytes = NULL;
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *sha = NULL;
      guint32 *words = g_malloc (size + 4);

      for (gsize w = 0; w < size / 4 + 1; w++)
        words[w] = g_rand_int (rand);
      bytes = g_bytes_new_take (words, size);
      sha = sch_blob_store_put_bytes (blobs, bytes, &error);
      g_assert_no_error (error);

      g_ptr_array_add (manifest, sch_manifest_entry_new (uuid, i == 0 ? "signed-form" : "passports",
                                                         "application/pdf", size, sha, sha));
    }

  return manifest;
}

void
sync_test_queue (SchStore  *store,
                 SchCase   *kase,
                 GPtrArray *manifest)
{
  g_autoptr(GError) error = NULL;
  SchWireOffice office = { SYNC_TEST_OFFICE_BFS, "Anna Keller", "akeller" };

  g_assert_true (sch_outbox_queue_case (store, kase, &office, manifest, &error));
  g_assert_no_error (error);
}

gboolean
sync_test_wait (gboolean (*condition) (gpointer),
                gpointer   data,
                guint      timeout_ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!condition (data))
    {
      if (g_get_monotonic_time () > end)
        return FALSE;
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (2000);
    }

  return TRUE;
}

/* A network monitor the tests switch; GIO's base monitor is private. */
#define SYNC_TYPE_TEST_MONITOR (sync_test_monitor_get_type ())
G_DECLARE_FINAL_TYPE (SyncTestMonitor, sync_test_monitor, SYNC, TEST_MONITOR, GObject)

struct _SyncTestMonitor {
  GObject  parent_instance;
  gboolean online;
};

enum {
  MONITOR_PROP_0,
  MONITOR_PROP_AVAILABLE,
  MONITOR_PROP_METERED,
  MONITOR_PROP_CONNECTIVITY,
};

static gboolean
sync_test_monitor_initable_init (GInitable     *initable,
                                 GCancellable  *cancellable,
                                 GError       **error)
{
  return TRUE;
}

static void
sync_test_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = sync_test_monitor_initable_init;
}

static gboolean
sync_test_monitor_can_reach (GNetworkMonitor     *monitor,
                             GSocketConnectable  *connectable,
                             GCancellable        *cancellable,
                             GError             **error)
{
  if (SYNC_TEST_MONITOR (monitor)->online)
    return TRUE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NETWORK_UNREACHABLE, "Offline (test)");
  return FALSE;
}

static void
sync_test_monitor_iface_init (GNetworkMonitorInterface *iface)
{
  iface->can_reach = sync_test_monitor_can_reach;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SyncTestMonitor, sync_test_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, sync_test_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, sync_test_monitor_iface_init))

static void
sync_test_monitor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  SyncTestMonitor *self = SYNC_TEST_MONITOR (object);

  switch (prop_id)
    {
    case MONITOR_PROP_AVAILABLE:
      g_value_set_boolean (value, self->online);
      break;
    case MONITOR_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case MONITOR_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->online ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sync_test_monitor_class_init (SyncTestMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = sync_test_monitor_get_property;
  g_object_class_override_property (object_class, MONITOR_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, MONITOR_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, MONITOR_PROP_CONNECTIVITY, "connectivity");
}

static void
sync_test_monitor_init (SyncTestMonitor *self)
{
  self->online = TRUE;
}

void
sync_test_monitor_set_online (GNetworkMonitor *monitor,
                              gboolean         online)
{
  SyncTestMonitor *self = SYNC_TEST_MONITOR (monitor);

  if (self->online == online)
    return;

  self->online = online;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", online);
}

GNetworkMonitor *
sync_test_monitor_new (void)
{
  return g_object_new (SYNC_TYPE_TEST_MONITOR, NULL);
}

void
sync_test_rm_rf (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          sync_test_rm_rf (child);
        }
      g_rmdir (path);
    }
  else
    {
      g_unlink (path);
    }
}

SchCaseState
sync_test_case_state (SchStore   *store,
                      const char *uuid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SchCase) kase = sch_store_load_case (store, uuid, &error);

  g_assert_no_error (error);
  return sch_case_get_state (kase);
}

/* Keyring */

/* A private session bus; its address goes into the environment before
 * anything in this process connects. */
static GSubprocess *
start_bus (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *address = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  GSubprocess *bus;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, sync_test_die_with_parent, NULL, NULL);
  bus = g_subprocess_launcher_spawn (launcher, &error,
                                     "dbus-daemon", "--session", "--nofork", "--print-address", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (bus));
  address = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (address);
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", address, TRUE);

  return bus;
}

static gboolean
secrets_on_bus (void)
{
  g_autoptr(GDBusConnection) bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, NULL);
  g_autoptr(GVariant) reply = NULL;
  gboolean has_owner = FALSE;

  if (bus == NULL)
    return FALSE;

  reply = g_dbus_connection_call_sync (bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "NameHasOwner",
                                       g_variant_new ("(s)", "org.freedesktop.secrets"),
                                       G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL, NULL);
  if (reply != NULL)
    g_variant_get (reply, "(b)", &has_owner);

  return has_owner;
}

void
sync_keyring_start (const char *dir)
{
  static GSubprocess *bus, *daemon;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = g_build_filename (dir, "run", NULL);
  g_autofree char *data = g_build_filename (dir, "data", NULL);
  GOutputStream *in;
  gint64 end;

  g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (data, 0700), ==, 0);

  g_assert_null (bus);
  bus = start_bus ();

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_set_child_setup (launcher, sync_test_die_with_parent, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "HOME", dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data, TRUE);
  /* --unlock reads a login password (empty) from standard input; without a
   * prompter no login keyring is made, so tests store into the session
   * collection. */
  daemon = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon", "--start",
                                        "--foreground", "--components=secrets", "--unlock", NULL);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (daemon);
  g_output_stream_close (in, NULL, &error);
  g_assert_no_error (error);

  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!secrets_on_bus ())
    {
      g_assert_cmpint (g_get_monotonic_time (), <, end);
      g_usleep (20000);
    }
}

