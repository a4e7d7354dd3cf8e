/* rcv-store.h: the reference receiver's SQLite storage
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _RcvStore RcvStore;

/* Outcomes that are answers to the client, not failures of the store. */
typedef enum {
  RCV_ERROR,
  RCV_OK,
  RCV_CREATED,
  RCV_REPLAYED,
  RCV_CONFLICT,
  RCV_UNKNOWN_CASE,
  RCV_UNKNOWN_DOCUMENT,
  RCV_UNKNOWN_SUPPLEMENT,
  RCV_MISSING,
  RCV_NOT_SUBMITTED,
  RCV_CLOSED,
  RCV_DUPLICATE_DOCUMENT,
  RCV_TOO_MANY_DOCUMENTS,
  RCV_INVALID_CURSOR,
} RcvResult;

/* What the receiver saw, for tests that must know their faults happened
 * (GET /admin/stats). Kept across restarts. */
typedef enum {
  RCV_STAT_REQUESTS,             /* /v1/ requests */
  RCV_STAT_FAILURES,             /* answered 500 or 503 by fault injection */
  RCV_STAT_RESETS,               /* connections dropped by fault injection */
  RCV_STAT_UPLOADS_INTERRUPTED,  /* of those, uploads dropped before all their bytes arrived */
  RCV_STAT_STALLS,               /* requests held without an answer */
  RCV_STAT_CREATIONS,            /* cases created */
  RCV_STAT_REPLAYS,              /* case or supplement creations answered as replays */
  RCV_N_STATS
} RcvStat;

typedef struct {
  gint64 counts[RCV_N_STATS];
} RcvStats;

typedef struct {
  char   *slot;
  char   *media_type;
  gint64  size;
  char   *sha256;
  char   *received_at;  /* NULL until stored */
} RcvDocument;

void         rcv_document_free          (RcvDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RcvDocument, rcv_document_free)

RcvStore    *rcv_store_open             (const char  *dir,
                                         GError     **error);
void         rcv_store_free             (RcvStore    *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RcvStore, rcv_store_free)

const char  *rcv_store_get_documents_dir (RcvStore   *self);

/* A case belongs to the @office of the token that created it; its key
 * conflicts for every other office. @manifest is the request's "documents"
 * array, already validated. @answer receives the JSON text of the answer
 * (also for replays). */
RcvResult    rcv_store_create_case      (RcvStore    *self,
                                         const char  *uuid,
                                         const char  *office,
                                         const char  *workstation,
                                         const char  *canton,
                                         GBytes      *body,
                                         JsonArray   *manifest,
                                         char       **answer,
                                         GError     **error);
RcvResult    rcv_store_create_supplement (RcvStore   *self,
                                         const char  *case_uuid,
                                         const char  *id,
                                         GBytes      *body,
                                         JsonArray   *manifest,
                                         guint        max_documents,
                                         char       **answer,
                                         GError     **error);
RcvResult    rcv_store_lookup_document  (RcvStore    *self,
                                         const char  *case_uuid,
                                         const char  *id,
                                         RcvDocument **doc,
                                         GError     **error);
gboolean     rcv_store_mark_stored      (RcvStore    *self,
                                         const char  *case_uuid,
                                         const char  *id,
                                         const char  *at,
                                         GError     **error);
/* @answer receives the answer object, or for RCV_MISSING the missing ids. */
RcvResult    rcv_store_submit_case      (RcvStore    *self,
                                         const char  *uuid,
                                         JsonNode   **answer,
                                         GError     **error);
RcvResult    rcv_store_submit_supplement (RcvStore   *self,
                                         const char  *case_uuid,
                                         const char  *id,
                                         JsonNode   **answer,
                                         GError     **error);
/* The office @uuid belongs to; RCV_UNKNOWN_CASE if there is no such case. */
RcvResult    rcv_store_get_case_office  (RcvStore    *self,
                                         const char  *uuid,
                                         char       **office,
                                         GError     **error);
RcvResult    rcv_store_get_case         (RcvStore    *self,
                                         const char  *uuid,
                                         JsonNode   **answer,
                                         GError     **error);
/* The changes of @office's cases only. */
RcvResult    rcv_store_get_changes      (RcvStore    *self,
                                         const char  *office,
                                         const char  *since,
                                         guint        limit,
                                         JsonNode   **answer,
                                         GError     **error);
RcvResult    rcv_store_set_status       (RcvStore    *self,
                                         const char  *uuid,
                                         const char  *status,
                                         const char  *note,
                                         JsonArray   *requested,
                                         GError     **error);
JsonNode    *rcv_store_list_cases       (RcvStore    *self,
                                         GError     **error);

gboolean     rcv_store_load_stats       (RcvStore        *self,
                                         RcvStats        *stats,
                                         GError         **error);
gboolean     rcv_store_save_stats       (RcvStore        *self,
                                         const RcvStats  *stats,
                                         GError         **error);
JsonNode    *rcv_stats_to_json          (const RcvStats  *stats);

char        *rcv_now_string             (void);

G_END_DECLS
