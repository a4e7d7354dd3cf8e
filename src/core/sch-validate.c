#define G_LOG_DOMAIN "sch-validate"

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "sch-validate.h"
#include "sch-refdata.h"

/* eCH-0011 and eCH-0010 field lengths. */
#define NAME_MAX_LENGTH                100
#define STREET_MAX_LENGTH              60
#define HOUSE_NUMBER_MAX_LENGTH        12
#define TOWN_MAX_LENGTH                40
#define FOREIGN_POSTAL_CODE_MAX_LENGTH 15

#define PASSPORT_MIN_LENGTH 5
#define PASSPORT_MAX_LENGTH 20

/* Nobody registering at the counter is older than this. */
#define MAX_AGE_YEARS 120

G_DEFINE_QUARK (sch-validate-error-quark, sch_validate_error)

/* Indexed by SchValidator; these are the names used in catalog files. */
static const char * const validator_names[SCH_N_VALIDATORS] = {
  [SCH_VALIDATOR_NONE] = "none",
  [SCH_VALIDATOR_NAME] = "name",
  [SCH_VALIDATOR_AHV] = "ahv",
  [SCH_VALIDATOR_ZEMIS] = "zemis",
  [SCH_VALIDATOR_UID] = "uid",
  [SCH_VALIDATOR_POSTAL_CODE] = "postal-code",
  [SCH_VALIDATOR_MUNICIPALITY] = "municipality",
  [SCH_VALIDATOR_COUNTRY] = "country",
  [SCH_VALIDATOR_NATIONALITY] = "nationality",
  [SCH_VALIDATOR_DATE_OF_BIRTH] = "date-of-birth",
  [SCH_VALIDATOR_DATE] = "date",
  [SCH_VALIDATOR_DATE_PAST] = "date-past",
  [SCH_VALIDATOR_DATE_EXPIRY] = "date-expiry",
  [SCH_VALIDATOR_PHONE] = "phone",
  [SCH_VALIDATOR_EMAIL] = "email",
  [SCH_VALIDATOR_STREET] = "street",
  [SCH_VALIDATOR_HOUSE_NUMBER] = "house-number",
  [SCH_VALIDATOR_TOWN] = "town",
  [SCH_VALIDATOR_FOREIGN_POSTAL_CODE] = "foreign-postal-code",
  [SCH_VALIDATOR_PERMIT_CATEGORY] = "permit-category",
  [SCH_VALIDATOR_PASSPORT_NUMBER] = "passport-number",
  [SCH_VALIDATOR_INTEGER] = "integer",
};

SchValidator
sch_validator_from_string (const char *name)
{
  g_return_val_if_fail (name != NULL, SCH_VALIDATOR_INVALID);

  for (int i = 0; i < SCH_N_VALIDATORS; i++)
    {
      if (g_str_equal (name, validator_names[i]))
        return (SchValidator) i;
    }

  return SCH_VALIDATOR_INVALID;
}

const char *
sch_validator_to_string (SchValidator validator)
{
  g_return_val_if_fail (validator >= 0 && validator < SCH_N_VALIDATORS, NULL);

  return validator_names[validator];
}

/* Helpers */

/* Invalid UTF-8 counts as not blank, so that the validator reports it. */
static gboolean
is_blank (const char *value)
{
  if (value == NULL)
    return TRUE;

  if (!g_utf8_validate (value, -1, NULL))
    return FALSE;

  for (const char *p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        return FALSE;
    }

  return TRUE;
}

/* The value has been checked by g_utf8_validate() or is ASCII. */
static char *
strip_copy (const char *value)
{
  return g_strstrip (g_strdup (value));
}

static gboolean
succeed (char       **normalized,
         char        *result)
{
  if (normalized != NULL)
    *normalized = result;
  else
    g_free (result);

  return TRUE;
}

static gboolean
succeed_empty (char **normalized)
{
  return succeed (normalized, g_strdup (""));
}

static gboolean
all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;

  for (; *s != '\0'; s++)
    {
      if (!g_ascii_isdigit (*s))
        return FALSE;
    }

  return TRUE;
}

/* Collects the digits of @value, skipping the characters in @separators.
 * Returns NULL if anything else is found. */
static char *
collect_digits (const char *value,
                const char *separators)
{
  g_autoptr(GString) digits = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        g_string_append_c (digits, *p);
      else if (strchr (separators, *p) == NULL)
        return NULL;
    }

  return g_string_free (g_steal_pointer (&digits), FALSE);
}

static gboolean
check_utf8 (const char  *field_label,
            const char  *value,
            GError     **error)
{
  if (g_utf8_validate (value, -1, NULL))
    return TRUE;

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
               _("“%s” contains characters that cannot be read. Please type the text again."),
               field_label);
  return FALSE;
}

