#define G_LOG_DOMAIN "sch-app-type"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-app-type.h"
#include "sch-refdata.h"

struct _SchText
{
  char *values[SCH_N_LANGS];
};

static const char * const lang_names[SCH_N_LANGS] = { "de", "fr", "it", "en" };

int
sch_lang_from_string (const char *lang)
{
  g_return_val_if_fail (lang != NULL, -1);

  for (guint i = 0; i < SCH_N_LANGS; i++)
    if (g_str_equal (lang, lang_names[i]))
      return (int) i;
  return -1;
}

const char *
sch_lang_to_string (SchLang lang)
{
  g_return_val_if_fail (lang < SCH_N_LANGS, NULL);

  return lang_names[lang];
}

SchText *
sch_text_new (void)
{
  return g_new0 (SchText, 1);
}

SchText *
sch_text_copy (const SchText *text)
{
  SchText *copy;

  if (text == NULL)
    return NULL;

  copy = sch_text_new ();
  for (guint i = 0; i < SCH_N_LANGS; i++)
    copy->values[i] = g_strdup (text->values[i]);
  return copy;
}

void
sch_text_free (SchText *text)
{
  if (text == NULL)
    return;

  for (guint i = 0; i < SCH_N_LANGS; i++)
    g_free (text->values[i]);
  g_free (text);
}

void
sch_text_set (SchText    *text,
              SchLang     lang,
              const char *value)
{
  g_return_if_fail (text != NULL);
  g_return_if_fail (lang < SCH_N_LANGS);

  g_free (text->values[lang]);
  text->values[lang] = g_strdup (value);
}

const char *
sch_text_get_exact (const SchText *text,
                    SchLang        lang)
{
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (lang < SCH_N_LANGS, NULL);

  return text->values[lang];
}

gboolean
sch_text_is_empty (const SchText *text)
{
  g_return_val_if_fail (text != NULL, TRUE);

  for (guint i = 0; i < SCH_N_LANGS; i++)
    if (text->values[i] != NULL)
      return FALSE;
  return TRUE;
}

const char *
sch_text_get (const SchText *text,
              const char    *lang)
{
  static const SchLang fallbacks[] = { SCH_LANG_EN, SCH_LANG_DE, SCH_LANG_FR, SCH_LANG_IT };
  int wanted;

  if (text == NULL)
    return NULL;

  wanted = sch_lang_from_string (lang != NULL ? lang : sch_ui_language ());
  if (wanted >= 0 && text->values[wanted] != NULL)
    return text->values[wanted];

  for (guint i = 0; i < G_N_ELEMENTS (fallbacks); i++)
    if (text->values[fallbacks[i]] != NULL)
      return text->values[fallbacks[i]];
  return NULL;
}

void
sch_choice_free (SchChoice *choice)
{
  if (choice == NULL)
    return;

  g_free (choice->value);
  sch_text_free (choice->label);
  g_free (choice);
}

static SchChoice *
sch_choice_copy (const SchChoice *choice)
{
  SchChoice *copy = g_new0 (SchChoice, 1);

  copy->value = g_strdup (choice->value);
  copy->label = sch_text_copy (choice->label);
  return copy;
}

SchField *
sch_field_copy (const SchField *field)
{
  SchField *copy;

  g_return_val_if_fail (field != NULL, NULL);

  copy = g_new0 (SchField, 1);
  copy->id = g_strdup (field->id);
  copy->label = sch_text_copy (field->label);
  copy->hint = sch_text_copy (field->hint);
  copy->kind = field->kind;
  copy->validator = field->validator;
  copy->required = field->required;
  copy->max_length = field->max_length;
  copy->searchable = field->searchable;
  if (field->choices != NULL)
    {
      copy->choices = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_choice_free);
      for (guint i = 0; i < field->choices->len; i++)
        g_ptr_array_add (copy->choices, sch_choice_copy (g_ptr_array_index (field->choices, i)));
    }
  return copy;
}

void
sch_field_free (SchField *field)
{
  if (field == NULL)
    return;

  g_free (field->id);
  sch_text_free (field->label);
  sch_text_free (field->hint);
  g_clear_pointer (&field->choices, g_ptr_array_unref);
  g_free (field);
}

