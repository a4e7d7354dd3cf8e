#define G_LOG_DOMAIN "sch-catalog"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sch-catalog.h"
#include "sch-refdata.h"

#define BUILTIN_PATH "/io/github/schalter/Schalter/catalog"
#define BUILTIN_GROUPS "groups.json"
#define FORMAT_VERSION 1
/* 100,000 CHF: anything above is a typo, not a fee. */
#define MAX_FEE_CHF 100000.0

G_DEFINE_QUARK (sch-catalog-error-quark, sch_catalog_error)

struct _SchCatalog
{
  GObject     parent_instance;

  GHashTable *groups;     /* id → SchFieldGroup*, every group defined so far */
  GHashTable *types;      /* code → SchAppType* */
  GListStore *store;      /* SchAppType, sorted by title */
  GPtrArray  *problems;   /* char*, translated */
};

G_DEFINE_FINAL_TYPE (SchCatalog, sch_catalog, G_TYPE_OBJECT)

/* State of one file while it is parsed; nothing reaches the catalog before
 * the whole file is known to be good. */
typedef struct
{
  SchCatalog *catalog;
  const char *name;       /* path or URI, for messages */
  GHashTable *groups;     /* id → SchFieldGroup*, defined by this file */
  GPtrArray  *group_order;/* SchFieldGroup*, in file order (owned by @groups) */
  GPtrArray  *types;      /* SchAppType* */
} LoadCtx;

static const char * const field_kinds[] = {
  [SCH_FIELD_TEXT] = "text",
  [SCH_FIELD_DATE] = "date",
  [SCH_FIELD_CHOICE] = "choice",
  [SCH_FIELD_COUNTRY] = "country",
  [SCH_FIELD_MUNICIPALITY] = "municipality",
  [SCH_FIELD_MULTILINE] = "multiline",
  [SCH_FIELD_NATIONALITY] = "nationality",
};

static gboolean fail (LoadCtx          *ctx,
                      GError          **error,
                      SchCatalogError   code,
                      const char       *path,
                      const char       *format,
                      ...) G_GNUC_PRINTF (5, 6);

static gboolean
fail (LoadCtx          *ctx,
      GError          **error,
      SchCatalogError   code,
      const char       *path,
      const char       *format,
      ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  /* TRANSLATORS: first the catalog file, then the place inside it like
   * "$.types[2].title", then a sentence saying what is wrong. */
  g_set_error (error, SCH_CATALOG_ERROR, code, _("In %s at %s: %s"), ctx->name, path, detail);
  return FALSE;
}

static char *
member_path (const char *path,
             const char *member)
{
  return g_strdup_printf ("%s.%s", path, member);
}

static char *
item_path (const char *path,
           const char *member,
           guint       index)
{
  return g_strdup_printf ("%s.%s[%u]", path, member, index);
}

static gboolean
check_members (LoadCtx           *ctx,
               JsonObject        *object,
               const char        *path,
               const char * const *allowed,
               GError           **error)
{
  g_autoptr(GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *where = member_path (path, l->data);

        return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                     _("The member “%s” is not known; check its spelling."), (const char *) l->data);
      }
  return TRUE;
}

static gboolean
get_object (LoadCtx     *ctx,
            JsonNode    *node,
            const char  *path,
            JsonObject **out,
            GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path, _("An object { … } is expected here."));
  *out = json_node_get_object (node);
  return TRUE;
}

static gboolean
is_blank (const char *text)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (!g_unichar_isspace (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

/* @out is NULL when the member is absent and not @required. */
static gboolean
get_string (LoadCtx     *ctx,
            JsonObject  *object,
            const char  *path,
            const char  *name,
            gboolean     required,
            const char **out,
            GError     **error)
{
  g_autofree char *where = member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                     _("The member “%s” is missing."), name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where, _("A text in quotes is expected here."));
  if (is_blank (json_node_get_string (node)))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where, _("The text must not be empty."));
  *out = json_node_get_string (node);
  return TRUE;
}

static gboolean
get_bool (LoadCtx    *ctx,
          JsonObject *object,
          const char *path,
          const char *name,
          gboolean   *inout,
          GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *where = member_path (path, name);

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where, _("true or false is expected here."));
    }
  *inout = json_node_get_boolean (node);
  return TRUE;
}

static gboolean
get_uint (LoadCtx    *ctx,
          JsonObject *object,
          const char *path,
          const char *name,
          guint       max,
          guint      *inout,
          GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      (value = json_node_get_int (node)) < 0 || value > max)
    {
      g_autofree char *where = member_path (path, name);

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("A whole number from 0 to %u is expected here."), max);
    }
  *inout = (guint) value;
  return TRUE;
}

/* @out is NULL when the member is absent. */
static gboolean
get_array (LoadCtx    *ctx,
           JsonObject *object,
           const char *path,
           const char *name,
           JsonArray **out,
           GError    **error)
{
  JsonNode *node = json_object_get_member (object, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *where = member_path (path, name);

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where, _("A list [ … ] is expected here."));
    }
  *out = json_node_get_array (node);
  return TRUE;
}

