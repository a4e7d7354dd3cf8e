#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "sch-refdata.h"
#include "sch-validate.h"

#define LABEL "Field under test"

/* A fixed day so that date tests do not depend on when they run. */
static GDate *
make_today (void)
{
  return g_date_new_dmy (15, G_DATE_JUNE, 2026);
}

static void
assert_valid (SchValidator  validator,
              const char   *value,
              const char   *expected)
{
  g_autoptr(GDate) today = make_today ();
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  gboolean ok;

  ok = sch_validate (validator, LABEL, value, today, &normalized, &error);
  if (!ok)
    g_error ("%s: “%s” was rejected: %s",
             sch_validator_to_string (validator), value, error->message);
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, expected);
}

static void
assert_error (const GError     *error,
              SchValidateError  code)
{
  g_assert_error (error, SCH_VALIDATE_ERROR, (int) code);
  /* The clerk must see which field is wrong. */
  g_assert_nonnull (strstr (error->message, LABEL));
  g_assert_cmpuint (strlen (error->message), >, strlen (LABEL) + 10);
}

static void
assert_invalid (SchValidator      validator,
                const char       *value,
                SchValidateError  code)
{
  g_autoptr(GDate) today = make_today ();
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  gboolean ok;

  ok = sch_validate (validator, LABEL, value, today, &normalized, &error);
  if (ok)
    g_error ("%s: “%s” was accepted as “%s”",
             sch_validator_to_string (validator), value, normalized);
  g_assert_null (normalized);
  assert_error (error, code);
}

static int
ean13_check_digit (const char *digits)
{
  int sum = 0;

  for (int i = 0; i < 12; i++)
    sum += (digits[i] - '0') * (i % 2 == 0 ? 1 : 3);

  return (10 - sum % 10) % 10;
}

/* Returns the mod-11 check digit of eight UID digits, 10 meaning "none". */
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

static void
test_validator_names (void)
{
  for (int i = 0; i < SCH_N_VALIDATORS; i++)
    {
      const char *name = sch_validator_to_string ((SchValidator) i);

      g_assert_nonnull (name);
      g_assert_cmpint (sch_validator_from_string (name), ==, i);
    }

  g_assert_cmpint (sch_validator_from_string ("ahv"), ==, SCH_VALIDATOR_AHV);
  g_assert_cmpint (sch_validator_from_string ("postal-code"), ==, SCH_VALIDATOR_POSTAL_CODE);
  g_assert_cmpint (sch_validator_from_string ("foreign-postal-code"), ==, SCH_VALIDATOR_FOREIGN_POSTAL_CODE);
  g_assert_cmpint (sch_validator_from_string ("date-of-birth"), ==, SCH_VALIDATOR_DATE_OF_BIRTH);
  g_assert_cmpint (sch_validator_from_string ("AHV"), ==, SCH_VALIDATOR_INVALID);
  g_assert_cmpint (sch_validator_from_string ("postal_code"), ==, SCH_VALIDATOR_INVALID);
  g_assert_cmpint (sch_validator_from_string (""), ==, SCH_VALIDATOR_INVALID);
}

static void
test_empty_is_valid (void)
{
  const char *blanks[] = { NULL, "", "   ", "\t", " \u00a0 " };

  for (int i = 0; i < SCH_N_VALIDATORS; i++)
    {
      for (guint j = 0; j < G_N_ELEMENTS (blanks); j++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *normalized = NULL;

          g_assert_true (sch_validate ((SchValidator) i, LABEL, blanks[j], NULL,
                                       &normalized, &error));
          g_assert_no_error (error);
          g_assert_cmpstr (normalized, ==, "");
        }
    }
}

static void
test_required (void)
{
  const char *blanks[] = { NULL, "", "  ", "\t\n" };

  for (guint i = 0; i < G_N_ELEMENTS (blanks); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (sch_validate_required (LABEL, blanks[i], &error));
      assert_error (error, SCH_VALIDATE_ERROR_REQUIRED);
    }

  g_assert_true (sch_validate_required (LABEL, "x", NULL));
  g_assert_true (sch_validate_required (LABEL, " 0 ", NULL));
}