void
sch_date_set_date_time (GDate     *date,
                        GDateTime *date_time)
{
  g_return_if_fail (date != NULL && date_time != NULL);

  g_date_clear (date, 1);
  g_date_set_dmy (date,
                  (GDateDay) g_date_time_get_day_of_month (date_time),
                  (GDateMonth) g_date_time_get_month (date_time),
                  (GDateYear) g_date_time_get_year (date_time));
}

static void
get_today (const GDate *today,
           GDate       *out)
{
  if (today != NULL && g_date_valid (today))
    {
      *out = *today;
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_local ();

      sch_date_set_date_time (out, now);
    }
}

/* Required */

gboolean
sch_validate_required (const char  *field_label,
                       const char  *value,
                       GError     **error)
{
  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_blank (value))
    return TRUE;

  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_REQUIRED,
               _("“%s” is required."), field_label);
  return FALSE;
}

/* Text */

gboolean
sch_validate_text (const char  *field_label,
                   const char  *value,
                   guint        max_length,
                   char       **normalized,
                   GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *nfc = NULL;
  glong length;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!check_utf8 (field_label, value, error))
    return FALSE;

  stripped = strip_copy (value);
  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_iscntrl (g_utf8_get_char (p)))
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("“%s” contains an invisible control character, for example a tab or a line break. Please type the text again."),
                       field_label);
          return FALSE;
        }
    }

  nfc = g_utf8_normalize (stripped, -1, G_NORMALIZE_NFC);
  length = g_utf8_strlen (nfc, -1);
  if (max_length > 0 && length > (glong) max_length)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_TOO_LONG,
                   ngettext ("“%s” is too long: at most %u character is allowed.",
                             "“%s” is too long: at most %u characters are allowed.",
                             max_length),
                   field_label, max_length);
      return FALSE;
    }

  return succeed (normalized, g_steal_pointer (&nfc));
}

/* Names (eCH-0011) */

static gboolean
is_name_letter (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_LOWERCASE_LETTER:
    case G_UNICODE_UPPERCASE_LETTER:
    case G_UNICODE_TITLECASE_LETTER:
    case G_UNICODE_MODIFIER_LETTER:
    case G_UNICODE_OTHER_LETTER:
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
is_mark (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_NON_SPACING_MARK:
    case G_UNICODE_SPACING_MARK:
    case G_UNICODE_ENCLOSING_MARK:
      return TRUE;
    default:
      return FALSE;
    }
}

/* Zero-width (non-)joiners are part of correct spelling in Persian and in
 * Indic scripts; every other invisible format character (zero-width space,
 * direction marks, soft hyphen) is pasted in by accident and would make two
 * equal names differ. */
static gboolean
is_allowed_format_char (gunichar c)
{
  return c == 0x200C || c == 0x200D;
}

static gboolean
is_name_punctuation (gunichar c)
{
  return c == '\'' || c == 0x2019 || c == '-' || c == '.';
}

gboolean
sch_validate_name (const char  *field_label,
                   const char  *value,
                   char       **normalized,
                   GError     **error)
{
  g_autofree char *nfc = NULL;
  g_autoptr(GString) result = NULL;
  gboolean has_letter = FALSE;
  gboolean pending_space = FALSE;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!check_utf8 (field_label, value, error))
    return FALSE;

  nfc = g_utf8_normalize (value, -1, G_NORMALIZE_NFC);
  result = g_string_new (NULL);

  for (const char *p = nfc; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      GUnicodeType type = g_unichar_type (c);

      if (type == G_UNICODE_CONTROL)
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("“%s” contains an invisible control character, for example a tab or a line break. Please type the name again."),
                       field_label);
          return FALSE;
        }

      if (g_unichar_isspace (c))
        {
          pending_space = result->len > 0;
          continue;
        }

      if (type == G_UNICODE_FORMAT && !is_allowed_format_char (c))
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("“%s” contains an invisible character, for example a zero-width space. Please type the name again."),
                       field_label);
          return FALSE;
        }

      if (g_unichar_isdigit (c))
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("“%s” may not contain digits."), field_label);
          return FALSE;
        }

      if (!is_name_letter (c) && !is_mark (c) && !is_name_punctuation (c) &&
          !is_allowed_format_char (c))
        {
          char character[8] = { 0 };

          g_unichar_to_utf8 (c, character);
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("“%s” may not contain the character “%s”. Names consist of letters, apostrophes, hyphens, periods and spaces."),
                       field_label, character);
          return FALSE;
        }

      if (pending_space)
        g_string_append_c (result, ' ');
      pending_space = FALSE;

      has_letter |= is_name_letter (c);
      g_string_append_unichar (result, c);
    }

  if (!has_letter)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("“%s” must contain at least one letter."), field_label);
      return FALSE;
    }

  if (g_utf8_strlen (result->str, -1) > NAME_MAX_LENGTH)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_TOO_LONG,
                   _("“%s” is too long: a name may have at most %u characters."),
                   field_label, (guint) NAME_MAX_LENGTH);
      return FALSE;
    }

  return succeed (normalized, g_string_free (g_steal_pointer (&result), FALSE));
}