/* Identifiers of groups, fields and slots end up as keys in stored case data. */
static gboolean
is_identifier (const char *id)
{
  if (!g_ascii_islower (*id))
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

static gboolean
is_code (const char *code)
{
  gboolean after_dash = TRUE;

  for (const char *p = code; *p != '\0'; p++)
    {
      if (*p == '-')
        {
          if (after_dash)
            return FALSE;
          after_dash = TRUE;
        }
      else if (g_ascii_islower (*p) || g_ascii_isdigit (*p))
        after_dash = FALSE;
      else
        return FALSE;
    }
  return !after_dash;
}

static gboolean
get_id (LoadCtx     *ctx,
        JsonObject  *object,
        const char  *path,
        const char **out,
        GError     **error)
{
  if (!get_string (ctx, object, path, "id", TRUE, out, error))
    return FALSE;
  if (!is_identifier (*out))
    {
      g_autofree char *where = member_path (path, "id");

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("The id “%s” must start with a small letter and contain only small letters, digits and “_”."),
                   *out);
    }
  return TRUE;
}

/* A text in several languages. @out stays NULL when the member is absent and
 * not @required; a required text needs at least one language. */
static gboolean
get_text (LoadCtx     *ctx,
          JsonObject  *object,
          const char  *path,
          const char  *name,
          gboolean     required,
          SchText    **out,
          GError     **error)
{
  g_autofree char *where = member_path (path, name);
  JsonNode *node = json_object_get_member (object, name);
  g_autoptr(SchText) text = NULL;
  g_autoptr(GList) langs = NULL;
  JsonObject *text_object = NULL;

  *out = NULL;
  if (node == NULL)
    {
      if (required)
        return fail (ctx, error, SCH_CATALOG_ERROR_MISSING_TITLE, where,
                     _("The text “%s” is missing; give it in at least one of de, fr, it, en."), name);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                 _("Texts are written as { \"de\": …, \"fr\": …, \"it\": …, \"en\": … }."));

  text_object = json_node_get_object (node);
  text = sch_text_new ();
  langs = json_object_get_members (text_object);
  for (GList *l = langs; l != NULL; l = l->next)
    {
      int lang = sch_lang_from_string (l->data);
      const char *value = NULL;

      if (lang < 0)
        {
          g_autofree char *lang_path = member_path (where, l->data);

          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, lang_path,
                       _("The language “%s” is not known; use de, fr, it or en."), (const char *) l->data);
        }
      if (!get_string (ctx, text_object, where, l->data, TRUE, &value, error))
        return FALSE;
      sch_text_set (text, (SchLang) lang, value);
    }
  if (sch_text_is_empty (text))
    return fail (ctx, error, SCH_CATALOG_ERROR_MISSING_TITLE, where,
                 _("The text “%s” is empty; give it in at least one of de, fr, it, en."), name);

  *out = g_steal_pointer (&text);
  return TRUE;
}

static gboolean
parse_choice (LoadCtx     *ctx,
              JsonNode    *node,
              const char  *path,
              SchChoice  **out,
              GError     **error)
{
  static const char * const members[] = { "value", "label", NULL };
  g_autoptr(SchChoice) choice = g_new0 (SchChoice, 1);
  JsonObject *object = NULL;
  const char *value = NULL;

  if (!get_object (ctx, node, path, &object, error) ||
      !check_members (ctx, object, path, members, error) ||
      !get_string (ctx, object, path, "value", TRUE, &value, error) ||
      !get_text (ctx, object, path, "label", TRUE, &choice->label, error))
    return FALSE;

  choice->value = g_strdup (value);
  *out = g_steal_pointer (&choice);
  return TRUE;
}

static gboolean
parse_choices (LoadCtx     *ctx,
               JsonObject  *object,
               const char  *path,
               SchField    *field,
               GError     **error)
{
  g_autofree char *where = member_path (path, "choices");
  JsonArray *array = NULL;

  if (!get_array (ctx, object, path, "choices", &array, error))
    return FALSE;
  if (field->kind != SCH_FIELD_CHOICE)
    {
      if (array != NULL)
        return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                     _("Only fields of kind “choice” have choices."));
      return TRUE;
    }
  if (array == NULL || json_array_get_length (array) == 0)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("A field of kind “choice” needs a list of choices."));

  field->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_choice_free);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *choice_path = item_path (path, "choices", i);
      SchChoice *choice = NULL;

      if (!parse_choice (ctx, json_array_get_element (array, i), choice_path, &choice, error))
        return FALSE;
      g_ptr_array_add (field->choices, choice);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((SchChoice *) g_ptr_array_index (field->choices, j))->value, choice->value))
          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, choice_path,
                       _("The value “%s” is given twice."), choice->value);
    }
  return TRUE;
}

static SchValidator
default_validator (SchFieldKind kind)
{
  switch (kind)
    {
    case SCH_FIELD_DATE:
      return SCH_VALIDATOR_DATE;
    case SCH_FIELD_COUNTRY:
      return SCH_VALIDATOR_COUNTRY;
    case SCH_FIELD_NATIONALITY:
      return SCH_VALIDATOR_NATIONALITY;
    case SCH_FIELD_MUNICIPALITY:
      return SCH_VALIDATOR_MUNICIPALITY;
    case SCH_FIELD_TEXT:
    case SCH_FIELD_CHOICE:
    case SCH_FIELD_MULTILINE:
    default:
      return SCH_VALIDATOR_NONE;
    }
}

