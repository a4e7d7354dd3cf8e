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
  set_limit (RLIMIT_CPU, CPU_SECONDS, CPU_SECONDS + 5);
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

/* For the tests of a helper that hangs or is killed: it tells its pid
 * (before its limits forbid writing files) and, once it has read its
 * request, never answers. Harmless elsewhere: the app kills it after its
 * timeout. */
static gboolean
test_hang_requested (void)
{
  const char *pid_file = g_getenv ("SCHALTER_PDF_HELPER_TEST_PIDFILE");

  if (g_strcmp0 (g_getenv ("SCHALTER_PDF_HELPER_TEST_HANG"), "1") != 0)
    return FALSE;
  if (pid_file != NULL)
    {
      g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());

      g_file_set_contents (pid_file, pid, -1, NULL);
    }
  return TRUE;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  gboolean hang = test_hang_requested ();

  apply_limits ();

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
