#define G_LOG_DOMAIN "sch-case-list"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <sqlite3.h>

#include "sch-case-list.h"
#include "sch-case-summary.h"

/* Rows read per query, and how many such pages stay cached: enough for a
 * screenful and some scrolling either way. */
#define PAGE_SIZE 64
#define MAX_PAGES 4
#define SHORT_ID_MIN 6

typedef struct {
  guint      index;
  GPtrArray *items;   /* SchCaseSummary */
} Page;

enum {
  FILTER_STATE = 1 << 0,
  FILTER_SEARCH = 1 << 1,
  FILTER_ID = 1 << 2,           /* only with FILTER_SEARCH */
  N_FILTERS = 8
};

enum {
  QUERY_COUNT,
  QUERY_PAGE,
  QUERY_ROW,
  QUERY_POSITION,
  N_QUERIES
};

/* Indexed by the FILTER_ flags. The SQL is assembled from these constant
 * fragments only; user text is always a bound parameter. */
static const char * const filters[N_FILTERS] = {
  "",
  " WHERE state = :state",
  " WHERE id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH :match)",
  " WHERE state = :state"
  " AND id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH :match)",
  NULL,
  NULL,
  " WHERE id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH :match"
  " UNION SELECT id FROM cases WHERE uuid >= :id AND uuid < :id_end)",
  " WHERE state = :state"
  " AND id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH :match"
  " UNION SELECT id FROM cases WHERE uuid >= :id AND uuid < :id_end)",
};

/* Each query is its head, the filter, then its tail. */
static const char * const queries[N_QUERIES][2] = {
  [QUERY_COUNT] = { "SELECT count(*) FROM cases", "" },
  [QUERY_PAGE] = { "SELECT uuid, type_code, state, display_name, reference, modified FROM cases",
                   " ORDER BY modified DESC, uuid LIMIT :limit OFFSET :offset" },
  [QUERY_ROW] = { "SELECT modified FROM (SELECT uuid, modified FROM cases",
                  ") WHERE uuid = :uuid" },
  /* Rows before a case in the list's order: its position. */
  [QUERY_POSITION] = { "SELECT count(*) FROM (SELECT uuid, modified FROM cases",
                       ") WHERE modified > :modified OR (modified = :modified AND uuid < :uuid)" },
};

struct _SchCaseList
{
  GObject        parent_instance;

  SchStore      *store;
  sqlite3_stmt  *statements[N_QUERIES][N_FILTERS];

  char          *search;
  char          *match;          /* FTS5 query built from @search, or NULL */
  char          *id_start;       /* the start of case ids @search may be, "" for none */
  SchCaseState   state_filter;   /* SCH_N_CASE_STATES: all */

  guint          n_items;
  /* While a moved case is reported as removed and then inserted: its new
   * position, left out of the view in between. G_MAXUINT otherwise. */
  guint          hidden;
  GQueue         pages;          /* Page, most recently used first */
};

static void sch_case_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SchCaseList, sch_case_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, sch_case_list_model_init))

static void
page_free (gpointer data)
{
  Page *page = data;

  g_ptr_array_unref (page->items);
  g_free (page);
}

static void
sch_case_list_drop_pages (SchCaseList *self)
{
  g_queue_clear_full (&self->pages, page_free);
}

static void
sch_case_list_finalize (GObject *object)
{
  SchCaseList *self = (SchCaseList *) object;

  sch_case_list_drop_pages (self);
  for (guint q = 0; q < N_QUERIES; q++)
    for (guint f = 0; f < N_FILTERS; f++)
      sqlite3_finalize (self->statements[q][f]);
  g_clear_object (&self->store);
  g_free (self->search);
  g_free (self->match);
  g_free (self->id_start);

  G_OBJECT_CLASS (sch_case_list_parent_class)->finalize (object);
}

static void
sch_case_list_class_init (SchCaseListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_case_list_finalize;
}

