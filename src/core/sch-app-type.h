/* One application type of the catalog: where it is filed, what is captured,
 * which documents and signatures it needs. Immutable once loaded. */
#pragma once

#include <glib-object.h>
#include "sch-validate.h"

G_BEGIN_DECLS

/* A text in several languages: { "de": ..., "fr": ..., "it": ..., "en": ... }. */
typedef struct _SchText SchText;
/* The text in @lang (NULL = UI language), falling back to en, then de. */
const char *sch_text_get (const SchText *text, const char *lang);

typedef enum {
  SCH_FILING_HERE,              /* at this residents' office: a case is captured */
  SCH_FILING_MIGRATION_OFFICE,  /* directly at the cantonal migration office */
  SCH_FILING_EASYGOV,           /* by the employer through easyGov */
} SchFiling;

typedef enum {
  SCH_SIGNER_APPLICANT,
  SCH_SIGNER_SPOUSE,
  SCH_SIGNER_EMPLOYER,
  SCH_SIGNER_LEGAL_REPRESENTATIVE,
  SCH_SIGNER_SPONSOR,           /* the family member already living here */
  SCH_SIGNER_AUTHORITY,         /* a requesting authority (file inspection) */
} SchSigner;

typedef enum {
  SCH_FIELD_TEXT,
  SCH_FIELD_DATE,
  SCH_FIELD_CHOICE,             /* one of @choices */
  SCH_FIELD_COUNTRY,            /* ISO alpha-2, chosen from the country list */
  SCH_FIELD_MUNICIPALITY,       /* BFS number, chosen from the municipality list */
  SCH_FIELD_MULTILINE,
  SCH_FIELD_NATIONALITY,        /* a country, or SCH_NATIONALITY_STATELESS / _UNKNOWN */
} SchFieldKind;

typedef struct {
  char    *value;               /* stored value, e.g. eCH-0044 sex "2" */
  SchText *label;
} SchChoice;

typedef struct {
  char         *id;             /* stable key within its group: "official_name" */
  SchText      *label;
  SchText      *hint;           /* may be NULL: placeholder / format hint */
  SchFieldKind  kind;
  SchValidator  validator;
  gboolean      required;
  guint         max_length;     /* 0 = validator's default */
  GPtrArray    *choices;        /* SchChoice*, for SCH_FIELD_CHOICE; else NULL */
  gboolean      searchable;     /* indexed for the case list search */
} SchField;

typedef struct {
  char      *id;                /* "person", "address", "family", ... */
  SchText   *title;
  SchText   *description;       /* may be NULL */
  gboolean   repeatable;        /* list of items, e.g. family members */
  SchText   *item_title;        /* repeatable: one item ("Family member"), may be NULL */
  SchText   *add_label;         /* repeatable: the add button ("Add family member"), may be NULL */
  guint      min_items;         /* for repeatable groups */
  guint      max_items;         /* for repeatable groups, 0 = no limit */
  GPtrArray *fields;            /* SchField* */
} SchFieldGroup;

typedef struct {
  char     *id;                 /* "passport", "employment_contract", ... */
  SchText  *title;
  SchText  *description;        /* may be NULL */
  gboolean  required;
  guint     min_pages;
  guint     max_pages;          /* 0 = no limit */
} SchDocSlot;

/* A statement the signers confirm with their signature, printed on the
 * signature form above the signature boxes. */
typedef struct {
  char    *id;                  /* "truthful", "data_exchange", ... */
  SchText *text;
} SchDeclaration;

#define SCH_TYPE_APP_TYPE (sch_app_type_get_type ())
G_DECLARE_FINAL_TYPE (SchAppType, sch_app_type, SCH, APP_TYPE, GObject)

