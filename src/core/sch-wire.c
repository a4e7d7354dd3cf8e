#define G_LOG_DOMAIN "sch-wire"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-refdata.h"
#include "sch-validate.h"
#include "sch-wire.h"

typedef enum {
  KIND_STRING,
  KIND_INTEGER,      /* postal codes, BFS numbers, workload */
  KIND_AHV,          /* eCH-0044 vn: the 13 digits */
  KIND_COUNTRY,      /* eCH-0008 country object from ISO alpha-2 */
  KIND_NATIONALITY,  /* eCH-0011 nationality object from ISO alpha-2 */
} Kind;

/* Where a catalog field goes in the body. The order here is the order of the
 * members in the body, so it is part of what makes the bytes deterministic. */
typedef struct {
  const char *group;
  const char *field;
  const char *path;   /* JSON pointer; for "family" relative to the item */
  Kind        kind;
} FieldPlace;

static const FieldPlace places[] = {
  { "person", "official_name", "/person/officialName", KIND_STRING },
  { "person", "first_names", "/person/firstName", KIND_STRING },
  { "person", "call_name", "/person/callName", KIND_STRING },
  { "person", "original_name", "/person/originalName", KIND_STRING },
  { "person", "alliance_name", "/person/allianceName", KIND_STRING },
  { "person", "passport_official_name", "/person/nameOnForeignPassport/name", KIND_STRING },
  { "person", "passport_first_names", "/person/nameOnForeignPassport/firstName", KIND_STRING },
  { "person", "date_of_birth", "/person/dateOfBirth", KIND_STRING },
  { "person", "sex", "/person/sex", KIND_STRING },
  { "person", "marital_status", "/person/maritalStatus", KIND_STRING },
  { "person", "nationality", "/person/nationality", KIND_NATIONALITY },
  { "person", "ahv", "/person/vn", KIND_AHV },
  { "person", "zemis", "/person/zemisNumber", KIND_STRING },
  { "person", "passport_number", "/person/passport/number", KIND_STRING },
  { "person", "passport_expiry", "/person/passport/validTill", KIND_STRING },
  { "person", "phone", "/person/phone", KIND_STRING },
  { "person", "email", "/person/email", KIND_STRING },
  { "address", "street", "/address/street", KIND_STRING },
  { "address", "house_number", "/address/houseNumber", KIND_STRING },
  { "address", "dwelling_number", "/address/dwellingNumber", KIND_STRING },
  { "address", "postal_code", "/address/swissZipCode", KIND_INTEGER },
  { "address", "town", "/address/town", KIND_STRING },
  { "address", "municipality", "/address/municipalityId", KIND_INTEGER },
  { "permit", "category", "/residencePermit/residencePermit", KIND_STRING },
  { "permit", "valid_from", "/residencePermit/residencePermitValidFrom", KIND_STRING },
  { "permit", "valid_until", "/residencePermit/residencePermitValidTill", KIND_STRING },
  { "permit", "entry_date", "/residencePermit/entryDate", KIND_STRING },
  { "previous_residence", "arrival_date", "/comesFrom/arrivalDate", KIND_STRING },
  { "previous_residence", "previous_country", "/comesFrom/country", KIND_COUNTRY },
  { "previous_residence", "previous_town", "/comesFrom/town", KIND_STRING },
  { "previous_residence", "previous_postal_code", "/comesFrom/foreignZipCode", KIND_STRING },
  { "employer", "name", "/employer/name", KIND_STRING },
  { "employer", "uid", "/employer/uid", KIND_STRING },
  { "employer", "street", "/employer/address/street", KIND_STRING },
  { "employer", "house_number", "/employer/address/houseNumber", KIND_STRING },
  { "employer", "postal_code", "/employer/address/swissZipCode", KIND_INTEGER },
  { "employer", "town", "/employer/address/town", KIND_STRING },
  { "employer", "start_date", "/employer/startDate", KIND_STRING },
  { "employer", "end_date", "/employer/endDate", KIND_STRING },
  { "employer", "contract_type", "/employer/contractType", KIND_STRING },
  { "employer", "workload", "/employer/workload", KIND_INTEGER },
};

static const FieldPlace family_places[] = {
  { "family", "relationship", "/relationship", KIND_STRING },
  { "family", "official_name", "/officialName", KIND_STRING },
  { "family", "first_names", "/firstName", KIND_STRING },
  { "family", "date_of_birth", "/dateOfBirth", KIND_STRING },
  { "family", "sex", "/sex", KIND_STRING },
  { "family", "nationality", "/nationality", KIND_NATIONALITY },
  { "family", "zemis", "/zemisNumber", KIND_STRING },
  { "family", "passport_number", "/passport/number", KIND_STRING },
};

