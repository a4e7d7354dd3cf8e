#define G_LOG_DOMAIN "sch-refdata"

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sch-refdata.h"

#define REFDATA_PATH "/io/github/schalter/Schalter/refdata/"

/* Loaded once and kept for the life of the process: the lookups hand out
 * pointers into these arrays, so they are never freed. */
typedef struct {
  GStringChunk      *strings;
  SchMunicipality   *municipalities;
  guint              n_municipalities;
  SchCountry        *countries;
  guint              n_countries;
  SchPermitCategory *permits;
  guint              n_permits;
} RefData;

/* The files are compiled into the binary, so a failure here is a packaging
 * error, not something the clerk can fix: it is reported as a critical and
 * the list stays empty. */
static JsonArray *
load_array (const char  *name,
            JsonParser **parser_out)
{
  g_autofree char *path = g_strconcat (REFDATA_PATH, name, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;

  bytes = g_resources_lookup_data (path, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL)
    {
      g_critical ("Reference data %s is missing: %s", name, error->message);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL),
                                   (gssize) g_bytes_get_size (bytes), &error))
    {
      g_critical ("Reference data %s is not valid JSON: %s", name, error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    {
      g_critical ("Reference data %s is not a JSON array", name);
      return NULL;
    }

  *parser_out = g_steal_pointer (&parser);
  return json_node_get_array (root);
}

static const char *
get_string (RefData    *data,
            JsonObject *object,
            const char *member)
{
  const char *value = json_object_get_string_member_with_default (object, member, "");

  return g_string_chunk_insert_const (data->strings, value);
}

static guint
get_uint (JsonObject *object,
          const char *member)
{
  gint64 value = json_object_get_int_member_with_default (object, member, 0);

  return value > 0 && value <= G_MAXUINT ? (guint) value : 0;
}

static JsonObject *
get_object (JsonArray *array,
            guint      i)
{
  JsonNode *node = json_array_get_element (array, i);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Every entry has a BFS number and a name; one bad entry makes the whole
 * file unusable, so that a typo never hides municipalities silently. */
static gboolean
municipalities_are_valid (JsonArray  *array,
                          GError    **error)
{
  guint n = json_array_get_length (array);

  if (n == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "the list is empty");
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = get_object (array, i);

      if (object == NULL || get_uint (object, "bfs") == 0 ||
          *json_object_get_string_member_with_default (object, "name", "") == '\0')
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                       "entry %u needs a \"bfs\" number and a \"name\"", i);
          return FALSE;
        }
    }

  return TRUE;
}

/* Municipalities merge; an office keeps its list current, or uses another
 * canton's, with a file of the same form as the built-in one:
 * $XDG_CONFIG_HOME/schalter/municipalities.json, else the first of the
 * system config folders that has one. A broken file is reported and the
 * built-in list is used. */
static JsonArray *
load_municipality_override (JsonParser **parser_out)
{
  const char * const *system_dirs = g_get_system_config_dirs ();
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (candidates, g_build_filename (g_get_user_config_dir (), "schalter",
                                                 "municipalities.json", NULL));
  for (guint i = 0; system_dirs[i] != NULL; i++)
    g_ptr_array_add (candidates, g_build_filename (system_dirs[i], "schalter", "municipalities.json", NULL));

  for (guint i = 0; i < candidates->len; i++)
    {
      const char *path = candidates->pdata[i];
      g_autoptr(JsonParser) parser = NULL;
      g_autoptr(GError) error = NULL;
      JsonNode *root;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        continue;

      parser = json_parser_new ();
      if (json_parser_load_from_mapped_file (parser, path, &error))
        {
          root = json_parser_get_root (parser);
          if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
            g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "not a JSON array");
          else if (municipalities_are_valid (json_node_get_array (root), &error))
            {
              g_info ("Municipalities from %s", path);
              *parser_out = g_steal_pointer (&parser);
              return json_node_get_array (root);
            }
        }

      g_warning ("The municipality list %s is not used: %s", path, error->message);
      return NULL;
    }

  return NULL;
}

static void
load_municipalities (RefData *data)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array = load_municipality_override (&parser);
  guint n;

  if (array == NULL)
    array = load_array ("municipalities.json", &parser);
  if (array == NULL)
    return;

  n = json_array_get_length (array);
  data->municipalities = g_new0 (SchMunicipality, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = get_object (array, i);
      SchMunicipality *m;

      if (object == NULL)
        continue;

      m = &data->municipalities[data->n_municipalities++];
      m->bfs = get_uint (object, "bfs");
      m->name = get_string (data, object, "name");
      m->canton = get_string (data, object, "canton");
    }
}

static void
load_countries (RefData *data)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array = load_array ("countries.json", &parser);
  guint n;

  if (array == NULL)
    return;

  n = json_array_get_length (array);
  data->countries = g_new0 (SchCountry, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = get_object (array, i);
      SchCountry *c;

      if (object == NULL)
        continue;

      c = &data->countries[data->n_countries++];
      c->iso2 = get_string (data, object, "iso2");
      c->bfs = get_uint (object, "bfs");
      c->name_en = get_string (data, object, "name_en");
      c->name_de = get_string (data, object, "name_de");
      c->name_fr = get_string (data, object, "name_fr");
      c->name_it = get_string (data, object, "name_it");
    }
}