static gboolean
parse_kind (LoadCtx      *ctx,
            JsonObject   *object,
            const char   *path,
            SchFieldKind *out,
            GError      **error)
{
  const char *name = NULL;

  *out = SCH_FIELD_TEXT;
  if (!get_string (ctx, object, path, "kind", FALSE, &name, error))
    return FALSE;
  if (name == NULL)
    return TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (field_kinds); i++)
    if (g_str_equal (name, field_kinds[i]))
      {
        *out = (SchFieldKind) i;
        return TRUE;
      }

  {
    g_autofree char *where = member_path (path, "kind");

    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                 _("The kind “%s” is not known; use text, date, choice, country, nationality, municipality or multiline."),
                 name);
  }
}

static gboolean
parse_field (LoadCtx    *ctx,
             JsonNode   *node,
             const char *path,
             SchField  **out,
             GError    **error)
{
  static const char * const members[] = {
    "id", "label", "hint", "kind", "validator", "required", "max_length", "searchable", "choices", NULL
  };
  g_autoptr(SchField) field = g_new0 (SchField, 1);
  JsonObject *object = NULL;
  const char *id = NULL;
  const char *validator = NULL;

  if (!get_object (ctx, node, path, &object, error) ||
      !check_members (ctx, object, path, members, error) ||
      !get_id (ctx, object, path, &id, error) ||
      !get_text (ctx, object, path, "label", TRUE, &field->label, error) ||
      !get_text (ctx, object, path, "hint", FALSE, &field->hint, error) ||
      !parse_kind (ctx, object, path, &field->kind, error) ||
      !get_string (ctx, object, path, "validator", FALSE, &validator, error) ||
      !get_bool (ctx, object, path, "required", &field->required, error) ||
      !get_uint (ctx, object, path, "max_length", 10000, &field->max_length, error) ||
      !get_bool (ctx, object, path, "searchable", &field->searchable, error) ||
      !parse_choices (ctx, object, path, field, error))
    return FALSE;

  field->id = g_strdup (id);
  if (validator == NULL)
    field->validator = default_validator (field->kind);
  else if ((field->validator = sch_validator_from_string (validator)) == SCH_VALIDATOR_INVALID)
    {
      g_autofree char *where = member_path (path, "validator");

      return fail (ctx, error, SCH_CATALOG_ERROR_UNKNOWN_VALIDATOR, where,
                   _("The validator “%s” is not known."), validator);
    }

  *out = g_steal_pointer (&field);
  return TRUE;
}

static gboolean
check_item_limits (LoadCtx             *ctx,
                   const SchFieldGroup *group,
                   const char          *path,
                   GError             **error)
{
  if (group->max_items != 0 && group->min_items > group->max_items)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("min_items (%u) is larger than max_items (%u)."), group->min_items, group->max_items);
  if (!group->repeatable && (group->min_items != 0 || group->max_items != 0))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("Only repeatable groups have min_items and max_items."));
  return TRUE;
}

static gboolean
parse_group (LoadCtx        *ctx,
             JsonObject     *object,
             const char     *path,
             SchFieldGroup **out,
             GError        **error)
{
  static const char * const members[] = {
    "id", "title", "description", "repeatable", "item_title", "add_label",
    "min_items", "max_items", "fields", NULL
  };
  g_autoptr(SchFieldGroup) group = g_new0 (SchFieldGroup, 1);
  JsonArray *fields = NULL;
  const char *id = NULL;

  if (!check_members (ctx, object, path, members, error) ||
      !get_id (ctx, object, path, &id, error) ||
      !get_text (ctx, object, path, "title", TRUE, &group->title, error) ||
      !get_text (ctx, object, path, "description", FALSE, &group->description, error) ||
      !get_bool (ctx, object, path, "repeatable", &group->repeatable, error) ||
      !get_text (ctx, object, path, "item_title", FALSE, &group->item_title, error) ||
      !get_text (ctx, object, path, "add_label", FALSE, &group->add_label, error) ||
      !get_uint (ctx, object, path, "min_items", 1000, &group->min_items, error) ||
      !get_uint (ctx, object, path, "max_items", 1000, &group->max_items, error) ||
      !check_item_limits (ctx, group, path, error) ||
      !get_array (ctx, object, path, "fields", &fields, error))
    return FALSE;

  group->id = g_strdup (id);
  if (fields == NULL || json_array_get_length (fields) == 0)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path, _("A group needs a list of fields."));

  group->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_field_free);
  for (guint i = 0; i < json_array_get_length (fields); i++)
    {
      g_autofree char *field_path = item_path (path, "fields", i);
      SchField *field = NULL;

      if (!parse_field (ctx, json_array_get_element (fields, i), field_path, &field, error))
        return FALSE;
      if (sch_field_group_lookup_field (group, field->id) != NULL)
        {
          fail (ctx, error, SCH_CATALOG_ERROR_INVALID, field_path,
                _("The field id “%s” is used twice in this group."), field->id);
          sch_field_free (field);
          return FALSE;
        }
      g_ptr_array_add (group->fields, field);
    }

  *out = g_steal_pointer (&group);
  return TRUE;
}

static const SchFieldGroup *
lookup_group (LoadCtx    *ctx,
              const char *id)
{
  const SchFieldGroup *group = g_hash_table_lookup (ctx->groups, id);

  return group != NULL ? group : g_hash_table_lookup (ctx->catalog->groups, id);
}