/* AHV number */

/* EAN-13: weights 1, 3, 1, 3, ... from the left over the first 12 digits. */
static int
ean13_check_digit (const char *digits)
{
  int sum = 0;

  for (int i = 0; i < 12; i++)
    sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);

  return (10 - sum % 10) % 10;
}

gboolean
sch_validate_ahv (const char  *field_label,
                  const char  *value,
                  char       **normalized,
                  GError     **error)
{
  g_autofree char *digits = NULL;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  digits = collect_digits (value, ". ");
  if (digits == NULL)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The AHV number in “%s” may only contain digits, dots and spaces."),
                   field_label);
      return FALSE;
    }

  if (strlen (digits) != 13)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The AHV number in “%s” must have 13 digits, written as 756.1234.5678.97."),
                   field_label);
      return FALSE;
    }

  if (!g_str_has_prefix (digits, "756"))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The AHV number in “%s” must start with 756."), field_label);
      return FALSE;
    }

  if (ean13_check_digit (digits) != digits[12] - '0')
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHECK_DIGIT,
                   _("The AHV number in “%s” has a wrong check digit. Please check the number on the card."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized,
                  g_strdup_printf ("%.3s.%.4s.%.4s.%.2s",
                                   digits, digits + 3, digits + 7, digits + 11));
}

/* ZEMIS number */

gboolean
sch_validate_zemis (const char  *field_label,
                    const char  *value,
                    char       **normalized,
                    GError     **error)
{
  g_autofree char *digits = NULL;
  const char *number;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  digits = collect_digits (value, ". ");

  /* Older documents print a leading zero: 012345678.9. */
  number = digits;
  if (number != NULL && strlen (number) == 10 && number[0] == '0')
    number++;

  if (number == NULL || strlen (number) != 9)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The ZEMIS number in “%s” must have 8 digits and a check digit, written as 12345678.9."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized, g_strdup_printf ("%.8s.%c", number, number[8]));
}

/* UID (enterprise identification number) */

static int
uid_check_digit (const char *digits)
{
  static const int weights[8] = { 5, 4, 3, 2, 7, 6, 5, 4 };
  int sum = 0;
  int check;

  for (int i = 0; i < 8; i++)
    sum += (digits[i] - '0') * weights[i];

  check = 11 - sum % 11;
  return check == 11 ? 0 : check;
}

/* Drops a VAT suffix ("CHE-123.456.789 MWST"), which is part of how the
 * number is printed on invoices but not of the number. */
static void
drop_vat_suffix (char *uid)
{
  static const char * const suffixes[] = { "MWST", "TVA", "IVA" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      if (g_str_has_suffix (uid, suffixes[i]))
        {
          uid[strlen (uid) - strlen (suffixes[i])] = '\0';
          g_strchomp (uid);
          return;
        }
    }
}

gboolean
sch_validate_uid (const char  *field_label,
                  const char  *value,
                  char       **normalized,
                  GError     **error)
{
  g_autofree char *upper = NULL;
  g_autofree char *digits = NULL;
  const char *rest;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  upper = g_ascii_strup (value, -1);
  g_strstrip (upper);
  drop_vat_suffix (upper);

  rest = g_str_has_prefix (upper, "CHE") ? upper + 3 : upper;
  digits = collect_digits (rest, ".- ");
  if (digits == NULL || strlen (digits) != 9)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The UID in “%s” must have 9 digits, written as CHE-123.456.789."),
                   field_label);
      return FALSE;
    }

  if (uid_check_digit (digits) != digits[8] - '0')
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHECK_DIGIT,
                   _("The UID in “%s” has a wrong check digit. Please check the number in the UID register or on the employer’s letterhead."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized,
                  g_strdup_printf ("CHE-%.3s.%.3s.%.3s", digits, digits + 3, digits + 6));
}

/* Postal code, municipality, country, permit category */