static void
load_permits (RefData *data)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *array = load_array ("permits.json", &parser);
  guint n;

  if (array == NULL)
    return;

  n = json_array_get_length (array);
  data->permits = g_new0 (SchPermitCategory, n);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *object = get_object (array, i);
      SchPermitCategory *p;

      if (object == NULL)
        continue;

      p = &data->permits[data->n_permits++];
      p->code = get_string (data, object, "code");
      p->name_en = get_string (data, object, "name_en");
      p->name_de = get_string (data, object, "name_de");
      p->name_fr = get_string (data, object, "name_fr");
      p->name_it = get_string (data, object, "name_it");
    }
}

static gpointer
load_refdata (gpointer user_data)
{
  RefData *data = g_new0 (RefData, 1);

  data->strings = g_string_chunk_new (4096);
  load_municipalities (data);
  load_countries (data);
  load_permits (data);

  return data;
}

static RefData *
get_refdata (void)
{
  static GOnce once = G_ONCE_INIT;

  return g_once (&once, load_refdata, NULL);
}

const SchMunicipality *
sch_refdata_lookup_municipality (guint bfs)
{
  RefData *data = get_refdata ();

  for (guint i = 0; i < data->n_municipalities; i++)
    {
      if (data->municipalities[i].bfs == bfs)
        return &data->municipalities[i];
    }

  return NULL;
}

const SchMunicipality *
sch_refdata_get_municipalities (guint *n_municipalities)
{
  RefData *data = get_refdata ();

  if (n_municipalities != NULL)
    *n_municipalities = data->n_municipalities;

  return data->municipalities;
}

const SchCountry *
sch_refdata_lookup_country (const char *iso2)
{
  RefData *data;

  g_return_val_if_fail (iso2 != NULL, NULL);

  data = get_refdata ();
  for (guint i = 0; i < data->n_countries; i++)
    {
      if (g_ascii_strcasecmp (data->countries[i].iso2, iso2) == 0)
        return &data->countries[i];
    }

  return NULL;
}

const SchCountry *
sch_refdata_lookup_country_bfs (guint bfs)
{
  RefData *data = get_refdata ();

  if (bfs == 0)
    return NULL;

  for (guint i = 0; i < data->n_countries; i++)
    {
      if (data->countries[i].bfs == bfs)
        return &data->countries[i];
    }

  return NULL;
}

const SchCountry *
sch_refdata_get_countries (guint *n_countries)
{
  RefData *data = get_refdata ();

  if (n_countries != NULL)
    *n_countries = data->n_countries;

  return data->countries;
}

const SchPermitCategory *
sch_refdata_lookup_permit (const char *code)
{
  RefData *data;

  g_return_val_if_fail (code != NULL, NULL);

  data = get_refdata ();
  for (guint i = 0; i < data->n_permits; i++)
    {
      if (g_str_equal (data->permits[i].code, code))
        return &data->permits[i];
    }

  return NULL;
}

const SchPermitCategory *
sch_refdata_get_permits (guint *n_permits)
{
  RefData *data = get_refdata ();

  if (n_permits != NULL)
    *n_permits = data->n_permits;

  return data->permits;
}

/* Falls back to English when a translation is missing in the data. */
static const char *
pick_name (const char *lang,
           const char *en,
           const char *de,
           const char *fr,
           const char *it)
{
  const char *name = en;

  if (lang == NULL)
    lang = sch_ui_language ();

  if (g_str_equal (lang, "de"))
    name = de;
  else if (g_str_equal (lang, "fr"))
    name = fr;
  else if (g_str_equal (lang, "it"))
    name = it;

  return name != NULL && *name != '\0' ? name : en;
}

const char *
sch_country_get_name (const SchCountry *country,
                      const char       *lang)
{
  g_return_val_if_fail (country != NULL, NULL);

  return pick_name (lang, country->name_en, country->name_de,
                    country->name_fr, country->name_it);
}

const char *
sch_permit_category_get_name (const SchPermitCategory *permit,
                              const char              *lang)
{
  g_return_val_if_fail (permit != NULL, NULL);

  return pick_name (lang, permit->name_en, permit->name_de,
                    permit->name_fr, permit->name_it);
}

/* "de", "de_CH", "de_CH.UTF-8" and "de@euro" are German, "dsb" is not. */
static gboolean
is_language (const char *locale,
             const char *lang)
{
  gsize len = strlen (lang);

  return strncmp (locale, lang, len) == 0 &&
         (locale[len] == '\0' || strchr ("_.@", locale[len]) != NULL);
}

const char *
sch_ui_language (void)
{
  static const char * const supported[] = { "de", "fr", "it", "en" };
  const char * const *names = g_get_language_names ();

  for (guint i = 0; names[i] != NULL; i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (supported); j++)
        {
          if (is_language (names[i], supported[j]))
            return supported[j];
        }
    }

  return "en";
}
