#define G_LOG_DOMAIN "sch-case"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case.h"

struct _SchCase
{
  GObject       parent_instance;

  char         *uuid;
  char         *type_code;
  SchCaseState  state;
  gint64        created;
  gint64        modified;
  char         *reference;
  JsonObject   *data;
  gboolean      dirty;
};

G_DEFINE_FINAL_TYPE (SchCase, sch_case, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Fields the case list searches, in any group or repeatable item. */
static const char * const searchable_fields[] = {
  "official_name", "first_names", "call_name", "original_name", "ahv", "zemis",
};
/* Identifiers people type with or without their dots. */
static const char * const digit_fields[] = { "ahv", "zemis" };

static void
sch_case_finalize (GObject *object)
{
  SchCase *self = (SchCase *) object;

  g_free (self->uuid);
  g_free (self->type_code);
  g_free (self->reference);
  g_clear_pointer (&self->data, json_object_unref);

  G_OBJECT_CLASS (sch_case_parent_class)->finalize (object);
}

static void
sch_case_class_init (SchCaseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_case_finalize;

  /**
   * SchCase::changed:
   *
   * A value, item or the reference changed; the case is now dirty.
   */
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
sch_case_init (SchCase *self)
{
  self->data = json_object_new ();
  self->state = SCH_CASE_STATE_DRAFT;
}

static void
sch_case_emit_changed (SchCase *self)
{
  self->dirty = TRUE;
  g_signal_emit (self, signals[CHANGED], 0);
}

SchCase *
sch_case_new (const char *type_code)
{
  SchCase *self;

  g_return_val_if_fail (type_code != NULL, NULL);

  self = g_object_new (SCH_TYPE_CASE, NULL);
  self->uuid = g_uuid_string_random ();
  self->type_code = g_strdup (type_code);
  self->created = self->modified = g_get_real_time ();

  return self;
}

SchCase *
sch_case_new_full (const char   *uuid,
                   const char   *type_code,
                   SchCaseState  state,
                   gint64        created_usec,
                   gint64        modified_usec,
                   const char   *reference,
                   const char   *data_json,
                   GError      **error)
{
  g_autoptr(SchCase) self = NULL;

  g_return_val_if_fail (uuid != NULL, NULL);
  g_return_val_if_fail (type_code != NULL, NULL);
  g_return_val_if_fail (state < SCH_N_CASE_STATES, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (SCH_TYPE_CASE, NULL);
  self->uuid = g_strdup (uuid);
  self->type_code = g_strdup (type_code);
  self->state = state;
  self->created = created_usec;
  self->modified = modified_usec;
  self->reference = (reference != NULL && *reference != '\0') ? g_strdup (reference) : NULL;

  if (data_json != NULL && *data_json != '\0')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      JsonNode *root;

      if (!json_parser_load_from_data (parser, data_json, -1, error))
        return NULL;

      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       _("The data of case %s is not a JSON object."), uuid);
          return NULL;
        }

      json_object_unref (self->data);
      self->data = json_node_dup_object (root);
    }

  return g_steal_pointer (&self);
}

const char *
sch_case_get_uuid (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  return self->uuid;
}

const char *
sch_case_get_type_code (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  return self->type_code;
}

SchCaseState
sch_case_get_state (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), SCH_CASE_STATE_DRAFT);

  return self->state;
}

void
sch_case_set_state (SchCase      *self,
                    SchCaseState  state)
{
  g_return_if_fail (SCH_IS_CASE (self));
  g_return_if_fail (state < SCH_N_CASE_STATES);

  self->state = state;
}

gint64
sch_case_get_created (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), 0);

  return self->created;
}

gint64
sch_case_get_modified (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), 0);

  return self->modified;
}

void
sch_case_set_modified (SchCase *self,
                       gint64   modified_usec)
{
  g_return_if_fail (SCH_IS_CASE (self));

  self->modified = modified_usec;
}

const char *
sch_case_get_reference (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  return self->reference;
}

void
sch_case_set_reference (SchCase    *self,
                        const char *reference)
{
  g_return_if_fail (SCH_IS_CASE (self));

  if (reference != NULL && *reference == '\0')
    reference = NULL;

  if (g_strcmp0 (self->reference, reference) == 0)
    return;

  g_free (self->reference);
  self->reference = g_strdup (reference);
  sch_case_emit_changed (self);
}