#define FAMILY_GROUP "family"
#define FAMILY_POINTER "/familyMembers"
/* The workstation's own bookkeeping in a case's data (older versions kept
 * the print language there): never the migration office's business. */
#define META_GROUP "meta"

SchManifestEntry *
sch_manifest_entry_new (const char *uuid,
                        const char *slot,
                        const char *media_type,
                        guint64     size,
                        const char *sha256,
                        const char *blob_sha)
{
  SchManifestEntry *entry;

  g_return_val_if_fail (uuid != NULL && slot != NULL && media_type != NULL, NULL);
  g_return_val_if_fail (sha256 != NULL, NULL);

  entry = g_new0 (SchManifestEntry, 1);
  entry->uuid = g_strdup (uuid);
  entry->slot = g_strdup (slot);
  entry->media_type = g_strdup (media_type);
  entry->size = size;
  entry->sha256 = g_strdup (sha256);
  entry->blob_sha = g_strdup (blob_sha != NULL ? blob_sha : sha256);

  return entry;
}

void
sch_manifest_entry_free (SchManifestEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->uuid);
  g_free (entry->slot);
  g_free (entry->media_type);
  g_free (entry->sha256);
  g_free (entry->blob_sha);
  g_free (entry);
}

/* Building */

static JsonObject *
ensure_object (JsonObject *parent,
               const char *name)
{
  if (!json_object_has_member (parent, name))
    json_object_set_object_member (parent, name, json_object_new ());

  return json_object_get_object_member (parent, name);
}

static JsonNode *
country_node (const char *iso2)
{
  const SchCountry *country = sch_refdata_lookup_country (iso2);
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (country != NULL)
    {
      json_object_set_int_member (object, "countryId", country->bfs);
      json_object_set_string_member (object, "countryIdISO2", country->iso2);
      json_object_set_string_member (object, "countryNameShort", country->name_de);
    }
  else
    {
      /* Unknown codes go as they are: the server's 422 points at them. */
      json_object_set_string_member (object, "countryIdISO2", iso2);
    }

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
nationality_node (const char *iso2)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  if (g_strcmp0 (iso2, SCH_NATIONALITY_STATELESS) == 0)
    {
      /* eCH-0011: "1" stateless, without countries. */
      json_object_set_string_member (object, "nationalityStatus", "1");
    }
  else if (iso2 != NULL && g_strcmp0 (iso2, SCH_NATIONALITY_UNKNOWN) != 0)
    {
      JsonArray *countries = json_array_new ();

      json_array_add_element (countries, country_node (iso2));
      json_object_set_string_member (object, "nationalityStatus", "2");
      json_object_set_array_member (object, "countries", countries);
    }
  else
    {
      /* eCH-0011: "0" means the nationality is unknown. */
      json_object_set_string_member (object, "nationalityStatus", "0");
    }

  json_node_take_object (node, object);
  return node;
}

static JsonNode *
value_node (Kind        kind,
            const char *value)
{
  JsonNode *node;
  guint64 number;

  switch (kind)
    {
    case KIND_INTEGER:
      if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT64, &number, NULL))
        {
          node = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (node, (gint64) number);
          return node;
        }
      /* Not a number after all: sent as text so the server names the field. */
      return json_node_init_string (json_node_alloc (), value);

    case KIND_AHV:
      {
        GString *digits = g_string_new (NULL);

        for (const char *p = value; *p != '\0'; p++)
          if (g_ascii_isdigit (*p))
            g_string_append_c (digits, *p);

        node = json_node_init_string (json_node_alloc (), digits->str);
        g_string_free (digits, TRUE);
        return node;
      }

    case KIND_COUNTRY:
      return country_node (value);

    case KIND_NATIONALITY:
      return nationality_node (value);

    case KIND_STRING:
    default:
      return json_node_init_string (json_node_alloc (), value);
    }
}

/* Sets @node at @path (a JSON pointer of plain names) below @root. */
static void
set_at_path (JsonObject *root,
             const char *path,
             JsonNode   *node)
{
  g_auto(GStrv) segments = g_strsplit (path + 1, "/", -1);
  JsonObject *object = root;
  guint n = g_strv_length (segments);

  for (guint i = 0; i + 1 < n; i++)
    object = ensure_object (object, segments[i]);

  json_object_set_member (object, segments[n - 1], node);
}

