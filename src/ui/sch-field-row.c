#define G_LOG_DOMAIN "sch-field-row"

#include "config.h"

#include <glib/gi18n.h>
#include <stdlib.h>
#include <string.h>

#include "sch-field-row.h"
#include "sch-refdata.h"
#include "sch-validate.h"

struct _SchFieldRow
{
  GtkWidget       parent_instance;

  const SchField *field;
  char           *group;
  guint           index;

  GtkWidget      *label;
  GtkWidget      *input;     /* GtkEntry, GtkTextView or GtkDropDown */
  GtkWidget      *frame;     /* around a GtkTextView, else NULL */
  GtkWidget      *message;

  /* Stored values of a dropdown's items, parallel to its model; "" = none. */
  GPtrArray      *codes;
  char           *error;
  gboolean        touched;
  /* Set while the value is changed by code, not by the clerk. */
  gboolean        updating;
};

G_DEFINE_FINAL_TYPE (SchFieldRow, sch_field_row, GTK_TYPE_WIDGET)

enum {
  VALUE_CHANGED,
  ACTIVATE_NEXT,
  FOCUS_LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sch_field_row_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (sch_field_row_parent_class)->dispose (object);
}

static void
sch_field_row_finalize (GObject *object)
{
  SchFieldRow *self = SCH_FIELD_ROW (object);

  g_free (self->group);
  g_free (self->error);
  g_clear_pointer (&self->codes, g_ptr_array_unref);

  G_OBJECT_CLASS (sch_field_row_parent_class)->finalize (object);
}

static gboolean
sch_field_row_grab_focus (GtkWidget *widget)
{
  SchFieldRow *self = SCH_FIELD_ROW (widget);

  return self->input != NULL && gtk_widget_grab_focus (self->input);
}

static void
sch_field_row_class_init (SchFieldRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_field_row_dispose;
  object_class->finalize = sch_field_row_finalize;
  widget_class->grab_focus = sch_field_row_grab_focus;

  signals[VALUE_CHANGED] =
    g_signal_new ("value-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[ACTIVATE_NEXT] =
    g_signal_new ("activate-next", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[FOCUS_LEFT] =
    g_signal_new ("focus-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "fieldrow");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
sch_field_row_init (SchFieldRow *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
}

static void
on_changed (SchFieldRow *self)
{
  if (!self->updating)
    g_signal_emit (self, signals[VALUE_CHANGED], 0);
}

static void
on_entry_activate (SchFieldRow *self)
{
  g_signal_emit (self, signals[ACTIVATE_NEXT], 0);
}

static void
on_focus_leave (SchFieldRow *self)
{
  self->touched = TRUE;
  g_signal_emit (self, signals[FOCUS_LEFT], 0);
}

/* Enter on a closed dropdown moves on like in an entry; Space opens it. */
static gboolean
on_dropdown_key_pressed (SchFieldRow     *self,
                         guint            keyval,
                         guint            keycode,
                         GdkModifierType  state)
{
  if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter || keyval == GDK_KEY_ISO_Enter) &&
      (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SHIFT_MASK)) == 0)
    {
      g_signal_emit (self, signals[ACTIVATE_NEXT], 0);
      return TRUE;
    }

  return FALSE;
}

static GtkWidget *
make_entry (SchFieldRow *self, const char *placeholder)
{
  GtkWidget *entry = gtk_entry_new ();

  if (placeholder != NULL)
    gtk_entry_set_placeholder_text (GTK_ENTRY (entry), placeholder);
  g_signal_connect_swapped (entry, "changed", G_CALLBACK (on_changed), self);
  g_signal_connect_swapped (entry, "activate", G_CALLBACK (on_entry_activate), self);

  return entry;
}

static GtkWidget *
make_text_view (SchFieldRow *self)
{
  GtkWidget *view = gtk_text_view_new ();

  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  /* Tab must move on to the next field, as everywhere else in the form. */
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 8);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 8);
  gtk_widget_set_size_request (view, -1, 80);
  g_signal_connect_swapped (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), "changed",
                            G_CALLBACK (on_changed), self);

  self->frame = gtk_frame_new (NULL);
  gtk_frame_set_child (GTK_FRAME (self->frame), view);

  return view;
}

