#define G_LOG_DOMAIN "sch-print"

#include "config.h"

#include <cairo-pdf.h>
#include <glib/gi18n.h>
#include <stdlib.h>

#include "sch-form-renderer.h"
#include "sch-print-layout.h"
#include "sch-print-texts.h"
#include "sch-refdata.h"
#include "sch-validate.h"

G_DEFINE_QUARK (sch-print-error-quark, sch_print_error)

struct _SchPrintDocument
{
  GObject         parent_instance;

  SchPrintLayout *layout;
  char           *subtitle;
  char           *lang;
  char           *pdf_title;
  char           *author;        /* NULL without an office name */
  GDateTime      *created;
};

G_DEFINE_FINAL_TYPE (SchPrintDocument, sch_print_document, G_TYPE_OBJECT)

static void
sch_print_document_finalize (GObject *object)
{
  SchPrintDocument *self = SCH_PRINT_DOCUMENT (object);

  g_clear_pointer (&self->layout, sch_print_layout_free);
  g_free (self->subtitle);
  g_free (self->lang);
  g_free (self->pdf_title);
  g_free (self->author);
  g_clear_pointer (&self->created, g_date_time_unref);

  G_OBJECT_CLASS (sch_print_document_parent_class)->finalize (object);
}

static void
sch_print_document_class_init (SchPrintDocumentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_print_document_finalize;
}

static void
sch_print_document_init (SchPrintDocument *self)
{
}

/* Takes @layout, paginates it. */
static SchPrintDocument *
document_new (SchPrintLayout        *layout,
              const char            *subtitle,
              const SchPrintContext *context)
{
  SchPrintDocument *self = g_object_new (SCH_TYPE_PRINT_DOCUMENT, NULL);

  self->layout = layout;
  self->subtitle = g_strdup (subtitle);
  self->lang = g_strdup (context->lang);
  self->pdf_title = g_strdup_printf ("%s – %s", sch_print_layout_get_title (layout), subtitle);
  self->author = context->office_name != NULL && context->office_name[0] != '\0'
                 ? g_strdup (context->office_name) : NULL;
  self->created = g_date_time_ref (context->now);
  sch_print_layout_paginate (layout);
  return self;
}

const char *
sch_print_signer_label (SchSigner   signer,
                        const char *lang)
{
  g_autofree char *key = g_strconcat ("signer.", sch_signer_to_string (signer), NULL);

  return sch_print_text (key, lang);
}

char *
sch_print_format_fee (guint rappen)
{
  return g_strdup_printf ("CHF %u.%02u", rappen / 100, rappen % 100);
}

static char *
format_choice (const SchField *field,
               const char     *value,
               const char     *lang)
{
  for (guint i = 0; field->choices != NULL && i < field->choices->len; i++)
    {
      const SchChoice *choice = g_ptr_array_index (field->choices, i);

      if (g_str_equal (choice->value, value))
        return g_strdup (sch_text_get (choice->label, lang));
    }
  return g_strdup (value);
}

static char *
format_municipality (const char *value)
{
  guint64 bfs;
  const SchMunicipality *municipality;

  if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &bfs, NULL) ||
      (municipality = sch_refdata_lookup_municipality ((guint) bfs)) == NULL)
    return g_strdup (value);
  return g_strdup_printf ("%s (%s)", municipality->name, municipality->canton);
}

