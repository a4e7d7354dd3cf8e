/* Validation of the values a clerk types. No GTK. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define SCH_VALIDATE_ERROR (sch_validate_error_quark ())
GQuark sch_validate_error_quark (void);

typedef enum {
  SCH_VALIDATE_ERROR_REQUIRED,     /* empty but required */
  SCH_VALIDATE_ERROR_FORMAT,       /* wrong shape: letters in a number, bad date, ... */
  SCH_VALIDATE_ERROR_CHECK_DIGIT,  /* shape fine, check digit wrong */
  SCH_VALIDATE_ERROR_RANGE,        /* out of range: future birth date, postal code 0999 */
  SCH_VALIDATE_ERROR_TOO_LONG,     /* longer than the eCH limit */
  SCH_VALIDATE_ERROR_UNKNOWN,      /* not in the code list: municipality, country */
  SCH_VALIDATE_ERROR_CHARACTERS,   /* characters not allowed (control characters, digits in names) */
} SchValidateError;

/* Validator names as written in catalog files ("ahv", "zemis", ...). */
typedef enum {
  SCH_VALIDATOR_INVALID = -1,
  SCH_VALIDATOR_NONE = 0,        /* free text, no control characters */
  SCH_VALIDATOR_NAME,            /* eCH-0011 name, 1-100 characters */
  SCH_VALIDATOR_AHV,             /* 756.XXXX.XXXX.XC, EAN-13 check */
  SCH_VALIDATOR_ZEMIS,           /* NNNNNNNN.N, normalised */
  SCH_VALIDATOR_UID,             /* CHE-123.456.789, mod 11 */
  SCH_VALIDATOR_POSTAL_CODE,     /* Swiss, 1000-9999 */
  SCH_VALIDATOR_MUNICIPALITY,    /* BFS number from the municipality list */
  SCH_VALIDATOR_COUNTRY,         /* ISO 3166 alpha-2 with a BFS code */
  SCH_VALIDATOR_DATE_OF_BIRTH,   /* full, month-year or year; not future; plausible age */
  SCH_VALIDATOR_DATE,            /* any full date */
  SCH_VALIDATOR_DATE_PAST,       /* full date not after today (entry date, ...) */
  SCH_VALIDATOR_DATE_EXPIRY,     /* full date after today (passport, permit expiry) */
  SCH_VALIDATOR_PHONE,           /* E.164 or Swiss national format */
  SCH_VALIDATOR_EMAIL,
  SCH_VALIDATOR_STREET,          /* eCH-0010: <= 60 */
  SCH_VALIDATOR_HOUSE_NUMBER,    /* eCH-0010: <= 12 */
  SCH_VALIDATOR_TOWN,            /* eCH-0010: <= 40 */
  SCH_VALIDATOR_FOREIGN_POSTAL_CODE, /* eCH-0010: <= 15 */
  SCH_VALIDATOR_PERMIT_CATEGORY, /* eCH-0006 code: 2, 4 or 6 digits from the list */
  SCH_VALIDATOR_PASSPORT_NUMBER, /* letters and digits, 5-20 */
  SCH_VALIDATOR_INTEGER,         /* non-negative whole number (workload %, salary CHF) */
  SCH_VALIDATOR_NATIONALITY,     /* eCH-0011: a country, "stateless" or "unknown" */
  SCH_N_VALIDATORS
} SchValidator;

SchValidator  sch_validator_from_string (const char *name);
const char   *sch_validator_to_string   (SchValidator validator);

/* Every function below:
 *  - takes the field's (translated) label to name it in the message,
 *  - treats an empty or all-blank value as valid (requiredness is checked by
 *    sch_validate_required()),
 *  - on success returns TRUE and, if @normalized is not NULL, the canonical form
 *    (e.g. AHV "756.1234.5678.97", ZEMIS "12345678.9", dates "YYYY-MM-DD"),
 *  - on failure returns FALSE with a SCH_VALIDATE_ERROR whose message is a
 *    complete, translated sentence naming the field.
 * @today may be NULL for "the real today"; tests pass a fixed date. */
gboolean sch_validate (SchValidator   validator,
                       const char    *field_label,
                       const char    *value,
                       const GDate   *today,
                       char         **normalized,
                       GError       **error);

gboolean sch_validate_required      (const char *field_label, const char *value, GError **error);
gboolean sch_validate_text          (const char *field_label, const char *value, guint max_length, char **normalized, GError **error);
gboolean sch_validate_name          (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_ahv           (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_zemis         (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_uid           (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_postal_code   (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_municipality  (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_country       (const char *field_label, const char *value, char **normalized, GError **error);
/* eCH-0011 nationality status: besides a country, a person can be stateless
 * (status 1) or of unknown nationality (status 0). */
#define SCH_NATIONALITY_STATELESS "stateless"
#define SCH_NATIONALITY_UNKNOWN   "unknown"
gboolean sch_validate_nationality   (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_date_of_birth (const char *field_label, const char *value, const GDate *today, char **normalized, GError **error);
gboolean sch_validate_date          (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_date_past     (const char *field_label, const char *value, const GDate *today, char **normalized, GError **error);
gboolean sch_validate_date_expiry   (const char *field_label, const char *value, const GDate *today, char **normalized, GError **error);
gboolean sch_validate_phone         (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_email         (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_permit_category (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_passport_number (const char *field_label, const char *value, char **normalized, GError **error);
gboolean sch_validate_integer       (const char *field_label, const char *value, char **normalized, GError **error);

/* Dates as the clerk types them ("31.12.1990", "12.1990", "1990", also ISO
 * "1990-12-31") to ISO; returns FALSE if not a date. Partial dates only when
 * @allow_partial. */
gboolean sch_parse_date (const char *value, gboolean allow_partial, char **iso, GError **error);
/* Whether someone born on @date_of_birth (any form sch_parse_date() takes,
 * partial too) is under 18 on @on. A partial date counts from the last day
 * it can mean, so that a possible minor is not taken for an adult; a date
 * that cannot be read is not a minor's. */
gboolean sch_is_minor (const char *date_of_birth, const GDate *on);
/* The calendar day of @date_time, in its own time zone. */
void     sch_date_set_date_time (GDate *date, GDateTime *date_time);
/* ISO "1990-12-31" / "1990-12" / "1990" to the Swiss display form "31.12.1990". */
char    *sch_format_date (const char *iso);

G_END_DECLS