static GtkWidget *
make_dropdown (SchFieldRow *self, GtkStringList *names, gboolean searchable)
{
  GtkWidget *dropdown = gtk_drop_down_new (G_LIST_MODEL (names), NULL);

  if (searchable)
    {
      g_autoptr(GtkExpression) expression =
        gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");

      gtk_drop_down_set_expression (GTK_DROP_DOWN (dropdown), expression);
      gtk_drop_down_set_enable_search (GTK_DROP_DOWN (dropdown), TRUE);
    }
  g_signal_connect_swapped (dropdown, "notify::selected", G_CALLBACK (on_changed), self);

  return dropdown;
}

/* A model with "—" (no value) first, and the codes beside it. */
static GtkStringList *
start_choices (SchFieldRow *self)
{
  GtkStringList *names = gtk_string_list_new (NULL);

  self->codes = g_ptr_array_new_with_free_func (g_free);
  /* TRANSLATORS: the item of a dropdown that means "no value chosen" */
  gtk_string_list_append (names, C_("dropdown", "—"));
  g_ptr_array_add (self->codes, g_strdup (""));

  return names;
}

static GtkWidget *
make_choice (SchFieldRow *self)
{
  g_autoptr(GtkStringList) names = start_choices (self);
  GPtrArray *choices = self->field->choices;

  for (guint i = 0; choices != NULL && i < choices->len; i++)
    {
      const SchChoice *choice = g_ptr_array_index (choices, i);

      gtk_string_list_append (names, sch_text_get (choice->label, NULL));
      g_ptr_array_add (self->codes, g_strdup (choice->value));
    }

  return make_dropdown (self, g_steal_pointer (&names), FALSE);
}

typedef struct {
  const SchCountry *country;
  char             *key;
} CountryKey;

static int
compare_country_keys (gconstpointer a, gconstpointer b)
{
  return strcmp (((const CountryKey *) a)->key, ((const CountryKey *) b)->key);
}

static GtkWidget *
make_country (SchFieldRow *self,
              gboolean     with_status)
{
  g_autoptr(GtkStringList) names = start_choices (self);
  g_autofree CountryKey *keys = NULL;
  const SchCountry *countries;
  guint n = 0;

  /* First, so that a clerk finds them without knowing how they are sorted. */
  if (with_status)
    {
      gtk_string_list_append (names, _("Stateless"));
      g_ptr_array_add (self->codes, g_strdup (SCH_NATIONALITY_STATELESS));
      gtk_string_list_append (names, _("Nationality unknown"));
      g_ptr_array_add (self->codes, g_strdup (SCH_NATIONALITY_UNKNOWN));
    }

  countries = sch_refdata_get_countries (&n);
  keys = g_new0 (CountryKey, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      keys[i].country = &countries[i];
      keys[i].key = g_utf8_collate_key (sch_country_get_name (&countries[i], NULL), -1);
    }
  qsort (keys, n, sizeof (CountryKey), compare_country_keys);

  for (guint i = 0; i < n; i++)
    {
      gtk_string_list_append (names, sch_country_get_name (keys[i].country, NULL));
      g_ptr_array_add (self->codes, g_strdup (keys[i].country->iso2));
      g_free (keys[i].key);
    }

  return make_dropdown (self, g_steal_pointer (&names), TRUE);
}

static GtkWidget *
make_municipality (SchFieldRow *self)
{
  g_autoptr(GtkStringList) names = start_choices (self);
  const SchMunicipality *municipalities;
  guint n = 0;

  municipalities = sch_refdata_get_municipalities (&n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("%u %s", municipalities[i].bfs, municipalities[i].name);

      gtk_string_list_append (names, name);
      g_ptr_array_add (self->codes, g_strdup_printf ("%u", municipalities[i].bfs));
    }

  return make_dropdown (self, g_steal_pointer (&names), TRUE);
}

