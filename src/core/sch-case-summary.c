#define G_LOG_DOMAIN "sch-case-summary"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-summary.h"

struct _SchCaseSummary
{
  GObject       parent_instance;

  char         *uuid;
  char         *type_code;
  SchCaseState  state;
  char         *display_name;
  char         *reference;
  gint64        modified;
};

G_DEFINE_FINAL_TYPE (SchCaseSummary, sch_case_summary, G_TYPE_OBJECT)

static void
sch_case_summary_finalize (GObject *object)
{
  SchCaseSummary *self = (SchCaseSummary *) object;

  g_free (self->uuid);
  g_free (self->type_code);
  g_free (self->display_name);
  g_free (self->reference);

  G_OBJECT_CLASS (sch_case_summary_parent_class)->finalize (object);
}

static void
sch_case_summary_class_init (SchCaseSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_case_summary_finalize;
}

static void
sch_case_summary_init (SchCaseSummary *self)
{
}

SchCaseSummary *
sch_case_summary_new (const char   *uuid,
                      const char   *type_code,
                      SchCaseState  state,
                      const char   *display_name,
                      const char   *reference,
                      gint64        modified_usec)
{
  SchCaseSummary *self;

  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (type_code != NULL, NULL);
  g_return_val_if_fail (state < SCH_N_CASE_STATES, NULL);

  self = g_object_new (SCH_TYPE_CASE_SUMMARY, NULL);
  self->uuid = g_strdup (uuid);
  self->type_code = g_strdup (type_code);
  self->state = state;
  self->display_name = g_strdup (display_name);
  self->reference = g_strdup (reference);
  self->modified = modified_usec;

  return self;
}

const char *
sch_case_summary_get_uuid (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), NULL);

  return self->uuid;
}

const char *
sch_case_summary_get_type_code (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), NULL);

  return self->type_code;
}

SchCaseState
sch_case_summary_get_state (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), SCH_CASE_STATE_DRAFT);

  return self->state;
}

const char *
sch_case_summary_get_display_name (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), NULL);

  return self->display_name;
}

const char *
sch_case_summary_get_reference (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), NULL);

  return self->reference;
}

gint64
sch_case_summary_get_modified (SchCaseSummary *self)
{
  g_return_val_if_fail (SCH_IS_CASE_SUMMARY (self), 0);

  return self->modified;
}