static gboolean
copy_group (LoadCtx        *ctx,
            const char     *id,
            const char     *path,
            SchFieldGroup **out,
            GError        **error)
{
  const SchFieldGroup *group = lookup_group (ctx, id);

  if (group == NULL)
    return fail (ctx, error, SCH_CATALOG_ERROR_UNKNOWN_GROUP, path,
                 _("The group “%s” is not defined in this file or in the catalog."), id);
  *out = sch_field_group_copy (group);
  return TRUE;
}

/* "required": { "field_id": true, … } changes which fields of a shared group
 * a type needs, e.g. the employer for employed applicants. */
static gboolean
apply_required (LoadCtx       *ctx,
                JsonObject    *object,
                const char    *path,
                SchFieldGroup *group,
                GError       **error)
{
  g_autofree char *where = member_path (path, "required");
  JsonNode *node = json_object_get_member (object, "required");
  g_autoptr(GList) ids = NULL;
  JsonObject *required = NULL;

  if (node == NULL)
    return TRUE;
  if (!get_object (ctx, node, where, &required, error))
    return FALSE;

  ids = json_object_get_members (required);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      SchField *field = sch_field_group_lookup_field (group, l->data);

      if (field == NULL)
        {
          g_autofree char *field_path = member_path (where, l->data);

          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, field_path,
                       _("The group “%s” has no field “%s”."), group->id, (const char *) l->data);
        }
      if (!get_bool (ctx, required, where, l->data, &field->required, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_group_use (LoadCtx        *ctx,
                 JsonObject     *object,
                 const char     *path,
                 SchFieldGroup **out,
                 GError        **error)
{
  static const char * const members[] = {
    "use", "title", "description", "required", "min_items", "max_items", NULL
  };
  g_autoptr(SchFieldGroup) group = NULL;
  SchText *text = NULL;
  const char *id = NULL;

  if (!check_members (ctx, object, path, members, error) ||
      !get_string (ctx, object, path, "use", TRUE, &id, error))
    return FALSE;

  {
    g_autofree char *use_path = member_path (path, "use");

    if (!copy_group (ctx, id, use_path, &group, error))
      return FALSE;
  }

  if (!get_text (ctx, object, path, "title", FALSE, &text, error))
    return FALSE;
  if (text != NULL)
    {
      sch_text_free (group->title);
      group->title = text;
    }
  if (!get_text (ctx, object, path, "description", FALSE, &text, error))
    return FALSE;
  if (text != NULL)
    {
      sch_text_free (group->description);
      group->description = text;
    }
  if (!get_uint (ctx, object, path, "min_items", 1000, &group->min_items, error) ||
      !get_uint (ctx, object, path, "max_items", 1000, &group->max_items, error) ||
      !check_item_limits (ctx, group, path, error) ||
      !apply_required (ctx, object, path, group, error))
    return FALSE;

  *out = g_steal_pointer (&group);
  return TRUE;
}

/* A type's group: "id" of a shared group, { "use": "id", … } with changes,
 * or a whole definition of its own. */
static gboolean
parse_type_group (LoadCtx        *ctx,
                  JsonNode       *node,
                  const char     *path,
                  SchFieldGroup **out,
                  GError        **error)
{
  JsonObject *object = NULL;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return copy_group (ctx, json_node_get_string (node), path, out, error);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("A group id in quotes or a group object { … } is expected here."));

  object = json_node_get_object (node);
  if (json_object_has_member (object, "use"))
    return parse_group_use (ctx, object, path, out, error);
  return parse_group (ctx, object, path, out, error);
}

static gboolean
parse_slot (LoadCtx     *ctx,
            JsonNode    *node,
            const char  *path,
            SchDocSlot **out,
            GError     **error)
{
  static const char * const members[] = {
    "id", "title", "description", "required", "min_pages", "max_pages", NULL
  };
  g_autoptr(SchDocSlot) slot = g_new0 (SchDocSlot, 1);
  JsonObject *object = NULL;
  const char *id = NULL;

  slot->min_pages = 1;
  if (!get_object (ctx, node, path, &object, error) ||
      !check_members (ctx, object, path, members, error) ||
      !get_id (ctx, object, path, &id, error) ||
      !get_text (ctx, object, path, "title", TRUE, &slot->title, error) ||
      !get_text (ctx, object, path, "description", FALSE, &slot->description, error) ||
      !get_bool (ctx, object, path, "required", &slot->required, error) ||
      !get_uint (ctx, object, path, "min_pages", 1000, &slot->min_pages, error) ||
      !get_uint (ctx, object, path, "max_pages", 1000, &slot->max_pages, error))
    return FALSE;

  slot->id = g_strdup (id);
  if (slot->max_pages != 0 && slot->min_pages > slot->max_pages)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("min_pages (%u) is larger than max_pages (%u)."), slot->min_pages, slot->max_pages);

  *out = g_steal_pointer (&slot);
  return TRUE;
}