static void
test_ahv (void)
{
  g_autofree char *wrong_prefix = NULL;

  assert_valid (SCH_VALIDATOR_AHV, "756.1234.5678.97", "756.1234.5678.97");
  assert_valid (SCH_VALIDATOR_AHV, "7561234567897", "756.1234.5678.97");
  assert_valid (SCH_VALIDATOR_AHV, " 756 1234 5678 97 ", "756.1234.5678.97");
  assert_valid (SCH_VALIDATOR_AHV, "756.12345678.97", "756.1234.5678.97");

  /* Every other check digit is wrong. */
  for (char c = '0'; c <= '9'; c++)
    {
      g_autofree char *value = g_strdup_printf ("756.1234.5678.9%c", c);

      if (c != '7')
        assert_invalid (SCH_VALIDATOR_AHV, value, SCH_VALIDATE_ERROR_CHECK_DIGIT);
    }
  /* A typo in the middle is caught too. */
  assert_invalid (SCH_VALIDATOR_AHV, "756.1234.5679.97", SCH_VALIDATE_ERROR_CHECK_DIGIT);

  assert_invalid (SCH_VALIDATOR_AHV, "756.1234.5678.9", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_AHV, "756.1234.5678.977", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_AHV, "756.1234.5678.9A", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_AHV, "756-1234-5678-97", SCH_VALIDATE_ERROR_FORMAT);

  /* A well-formed EAN-13 that is not an AHV number: wrong prefix, not
   * wrong check digit. */
  wrong_prefix = g_strdup_printf ("757123456789%d", ean13_check_digit ("757123456789"));
  assert_invalid (SCH_VALIDATOR_AHV, wrong_prefix, SCH_VALIDATE_ERROR_FORMAT);
}

static void
test_zemis (void)
{
  assert_valid (SCH_VALIDATOR_ZEMIS, "12345678.9", "12345678.9");
  assert_valid (SCH_VALIDATOR_ZEMIS, "012345678.9", "12345678.9");
  assert_valid (SCH_VALIDATOR_ZEMIS, "012.345.678.9", "12345678.9");
  assert_valid (SCH_VALIDATOR_ZEMIS, " 1234 5678 9 ", "12345678.9");
  assert_valid (SCH_VALIDATOR_ZEMIS, "123456789", "12345678.9");

  assert_invalid (SCH_VALIDATOR_ZEMIS, "1234567.8", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_ZEMIS, "112345678.9", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_ZEMIS, "0012345678.9", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_ZEMIS, "12345678.A", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_ZEMIS, "12345678-9", SCH_VALIDATE_ERROR_FORMAT);
}

static void
test_uid (void)
{
  char base[9] = "12345678";
  g_autofree char *computed = NULL;
  g_autofree char *expected = NULL;
  gboolean found_no_check_digit = FALSE;

  /* The public UID of a federal office, and its other spellings. */
  g_assert_cmpint (uid_check_digit ("10932255"), ==, 1);
  assert_valid (SCH_VALIDATOR_UID, "CHE-109.322.551", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "CHE109322551", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "che-109.322.551", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "CHE-109.322.551 MWST", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "CHE-109.322.551 TVA", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "CHE-109.322.551 IVA", "CHE-109.322.551");
  assert_valid (SCH_VALIDATOR_UID, "CHE 109 322 551", "CHE-109.322.551");

  computed = g_strdup_printf ("CHE-123.456.78%d", uid_check_digit (base));
  expected = g_strdup (computed);
  assert_valid (SCH_VALIDATOR_UID, computed, expected);

  assert_invalid (SCH_VALIDATOR_UID, "CHE-109.322.552", SCH_VALIDATE_ERROR_CHECK_DIGIT);
  assert_invalid (SCH_VALIDATOR_UID, "CHE-109.322.55", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_UID, "CHE-109.322.5511", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_UID, "ABC-109.322.551", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_UID, "CHE-109.322.551 XYZ", SCH_VALIDATE_ERROR_FORMAT);

  /* Numbers whose check digit would be 10 are never issued: no final digit
   * makes them valid. */
  for (int n = 10000000; n < 10000100 && !found_no_check_digit; n++)
    {
      g_snprintf (base, sizeof base, "%d", n);
      if (uid_check_digit (base) != 10)
        continue;

      found_no_check_digit = TRUE;
      for (int last = 0; last <= 9; last++)
        {
          g_autofree char *value = g_strdup_printf ("CHE-%.3s.%.3s.%.2s%d",
                                                    base, base + 3, base + 6, last);

          assert_invalid (SCH_VALIDATOR_UID, value, SCH_VALIDATE_ERROR_CHECK_DIGIT);
        }
    }
  g_assert_true (found_no_check_digit);
}

static void
test_postal_code (void)
{
  assert_valid (SCH_VALIDATOR_POSTAL_CODE, "1000", "1000");
  assert_valid (SCH_VALIDATOR_POSTAL_CODE, "9999", "9999");
  assert_valid (SCH_VALIDATOR_POSTAL_CODE, " 9000 ", "9000");

  assert_invalid (SCH_VALIDATOR_POSTAL_CODE, "999", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_POSTAL_CODE, "0999", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_POSTAL_CODE, "10000", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_POSTAL_CODE, "90a0", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_POSTAL_CODE, "D-78462", SCH_VALIDATE_ERROR_FORMAT);

  assert_valid (SCH_VALIDATOR_FOREIGN_POSTAL_CODE, "SW1A 1AA", "SW1A 1AA");
  assert_valid (SCH_VALIDATOR_FOREIGN_POSTAL_CODE, "123456789012345", "123456789012345");
  assert_invalid (SCH_VALIDATOR_FOREIGN_POSTAL_CODE, "1234567890123456", SCH_VALIDATE_ERROR_TOO_LONG);
}