static GtkWidget *
make_input (SchFieldRow *self)
{
  const char *hint = self->field->hint != NULL ? sch_text_get (self->field->hint, NULL) : NULL;

  switch (self->field->kind)
    {
    case SCH_FIELD_DATE:
      /* TRANSLATORS: the format of a date the clerk types; use your date order */
      return make_entry (self, hint != NULL ? hint : _("DD.MM.YYYY"));
    case SCH_FIELD_MULTILINE:
      return make_text_view (self);
    case SCH_FIELD_CHOICE:
      return make_choice (self);
    case SCH_FIELD_COUNTRY:
      return make_country (self, FALSE);
    case SCH_FIELD_NATIONALITY:
      return make_country (self, TRUE);
    case SCH_FIELD_MUNICIPALITY:
      return make_municipality (self);
    case SCH_FIELD_TEXT:
    default:
      return make_entry (self, hint);
    }
}

static void
build (SchFieldRow *self)
{
  const char *label = sch_text_get (self->field->label, NULL);
  g_autoptr(PangoAttrList) attrs = pango_attr_list_new ();
  g_autofree char *label_text = NULL;
  GtkEventController *focus;

  /* TRANSLATORS: the label of a required field; %s is the field's name */
  label_text = self->field->required ? g_strdup_printf (_("%s *"), label) : g_strdup (label);
  self->label = gtk_label_new (label_text);
  pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_SEMIBOLD));
  gtk_label_set_attributes (GTK_LABEL (self->label), attrs);
  gtk_label_set_xalign (GTK_LABEL (self->label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->label), TRUE);
  gtk_widget_set_parent (self->label, GTK_WIDGET (self));

  self->input = make_input (self);
  gtk_widget_set_hexpand (self->input, TRUE);
  gtk_widget_set_parent (self->frame != NULL ? self->frame : self->input, GTK_WIDGET (self));
  gtk_label_set_mnemonic_widget (GTK_LABEL (self->label), self->input);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_REQUIRED, self->field->required,
                                  -1);

  focus = gtk_event_controller_focus_new ();
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_leave), self);
  gtk_widget_add_controller (self->input, focus);

  if (GTK_IS_DROP_DOWN (self->input))
    {
      GtkEventController *keys = gtk_event_controller_key_new ();

      gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
      g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (on_dropdown_key_pressed), self);
      gtk_widget_add_controller (self->input, keys);
    }

  self->message = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (self->message), 0);
  gtk_label_set_wrap (GTK_LABEL (self->message), TRUE);
  gtk_widget_add_css_class (self->message, "error");
  gtk_widget_add_css_class (self->message, "caption");
  gtk_widget_set_visible (self->message, FALSE);
  gtk_widget_set_parent (self->message, GTK_WIDGET (self));
}

GtkWidget *
sch_field_row_new (const SchField *field, const char *group_id, guint index)
{
  SchFieldRow *self;

  g_return_val_if_fail (field != NULL, NULL);
  g_return_val_if_fail (group_id != NULL, NULL);

  self = g_object_new (SCH_TYPE_FIELD_ROW, NULL);
  self->field = field;
  self->group = g_strdup (group_id);
  self->index = index;
  build (self);

  return GTK_WIDGET (self);
}

const SchField *
sch_field_row_get_field (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), NULL);

  return self->field;
}

const char *
sch_field_row_get_group (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), NULL);

  return self->group;
}

guint
sch_field_row_get_index (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), 0);

  return self->index;
}

GtkWidget *
sch_field_row_get_input (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), NULL);

  return self->input;
}

static gboolean
is_iso_date (const char *value)
{
  return g_regex_match_simple ("^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$", value, 0, 0);
}

