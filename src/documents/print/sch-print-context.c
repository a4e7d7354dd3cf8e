#define G_LOG_DOMAIN "sch-print"

#include "config.h"

#include "sch-print-context.h"

SchPrintContext *
sch_print_context_new (void)
{
  SchPrintContext *context = g_new0 (SchPrintContext, 1);

  context->lang = g_strdup ("de");
  context->printout = 1;
  context->now = g_date_time_new_now_local ();
  return context;
}

SchPrintContext *
sch_print_context_copy (const SchPrintContext *context)
{
  SchPrintContext *copy;

  g_return_val_if_fail (context != NULL, NULL);

  copy = g_new0 (SchPrintContext, 1);
  copy->office_name = g_strdup (context->office_name);
  copy->office_address = g_strdupv (context->office_address);
  copy->office_contact = g_strdup (context->office_contact);
  copy->municipality = context->municipality;
  copy->clerk = g_strdup (context->clerk);
  copy->lang = g_strdup (context->lang);
  copy->now = context->now != NULL ? g_date_time_ref (context->now) : NULL;
  copy->migration_reference = g_strdup (context->migration_reference);
  copy->printout = context->printout;
  return copy;
}

void
sch_print_context_free (SchPrintContext *context)
{
  if (context == NULL)
    return;

  g_free (context->office_name);
  g_strfreev (context->office_address);
  g_free (context->office_contact);
  g_free (context->clerk);
  g_free (context->lang);
  g_clear_pointer (&context->now, g_date_time_unref);
  g_free (context->migration_reference);
  g_free (context);
}

SchPrintDocEntry *
sch_print_doc_entry_new (const char *title,
                         guint       n_pages,
                         gboolean    to_follow)
{
  SchPrintDocEntry *entry;

  g_return_val_if_fail (title != NULL, NULL);

  entry = g_new0 (SchPrintDocEntry, 1);
  entry->title = g_strdup (title);
  entry->n_pages = n_pages;
  entry->to_follow = to_follow;
  return entry;
}

void
sch_print_doc_entry_free (SchPrintDocEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->title);
  g_free (entry);
}