static const char *
object_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || JSON_NODE_TYPE (node) != JSON_NODE_VALUE ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static gboolean
is_placed (const FieldPlace *table,
           gsize             n,
           const char       *group,
           const char       *field)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (table[i].group, group) && g_str_equal (table[i].field, field))
      return TRUE;

  return FALSE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The members of @object by name, sorted: JSON objects have no order. */
static GPtrArray *
sorted_members (JsonObject *object)
{
  GPtrArray *names = g_ptr_array_new ();
  GList *members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    g_ptr_array_add (names, l->data);
  g_list_free (members);
  g_ptr_array_sort (names, compare_strings);

  return names;
}

static void
add_other_fields (JsonArray  *others,
                  const char *group,
                  guint       index,
                  JsonObject *fields,
                  gboolean    repeatable)
{
  g_autoptr(GPtrArray) names = sorted_members (fields);

  for (guint i = 0; i < names->len; i++)
    {
      const char *field = names->pdata[i];
      const char *value = object_string (fields, field);
      JsonObject *item;

      if (value == NULL || *value == '\0')
        continue;
      if (repeatable ? is_placed (family_places, G_N_ELEMENTS (family_places), group, field)
                     : is_placed (places, G_N_ELEMENTS (places), group, field))
        continue;

      item = json_object_new ();
      json_object_set_string_member (item, "group", group);
      json_object_set_int_member (item, "index", index);
      json_object_set_string_member (item, "field", field);
      json_object_set_string_member (item, "value", value);
      json_array_add_object_element (others, item);
    }
}

static JsonArray *
build_other_fields (JsonObject *data)
{
  g_autoptr(GPtrArray) groups = sorted_members (data);
  JsonArray *others = json_array_new ();

  for (guint g = 0; g < groups->len; g++)
    {
      const char *group = groups->pdata[g];
      JsonNode *node = json_object_get_member (data, group);

      if (g_str_equal (group, META_GROUP))
        continue;
      if (JSON_NODE_HOLDS_OBJECT (node))
        {
          add_other_fields (others, group, 0, json_node_get_object (node), FALSE);
        }
      else if (JSON_NODE_HOLDS_ARRAY (node))
        {
          JsonArray *items = json_node_get_array (node);
          gboolean family = g_str_equal (group, FAMILY_GROUP);

          for (guint i = 0; i < json_array_get_length (items); i++)
            {
              JsonNode *item = json_array_get_element (items, i);

              if (JSON_NODE_HOLDS_OBJECT (item))
                add_other_fields (others, group, i, json_node_get_object (item), family);
            }
        }
    }

  return others;
}

static void
add_family (JsonObject *root,
            SchCase    *kase)
{
  guint n = sch_case_get_n_items (kase, FAMILY_GROUP);
  JsonArray *members;

  if (n == 0)
    return;

  members = json_array_new ();
  for (guint i = 0; i < n; i++)
    {
      JsonObject *member = json_object_new ();

      for (gsize p = 0; p < G_N_ELEMENTS (family_places); p++)
        {
          const char *value = sch_case_get_value (kase, FAMILY_GROUP, i, family_places[p].field);

          if (value != NULL && *value != '\0')
            set_at_path (member, family_places[p].path, value_node (family_places[p].kind, value));
        }
      json_array_add_object_element (members, member);
    }

  json_object_set_array_member (root, "familyMembers", members);
}

static JsonArray *
manifest_array (GPtrArray *manifest)
{
  JsonArray *documents = json_array_new ();

  for (guint i = 0; manifest != NULL && i < manifest->len; i++)
    {
      SchManifestEntry *entry = manifest->pdata[i];
      JsonObject *document = json_object_new ();

      json_object_set_string_member (document, "id", entry->uuid);
      json_object_set_string_member (document, "slot", entry->slot);
      json_object_set_string_member (document, "mediaType", entry->media_type);
      json_object_set_int_member (document, "size", (gint64) entry->size);
      json_object_set_string_member (document, "sha256", entry->sha256);
      json_array_add_object_element (documents, document);
    }

  return documents;
}

static char *
format_timestamp (gint64 usec)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

static GBytes *
serialise (JsonObject *root)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  gsize length = 0;
  char *text;

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, &length);

  return g_bytes_new_take (text, length);
}