static gboolean
parse_groups_of_type (LoadCtx     *ctx,
                      JsonObject  *object,
                      const char  *path,
                      GPtrArray  **out,
                      GError     **error)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_field_group_free);
  JsonArray *array = NULL;

  if (!get_array (ctx, object, path, "groups", &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *group_path = item_path (path, "groups", i);
      SchFieldGroup *group = NULL;

      if (!parse_type_group (ctx, json_array_get_element (array, i), group_path, &group, error))
        return FALSE;
      g_ptr_array_add (groups, group);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((SchFieldGroup *) g_ptr_array_index (groups, j))->id, group->id))
          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, group_path,
                       _("The group “%s” is listed twice."), group->id);
    }

  *out = g_steal_pointer (&groups);
  return TRUE;
}

static gboolean
parse_slots (LoadCtx     *ctx,
             JsonObject  *object,
             const char  *path,
             GPtrArray  **out,
             GError     **error)
{
  g_autoptr(GPtrArray) slots = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_doc_slot_free);
  JsonArray *array = NULL;

  if (!get_array (ctx, object, path, "documents", &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *slot_path = item_path (path, "documents", i);
      SchDocSlot *slot = NULL;

      if (!parse_slot (ctx, json_array_get_element (array, i), slot_path, &slot, error))
        return FALSE;
      g_ptr_array_add (slots, slot);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((SchDocSlot *) g_ptr_array_index (slots, j))->id, slot->id))
          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, slot_path,
                       _("The document id “%s” is used twice."), slot->id);
    }

  *out = g_steal_pointer (&slots);
  return TRUE;
}

static gboolean
parse_signers (LoadCtx     *ctx,
               JsonObject  *object,
               const char  *path,
               GArray     **out,
               GError     **error)
{
  g_autoptr(GArray) signers = g_array_new (FALSE, FALSE, sizeof (SchSigner));
  JsonArray *array = NULL;

  if (!get_array (ctx, object, path, "signers", &array, error))
    return FALSE;
  if (array == NULL || json_array_get_length (array) == 0)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("The list “signers” is missing; name at least one signer."));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *signer_path = item_path (path, "signers", i);
      JsonNode *node = json_array_get_element (array, i);
      const char *name = NULL;
      SchSigner signer;

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        name = json_node_get_string (node);
      if (name == NULL || !sch_signer_from_string (name, &signer))
        return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, signer_path,
                     _("The signer “%s” is not known; use applicant, spouse, employer, legal-representative, sponsor or authority."),
                     name != NULL ? name : "");
      for (guint j = 0; j < signers->len; j++)
        if (g_array_index (signers, SchSigner, j) == signer)
          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, signer_path,
                       _("The signer “%s” is listed twice."), name);
      g_array_append_val (signers, signer);
    }

  *out = g_steal_pointer (&signers);
  return TRUE;
}

static gboolean
parse_declaration (LoadCtx         *ctx,
                   JsonNode        *node,
                   const char      *path,
                   SchDeclaration **out,
                   GError         **error)
{
  static const char * const members[] = { "id", "text", NULL };
  g_autoptr(SchDeclaration) declaration = g_new0 (SchDeclaration, 1);
  JsonObject *object = NULL;
  const char *id = NULL;

  if (!get_object (ctx, node, path, &object, error) ||
      !check_members (ctx, object, path, members, error) ||
      !get_id (ctx, object, path, &id, error) ||
      !get_text (ctx, object, path, "text", TRUE, &declaration->text, error))
    return FALSE;

  declaration->id = g_strdup (id);
  *out = g_steal_pointer (&declaration);
  return TRUE;
}

static gboolean
parse_declarations (LoadCtx     *ctx,
                    JsonObject  *object,
                    const char  *path,
                    GPtrArray  **out,
                    GError     **error)
{
  g_autoptr(GPtrArray) declarations = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_declaration_free);
  JsonArray *array = NULL;

  if (!get_array (ctx, object, path, "declarations", &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *declaration_path = item_path (path, "declarations", i);
      SchDeclaration *declaration = NULL;

      if (!parse_declaration (ctx, json_array_get_element (array, i), declaration_path, &declaration, error))
        return FALSE;
      g_ptr_array_add (declarations, declaration);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (((SchDeclaration *) g_ptr_array_index (declarations, j))->id, declaration->id))
          return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, declaration_path,
                       _("The declaration id “%s” is used twice."), declaration->id);
    }

  *out = g_steal_pointer (&declarations);
  return TRUE;
}

static gboolean
parse_fee (LoadCtx    *ctx,
           JsonObject *object,
           const char *path,
           guint      *out,
           GError    **error)
{
  JsonNode *node = json_object_get_member (object, "fee_chf");
  double chf;

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) ||
      (json_node_get_value_type (node) != G_TYPE_INT64 && json_node_get_value_type (node) != G_TYPE_DOUBLE) ||
      (chf = json_node_get_double (node)) < 0 || chf > MAX_FEE_CHF)
    {
      g_autofree char *where = member_path (path, "fee_chf");

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("The fee must be a number of francs from 0 to 100000, like 95 or 22.50."));
    }
  /* Rounded: 22.1 * 100 is 2209.999… in binary floating point. */
  *out = (guint) (chf * 100.0 + 0.5);
  return TRUE;
}

