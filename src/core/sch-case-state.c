#define G_LOG_DOMAIN "sch-case-state"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-state.h"

typedef struct {
  const char *name;
  const char *label;
  gboolean    editable;
  gboolean    takes_documents;
  gboolean    documents_fixed;
} StateInfo;

/* Indexed by SchCaseState; the names are what the database stores, so they
 * must never change. Documents: what the office asks for after submission
 * goes into the case itself, to be sent as a supplement. Once queued, the
 * list of documents for the migration office is made and no page may be
 * filed any more; a requested supplement is a list of its own. Between the
 * two, in a complete case or one awaiting signature, only the signed-form
 * intake files pages. */
static const StateInfo states[SCH_N_CASE_STATES] = {
  [SCH_CASE_STATE_DRAFT]               = { "draft", N_("Draft"), TRUE, TRUE, FALSE },
  /* Reopened as a draft to be edited again: "complete" means checked. */
  [SCH_CASE_STATE_COMPLETE]            = { "complete", N_("Complete"), FALSE, FALSE, FALSE },
  [SCH_CASE_STATE_AWAITING_SIGNATURE]  = { "awaiting-signature", N_("Awaiting signature"), FALSE, FALSE, FALSE },
  [SCH_CASE_STATE_SIGNED]              = { "signed", N_("Signed"), FALSE, FALSE, FALSE },
  [SCH_CASE_STATE_QUEUED]              = { "queued", N_("Queued"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_SENDING]             = { "sending", N_("Sending"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_SUBMITTED]           = { "submitted", N_("Submitted"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_RECEIVED]            = { "received", N_("Received"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_IN_REVIEW]           = { "in-review", N_("In review"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_DOCUMENTS_REQUESTED] = { "documents-requested", N_("Documents requested"), FALSE, TRUE, FALSE },
  [SCH_CASE_STATE_DECIDED]             = { "decided", N_("Decided"), FALSE, FALSE, TRUE },
  [SCH_CASE_STATE_CLOSED]              = { "closed", N_("Closed"), FALSE, FALSE, TRUE },
  /* The server refused the case as invalid: the clerk fixes it. */
  [SCH_CASE_STATE_NEEDS_ATTENTION]     = { "needs-attention", N_("Needs attention"), TRUE, TRUE, FALSE },
  [SCH_CASE_STATE_PURGED]              = { "purged", N_("Purged"), FALSE, FALSE, TRUE },
};

const char *
sch_case_state_to_string (SchCaseState state)
{
  g_return_val_if_fail (state < SCH_N_CASE_STATES, NULL);

  return states[state].name;
}

gboolean
sch_case_state_from_string (const char   *name,
                            SchCaseState *state)
{
  g_return_val_if_fail (state != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < SCH_N_CASE_STATES; i++)
    {
      if (g_str_equal (name, states[i].name))
        {
          *state = (SchCaseState) i;
          return TRUE;
        }
    }

  return FALSE;
}

const char *
sch_case_state_get_label (SchCaseState state)
{
  g_return_val_if_fail (state < SCH_N_CASE_STATES, NULL);

  return _(states[state].label);
}

gboolean
sch_case_state_is_editable (SchCaseState state)
{
  g_return_val_if_fail (state < SCH_N_CASE_STATES, FALSE);

  return states[state].editable;
}

gboolean
sch_case_state_takes_documents (SchCaseState state)
{
  g_return_val_if_fail (state < SCH_N_CASE_STATES, FALSE);

  return states[state].takes_documents;
}

gboolean
sch_case_state_documents_fixed (SchCaseState state)
{
  g_return_val_if_fail (state < SCH_N_CASE_STATES, FALSE);

  return states[state].documents_fixed;
}