const char    *sch_app_type_get_code            (SchAppType *self);
const char    *sch_app_type_get_title           (SchAppType *self, const char *lang);
const char    *sch_app_type_get_description     (SchAppType *self, const char *lang);
SchFiling      sch_app_type_get_filing          (SchAppType *self);
/* Where and how the resident files it (address, URL), for types not filed here. */
const char    *sch_app_type_get_filing_info     (SchAppType *self, const char *lang);
/* eCH-0006 category the application leads to ("0201"), may be NULL. */
const char    *sch_app_type_get_permit_category (SchAppType *self);
GPtrArray     *sch_app_type_get_groups          (SchAppType *self);   /* SchFieldGroup* */
const SchFieldGroup *sch_app_type_lookup_group  (SchAppType *self, const char *group_id);
const SchField *sch_app_type_lookup_field       (SchAppType *self, const char *group_id, const char *field_id);
GPtrArray     *sch_app_type_get_slots           (SchAppType *self);   /* SchDocSlot* */
/* Signers in order; an array of SchSigner. */
GArray        *sch_app_type_get_signers         (SchAppType *self);
/* Declarations printed on the signature form, in order; SchDeclaration*.
 * Never NULL (empty when the type has none). */
GPtrArray     *sch_app_type_get_declarations    (SchAppType *self);
/* Fee in Rappen (CHF × 100). */
guint          sch_app_type_get_fee             (SchAppType *self);
/* Where the definition came from: "resource:///…/x.json" or a file path. */
const char    *sch_app_type_get_source          (SchAppType *self);

const char    *sch_signer_to_string   (SchSigner signer);   /* "applicant", ... */
gboolean       sch_signer_from_string (const char *name, SchSigner *signer);
const char    *sch_signer_get_label   (SchSigner signer);   /* translated */
const char    *sch_filing_to_string   (SchFiling filing);   /* "here", "migration-office", "easygov" */
gboolean       sch_filing_from_string (const char *name, SchFiling *filing);

/* Building blocks for the catalog loader (sch-catalog.c). */
typedef enum {
  SCH_LANG_DE,
  SCH_LANG_FR,
  SCH_LANG_IT,
  SCH_LANG_EN,
  SCH_N_LANGS
} SchLang;

/* "de", "fr", "it", "en"; -1 for anything else. */
int             sch_lang_from_string   (const char *lang);
const char     *sch_lang_to_string     (SchLang lang);

SchText        *sch_text_new           (void);
SchText        *sch_text_copy          (const SchText *text);
void            sch_text_free          (SchText *text);
void            sch_text_set           (SchText *text, SchLang lang, const char *value);
/* The text in exactly @lang, without fallback; NULL if missing. */
const char     *sch_text_get_exact     (const SchText *text, SchLang lang);
gboolean        sch_text_is_empty      (const SchText *text);

void            sch_choice_free        (SchChoice *choice);
SchField       *sch_field_copy         (const SchField *field);
void            sch_field_free         (SchField *field);
SchFieldGroup  *sch_field_group_copy   (const SchFieldGroup *group);
void            sch_field_group_free   (SchFieldGroup *group);
/* Looks up a field of @group by id; NULL if it has none. */
SchField       *sch_field_group_lookup_field (const SchFieldGroup *group, const char *field_id);
void            sch_doc_slot_free      (SchDocSlot *slot);
void            sch_declaration_free   (SchDeclaration *declaration);
/* Replaces the declarations (SchDeclaration*), taking ownership; for the loader. */
void            sch_app_type_set_declarations (SchAppType *self, GPtrArray *declarations);

/* Takes ownership of every pointer argument except @code, @permit_category and @source. */
SchAppType     *sch_app_type_new       (const char *code,
                                        SchText    *title,
                                        SchText    *description,
                                        SchFiling   filing,
                                        SchText    *filing_info,
                                        const char *permit_category,
                                        GPtrArray  *groups,
                                        GPtrArray  *slots,
                                        GArray     *signers,
                                        guint       fee,
                                        const char *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchText, sch_text_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchChoice, sch_choice_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchField, sch_field_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchFieldGroup, sch_field_group_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchDocSlot, sch_doc_slot_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchDeclaration, sch_declaration_free)

G_END_DECLS