/* eCH-0006: 2, 4 or 6 digits ("02", "0201", "070101"). */
static gboolean
parse_permit_category (LoadCtx     *ctx,
                       JsonObject  *object,
                       const char  *path,
                       const char **out,
                       GError     **error)
{
  gsize len;

  if (!get_string (ctx, object, path, "permit_category", FALSE, out, error))
    return FALSE;
  if (*out == NULL)
    return TRUE;

  len = strlen (*out);
  for (const char *p = *out; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      len = 0;
  if (len != 2 && len != 4 && len != 6)
    {
      g_autofree char *where = member_path (path, "permit_category");

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("The permit category “%s” is not an eCH-0006 code of 2, 4 or 6 digits."), *out);
    }
  return TRUE;
}

static gboolean
parse_filing (LoadCtx     *ctx,
              JsonObject  *object,
              const char  *path,
              SchFiling   *filing,
              SchText    **info,
              GError     **error)
{
  const char *name = NULL;

  if (!get_string (ctx, object, path, "filing", TRUE, &name, error))
    return FALSE;
  if (!sch_filing_from_string (name, filing))
    {
      g_autofree char *where = member_path (path, "filing");

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("The filing place “%s” is not known; use here, migration-office or easygov."), name);
    }
  /* The resident must learn where to go when the office does not take it. */
  return get_text (ctx, object, path, "filing_info", *filing != SCH_FILING_HERE, info, error);
}

static gboolean
parse_type (LoadCtx     *ctx,
            JsonNode    *node,
            const char  *path,
            SchAppType **out,
            GError     **error)
{
  static const char * const members[] = {
    "code", "title", "description", "filing", "filing_info", "permit_category",
    "groups", "documents", "signers", "declarations", "fee_chf", NULL
  };
  g_autoptr(SchText) title = NULL;
  g_autoptr(SchText) description = NULL;
  g_autoptr(SchText) filing_info = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) slots = NULL;
  g_autoptr(GArray) signers = NULL;
  g_autoptr(GPtrArray) declarations = NULL;
  const char *code = NULL;
  const char *permit_category = NULL;
  SchFiling filing;
  JsonObject *object = NULL;
  guint fee;

  if (!get_object (ctx, node, path, &object, error) ||
      !check_members (ctx, object, path, members, error) ||
      !get_string (ctx, object, path, "code", TRUE, &code, error))
    return FALSE;
  if (!is_code (code))
    {
      g_autofree char *where = member_path (path, "code");

      return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, where,
                   _("The code “%s” must be written in small letters and digits joined by “-”."), code);
    }
  if (!get_text (ctx, object, path, "title", TRUE, &title, error) ||
      !get_text (ctx, object, path, "description", FALSE, &description, error) ||
      !parse_filing (ctx, object, path, &filing, &filing_info, error) ||
      !parse_permit_category (ctx, object, path, &permit_category, error) ||
      !parse_groups_of_type (ctx, object, path, &groups, error) ||
      !parse_slots (ctx, object, path, &slots, error) ||
      !parse_signers (ctx, object, path, &signers, error) ||
      !parse_declarations (ctx, object, path, &declarations, error) ||
      !parse_fee (ctx, object, path, &fee, error))
    return FALSE;

  if (filing == SCH_FILING_HERE && groups->len == 0)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, path,
                 _("A type filed here needs at least one group of fields."));

  *out = sch_app_type_new (code, g_steal_pointer (&title), g_steal_pointer (&description),
                           filing, g_steal_pointer (&filing_info), permit_category,
                           g_steal_pointer (&groups), g_steal_pointer (&slots),
                           g_steal_pointer (&signers), fee, ctx->name);
  sch_app_type_set_declarations (*out, g_steal_pointer (&declarations));
  return TRUE;
}

static gboolean
parse_file_groups (LoadCtx     *ctx,
                   JsonObject  *root,
                   GError     **error)
{
  JsonArray *array = NULL;

  if (!get_array (ctx, root, "$", "groups", &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = item_path ("$", "groups", i);
      JsonObject *object = NULL;
      SchFieldGroup *group = NULL;

      if (!get_object (ctx, json_array_get_element (array, i), path, &object, error) ||
          !parse_group (ctx, object, path, &group, error))
        return FALSE;
      if (g_hash_table_contains (ctx->groups, group->id))
        {
          fail (ctx, error, SCH_CATALOG_ERROR_DUPLICATE_CODE, path,
                _("The group “%s” is defined twice in this file."), group->id);
          sch_field_group_free (group);
          return FALSE;
        }
      g_hash_table_insert (ctx->groups, group->id, group);
      g_ptr_array_add (ctx->group_order, group);
    }
  return TRUE;
}

static gboolean
parse_file_types (LoadCtx     *ctx,
                  JsonObject  *root,
                  GError     **error)
{
  JsonArray *array = NULL;

  if (!get_array (ctx, root, "$", "types", &array, error))
    return FALSE;

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *path = item_path ("$", "types", i);
      SchAppType *type = NULL;

      if (!parse_type (ctx, json_array_get_element (array, i), path, &type, error))
        return FALSE;
      g_ptr_array_add (ctx->types, type);
      for (guint j = 0; j < i; j++)
        if (g_str_equal (sch_app_type_get_code (g_ptr_array_index (ctx->types, j)), sch_app_type_get_code (type)))
          {
            g_autofree char *where = member_path (path, "code");

            return fail (ctx, error, SCH_CATALOG_ERROR_DUPLICATE_CODE, where,
                         _("The code “%s” is already used by $.types[%u]."), sch_app_type_get_code (type), j);
          }
    }
  return TRUE;
}

