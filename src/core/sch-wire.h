/* The wire format of the v1 API (docs/api.md): a case and a supplement as
 * JSON request bodies, problem+json answers, and the mapping of a problem's
 * JSON pointers back to the editor's group/field ids. */
#pragma once

#include <gio/gio.h>
#include "sch-case.h"

G_BEGIN_DECLS

/* One document of a manifest: a composed file already in the blob store. */
typedef struct {
  char    *uuid;        /* document id made by the client */
  char    *slot;        /* catalog document id, e.g. "passport" */
  char    *media_type;  /* "application/pdf" */
  guint64  size;
  char    *sha256;      /* 64 lower-case hex digits */
  char    *blob_sha;    /* the blob store's key (equal to @sha256 for plain blobs) */
} SchManifestEntry;

SchManifestEntry *sch_manifest_entry_new  (const char *uuid,
                                           const char *slot,
                                           const char *media_type,
                                           guint64     size,
                                           const char *sha256,
                                           const char *blob_sha);
void              sch_manifest_entry_free (SchManifestEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchManifestEntry, sch_manifest_entry_free)

/* Who sends: the residents' office and the clerk. */
typedef struct {
  guint       municipality_bfs;   /* BFS number of the office's municipality */
  const char *clerk_name;         /* NULL: the OS user's real name */
  const char *clerk_user_id;      /* NULL: the OS user name */
} SchWireOffice;

/* The POST /v1/cases body for @kase with @manifest (SchManifestEntry*),
 * serialised once: the same input always gives the same bytes.
 * @captured_usec is the real time the case was completed. */
GBytes   *sch_wire_case_body       (SchCase             *kase,
                                    const SchWireOffice *office,
                                    GPtrArray           *manifest,
                                    gint64               captured_usec,
                                    GError             **error);
/* The POST /v1/cases/{case}/supplements body. */
GBytes   *sch_wire_supplement_body (const char *supplement_uuid,
                                    GPtrArray  *manifest);

/* "sha-256=:<base64>:" (RFC 9530) for a hex SHA-256; NULL if @sha256_hex is not one. */
char     *sch_wire_content_digest  (const char *sha256_hex);

/* Maps a JSON pointer into a case body back to the case's group, item index
 * and field. @body is the body that was sent (needed for /otherFields/N).
 * FALSE when the pointer names nothing the clerk can edit. */
gboolean  sch_wire_pointer_to_field (GBytes      *body,
                                     const char  *pointer,
                                     char       **group,
                                     guint       *index,
                                     char       **field);

/* An RFC 9457 problem as far as the client acts on it. */
typedef struct {
  guint       status;
  char       *name;                /* last segment of "type", e.g. "invalid-case" */
  char       *title;
  char       *detail;
  GPtrArray  *pointers;            /* char*, errors[].pointer */
  GPtrArray  *messages;            /* char*, errors[].detail, same order */
  GStrv       missing_documents;   /* may be NULL */
  guint64     max_document_bytes;  /* 0 if absent */
} SchProblem;

/* Parses a problem body; when it is not one (an HTML page of a proxy, ...)
 * a problem with only @status and a NULL name is returned. */
SchProblem *sch_problem_parse (guint status, GBytes *body);
void        sch_problem_free  (SchProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchProblem, sch_problem_free)

G_END_DECLS
