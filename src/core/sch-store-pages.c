#define G_LOG_DOMAIN "sch-store-pages"

#include "config.h"

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sch-store-pages.h"
#include "sch-store-sql.h"

#define BLOB_STORE_KEY "sch-blob-store"

#define PAGE_COLUMNS \
  "id, case_uuid, slot_id, position, blob, blob_size, media_type, pdf_page," \
  " width, height, dpi, rotation, source, created"

/* Errors */

static gboolean
page_not_found (SchStore    *store,
                gint64       id,
                const char  *uuid,
                GError     **error)
{
  g_autofree char *page = g_strdup_printf ("%" G_GINT64_FORMAT, id);

  g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND,
               /* TRANSLATORS: the first %s is the page's number in the database,
                * the second the case's identifier, the third the database file */
               _("Page %s is not in the case %s in the database “%s”. "
                 "It may have been deleted."),
               page, uuid, sch_store_get_path (store));
  return FALSE;
}

static void
emit_changed (SchStore *store,
              SchCase  *kase)
{
  g_signal_emit_by_name (store, "case-changed", sch_case_get_uuid (kase));
}

/* Rows */

static SchPage *
page_from_row (SchSqlStmt *stmt)
{
  g_autoptr(SchPage) spec = NULL;
  SchPageSource source = SCH_PAGE_SOURCE_IMPORT;
  int pdf_page = sqlite3_column_type (stmt, 7) == SQLITE_NULL ? -1 : sqlite3_column_int (stmt, 7);

  sch_page_source_from_string ((const char *) sqlite3_column_text (stmt, 12), &source);
  spec = sch_page_new ((const char *) sqlite3_column_text (stmt, 4),
                       (const char *) sqlite3_column_text (stmt, 6),
                       pdf_page,
                       sqlite3_column_double (stmt, 8),
                       sqlite3_column_double (stmt, 9),
                       (guint) sqlite3_column_int (stmt, 10),
                       (guint) sqlite3_column_int (stmt, 11),
                       source);

  return sch_page_new_stored (sqlite3_column_int64 (stmt, 0),
                              (const char *) sqlite3_column_text (stmt, 1),
                              (const char *) sqlite3_column_text (stmt, 2),
                              (guint) sqlite3_column_int (stmt, 3),
                              spec,
                              (guint64) sqlite3_column_int64 (stmt, 5),
                              sqlite3_column_int64 (stmt, 13));
}

static GPtrArray *
collect_pages (SchStore   *store,
               SchSqlStmt  *stmt,
               GError    **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (pages, page_from_row (stmt));

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&pages);
}

static SchPage *
load_page (SchStore    *store,
           const char  *uuid,
           gint64       id,
           GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  stmt = sch_sql_prepare (store, "SELECT " PAGE_COLUMNS " FROM pages WHERE id = ?1 AND case_uuid = ?2", error);
  if (stmt == NULL)
    return NULL;

  sqlite3_bind_int64 (stmt, 1, id);
  sch_sql_bind_text (stmt, 2, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return page_from_row (stmt);

  if (rc == SQLITE_DONE)
    page_not_found (store, id, uuid, error);
  else
    sch_sql_fail (store, rc, error);

  return NULL;
}

/* Snapshots of the pages with @ids, in the order of @ids; an id given
 * twice counts once, so that no page is placed twice. */
static GPtrArray *
load_pages (SchStore    *store,
            const char  *uuid,
            GArray      *ids,
            GError     **error)
{
  g_autoptr(GPtrArray) pages = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *id = &g_array_index (ids, gint64, i);
      SchPage *page;

      if (!g_hash_table_add (seen, id))
        continue;

      page = load_page (store, uuid, *id, error);
      if (page == NULL)
        return NULL;
      g_ptr_array_add (pages, page);
    }

  return g_steal_pointer (&pages);
}

/* The case exists and its documents may change; read inside the change's
 * transaction, so that a case queued a moment ago is not changed. */
static gboolean
check_case (SchStore    *store,
            const char  *uuid,
            GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "SELECT state FROM cases WHERE uuid = ?1", error);
  SchCaseState state;
  int rc;

  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, uuid);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (!sch_case_state_from_string ((const char *) sqlite3_column_text (stmt, 0), &state) ||
          !sch_case_state_documents_fixed (state))
        return TRUE;
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                   _("The documents of case %s no longer change: it is “%s”."),
                   uuid, sch_case_state_get_label (state));
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_NOT_FOUND,
               _("The case %s is not in the database “%s”. It may have been deleted."),
               uuid, sch_store_get_path (store));
  return FALSE;
}