/* A stored value as a resident reads it: dates Swiss style, codes by name. */
static char *
format_value (const SchField *field,
              const char     *value,
              const char     *lang)
{
  const SchCountry *country;
  const SchPermitCategory *permit;
  char *date;

  switch (field->kind)
    {
    case SCH_FIELD_DATE:
      date = sch_format_date (value);
      return date != NULL ? date : g_strdup (value);
    case SCH_FIELD_CHOICE:
      return format_choice (field, value, lang);
    case SCH_FIELD_COUNTRY:
      country = sch_refdata_lookup_country (value);
      return g_strdup (country != NULL ? sch_country_get_name (country, lang) : value);
    case SCH_FIELD_NATIONALITY:
      if (g_str_equal (value, SCH_NATIONALITY_STATELESS))
        return g_strdup (sch_print_text ("nationality.stateless", lang));
      if (g_str_equal (value, SCH_NATIONALITY_UNKNOWN))
        return g_strdup (sch_print_text ("nationality.unknown", lang));
      country = sch_refdata_lookup_country (value);
      return g_strdup (country != NULL ? sch_country_get_name (country, lang) : value);
    case SCH_FIELD_MUNICIPALITY:
      return format_municipality (value);
    case SCH_FIELD_TEXT:
    case SCH_FIELD_MULTILINE:
    default:
      if (field->validator == SCH_VALIDATOR_PERMIT_CATEGORY &&
          (permit = sch_refdata_lookup_permit (value)) != NULL)
        return g_strdup_printf ("%s (%s)", sch_permit_category_get_name (permit, lang), value);
      return g_strdup (value);
    }
}

/* Items of repeatable groups (family members) are printed compactly, two
 * fields a row, so that a large family stays readable on few pages. */
static void
add_fields (SchPrintLayout      *layout,
            const SchFieldGroup *group,
            SchCase             *kase,
            guint                index,
            const char          *lang)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);
      const char *value = sch_case_get_value (kase, group->id, index, field->id);

      if (value == NULL || value[0] == '\0')
        continue;
      /* Already printed in the item's title. */
      if (group->repeatable && g_str_equal (field->id, "relationship") && field->kind == SCH_FIELD_CHOICE)
        continue;
      g_ptr_array_add (labels, (gpointer) sch_text_get (field->label, lang));
      g_ptr_array_add (values, format_value (field, value, lang));
    }

  for (guint i = 0; i < labels->len; i++)
    {
      if (!group->repeatable)
        sch_print_layout_add_field (layout, g_ptr_array_index (labels, i), g_ptr_array_index (values, i));
      else if (i + 1 < labels->len)
        {
          sch_print_layout_add_field_pair (layout, g_ptr_array_index (labels, i), g_ptr_array_index (values, i),
                                           g_ptr_array_index (labels, i + 1), g_ptr_array_index (values, i + 1));
          i++;
        }
      else
        sch_print_layout_add_field_pair (layout, g_ptr_array_index (labels, i), g_ptr_array_index (values, i),
                                         NULL, NULL);
    }
}

static gboolean
group_has_values (const SchFieldGroup *group,
                  SchCase             *kase)
{
  for (guint i = 0; i < group->fields->len; i++)
    {
      const SchField *field = g_ptr_array_index (group->fields, i);
      const char *value = sch_case_get_value (kase, group->id, 0, field->id);

      if (value != NULL && value[0] != '\0')
        return TRUE;
    }
  return FALSE;
}

/* "2. Child" for an item of a repeatable group: its choice of relationship
 * when it has one, else the group's title. */
static char *
item_title (const SchFieldGroup *group,
            SchCase             *kase,
            guint                index,
            const char          *lang)
{
  const SchField *relationship = sch_field_group_lookup_field (group, "relationship");
  const char *value = sch_case_get_value (kase, group->id, index, "relationship");
  g_autofree char *title = NULL;
  g_autofree char *number = g_strdup_printf ("%u", index + 1);

  if (relationship != NULL && relationship->kind == SCH_FIELD_CHOICE && value != NULL)
    title = format_choice (relationship, value, lang);
  else
    title = g_strdup (sch_text_get (group->title, lang));
  return sch_print_text_expand ("form.item", lang, "n", number, "title", title, NULL);
}

static void
add_group (SchPrintLayout      *layout,
           const SchFieldGroup *group,
           SchCase             *kase,
           const char          *lang)
{
  if (group->repeatable)
    {
      guint n_items = sch_case_get_n_items (kase, group->id);

      if (n_items == 0)
        return;
      sch_print_layout_add_heading (layout, sch_text_get (group->title, lang));
      for (guint i = 0; i < n_items; i++)
        {
          g_autofree char *title = item_title (group, kase, i, lang);

          /* One family member is never split over two pages. */
          sch_print_layout_begin_keep_together (layout);
          sch_print_layout_add_subheading (layout, title);
          add_fields (layout, group, kase, i, lang);
          sch_print_layout_end_keep_together (layout);
        }
      return;
    }

  if (!group_has_values (group, kase))
    return;
  sch_print_layout_add_heading (layout, sch_text_get (group->title, lang));
  add_fields (layout, group, kase, 0, lang);
}

