#define G_LOG_DOMAIN "sch-case-row"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-case-row.h"

struct _SchCaseRow
{
  GtkWidget   parent_instance;

  SchCatalog *catalog;
  char       *state_class;

  GtkLabel   *name_label;
  GtkLabel   *type_label;
  GtkLabel   *state_label;
  GtkLabel   *modified_label;
  GtkLabel   *reference_label;
};

G_DEFINE_FINAL_TYPE (SchCaseRow, sch_case_row, GTK_TYPE_WIDGET)

static void
sch_case_row_dispose (GObject *object)
{
  SchCaseRow *self = SCH_CASE_ROW (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (sch_case_row_parent_class)->dispose (object);
}

static void
sch_case_row_finalize (GObject *object)
{
  SchCaseRow *self = SCH_CASE_ROW (object);

  g_free (self->state_class);

  G_OBJECT_CLASS (sch_case_row_parent_class)->finalize (object);
}

static void
sch_case_row_class_init (SchCaseRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_case_row_dispose;
  object_class->finalize = sch_case_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/schalter/Schalter/sch-case-row.ui");
  gtk_widget_class_bind_template_child (widget_class, SchCaseRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseRow, type_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseRow, modified_label);
  gtk_widget_class_bind_template_child (widget_class, SchCaseRow, reference_label);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "schcaserow");
}

static void
sch_case_row_init (SchCaseRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sch_case_row_new (SchCatalog *catalog)
{
  SchCaseRow *self;

  g_return_val_if_fail (SCH_IS_CATALOG (catalog), NULL);

  self = g_object_new (SCH_TYPE_CASE_ROW, NULL);
  self->catalog = g_object_ref (catalog);

  return GTK_WIDGET (self);
}

/* Today: the time; this week: the weekday; else the date. */
static char *
format_modified (gint64 modified_usec)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GDateTime) when = NULL;
  g_autoptr(GDateTime) today = NULL;
  GTimeSpan since_midnight;

  when = g_date_time_new_from_unix_local (modified_usec / G_USEC_PER_SEC);
  if (when == NULL)
    return g_strdup ("");

  today = g_date_time_new_local (g_date_time_get_year (now),
                                 g_date_time_get_month (now),
                                 g_date_time_get_day_of_month (now), 0, 0, 0);
  since_midnight = g_date_time_difference (when, today);

  if (since_midnight >= 0)
    /* Translators: time of a change made today, see g_date_time_format() */
    return g_date_time_format (when, C_("case list time", "%H:%M"));
  if (since_midnight >= -G_TIME_SPAN_DAY)
    return g_strdup (_("Yesterday"));
  if (since_midnight >= -6 * G_TIME_SPAN_DAY)
    return g_date_time_format (when, "%A");
  if (g_date_time_get_year (when) == g_date_time_get_year (now))
    /* Translators: date of a change this year, see g_date_time_format() */
    return g_date_time_format (when, C_("case list date", "%e %b"));

  /* Translators: date of a change in an earlier year, see g_date_time_format() */
  return g_date_time_format (when, C_("case list date", "%e %b %Y"));
}

static void
set_state (SchCaseRow *self, SchCaseState state)
{
  if (self->state_class != NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), self->state_class);
  g_free (self->state_class);

  self->state_class = g_strconcat ("state-", sch_case_state_to_string (state), NULL);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_label), self->state_class);
  gtk_label_set_label (self->state_label, sch_case_state_get_label (state));
}

void
sch_case_row_bind (SchCaseRow *self, SchCaseSummary *summary)
{
  g_autofree char *modified = NULL;
  g_autofree char *accessible = NULL;
  const char *name;
  const char *reference;
  const char *type_title;
  SchAppType *type;
  SchCaseState state;

  g_return_if_fail (SCH_IS_CASE_ROW (self));
  g_return_if_fail (SCH_IS_CASE_SUMMARY (summary));

  name = sch_case_summary_get_display_name (summary);
  reference = sch_case_summary_get_reference (summary);
  state = sch_case_summary_get_state (summary);

  type = sch_catalog_lookup (self->catalog, sch_case_summary_get_type_code (summary));
  /* A type dropped from the catalog still shows its code. */
  type_title = type != NULL ? sch_app_type_get_title (type, NULL)
                            : sch_case_summary_get_type_code (summary);

  if (name != NULL && *name != '\0')
    {
      gtk_label_set_label (self->name_label, name);
      gtk_widget_remove_css_class (GTK_WIDGET (self->name_label), "dim-label");
    }
  else
    {
      name = _("Unnamed case");
      gtk_label_set_label (self->name_label, name);
      gtk_widget_add_css_class (GTK_WIDGET (self->name_label), "dim-label");
    }

  gtk_label_set_label (self->type_label, type_title);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->type_label), type_title);
  set_state (self, state);

  modified = format_modified (sch_case_summary_get_modified (summary));
  gtk_label_set_label (self->modified_label, modified);

  if (reference != NULL && *reference != '\0')
    {
      g_autofree char *text = g_strdup_printf (_("Reference %s"), reference);

      gtk_label_set_label (self->reference_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->reference_label), reference != NULL && *reference != '\0');

  if (reference != NULL && *reference != '\0')
    /* Translators: accessible description of a case in the list:
     * name, application type, state, reference, last change */
    accessible = g_strdup_printf (_("%s, %s, %s, reference %s, changed %s"),
                                  name, type_title, sch_case_state_get_label (state),
                                  reference, modified);
  else
    /* Translators: accessible description of a case in the list:
     * name, application type, state, last change */
    accessible = g_strdup_printf (_("%s, %s, %s, changed %s"),
                                  name, type_title, sch_case_state_get_label (state), modified);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}
