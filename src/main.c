#define G_LOG_DOMAIN "schalter"

#include "config.h"

#include <locale.h>
#include <glib/gi18n.h>

#include "sch-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr(SchApplication) app = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Schalter"));

  app = sch_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