static void
add_office (JsonObject          *root,
            const SchWireOffice *office)
{
  const SchMunicipality *municipality = sch_refdata_lookup_municipality (office->municipality_bfs);
  JsonObject *object = json_object_new ();
  JsonObject *clerk = json_object_new ();
  const char *real_name = g_get_real_name ();

  json_object_set_int_member (object, "municipalityId", office->municipality_bfs);
  if (municipality != NULL)
    {
      json_object_set_string_member (object, "municipalityName", municipality->name);
      json_object_set_string_member (object, "cantonAbbreviation", municipality->canton);
    }
  json_object_set_object_member (root, "office", object);

  /* GLib answers "Unknown" when the account has no real name. */
  if (office->clerk_name != NULL)
    real_name = office->clerk_name;
  else if (g_strcmp0 (real_name, "Unknown") == 0)
    real_name = g_get_user_name ();
  json_object_set_string_member (clerk, "name", real_name);
  json_object_set_string_member (clerk, "userId",
                                 office->clerk_user_id != NULL ? office->clerk_user_id
                                                               : g_get_user_name ());
  json_object_set_object_member (root, "clerk", clerk);
}

GBytes *
sch_wire_case_body (SchCase             *kase,
                    const SchWireOffice *office,
                    GPtrArray           *manifest,
                    gint64               captured_usec,
                    GError             **error)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *data = NULL;
  g_autofree char *captured = NULL;
  JsonNode *data_root;

  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (office != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data = sch_case_dup_data_json (kase);
  if (!json_parser_load_from_data (parser, data, -1, error))
    return NULL;
  data_root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (data_root))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("The data of case %s is not a JSON object, so it cannot be sent."),
                   sch_case_get_uuid (kase));
      return NULL;
    }

  captured = format_timestamp (captured_usec);
  json_object_set_string_member (root, "uuid", sch_case_get_uuid (kase));
  json_object_set_string_member (root, "applicationType", sch_case_get_type_code (kase));
  json_object_set_string_member (root, "capturedAt", captured);
  add_office (root, office);

  for (gsize p = 0; p < G_N_ELEMENTS (places); p++)
    {
      const char *value = sch_case_get_value (kase, places[p].group, 0, places[p].field);

      if (value != NULL && *value != '\0')
        set_at_path (root, places[p].path, value_node (places[p].kind, value));
    }

  /* The applicant's nationality is required; "unknown" says so explicitly. */
  if (!json_object_has_member (ensure_object (root, "person"), "nationality"))
    json_object_set_member (json_object_get_object_member (root, "person"), "nationality",
                            nationality_node (NULL));

  add_family (root, kase);
  json_object_set_array_member (root, "otherFields", build_other_fields (json_node_get_object (data_root)));
  json_object_set_array_member (root, "documents", manifest_array (manifest));

  return serialise (root);
}

GBytes *
sch_wire_supplement_body (const char *supplement_uuid,
                          GPtrArray  *manifest)
{
  g_autoptr(JsonObject) root = json_object_new ();

  g_return_val_if_fail (supplement_uuid != NULL, NULL);

  json_object_set_string_member (root, "id", supplement_uuid);
  json_object_set_array_member (root, "documents", manifest_array (manifest));

  return serialise (root);
}

char *
sch_wire_content_digest (const char *sha256_hex)
{
  guint8 digest[32];
  g_autofree char *base64 = NULL;

  g_return_val_if_fail (sha256_hex != NULL, NULL);

  if (strlen (sha256_hex) != 64)
    return NULL;

  for (guint i = 0; i < 32; i++)
    {
      int high = g_ascii_xdigit_value (sha256_hex[2 * i]);
      int low = g_ascii_xdigit_value (sha256_hex[2 * i + 1]);

      if (high < 0 || low < 0)
        return NULL;
      digest[i] = (guint8) (high << 4 | low);
    }

  base64 = g_base64_encode (digest, sizeof digest);
  return g_strdup_printf ("sha-256=:%s:", base64);
}

/* Pointers back to fields */

/* Whether @pointer is @path or inside it, or the object holding it. */
static gboolean
pointer_matches (const char *pointer,
                 const char *path)
{
  gsize n = strlen (pointer);

  if (g_str_has_prefix (pointer, path))
    {
      char next = pointer[strlen (path)];

      return next == '\0' || next == '/';
    }

  /* "/person/passport" names the passport object: its first field. */
  return g_str_has_prefix (path, pointer) && path[n] == '/';
}

static const FieldPlace *
find_place (const FieldPlace *table,
            gsize             n,
            const char       *pointer)
{
  for (gsize i = 0; i < n; i++)
    if (pointer_matches (pointer, table[i].path))
      return &table[i];

  return NULL;
}

/* Reads "/<digits>" at *@p and moves past it. */
static gboolean
read_index (const char **p,
            guint       *index)
{
  const char *start = *p;
  guint64 value = 0;
  char *end = NULL;

  if (*start != '/' || !g_ascii_isdigit (start[1]))
    return FALSE;

  value = g_ascii_strtoull (start + 1, &end, 10);
  if (value > G_MAXUINT || (*end != '\0' && *end != '/'))
    return FALSE;

  *index = (guint) value;
  *p = end;
  return TRUE;
}