/* Order within a slot: positions are always 0 … n-1. */

static GArray *
load_slot_ids (SchStore    *store,
               const char  *uuid,
               const char  *slot_id,
               GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  int rc;

  stmt = sch_sql_prepare (store,
                  "SELECT id FROM pages WHERE case_uuid = ?1 AND slot_id = ?2 ORDER BY position",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, uuid);
  sch_sql_bind_text (stmt, 2, slot_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&ids);
}

/* Makes @ids the pages of @slot_id, in this order. SQLite checks UNIQUE
 * row by row and cannot defer it, so the slot's positions are first moved
 * out of the way (negated), then written. */
static gboolean
write_slot_order (SchStore    *store,
                  const char  *uuid,
                  const char  *slot_id,
                  GArray      *ids,
                  GError     **error)
{
  g_autoptr(SchSqlStmt) park = NULL;
  g_autoptr(SchSqlStmt) place = NULL;

  park = sch_sql_prepare (store,
                  "UPDATE pages SET position = -1 - position"
                  " WHERE case_uuid = ?1 AND slot_id = ?2 AND position >= 0",
                  error);
  place = park != NULL ? sch_sql_prepare (store, "UPDATE pages SET slot_id = ?1, position = ?2 WHERE id = ?3",
                                  error)
                       : NULL;
  if (place == NULL)
    return FALSE;

  sch_sql_bind_text (park, 1, uuid);
  sch_sql_bind_text (park, 2, slot_id);
  if (!sch_sql_run (store, park, error))
    return FALSE;

  sch_sql_bind_text (place, 1, slot_id);
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int (place, 2, (int) i);
      sqlite3_bind_int64 (place, 3, g_array_index (ids, gint64, i));
      if (!sch_sql_run (store, place, error))
        return FALSE;
    }

  return TRUE;
}

/* Closes the gaps left in @slot_id after pages left it. */
static gboolean
compact_slot (SchStore    *store,
              const char  *uuid,
              const char  *slot_id,
              GError     **error)
{
  g_autoptr(GArray) ids = load_slot_ids (store, uuid, slot_id, error);

  return ids != NULL && write_slot_order (store, uuid, slot_id, ids, error);
}

static void
remove_id (GArray *ids,
           gint64  id)
{
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == id)
      {
        g_array_remove_index (ids, i);
        return;
      }
}

/* Places @id at @position (clamped) in @slot_id, taking it out of wherever
 * it was. */
static gboolean
place_page (SchStore    *store,
            const char  *uuid,
            gint64       id,
            const char  *old_slot_id,
            const char  *slot_id,
            guint        position,
            GError     **error)
{
  g_autoptr(GArray) ids = load_slot_ids (store, uuid, slot_id, error);

  if (ids == NULL)
    return FALSE;

  remove_id (ids, id);
  g_array_insert_val (ids, MIN (position, ids->len), id);

  if (!write_slot_order (store, uuid, slot_id, ids, error))
    return FALSE;

  return old_slot_id == NULL || g_strcmp0 (old_slot_id, slot_id) == 0 ||
         compact_slot (store, uuid, old_slot_id, error);
}

/* Journal: per slot, "slot: n" (no personal data). */

static void
count_slot (GHashTable *counts,
            const char *slot_id)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, slot_id));

  g_hash_table_insert (counts, g_strdup (slot_id), GUINT_TO_POINTER (n + 1));
}

static gboolean
journal_counts (SchStore    *store,
                const char  *uuid,
                const char  *action,
                GHashTable  *counts,
                GError     **error)
{
  g_autoptr(GList) slot_ids = g_list_sort (g_hash_table_get_keys (counts), (GCompareFunc) g_strcmp0);

  for (GList *l = slot_ids; l != NULL; l = l->next)
    {
      g_autofree char *detail = g_strdup_printf ("%s: %u", (const char *) l->data,
                                                 GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));

      if (!sch_store_journal_add (store, uuid, action, detail, error))
        return FALSE;
    }

  return TRUE;
}