SchFieldGroup *
sch_field_group_copy (const SchFieldGroup *group)
{
  SchFieldGroup *copy;

  g_return_val_if_fail (group != NULL, NULL);

  copy = g_new0 (SchFieldGroup, 1);
  copy->id = g_strdup (group->id);
  copy->title = sch_text_copy (group->title);
  copy->description = sch_text_copy (group->description);
  copy->item_title = sch_text_copy (group->item_title);
  copy->add_label = sch_text_copy (group->add_label);
  copy->repeatable = group->repeatable;
  copy->min_items = group->min_items;
  copy->max_items = group->max_items;
  copy->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_field_free);
  for (guint i = 0; i < group->fields->len; i++)
    g_ptr_array_add (copy->fields, sch_field_copy (g_ptr_array_index (group->fields, i)));
  return copy;
}

void
sch_field_group_free (SchFieldGroup *group)
{
  if (group == NULL)
    return;

  g_free (group->id);
  sch_text_free (group->title);
  sch_text_free (group->description);
  sch_text_free (group->item_title);
  sch_text_free (group->add_label);
  g_clear_pointer (&group->fields, g_ptr_array_unref);
  g_free (group);
}

SchField *
sch_field_group_lookup_field (const SchFieldGroup *group,
                              const char          *field_id)
{
  g_return_val_if_fail (group != NULL, NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  for (guint i = 0; i < group->fields->len; i++)
    {
      SchField *field = g_ptr_array_index (group->fields, i);

      if (g_str_equal (field->id, field_id))
        return field;
    }
  return NULL;
}

void
sch_doc_slot_free (SchDocSlot *slot)
{
  if (slot == NULL)
    return;

  g_free (slot->id);
  sch_text_free (slot->title);
  sch_text_free (slot->description);
  g_free (slot);
}

void
sch_declaration_free (SchDeclaration *declaration)
{
  if (declaration == NULL)
    return;

  g_free (declaration->id);
  sch_text_free (declaration->text);
  g_free (declaration);
}

struct _SchAppType
{
  GObject    parent_instance;

  char      *code;
  SchText   *title;
  SchText   *description;
  SchFiling  filing;
  SchText   *filing_info;
  char      *permit_category;
  GPtrArray *groups;
  GPtrArray *slots;
  GArray    *signers;
  GPtrArray *declarations;
  guint      fee;
  char      *source;
};

G_DEFINE_FINAL_TYPE (SchAppType, sch_app_type, G_TYPE_OBJECT)

static void
sch_app_type_finalize (GObject *object)
{
  SchAppType *self = SCH_APP_TYPE (object);

  g_free (self->code);
  sch_text_free (self->title);
  sch_text_free (self->description);
  sch_text_free (self->filing_info);
  g_free (self->permit_category);
  g_ptr_array_unref (self->groups);
  g_ptr_array_unref (self->slots);
  g_array_unref (self->signers);
  g_ptr_array_unref (self->declarations);
  g_free (self->source);

  G_OBJECT_CLASS (sch_app_type_parent_class)->finalize (object);
}

static void
sch_app_type_class_init (SchAppTypeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_app_type_finalize;
}

static void
sch_app_type_init (SchAppType *self)
{
  self->declarations = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_declaration_free);
}

SchAppType *
sch_app_type_new (const char *code,
                  SchText    *title,
                  SchText    *description,
                  SchFiling   filing,
                  SchText    *filing_info,
                  const char *permit_category,
                  GPtrArray  *groups,
                  GPtrArray  *slots,
                  GArray     *signers,
                  guint       fee,
                  const char *source)
{
  SchAppType *self;

  g_return_val_if_fail (code != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (groups != NULL, NULL);
  g_return_val_if_fail (slots != NULL, NULL);
  g_return_val_if_fail (signers != NULL, NULL);

  self = g_object_new (SCH_TYPE_APP_TYPE, NULL);
  self->code = g_strdup (code);
  self->title = title;
  self->description = description;
  self->filing = filing;
  self->filing_info = filing_info;
  self->permit_category = g_strdup (permit_category);
  self->groups = groups;
  self->slots = slots;
  self->signers = signers;
  self->fee = fee;
  self->source = g_strdup (source);
  return self;
}

const char *
sch_app_type_get_code (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->code;
}

const char *
sch_app_type_get_title (SchAppType *self,
                        const char *lang)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return sch_text_get (self->title, lang);
}

