/* The local SQLite store: cases, their search index and the journal.
 * One connection, used from the main thread. */
#pragma once

#include <gio/gio.h>
#include "sch-case.h"

G_BEGIN_DECLS

#define SCH_STORE_ERROR (sch_store_error_quark ())
GQuark sch_store_error_quark (void);

typedef enum {
  SCH_STORE_ERROR_NEWER_SCHEMA,   /* made by a newer Schalter: not touched */
  SCH_STORE_ERROR_CORRUPT,        /* not a database / malformed: not touched */
  SCH_STORE_ERROR_READ_ONLY,      /* folder or file not writable */
  SCH_STORE_ERROR_DISK_FULL,
  SCH_STORE_ERROR_BUSY,           /* another Schalter holds the database */
  SCH_STORE_ERROR_NOT_FOUND,      /* no such case */
  SCH_STORE_ERROR_FAILED,
} SchStoreError;

#define SCH_TYPE_STORE (sch_store_get_type ())
G_DECLARE_FINAL_TYPE (SchStore, sch_store, SCH, STORE, GObject)

/* $XDG_DATA_HOME/schalter/schalter.db, or $SCHALTER_DB when set (tests). */
char      *sch_store_default_path (void);

/* Opens or creates the database at @path (folder made 0700, file 0600),
 * migrating older schemas forward. Errors carry a translated message a clerk
 * can act on; a database that cannot be opened is never overwritten. */
SchStore  *sch_store_open         (const char *path, GError **error);
const char *sch_store_get_path    (SchStore *self);
int        sch_store_get_schema_version (SchStore *self);
#define SCH_STORE_SCHEMA_VERSION 5

/* Inserts a new draft case for @type_code and journals it. */
SchCase   *sch_store_create_case  (SchStore *self, const char *type_code, GError **error);
SchCase   *sch_store_load_case    (SchStore *self, const char *uuid, GError **error);
/* Writes the case's data (and search index) if dirty; bumps modified; marks saved. */
gboolean   sch_store_save_case    (SchStore *self, SchCase *kase, GError **error);
/* Changes the state durably (synchronous=FULL) and journals it. */
gboolean   sch_store_set_state    (SchStore *self, SchCase *kase, SchCaseState state, GError **error);
/* Deletes a draft (only drafts) and journals it. */
gboolean   sch_store_delete_draft (SchStore *self, SchCase *kase, GError **error);

/* Journal: who (OS user) did what to which case. @detail must hold no personal data. */
gboolean   sch_store_journal_add  (SchStore *self, const char *case_uuid, const char *action,
                                   const char *detail, GError **error);
/* Journal lines for a case, newest first: a GPtrArray of char* "ISO-time\tuser\taction\tdetail". */
GPtrArray *sch_store_journal_list (SchStore *self, const char *case_uuid, GError **error);

/* The raw connection, for the case list and benchmarks in this layer only. */
struct sqlite3 *sch_store_get_db  (SchStore *self);

/* Emitted after a case was created, saved, changed state or was deleted. */
/* signal "case-changed" (SchStore *store, const char *uuid) */
/* Emitted after calls for the migration office were queued or queued again. */
/* signal "outbox-changed" (SchStore *store) */

G_END_DECLS