static GHashTable *
new_counts (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* The blob store */

SchBlobStore *
sch_store_get_blob_store (SchStore *store)
{
  SchBlobStore *blobs;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);

  blobs = g_object_get_data (G_OBJECT (store), BLOB_STORE_KEY);
  if (blobs == NULL)
    {
      g_autofree char *dir = g_path_get_dirname (sch_store_get_path (store));
      g_autofree char *folder = g_build_filename (dir, "blobs", NULL);

      blobs = sch_blob_store_new (folder);
      g_object_set_data_full (G_OBJECT (store), BLOB_STORE_KEY, blobs, g_object_unref);
    }

  return blobs;
}

gboolean
sch_store_sweep_blobs (SchStore  *store,
                       guint     *n_removed,
                       GError   **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  g_autoptr(GHashTable) referenced = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A queued upload keeps its composed PDF even after its pages changed:
   * the outbox promised the server exactly those bytes. */
  stmt = sch_sql_prepare (store,
                  "SELECT blob FROM pages"
                  " UNION SELECT blob_sha FROM outbox WHERE blob_sha IS NOT NULL",
                  error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (referenced, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  return sch_blob_store_sweep (sch_store_get_blob_store (store), referenced,
                               SCH_BLOB_STORE_GRACE_USEC, n_removed, error);
}

/* Adding */

static SchPage *
insert_page (SchStore    *store,
             const char  *uuid,
             const char  *slot_id,
             guint        position,
             SchPage     *spec,
             gint64       id,
             gint64       created,
             GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  guint64 blob_size = 0;
  const char *blob = sch_page_get_blob (spec);

  /* The file comes first, then the row that names it. */
  if (!sch_blob_store_query_size (sch_store_get_blob_store (store), blob, &blob_size, error))
    return NULL;

  stmt = sch_sql_prepare (store,
                  "INSERT INTO pages (id, case_uuid, slot_id, position, blob, blob_size, media_type,"
                  " pdf_page, width, height, dpi, rotation, source, created)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
                  error);
  if (stmt == NULL)
    return NULL;

  if (id > 0)
    sqlite3_bind_int64 (stmt, 1, id);
  sch_sql_bind_text (stmt, 2, uuid);
  sch_sql_bind_text (stmt, 3, slot_id);
  sqlite3_bind_int (stmt, 4, (int) position);
  sch_sql_bind_text (stmt, 5, blob);
  sqlite3_bind_int64 (stmt, 6, (gint64) blob_size);
  sch_sql_bind_text (stmt, 7, sch_page_get_media_type (spec));
  if (sch_page_get_pdf_page (spec) >= 0)
    sqlite3_bind_int (stmt, 8, sch_page_get_pdf_page (spec));
  sqlite3_bind_double (stmt, 9, sch_page_get_width (spec));
  sqlite3_bind_double (stmt, 10, sch_page_get_height (spec));
  if (sch_page_get_dpi (spec) > 0)
    sqlite3_bind_int (stmt, 11, (int) sch_page_get_dpi (spec));
  sqlite3_bind_int (stmt, 12, (int) sch_page_get_rotation (spec));
  sch_sql_bind_text (stmt, 13, sch_page_source_to_string (sch_page_get_source (spec)));
  sqlite3_bind_int64 (stmt, 14, created);
  if (!sch_sql_run (store, stmt, error))
    return NULL;

  return sch_page_new_stored (sqlite3_last_insert_rowid (sch_store_get_db (store)),
                              uuid, slot_id, position, spec, blob_size, created);
}

static gboolean
add_pages_locked (SchStore    *store,
                  const char  *uuid,
                  const char  *slot_id,
                  int          position,
                  GPtrArray   *pages,
                  GPtrArray   *added,
                  GError     **error)
{
  g_autoptr(GArray) ids = load_slot_ids (store, uuid, slot_id, error);
  g_autoptr(GHashTable) counts = new_counts ();
  gint64 created = g_get_real_time ();
  guint n_before;
  guint first;

  if (ids == NULL)
    return FALSE;

  n_before = ids->len;
  first = position < 0 ? n_before : MIN ((guint) position, n_before);

  for (guint i = 0; i < pages->len; i++)
    {
      /* At the end first, where positions are free; then into place. */
      SchPage *page = insert_page (store, uuid, slot_id, n_before + i, g_ptr_array_index (pages, i),
                                   0, created, error);
      gint64 id;

      if (page == NULL)
        return FALSE;

      id = sch_page_get_id (page);
      g_array_insert_val (ids, first + i, id);
      g_ptr_array_add (added, page);
      count_slot (counts, slot_id);
    }

  if (first < n_before && !write_slot_order (store, uuid, slot_id, ids, error))
    return FALSE;

  /* Give the returned snapshots their final positions. */
  for (guint i = 0; i < added->len; i++)
    {
      SchPage *page = g_ptr_array_index (added, i);

      g_ptr_array_index (added, i) = sch_page_new_stored (sch_page_get_id (page), uuid, slot_id,
                                                          first + i, page,
                                                          sch_page_get_blob_size (page), created);
      g_object_unref (page);
    }

  return journal_counts (store, uuid, "pages-added", counts, error);
}

GPtrArray *
sch_store_add_pages (SchStore    *store,
                     SchCase     *kase,
                     const char  *slot_id,
                     int          position,
                     GPtrArray   *pages,
                     GError     **error)
{
  g_autoptr(GPtrArray) added = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (slot_id != NULL && *slot_id != '\0', NULL);
  g_return_val_if_fail (pages != NULL && pages->len > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  added = g_ptr_array_new_with_free_func (g_object_unref);

  if (!sch_sql_begin (store, error))
    return NULL;

  if (!check_case (store, uuid, error) ||
      !add_pages_locked (store, uuid, slot_id, position, pages, added, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return NULL;
    }

  emit_changed (store, kase);
  return g_steal_pointer (&added);
}

/* Reading */

GPtrArray *
sch_store_list_pages (SchStore    *store,
                      SchCase     *kase,
                      const char  *slot_id,
                      GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = sch_sql_prepare (store,
                  "SELECT " PAGE_COLUMNS " FROM pages"
                  " WHERE case_uuid = ?1 AND (?2 IS NULL OR slot_id = ?2)"
                  " ORDER BY slot_id, position",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, sch_case_get_uuid (kase));
  if (slot_id != NULL)
    sch_sql_bind_text (stmt, 2, slot_id);

  return collect_pages (store, stmt, error);
}

GHashTable *
sch_store_count_pages (SchStore    *store,
                       SchCase     *kase,
                       GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  g_autoptr(GHashTable) counts = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stmt = sch_sql_prepare (store, "SELECT slot_id, count(*) FROM pages WHERE case_uuid = ?1 GROUP BY slot_id",
                  error);
  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, sch_case_get_uuid (kase));
  counts = new_counts ();
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (counts, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         GUINT_TO_POINTER ((guint) sqlite3_column_int (stmt, 1)));

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&counts);
}

gboolean
sch_store_get_document_size (SchStore    *store,
                             SchCase     *kase,
                             guint64     *size,
                             GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (size != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* A PDF's pages share its blob: each blob counts once. */
  stmt = sch_sql_prepare (store,
                  "SELECT coalesce (sum (blob_size), 0) FROM"
                  " (SELECT DISTINCT blob, blob_size FROM pages WHERE case_uuid = ?1)",
                  error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, sch_case_get_uuid (kase));
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    return sch_sql_fail (store, rc, error);

  *size = (guint64) sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

/* Changing */

static gboolean
rotate_locked (SchStore    *store,
               GArray      *ids,
               guint        rotation,
               GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "UPDATE pages SET rotation = ?1 WHERE id = ?2", error);

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int (stmt, 1, (int) rotation);
  for (guint i = 0; i < ids->len; i++)
    {
      sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, i));
      if (!sch_sql_run (store, stmt, error))
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
sch_store_rotate_pages (SchStore    *store,
                        SchCase     *kase,
                        GArray      *ids,
                        guint        rotation,
                        GError     **error)
{
  g_autoptr(GPtrArray) before = NULL;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (ids != NULL, NULL);
  g_return_val_if_fail (sch_page_is_valid_rotation (rotation), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!sch_sql_begin (store, error))
    return NULL;

  before = load_pages (store, sch_case_get_uuid (kase), ids, error);
  if (before == NULL ||
      !rotate_locked (store, ids, rotation, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return NULL;
    }

  emit_changed (store, kase);
  return g_steal_pointer (&before);
}

static gboolean
delete_locked (SchStore    *store,
               const char  *uuid,
               GPtrArray   *before,
               GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "DELETE FROM pages WHERE id = ?1", error);
  g_autoptr(GHashTable) counts = new_counts ();
  g_autoptr(GList) slot_ids = NULL;

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < before->len; i++)
    {
      SchPage *page = g_ptr_array_index (before, i);

      sqlite3_bind_int64 (stmt, 1, sch_page_get_id (page));
      if (!sch_sql_run (store, stmt, error))
        return FALSE;
      count_slot (counts, sch_page_get_slot_id (page));
    }

  slot_ids = g_hash_table_get_keys (counts);
  for (GList *l = slot_ids; l != NULL; l = l->next)
    if (!compact_slot (store, uuid, l->data, error))
      return FALSE;

  return journal_counts (store, uuid, "pages-deleted", counts, error);
}

GPtrArray *
sch_store_delete_pages (SchStore    *store,
                        SchCase     *kase,
                        GArray      *ids,
                        GError     **error)
{
  g_autoptr(GPtrArray) before = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (ids != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return NULL;

  before = load_pages (store, uuid, ids, error);
  if (before == NULL ||
      !delete_locked (store, uuid, before, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return NULL;
    }

  emit_changed (store, kase);
  return g_steal_pointer (&before);
}

GPtrArray *
sch_store_move_page (SchStore    *store,
                     SchCase     *kase,
                     gint64       id,
                     guint        position,
                     GError     **error)
{
  g_autoptr(GPtrArray) before = NULL;
  SchPage *page;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return NULL;

  page = load_page (store, uuid, id, error);
  if (page == NULL)
    goto fail;

  before = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (before, page);
  if (!place_page (store, uuid, id, NULL, sch_page_get_slot_id (page), position, error) ||
      !sch_sql_commit (store, error))
    goto fail;

  emit_changed (store, kase);
  return g_steal_pointer (&before);

fail:
  sch_sql_rollback (store);
  return NULL;
}

/* Moves @before (snapshots) to @slot_id at @position, in order. */
static gboolean
move_locked (SchStore    *store,
             const char  *uuid,
             GPtrArray   *before,
             const char  *slot_id,
             int          position,
             GError     **error)
{
  g_autoptr(GArray) ids = load_slot_ids (store, uuid, slot_id, error);
  g_autoptr(GHashTable) counts = new_counts ();
  g_autoptr(GHashTable) sources = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) source_ids = NULL;
  guint at;

  if (ids == NULL)
    return FALSE;

  for (guint i = 0; i < before->len; i++)
    remove_id (ids, sch_page_get_id (g_ptr_array_index (before, i)));

  at = position < 0 ? ids->len : MIN ((guint) position, ids->len);
  for (guint i = 0; i < before->len; i++)
    {
      SchPage *page = g_ptr_array_index (before, i);
      gint64 id = sch_page_get_id (page);

      g_array_insert_val (ids, at + i, id);
      if (g_strcmp0 (sch_page_get_slot_id (page), slot_id) != 0)
        {
          g_hash_table_add (sources, (gpointer) sch_page_get_slot_id (page));
          count_slot (counts, sch_page_get_slot_id (page));
        }
    }

  if (!write_slot_order (store, uuid, slot_id, ids, error))
    return FALSE;

  source_ids = g_hash_table_get_keys (sources);
  for (GList *l = source_ids; l != NULL; l = l->next)
    if (!compact_slot (store, uuid, l->data, error))
      return FALSE;

  /* "from -> to: n" per source slot. */
  for (GList *l = source_ids; l != NULL; l = l->next)
    {
      g_autofree char *detail = g_strdup_printf ("%s -> %s: %u", (const char *) l->data, slot_id,
                                                 GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->data)));

      if (!sch_store_journal_add (store, uuid, "pages-moved", detail, error))
        return FALSE;
    }

  return TRUE;
}

GPtrArray *
sch_store_move_pages (SchStore    *store,
                      SchCase     *kase,
                      GArray      *ids,
                      const char  *slot_id,
                      int          position,
                      GError     **error)
{
  g_autoptr(GPtrArray) before = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (ids != NULL, NULL);
  g_return_val_if_fail (slot_id != NULL && *slot_id != '\0', NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return NULL;

  before = load_pages (store, uuid, ids, error);
  if (before == NULL ||
      !move_locked (store, uuid, before, slot_id, position, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return NULL;
    }

  emit_changed (store, kase);
  return g_steal_pointer (&before);
}

GPtrArray *
sch_store_split_pages (SchStore    *store,
                       SchCase     *kase,
                       const char  *from_slot_id,
                       guint        from_position,
                       const char  *to_slot_id,
                       GError     **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) before = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (from_slot_id != NULL && to_slot_id != NULL, NULL);
  g_return_val_if_fail (g_strcmp0 (from_slot_id, to_slot_id) != 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return NULL;

  ids = load_slot_ids (store, uuid, from_slot_id, error);
  if (ids == NULL)
    goto fail;

  g_array_remove_range (ids, 0, MIN (from_position, ids->len));
  before = load_pages (store, uuid, ids, error);
  if (before == NULL ||
      (before->len > 0 && !move_locked (store, uuid, before, to_slot_id, -1, error)) ||
      !sch_sql_commit (store, error))
    goto fail;

  if (before->len > 0)
    emit_changed (store, kase);
  return g_steal_pointer (&before);

fail:
  sch_sql_rollback (store);
  return NULL;
}

/* Undo */

static int
compare_snapshots (gconstpointer a,
                   gconstpointer b)
{
  SchPage *page_a = *(SchPage **) a;
  SchPage *page_b = *(SchPage **) b;
  int by_slot = g_strcmp0 (sch_page_get_slot_id (page_a), sch_page_get_slot_id (page_b));

  if (by_slot != 0)
    return by_slot;

  return (int) sch_page_get_position (page_a) - (int) sch_page_get_position (page_b);
}

/* The slot a page is in now; NULL (and no error) if it was deleted. */
static gboolean
lookup_slot (SchStore     *store,
             gint64        id,
             char        **slot_id,
             GError      **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "SELECT slot_id FROM pages WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  *slot_id = rc == SQLITE_ROW ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  return TRUE;
}

static gboolean
restore_one (SchStore    *store,
             const char  *uuid,
             SchPage     *snapshot,
             GHashTable  *recreated,
             GError     **error)
{
  g_autofree char *current_slot = NULL;
  g_autoptr(GArray) one = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 id = sch_page_get_id (snapshot);
  const char *slot_id = sch_page_get_slot_id (snapshot);

  if (!lookup_slot (store, id, &current_slot, error))
    return FALSE;

  if (current_slot == NULL)
    {
      g_autoptr(GArray) ids = load_slot_ids (store, uuid, slot_id, error);
      g_autoptr(SchPage) page = NULL;

      /* Ids are never reused (AUTOINCREMENT), so the old one is free. */
      if (ids != NULL)
        page = insert_page (store, uuid, slot_id, ids->len, snapshot, id,
                            sch_page_get_created (snapshot), error);
      if (page == NULL)
        return FALSE;
      count_slot (recreated, slot_id);
    }

  g_array_append_val (one, id);

  return rotate_locked (store, one, sch_page_get_rotation (snapshot), error) &&
         place_page (store, uuid, id, current_slot, slot_id, sch_page_get_position (snapshot), error);
}

gboolean
sch_store_restore_pages (SchStore    *store,
                         SchCase     *kase,
                         GPtrArray   *snapshots,
                         GError     **error)
{
  g_autoptr(GPtrArray) sorted = NULL;
  g_autoptr(GHashTable) recreated = new_counts ();
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (snapshots != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = sch_case_get_uuid (kase);
  sorted = g_ptr_array_new_full (snapshots->len, g_object_unref);
  for (guint i = 0; i < snapshots->len; i++)
    {
      SchPage *snapshot = g_ptr_array_index (snapshots, i);

      g_return_val_if_fail (SCH_IS_PAGE (snapshot) && sch_page_get_id (snapshot) > 0, FALSE);
      g_return_val_if_fail (g_strcmp0 (sch_page_get_case_uuid (snapshot), uuid) == 0, FALSE);
      g_ptr_array_add (sorted, g_object_ref (snapshot));
    }
  g_ptr_array_sort (sorted, compare_snapshots);

  if (!sch_sql_begin (store, error))
    return FALSE;

  if (!check_case (store, uuid, error))
    goto fail;

  for (guint i = 0; i < sorted->len; i++)
    if (!restore_one (store, uuid, g_ptr_array_index (sorted, i), recreated, error))
      goto fail;

  if (!journal_counts (store, uuid, "pages-restored", recreated, error) ||
      !sch_sql_commit (store, error))
    goto fail;

  emit_changed (store, kase);
  return TRUE;

fail:
  sch_sql_rollback (store);
  return FALSE;
}

/* Slots */

static gboolean
query_to_follow (SchStore    *store,
                 const char  *uuid,
                 const char  *slot_id,
                 gboolean    *to_follow,
                 GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  stmt = sch_sql_prepare (store, "SELECT to_follow FROM slots WHERE case_uuid = ?1 AND slot_id = ?2", error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, uuid);
  sch_sql_bind_text (stmt, 2, slot_id);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  *to_follow = rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

static gboolean
write_to_follow (SchStore    *store,
                 const char  *uuid,
                 const char  *slot_id,
                 gboolean     to_follow,
                 const char  *note,
                 GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;

  stmt = sch_sql_prepare (store,
                  "INSERT INTO slots (case_uuid, slot_id, to_follow, note) VALUES (?1, ?2, ?3, ?4)"
                  " ON CONFLICT (case_uuid, slot_id)"
                  " DO UPDATE SET to_follow = excluded.to_follow, note = excluded.note",
                  error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, uuid);
  sch_sql_bind_text (stmt, 2, slot_id);
  sqlite3_bind_int (stmt, 3, to_follow ? 1 : 0);
  if (to_follow && note != NULL && *note != '\0')
    sch_sql_bind_text (stmt, 4, note);

  /* The note may hold personal data: the journal names only the slot. */
  return sch_sql_run (store, stmt, error) &&
         sch_store_journal_add (store, uuid, to_follow ? "slot-to-follow" : "slot-to-follow-cleared",
                                slot_id, error);
}

gboolean
sch_store_set_slot_to_follow (SchStore    *store,
                              SchCase     *kase,
                              const char  *slot_id,
                              gboolean     to_follow,
                              const char  *note,
                              gboolean    *was_to_follow,
                              GError     **error)
{
  const char *uuid;
  gboolean previous = FALSE;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (slot_id != NULL && *slot_id != '\0', FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return FALSE;

  if (!check_case (store, uuid, error) ||
      !query_to_follow (store, uuid, slot_id, &previous, error) ||
      !write_to_follow (store, uuid, slot_id, to_follow, note, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return FALSE;
    }

  if (was_to_follow != NULL)
    *was_to_follow = previous;

  emit_changed (store, kase);
  return TRUE;
}

/* Retention */

static GPtrArray *
case_blobs (SchStore    *store,
            const char  *uuid,
            GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "SELECT DISTINCT blob FROM pages WHERE case_uuid = ?1",
                                       error);
  g_autoptr(GPtrArray) blobs = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;

  sch_sql_bind_text (stmt, 1, uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (blobs, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));

  if (rc != SQLITE_DONE)
    {
      sch_sql_fail (store, rc, error);
      return NULL;
    }

  return g_steal_pointer (&blobs);
}

static gboolean
purge_rows (SchStore    *store,
            const char  *uuid,
            GError     **error)
{
  g_autoptr(SchSqlStmt) pages = sch_sql_prepare (store, "DELETE FROM pages WHERE case_uuid = ?1", error);
  g_autoptr(SchSqlStmt) slots = pages != NULL ? sch_sql_prepare (store, "DELETE FROM slots WHERE case_uuid = ?1",
                                                        error)
                                             : NULL;
  g_autofree char *detail = NULL;

  if (slots == NULL)
    return FALSE;

  sch_sql_bind_text (pages, 1, uuid);
  sch_sql_bind_text (slots, 1, uuid);
  if (!sch_sql_run (store, pages, error))
    return FALSE;

  detail = g_strdup_printf ("%d", sqlite3_changes (sch_store_get_db (store)));

  return sch_sql_run (store, slots, error) &&
         sch_store_journal_add (store, uuid, "documents-purged", detail, error);
}

/* Removes the files of @blobs that no page names any more. */
static gboolean
remove_unnamed_blobs (SchStore    *store,
                      GPtrArray   *blobs,
                      GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = sch_sql_prepare (store, "SELECT 1 FROM pages WHERE blob = ?1 LIMIT 1", error);
  SchBlobStore *blob_store = sch_store_get_blob_store (store);

  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < blobs->len; i++)
    {
      const char *blob = g_ptr_array_index (blobs, i);
      int rc;

      sch_sql_bind_text (stmt, 1, blob);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sch_sql_fail (store, rc, error);

      if (rc == SQLITE_DONE && !sch_blob_store_remove (blob_store, blob, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
sch_store_purge_documents (SchStore    *store,
                           SchCase     *kase,
                           GError     **error)
{
  g_autoptr(GPtrArray) blobs = NULL;
  const char *uuid;

  g_return_val_if_fail (SCH_IS_STORE (store), FALSE);
  g_return_val_if_fail (SCH_IS_CASE (kase), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uuid = sch_case_get_uuid (kase);
  if (!sch_sql_begin (store, error))
    return FALSE;

  blobs = case_blobs (store, uuid, error);
  if (blobs == NULL ||
      !purge_rows (store, uuid, error) ||
      !sch_sql_commit (store, error))
    {
      sch_sql_rollback (store);
      return FALSE;
    }

  emit_changed (store, kase);

  /* The rows are gone; a file left behind here is removed by the next sweep. */
  return remove_unnamed_blobs (store, blobs, error);
}

/* Checklist */

void
sch_slot_status_free (SchSlotStatus *status)
{
  if (status == NULL)
    return;

  g_free (status->note);
  g_free (status);
}

SchSlotState
sch_slot_status_get_state (const SchSlotStatus *status)
{
  g_return_val_if_fail (status != NULL, SCH_SLOT_MISSING);

  if (status->n_pages > 0)
    return SCH_SLOT_FILLED;

  return status->to_follow ? SCH_SLOT_TO_FOLLOW : SCH_SLOT_MISSING;
}

char *
sch_slot_status_dup_problem (const SchSlotStatus *status)
{
  const SchDocSlot *slot;
  const char *title;

  g_return_val_if_fail (status != NULL && status->slot != NULL, NULL);

  slot = status->slot;
  title = sch_text_get (slot->title, NULL);

  if (slot->max_pages > 0 && status->n_pages > slot->max_pages)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The document “%s” may have at most %u page; it has %u.",
                                         "The document “%s” may have at most %u pages; it has %u.",
                                         slot->max_pages),
                            title, slot->max_pages, status->n_pages);

  /* Whatever is still missing, the resident brings later. */
  if (status->to_follow)
    return NULL;

  if (status->n_pages == 0)
    return slot->required
           ? g_strdup_printf (_("The document “%s” is missing: add its pages or mark it “to follow”."),
                              title)
           : NULL;

  if (status->n_pages < slot->min_pages)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "The document “%s” needs at least %u page; it has %u.",
                                         "The document “%s” needs at least %u pages; it has %u.",
                                         slot->min_pages),
                            title, slot->min_pages, status->n_pages);

  return NULL;
}

static gboolean
load_marks (SchStore    *store,
            const char  *uuid,
            GHashTable  *notes,
            GError     **error)
{
  g_autoptr(SchSqlStmt) stmt = NULL;
  int rc;

  stmt = sch_sql_prepare (store, "SELECT slot_id, note FROM slots WHERE case_uuid = ?1 AND to_follow = 1", error);
  if (stmt == NULL)
    return FALSE;

  sch_sql_bind_text (stmt, 1, uuid);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_insert (notes, g_strdup ((const char *) sqlite3_column_text (stmt, 0)),
                         g_strdup ((const char *) sqlite3_column_text (stmt, 1)));

  if (rc != SQLITE_DONE)
    return sch_sql_fail (store, rc, error);

  return TRUE;
}

GPtrArray *
sch_store_get_slot_status (SchStore    *store,
                           SchCase     *kase,
                           SchAppType  *type,
                           GError     **error)
{
  g_autoptr(GHashTable) counts = NULL;
  g_autoptr(GHashTable) notes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) statuses = NULL;
  GPtrArray *slots;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  counts = sch_store_count_pages (store, kase, error);
  if (counts == NULL || !load_marks (store, sch_case_get_uuid (kase), notes, error))
    return NULL;

  slots = sch_app_type_get_slots (type);
  statuses = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_status_free);
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    {
      const SchDocSlot *slot = g_ptr_array_index (slots, i);
      SchSlotStatus *status = g_new0 (SchSlotStatus, 1);
      const char *note = NULL;

      status->slot = slot;
      status->n_pages = GPOINTER_TO_UINT (g_hash_table_lookup (counts, slot->id));
      status->to_follow = g_hash_table_lookup_extended (notes, slot->id, NULL, (gpointer *) &note);
      status->note = g_strdup (note);
      g_ptr_array_add (statuses, status);
    }

  return g_steal_pointer (&statuses);
}

gboolean
sch_slot_statuses_complete (GPtrArray *statuses)
{
  g_return_val_if_fail (statuses != NULL, FALSE);

  for (guint i = 0; i < statuses->len; i++)
    {
      g_autofree char *problem = sch_slot_status_dup_problem (g_ptr_array_index (statuses, i));

      if (problem != NULL)
        return FALSE;
    }

  return TRUE;
}