static void
test_municipality (void)
{
  const guint examples[] = { 3203, 3340, 3427, 3443, 3215, 3271, 3402 };
  const SchMunicipality *municipalities;
  const SchMunicipality *st_gallen;
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = 0;

  assert_valid (SCH_VALIDATOR_MUNICIPALITY, "3203", "3203");
  assert_valid (SCH_VALIDATOR_MUNICIPALITY, " 3340 ", "3340");
  assert_invalid (SCH_VALIDATOR_MUNICIPALITY, "9999", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_MUNICIPALITY, "261", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_MUNICIPALITY, "St. Gallen", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_MUNICIPALITY, "32030", SCH_VALIDATE_ERROR_FORMAT);

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++)
    {
      g_autofree char *value = g_strdup_printf ("%u", examples[i]);

      assert_valid (SCH_VALIDATOR_MUNICIPALITY, value, value);
    }

  st_gallen = sch_refdata_lookup_municipality (3203);
  g_assert_nonnull (st_gallen);
  g_assert_cmpstr (st_gallen->name, ==, "St. Gallen");
  g_assert_cmpstr (st_gallen->canton, ==, "SG");
  g_assert_cmpstr (sch_refdata_lookup_municipality (3340)->name, ==, "Rapperswil-Jona");
  g_assert_null (sch_refdata_lookup_municipality (0));
  /* Merged into Neckertal (3396) in 2023. */
  g_assert_null (sch_refdata_lookup_municipality (3372));
  g_assert_null (sch_refdata_lookup_municipality (3375));
  g_assert_null (sch_refdata_lookup_municipality (3378));

  municipalities = sch_refdata_get_municipalities (&n);
  g_assert_cmpuint (n, ==, 75);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (municipalities[i].bfs, >=, 3201);
      g_assert_cmpuint (municipalities[i].bfs, <=, 3444);
      g_assert_cmpstr (municipalities[i].canton, ==, "SG");
      g_assert_cmpstr (municipalities[i].name, !=, "");
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (municipalities[i].bfs)));
      g_hash_table_add (seen, GUINT_TO_POINTER (municipalities[i].bfs));
    }
}

static void
test_country (void)
{
  const SchCountry *countries;
  const SchCountry *italy;
  const SchCountry *switzerland;
  guint n = 0;

  assert_valid (SCH_VALIDATOR_COUNTRY, "it", "IT");
  assert_valid (SCH_VALIDATOR_COUNTRY, "IT", "IT");
  assert_valid (SCH_VALIDATOR_COUNTRY, " ch ", "CH");
  assert_valid (SCH_VALIDATOR_COUNTRY, "XK", "XK");
  assert_invalid (SCH_VALIDATOR_COUNTRY, "XX", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_COUNTRY, "ITA", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_COUNTRY, "I", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_COUNTRY, "1T", SCH_VALIDATE_ERROR_FORMAT);
  /* Only a nationality can be "stateless" or "unknown". */
  assert_invalid (SCH_VALIDATOR_COUNTRY, "stateless", SCH_VALIDATE_ERROR_FORMAT);

  assert_valid (SCH_VALIDATOR_NATIONALITY, "it", "IT");
  assert_valid (SCH_VALIDATOR_NATIONALITY, "stateless", SCH_NATIONALITY_STATELESS);
  assert_valid (SCH_VALIDATOR_NATIONALITY, " Unknown ", SCH_NATIONALITY_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_NATIONALITY, "XX", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_NATIONALITY, "staatenlos", SCH_VALIDATE_ERROR_FORMAT);

  italy = sch_refdata_lookup_country ("it");
  g_assert_nonnull (italy);
  g_assert_cmpstr (italy->iso2, ==, "IT");
  g_assert_cmpuint (italy->bfs, ==, 8218);
  g_assert_cmpstr (sch_country_get_name (italy, "en"), ==, "Italy");
  g_assert_cmpstr (sch_country_get_name (italy, "de"), ==, "Italien");
  g_assert_cmpstr (sch_country_get_name (italy, "fr"), ==, "Italie");
  g_assert_cmpstr (sch_country_get_name (italy, "it"), ==, "Italia");

  switzerland = sch_refdata_lookup_country_bfs (8100);
  g_assert_nonnull (switzerland);
  g_assert_cmpstr (switzerland->iso2, ==, "CH");
  g_assert_cmpstr (sch_country_get_name (switzerland, "de"), ==, "Schweiz");
  g_assert_cmpuint (sch_refdata_lookup_country ("DE")->bfs, ==, 8207);
  g_assert_cmpuint (sch_refdata_lookup_country ("FR")->bfs, ==, 8212);
  g_assert_cmpuint (sch_refdata_lookup_country ("AT")->bfs, ==, 8229);
  g_assert_cmpuint (sch_refdata_lookup_country ("LI")->bfs, ==, 8222);
  g_assert_null (sch_refdata_lookup_country_bfs (0));
  g_assert_null (sch_refdata_lookup_country ("XX"));

  countries = sch_refdata_get_countries (&n);
  g_assert_cmpuint (n, >=, 249);
  for (guint i = 0; i < n; i++)
    {
      g_assert_cmpuint (strlen (countries[i].iso2), ==, 2);
      g_assert_cmpstr (countries[i].name_en, !=, "");
      g_assert_cmpstr (countries[i].name_de, !=, "");
      g_assert_cmpstr (countries[i].name_fr, !=, "");
      g_assert_cmpstr (countries[i].name_it, !=, "");
      if (i > 0)
        {
          g_autofree char *previous = g_utf8_casefold (countries[i - 1].name_en, -1);
          g_autofree char *current = g_utf8_casefold (countries[i].name_en, -1);

          g_assert_cmpstr (previous, <, current);
        }
    }
}