gboolean
sch_validate_postal_code (const char  *field_label,
                          const char  *value,
                          char       **normalized,
                          GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 number;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  stripped = strip_copy (value);
  if (!all_digits (stripped))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The postal code in “%s” must be a Swiss postal code of four digits, for example 9000."),
                   field_label);
      return FALSE;
    }

  number = g_ascii_strtoull (stripped, NULL, 10);
  if (strlen (stripped) != 4 || number < 1000)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The postal code in “%s” must be a number from 1000 to 9999."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized, g_steal_pointer (&stripped));
}

gboolean
sch_validate_municipality (const char  *field_label,
                           const char  *value,
                           char       **normalized,
                           GError     **error)
{
  g_autofree char *stripped = NULL;
  guint64 bfs;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  stripped = strip_copy (value);
  if (!all_digits (stripped) || strlen (stripped) > 4)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("“%s” must be the BFS number of a municipality, for example 3203 for St. Gallen."),
                   field_label);
      return FALSE;
    }

  bfs = g_ascii_strtoull (stripped, NULL, 10);
  if (sch_refdata_lookup_municipality ((guint) bfs) == NULL)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
                   _("“%s”: there is no municipality with the BFS number %s in the list. Please choose the municipality from the list."),
                   field_label, stripped);
      return FALSE;
    }

  return succeed (normalized, g_strdup_printf ("%u", (guint) bfs));
}

gboolean
sch_validate_country (const char  *field_label,
                      const char  *value,
                      char       **normalized,
                      GError     **error)
{
  g_autofree char *code = NULL;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  code = g_ascii_strup (value, -1);
  g_strstrip (code);
  if (strlen (code) != 2 || !g_ascii_isalpha (code[0]) || !g_ascii_isalpha (code[1]))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("“%s” must be a country code of two letters, for example IT for Italy."),
                   field_label);
      return FALSE;
    }

  if (sch_refdata_lookup_country (code) == NULL)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
                   _("“%s”: the country code %s is unknown. Please choose the country from the list."),
                   field_label, code);
      return FALSE;
    }

  return succeed (normalized, g_steal_pointer (&code));
}

gboolean
sch_validate_nationality (const char  *field_label,
                          const char  *value,
                          char       **normalized,
                          GError     **error)
{
  g_autofree char *word = NULL;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  word = g_ascii_strdown (value, -1);
  g_strstrip (word);
  if (g_str_equal (word, SCH_NATIONALITY_STATELESS) || g_str_equal (word, SCH_NATIONALITY_UNKNOWN))
    return succeed (normalized, g_steal_pointer (&word));

  return sch_validate_country (field_label, value, normalized, error);
}

gboolean
sch_validate_permit_category (const char  *field_label,
                              const char  *value,
                              char       **normalized,
                              GError     **error)
{
  g_autofree char *code = NULL;
  gsize length;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  code = strip_copy (value);
  length = strlen (code);
  if (!all_digits (code) || (length != 2 && length != 4 && length != 6))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("“%s” must be a foreigner category code of 2, 4 or 6 digits, for example 02 for a B permit."),
                   field_label);
      return FALSE;
    }

  if (sch_refdata_lookup_permit (code) == NULL)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_UNKNOWN,
                   _("“%s”: the foreigner category %s is unknown. Please choose the category from the list."),
                   field_label, code);
      return FALSE;
    }

  return succeed (normalized, g_steal_pointer (&code));
}

/* Passport number and integers */

gboolean
sch_validate_passport_number (const char  *field_label,
                              const char  *value,
                              char       **normalized,
                              GError     **error)
{
  g_autoptr(GString) number = NULL;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  /* Spaces are how some passports group the characters, not part of it. */
  number = g_string_new (NULL);
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == ' ')
        continue;

      if (!g_ascii_isalnum (*p))
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("The passport number in “%s” may only contain the letters A to Z and digits."),
                       field_label);
          return FALSE;
        }
      g_string_append_c (number, g_ascii_toupper (*p));
    }

  if (number->len < PASSPORT_MIN_LENGTH)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The passport number in “%s” is too short: a passport number has at least %u characters."),
                   field_label, (guint) PASSPORT_MIN_LENGTH);
      return FALSE;
    }

  if (number->len > PASSPORT_MAX_LENGTH)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_TOO_LONG,
                   _("The passport number in “%s” is too long: a passport number has at most %u characters."),
                   field_label, (guint) PASSPORT_MAX_LENGTH);
      return FALSE;
    }

  return succeed (normalized, g_string_free (g_steal_pointer (&number), FALSE));
}