static gboolean
check_case (SchAppType  *type,
            SchCase     *kase,
            GError     **error)
{
  if (sch_app_type_get_filing (type) != SCH_FILING_HERE)
    {
      g_set_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_NOT_FILED_HERE,
                   _("“%s” is not filed at this office, so there is no form or receipt to print."),
                   sch_app_type_get_title (type, NULL));
      return FALSE;
    }
  if (!g_str_equal (sch_case_get_type_code (kase), sch_app_type_get_code (type)))
    {
      g_set_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_WRONG_TYPE,
                   _("The case is an application of another type than “%s”."),
                   sch_app_type_get_title (type, NULL));
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_signer (GArray    *signers,
            SchSigner  signer)
{
  for (guint i = 0; i < signers->len; i++)
    if (g_array_index (signers, SchSigner, i) == signer)
      return TRUE;
  return FALSE;
}

/* Who signs this case: the type's signers and, for an applicant under 18 on
 * the day of printing, right after the applicant the parent with custody
 * who comes along (a minor does not apply alone). */
static GArray *
case_signers (SchAppType *type,
              SchCase    *kase,
              GDateTime  *now)
{
  GArray *signers = sch_app_type_get_signers (type);
  GArray *result = g_array_sized_new (FALSE, FALSE, sizeof (SchSigner), signers->len + 1);
  const char *date_of_birth = sch_case_get_value (kase, "person", 0, "date_of_birth");
  gboolean minor = FALSE;

  if (date_of_birth != NULL && !has_signer (signers, SCH_SIGNER_LEGAL_REPRESENTATIVE))
    {
      GDate today;

      sch_date_set_date_time (&today, now);
      minor = sch_is_minor (date_of_birth, &today);
    }

  for (guint i = 0; i < signers->len; i++)
    {
      SchSigner signer = g_array_index (signers, SchSigner, i);
      SchSigner representative = SCH_SIGNER_LEGAL_REPRESENTATIVE;

      g_array_append_val (result, signer);
      if (minor && signer == SCH_SIGNER_APPLICANT)
        g_array_append_val (result, representative);
    }
  return result;
}

SchPrintDocument *
sch_print_document_new_form (SchAppType            *type,
                             SchCase               *kase,
                             const SchPrintContext *context,
                             GError               **error)
{
  const char *lang;
  const char *subtitle;
  SchPrintLayout *layout;
  GPtrArray *groups, *declarations;
  g_autoptr(GArray) signers = NULL;

  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (context != NULL && context->now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_case (type, kase, error))
    return NULL;

  lang = context->lang;
  subtitle = sch_app_type_get_title (type, lang);
  layout = sch_print_layout_new (context, sch_case_get_uuid (kase), SCH_QR_ROLE_FORM,
                                 sch_print_text ("form.title", lang), subtitle);
  sch_print_layout_add_paragraph (layout, sch_print_text ("form.intro", lang));

  groups = sch_app_type_get_groups (type);
  for (guint i = 0; i < groups->len; i++)
    add_group (layout, g_ptr_array_index (groups, i), kase, lang);

  /* What is declared stays on the page where it is signed. */
  sch_print_layout_begin_keep_together (layout);
  declarations = sch_app_type_get_declarations (type);
  if (declarations->len > 0)
    {
      sch_print_layout_add_heading (layout, sch_print_text ("form.declarations", lang));
      for (guint i = 0; i < declarations->len; i++)
        {
          const SchDeclaration *declaration = g_ptr_array_index (declarations, i);

          sch_print_layout_add_bullet (layout, sch_text_get (declaration->text, lang));
        }
    }

  signers = case_signers (type, kase, context->now);
  sch_print_layout_add_heading (layout, sch_print_text ("form.signatures", lang));
  for (guint i = 0; i < signers->len; i++)
    sch_print_layout_add_signature (layout,
                                    sch_print_signer_label (g_array_index (signers, SchSigner, i), lang),
                                    sch_print_text ("form.place_date", lang),
                                    sch_print_text ("form.signature", lang));
  sch_print_layout_end_keep_together (layout);

  return document_new (layout, subtitle, context);
}

