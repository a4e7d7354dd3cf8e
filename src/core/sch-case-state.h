/* Case states, see design.md. Stored as their string names. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SCH_CASE_STATE_DRAFT,
  SCH_CASE_STATE_COMPLETE,
  SCH_CASE_STATE_AWAITING_SIGNATURE,
  SCH_CASE_STATE_SIGNED,
  SCH_CASE_STATE_QUEUED,
  SCH_CASE_STATE_SENDING,
  SCH_CASE_STATE_SUBMITTED,
  SCH_CASE_STATE_RECEIVED,
  SCH_CASE_STATE_IN_REVIEW,
  SCH_CASE_STATE_DOCUMENTS_REQUESTED,
  SCH_CASE_STATE_DECIDED,
  SCH_CASE_STATE_CLOSED,
  SCH_CASE_STATE_NEEDS_ATTENTION,
  SCH_CASE_STATE_PURGED,
  SCH_N_CASE_STATES
} SchCaseState;

const char *sch_case_state_to_string   (SchCaseState state);  /* "draft", "awaiting-signature", ... */
gboolean    sch_case_state_from_string (const char *name, SchCaseState *state);
const char *sch_case_state_get_label   (SchCaseState state);  /* translated, for the UI */
/* Whether the clerk may still edit the captured data in this state. */
gboolean    sch_case_state_is_editable (SchCaseState state);
/* Whether the clerk may add, change or remove documents in this state. */
gboolean    sch_case_state_takes_documents (SchCaseState state);
/* Whether no page may be filed in the case any more, not even by the
 * signed-form intake: its documents for the migration office are listed. */
gboolean    sch_case_state_documents_fixed (SchCaseState state);

G_END_DECLS