gboolean
sch_validate_integer (const char  *field_label,
                      const char  *value,
                      char       **normalized,
                      GError     **error)
{
  g_autofree char *stripped = NULL;
  const char *significant;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  stripped = strip_copy (value);
  if (!all_digits (stripped))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("“%s” must be a whole number without signs, decimals or separators, for example 80."),
                   field_label);
      return FALSE;
    }

  significant = stripped;
  while (significant[0] == '0' && significant[1] != '\0')
    significant++;

  /* Far beyond any percentage or salary, and safely inside 64 bits. */
  if (strlen (significant) > 15)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The number in “%s” is too large."), field_label);
      return FALSE;
    }

  return succeed (normalized, g_strdup (significant));
}

/* Dates */

typedef struct {
  guint year;
  guint month;   /* 0 if only the year is known */
  guint day;     /* 0 if only year and month are known */
} PartialDate;

static gboolean
parse_number (const char *s,
              gsize       min_digits,
              gsize       max_digits,
              guint      *out)
{
  gsize length = strlen (s);

  if (length < min_digits || length > max_digits || !all_digits (s))
    return FALSE;

  *out = (guint) g_ascii_strtoull (s, NULL, 10);
  return TRUE;
}

typedef enum {
  DATE_PARSE_OK,
  DATE_PARSE_FORMAT,
  DATE_PARSE_SHORT_YEAR,
  DATE_PARSE_NONEXISTENT,
} DateParseResult;

/* Splits "31.12.1990", "12.1990", "1990" (day first) or "1990-12-31",
 * "1990-12" (ISO, year first) into numbers, most significant last. */
static DateParseResult
split_date (const char  *text,
            PartialDate *date)
{
  g_auto(GStrv) parts = NULL;
  gboolean iso = strchr (text, '-') != NULL;
  guint n_parts;
  const char *year;
  const char *month = NULL;
  const char *day = NULL;

  parts = g_strsplit (text, iso ? "-" : ".", -1);
  n_parts = g_strv_length (parts);
  if (n_parts < 1 || n_parts > 3)
    return DATE_PARSE_FORMAT;

  if (iso)
    {
      year = parts[0];
      month = n_parts > 1 ? parts[1] : NULL;
      day = n_parts > 2 ? parts[2] : NULL;
    }
  else
    {
      year = parts[n_parts - 1];
      month = n_parts > 1 ? parts[n_parts - 2] : NULL;
      day = n_parts > 2 ? parts[0] : NULL;
    }

  *date = (PartialDate) { 0, 0, 0 };
  if ((month != NULL && !parse_number (month, 1, 2, &date->month)) ||
      (day != NULL && !parse_number (day, 1, 2, &date->day)))
    return DATE_PARSE_FORMAT;

  if (!parse_number (year, 1, 4, &date->year))
    return DATE_PARSE_FORMAT;
  if (strlen (year) < 4)
    return DATE_PARSE_SHORT_YEAR;
  if (date->year < 1000)
    return DATE_PARSE_FORMAT;

  if (date->month != 0 && !g_date_valid_month ((GDateMonth) date->month))
    return DATE_PARSE_NONEXISTENT;
  if (n_parts > 1 && date->month == 0)
    return DATE_PARSE_NONEXISTENT;
  if (n_parts > 2 &&
      !g_date_valid_dmy ((GDateDay) date->day, (GDateMonth) date->month,
                         (GDateYear) date->year))
    return DATE_PARSE_NONEXISTENT;

  return DATE_PARSE_OK;
}

static char *
remove_spaces (const char *value)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (const char *p = value; *p != '\0'; p++)
    {
      if (!g_ascii_isspace (*p))
        g_string_append_c (text, *p);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* @subject names the field in the message: a label, or the value itself when
 * there is no label (sch_parse_date()). */
static gboolean
parse_partial_date (const char   *subject,
                    const char   *value,
                    gboolean      allow_partial,
                    PartialDate  *date,
                    GError      **error)
{
  g_autofree char *text = remove_spaces (value);

  switch (split_date (text, date))
    {
    case DATE_PARSE_OK:
      if (allow_partial || date->day != 0)
        return TRUE;
      break;

    case DATE_PARSE_SHORT_YEAR:
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("Please write the year in “%s” with four digits, for example 31.12.1990."),
                   subject);
      return FALSE;

    case DATE_PARSE_NONEXISTENT:
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The date in “%s” does not exist. Please check the day and the month."),
                   subject);
      return FALSE;

    case DATE_PARSE_FORMAT:
    default:
      break;
    }

  if (allow_partial)
    g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                 _("The date in “%s” must be written as day.month.year, for example 31.12.1990. If only the month or the year is known, write 12.1990 or 1990."),
                 subject);
  else
    g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                 _("The date in “%s” must be written as day.month.year, for example 31.12.1990."),
                 subject);
  return FALSE;
}

