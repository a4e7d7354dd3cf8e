/* The outbox: one row per call still to make to the migration office (create,
 * each document, submit; supplements likewise), with its state on disk and a
 * lease instead of a "sending" flag, so a crash never leaves a case stuck.
 * Also the status history the office reports, the server's field errors of a
 * refused case, and the sync cursor. All in the store's database (schema v4,
 * its indexes v5). */
#pragma once

#include <gio/gio.h>
#include "sch-store.h"
#include "sch-wire.h"

G_BEGIN_DECLS

/* Schema migrations to versions 4 and 5; run inside the store's migration transaction. */
gboolean    sch_outbox_migrate          (SchStore *store, GError **error);
gboolean    sch_outbox_migrate_indexes  (SchStore *store, GError **error);

typedef enum {
  SCH_OUTBOX_CREATE,             /* POST /v1/cases */
  SCH_OUTBOX_DOCUMENT,           /* PUT /v1/cases/{case}/documents/{document} */
  SCH_OUTBOX_SUBMIT,             /* POST /v1/cases/{case}/submit */
  SCH_OUTBOX_SUPPLEMENT,         /* POST /v1/cases/{case}/supplements */
  SCH_OUTBOX_SUPPLEMENT_SUBMIT,  /* POST /v1/cases/{case}/supplements/{supplement}/submit */
} SchOutboxKind;

/* One pending call, as leased by the engine. */
typedef struct {
  gint64         id;
  SchOutboxKind  kind;
  char          *case_uuid;
  char          *batch;         /* the case uuid, or the supplement uuid */
  GBytes        *body;          /* exact request bytes of CREATE and SUPPLEMENT */
  char          *doc_uuid;      /* DOCUMENT only, like the fields below */
  char          *slot;
  char          *media_type;
  guint64        size;
  char          *sha256;
  char          *blob_sha;
  guint          attempts;
} SchOutboxItem;

void        sch_outbox_item_free        (SchOutboxItem *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchOutboxItem, sch_outbox_item_free)

/* Queues @kase with its composed documents (@manifest: SchManifestEntry*,
 * already in the blob store). The body is serialised now and resent byte for
 * byte on every retry. A case the server refused (needs attention) is queued
 * again with a fresh body; a case already created on the server is refused.
 * Moves the case to "queued". */
gboolean    sch_outbox_queue_case       (SchStore            *store,
                                         SchCase             *kase,
                                         const SchWireOffice *office,
                                         GPtrArray           *manifest,
                                         GError             **error);
/* Queues documents for a submitted case (Nachreichen); returns the new
 * supplement's uuid. */
char       *sch_outbox_queue_supplement (SchStore   *store,
                                         SchCase    *kase,
                                         GPtrArray  *manifest,
                                         GError    **error);
/* Puts the refused calls of @kase back into the queue unchanged (after the
 * clerk dealt with the cause outside the case data, e.g. a 409). */
gboolean    sch_outbox_retry_case       (SchStore *store, SchCase *kase, GError **error);

/* Cases with calls still to make and none refused (the header bar's "queued"
 * number): a refused case waits for the clerk. */
guint       sch_outbox_count_queued     (SchStore *store, GError **error);
/* Bytes of documents still to upload. */
guint64     sch_outbox_pending_bytes    (SchStore *store, GError **error);
/* Whether @kase has calls that are not done yet. */
gboolean    sch_outbox_has_pending      (SchStore *store, const char *case_uuid, GError **error);

/* For the engine. Times are g_get_real_time() microseconds. Leases the next
 * call of up to @max cases that are due, not leased, and not in @busy (a set
 * of case uuids the caller works on). A case's calls go strictly in order;
 * a refused call blocks the rest of its case. Returns SchOutboxItem*. */
GPtrArray  *sch_outbox_lease_due        (SchStore   *store,
                                         gint64      now,
                                         const char *owner,
                                         gint64      lease_usec,
                                         GHashTable *busy,
                                         guint       max,
                                         GError    **error);
/* When the next call not in @busy becomes due (maybe in the past);
 * G_MAXINT64 when nothing waits. */
gint64      sch_outbox_next_due         (SchStore *store, GHashTable *busy, GError **error);
/* Leases of owners that can no longer hold them: other processes of this
 * host that are gone (killed, crashed), earlier engines of this process. */
gboolean    sch_outbox_reclaim_leases   (SchStore *store, const char *owner, GError **error);
/* Makes every waiting call due now ("Sync now", network back). */
gboolean    sch_outbox_make_due         (SchStore *store, GError **error);

gboolean    sch_outbox_mark_done        (SchStore *store, SchOutboxItem *item, GError **error);
/* Counts an attempt and waits until @next_attempt_at. */
gboolean    sch_outbox_mark_retry       (SchStore *store, SchOutboxItem *item, gint64 next_attempt_at,
                                         const char *message, GError **error);
/* Gives the lease back without counting an attempt (batch stopped). */
gboolean    sch_outbox_release          (SchStore *store, SchOutboxItem *item, const char *message,
                                         GError **error);
/* The server refused the call: it waits for the clerk (never deleted). */
gboolean    sch_outbox_mark_failed      (SchStore *store, SchOutboxItem *item, const char *message,
                                         GError **error);
/* Queues the listed documents of the case again (submit answered documents-missing). */
gboolean    sch_outbox_requeue_documents (SchStore *store, const char *case_uuid,
                                          const char * const *doc_uuids, GError **error);
/* Message of the refused call of a case, or NULL. */
char       *sch_outbox_dup_case_error   (SchStore *store, const char *case_uuid, GError **error);

/* Field errors of a refused case (422), mapped to the editor's fields. */
typedef struct {
  char  *group;    /* NULL when the server named nothing the clerk can edit */
  guint  index;
  char  *field;
  char  *message;
} SchFieldError;

void        sch_field_error_free        (SchFieldError *field_error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchFieldError, sch_field_error_free)

gboolean    sch_outbox_set_field_errors (SchStore *store, const char *case_uuid, GBytes *body,
                                         const SchProblem *problem, GError **error);
/* SchFieldError*, in the server's order. */
GPtrArray  *sch_outbox_get_field_errors (SchStore *store, SchCase *kase, GError **error);

/* The office's status history of a case. */
typedef struct {
  char *status;               /* "received", "documents-requested", or a newer name */
  char *at;                   /* RFC 3339 */
  char *note;                 /* may be NULL */
  char *requested_documents;  /* JSON array [{"slot", "note"}], may be NULL */
} SchStatusEntry;

void        sch_status_entry_free       (SchStatusEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchStatusEntry, sch_status_entry_free)

/* Stores a change; @added says whether it was new (a change seen twice is stored once). */
gboolean    sch_outbox_add_history      (SchStore *store, const char *case_uuid, const char *status,
                                         const char *at, const char *note,
                                         const char *requested_documents,
                                         gboolean *added, GError **error);
/* SchStatusEntry*, oldest first. */
GPtrArray  *sch_outbox_list_history     (SchStore *store, const char *case_uuid, GError **error);

/* The change feed's opaque cursor (NULL: from the beginning). */
char       *sch_outbox_dup_cursor       (SchStore *store, GError **error);
gboolean    sch_outbox_set_cursor       (SchStore *store, const char *cursor, GError **error);
/* Real time of the last sync that reached the server, 0 if never. */
gint64      sch_outbox_get_last_success (SchStore *store, GError **error);
gboolean    sch_outbox_set_last_success (SchStore *store, gint64 when, GError **error);

G_END_DECLS
