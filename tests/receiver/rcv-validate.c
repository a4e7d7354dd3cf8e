/* rcv-validate.c: checks of case and supplement bodies (docs/api.md 3.2, 3.7)
 *
 * The receiver checks what a migration office would refuse, so that the client's
 * handling of 422 answers is tested against real field errors.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-receiver"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "rcv-validate.h"

const char * const rcv_media_types[] = { "application/pdf", "image/jpeg", "image/png", NULL };

void
rcv_add_error (JsonArray  *errors,
               const char *pointer,
               const char *detail)
{
  JsonObject *error;

  if (errors == NULL)
    return;
  error = json_object_new ();
  json_object_set_string_member (error, "pointer", pointer);
  json_object_set_string_member (error, "detail", detail);
  json_array_add_object_element (errors, error);
}

/* A member that is absent or null counts as not given. */
static JsonNode *
member (JsonObject *object,
        const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

static const char *
get_string (JsonObject *object,
            const char *path,
            const char *name,
            gboolean    required,
            guint       max_length,
            JsonArray  *errors)
{
  g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
  JsonNode *node = member (object, name);
  const char *value;
  glong length;

  if (node == NULL)
    {
      if (required)
        rcv_add_error (errors, pointer, "This member is required.");
      return NULL;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    {
      rcv_add_error (errors, pointer, "This member must be a string.");
      return NULL;
    }
  value = json_node_get_string (node);
  length = g_utf8_strlen (value, -1);
  if (length == 0 || (max_length > 0 && length > (glong) max_length))
    {
      g_autofree char *detail = g_strdup_printf ("This member must have 1 to %u characters.",
                                                 max_length);
      rcv_add_error (errors, pointer, detail);
      return NULL;
    }
  return value;
}

/* Returns FALSE (and adds no error) when the member is absent and optional. */
static gboolean
get_integer (JsonObject *object,
             const char *path,
             const char *name,
             gboolean    required,
             gint64      min,
             gint64      max,
             JsonArray  *errors,
             gint64     *out)
{
  g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
  JsonNode *node = member (object, name);

  if (node == NULL)
    {
      if (required)
        rcv_add_error (errors, pointer, "This member is required.");
      return FALSE;
    }
  if (json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < min || json_node_get_int (node) > max)
    {
      g_autofree char *detail = g_strdup_printf ("This member must be a whole number from %"
                                                 G_GINT64_FORMAT " to %" G_GINT64_FORMAT ".",
                                                 min, max);
      rcv_add_error (errors, pointer, detail);
      return FALSE;
    }
  if (out != NULL)
    *out = json_node_get_int (node);
  return TRUE;
}

static JsonObject *
get_object (JsonObject *object,
            const char *path,
            const char *name,
            gboolean    required,
            JsonArray  *errors)
{
  g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
  JsonNode *node = member (object, name);

  if (node == NULL)
    {
      if (required)
        rcv_add_error (errors, pointer, "This member is required.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      rcv_add_error (errors, pointer, "This member must be an object.");
      return NULL;
    }
  return json_node_get_object (node);
}

static JsonArray *
get_array (JsonObject *object,
           const char *path,
           const char *name,
           gboolean    required,
           JsonArray  *errors)
{
  g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
  JsonNode *node = member (object, name);

  if (node == NULL)
    {
      if (required)
        rcv_add_error (errors, pointer, "This member is required.");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      rcv_add_error (errors, pointer, "This member must be an array.");
      return NULL;
    }
  return json_node_get_array (node);
}

static gboolean
is_digits (const char *text,
           gsize       length)
{
  if (strlen (text) != length)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  return TRUE;
}

static gboolean
is_full_date (const char *text)
{
  guint year, month, day;

  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-'
      || sscanf (text, "%4u-%2u-%2u", &year, &month, &day) != 3)
    return FALSE;
  return g_date_valid_dmy (day, month, year);
}

/* eCH-0044 allows dates of birth with only the year or year and month. */
static gboolean
is_partial_date (const char *text)
{
  guint year, month;

  if (is_digits (text, 4))
    return TRUE;
  if (strlen (text) == 7 && text[4] == '-' && sscanf (text, "%4u-%2u", &year, &month) == 2)
    return month >= 1 && month <= 12;
  return is_full_date (text);
}

static void
check_date (JsonObject *object,
            const char *path,
            const char *name,
            gboolean    required,
            gboolean    partial,
            JsonArray  *errors)
{
  const char *value = get_string (object, path, name, required, 10, errors);

  if (value != NULL && !(partial ? is_partial_date (value) : is_full_date (value)))
    {
      g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
      rcv_add_error (errors, pointer, partial
                     ? "The date must be written YYYY-MM-DD, YYYY-MM or YYYY."
                     : "The date must be a valid date written YYYY-MM-DD.");
    }
}

static void
check_code (JsonObject        *object,
            const char        *path,
            const char        *name,
            gboolean           required,
            const char * const codes[],
            JsonArray         *errors)
{
  const char *value = get_string (object, path, name, required, 0, errors);

  if (value != NULL && !g_strv_contains (codes, value))
    {
      g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
      g_autofree char *list = g_strjoinv (", ", (char **) codes);
      g_autofree char *detail = g_strdup_printf ("The code must be one of %s.", list);
      rcv_add_error (errors, pointer, detail);
    }
}

static gboolean
is_valid_vn (const char *vn)
{
  guint sum = 0;

  if (!is_digits (vn, 13) || !g_str_has_prefix (vn, "756"))
    return FALSE;
  for (guint i = 0; i < 12; i++)
    sum += (guint) (vn[i] - '0') * (i % 2 == 0 ? 1 : 3);
  return (10 - sum % 10) % 10 == (guint) (vn[12] - '0');
}

static void
check_pattern (JsonObject *object,
               const char *path,
               const char *name,
               gboolean    required,
               const char *pattern,
               const char *detail,
               JsonArray  *errors)
{
  const char *value = get_string (object, path, name, required, 0, errors);

  if (value != NULL && !g_regex_match_simple (pattern, value, 0, 0))
    {
      g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
      rcv_add_error (errors, pointer, detail);
    }
}

static void
check_country (JsonObject *country,
               const char *path,
               JsonArray  *errors)
{
  get_integer (country, path, "countryId", TRUE, 8000, 8999, errors, NULL);
  check_pattern (country, path, "countryIdISO2", TRUE, "^[A-Z]{2}$",
                 "The country code must be two capital letters (ISO 3166).", errors);
}

static void
check_nationality (JsonObject *person,
                   const char *path,
                   gboolean    required,
                   JsonArray  *errors)
{
  static const char * const statuses[] = { "0", "1", "2", NULL };
  g_autofree char *own = g_strconcat (path, "/nationality", NULL);
  JsonObject *nationality = get_object (person, path, "nationality", required, errors);
  JsonArray *countries;
  const char *status;

  if (nationality == NULL)
    return;
  check_code (nationality, own, "nationalityStatus", TRUE, statuses, errors);
  status = get_string (nationality, own, "nationalityStatus", TRUE, 0, NULL);
  countries = get_array (nationality, own, "countries", g_strcmp0 (status, "2") == 0, errors);
  if (countries == NULL)
    return;
  if (g_strcmp0 (status, "2") == 0 && json_array_get_length (countries) == 0)
    rcv_add_error (errors, own, "A known nationality needs at least one country.");
  for (guint i = 0; i < json_array_get_length (countries); i++)
    {
      g_autofree char *item = g_strdup_printf ("%s/countries/%u", own, i);
      JsonNode *node = json_array_get_element (countries, i);

      if (JSON_NODE_HOLDS_OBJECT (node))
        check_country (json_node_get_object (node), item, errors);
      else
        rcv_add_error (errors, item, "A country must be an object.");
    }
}

static void
check_passport (JsonObject *person,
                const char *path,
                JsonArray  *errors)
{
  g_autofree char *own = g_strconcat (path, "/passport", NULL);
  JsonObject *passport = get_object (person, path, "passport", FALSE, errors);

  if (passport == NULL)
    return;
  get_string (passport, own, "number", TRUE, 20, errors);
  check_date (passport, own, "validTill", FALSE, FALSE, errors);
}

/* eCH-0011 nameOnForeignPassport: the name as the foreign passport spells it. */
static void
check_name_on_passport (JsonObject *person,
                        JsonArray  *errors)
{
  const char *own = "/person/nameOnForeignPassport";
  JsonObject *name = get_object (person, "/person", "nameOnForeignPassport", FALSE, errors);

  if (name == NULL)
    return;
  get_string (name, own, "name", FALSE, 100, errors);
  get_string (name, own, "firstName", FALSE, 100, errors);
}

/* Members shared by the applicant and family members (eCH-0011/0044). */
static void
check_person_core (JsonObject *person,
                   const char *path,
                   JsonArray  *errors)
{
  static const char * const sexes[] = { "1", "2", "3", NULL };

  get_string (person, path, "officialName", TRUE, 100, errors);
  get_string (person, path, "firstName", TRUE, 100, errors);
  check_date (person, path, "dateOfBirth", TRUE, TRUE, errors);
  check_code (person, path, "sex", TRUE, sexes, errors);
  check_pattern (person, path, "zemisNumber", FALSE, "^[0-9]{8}\\.[0-9]$",
                 "The ZEMIS number must be written NNNNNNNN.N.", errors);
  check_passport (person, path, errors);
}

static void
check_person (JsonObject *root,
              JsonArray  *errors)
{
  static const char * const marital[] = { "1", "2", "3", "4", "5", "6", "7", "9", NULL };
  JsonObject *person = get_object (root, "", "person", TRUE, errors);
  const char *vn;

  if (person == NULL)
    return;
  check_person_core (person, "/person", errors);
  get_string (person, "/person", "callName", FALSE, 100, errors);
  get_string (person, "/person", "originalName", FALSE, 100, errors);
  get_string (person, "/person", "allianceName", FALSE, 100, errors);
  check_name_on_passport (person, errors);
  check_code (person, "/person", "maritalStatus", FALSE, marital, errors);
  check_nationality (person, "/person", TRUE, errors);

  vn = get_string (person, "/person", "vn", FALSE, 0, errors);
  if (vn != NULL && !is_valid_vn (vn))
    rcv_add_error (errors, "/person/vn",
                   "The AHV number must have 13 digits, start with 756 and end with a valid check digit.");
}

static void
check_address (JsonObject *object,
               const char *path,
               gboolean    residence,
               JsonArray  *errors)
{
  get_string (object, path, "street", residence, 60, errors);
  get_string (object, path, "houseNumber", FALSE, 12, errors);
  get_string (object, path, "dwellingNumber", FALSE, 10, errors);
  get_integer (object, path, "swissZipCode", residence, 1000, 9999, errors, NULL);
  get_string (object, path, "town", residence, 40, errors);
  get_integer (object, path, "municipalityId", residence, 1, 9999, errors, NULL);
}

static void
check_permit (JsonObject *root,
              JsonArray  *errors)
{
  JsonObject *permit = get_object (root, "", "residencePermit", FALSE, errors);

  if (permit == NULL)
    return;
  check_pattern (permit, "/residencePermit", "residencePermit", TRUE, "^([0-9]{2}){1,3}$",
                 "The permit must be an eCH-0006 code of 2, 4 or 6 digits.", errors);
  check_date (permit, "/residencePermit", "residencePermitValidFrom", FALSE, FALSE, errors);
  check_date (permit, "/residencePermit", "residencePermitValidTill", FALSE, FALSE, errors);
  check_date (permit, "/residencePermit", "entryDate", FALSE, FALSE, errors);
}

static void
check_employer (JsonObject *root,
                JsonArray  *errors)
{
  static const char * const contracts[] = { "open-ended", "fixed-term", NULL };
  JsonObject *employer = get_object (root, "", "employer", FALSE, errors);
  JsonObject *address;

  if (employer == NULL)
    return;
  get_string (employer, "/employer", "name", FALSE, 100, errors);
  check_pattern (employer, "/employer", "uid", FALSE, "^CHE-[0-9]{3}\\.[0-9]{3}\\.[0-9]{3}$",
                 "The UID must be written CHE-123.456.789.", errors);
  check_date (employer, "/employer", "startDate", FALSE, FALSE, errors);
  check_date (employer, "/employer", "endDate", FALSE, FALSE, errors);
  check_code (employer, "/employer", "contractType", FALSE, contracts, errors);
  get_integer (employer, "/employer", "workload", FALSE, 1, 100, errors, NULL);
  address = get_object (employer, "/employer", "address", FALSE, errors);
  if (address != NULL)
    check_address (address, "/employer/address", FALSE, errors);
}

static void
check_family (JsonObject *root,
              JsonArray  *errors)
{
  static const char * const relationships[] = {
    "spouse", "registered-partner", "child", "parent", "other", NULL
  };
  JsonArray *family = get_array (root, "", "familyMembers", FALSE, errors);

  if (family == NULL)
    return;
  for (guint i = 0; i < json_array_get_length (family); i++)
    {
      g_autofree char *path = g_strdup_printf ("/familyMembers/%u", i);
      JsonNode *node = json_array_get_element (family, i);
      JsonObject *member_object;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          rcv_add_error (errors, path, "A family member must be an object.");
          continue;
        }
      member_object = json_node_get_object (node);
      check_code (member_object, path, "relationship", TRUE, relationships, errors);
      check_person_core (member_object, path, errors);
      check_nationality (member_object, path, FALSE, errors);
    }
}

static void
check_uuid (JsonObject *object,
            const char *path,
            const char *name,
            JsonArray  *errors)
{
  const char *value = get_string (object, path, name, TRUE, 36, errors);

  if (value != NULL && !g_uuid_string_is_valid (value))
    {
      g_autofree char *pointer = g_strconcat (path, "/", name, NULL);
      rcv_add_error (errors, pointer, "This member must be a UUID.");
    }
}

static void
check_document (JsonObject      *doc,
                const char      *path,
                const RcvLimits *limits,
                JsonArray       *errors)
{
  const char *media_type;

  check_uuid (doc, path, "id", errors);
  get_string (doc, path, "slot", TRUE, 100, errors);
  media_type = get_string (doc, path, "mediaType", TRUE, 0, errors);
  if (media_type != NULL && !g_strv_contains (rcv_media_types, media_type))
    {
      g_autofree char *pointer = g_strconcat (path, "/mediaType", NULL);
      rcv_add_error (errors, pointer, "The media type is not accepted.");
    }
  get_integer (doc, path, "size", TRUE, 1, limits->max_document_bytes, errors, NULL);
  check_pattern (doc, path, "sha256", TRUE, "^[0-9a-f]{64}$",
                 "The digest must be 64 lower-case hexadecimal digits.", errors);
}

static void
check_manifest (JsonObject      *root,
                const RcvLimits *limits,
                JsonArray       *errors)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *documents = get_array (root, "", "documents", TRUE, errors);

  if (documents == NULL)
    return;
  if (json_array_get_length (documents) > limits->max_documents)
    {
      g_autofree char *detail = g_strdup_printf ("A case may have at most %u documents.",
                                                 limits->max_documents);
      rcv_add_error (errors, "/documents", detail);
    }
  for (guint i = 0; i < json_array_get_length (documents); i++)
    {
      g_autofree char *path = g_strdup_printf ("/documents/%u", i);
      JsonNode *node = json_array_get_element (documents, i);
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          rcv_add_error (errors, path, "A document must be an object.");
          continue;
        }
      check_document (json_node_get_object (node), path, limits, errors);
      id = get_string (json_node_get_object (node), path, "id", TRUE, 0, NULL);
      if (id != NULL && !g_hash_table_add (ids, (gpointer) id))
        {
          g_autofree char *pointer = g_strconcat (path, "/id", NULL);
          rcv_add_error (errors, pointer, "This document id is used twice.");
        }
    }
}

