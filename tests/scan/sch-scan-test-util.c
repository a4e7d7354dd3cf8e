#include "config.h"

#include <dlfcn.h>
#include <glib/gstdio.h>

#include "sch-scan-test-util.h"

static void
write_file (const char *dir,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

void
sch_scan_test_keep_backend_loaded (void)
{
  /* sane_exit() unloads the backends, and LeakSanitizer could then not name
   * the frames of what the test backend leaks when its reader thread is
   * cancelled (the picture buffer). A reference of our own keeps it loaded. */
  dlopen (SANE_BACKEND_DIR "/libsane-test.so.1", RTLD_LAZY);
}

char *
sch_scan_test_make_config (const char *backend)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *system_conf = NULL;
  g_autoptr(GString) test_conf = g_string_new (NULL);
  char *dir;

  dir = g_dir_make_tmp ("sch-scan-XXXXXX", &error);
  g_assert_no_error (error);

  write_file (dir, "dll.conf", backend ? backend : "");
  if (g_file_get_contents ("/etc/sane.d/test.conf", &system_conf, NULL, NULL))
    g_string_append (test_conf, system_conf);
  /* Later lines win; 200 mm, the backend's default limit, is shorter than A4. */
  g_string_append (test_conf, "\nnumber_of_devices 2\ngeometry_max 300.0\n");
  write_file (dir, "test.conf", test_conf->str);

  if (backend != NULL && g_str_equal (backend, "test"))
    sch_scan_test_keep_backend_loaded ();

  /* No trailing ':': with one, SANE would also read the system folders. */
  g_setenv ("SANE_CONFIG_DIR", dir, TRUE);
  return dir;
}

void
sch_scan_test_remove_config (char *dir)
{
  g_autofree char *dll = g_build_filename (dir, "dll.conf", NULL);
  g_autofree char *test = g_build_filename (dir, "test.conf", NULL);

  g_unlink (dll);
  g_unlink (test);
  g_rmdir (dir);
  g_free (dir);
}

SchScanJob *
sch_scan_test_run (SchScanner           *scanner,
                   const SchScanRequest *request)
{
  SchScanJob *job = sch_scanner_scan (scanner, request, NULL);

  g_assert_nonnull (job);
  while (!sch_scan_job_is_finished (job))
    g_main_context_iteration (NULL, TRUE);
  return job;
}

void
sch_scan_test_drop_scanner (SchScanner *scanner)
{
  gpointer weak = scanner;

  g_object_add_weak_pointer (G_OBJECT (scanner), &weak);
  g_object_unref (scanner);
  while (weak != NULL)
    g_main_context_iteration (NULL, TRUE);
}