static void
sch_case_list_init (SchCaseList *self)
{
  self->state_filter = SCH_N_CASE_STATES;
  self->hidden = G_MAXUINT;
  g_queue_init (&self->pages);
}

/* Queries */

static void
warn_query_failed (SchCaseList *self,
                   int          rc)
{
  /* sqlite3_errmsg() could quote the search text: only the generic text. */
  g_warning ("Reading the case list failed: %s", sqlite3_errstr (rc));
}

static void
bind_named_text (sqlite3_stmt *stmt,
                 const char   *name,
                 const char   *value)
{
  int position = sqlite3_bind_parameter_index (stmt, name);

  if (position > 0)
    sqlite3_bind_text (stmt, position, value, -1, SQLITE_TRANSIENT);
}

static void
bind_named_int64 (sqlite3_stmt *stmt,
                  const char   *name,
                  gint64        value)
{
  int position = sqlite3_bind_parameter_index (stmt, name);

  if (position > 0)
    sqlite3_bind_int64 (stmt, position, value);
}

/* The statement for @query under the current filters, reset and with the
 * filter parameters bound, or NULL on error. */
static sqlite3_stmt *
sch_case_list_statement (SchCaseList *self,
                         guint        query)
{
  guint filter = 0;
  sqlite3_stmt **stmt;

  if (self->state_filter != SCH_N_CASE_STATES)
    filter |= FILTER_STATE;
  if (self->match != NULL)
    filter |= FILTER_SEARCH;
  if (self->match != NULL && *self->id_start != '\0')
    filter |= FILTER_ID;

  stmt = &self->statements[query][filter];

  if (*stmt == NULL)
    {
      g_autofree char *sql = g_strconcat (queries[query][0], filters[filter], queries[query][1], NULL);
      int rc = sqlite3_prepare_v3 (sch_store_get_db (self->store), sql, -1,
                                   SQLITE_PREPARE_PERSISTENT, stmt, NULL);

      if (rc != SQLITE_OK)
        {
          warn_query_failed (self, rc);
          return NULL;
        }
    }

  sqlite3_reset (*stmt);
  sqlite3_clear_bindings (*stmt);

  if (filter & FILTER_STATE)
    bind_named_text (*stmt, ":state", sch_case_state_to_string (self->state_filter));
  if (filter & FILTER_SEARCH)
    bind_named_text (*stmt, ":match", self->match);
  if (filter & FILTER_ID)
    {
      g_autofree char *end = g_strconcat (self->id_start, "~", NULL);

      /* The ids that start so: a range of the unique index on uuid ("~"
       * sorts after every character of an id). */
      bind_named_text (*stmt, ":id", self->id_start);
      bind_named_text (*stmt, ":id_end", end);
    }

  return *stmt;
}

/* Runs a statement that yields one integer; -1 on error. */
static gint64
query_int64 (SchCaseList  *self,
             sqlite3_stmt *stmt)
{
  gint64 value = -1;
  int rc = sqlite3_step (stmt);

  if (rc == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    value = 0;
  else
    warn_query_failed (self, rc);

  sqlite3_reset (stmt);
  return value;
}

static guint
sch_case_list_count (SchCaseList *self)
{
  sqlite3_stmt *stmt = sch_case_list_statement (self, QUERY_COUNT);
  gint64 count;

  if (stmt == NULL)
    return 0;

  count = query_int64 (self, stmt);
  return (guint) CLAMP (count, 0, G_MAXUINT - 1);
}

static SchCaseSummary *
summary_from_row (sqlite3_stmt *stmt)
{
  const char *state_name = (const char *) sqlite3_column_text (stmt, 2);
  SchCaseState state;

  /* Cannot happen with a schema we know; shown as needing a look rather
   * than dropped, which would shift every position after it. */
  if (!sch_case_state_from_string (state_name, &state))
    state = SCH_CASE_STATE_NEEDS_ATTENTION;

  return sch_case_summary_new ((const char *) sqlite3_column_text (stmt, 0),
                               (const char *) sqlite3_column_text (stmt, 1),
                               state,
                               (const char *) sqlite3_column_text (stmt, 3),
                               (const char *) sqlite3_column_text (stmt, 4),
                               sqlite3_column_int64 (stmt, 5));
}

static Page *
sch_case_list_fetch_page (SchCaseList *self,
                          guint        index)
{
  sqlite3_stmt *stmt = sch_case_list_statement (self, QUERY_PAGE);
  g_autoptr(GPtrArray) items = NULL;
  Page *page;
  int rc;

  if (stmt == NULL)
    return NULL;

  bind_named_int64 (stmt, ":limit", PAGE_SIZE);
  bind_named_int64 (stmt, ":offset", (gint64) index * PAGE_SIZE);

  items = g_ptr_array_new_full (PAGE_SIZE, g_object_unref);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, summary_from_row (stmt));
  sqlite3_reset (stmt);

  if (rc != SQLITE_DONE)
    {
      warn_query_failed (self, rc);
      return NULL;
    }

  page = g_new0 (Page, 1);
  page->index = index;
  page->items = g_steal_pointer (&items);

  return page;
}