static gboolean
other_field (GBytes  *body,
             guint    position,
             char   **group,
             guint   *index,
             char   **field)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonArray *others;
  JsonObject *item;

  if (body == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL))
    return FALSE;

  root = json_parser_get_root (parser);
  if (!JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;

  others = json_object_get_array_member (json_node_get_object (root), "otherFields");
  if (others == NULL || position >= json_array_get_length (others))
    return FALSE;

  item = json_array_get_object_element (others, position);
  if (item == NULL || object_string (item, "group") == NULL || object_string (item, "field") == NULL)
    return FALSE;

  *group = g_strdup (object_string (item, "group"));
  *index = (guint) json_object_get_int_member_with_default (item, "index", 0);
  *field = g_strdup (object_string (item, "field"));
  return TRUE;
}

gboolean
sch_wire_pointer_to_field (GBytes      *body,
                           const char  *pointer,
                           char       **group,
                           guint       *index,
                           char       **field)
{
  const FieldPlace *place;
  const char *rest = pointer;
  guint position = 0;

  g_return_val_if_fail (pointer != NULL, FALSE);
  g_return_val_if_fail (group != NULL && index != NULL && field != NULL, FALSE);

  if (g_str_has_prefix (pointer, "/otherFields"))
    {
      rest = pointer + strlen ("/otherFields");
      return read_index (&rest, &position) && other_field (body, position, group, index, field);
    }

  if (g_str_has_prefix (pointer, FAMILY_POINTER "/"))
    {
      rest = pointer + strlen (FAMILY_POINTER);
      if (!read_index (&rest, &position) || *rest == '\0')
        return FALSE;

      place = find_place (family_places, G_N_ELEMENTS (family_places), rest);
    }
  else
    {
      place = find_place (places, G_N_ELEMENTS (places), pointer);
    }

  if (place == NULL)
    return FALSE;

  *group = g_strdup (place->group);
  *index = position;
  *field = g_strdup (place->field);
  return TRUE;
}

/* Problems */

SchProblem *
sch_problem_parse (guint   status,
                   GBytes *body)
{
  g_autoptr(SchProblem) problem = g_new0 (SchProblem, 1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *object;
  JsonArray *array;
  const char *type;

  problem->status = status;
  problem->pointers = g_ptr_array_new_with_free_func (g_free);
  problem->messages = g_ptr_array_new_with_free_func (g_free);

  if (body == NULL || g_bytes_get_size (body) == 0 ||
      !json_parser_load_from_data (parser, g_bytes_get_data (body, NULL), g_bytes_get_size (body), NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return g_steal_pointer (&problem);

  object = json_node_get_object (json_parser_get_root (parser));
  type = object_string (object, "type");
  if (type != NULL)
    {
      const char *slash = strrchr (type, '/');

      problem->name = g_strdup (slash != NULL ? slash + 1 : type);
    }
  problem->title = g_strdup (object_string (object, "title"));
  problem->detail = g_strdup (object_string (object, "detail"));

  array = json_object_get_member (object, "errors") != NULL &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "errors"))
          ? json_object_get_array_member (object, "errors") : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *error;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      error = json_node_get_object (node);
      if (object_string (error, "pointer") == NULL)
        continue;
      g_ptr_array_add (problem->pointers, g_strdup (object_string (error, "pointer")));
      g_ptr_array_add (problem->messages, g_strdup (object_string (error, "detail")));
    }

  array = json_object_get_member (object, "missingDocuments") != NULL &&
          JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "missingDocuments"))
          ? json_object_get_array_member (object, "missingDocuments") : NULL;
  if (array != NULL)
    {
      GStrvBuilder *builder = g_strv_builder_new ();

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);

          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
      problem->missing_documents = g_strv_builder_end (builder);
      g_strv_builder_unref (builder);
    }

  if (json_object_has_member (object, "maxDocumentBytes"))
    problem->max_document_bytes = (guint64) MAX (json_object_get_int_member_with_default (object, "maxDocumentBytes", 0), 0);

  return g_steal_pointer (&problem);
}

void
sch_problem_free (SchProblem *problem)
{
  if (problem == NULL)
    return;

  g_free (problem->name);
  g_free (problem->title);
  g_free (problem->detail);
  g_clear_pointer (&problem->pointers, g_ptr_array_unref);
  g_clear_pointer (&problem->messages, g_ptr_array_unref);
  g_strfreev (problem->missing_documents);
  g_free (problem);
}