static gboolean
parse_root (LoadCtx     *ctx,
            JsonNode    *node,
            GError     **error)
{
  static const char * const members[] = { "version", "groups", "types", NULL };
  guint version = 0;
  JsonObject *root = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, "$",
                 _("The file must contain one object { \"version\": 1, … }."));
  root = json_node_get_object (node);
  if (!check_members (ctx, root, "$", members, error) ||
      !get_uint (ctx, root, "$", "version", G_MAXINT, &version, error))
    return FALSE;
  if (version != FORMAT_VERSION)
    return fail (ctx, error, SCH_CATALOG_ERROR_INVALID, "$.version",
                 _("The format version must be %d."), FORMAT_VERSION);

  return parse_file_groups (ctx, root, error) && parse_file_types (ctx, root, error);
}

static int
compare_types (gconstpointer a,
               gconstpointer b)
{
  SchAppType *type_a = *(SchAppType **) a;
  SchAppType *type_b = *(SchAppType **) b;
  int result = g_utf8_collate (sch_app_type_get_title (type_a, NULL), sch_app_type_get_title (type_b, NULL));

  return result != 0 ? result : strcmp (sch_app_type_get_code (type_a), sch_app_type_get_code (type_b));
}

static void
update_store (SchCatalog *self)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_sized_new (g_hash_table_size (self->types));
  GHashTableIter iter;
  gpointer type;

  g_hash_table_iter_init (&iter, self->types);
  while (g_hash_table_iter_next (&iter, NULL, &type))
    g_ptr_array_add (sorted, type);
  g_ptr_array_sort (sorted, compare_types);
  g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                       sorted->pdata, sorted->len);
}

static void
commit (SchCatalog *self,
        LoadCtx    *ctx)
{
  for (guint i = 0; i < ctx->group_order->len; i++)
    {
      SchFieldGroup *group = g_ptr_array_index (ctx->group_order, i);

      g_hash_table_steal (ctx->groups, group->id);
      g_hash_table_replace (self->groups, group->id, group);
    }
  for (guint i = 0; i < ctx->types->len; i++)
    {
      SchAppType *type = g_ptr_array_index (ctx->types, i);

      g_hash_table_replace (self->types, (char *) sch_app_type_get_code (type), g_object_ref (type));
    }
  update_store (self);
}

typedef struct
{
  guint line;
  guint column;
} ParsePosition;

static void
on_parser_error (JsonParser    *parser,
                 const GError  *error,
                 ParsePosition *position)
{
  position->line = json_parser_get_current_line (parser);
  position->column = json_parser_get_current_pos (parser);
}

static char *
file_name (GFile *file)
{
  const char *path = g_file_peek_path (file);

  return path != NULL ? g_strdup (path) : g_file_get_uri (file);
}