static char *
partial_date_to_iso (const PartialDate *date)
{
  if (date->day != 0)
    return g_strdup_printf ("%04u-%02u-%02u", date->year, date->month, date->day);
  if (date->month != 0)
    return g_strdup_printf ("%04u-%02u", date->year, date->month);
  return g_strdup_printf ("%04u", date->year);
}

/* The first and the last day the partial date can mean. */
static void
partial_date_get_range (const PartialDate *date,
                        GDate             *first,
                        GDate             *last)
{
  GDateMonth first_month = date->month != 0 ? (GDateMonth) date->month : G_DATE_JANUARY;
  GDateMonth last_month = date->month != 0 ? (GDateMonth) date->month : G_DATE_DECEMBER;
  GDateYear year = (GDateYear) date->year;

  g_date_clear (first, 1);
  g_date_clear (last, 1);
  g_date_set_dmy (first, date->day != 0 ? (GDateDay) date->day : 1, first_month, year);
  g_date_set_dmy (last,
                  date->day != 0 ? (GDateDay) date->day : g_date_get_days_in_month (last_month, year),
                  last_month, year);
}

gboolean
sch_parse_date (const char  *value,
                gboolean     allow_partial,
                char       **iso,
                GError     **error)
{
  g_autofree char *stripped = NULL;
  PartialDate date;

  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_utf8_validate (value, -1, NULL))
    {
      g_set_error_literal (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                           _("The date contains characters that cannot be read. Please type it again."));
      return FALSE;
    }

  stripped = strip_copy (value);
  if (!parse_partial_date (stripped, stripped, allow_partial, &date, error))
    return FALSE;

  return succeed (iso, partial_date_to_iso (&date));
}

gboolean
sch_is_minor (const char  *date_of_birth,
              const GDate *on)
{
  PartialDate date;
  GDate first, last, adult;
  GDateYear year;

  g_return_val_if_fail (date_of_birth != NULL, FALSE);
  g_return_val_if_fail (on != NULL && g_date_valid (on), FALSE);

  if (!g_utf8_validate (date_of_birth, -1, NULL) ||
      !parse_partial_date (date_of_birth, date_of_birth, TRUE, &date, NULL))
    return FALSE;

  partial_date_get_range (&date, &first, &last);
  /* Someone born on 29 February comes of age on 1 March in other years:
   * the later of the two readings, so that the form asks for the legal
   * representative's signature rather than miss one. */
  year = g_date_get_year (&last) + 18;
  g_date_clear (&adult, 1);
  if (g_date_get_day (&last) > g_date_get_days_in_month (g_date_get_month (&last), year))
    g_date_set_dmy (&adult, 1, G_DATE_MARCH, year);
  else
    g_date_set_dmy (&adult, g_date_get_day (&last), g_date_get_month (&last), year);

  return g_date_compare (on, &adult) < 0;
}

char *
sch_format_date (const char *iso)
{
  g_auto(GStrv) parts = NULL;

  g_return_val_if_fail (iso != NULL, NULL);

  /* Anything that is not an ISO date (an old free-text value) is shown
   * as it is. */
  parts = g_strsplit (iso, "-", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (!all_digits (parts[i]) || strlen (parts[i]) != (i == 0 ? 4 : 2))
        return g_strdup (iso);
    }

  switch (g_strv_length (parts))
    {
    case 3:
      return g_strdup_printf ("%s.%s.%s", parts[2], parts[1], parts[0]);
    case 2:
      return g_strdup_printf ("%s.%s", parts[1], parts[0]);
    default:
      return g_strdup (iso);
    }
}

/* Parses a date typed into a field; blank values are handled by the caller. */
static gboolean
parse_field_date (const char   *field_label,
                  const char   *value,
                  gboolean      allow_partial,
                  PartialDate  *date,
                  GError      **error)
{
  if (!check_utf8 (field_label, value, error))
    return FALSE;

  return parse_partial_date (field_label, value, allow_partial, date, error);
}

gboolean
sch_validate_date (const char  *field_label,
                   const char  *value,
                   char       **normalized,
                   GError     **error)
{
  PartialDate date;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!parse_field_date (field_label, value, FALSE, &date, error))
    return FALSE;

  return succeed (normalized, partial_date_to_iso (&date));
}

gboolean
sch_validate_date_of_birth (const char   *field_label,
                            const char   *value,
                            const GDate  *today,
                            char        **normalized,
                            GError      **error)
{
  PartialDate date;
  GDate first, last, now, oldest;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!parse_field_date (field_label, value, TRUE, &date, error))
    return FALSE;

  get_today (today, &now);
  partial_date_get_range (&date, &first, &last);

  /* A partial date is accepted if any day it can mean is plausible. */
  if (g_date_compare (&first, &now) > 0)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The date in “%s” lies in the future. A date of birth must be today or earlier."), field_label);
      return FALSE;
    }

  oldest = now;
  g_date_subtract_years (&oldest, MAX_AGE_YEARS);
  if (g_date_compare (&last, &oldest) < 0)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The date in “%s” is more than %u years ago. Please check the year of birth."),
                   field_label, (guint) MAX_AGE_YEARS);
      return FALSE;
    }

  return succeed (normalized, partial_date_to_iso (&date));
}

