#define G_LOG_DOMAIN "sch-type-chooser"

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "sch-print-preview.h"
#include "sch-refdata.h"
#include "sch-type-chooser.h"

struct _SchTypeChooser
{
  AdwWindow           parent_instance;

  SchCatalog         *catalog;
  GtkCustomFilter    *filter;
  GtkSingleSelection *selection;
  char              **search_words;
  SchAppType         *elsewhere_type;   /* shown on the "elsewhere" page */

  AdwWindowTitle     *window_title;
  GtkStack           *stack;
  GtkStack           *list_stack;
  GtkSearchEntry     *search_entry;
  GtkListView        *list_view;
  GtkLabel           *elsewhere_title;
  GtkLabel           *elsewhere_where;
  GtkLabel           *elsewhere_info;
  GtkLabel           *documents_heading;
  GtkListBox         *documents_list;
  GtkButton          *back_button;
};

G_DEFINE_FINAL_TYPE (SchTypeChooser, sch_type_chooser, ADW_TYPE_WINDOW)

enum {
  TYPE_CHOSEN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *
filing_label (SchFiling filing)
{
  switch (filing)
    {
    case SCH_FILING_HERE:
      return _("Filed here");
    case SCH_FILING_MIGRATION_OFFICE:
      return _("Filed at the migration office");
    case SCH_FILING_EASYGOV:
      return _("Filed through easyGov");
    default:
      g_assert_not_reached ();
    }
}

static char *
dup_subtitle (SchAppType *type)
{
  const char *code = sch_app_type_get_permit_category (type);
  const SchPermitCategory *permit = code != NULL ? sch_refdata_lookup_permit (code) : NULL;
  const char *filing = filing_label (sch_app_type_get_filing (type));

  if (permit == NULL)
    return g_strdup (filing);

  /* Translators: "Filed here · leads to B permit (EU/EFTA)" */
  return g_strdup_printf (_("%s · leads to %s"), filing,
                          sch_permit_category_get_name (permit, NULL));
}

static char *
fold (const char *text)
{
  g_autofree char *normalized = g_utf8_normalize (text != NULL ? text : "", -1, G_NORMALIZE_ALL);

  return g_utf8_casefold (normalized, -1);
}

/* Titles in the UI language, German (the office's working language),
 * English, and the code all match. */
static gboolean
type_matches (gpointer item, gpointer user_data)
{
  SchTypeChooser *self = user_data;
  SchAppType *type = item;
  g_autofree char *haystack = NULL;
  g_autofree char *folded = NULL;

  if (self->search_words == NULL)
    return TRUE;

  haystack = g_strjoin (" ",
                        sch_app_type_get_title (type, NULL),
                        sch_app_type_get_title (type, "de"),
                        sch_app_type_get_title (type, "en"),
                        sch_app_type_get_code (type),
                        NULL);
  folded = fold (haystack);

  for (guint i = 0; self->search_words[i] != NULL; i++)
    {
      if (strstr (folded, self->search_words[i]) == NULL)
        return FALSE;
    }

  return TRUE;
}

static void
search_changed_cb (SchTypeChooser *self)
{
  g_autofree char *folded = fold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));

  g_clear_pointer (&self->search_words, g_strfreev);
  g_strstrip (folded);
  if (*folded != '\0')
    self->search_words = g_regex_split_simple ("\\s+", folded, 0, 0);

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);

  gtk_stack_set_visible_child_name (self->list_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0
                                    ? "list" : "empty");
}

static void
clear_documents (SchTypeChooser *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->documents_list))) != NULL)
    gtk_list_box_remove (self->documents_list, child);
}

static void
add_document_row (SchTypeChooser *self, const SchDocSlot *slot)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *need;
  const char *description = slot->description != NULL ? sch_text_get (slot->description, NULL) : NULL;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), sch_text_get (slot->title, NULL));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (description != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), description);

  need = gtk_label_new (slot->required ? _("Required") : _("Optional"));
  gtk_widget_add_css_class (need, "dim-label");
  gtk_widget_add_css_class (need, "caption");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), need);

  gtk_list_box_append (self->documents_list, row);
}

static void
show_elsewhere (SchTypeChooser *self, SchAppType *type)
{
  GPtrArray *slots = sch_app_type_get_slots (type);
  const char *info = sch_app_type_get_filing_info (type, NULL);
  const char *where;

  if (sch_app_type_get_filing (type) == SCH_FILING_EASYGOV)
    where = _("The employer files this application through easyGov. No case is captured here.");
  else
    where = _("This application is filed directly at the cantonal migration office. No case is captured here.");

  g_set_object (&self->elsewhere_type, type);
  gtk_label_set_label (self->elsewhere_title, sch_app_type_get_title (type, NULL));
  gtk_label_set_label (self->elsewhere_where, where);
  gtk_label_set_label (self->elsewhere_info, info != NULL ? info : "");
  gtk_widget_set_visible (GTK_WIDGET (self->elsewhere_info), info != NULL && *info != '\0');

  clear_documents (self);
  for (guint i = 0; slots != NULL && i < slots->len; i++)
    add_document_row (self, g_ptr_array_index (slots, i));
  gtk_widget_set_visible (GTK_WIDGET (self->documents_heading), slots != NULL && slots->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->documents_list), slots != NULL && slots->len > 0);

  adw_window_title_set_subtitle (self->window_title, filing_label (sch_app_type_get_filing (type)));
  gtk_stack_set_visible_child_name (self->stack, "elsewhere");
  gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
  /* Nothing pre-selected in the selectable text. */
  gtk_label_select_region (self->elsewhere_info, 0, 0);
}