static void
add_documents (SchPrintLayout *layout,
               GPtrArray      *documents,
               gboolean        to_follow,
               const char     *lang)
{
  gboolean any = FALSE;

  sch_print_layout_add_heading (layout, sch_print_text (to_follow ? "receipt.documents_to_follow"
                                                                  : "receipt.documents_received", lang));
  for (guint i = 0; documents != NULL && i < documents->len; i++)
    {
      const SchPrintDocEntry *entry = g_ptr_array_index (documents, i);
      g_autofree char *n = NULL;
      g_autofree char *pages = NULL;

      if (entry->to_follow != to_follow)
        continue;
      any = TRUE;
      if (to_follow)
        {
          sch_print_layout_add_bullet (layout, entry->title);
          continue;
        }
      n = g_strdup_printf ("%u", entry->n_pages);
      pages = entry->n_pages == 1 ? g_strdup (sch_print_text ("receipt.page_one", lang))
                                  : sch_print_text_expand ("receipt.pages", lang, "n", n, NULL);
      sch_print_layout_add_field (layout, entry->title, pages);
    }
  if (!any)
    sch_print_layout_add_paragraph (layout, sch_print_text ("receipt.none", lang));
}

static gboolean
is_set (const char *text)
{
  return text != NULL && text[0] != '\0';
}

/* Whom to ask about the case: "Office (phone · e-mail)"; NULL when the
 * preferences name neither the office nor a contact. */
static char *
office_contact (const SchPrintContext *context)
{
  if (!is_set (context->office_contact))
    return is_set (context->office_name) ? g_strdup (context->office_name) : NULL;
  if (!is_set (context->office_name))
    return g_strdup (context->office_contact);
  return g_strdup_printf ("%s (%s)", context->office_name, context->office_contact);
}

/* How to ask about the case, quoting what the office can look up: the
 * migration office's reference once known, else the short case id printed
 * in the header (a whole uuid would wrap and be misread on the phone). */
static char *
status_text (const SchPrintContext *context,
             const char            *quoted)
{
  g_autofree char *contact = office_contact (context);

  if (contact == NULL)
    return sch_print_text_expand ("receipt.status_text_no_office", context->lang, "case", quoted, NULL);
  return sch_print_text_expand ("receipt.status_text", context->lang, "office", contact, "case", quoted, NULL);
}

static void
add_fee (SchPrintLayout *layout,
         guint           rappen,
         const char     *lang)
{
  g_autofree char *fee = sch_print_format_fee (rappen);

  sch_print_layout_add_heading (layout, sch_print_text ("receipt.fee", lang));
  sch_print_layout_add_field (layout, sch_print_text ("receipt.amount", lang), fee);
}