gboolean
sch_validate_date_past (const char   *field_label,
                        const char   *value,
                        const GDate  *today,
                        char        **normalized,
                        GError      **error)
{
  PartialDate date;
  GDate day, last, now;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!parse_field_date (field_label, value, FALSE, &date, error))
    return FALSE;

  get_today (today, &now);
  partial_date_get_range (&date, &day, &last);
  if (g_date_compare (&day, &now) > 0)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The date in “%s” lies in the future. It must be today or earlier."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized, partial_date_to_iso (&date));
}

gboolean
sch_validate_date_expiry (const char   *field_label,
                          const char   *value,
                          const GDate  *today,
                          char        **normalized,
                          GError      **error)
{
  PartialDate date;
  GDate day, last, now;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!parse_field_date (field_label, value, FALSE, &date, error))
    return FALSE;

  get_today (today, &now);
  partial_date_get_range (&date, &day, &last);
  if (g_date_compare (&day, &now) <= 0)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_RANGE,
                   _("The date in “%s” must be after today: a document that expires today or earlier is no longer valid."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized, partial_date_to_iso (&date));
}

/* Phone numbers */

static char *
format_swiss_phone (const char *national)
{
  /* national: the 9 digits after +41 or after the leading 0. */
  return g_strdup_printf ("+41 %.2s %.3s %.2s %.2s",
                          national, national + 2, national + 5, national + 7);
}

static gboolean
phone_format_error (const char  *field_label,
                    GError     **error)
{
  g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
               _("The phone number in “%s” is incomplete or too long. Please write it as 071 123 45 67, or with the country code as +41 71 123 45 67."),
               field_label);
  return FALSE;
}

gboolean
sch_validate_phone (const char  *field_label,
                    const char  *value,
                    char       **normalized,
                    GError     **error)
{
  g_autoptr(GString) text = NULL;
  g_autofree char *digits = NULL;
  gboolean international;
  gsize length;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  text = g_string_new (value);
  g_strstrip (text->str);
  g_string_set_size (text, strlen (text->str));

  /* "+41 (0)71 ..." repeats the national trunk prefix for readers at home. */
  g_string_replace (text, "(0)", "", 0);

  international = text->str[0] == '+';
  digits = collect_digits (text->str + (international ? 1 : 0), " .-/()");
  if (digits == NULL)
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                   _("The phone number in “%s” may only contain digits, spaces and the characters +, (, ), -, . and /."),
                   field_label);
      return FALSE;
    }

  /* 00 is how the international prefix is dialled from Switzerland. */
  if (!international && g_str_has_prefix (digits, "00"))
    {
      international = TRUE;
      memmove (digits, digits + 2, strlen (digits + 2) + 1);
    }

  length = strlen (digits);
  if (!international)
    {
      if (length != 10 || digits[0] != '0')
        return phone_format_error (field_label, error);

      return succeed (normalized, format_swiss_phone (digits + 1));
    }

  if (g_str_has_prefix (digits, "41"))
    {
      if (length != 11)
        return phone_format_error (field_label, error);

      return succeed (normalized, format_swiss_phone (digits + 2));
    }

  /* E.164: at most 15 digits including the country code. */
  if (length < 8 || length > 15 || digits[0] == '0')
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The international phone number in “%s” must have 8 to 15 digits after the + and start with the country code, for example +49 30 1234567."),
                   field_label);
      return FALSE;
    }

  return succeed (normalized, g_strconcat ("+", digits, NULL));
}

/* E-mail */

static gboolean
is_valid_domain_label (const char *label)
{
  gsize length = strlen (label);

  if (length == 0 || length > 63 || label[0] == '-' || label[length - 1] == '-')
    return FALSE;

  /* Internationalised domains (müller.ch) are written with their letters. */
  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c != '-' && !g_unichar_isalnum (c) && !is_mark (c))
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_valid_domain (const char *domain)
{
  g_auto(GStrv) labels = g_strsplit (domain, ".", -1);
  guint n_labels = g_strv_length (labels);

  if (n_labels < 2 || strlen (domain) > 253)
    return FALSE;

  for (guint i = 0; i < n_labels; i++)
    {
      if (!is_valid_domain_label (labels[i]))
        return FALSE;
    }

  /* Top-level domains are never numeric. */
  return !all_digits (labels[n_labels - 1]);
}