static void
test_permit_category (void)
{
  const char *codes[] = {
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13",
    "0201", "0202", "0301", "0302", "0401", "0402", "0503", "0601", "0602",
    "0701", "0702", "0804", "0905", "1006", "1107", "1208", "1300",
    "070101", "070201", "070102", "070202", "070104", "070204",
  };
  const SchPermitCategory *b;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    assert_valid (SCH_VALIDATOR_PERMIT_CATEGORY, codes[i], codes[i]);

  assert_valid (SCH_VALIDATOR_PERMIT_CATEGORY, " 0201 ", "0201");
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "14", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "0203", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "070103", SCH_VALIDATE_ERROR_UNKNOWN);
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "2", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "020", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PERMIT_CATEGORY, "B", SCH_VALIDATE_ERROR_FORMAT);

  b = sch_refdata_lookup_permit ("02");
  g_assert_nonnull (b);
  g_assert_nonnull (strstr (sch_permit_category_get_name (b, "de"), "Aufenthaltsbewilligung"));
  g_assert_nonnull (strstr (sch_permit_category_get_name (b, "en"), "B"));
  sch_refdata_get_permits (&n);
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (codes));
}

static void
test_date (void)
{
  assert_valid (SCH_VALIDATOR_DATE, "31.12.1990", "1990-12-31");
  assert_valid (SCH_VALIDATOR_DATE, "1.2.1990", "1990-02-01");
  assert_valid (SCH_VALIDATOR_DATE, " 01. 02. 1990 ", "1990-02-01");
  assert_valid (SCH_VALIDATOR_DATE, "1990-12-31", "1990-12-31");
  assert_valid (SCH_VALIDATOR_DATE, "29.02.2024", "2024-02-29");
  assert_valid (SCH_VALIDATOR_DATE, "29.02.2000", "2000-02-29");
  assert_valid (SCH_VALIDATOR_DATE, "30.04.2020", "2020-04-30");
  assert_valid (SCH_VALIDATOR_DATE, "1.1.2100", "2100-01-01");

  assert_invalid (SCH_VALIDATOR_DATE, "29.02.2023", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "29.02.1900", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "31.04.2020", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "31.02.1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "32.01.2000", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "00.01.2000", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "01.13.2000", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "31.12.90", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "12.1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "31/12/1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "31.12.1990.1", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "tomorrow", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE, "1990-12-31x", SCH_VALIDATE_ERROR_FORMAT);
}

static void
test_date_two_digit_year (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sch_validate_date (LABEL, "31.12.90", NULL, &error));
  assert_error (error, SCH_VALIDATE_ERROR_FORMAT);
  /* The message says what to do about it. */
  g_assert_nonnull (strstr (error->message, "four"));
}

static void
test_date_of_birth (void)
{
  /* Today is 15.06.2026. */
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "31.12.1990", "1990-12-31");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "12.1990", "1990-12");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "1990", "1990");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "1990-12", "1990-12");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "29.02.2024", "2024-02-29");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "15.06.2026", "2026-06-15");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "06.2026", "2026-06");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "2026", "2026");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "15.06.1906", "1906-06-15");
  assert_valid (SCH_VALIDATOR_DATE_OF_BIRTH, "1906", "1906");

  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "16.06.2026", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "07.2026", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "2027", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "14.06.1906", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "15.06.1905", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "1905", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "29.02.2023", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "13.1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "00.1990", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_DATE_OF_BIRTH, "90", SCH_VALIDATE_ERROR_FORMAT);
}

static void
test_date_past_and_expiry (void)
{
  /* Today is 15.06.2026. */
  assert_valid (SCH_VALIDATOR_DATE_PAST, "15.06.2026", "2026-06-15");
  assert_valid (SCH_VALIDATOR_DATE_PAST, "1.1.2020", "2020-01-01");
  assert_invalid (SCH_VALIDATOR_DATE_PAST, "16.06.2026", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_PAST, "2020", SCH_VALIDATE_ERROR_FORMAT);

  assert_valid (SCH_VALIDATOR_DATE_EXPIRY, "16.06.2026", "2026-06-16");
  assert_valid (SCH_VALIDATOR_DATE_EXPIRY, "2031-06-14", "2031-06-14");
  assert_invalid (SCH_VALIDATOR_DATE_EXPIRY, "15.06.2026", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_EXPIRY, "1.1.2020", SCH_VALIDATE_ERROR_RANGE);
  assert_invalid (SCH_VALIDATOR_DATE_EXPIRY, "06.2031", SCH_VALIDATE_ERROR_FORMAT);
}

