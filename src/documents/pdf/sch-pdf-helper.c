/* sch-pdf-helper.c: schalter-pdf-helper, opens untrusted PDFs for Schalter
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Reads one request from stdin, writes one response to stdout and exits.
 * It limits itself before it reads a byte, so that a hostile file can cost
 * at most a bounded amount of CPU time and memory and leaves no core dump.
 */
#define G_LOG_DOMAIN "sch-pdf-helper"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "sch-pdf-engine.h"

#define CPU_SECONDS 20
#define ADDRESS_SPACE ((rlim_t) 1024 * 1024 * 1024)

#if defined(__SANITIZE_ADDRESS__)
# define UNDER_ASAN 1
#elif defined(__has_feature)
# if __has_feature(address_sanitizer)
#  define UNDER_ASAN 1
# endif
#endif

/* For the tests of a helper that hangs, spins or is killed. Harmless
 * elsewhere: they can only make the helper stop working (the app kills it
 * after its timeout) or lower its CPU limit.
 *
 * SCHALTER_PDF_HELPER_TEST_PIDFILE: where it writes its pid, before its
 *   limits forbid writing files.
 * SCHALTER_PDF_HELPER_TEST_HANG=1: never answers once it has read its
 *   request.
 * SCHALTER_PDF_HELPER_TEST_STALL=hang:N or spin:N: after N pages (rendered,
 *   composed, flattened or decoded) it sleeps or burns CPU time for good,
 *   having created the empty file SCHALTER_PDF_HELPER_TEST_MARKER if set.
 * SCHALTER_PDF_HELPER_TEST_CPU_SECONDS: a CPU limit below its own. */

static guint stall_after;
static gboolean stall_spins;

static void
write_pid_file (void)
{
  const char *pid_file = g_getenv ("SCHALTER_PDF_HELPER_TEST_PIDFILE");
  g_autofree char *pid = NULL;

  if (pid_file == NULL)
    return;
  pid = g_strdup_printf ("%d", (int) getpid ());
  g_file_set_contents (pid_file, pid, -1, NULL);
}

static void
stall (guint n_pages_done)
{
  const char *marker = g_getenv ("SCHALTER_PDF_HELPER_TEST_MARKER");
  volatile guint64 spins = 0;

  if (n_pages_done != stall_after)
    return;
  /* An empty file: the limit on file sizes allows it. */
  if (marker != NULL)
    close (open (marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  for (;;)
    {
      if (stall_spins)
        spins++;
      else
        pause ();
    }
}

static void
read_test_stall (void)
{
  const char *stall_spec = g_getenv ("SCHALTER_PDF_HELPER_TEST_STALL");
  guint64 n = 0;

  if (stall_spec == NULL)
    return;
  if (g_str_has_prefix (stall_spec, "spin:"))
    stall_spins = TRUE;
  else if (!g_str_has_prefix (stall_spec, "hang:"))
    return;
  if (!g_ascii_string_to_unsigned (stall_spec + 5, 10, 1, G_MAXUINT, &n, NULL))
    return;
  stall_after = n;
  sch_pdf_engine_set_page_hook (stall);
}

static guint
cpu_seconds (void)
{
  guint64 seconds = 0;

  if (g_ascii_string_to_unsigned (g_getenv ("SCHALTER_PDF_HELPER_TEST_CPU_SECONDS") ?: "", 10,
                                  1, CPU_SECONDS - 1, &seconds, NULL))
    return seconds;
  return CPU_SECONDS;
}

static void
set_limit (int    resource,
           rlim_t soft,
           rlim_t hard)
{
  struct rlimit limit = { soft, hard };

  if (setrlimit (resource, &limit) != 0)
    {
      /* Without its limits the helper must not run at all. */
      perror ("schalter-pdf-helper: setrlimit");
      exit (3);
    }
}

static void
apply_limits (void)
{
  set_limit (RLIMIT_CORE, 0, 0);
  set_limit (RLIMIT_CPU, cpu_seconds (), CPU_SECONDS + 5);
  /* Nothing is written but stdout (a pipe, not limited by this); fonts'
   * caches that fontconfig might try to write fail instead of killing us. */
  signal (SIGXFSZ, SIG_IGN);
  set_limit (RLIMIT_FSIZE, 0, 0);
#ifndef UNDER_ASAN
  /* AddressSanitizer reserves terabytes of shadow address space. */
  set_limit (RLIMIT_AS, ADDRESS_SPACE, ADDRESS_SPACE);
#endif
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

static GBytes *
read_request (void)
{
  g_autoptr(GByteArray) input = g_byte_array_new ();
  guint8 buffer[65536];

  for (;;)
    {
      ssize_t n = read (STDIN_FILENO, buffer, sizeof buffer);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (input->len + (gsize) n > SCH_PDF_ENGINE_MAX_REQUEST)
        return NULL;
      g_byte_array_append (input, buffer, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&input));
}

static gboolean
write_all (GBytes *bytes)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);

  while (size > 0)
    {
      ssize_t n = write (STDOUT_FILENO, data, size);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      size -= n;
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  gboolean hang = g_strcmp0 (g_getenv ("SCHALTER_PDF_HELPER_TEST_HANG"), "1") == 0;

  write_pid_file ();
  apply_limits ();
  read_test_stall ();

  if (argc > 1)
    {
      fprintf (stderr, "Usage: %s < REQUEST > RESPONSE\n", argv[0]);
      return 2;
    }

  request = read_request ();
  while (hang)
    pause ();
  if (request == NULL)
    response = sch_pdf_engine_error_response ("too-large");
  else
    response = sch_pdf_engine_handle (request);
  return write_all (response) ? 0 : 1;
}