static Page *
sch_case_list_get_page (SchCaseList *self,
                        guint        index)
{
  Page *page;

  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      page = l->data;
      if (page->index == index)
        {
          g_queue_unlink (&self->pages, l);
          g_queue_push_head_link (&self->pages, l);
          return page;
        }
    }

  page = sch_case_list_fetch_page (self, index);
  if (page == NULL)
    return NULL;

  g_queue_push_head (&self->pages, page);
  while (self->pages.length > MAX_PAGES)
    page_free (g_queue_pop_tail (&self->pages));

  return page;
}

/* Where @uuid was in the view, if it is in a cached page. */
static guint
sch_case_list_cached_position (SchCaseList *self,
                               const char  *uuid)
{
  for (GList *l = self->pages.head; l != NULL; l = l->next)
    {
      Page *page = l->data;

      for (guint i = 0; i < page->items->len; i++)
        {
          SchCaseSummary *summary = g_ptr_array_index (page->items, i);

          if (g_str_equal (sch_case_summary_get_uuid (summary), uuid))
            return page->index * PAGE_SIZE + i;
        }
    }

  return G_MAXUINT;
}

/* GListModel */

static GType
sch_case_list_get_item_type (GListModel *model)
{
  return SCH_TYPE_CASE_SUMMARY;
}

static guint
sch_case_list_get_n_items (GListModel *model)
{
  SchCaseList *self = SCH_CASE_LIST (model);

  return self->hidden != G_MAXUINT ? self->n_items - 1 : self->n_items;
}

static gpointer
sch_case_list_get_item (GListModel *model,
                        guint       position)
{
  SchCaseList *self = SCH_CASE_LIST (model);
  Page *page;
  guint offset;

  if (self->hidden != G_MAXUINT && position >= self->hidden)
    position++;

  if (position >= self->n_items)
    return NULL;

  offset = position % PAGE_SIZE;

  page = sch_case_list_get_page (self, position / PAGE_SIZE);
  if (page == NULL || offset >= page->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (page->items, offset));
}

static void
sch_case_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = sch_case_list_get_item_type;
  iface->get_n_items = sch_case_list_get_n_items;
  iface->get_item = sch_case_list_get_item;
}

/* Refreshing
 *
 * Changes are reported so that a GtkSingleSelection never has to look for
 * its selected item among many new rows (it reads every one of them): a
 * removal first, then an insertion. Views keep their selection through the
 * list's find(). */

static void
sch_case_list_reset (SchCaseList *self)
{
  guint old_n_items = self->n_items;
  guint new_n_items;

  sch_case_list_drop_pages (self);
  new_n_items = sch_case_list_count (self);

  self->n_items = 0;
  if (old_n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, old_n_items, 0);

  self->n_items = new_n_items;
  if (new_n_items > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, new_n_items);
}