SchPrintDocument *
sch_print_document_new_receipt (SchAppType            *type,
                                SchCase               *kase,
                                const SchPrintContext *context,
                                GPtrArray             *documents,
                                GError               **error)
{
  const char *lang;
  const char *subtitle;
  const char *reference;
  SchPrintLayout *layout;
  g_autoptr(GArray) signers = NULL;
  g_autofree char *received = NULL;
  g_autofree char *iso = NULL;
  g_autofree char *date = NULL;
  g_autofree char *time = NULL;
  g_autofree char *applicant = NULL;
  g_autofree char *short_id = NULL;
  g_autofree char *status = NULL;

  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);
  g_return_val_if_fail (SCH_IS_CASE (kase), NULL);
  g_return_val_if_fail (context != NULL && context->now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_case (type, kase, error))
    return NULL;

  lang = context->lang;
  subtitle = sch_app_type_get_title (type, lang);
  layout = sch_print_layout_new (context, sch_case_get_uuid (kase), SCH_QR_ROLE_RECEIPT,
                                 sch_print_text ("receipt.title", lang), subtitle);
  sch_print_layout_add_paragraph (layout, sch_print_text ("receipt.intro", lang));

  iso = g_date_time_format (context->now, "%Y-%m-%d");
  date = sch_format_date (iso);
  time = g_date_time_format (context->now, "%H:%M");
  received = g_strdup_printf ("%s, %s", date, time);
  applicant = sch_case_dup_display_name (kase);
  reference = sch_case_get_reference (kase) != NULL ? sch_case_get_reference (kase)
                                                     : context->migration_reference;
  short_id = g_strndup (sch_case_get_uuid (kase), SCH_PRINT_SHORT_ID_LENGTH);

  sch_print_layout_add_heading (layout, sch_print_text ("receipt.details", lang));
  sch_print_layout_add_field (layout, sch_print_text ("receipt.type", lang), subtitle);
  if (applicant != NULL)
    sch_print_layout_add_field (layout, sch_print_text ("receipt.applicant", lang), applicant);
  sch_print_layout_add_field (layout, sch_print_text ("common.case", lang), short_id);
  if (is_set (reference))
    sch_print_layout_add_field (layout, sch_print_text ("receipt.reference", lang), reference);
  sch_print_layout_add_field (layout, sch_print_text ("receipt.received_at", lang), received);
  if (is_set (context->office_name))
    sch_print_layout_add_field (layout, sch_print_text ("common.office", lang), context->office_name);
  if (context->clerk != NULL)
    sch_print_layout_add_field (layout, sch_print_text ("receipt.clerk", lang), context->clerk);

  add_documents (layout, documents, FALSE, lang);
  add_documents (layout, documents, TRUE, lang);

  signers = case_signers (type, kase, context->now);
  sch_print_layout_add_heading (layout, sch_print_text ("receipt.to_sign", lang));
  for (guint i = 0; i < signers->len; i++)
    sch_print_layout_add_bullet (layout, sch_print_signer_label (g_array_index (signers, SchSigner, i), lang));

  add_fee (layout, sch_app_type_get_fee (type), lang);
  sch_print_layout_add_paragraph (layout, sch_print_text ("receipt.fee_note", lang));

  status = status_text (context, is_set (reference) ? reference : short_id);
  sch_print_layout_add_heading (layout, sch_print_text ("receipt.status", lang));
  sch_print_layout_add_paragraph (layout, status);

  return document_new (layout, subtitle, context);
}

SchPrintDocument *
sch_print_document_new_info_sheet (SchAppType            *type,
                                   const SchPrintContext *context,
                                   GError               **error)
{
  const char *lang;
  const char *subtitle;
  SchPrintLayout *layout;
  GPtrArray *slots;
  GArray *signers;

  g_return_val_if_fail (SCH_IS_APP_TYPE (type), NULL);
  g_return_val_if_fail (context != NULL && context->now != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (sch_app_type_get_filing (type) == SCH_FILING_HERE)
    {
      g_set_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_FILED_HERE,
                   _("“%s” is filed at this office: print its form instead of an information sheet."),
                   sch_app_type_get_title (type, NULL));
      return NULL;
    }

  lang = context->lang;
  subtitle = sch_app_type_get_title (type, lang);
  layout = sch_print_layout_new (context, sch_app_type_get_code (type), SCH_QR_ROLE_INFO,
                                 sch_print_text ("info.title", lang), subtitle);
  sch_print_layout_add_paragraph (layout, sch_print_text ("info.not_here", lang));

  sch_print_layout_add_heading (layout, sch_print_text ("info.where", lang));
  sch_print_layout_add_paragraph (layout, sch_app_type_get_filing_info (type, lang));

  slots = sch_app_type_get_slots (type);
  if (slots->len > 0)
    {
      sch_print_layout_add_heading (layout, sch_print_text ("info.documents", lang));
      for (guint i = 0; i < slots->len; i++)
        {
          const SchDocSlot *slot = g_ptr_array_index (slots, i);
          const char *slot_description = sch_text_get (slot->description, lang);
          g_autofree char *text = g_strdup_printf ("%s (%s)%s%s", sch_text_get (slot->title, lang),
                                                   sch_print_text (slot->required ? "info.required"
                                                                                  : "info.if_applicable", lang),
                                                   slot_description != NULL ? ": " : "",
                                                   slot_description != NULL ? slot_description : "");

          sch_print_layout_add_bullet (layout, text);
        }
    }

  signers = sch_app_type_get_signers (type);
  sch_print_layout_add_heading (layout, sch_print_text ("info.signers", lang));
  for (guint i = 0; i < signers->len; i++)
    sch_print_layout_add_bullet (layout, sch_print_signer_label (g_array_index (signers, SchSigner, i), lang));

  if (sch_app_type_get_fee (type) > 0)
    add_fee (layout, sch_app_type_get_fee (type), lang);

  return document_new (layout, subtitle, context);
}