/* Dates are stored as ISO but shown the Swiss way. */
static char *
display_value (SchFieldRow *self, const char *value)
{
  if (self->field->kind == SCH_FIELD_DATE && value != NULL && is_iso_date (value))
    {
      char *formatted = sch_format_date (value);

      if (formatted != NULL)
        return formatted;
    }

  return g_strdup (value != NULL ? value : "");
}

static guint
find_code (SchFieldRow *self, const char *value)
{
  for (guint i = 0; i < self->codes->len; i++)
    {
      if (g_strcmp0 (g_ptr_array_index (self->codes, i), value != NULL ? value : "") == 0)
        return i;
    }

  return 0;
}

void
sch_field_row_set_value (SchFieldRow *self, const char *value)
{
  g_autofree char *text = NULL;

  g_return_if_fail (SCH_IS_FIELD_ROW (self));

  self->updating = TRUE;

  if (GTK_IS_DROP_DOWN (self->input))
    {
      gtk_drop_down_set_selected (GTK_DROP_DOWN (self->input), find_code (self, value));
    }
  else
    {
      text = display_value (self, value);
      if (GTK_IS_TEXT_VIEW (self->input))
        gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->input)), text, -1);
      else if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->input)), text) != 0)
        gtk_editable_set_text (GTK_EDITABLE (self->input), text);
    }

  self->updating = FALSE;
}

char *
sch_field_row_dup_value (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), NULL);

  if (GTK_IS_DROP_DOWN (self->input))
    {
      guint selected = gtk_drop_down_get_selected (GTK_DROP_DOWN (self->input));

      if (selected >= self->codes->len)
        return g_strdup ("");
      return g_strdup (g_ptr_array_index (self->codes, selected));
    }

  if (GTK_IS_TEXT_VIEW (self->input))
    {
      GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (self->input));
      GtkTextIter start, end;

      gtk_text_buffer_get_bounds (buffer, &start, &end);
      return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
    }

  return g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->input)));
}

void
sch_field_row_set_error (SchFieldRow *self, const char *message)
{
  GtkWidget *styled;

  g_return_if_fail (SCH_IS_FIELD_ROW (self));

  if (g_strcmp0 (self->error, message) == 0)
    return;

  g_free (self->error);
  self->error = g_strdup (message);
  styled = self->frame != NULL ? self->frame : self->input;

  gtk_label_set_text (GTK_LABEL (self->message), message != NULL ? message : "");
  gtk_widget_set_visible (self->message, message != NULL);

  if (message != NULL)
    {
      gtk_widget_add_css_class (styled, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->input),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message,
                                      -1);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->input),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (styled, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->input),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->input),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_FALSE,
                                   -1);
    }
}

const char *
sch_field_row_get_error (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), NULL);

  return self->error;
}

void
sch_field_row_set_editable (SchFieldRow *self, gboolean editable)
{
  g_return_if_fail (SCH_IS_FIELD_ROW (self));

  if (GTK_IS_DROP_DOWN (self->input))
    gtk_widget_set_sensitive (self->input, editable);
  else if (GTK_IS_TEXT_VIEW (self->input))
    gtk_text_view_set_editable (GTK_TEXT_VIEW (self->input), editable);
  else
    gtk_editable_set_editable (GTK_EDITABLE (self->input), editable);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self->input),
                                  GTK_ACCESSIBLE_PROPERTY_READ_ONLY, !editable,
                                  -1);
  if (editable)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "read-only");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "read-only");
}

gboolean
sch_field_row_get_touched (SchFieldRow *self)
{
  g_return_val_if_fail (SCH_IS_FIELD_ROW (self), FALSE);

  return self->touched;
}

void
sch_field_row_set_touched (SchFieldRow *self, gboolean touched)
{
  g_return_if_fail (SCH_IS_FIELD_ROW (self));

  self->touched = touched;
}