/* The object holding the fields of @group (item @index of a repeatable
 * group), or NULL. */
static JsonObject *
sch_case_lookup_fields (SchCase    *self,
                        const char *group,
                        guint       index)
{
  JsonNode *node = json_object_get_member (self->data, group);

  if (node == NULL)
    return NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    return json_node_get_object (node);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *items = json_node_get_array (node);
      JsonNode *item;

      if (index >= json_array_get_length (items))
        return NULL;

      item = json_array_get_element (items, index);
      return JSON_NODE_HOLDS_OBJECT (item) ? json_node_get_object (item) : NULL;
    }

  return NULL;
}

static const char *
fields_get_string (JsonObject *fields,
                   const char *field)
{
  JsonNode *node = json_object_get_member (fields, field);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

const char *
sch_case_get_value (SchCase    *self,
                    const char *group,
                    guint       index,
                    const char *field)
{
  JsonObject *fields;

  g_return_val_if_fail (SCH_IS_CASE (self), NULL);
  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (field != NULL, NULL);

  fields = sch_case_lookup_fields (self, group, index);
  if (fields == NULL)
    return NULL;

  return fields_get_string (fields, field);
}

void
sch_case_set_value (SchCase    *self,
                    const char *group,
                    guint       index,
                    const char *field,
                    const char *value)
{
  JsonNode *node;
  JsonObject *fields;

  g_return_if_fail (SCH_IS_CASE (self));
  g_return_if_fail (group != NULL);
  g_return_if_fail (field != NULL);

  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (sch_case_get_value (self, group, index, field), value) == 0)
    return;

  node = json_object_get_member (self->data, group);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      /* Items of repeatable groups exist only through sch_case_add_item(). */
      fields = sch_case_lookup_fields (self, group, index);
      g_return_if_fail (fields != NULL);
    }
  else if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      fields = json_node_get_object (node);
    }
  else
    {
      if (value == NULL)
        return;
      fields = json_object_new ();
      json_object_set_object_member (self->data, group, fields);
    }

  if (value != NULL)
    json_object_set_string_member (fields, field, value);
  else
    json_object_remove_member (fields, field);

  /* An emptied plain group leaves no trace in the stored JSON. */
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) && json_object_get_size (fields) == 0)
    json_object_remove_member (self->data, group);

  sch_case_emit_changed (self);
}

static JsonArray *
sch_case_lookup_items (SchCase    *self,
                       const char *group)
{
  JsonNode *node = json_object_get_member (self->data, group);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;

  return json_node_get_array (node);
}

guint
sch_case_get_n_items (SchCase    *self,
                      const char *group)
{
  JsonArray *items;

  g_return_val_if_fail (SCH_IS_CASE (self), 0);
  g_return_val_if_fail (group != NULL, 0);

  items = sch_case_lookup_items (self, group);

  return items != NULL ? json_array_get_length (items) : 0;
}

guint
sch_case_add_item (SchCase    *self,
                   const char *group)
{
  JsonNode *node;
  JsonArray *items;

  g_return_val_if_fail (SCH_IS_CASE (self), 0);
  g_return_val_if_fail (group != NULL, 0);

  node = json_object_get_member (self->data, group);
  g_return_val_if_fail (node == NULL || JSON_NODE_HOLDS_ARRAY (node), 0);

  if (node == NULL)
    {
      items = json_array_new ();
      json_object_set_array_member (self->data, group, items);
    }
  else
    {
      items = json_node_get_array (node);
    }

  json_array_add_object_element (items, json_object_new ());
  sch_case_emit_changed (self);

  return json_array_get_length (items) - 1;
}

void
sch_case_remove_item (SchCase    *self,
                      const char *group,
                      guint       index)
{
  JsonArray *items;

  g_return_if_fail (SCH_IS_CASE (self));
  g_return_if_fail (group != NULL);

  items = sch_case_lookup_items (self, group);
  g_return_if_fail (items != NULL);
  g_return_if_fail (index < json_array_get_length (items));

  json_array_remove_element (items, index);
  sch_case_emit_changed (self);
}

char *
sch_case_dup_display_name (SchCase *self)
{
  const char *official_name;
  const char *first_names;

  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  official_name = sch_case_get_value (self, "person", 0, "official_name");
  first_names = sch_case_get_value (self, "person", 0, "first_names");

  if (official_name != NULL && first_names != NULL)
    return g_strconcat (official_name, ", ", first_names, NULL);

  return g_strdup (official_name != NULL ? official_name : first_names);
}