void
rcv_validate_case (JsonObject      *root,
                   const RcvLimits *limits,
                   JsonArray       *errors)
{
  JsonObject *office;
  JsonObject *clerk;
  JsonObject *address;
  const char *captured;

  check_uuid (root, "", "uuid", errors);
  check_pattern (root, "", "applicationType", TRUE, "^[a-z0-9]+(-[a-z0-9]+)*$",
                 "The application type must be a catalog code.", errors);

  captured = get_string (root, "", "capturedAt", TRUE, 0, errors);
  if (captured != NULL)
    {
      g_autoptr(GDateTime) time = g_date_time_new_from_iso8601 (captured, NULL);
      if (time == NULL)
        rcv_add_error (errors, "/capturedAt", "The time must be written as in RFC 3339.");
    }

  office = get_object (root, "", "office", TRUE, errors);
  if (office != NULL)
    {
      get_integer (office, "/office", "municipalityId", TRUE, 1, 9999, errors, NULL);
      get_string (office, "/office", "municipalityName", TRUE, 40, errors);
    }
  clerk = get_object (root, "", "clerk", TRUE, errors);
  if (clerk != NULL)
    get_string (clerk, "/clerk", "name", TRUE, 100, errors);

  check_person (root, errors);
  address = get_object (root, "", "address", FALSE, errors);
  if (address != NULL)
    check_address (address, "/address", TRUE, errors);
  check_permit (root, errors);
  check_employer (root, errors);
  check_family (root, errors);
  check_manifest (root, limits, errors);
}

void
rcv_validate_supplement (JsonObject      *root,
                         const RcvLimits *limits,
                         JsonArray       *errors)
{
  JsonArray *documents;

  check_uuid (root, "", "id", errors);
  check_manifest (root, limits, errors);
  documents = get_array (root, "", "documents", TRUE, NULL);
  if (documents != NULL && json_array_get_length (documents) == 0)
    rcv_add_error (errors, "/documents", "A supplement needs at least one document.");
}