gboolean
sch_catalog_load_file (SchCatalog  *self,
                       GFile       *file,
                       GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GHashTable) groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) sch_field_group_free);
  g_autoptr(GPtrArray) group_order = g_ptr_array_new ();
  g_autoptr(GPtrArray) types = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  ParsePosition position = { 0, 0 };
  LoadCtx ctx;
  gsize length;

  g_return_val_if_fail (SCH_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  name = file_name (file);
  if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    {
      g_set_error (error, SCH_CATALOG_ERROR, SCH_CATALOG_ERROR_PARSE,
                   _("The catalog file %s could not be read: %s"), name, local_error->message);
      return FALSE;
    }

  g_signal_connect (parser, "error", G_CALLBACK (on_parser_error), &position);
  if (!json_parser_load_from_data (parser, contents, (gssize) length, &local_error))
    {
      /* json-glib prefixes "<data>:line:col: "; we give the file and position ourselves. */
      const char *detail = strstr (local_error->message, ": ");

      g_set_error (error, SCH_CATALOG_ERROR, SCH_CATALOG_ERROR_PARSE,
                   _("In %s at line %u, column %u: the file is not valid JSON (%s)."),
                   name, position.line, position.column,
                   detail != NULL ? detail + 2 : local_error->message);
      return FALSE;
    }

  ctx = (LoadCtx) {
    .catalog = self,
    .name = name,
    .groups = groups,
    .group_order = group_order,
    .types = types,
  };
  if (!parse_root (&ctx, json_parser_get_root (parser), error))
    return FALSE;

  commit (self, &ctx);
  g_debug ("Loaded %u groups and %u types from %s", group_order->len, types->len, name);
  return TRUE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static int
compare_builtin_names (gconstpointer a,
                       gconstpointer b)
{
  const char *name_a = *(const char **) a;
  const char *name_b = *(const char **) b;
  gboolean groups_a = g_str_equal (name_a, BUILTIN_GROUPS);
  gboolean groups_b = g_str_equal (name_b, BUILTIN_GROUPS);

  if (groups_a != groups_b)
    return groups_a ? -1 : 1;
  return strcmp (name_a, name_b);
}

gboolean
sch_catalog_load_builtin (SchCatalog  *self,
                          GError     **error)
{
  g_auto(GStrv) children = NULL;
  guint n_children;

  g_return_val_if_fail (SCH_IS_CATALOG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  children = g_resources_enumerate_children (BUILTIN_PATH, G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (children == NULL)
    return FALSE;

  /* Types may use the shared groups, so groups.json comes first. */
  n_children = g_strv_length (children);
  qsort (children, n_children, sizeof (char *), compare_builtin_names);
  for (guint i = 0; i < n_children; i++)
    {
      g_autofree char *uri = NULL;
      g_autoptr(GFile) file = NULL;

      if (!g_str_has_suffix (children[i], ".json"))
        continue;
      uri = g_strdup_printf ("resource://%s/%s", BUILTIN_PATH, children[i]);
      file = g_file_new_for_uri (uri);
      if (!sch_catalog_load_file (self, file, error))
        return FALSE;
    }
  return TRUE;
}

static GPtrArray *
list_json_files (GFile   *dir,
                 GError **error)
{
  g_autoptr(GFileEnumerator) enumerator = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  enumerator = g_file_enumerate_children (dir,
                                          G_FILE_ATTRIBUTE_STANDARD_NAME ","
                                          G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                          G_FILE_QUERY_INFO_NONE, NULL, error);
  if (enumerator == NULL)
    return NULL;

  for (;;)
    {
      GFileInfo *info;
      const char *name = NULL;

      if (!g_file_enumerator_iterate (enumerator, &info, NULL, NULL, error))
        return NULL;
      if (info == NULL)
        break;
      name = g_file_info_get_name (info);
      /* Editors leave hidden backup and lock files (".#x.json") next to the real ones. */
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR &&
          g_str_has_suffix (name, ".json") && name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }

  g_ptr_array_sort (names, compare_names);
  return g_steal_pointer (&names);
}

void
sch_catalog_load_dir (SchCatalog *self,
                      GFile      *dir)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (SCH_IS_CATALOG (self));
  g_return_if_fail (G_IS_FILE (dir));

  names = list_json_files (dir, &error);
  if (names == NULL)
    {
      g_autofree char *name = NULL;

      /* Most offices have no override folder at all. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        return;
      name = file_name (dir);
      g_ptr_array_add (self->problems,
                       g_strdup_printf (_("The catalog folder %s could not be read: %s"), name, error->message));
      return;
    }

  for (guint i = 0; i < names->len; i++)
    {
      g_autoptr(GFile) file = g_file_get_child (dir, g_ptr_array_index (names, i));

      if (!sch_catalog_load_file (self, file, &error))
        {
          g_debug ("Skipped a catalog file: %s", error->message);
          g_ptr_array_add (self->problems, g_strdup (error->message));
          g_clear_error (&error);
        }
    }
}

static void
load_config_dir (SchCatalog *self,
                 const char *config_dir)
{
  g_autofree char *path = g_build_filename (config_dir, "schalter", "catalog.d", NULL);
  g_autoptr(GFile) dir = g_file_new_for_path (path);

  sch_catalog_load_dir (self, dir);
}

SchCatalog *
sch_catalog_new_default (void)
{
  g_autoptr(GError) error = NULL;
  const char * const *system_dirs = g_get_system_config_dirs ();
  SchCatalog *self = sch_catalog_new ();

  if (!sch_catalog_load_builtin (self, &error))
    g_critical ("The built-in catalog does not load: %s", error->message);

  /* XDG lists the most important folder first; it is loaded last so it wins. */
  for (guint i = g_strv_length ((char **) system_dirs); i > 0; i--)
    load_config_dir (self, system_dirs[i - 1]);
  load_config_dir (self, g_get_user_config_dir ());

  return self;
}

GPtrArray *
sch_catalog_get_problems (SchCatalog *self)
{
  g_return_val_if_fail (SCH_IS_CATALOG (self), NULL);

  return self->problems;
}

SchAppType *
sch_catalog_lookup (SchCatalog *self,
                    const char *code)
{
  g_return_val_if_fail (SCH_IS_CATALOG (self), NULL);
  g_return_val_if_fail (code != NULL, NULL);

  return g_hash_table_lookup (self->types, code);
}

GListModel *
sch_catalog_get_types (SchCatalog *self)
{
  g_return_val_if_fail (SCH_IS_CATALOG (self), NULL);

  return G_LIST_MODEL (self->store);
}

SchCatalog *
sch_catalog_new (void)
{
  return g_object_new (SCH_TYPE_CATALOG, NULL);
}

static void
sch_catalog_dispose (GObject *object)
{
  SchCatalog *self = SCH_CATALOG (object);

  g_hash_table_remove_all (self->types);
  if (self->store != NULL)
    g_list_store_remove_all (self->store);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (sch_catalog_parent_class)->dispose (object);
}

static void
sch_catalog_finalize (GObject *object)
{
  SchCatalog *self = SCH_CATALOG (object);

  g_hash_table_unref (self->groups);
  g_hash_table_unref (self->types);
  g_ptr_array_unref (self->problems);

  G_OBJECT_CLASS (sch_catalog_parent_class)->finalize (object);
}

static void
sch_catalog_class_init (SchCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = sch_catalog_dispose;
  object_class->finalize = sch_catalog_finalize;
}

static void
sch_catalog_init (SchCatalog *self)
{
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) sch_field_group_free);
  self->types = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_object_unref);
  self->store = g_list_store_new (SCH_TYPE_APP_TYPE);
  self->problems = g_ptr_array_new_with_free_func (g_free);
}