gboolean
sch_validate_email (const char  *field_label,
                    const char  *value,
                    char       **normalized,
                    GError     **error)
{
  g_autofree char *stripped = NULL;
  g_autofree char *domain = NULL;
  const char *at;

  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (is_blank (value))
    return succeed_empty (normalized);

  if (!check_utf8 (field_label, value, error))
    return FALSE;

  stripped = strip_copy (value);
  for (const char *p = stripped; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        {
          g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_CHARACTERS,
                       _("The e-mail address in “%s” may not contain spaces."),
                       field_label);
          return FALSE;
        }
    }

  at = strchr (stripped, '@');
  if (at == NULL || at == stripped || strchr (at + 1, '@') != NULL ||
      at - stripped > 64 || !is_valid_domain (at + 1))
    {
      g_set_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT,
                   _("The e-mail address in “%s” is not valid. Please write it as name@example.ch."),
                   field_label);
      return FALSE;
    }

  domain = g_utf8_strdown (at + 1, -1);
  return succeed (normalized,
                  g_strdup_printf ("%.*s@%s", (int) (at - stripped), stripped, domain));
}

/* Dispatch */

gboolean
sch_validate (SchValidator   validator,
              const char    *field_label,
              const char    *value,
              const GDate   *today,
              char         **normalized,
              GError       **error)
{
  g_return_val_if_fail (validator >= 0 && validator < SCH_N_VALIDATORS, FALSE);
  g_return_val_if_fail (field_label != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  switch (validator)
    {
    case SCH_VALIDATOR_NONE:
      return sch_validate_text (field_label, value, 0, normalized, error);
    case SCH_VALIDATOR_NAME:
      return sch_validate_name (field_label, value, normalized, error);
    case SCH_VALIDATOR_AHV:
      return sch_validate_ahv (field_label, value, normalized, error);
    case SCH_VALIDATOR_ZEMIS:
      return sch_validate_zemis (field_label, value, normalized, error);
    case SCH_VALIDATOR_UID:
      return sch_validate_uid (field_label, value, normalized, error);
    case SCH_VALIDATOR_POSTAL_CODE:
      return sch_validate_postal_code (field_label, value, normalized, error);
    case SCH_VALIDATOR_MUNICIPALITY:
      return sch_validate_municipality (field_label, value, normalized, error);
    case SCH_VALIDATOR_COUNTRY:
      return sch_validate_country (field_label, value, normalized, error);
    case SCH_VALIDATOR_NATIONALITY:
      return sch_validate_nationality (field_label, value, normalized, error);
    case SCH_VALIDATOR_DATE_OF_BIRTH:
      return sch_validate_date_of_birth (field_label, value, today, normalized, error);
    case SCH_VALIDATOR_DATE:
      return sch_validate_date (field_label, value, normalized, error);
    case SCH_VALIDATOR_DATE_PAST:
      return sch_validate_date_past (field_label, value, today, normalized, error);
    case SCH_VALIDATOR_DATE_EXPIRY:
      return sch_validate_date_expiry (field_label, value, today, normalized, error);
    case SCH_VALIDATOR_PHONE:
      return sch_validate_phone (field_label, value, normalized, error);
    case SCH_VALIDATOR_EMAIL:
      return sch_validate_email (field_label, value, normalized, error);
    case SCH_VALIDATOR_STREET:
      return sch_validate_text (field_label, value, STREET_MAX_LENGTH, normalized, error);
    case SCH_VALIDATOR_HOUSE_NUMBER:
      return sch_validate_text (field_label, value, HOUSE_NUMBER_MAX_LENGTH, normalized, error);
    case SCH_VALIDATOR_TOWN:
      return sch_validate_text (field_label, value, TOWN_MAX_LENGTH, normalized, error);
    case SCH_VALIDATOR_FOREIGN_POSTAL_CODE:
      return sch_validate_text (field_label, value, FOREIGN_POSTAL_CODE_MAX_LENGTH, normalized, error);
    case SCH_VALIDATOR_PERMIT_CATEGORY:
      return sch_validate_permit_category (field_label, value, normalized, error);
    case SCH_VALIDATOR_PASSPORT_NUMBER:
      return sch_validate_passport_number (field_label, value, normalized, error);
    case SCH_VALIDATOR_INTEGER:
      return sch_validate_integer (field_label, value, normalized, error);
    case SCH_VALIDATOR_INVALID:
    case SCH_N_VALIDATORS:
    default:
      break;
    }

  g_assert_not_reached ();
  return FALSE;
}