static void
sch_case_list_report_move (SchCaseList *self,
                           guint        old_position,
                           guint        new_position)
{
  if (old_position == new_position)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 1);
      return;
    }

  self->hidden = new_position;
  g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
  self->hidden = G_MAXUINT;
  g_list_model_items_changed (G_LIST_MODEL (self), new_position, 0, 1);
}

/* Exactly one case changed since the list was last in step with the store:
 * report only the rows it affected, so views keep their scroll position and
 * do not re-read every row. */
static void
on_case_changed (SchCaseList *self,
                 const char  *uuid,
                 SchStore    *store)
{
  guint old_n_items = self->n_items;
  guint old_position = sch_case_list_cached_position (self, uuid);
  guint new_position;

  sch_case_list_drop_pages (self);
  self->n_items = sch_case_list_count (self);
  new_position = sch_case_list_find (self, uuid);

  if (old_position != G_MAXUINT && new_position != G_MAXUINT && self->n_items == old_n_items)
    {
      sch_case_list_report_move (self, old_position, new_position);
    }
  else if (old_position != G_MAXUINT && new_position == G_MAXUINT && self->n_items + 1 == old_n_items)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
    }
  else if (new_position != G_MAXUINT && self->n_items == old_n_items + 1)
    {
      /* It was not in the view before (new, or now matching). */
      g_list_model_items_changed (G_LIST_MODEL (self), new_position, 0, 1);
    }
  else if (old_position == G_MAXUINT && new_position == G_MAXUINT && self->n_items == old_n_items)
    {
      /* Neither in the view before nor now: nothing to show. */
    }
  else
    {
      /* Somewhere in rows not read yet: start over. */
      self->n_items = old_n_items;
      sch_case_list_reset (self);
    }
}

/* Search */

static gboolean
token_is_number (const char *token)
{
  gboolean has_separator = FALSE;

  for (const char *p = token; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalpha (c))
        return FALSE;
      if (!g_unichar_isdigit (c))
        has_separator = TRUE;
    }

  return has_separator;
}

static void
append_fts_prefix (GString    *match,
                   const char *token)
{
  g_string_append_c (match, '"');
  for (const char *p = token; *p != '\0'; p++)
    {
      /* Inside an FTS5 string a double quote is written twice. */
      if (*p == '"')
        g_string_append_c (match, '"');
      g_string_append_c (match, *p);
    }
  g_string_append (match, "\"*");
}

static gboolean
token_has_alnum (const char *token)
{
  for (const char *p = token; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_isalnum (g_utf8_get_char (p)))
      return TRUE;

  return FALSE;
}

/* Every word of @text must occur as the start of a word of the case. A
 * number typed with separators ("756.1234", "12345678.9") also matches the
 * indexed digits-only form. */
static char *
build_match (const char *text)
{
  g_autofree char *normalized = NULL;
  g_auto(GStrv) tokens = NULL;
  g_autoptr(GString) match = g_string_new (NULL);

  if (text == NULL)
    return NULL;

  normalized = g_utf8_normalize (text, -1, G_NORMALIZE_NFC);
  if (normalized == NULL)
    return NULL;

  g_strdelimit (normalized, "\t\n\r\f\v", ' ');
  tokens = g_strsplit (normalized, " ", -1);

  for (guint i = 0; tokens[i] != NULL; i++)
    {
      const char *token = tokens[i];

      if (!token_has_alnum (token))
        continue;

      if (match->len > 0)
        g_string_append (match, " AND ");

      if (token_is_number (token))
        {
          g_autoptr(GString) digits = g_string_new (NULL);

          for (const char *p = token; *p != '\0'; p++)
            if (g_ascii_isdigit (*p))
              g_string_append_c (digits, *p);

          g_string_append_c (match, '(');
          append_fts_prefix (match, token);
          g_string_append (match, " OR ");
          append_fts_prefix (match, digits->str);
          g_string_append_c (match, ')');
        }
      else
        {
          append_fts_prefix (match, token);
        }
    }

  if (match->len == 0)
    return NULL;

  return g_string_free (g_steal_pointer (&match), FALSE);
}

