/* The documents of a case in the store: pages per catalog slot, in order,
 * and the slots the clerk marked "to follow". Page files live in the
 * store's blob store; rows name them by sha256.
 *
 * Every change runs in one transaction, emits the store's "case-changed"
 * and returns snapshots of the pages as they were before (an array of
 * SchPage*): handing them to sch_store_restore_pages() undoes the change. */
#pragma once

#include <gio/gio.h>
#include "sch-app-type.h"
#include "sch-blob-store.h"
#include "sch-case.h"
#include "sch-page.h"
#include "sch-store.h"

G_BEGIN_DECLS

/* <database folder>/blobs; owned by @store. */
SchBlobStore *sch_store_get_blob_store  (SchStore *store);

/* Removes blob files that no page names (and stale temporary files), if
 * older than SCH_BLOB_STORE_GRACE_USEC. Run by sch_store_open(). */
gboolean   sch_store_sweep_blobs        (SchStore *store, guint *n_removed, GError **error);

/* Adds @pages (SchPage* made with sch_page_new(), blobs already put) to
 * @slot_id at @position (-1 or past the end: at the end), in order.
 * Journals "pages-added". Returns the stored pages (with ids), whose ids
 * sch_store_delete_pages() takes to undo. */
GPtrArray *sch_store_add_pages          (SchStore    *store,
                                         SchCase     *kase,
                                         const char  *slot_id,
                                         int          position,
                                         GPtrArray   *pages,
                                         GError     **error);

/* Pages of the case, by slot id then position; or of one slot (@slot_id). */
GPtrArray *sch_store_list_pages         (SchStore    *store,
                                         SchCase     *kase,
                                         const char  *slot_id,
                                         GError     **error);
/* Number of pages per slot id: a table of char* → GUINT_TO_POINTER (n). */
GHashTable *sch_store_count_pages       (SchStore    *store,
                                         SchCase     *kase,
                                         GError     **error);
/* Bytes of the distinct blobs the case's pages name (for the size limits). */
gboolean   sch_store_get_document_size  (SchStore    *store,
                                         SchCase     *kase,
                                         guint64     *size,
                                         GError     **error);

/* Sets the rotation (0, 90, 180, 270) of the pages with @ids (an array of gint64). */
GPtrArray *sch_store_rotate_pages       (SchStore    *store,
                                         SchCase     *kase,
                                         GArray      *ids,
                                         guint        rotation,
                                         GError     **error);
/* Deletes the pages (their blobs stay until no row names them). Journals "pages-deleted". */
GPtrArray *sch_store_delete_pages       (SchStore    *store,
                                         SchCase     *kase,
                                         GArray      *ids,
                                         GError     **error);
/* Moves one page to @position within its slot. */
GPtrArray *sch_store_move_page          (SchStore    *store,
                                         SchCase     *kase,
                                         gint64       id,
                                         guint        position,
                                         GError     **error);
/* Moves the pages, in the order of @ids, to @slot_id at @position (-1: at
 * the end). Journals "pages-moved". */
GPtrArray *sch_store_move_pages         (SchStore    *store,
                                         SchCase     *kase,
                                         GArray      *ids,
                                         const char  *slot_id,
                                         int          position,
                                         GError     **error);
/* Moves the pages of @from_slot_id from @from_position on to the end of
 * @to_slot_id (one ADF run into several documents). */
GPtrArray *sch_store_split_pages        (SchStore    *store,
                                         SchCase     *kase,
                                         const char  *from_slot_id,
                                         guint        from_position,
                                         const char  *to_slot_id,
                                         GError     **error);
/* Puts each page back to the slot, position and rotation of its snapshot,
 * re-creating deleted ones. Snapshots are applied by slot and position. */
gboolean   sch_store_restore_pages      (SchStore    *store,
                                         SchCase     *kase,
                                         GPtrArray   *snapshots,
                                         GError     **error);

/* Marks a slot "to follow" (the resident brings it later), with an optional
 * note, or clears the mark. @was_to_follow (optional) gets the previous
 * mark for undo. Journals "slot-to-follow" / "slot-to-follow-cleared". */
gboolean   sch_store_set_slot_to_follow (SchStore    *store,
                                         SchCase     *kase,
                                         const char  *slot_id,
                                         gboolean     to_follow,
                                         const char  *note,
                                         gboolean    *was_to_follow,
                                         GError     **error);

/* Deletes every page and slot mark of the case, then the blob files no
 * other page names (retention). Journals "documents-purged". */
gboolean   sch_store_purge_documents    (SchStore    *store,
                                         SchCase     *kase,
                                         GError     **error);

/* The checklist: the state of each slot of the case's type. */
typedef enum {
  SCH_SLOT_MISSING,
  SCH_SLOT_TO_FOLLOW,
  SCH_SLOT_FILLED,
} SchSlotState;

typedef struct {
  const SchDocSlot *slot;       /* owned by the SchAppType */
  guint             n_pages;
  gboolean          to_follow;
  char             *note;       /* the clerk's note on "to follow", or NULL */
} SchSlotStatus;

void          sch_slot_status_free        (SchSlotStatus *status);
/* FILLED when it has pages, else TO_FOLLOW when marked, else MISSING. */
SchSlotState  sch_slot_status_get_state   (const SchSlotStatus *status);
/* A translated sentence naming the document when the slot keeps the case
 * from being complete (required and missing, too few or too many pages);
 * NULL when it is fine. */
char         *sch_slot_status_dup_problem (const SchSlotStatus *status);

/* One SchSlotStatus per slot of @type, in the catalog's order. */
GPtrArray *sch_store_get_slot_status    (SchStore    *store,
                                         SchCase     *kase,
                                         SchAppType  *type,
                                         GError     **error);
/* TRUE if no status in @statuses has a problem: every required slot is
 * filled or to follow. */
gboolean   sch_slot_statuses_complete   (GPtrArray   *statuses);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchSlotStatus, sch_slot_status_free)

G_END_DECLS
