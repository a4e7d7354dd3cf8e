#define G_LOG_DOMAIN "sch-print"

#include "config.h"

#include <string.h>

#include "sch-printout.h"

#define DETAIL_PREFIX "form+receipt, "
#define SAVED_SUFFIX ", saved as PDF"

SchPrintout *
sch_printout_new (guint       number,
                  guint       n_form_pages,
                  const char *lang)
{
  SchPrintout *printout;

  g_return_val_if_fail (number >= 1 && n_form_pages >= 1, NULL);
  g_return_val_if_fail (lang != NULL, NULL);

  printout = g_new0 (SchPrintout, 1);
  printout->number = number;
  printout->n_form_pages = n_form_pages;
  printout->lang = g_strdup (lang);
  return printout;
}

void
sch_printout_free (SchPrintout *printout)
{
  if (printout == NULL)
    return;

  g_free (printout->lang);
  g_free (printout);
}

static gboolean
parse_number (const char *text,
              const char *prefix,
              guint      *out)
{
  guint64 value;

  if (!g_str_has_prefix (text, prefix) ||
      !g_ascii_string_to_unsigned (text + strlen (prefix), 10, 1, G_MAXUINT, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

/* A "printed" journal line as a printout; NULL for other lines (and for
 * prints journalled before printouts were numbered). */
static SchPrintout *
parse_line (const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, "\t", 4);
  g_autofree char *detail = NULL;
  g_auto(GStrv) parts = NULL;
  guint number, n_pages;

  if (g_strv_length (fields) < 4 || !g_str_equal (fields[2], SCH_PRINTOUT_JOURNAL_ACTION) ||
      !g_str_has_prefix (fields[3], DETAIL_PREFIX))
    return NULL;

  detail = g_strdup (fields[3] + strlen (DETAIL_PREFIX));
  if (g_str_has_suffix (detail, SAVED_SUFFIX))
    detail[strlen (detail) - strlen (SAVED_SUFFIX)] = '\0';

  /* "de, printout 2, form pages 4" */
  parts = g_strsplit (detail, ", ", -1);
  if (g_strv_length (parts) != 3 || strlen (parts[0]) != 2 ||
      !parse_number (parts[1], "printout ", &number) ||
      !parse_number (parts[2], "form pages ", &n_pages))
    return NULL;

  return sch_printout_new (number, n_pages, parts[0]);
}

gboolean
sch_printout_lookup_latest (SchStore     *store,
                            const char   *case_uuid,
                            SchPrintout **latest,
                            GError      **error)
{
  g_autoptr(GPtrArray) lines = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL, FALSE);
  g_return_val_if_fail (latest != NULL, FALSE);

  *latest = NULL;
  lines = sch_store_journal_list (store, case_uuid, error);
  if (lines == NULL)
    return FALSE;

  /* Newest first; the highest number wins should clocks have jumped. */
  for (guint i = 0; i < lines->len; i++)
    {
      SchPrintout *printout = parse_line (g_ptr_array_index (lines, i));

      if (printout == NULL)
        continue;
      if (*latest == NULL || printout->number > (*latest)->number)
        {
          sch_printout_free (*latest);
          *latest = printout;
        }
      else
        sch_printout_free (printout);
    }
  return TRUE;
}

gboolean
sch_printout_next_number (SchStore    *store,
                          const char  *case_uuid,
                          guint       *number,
                          GError     **error)
{
  g_autoptr(SchPrintout) latest = NULL;

  g_return_val_if_fail (number != NULL, FALSE);

  if (!sch_printout_lookup_latest (store, case_uuid, &latest, error))
    return FALSE;
  *number = latest != NULL ? latest->number + 1 : 1;
  return TRUE;
}

gboolean
sch_printout_record (SchStore           *store,
                     const char         *case_uuid,
                     const SchPrintout  *printout,
                     gboolean            saved,
                     GError            **error)
{
  g_autofree char *detail = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (case_uuid != NULL, FALSE);
  g_return_val_if_fail (printout != NULL && printout->lang != NULL, FALSE);

  detail = g_strdup_printf (DETAIL_PREFIX "%s, printout %u, form pages %u%s", printout->lang,
                            printout->number, printout->n_form_pages, saved ? SAVED_SUFFIX : "");
  return sch_store_journal_add (store, case_uuid, SCH_PRINTOUT_JOURNAL_ACTION, detail, error);
}