guint
sch_print_document_get_n_pages (SchPrintDocument *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (self), 0);

  return sch_print_layout_get_n_pages (self->layout);
}

const char *
sch_print_document_get_title (SchPrintDocument *self)
{
  g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (self), NULL);

  return self->pdf_title;
}

gboolean
sch_print_document_draw_page (SchPrintDocument  *self,
                              cairo_t           *cr,
                              guint              page,
                              double             width,
                              double             height,
                              GError           **error)
{
  double scale;
  gboolean ok;

  g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (page < sch_print_layout_get_n_pages (self->layout), FALSE);
  g_return_val_if_fail (width > 0 && height > 0, FALSE);

  scale = MIN (width / SCH_PRINT_PAGE_WIDTH, height / SCH_PRINT_PAGE_HEIGHT);
  cairo_save (cr);
  cairo_translate (cr, (width - SCH_PRINT_PAGE_WIDTH * scale) / 2, (height - SCH_PRINT_PAGE_HEIGHT * scale) / 2);
  cairo_scale (cr, scale, scale);
  ok = sch_print_layout_draw_page (self->layout, cr, page, error);
  cairo_restore (cr);
  return ok;
}

typedef struct {
  GOutputStream *output;
  GCancellable  *cancellable;
  GError        *error;
} WriteClosure;

static cairo_status_t
write_to_stream (void                *data,
                 const unsigned char *bytes,
                 unsigned int         length)
{
  WriteClosure *closure = data;

  if (closure->error != NULL)
    return CAIRO_STATUS_WRITE_ERROR;
  if (!g_output_stream_write_all (closure->output, bytes, length, NULL, closure->cancellable, &closure->error))
    return CAIRO_STATUS_WRITE_ERROR;
  return CAIRO_STATUS_SUCCESS;
}

/* The title of several documents in one PDF: their own titles joined in
 * the print language, then the type ("Unterschriftenblatt und
 * Gesuchsquittung – Familiennachzug"). */
static char *
combined_title (SchPrintDocument **documents,
                guint              n_documents)
{
  g_autofree char *joined = NULL;

  if (n_documents == 1)
    return g_strdup (documents[0]->pdf_title);

  joined = g_strdup (sch_print_layout_get_title (documents[0]->layout));
  for (guint i = 1; i < n_documents; i++)
    {
      char *next = sch_print_text_expand ("common.and", documents[0]->lang,
                                          "first", joined,
                                          "second", sch_print_layout_get_title (documents[i]->layout),
                                          NULL);

      g_free (joined);
      joined = next;
    }
  return g_strdup_printf ("%s – %s", joined, documents[0]->subtitle);
}

static void
set_metadata (SchPrintDocument *first,
              const char       *title,
              cairo_surface_t  *surface)
{
  /* PDF dates as cairo wants them: ISO 8601 with the zone offset. */
  g_autofree char *date = g_date_time_format (first->created, "%Y-%m-%dT%H:%M:%S%:z");

  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  if (first->author != NULL)
    cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_AUTHOR, first->author);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Schalter");
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATE_DATE, date);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_MOD_DATE, date);
}