static void
test_date_real_today (void)
{
  g_autoptr(GError) error = NULL;

  /* Without a fixed day the validators use the real one. */
  g_assert_true (sch_validate_date_of_birth (LABEL, "1.1.1990", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (sch_validate_date_of_birth (LABEL, "1.1.9999", NULL, NULL, &error));
  assert_error (error, SCH_VALIDATE_ERROR_RANGE);
  g_clear_error (&error);
  g_assert_false (sch_validate_date_expiry (LABEL, "1.1.2000", NULL, NULL, &error));
  assert_error (error, SCH_VALIDATE_ERROR_RANGE);
}

static void
test_parse_and_format_date (void)
{
  struct {
    const char *value;
    gboolean    partial;
    const char *iso;
  } cases[] = {
    { "31.12.1990", FALSE, "1990-12-31" },
    { "1.2.1990", FALSE, "1990-02-01" },
    { "1990-12-31", FALSE, "1990-12-31" },
    { "12.1990", TRUE, "1990-12" },
    { "1990", TRUE, "1990" },
    { "12.1990", FALSE, NULL },
    { "1990", FALSE, NULL },
    { "31.02.1990", TRUE, NULL },
    { "31.12.90", TRUE, NULL },
    { "", TRUE, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *iso = NULL;
      gboolean ok = sch_parse_date (cases[i].value, cases[i].partial, &iso, &error);

      g_assert_cmpstr (iso, ==, cases[i].iso);
      if (cases[i].iso != NULL)
        {
          g_assert_true (ok);
          g_assert_no_error (error);
        }
      else
        {
          g_assert_false (ok);
          g_assert_error (error, SCH_VALIDATE_ERROR, SCH_VALIDATE_ERROR_FORMAT);
        }
    }

  {
    g_autofree char *full = sch_format_date ("1990-12-31");
    g_autofree char *month = sch_format_date ("1990-02");
    g_autofree char *year = sch_format_date ("1990");
    /* Not ISO dates: shown as they are. */
    g_autofree char *not_iso = sch_format_date ("next week");
    g_autofree char *not_a_date = sch_format_date ("ab-cd");

    g_assert_cmpstr (full, ==, "31.12.1990");
    g_assert_cmpstr (month, ==, "02.1990");
    g_assert_cmpstr (year, ==, "1990");
    g_assert_cmpstr (not_iso, ==, "next week");
    g_assert_cmpstr (not_a_date, ==, "ab-cd");
  }
}

static void
test_name_valid (void)
{
  struct {
    const char *value;
    const char *expected;
  } cases[] = {
    { "Müller", "Müller" },
    { "N'Diaye", "N'Diaye" },
    { "Jean-Luc", "Jean-Luc" },
    { "Ólafsdóttir", "Ólafsdóttir" },
    /* Typed with combining marks (e + circumflex + tilde), stored composed. */
    { "Nguye\u0302\u0303n", "Nguy\u1ec5n" },
    { "Σωκράτης", "Σωκράτης" },
    { "Иванова", "Иванова" },
    { "李", "李" },
    { "O’Brien", "O’Brien" },
    { "St. John", "St. John" },
    { "  Anna   Maria  ", "Anna Maria" },
    { "Anna\u00a0Maria", "Anna Maria" },
    /* Persian spelling uses the zero-width non-joiner. */
    { "علی\u200cرضا", "علی\u200cرضا" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    assert_valid (SCH_VALIDATOR_NAME, cases[i].value, cases[i].expected);
}

static void
test_name_invalid (void)
{
  g_autoptr(GString) long_name = g_string_new (NULL);
  g_autoptr(GString) umlauts = g_string_new (NULL);
  g_autoptr(GString) decomposed = g_string_new (NULL);

  assert_invalid (SCH_VALIDATOR_NAME, "Müller2", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Louis XIV 14", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna\tMaria", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna\nMaria", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna\x01", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna\u200bMaria", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna\u200e", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna@Maria", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Anna/Maria", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "Müller\xff", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NAME, "- .", SCH_VALIDATE_ERROR_FORMAT);

  /* The limit counts characters, not bytes, after composition. */
  for (int i = 0; i < 100; i++)
    {
      g_string_append_c (long_name, 'a');
      g_string_append (umlauts, "ä");
      g_string_append (decomposed, "a\u0308");
    }
  assert_valid (SCH_VALIDATOR_NAME, long_name->str, long_name->str);
  assert_valid (SCH_VALIDATOR_NAME, umlauts->str, umlauts->str);
  assert_valid (SCH_VALIDATOR_NAME, decomposed->str, umlauts->str);

  g_string_append_c (long_name, 'a');
  assert_invalid (SCH_VALIDATOR_NAME, long_name->str, SCH_VALIDATE_ERROR_TOO_LONG);
  g_string_append (umlauts, "ä");
  assert_invalid (SCH_VALIDATOR_NAME, umlauts->str, SCH_VALIDATE_ERROR_TOO_LONG);
}

static void
test_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *normalized = NULL;
  g_autofree char *street = g_strnfill (60, 'x');
  g_autofree char *long_street = g_strnfill (61, 'x');
  g_autofree char *town = g_strnfill (40, 'y');
  g_autofree char *long_town = g_strnfill (41, 'y');
  g_autofree char *house = g_strnfill (12, '1');
  g_autofree char *long_house = g_strnfill (13, '1');

  assert_valid (SCH_VALIDATOR_NONE, "  Free text, 12 € & more ", "Free text, 12 € & more");
  assert_valid (SCH_VALIDATOR_NONE, "Cafe\u0301", "Café");
  assert_invalid (SCH_VALIDATOR_NONE, "one\ttwo", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NONE, "one\x01two", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NONE, "one\ntwo", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_NONE, "bad \xc3", SCH_VALIDATE_ERROR_CHARACTERS);

  assert_valid (SCH_VALIDATOR_STREET, "Bahnhofstrasse", "Bahnhofstrasse");
  assert_valid (SCH_VALIDATOR_STREET, street, street);
  assert_invalid (SCH_VALIDATOR_STREET, long_street, SCH_VALIDATE_ERROR_TOO_LONG);
  assert_valid (SCH_VALIDATOR_TOWN, town, town);
  assert_invalid (SCH_VALIDATOR_TOWN, long_town, SCH_VALIDATE_ERROR_TOO_LONG);
  assert_valid (SCH_VALIDATOR_HOUSE_NUMBER, "12a", "12a");
  assert_valid (SCH_VALIDATOR_HOUSE_NUMBER, house, house);
  assert_invalid (SCH_VALIDATOR_HOUSE_NUMBER, long_house, SCH_VALIDATE_ERROR_TOO_LONG);

  /* The dwelling number (eCH-0010: 10 characters) uses the text check. */
  g_assert_true (sch_validate_text (LABEL, "1234567890", 10, &normalized, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (normalized, ==, "1234567890");
  g_assert_false (sch_validate_text (LABEL, "12345678901", 10, NULL, &error));
  assert_error (error, SCH_VALIDATE_ERROR_TOO_LONG);
}

static void
test_phone (void)
{
  assert_valid (SCH_VALIDATOR_PHONE, "071 123 45 67", "+41 71 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "0791234567", "+41 79 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "079-123.45.67", "+41 79 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "(071) 123 45 67", "+41 71 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "+41 79 123 45 67", "+41 79 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "+41 (0)79 123 45 67", "+41 79 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "0041 79 123 45 67", "+41 79 123 45 67");
  assert_valid (SCH_VALIDATOR_PHONE, "+49 30 1234567", "+49301234567");
  assert_valid (SCH_VALIDATOR_PHONE, "+1 (212) 555-0100", "+12125550100");
  assert_valid (SCH_VALIDATOR_PHONE, "0039 06 1234 5678", "+390612345678");

  assert_invalid (SCH_VALIDATOR_PHONE, "071 123 45 6", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "071 123 45 678", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "+41 79 123 45 678", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "123 45 67", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "+49 123", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "+1234567890123456", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PHONE, "079 ABC 45 67", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_PHONE, "079 123 45 67 +", SCH_VALIDATE_ERROR_CHARACTERS);
}

static void
test_email (void)
{
  assert_valid (SCH_VALIDATOR_EMAIL, "anna.muster@example.ch", "anna.muster@example.ch");
  assert_valid (SCH_VALIDATOR_EMAIL, " Anna.Muster@Example.CH ", "Anna.Muster@example.ch");
  assert_valid (SCH_VALIDATOR_EMAIL, "a+b@sub.example.org", "a+b@sub.example.org");
  assert_valid (SCH_VALIDATOR_EMAIL, "info@MÜLLER.ch", "info@müller.ch");

  assert_invalid (SCH_VALIDATOR_EMAIL, "anna", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "@example.ch", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@example", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "a@b@example.ch", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@example..ch", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@-example.ch", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@example.123", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "anna@exa_mple.ch", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_EMAIL, "an na@example.ch", SCH_VALIDATE_ERROR_CHARACTERS);
}

static void
test_passport_number (void)
{
  g_autofree char *longest = g_strnfill (20, 'A');
  g_autofree char *too_long = g_strnfill (21, 'A');

  assert_valid (SCH_VALIDATOR_PASSPORT_NUMBER, "X1234567", "X1234567");
  assert_valid (SCH_VALIDATOR_PASSPORT_NUMBER, " x123 4567 ", "X1234567");
  assert_valid (SCH_VALIDATOR_PASSPORT_NUMBER, "12345", "12345");
  assert_valid (SCH_VALIDATOR_PASSPORT_NUMBER, longest, longest);

  assert_invalid (SCH_VALIDATOR_PASSPORT_NUMBER, "1234", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_PASSPORT_NUMBER, too_long, SCH_VALIDATE_ERROR_TOO_LONG);
  assert_invalid (SCH_VALIDATOR_PASSPORT_NUMBER, "AB-12345", SCH_VALIDATE_ERROR_CHARACTERS);
  assert_invalid (SCH_VALIDATOR_PASSPORT_NUMBER, "ÄB12345", SCH_VALIDATE_ERROR_CHARACTERS);
}

static void
test_integer (void)
{
  assert_valid (SCH_VALIDATOR_INTEGER, "80", "80");
  assert_valid (SCH_VALIDATOR_INTEGER, " 100 ", "100");
  assert_valid (SCH_VALIDATOR_INTEGER, "007", "7");
  assert_valid (SCH_VALIDATOR_INTEGER, "0", "0");
  assert_valid (SCH_VALIDATOR_INTEGER, "120000", "120000");

  assert_invalid (SCH_VALIDATOR_INTEGER, "8.5", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_INTEGER, "-5", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_INTEGER, "1'000", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_INTEGER, "80%", SCH_VALIDATE_ERROR_FORMAT);
  assert_invalid (SCH_VALIDATOR_INTEGER, "9999999999999999", SCH_VALIDATE_ERROR_RANGE);
}

static void
test_single_functions (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ahv = NULL;
  g_autofree char *zemis = NULL;

  /* The dispatcher and the single functions agree; NULL @normalized is fine. */
  g_assert_true (sch_validate_ahv (LABEL, "7561234567897", &ahv, &error));
  g_assert_cmpstr (ahv, ==, "756.1234.5678.97");
  g_assert_true (sch_validate_zemis (LABEL, "012.345.678.9", &zemis, &error));
  g_assert_cmpstr (zemis, ==, "12345678.9");
  g_assert_true (sch_validate_uid (LABEL, "CHE-109.322.551", NULL, &error));
  g_assert_true (sch_validate_email (LABEL, "a@b.ch", NULL, &error));
  g_assert_true (sch_validate_name (LABEL, "Müller", NULL, &error));
  g_assert_no_error (error);

  g_assert_false (sch_validate_ahv (LABEL, "756.1234.5678.98", NULL, NULL));
}

static void
test_ui_language (void)
{
  const struct {
    const char *language;
    const char *expected;
    const char *switzerland;
  } cases[] = {
    { "de_CH", "de", "Schweiz" },
    { "fr_CH.UTF-8:de", "fr", "Suisse" },
    { "it", "it", "Svizzera" },
    { "dsb:it_CH", "it", "Svizzera" },
    { "pt_BR", "en", "Switzerland" },
  };
  const SchCountry *switzerland = sch_refdata_lookup_country ("CH");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_setenv ("LANGUAGE", cases[i].language, TRUE);
      g_setenv ("LC_ALL", "C", TRUE);
      g_assert_cmpstr (sch_ui_language (), ==, cases[i].expected);
      g_assert_cmpstr (sch_country_get_name (switzerland, NULL), ==, cases[i].switzerland);
    }
}

/* Runs the current test again in a subprocess whose config folder holds @json as the
 * office's municipality list (the list is read once per process). */
static void
run_with_municipality_file (const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_dir_make_tmp ("sch-municipalities-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (home, "schalter", NULL);
  g_autofree char *file = g_build_filename (dir, "municipalities.json", NULL);
  g_autofree char *old_home = g_strdup (g_getenv ("XDG_CONFIG_HOME"));

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, json, -1, &error));

  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_setenv ("XDG_CONFIG_HOME", old_home, TRUE);

  g_unlink (file);
  g_rmdir (dir);
  g_rmdir (home);
}

/* After a merger, the office's list names the new municipality and no
 * longer the old ones. */
static void
test_municipality_override (void)
{
  if (g_test_subprocess ())
    {
      assert_valid (SCH_VALIDATOR_MUNICIPALITY, "3399", "3399");
      g_assert_cmpstr (sch_refdata_lookup_municipality (3399)->name, ==, "Neudorf am See");
      assert_invalid (SCH_VALIDATOR_MUNICIPALITY, "3340", SCH_VALIDATE_ERROR_UNKNOWN);
      return;
    }

  run_with_municipality_file ("[{\"bfs\": 3203, \"name\": \"St. Gallen\", \"canton\": \"SG\"},"
                              " {\"bfs\": 3399, \"name\": \"Neudorf am See\", \"canton\": \"SG\"}]");
  g_test_trap_assert_passed ();
}

/* A broken list is named in the log and the built-in one is used. */
static void
test_municipality_override_broken (void)
{
  if (g_test_subprocess ())
    {
      g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL);
      assert_valid (SCH_VALIDATOR_MUNICIPALITY, "3340", "3340");
      return;
    }

  run_with_municipality_file ("[{\"bfs\": 3203, \"name\": \"St. Gallen\"}, {\"name\": \"Nowhere\"}]");
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*municipalities.json is not used: entry 1 needs a \"bfs\" number*");
}

static void
test_date_of_date_time (void)
{
  /* Central European winter time, without needing the tz database. */
  g_autoptr(GTimeZone) zurich = g_time_zone_new_offset (3600);
  g_autoptr(GDateTime) utc = g_date_time_new_utc (2026, 2, 28, 23, 30, 0);
  g_autoptr(GDateTime) local = NULL;
  GDate date;

  local = g_date_time_to_timezone (utc, zurich);

  /* Half past midnight in Zurich is already 1 March there: the day of
   * the time as given, not of UTC. */
  sch_date_set_date_time (&date, local);
  g_assert_cmpint (g_date_get_day (&date), ==, 1);
  g_assert_cmpint (g_date_get_month (&date), ==, G_DATE_MARCH);
  g_assert_cmpint (g_date_get_year (&date), ==, 2026);
  g_assert_false (sch_is_minor ("01.03.2008", &date));

  sch_date_set_date_time (&date, utc);
  g_assert_cmpint (g_date_get_day (&date), ==, 28);
  g_assert_true (sch_is_minor ("01.03.2008", &date));
}

static void
test_is_minor (void)
{
  g_autoptr(GDate) before_march = g_date_new_dmy (28, G_DATE_FEBRUARY, 2026);
  g_autoptr(GDate) first_of_march = g_date_new_dmy (1, G_DATE_MARCH, 2026);

  /* Of age on the 18th birthday, not the day before. */
  g_assert_true (sch_is_minor ("01.03.2008", before_march));
  g_assert_false (sch_is_minor ("01.03.2008", first_of_march));
  g_assert_false (sch_is_minor ("2008-02-28", before_march));
  /* Born on 29 February: of age on 1 March when the year has no leap day. */
  g_assert_true (sch_is_minor ("29.02.2008", before_march));
  g_assert_false (sch_is_minor ("29.02.2008", first_of_march));
  /* Partial dates count from the last day they can mean. */
  g_assert_true (sch_is_minor ("2008", first_of_march));
  g_assert_true (sch_is_minor ("03.2008", first_of_march));
  g_assert_false (sch_is_minor ("02.2008", first_of_march));
  g_assert_false (sch_is_minor ("2007", first_of_march));
  /* What cannot be read is not taken for a minor's date. */
  g_assert_false (sch_is_minor ("", first_of_march));
  g_assert_false (sch_is_minor ("31.02.2010", first_of_march));
  g_assert_false (sch_is_minor ("soon", first_of_march));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/validate/names", test_validator_names);
  g_test_add_func ("/validate/empty", test_empty_is_valid);
  g_test_add_func ("/validate/required", test_required);
  g_test_add_func ("/validate/ahv", test_ahv);
  g_test_add_func ("/validate/zemis", test_zemis);
  g_test_add_func ("/validate/uid", test_uid);
  g_test_add_func ("/validate/postal-code", test_postal_code);
  g_test_add_func ("/validate/municipality", test_municipality);
  g_test_add_func ("/validate/municipality-override", test_municipality_override);
  g_test_add_func ("/validate/municipality-override-broken", test_municipality_override_broken);
  g_test_add_func ("/validate/country", test_country);
  g_test_add_func ("/validate/permit-category", test_permit_category);
  g_test_add_func ("/validate/date", test_date);
  g_test_add_func ("/validate/date/two-digit-year", test_date_two_digit_year);
  g_test_add_func ("/validate/date/birth", test_date_of_birth);
  g_test_add_func ("/validate/date/past-and-expiry", test_date_past_and_expiry);
  g_test_add_func ("/validate/date/real-today", test_date_real_today);
  g_test_add_func ("/validate/date/parse-and-format", test_parse_and_format_date);
  g_test_add_func ("/validate/date/minor", test_is_minor);
  g_test_add_func ("/validate/date/of-date-time", test_date_of_date_time);
  g_test_add_func ("/validate/name/valid", test_name_valid);
  g_test_add_func ("/validate/name/invalid", test_name_invalid);
  g_test_add_func ("/validate/text", test_text);
  g_test_add_func ("/validate/phone", test_phone);
  g_test_add_func ("/validate/email", test_email);
  g_test_add_func ("/validate/passport-number", test_passport_number);
  g_test_add_func ("/validate/integer", test_integer);
  g_test_add_func ("/validate/single-functions", test_single_functions);
  g_test_add_func ("/validate/ui-language", test_ui_language);

  return g_test_run ();
}