/* Letters the search index does not fold by itself, since they carry no
 * separable accent; clerks type them the way a Swiss keyboard allows. */
static const struct {
  gunichar    letter;
  const char *latin;
} letter_folds[] = {
  { 0x0131, "i" },   /* ı */
  { 0x00df, "ss" },  /* ß */
  { 0x00f8, "o" },   /* ø */
  { 0x00d8, "O" },
  { 0x0142, "l" },   /* ł */
  { 0x0141, "L" },
  { 0x0111, "d" },   /* đ */
  { 0x0110, "D" },
  { 0x00f0, "d" },   /* ð */
  { 0x00d0, "D" },
  { 0x00e6, "ae" },  /* æ */
  { 0x00c6, "AE" },
  { 0x0153, "oe" },  /* œ */
  { 0x0152, "OE" },
  { 0x00fe, "th" },  /* þ */
  { 0x00de, "TH" },
};

/* @value with those letters spelled in Latin, or NULL if it has none. */
static char *
fold_letters (const char *value)
{
  g_autoptr(GString) folded = g_string_new (NULL);
  gboolean changed = FALSE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      const char *latin = NULL;

      for (guint i = 0; i < G_N_ELEMENTS (letter_folds) && latin == NULL; i++)
        if (letter_folds[i].letter == c)
          latin = letter_folds[i].latin;

      if (latin != NULL)
        {
          g_string_append (folded, latin);
          changed = TRUE;
        }
      else
        {
          g_string_append_unichar (folded, c);
        }
    }

  return changed ? g_string_free (g_steal_pointer (&folded), FALSE) : NULL;
}

static gboolean
is_digit_field (const char *field)
{
  for (guint i = 0; i < G_N_ELEMENTS (digit_fields); i++)
    if (g_str_equal (field, digit_fields[i]))
      return TRUE;

  return FALSE;
}

static void
append_search_value (GString    *text,
                     const char *value)
{
  if (text->len > 0)
    g_string_append_c (text, ' ');
  g_string_append (text, value);
}

static void
append_searchable_fields (GString    *text,
                          JsonObject *fields)
{
  for (guint i = 0; i < G_N_ELEMENTS (searchable_fields); i++)
    {
      const char *value = fields_get_string (fields, searchable_fields[i]);

      if (value == NULL)
        continue;

      g_autofree char *folded = fold_letters (value);

      append_search_value (text, value);
      if (folded != NULL)
        append_search_value (text, folded);

      /* "756.1234.5678.97" is indexed as its parts; the digits alone let
       * "7561234567897" (and prefixes of it) find the case as well. */
      if (is_digit_field (searchable_fields[i]))
        {
          g_autoptr(GString) digits = g_string_new (NULL);

          for (const char *p = value; *p != '\0'; p++)
            if (g_ascii_isdigit (*p))
              g_string_append_c (digits, *p);

          if (digits->len > 0 && !g_str_equal (digits->str, value))
            append_search_value (text, digits->str);
        }
    }
}

char *
sch_case_dup_search_text (SchCase *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonObjectIter iter;
  JsonNode *node;

  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  json_object_iter_init (&iter, self->data);
  while (json_object_iter_next (&iter, NULL, &node))
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          append_searchable_fields (text, json_node_get_object (node));
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *items = json_node_get_array (node);

          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              JsonNode *item = json_array_get_element (items, i);

              if (JSON_NODE_HOLDS_OBJECT (item))
                append_searchable_fields (text, json_node_get_object (item));
            }
        }
    }

  if (self->reference != NULL)
    append_search_value (text, self->reference);

  /* Names may arrive decomposed (base letter + combining mark); the search
   * query is composed the same way. */
  return g_utf8_normalize (text->str, text->len, G_NORMALIZE_NFC);
}

char *
sch_case_dup_data_json (SchCase *self)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);

  g_return_val_if_fail (SCH_IS_CASE (self), NULL);

  json_node_set_object (root, self->data);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

gboolean
sch_case_is_dirty (SchCase *self)
{
  g_return_val_if_fail (SCH_IS_CASE (self), FALSE);

  return self->dirty;
}

void
sch_case_mark_saved (SchCase *self)
{
  g_return_if_fail (SCH_IS_CASE (self));

  self->dirty = FALSE;
}