static gboolean
write_documents (SchPrintDocument **documents,
                 guint              n_documents,
                 GOutputStream     *output,
                 GCancellable      *cancellable,
                 GError           **error)
{
  WriteClosure closure = { output, cancellable, NULL };
  g_autofree char *title = combined_title (documents, n_documents);
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  gboolean ok = TRUE;

  surface = cairo_pdf_surface_create_for_stream (write_to_stream, &closure,
                                                 SCH_PRINT_PAGE_WIDTH, SCH_PRINT_PAGE_HEIGHT);
  set_metadata (documents[0], title, surface);
  cr = cairo_create (surface);
  for (guint i = 0; ok && i < n_documents; i++)
    for (guint page = 0; ok && page < sch_print_layout_get_n_pages (documents[i]->layout); page++)
      {
        ok = sch_print_layout_draw_page (documents[i]->layout, cr, page, error);
        cairo_show_page (cr);
      }
  cairo_destroy (cr);
  cairo_surface_finish (surface);
  status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (!ok)
    {
      g_clear_error (&closure.error);
      return FALSE;
    }
  if (closure.error != NULL)
    {
      g_propagate_error (error, closure.error);
      return FALSE;
    }
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SCH_PRINT_ERROR, SCH_PRINT_ERROR_PDF,
                   _("The PDF “%s” could not be made: %s."), title, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

gboolean
sch_print_document_write_pdf (SchPrintDocument  *self,
                              GOutputStream     *output,
                              GCancellable      *cancellable,
                              GError           **error)
{
  g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return write_documents (&self, 1, output, cancellable, error);
}

gboolean
sch_print_documents_write_pdf (GPtrArray         *documents,
                               GOutputStream     *output,
                               GCancellable      *cancellable,
                               GError           **error)
{
  g_return_val_if_fail (documents != NULL && documents->len > 0, FALSE);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (output), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; i < documents->len; i++)
    g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (g_ptr_array_index (documents, i)), FALSE);

  return write_documents ((SchPrintDocument **) documents->pdata, documents->len, output, cancellable, error);
}

gboolean
sch_print_document_save_pdf (SchPrintDocument  *self,
                             GFile             *file,
                             GError           **error)
{
  g_autoptr(GFileOutputStream) output = NULL;

  g_return_val_if_fail (SCH_IS_PRINT_DOCUMENT (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  output = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_NONE, NULL, error);
  if (output == NULL)
    return FALSE;
  if (!sch_print_document_write_pdf (self, G_OUTPUT_STREAM (output), NULL, error))
    {
      /* Leave no half-written PDF behind. */
      g_output_stream_close (G_OUTPUT_STREAM (output), NULL, NULL);
      g_file_delete (file, NULL, NULL);
      return FALSE;
    }
  return g_output_stream_close (G_OUTPUT_STREAM (output), NULL, error);
}

gboolean
sch_form_render_pdf (SchAppType            *type,
                     SchCase               *kase,
                     const SchPrintContext *context,
                     GOutputStream         *output,
                     GError               **error)
{
  g_autoptr(SchPrintDocument) document = sch_print_document_new_form (type, kase, context, error);

  return document != NULL && sch_print_document_write_pdf (document, output, NULL, error);
}

gboolean
sch_receipt_render_pdf (SchAppType            *type,
                        SchCase               *kase,
                        const SchPrintContext *context,
                        GPtrArray             *documents,
                        GOutputStream         *output,
                        GError               **error)
{
  g_autoptr(SchPrintDocument) document = sch_print_document_new_receipt (type, kase, context, documents, error);

  return document != NULL && sch_print_document_write_pdf (document, output, NULL, error);
}

gboolean
sch_info_sheet_render_pdf (SchAppType            *type,
                           const SchPrintContext *context,
                           GOutputStream         *output,
                           GError               **error)
{
  g_autoptr(SchPrintDocument) document = sch_print_document_new_info_sheet (type, context, error);

  return document != NULL && sch_print_document_write_pdf (document, output, NULL, error);
}