/* Public API */

SchCaseList *
sch_case_list_new (SchStore *store)
{
  SchCaseList *self;

  g_return_val_if_fail (SCH_IS_STORE (store), NULL);

  self = g_object_new (SCH_TYPE_CASE_LIST, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "case-changed", G_CALLBACK (on_case_changed),
                           self, G_CONNECT_SWAPPED);
  self->n_items = sch_case_list_count (self);

  return self;
}

/* Printed forms and receipts name a case by the start of its id (at least
 * SHORT_ID_MIN hex digits): a search of that form also finds the case by it;
 * "" when the text cannot be one. */
static char *
build_id_start (const char *text)
{
  g_autofree char *id = g_ascii_strdown (text != NULL ? text : "", -1);

  g_strstrip (id);
  if (strlen (id) < SHORT_ID_MIN || strlen (id) > 36 ||
      strspn (id, "0123456789abcdef-") != strlen (id))
    return g_strdup ("");

  return g_steal_pointer (&id);
}

void
sch_case_list_set_search (SchCaseList *self,
                          const char  *text)
{
  g_autofree char *match = NULL;
  g_autofree char *id_start = NULL;

  g_return_if_fail (SCH_IS_CASE_LIST (self));

  if (text != NULL && *text == '\0')
    text = NULL;

  if (g_strcmp0 (self->search, text) == 0)
    return;

  g_free (self->search);
  self->search = g_strdup (text);

  match = build_match (text);
  id_start = build_id_start (text);
  if (g_strcmp0 (self->match, match) == 0 && g_strcmp0 (self->id_start, id_start) == 0)
    return;

  g_free (self->match);
  self->match = g_steal_pointer (&match);
  g_free (self->id_start);
  self->id_start = g_steal_pointer (&id_start);
  sch_case_list_reset (self);
}

const char *
sch_case_list_get_search (SchCaseList *self)
{
  g_return_val_if_fail (SCH_IS_CASE_LIST (self), NULL);

  return self->search;
}

void
sch_case_list_set_state_filter (SchCaseList  *self,
                                SchCaseState  state)
{
  g_return_if_fail (SCH_IS_CASE_LIST (self));
  g_return_if_fail (state <= SCH_N_CASE_STATES);

  if (self->state_filter == state)
    return;

  self->state_filter = state;
  sch_case_list_reset (self);
}

void
sch_case_list_refresh (SchCaseList *self)
{
  g_return_if_fail (SCH_IS_CASE_LIST (self));

  sch_case_list_reset (self);
}

guint
sch_case_list_find (SchCaseList *self,
                    const char  *uuid)
{
  sqlite3_stmt *stmt;
  gint64 modified;
  gint64 position;
  int rc;

  g_return_val_if_fail (SCH_IS_CASE_LIST (self), G_MAXUINT);
  g_return_val_if_fail (uuid != NULL, G_MAXUINT);

  stmt = sch_case_list_statement (self, QUERY_ROW);
  if (stmt == NULL)
    return G_MAXUINT;

  bind_named_text (stmt, ":uuid", uuid);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        warn_query_failed (self, rc);
      return G_MAXUINT;
    }

  modified = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);

  stmt = sch_case_list_statement (self, QUERY_POSITION);
  if (stmt == NULL)
    return G_MAXUINT;

  bind_named_int64 (stmt, ":modified", modified);
  bind_named_text (stmt, ":uuid", uuid);
  position = query_int64 (self, stmt);

  if (position < 0 || position >= self->n_items || position == self->hidden)
    return G_MAXUINT;

  if (self->hidden != G_MAXUINT && position > self->hidden)
    position--;

  return (guint) position;
}