static void
show_types (SchTypeChooser *self)
{
  adw_window_title_set_subtitle (self->window_title, _("Choose the application type"));
  gtk_stack_set_visible_child_name (self->stack, "types");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
choose (SchTypeChooser *self, SchAppType *type)
{
  if (sch_app_type_get_filing (type) != SCH_FILING_HERE)
    {
      show_elsewhere (self, type);
      return;
    }

  g_object_ref (self);
  g_signal_emit (self, signals[TYPE_CHOSEN], 0, type);
  gtk_window_destroy (GTK_WINDOW (self));
  g_object_unref (self);
}

static void
search_activate_cb (SchTypeChooser *self)
{
  SchAppType *type = gtk_single_selection_get_selected_item (self->selection);

  if (type != NULL)
    choose (self, type);
}

static void
list_activate_cb (SchTypeChooser *self, guint position)
{
  g_autoptr(SchAppType) type = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  if (type != NULL)
    choose (self, type);
}

static void
info_sheet_clicked_cb (SchTypeChooser *self)
{
  SchPrintPreview *preview;

  if (self->elsewhere_type == NULL)
    return;

  preview = sch_print_preview_new_for_info_sheet (GTK_WINDOW (self), self->elsewhere_type);
  gtk_window_present (GTK_WINDOW (preview));
}

static void
back_clicked_cb (SchTypeChooser *self)
{
  show_types (self);
}

/* Arrow keys in the search entry move the selection, as in a combo box. */
static gboolean
search_key_pressed_cb (SchTypeChooser *self, guint keyval, guint keycode, GdkModifierType state)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));
  guint selected = gtk_single_selection_get_selected (self->selection);
  guint target;

  if (n == 0 || (keyval != GDK_KEY_Down && keyval != GDK_KEY_Up))
    return GDK_EVENT_PROPAGATE;

  if (selected == GTK_INVALID_LIST_POSITION)
    target = 0;
  else if (keyval == GDK_KEY_Down)
    target = MIN (selected + 1, n - 1);
  else
    target = selected > 0 ? selected - 1 : 0;

  gtk_single_selection_set_selected (self->selection, target);
  gtk_widget_activate_action (GTK_WIDGET (self->list_view), "list.scroll-to-item", "u", target);

  return GDK_EVENT_STOP;
}

static void
stop_search_cb (SchTypeChooser *self)
{
  if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)) != '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_window_close (GTK_WINDOW (self));
}

static gboolean
escape_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  SchTypeChooser *self = SCH_TYPE_CHOOSER (widget);

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "elsewhere") == 0)
    show_types (self);
  else
    gtk_window_close (GTK_WINDOW (self));

  return TRUE;
}

static void
setup_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_wrap (GTK_LABEL (subtitle), TRUE);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_list_item_set_child (item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory, GtkListItem *item, gpointer user_data)
{
  SchAppType *type = gtk_list_item_get_item (item);
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *title = gtk_widget_get_first_child (box);
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  g_autofree char *text = dup_subtitle (type);
  g_autofree char *accessible = NULL;

  gtk_label_set_label (GTK_LABEL (title), sch_app_type_get_title (type, NULL));
  gtk_label_set_label (GTK_LABEL (subtitle), text);

  accessible = g_strdup_printf ("%s, %s", sch_app_type_get_title (type, NULL), text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible,
                                  -1);
}

static void
sch_type_chooser_dispose (GObject *object)
{
  SchTypeChooser *self = SCH_TYPE_CHOOSER (object);

  gtk_list_view_set_model (self->list_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->elsewhere_type);
  g_clear_object (&self->catalog);

  G_OBJECT_CLASS (sch_type_chooser_parent_class)->dispose (object);
}

static void
sch_type_chooser_finalize (GObject *object)
{
  SchTypeChooser *self = SCH_TYPE_CHOOSER (object);

  g_strfreev (self->search_words);

  G_OBJECT_CLASS (sch_type_chooser_parent_class)->finalize (object);
}

static void
sch_type_chooser_class_init (SchTypeChooserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sch_type_chooser_dispose;
  object_class->finalize = sch_type_chooser_finalize;

  signals[TYPE_CHOSEN] =
    g_signal_new ("type-chosen",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, SCH_TYPE_APP_TYPE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/schalter/Schalter/sch-type-chooser.ui");
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, window_title);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, stack);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, list_stack);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, list_view);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, elsewhere_title);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, elsewhere_where);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, elsewhere_info);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, documents_heading);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, documents_list);
  gtk_widget_class_bind_template_child (widget_class, SchTypeChooser, back_button);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, info_sheet_clicked_cb);

  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
sch_type_chooser_init (SchTypeChooser *self)
{
  GtkEventController *keys;

  gtk_widget_init_template (GTK_WIDGET (self));

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_swapped (keys, "key-pressed", G_CALLBACK (search_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);

  g_signal_connect_swapped (self->search_entry, "stop-search", G_CALLBACK (stop_search_cb), self);
  gtk_search_entry_set_key_capture_widget (self->search_entry, GTK_WIDGET (self));
}

SchTypeChooser *
sch_type_chooser_new (GtkWindow *parent, SchCatalog *catalog)
{
  SchTypeChooser *self;
  GtkFilterListModel *filtered;
  GtkListItemFactory *factory;

  g_return_val_if_fail (parent == NULL || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (SCH_IS_CATALOG (catalog), NULL);

  self = g_object_new (SCH_TYPE_TYPE_CHOOSER,
                       "transient-for", parent,
                       NULL);
  self->catalog = g_object_ref (catalog);

  self->filter = gtk_custom_filter_new (type_matches, self, NULL);
  filtered = gtk_filter_list_model_new (g_object_ref (sch_catalog_get_types (catalog)),
                                        g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (filtered));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), NULL);
  gtk_list_view_set_factory (self->list_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));

  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->search_entry));

  return self;
}