const char *
sch_app_type_get_description (SchAppType *self,
                              const char *lang)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return sch_text_get (self->description, lang);
}

SchFiling
sch_app_type_get_filing (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), SCH_FILING_HERE);

  return self->filing;
}

const char *
sch_app_type_get_filing_info (SchAppType *self,
                              const char *lang)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return sch_text_get (self->filing_info, lang);
}

const char *
sch_app_type_get_permit_category (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->permit_category;
}

GPtrArray *
sch_app_type_get_groups (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->groups;
}

const SchFieldGroup *
sch_app_type_lookup_group (SchAppType *self,
                           const char *group_id)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);
  g_return_val_if_fail (group_id != NULL, NULL);

  for (guint i = 0; i < self->groups->len; i++)
    {
      const SchFieldGroup *group = g_ptr_array_index (self->groups, i);

      if (g_str_equal (group->id, group_id))
        return group;
    }
  return NULL;
}

const SchField *
sch_app_type_lookup_field (SchAppType *self,
                           const char *group_id,
                           const char *field_id)
{
  const SchFieldGroup *group;

  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);
  g_return_val_if_fail (field_id != NULL, NULL);

  group = sch_app_type_lookup_group (self, group_id);
  return group != NULL ? sch_field_group_lookup_field (group, field_id) : NULL;
}

GPtrArray *
sch_app_type_get_slots (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->slots;
}

GArray *
sch_app_type_get_signers (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->signers;
}

GPtrArray *
sch_app_type_get_declarations (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->declarations;
}

void
sch_app_type_set_declarations (SchAppType *self,
                               GPtrArray  *declarations)
{
  g_return_if_fail (SCH_IS_APP_TYPE (self));
  g_return_if_fail (declarations != NULL);

  g_ptr_array_unref (self->declarations);
  self->declarations = declarations;
}

guint
sch_app_type_get_fee (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), 0);

  return self->fee;
}

const char *
sch_app_type_get_source (SchAppType *self)
{
  g_return_val_if_fail (SCH_IS_APP_TYPE (self), NULL);

  return self->source;
}

static const char * const signer_names[] = {
  [SCH_SIGNER_APPLICANT] = "applicant",
  [SCH_SIGNER_SPOUSE] = "spouse",
  [SCH_SIGNER_EMPLOYER] = "employer",
  [SCH_SIGNER_LEGAL_REPRESENTATIVE] = "legal-representative",
  [SCH_SIGNER_SPONSOR] = "sponsor",
  [SCH_SIGNER_AUTHORITY] = "authority",
};

const char *
sch_signer_to_string (SchSigner signer)
{
  g_return_val_if_fail (signer < G_N_ELEMENTS (signer_names), NULL);

  return signer_names[signer];
}

gboolean
sch_signer_from_string (const char *name,
                        SchSigner  *signer)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (signer_names); i++)
    if (g_str_equal (name, signer_names[i]))
      {
        if (signer != NULL)
          *signer = (SchSigner) i;
        return TRUE;
      }
  return FALSE;
}

const char *
sch_signer_get_label (SchSigner signer)
{
  switch (signer)
    {
    case SCH_SIGNER_APPLICANT:
      return _("Applicant");
    case SCH_SIGNER_SPOUSE:
      return _("Spouse");
    case SCH_SIGNER_EMPLOYER:
      return _("Employer");
    case SCH_SIGNER_LEGAL_REPRESENTATIVE:
      return _("Legal representative");
    case SCH_SIGNER_SPONSOR:
      return _("Family member living here");
    case SCH_SIGNER_AUTHORITY:
      return _("Requesting authority");
    default:
      g_return_val_if_reached (NULL);
    }
}

static const char * const filing_names[] = {
  [SCH_FILING_HERE] = "here",
  [SCH_FILING_MIGRATION_OFFICE] = "migration-office",
  [SCH_FILING_EASYGOV] = "easygov",
};

const char *
sch_filing_to_string (SchFiling filing)
{
  g_return_val_if_fail (filing < G_N_ELEMENTS (filing_names), NULL);

  return filing_names[filing];
}

gboolean
sch_filing_from_string (const char *name,
                        SchFiling  *filing)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (filing_names); i++)
    if (g_str_equal (name, filing_names[i]))
      {
        if (filing != NULL)
          *filing = (SchFiling) i;
        return TRUE;
      }
  return FALSE;
}
