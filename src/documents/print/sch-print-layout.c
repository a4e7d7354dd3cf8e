#define G_LOG_DOMAIN "sch-print"

#include "config.h"

#include <pango/pangocairo.h>

#include "sch-print-layout.h"
#include "sch-print-texts.h"
#include "sch-validate.h"

#define MM (72.0 / 25.4)
#define MARGIN_X (20 * MM)
#define MARGIN_TOP (14 * MM)
#define MARGIN_BOTTOM (14 * MM)
#define CONTENT_WIDTH (SCH_PRINT_PAGE_WIDTH - 2 * MARGIN_X)
#define QR_SIZE (30 * MM)
#define LABEL_WIDTH (52 * MM)
#define COLUMN_GAP (4 * MM)
#define VALUE_WIDTH (CONTENT_WIDTH - LABEL_WIDTH - COLUMN_GAP)
#define PAIR_WIDTH ((CONTENT_WIDTH - COLUMN_GAP) / 2)
#define PAIR_LABEL_WIDTH (30 * MM)
#define PAIR_VALUE_WIDTH (PAIR_WIDTH - PAIR_LABEL_WIDTH - 2 * MM)
#define ROW_PADDING 2.5
#define HEADING_PADDING 3.0
#define BULLET_INDENT (5 * MM)
#define SIGNATURE_HEIGHT (34 * MM)
/* Line positions are sums of pango units: equal within this much. */
#define LINE_EPSILON 0.01

#define FONT_FAMILY "DejaVu Sans"

typedef enum {
  BLOCK_HEADING,
  BLOCK_SUBHEADING,
  BLOCK_FIELD,
  BLOCK_FIELD_PAIR,
  BLOCK_PARAGRAPH,
  BLOCK_BULLET,
  BLOCK_SIGNATURE,
} BlockKind;

typedef struct {
  BlockKind    kind;
  PangoLayout *text;          /* heading, value, paragraph, signer */
  PangoLayout *label;         /* field label, bullet mark, "Place, date" */
  PangoLayout *caption;       /* "Signature" */
  PangoLayout *label2;        /* second field of a pair */
  PangoLayout *text2;
  double       text_x;        /* where @text starts, from the left margin */
  double       text_y;        /* where @text starts, from the block's top */
  double       height;
  double       space_before;  /* dropped at the top of a page */
  gboolean     keep_with_next;
  gboolean     splittable;    /* may break between lines of @text */
  guint        keep;          /* blocks with the same non-zero value stay together */
  const void  *section;       /* the heading (Block*) this block belongs to */
} Block;

/* One block, or one slice of a tall block, placed on a page. */
typedef struct {
  Block  *block;
  guint   page;
  double  y;                  /* top, from the content area's top */
  double  from, to;           /* the block's vertical range shown */
} Placement;

struct _SchPrintLayout
{
  SchPrintContext *context;
  char            *qr_id;
  SchQrRole        role;
  char            *title;
  PangoContext    *pango;
  GPtrArray       *blocks;        /* Block* */
  GPtrArray       *continued;     /* Block*, headings repeated on later pages */
  GArray          *placements;    /* Placement */
  guint            n_pages;
  guint            n_keeps;
  guint            current_keep;
  Block           *current_section;

  /* Page furniture, measured once. */
  PangoLayout     *office;
  PangoLayout     *title_layout;
  PangoLayout     *subtitle_layout;
  PangoLayout     *id_label;
  PangoLayout     *id_short;
  PangoLayout     *footer_left;
  PangoLayout     *footer_id;
  double           content_top;
  double           content_bottom;
};

static void
block_free (Block *block)
{
  g_clear_object (&block->text);
  g_clear_object (&block->label);
  g_clear_object (&block->caption);
  g_clear_object (&block->label2);
  g_clear_object (&block->text2);
  g_free (block);
}

static PangoLayout *
make_layout (SchPrintLayout *self,
             const char     *text,
             double          size,
             PangoWeight     weight,
             double          width)
{
  PangoLayout *layout = pango_layout_new (self->pango);
  g_autoptr(PangoFontDescription) font = pango_font_description_new ();

  pango_font_description_set_family (font, FONT_FAMILY);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, weight);
  pango_layout_set_font_description (layout, font);
  if (width > 0)
    {
      pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
      /* Long words (a 100-character street without spaces) break too. */
      pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
    }
  pango_layout_set_text (layout, text, -1);
  return layout;
}

static double
layout_height (PangoLayout *layout)
{
  int height;

  pango_layout_get_size (layout, NULL, &height);
  return (double) height / PANGO_SCALE;
}

static double
layout_width (PangoLayout *layout)
{
  int width;

  pango_layout_get_size (layout, &width, NULL);
  return (double) width / PANGO_SCALE;
}

static PangoContext *
create_pango_context (void)
{
  PangoContext *pango = pango_font_map_create_context (pango_cairo_font_map_get_default ());
  cairo_font_options_t *options = cairo_font_options_create ();

  /* Print metrics: the same line breaks on paper, PDF and screen preview. */
  pango_cairo_context_set_resolution (pango, 72.0);
  cairo_font_options_set_hint_metrics (options, CAIRO_HINT_METRICS_OFF);
  cairo_font_options_set_hint_style (options, CAIRO_HINT_STYLE_NONE);
  pango_cairo_context_set_font_options (pango, options);
  pango_context_set_round_glyph_positions (pango, FALSE);
  cairo_font_options_destroy (options);
  return pango;
}

static char *
format_now (const SchPrintContext *context)
{
  g_autofree char *iso = g_date_time_format (context->now, "%Y-%m-%d");
  g_autofree char *date = sch_format_date (iso);
  g_autofree char *time = g_date_time_format (context->now, "%H:%M");

  return g_strdup_printf ("%s %s", date, time);
}

static void
build_furniture (SchPrintLayout *self,
                 const char     *subtitle)
{
  const char *lang = self->context->lang;
  g_autoptr(GString) office = g_string_new (NULL);
  g_autofree char *markup = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *now = format_now (self->context);
  g_autofree char *short_id = g_utf8_substring (self->qr_id, 0,
                                                MIN (SCH_PRINT_SHORT_ID_LENGTH, g_utf8_strlen (self->qr_id, -1)));
  g_autofree char *full_id = NULL;
  double letterhead_width = CONTENT_WIDTH - QR_SIZE - 40 * MM;

  /* Without a name (the preview warns about it) no empty line heads the address. */
  if (self->context->office_name != NULL && self->context->office_name[0] != '\0')
    {
      markup = g_markup_printf_escaped ("<b>%s</b>", self->context->office_name);
      g_string_append (office, markup);
    }
  for (guint i = 0; self->context->office_address != NULL && self->context->office_address[i] != NULL; i++)
    {
      g_autofree char *line = g_markup_printf_escaped ("%s%s", office->len > 0 ? "\n" : "",
                                                       self->context->office_address[i]);

      g_string_append (office, line);
    }
  self->office = make_layout (self, "", 9, PANGO_WEIGHT_NORMAL, letterhead_width);
  pango_layout_set_markup (self->office, office->str, -1);

  self->title_layout = make_layout (self, self->title, 16, PANGO_WEIGHT_BOLD, CONTENT_WIDTH);
  self->subtitle_layout = make_layout (self, subtitle, 12, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH);
  /* An information sheet belongs to no case: its code only names the type. */
  if (self->role != SCH_QR_ROLE_INFO)
    {
      self->id_label = make_layout (self, sch_print_text ("common.case", lang), 7.5, PANGO_WEIGHT_NORMAL, 0);
      self->id_short = make_layout (self, short_id, 13, PANGO_WEIGHT_BOLD, 0);
      g_autofree char *number = g_strdup_printf ("%u", self->context->printout);
      g_autofree char *printout = sch_print_text_expand ("common.printout", lang, "n", number, NULL);

      /* The printout tells a clerk which of several prints a sheet is from. */
      full_id = g_strdup_printf ("%s %s · %s", sch_print_text ("common.case", lang), self->qr_id, printout);
    }

  printed = sch_print_text_expand ("common.printed", lang,
                                   "date", now,
                                   "clerk", self->context->clerk != NULL ? self->context->clerk : "",
                                   NULL);
  self->footer_left = make_layout (self, printed, 7, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH * 0.7);
  self->footer_id = make_layout (self, full_id != NULL ? full_id : "", 7, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH * 0.7);

  self->content_top = MARGIN_TOP + MAX (layout_height (self->office), QR_SIZE) + 4 * MM
                      + layout_height (self->title_layout) + 1.5
                      + layout_height (self->subtitle_layout) + 5 * MM;
  self->content_bottom = SCH_PRINT_PAGE_HEIGHT - MARGIN_BOTTOM
                         - layout_height (self->footer_left) - layout_height (self->footer_id) - 5 * MM;
}

SchPrintLayout *
sch_print_layout_new (const SchPrintContext *context,
                      const char            *qr_id,
                      SchQrRole              role,
                      const char            *title,
                      const char            *subtitle)
{
  SchPrintLayout *self;

  g_return_val_if_fail (context != NULL && context->now != NULL, NULL);
  g_return_val_if_fail (qr_id != NULL, NULL);
  g_return_val_if_fail (title != NULL && subtitle != NULL, NULL);

  self = g_new0 (SchPrintLayout, 1);
  self->context = sch_print_context_copy (context);
  self->qr_id = g_strdup (qr_id);
  self->role = role;
  self->title = g_strdup (title);
  self->pango = create_pango_context ();
  self->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->continued = g_ptr_array_new_with_free_func ((GDestroyNotify) block_free);
  self->placements = g_array_new (FALSE, FALSE, sizeof (Placement));
  build_furniture (self, subtitle);
  return self;
}

void
sch_print_layout_free (SchPrintLayout *self)
{
  if (self == NULL)
    return;

  g_ptr_array_unref (self->blocks);
  g_ptr_array_unref (self->continued);
  g_array_unref (self->placements);
  g_clear_object (&self->office);
  g_clear_object (&self->title_layout);
  g_clear_object (&self->subtitle_layout);
  g_clear_object (&self->id_label);
  g_clear_object (&self->id_short);
  g_clear_object (&self->footer_left);
  g_clear_object (&self->footer_id);
  g_clear_object (&self->pango);
  sch_print_context_free (self->context);
  g_free (self->qr_id);
  g_free (self->title);
  g_free (self);
}

static Block *
add_block (SchPrintLayout *self,
           BlockKind       kind)
{
  Block *block = g_new0 (Block, 1);

  block->kind = kind;
  block->keep = self->current_keep;
  block->section = self->current_section;
  g_ptr_array_add (self->blocks, block);
  return block;
}

void
sch_print_layout_begin_keep_together (SchPrintLayout *self)
{
  g_return_if_fail (self != NULL);

  self->current_keep = ++self->n_keeps;
}

void
sch_print_layout_end_keep_together (SchPrintLayout *self)
{
  g_return_if_fail (self != NULL);

  self->current_keep = 0;
}

static void
set_heading (SchPrintLayout *self,
             Block          *block,
             const char     *text)
{
  block->text = make_layout (self, text, 10.5, PANGO_WEIGHT_BOLD, CONTENT_WIDTH - 2 * HEADING_PADDING);
  block->text_x = HEADING_PADDING;
  block->text_y = HEADING_PADDING;
  block->height = layout_height (block->text) + 2 * HEADING_PADDING + 2;
  block->space_before = 4 * MM;
  block->keep_with_next = TRUE;
}

void
sch_print_layout_add_heading (SchPrintLayout *self,
                              const char     *text)
{
  Block *block;

  g_return_if_fail (self != NULL && text != NULL);

  self->current_section = NULL;
  block = add_block (self, BLOCK_HEADING);
  set_heading (self, block, text);
  self->current_section = block;
}

void
sch_print_layout_add_subheading (SchPrintLayout *self,
                                 const char     *text)
{
  Block *block;

  g_return_if_fail (self != NULL && text != NULL);

  block = add_block (self, BLOCK_SUBHEADING);
  block->text = make_layout (self, text, 9.5, PANGO_WEIGHT_BOLD, CONTENT_WIDTH);
  block->height = layout_height (block->text) + ROW_PADDING;
  block->space_before = 2.5 * MM;
  block->keep_with_next = TRUE;
}

void
sch_print_layout_add_field (SchPrintLayout *self,
                            const char     *label,
                            const char     *value)
{
  Block *block;

  g_return_if_fail (self != NULL && label != NULL && value != NULL);

  block = add_block (self, BLOCK_FIELD);
  block->label = make_layout (self, label, 8.5, PANGO_WEIGHT_NORMAL, LABEL_WIDTH);
  block->text = make_layout (self, value, 10, PANGO_WEIGHT_NORMAL, VALUE_WIDTH);
  block->text_x = LABEL_WIDTH + COLUMN_GAP;
  block->text_y = ROW_PADDING;
  block->height = MAX (layout_height (block->label), layout_height (block->text)) + 2 * ROW_PADDING;
  block->splittable = TRUE;
}

void
sch_print_layout_add_field_pair (SchPrintLayout *self,
                                 const char     *label,
                                 const char     *value,
                                 const char     *label2,
                                 const char     *value2)
{
  Block *block;
  double height;

  g_return_if_fail (self != NULL && label != NULL && value != NULL);
  g_return_if_fail ((label2 == NULL) == (value2 == NULL));

  block = add_block (self, BLOCK_FIELD_PAIR);
  block->label = make_layout (self, label, 8, PANGO_WEIGHT_NORMAL, PAIR_LABEL_WIDTH);
  block->text = make_layout (self, value, 9.5, PANGO_WEIGHT_NORMAL, PAIR_VALUE_WIDTH);
  block->text_x = PAIR_LABEL_WIDTH + 2 * MM;
  block->text_y = ROW_PADDING;
  height = MAX (layout_height (block->label), layout_height (block->text));
  if (label2 != NULL)
    {
      block->label2 = make_layout (self, label2, 8, PANGO_WEIGHT_NORMAL, PAIR_LABEL_WIDTH);
      block->text2 = make_layout (self, value2, 9.5, PANGO_WEIGHT_NORMAL, PAIR_VALUE_WIDTH);
      height = MAX (height, MAX (layout_height (block->label2), layout_height (block->text2)));
    }
  block->height = height + 2 * ROW_PADDING;
}

void
sch_print_layout_add_paragraph (SchPrintLayout *self,
                                const char     *text)
{
  Block *block;

  g_return_if_fail (self != NULL && text != NULL);

  block = add_block (self, BLOCK_PARAGRAPH);
  block->text = make_layout (self, text, 9.5, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH);
  block->text_y = ROW_PADDING;
  block->height = layout_height (block->text) + 2 * ROW_PADDING;
  block->splittable = TRUE;
}

void
sch_print_layout_add_bullet (SchPrintLayout *self,
                             const char     *text)
{
  Block *block;

  g_return_if_fail (self != NULL && text != NULL);

  block = add_block (self, BLOCK_BULLET);
  block->label = make_layout (self, "•", 9.5, PANGO_WEIGHT_NORMAL, 0);
  block->text = make_layout (self, text, 9.5, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH - BULLET_INDENT);
  block->text_x = BULLET_INDENT;
  block->text_y = ROW_PADDING;
  block->height = layout_height (block->text) + 2 * ROW_PADDING;
  block->splittable = TRUE;
}

void
sch_print_layout_add_signature (SchPrintLayout *self,
                                const char     *signer,
                                const char     *place_date,
                                const char     *signature)
{
  Block *block;

  g_return_if_fail (self != NULL && signer != NULL && place_date != NULL && signature != NULL);

  block = add_block (self, BLOCK_SIGNATURE);
  block->text = make_layout (self, signer, 10, PANGO_WEIGHT_BOLD, CONTENT_WIDTH - 6 * MM);
  block->label = make_layout (self, place_date, 8, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH * 0.35);
  block->caption = make_layout (self, signature, 8, PANGO_WEIGHT_NORMAL, CONTENT_WIDTH * 0.45);
  block->text_x = 3 * MM;
  block->text_y = 3 * MM;
  block->height = MAX (SIGNATURE_HEIGHT, layout_height (block->text) + 26 * MM);
  block->space_before = 4 * MM;
}

/* The y positions, within the block, between its text's lines. */
static GArray *
line_breaks (Block *block)
{
  GArray *breaks = g_array_new (FALSE, FALSE, sizeof (double));
  PangoLayoutIter *iter = pango_layout_get_iter (block->text);

  do
    {
      PangoRectangle rect;
      double bottom;

      pango_layout_iter_get_line_extents (iter, NULL, &rect);
      bottom = block->text_y + (double) (rect.y + rect.height) / PANGO_SCALE;
      g_array_append_val (breaks, bottom);
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
  return breaks;
}

static void
place (SchPrintLayout *self,
       Block          *block,
       guint           page,
       double          y,
       double          from,
       double          to)
{
  Placement placement = { block, page, y, from, to };

  g_array_append_val (self->placements, placement);
}

/* The section's heading again, marked as continued, at the top of a page. */
static Block *
continued_heading (SchPrintLayout *self,
                   Block          *section)
{
  g_autofree char *text = sch_print_text_expand ("common.continued", self->context->lang,
                                                 "title", pango_layout_get_text (section->text), NULL);
  Block *block = g_new0 (Block, 1);

  block->kind = BLOCK_HEADING;
  set_heading (self, block, text);
  g_ptr_array_add (self->continued, block);
  return block;
}

static void
next_page (SchPrintLayout *self,
           Block          *block,
           guint          *page,
           double         *y)
{
  (*page)++;
  *y = 0;
  if (block->section != NULL)
    {
      Block *heading = continued_heading (self, (Block *) block->section);

      place (self, heading, *page, 0, 0, heading->height);
      *y = heading->height;
    }
}

/* A block taller than a whole page goes on line by line: slices end at
 * line boundaries, so no line is ever cut. */
static void
place_split (SchPrintLayout *self,
             Block          *block,
             guint          *page,
             double         *y,
             double          available)
{
  g_autoptr(GArray) breaks = line_breaks (block);
  double from = 0;

  while (from < block->height)
    {
      double room = available - *y;
      double to = from;

      for (guint i = 0; i < breaks->len; i++)
        {
          double b = g_array_index (breaks, double, i);

          if (b > from && b - from <= room)
            to = b;
        }
      if (block->height - from <= room)
        to = block->height;
      if (to <= from)
        {
          if (*y == 0)
            /* Not even one line fits on an empty page: show it anyway. */
            to = MIN (block->height, from + room);
          else
            {
              next_page (self, block, page, y);
              continue;
            }
        }
      place (self, block, *page, *y, from, to);
      *y += to - from;
      from = to;
      if (from < block->height)
        next_page (self, block, page, y);
    }
}

/* Height of the blocks from @index on that belong to its keep-together run. */
static double
keep_height (SchPrintLayout *self,
             guint           index)
{
  Block *first = g_ptr_array_index (self->blocks, index);
  double height = first->height;

  for (guint i = index + 1; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);

      if (block->keep != first->keep)
        break;
      height += block->space_before + block->height;
    }
  return height;
}

/* How much of the blocks from @index on must fit for a page break there
 * to look right: a run kept together whole (if it fits on a page at all),
 * else the block, or for a tall block a part of it. */
/* Whether the block at @index starts a run kept together that fits on a
 * page, and so must fit whole. */
static gboolean
starts_whole_run (SchPrintLayout *self,
                  guint           index,
                  double          available)
{
  Block *block = g_ptr_array_index (self->blocks, index);
  Block *previous = index > 0 ? g_ptr_array_index (self->blocks, index - 1) : NULL;

  return block->keep != 0 && (previous == NULL || previous->keep != block->keep) &&
         keep_height (self, index) <= available * 0.9;
}

static double
first_height (SchPrintLayout *self,
              guint           index,
              double          available)
{
  Block *block = g_ptr_array_index (self->blocks, index);

  if (starts_whole_run (self, index, available))
    return keep_height (self, index);
  return block->splittable ? MIN (block->height, available / 4) : block->height;
}

guint
sch_print_layout_paginate (SchPrintLayout *self)
{
  double available;
  guint page = 0;
  double y = 0;

  g_return_val_if_fail (self != NULL, 0);

  g_array_set_size (self->placements, 0);
  g_ptr_array_set_size (self->continued, 0);
  available = self->content_bottom - self->content_top;

  for (guint i = 0; i < self->blocks->len; i++)
    {
      Block *block = g_ptr_array_index (self->blocks, i);
      double before = y > 0 ? block->space_before : 0;
      double need = before + first_height (self, i, available);

      /* A heading never ends a page: it goes with what follows it (already
       * counted when both are in one run kept together). */
      if (block->keep_with_next && i + 1 < self->blocks->len)
        {
          Block *next = g_ptr_array_index (self->blocks, i + 1);

          if (!starts_whole_run (self, i, available) || next->keep != block->keep)
            need += next->space_before + first_height (self, i + 1, available);
        }

      if (y > 0 && y + need > available)
        {
          next_page (self, block, &page, &y);
          before = y > 0 ? block->space_before : 0;
        }
      y += before;

      if (block->height > available - y && block->splittable)
        place_split (self, block, &page, &y, available);
      else
        {
          place (self, block, page, y, 0, block->height);
          y += block->height;
        }
    }

  self->n_pages = page + 1;
  return self->n_pages;
}

guint
sch_print_layout_get_n_pages (SchPrintLayout *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_pages;
}

const char *
sch_print_layout_get_title (SchPrintLayout *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->title;
}

static void
show_layout (cairo_t     *cr,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
}

/* The layout as one structure element of the PDF (@tag: P, H1, Lbl, …),
 * for screen readers and reflow; other surfaces ignore tags. */
static void
show_tagged (cairo_t     *cr,
             const char  *tag,
             PangoLayout *layout,
             double       x,
             double       y)
{
  cairo_tag_begin (cr, tag, NULL);
  show_layout (cr, layout, x, y);
  cairo_tag_end (cr, tag);
}

static void
hairline (cairo_t *cr,
          double   x0,
          double   y0,
          double   x1,
          double   y1,
          double   width,
          double   gray)
{
  cairo_save (cr);
  cairo_set_source_rgb (cr, gray, gray, gray);
  cairo_set_line_width (cr, width);
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  cairo_stroke (cr);
  cairo_restore (cr);
}

static gboolean
draw_header (SchPrintLayout  *self,
             cairo_t         *cr,
             guint            page,
             GError         **error)
{
  g_autofree char *payload = sch_qr_payload_new (self->qr_id, self->role, page + 1, self->n_pages,
                                                 self->context->printout);
  double qr_x = SCH_PRINT_PAGE_WIDTH - MARGIN_X - QR_SIZE;
  double id_right = qr_x - 2 * MM;
  double rule_y = MARGIN_TOP + MAX (layout_height (self->office), QR_SIZE) + 2 * MM;
  double y;

  /* The code's own quiet zone is white: it starts at the margin line. */
  if (!sch_qr_draw (cr, payload, qr_x + 1 * MM, MARGIN_TOP - 1 * MM, QR_SIZE, error))
    return FALSE;

  cairo_set_source_rgb (cr, 0, 0, 0);
  show_tagged (cr, "P", self->office, MARGIN_X, MARGIN_TOP);

  /* The short case id beside the code, for a clerk reading it by eye; the
   * page number is in the footer only. */
  if (self->id_short != NULL)
    {
      y = MARGIN_TOP + (QR_SIZE - layout_height (self->id_label) - layout_height (self->id_short)) / 2;
      cairo_tag_begin (cr, "P", NULL);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      show_layout (cr, self->id_label, id_right - layout_width (self->id_label), y);
      y += layout_height (self->id_label);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_layout (cr, self->id_short, id_right - layout_width (self->id_short), y);
      cairo_tag_end (cr, "P");
    }

  hairline (cr, MARGIN_X, rule_y, SCH_PRINT_PAGE_WIDTH - MARGIN_X, rule_y, 1.2, 0.0);

  y = rule_y + 2 * MM;
  cairo_set_source_rgb (cr, 0, 0, 0);
  show_tagged (cr, "H1", self->title_layout, MARGIN_X, y);
  y += layout_height (self->title_layout) + 1.5;
  cairo_set_source_rgb (cr, 0.2, 0.2, 0.2);
  show_tagged (cr, "P", self->subtitle_layout, MARGIN_X, y);
  return TRUE;
}

static void
draw_footer (SchPrintLayout *self,
             cairo_t        *cr,
             guint           page)
{
  const char *lang = self->context->lang;
  g_autofree char *page_number = g_strdup_printf ("%u", page + 1);
  g_autofree char *page_count = g_strdup_printf ("%u", self->n_pages);
  g_autofree char *page_text = sch_print_text_expand ("common.page", lang, "page", page_number,
                                                      "pages", page_count, NULL);
  g_autoptr(PangoLayout) page_layout = make_layout (self, page_text, 7, PANGO_WEIGHT_NORMAL, 0);
  double bottom = SCH_PRINT_PAGE_HEIGHT - MARGIN_BOTTOM;
  double top = bottom - layout_height (self->footer_left) - layout_height (self->footer_id);

  hairline (cr, MARGIN_X, top - 1.5 * MM, SCH_PRINT_PAGE_WIDTH - MARGIN_X, top - 1.5 * MM, 0.5, 0.5);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  show_tagged (cr, "P", self->footer_left, MARGIN_X, top);
  show_tagged (cr, "P", self->footer_id, MARGIN_X, top + layout_height (self->footer_left));
  show_tagged (cr, "P", page_layout, SCH_PRINT_PAGE_WIDTH - MARGIN_X - layout_width (page_layout), top);
}

static void
draw_signature (Block   *block,
                cairo_t *cr,
                double   x,
                double   y)
{
  double line_y = y + block->height - 9 * MM;
  double split = x + CONTENT_WIDTH * 0.40;

  cairo_save (cr);
  cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
  cairo_set_line_width (cr, 0.6);
  cairo_rectangle (cr, x, y, CONTENT_WIDTH, block->height);
  cairo_stroke (cr);
  cairo_restore (cr);

  /* One box per signer: its label, then the captions under its lines. */
  cairo_tag_begin (cr, "Div", NULL);
  cairo_set_source_rgb (cr, 0, 0, 0);
  show_tagged (cr, "P", block->text, x + block->text_x, y + block->text_y);

  hairline (cr, x + 3 * MM, line_y, split - 4 * MM, line_y, 0.6, 0.0);
  hairline (cr, split + 2 * MM, line_y, x + CONTENT_WIDTH - 3 * MM, line_y, 0.6, 0.0);
  cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
  show_tagged (cr, "P", block->label, x + 3 * MM, line_y + 1.2 * MM);
  show_tagged (cr, "P", block->caption, split + 2 * MM, line_y + 1.2 * MM);
  cairo_tag_end (cr, "Div");
}

static void
draw_block (Block   *block,
            cairo_t *cr,
            double   x,
            double   y)
{
  switch (block->kind)
    {
    case BLOCK_HEADING:
      cairo_set_source_rgb (cr, 0.91, 0.92, 0.93);
      cairo_rectangle (cr, x, y, CONTENT_WIDTH, block->height - 2);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_tagged (cr, "H2", block->text, x + block->text_x, y + block->text_y);
      break;

    case BLOCK_SUBHEADING:
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      show_tagged (cr, "H3", block->text, x, y);
      hairline (cr, x, y + block->height - 0.5, x + CONTENT_WIDTH, y + block->height - 0.5, 0.5, 0.6);
      break;

    case BLOCK_FIELD:
      /* Label and value are read together, as one paragraph. */
      cairo_tag_begin (cr, "P", NULL);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      show_layout (cr, block->label, x, y + ROW_PADDING + 1);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_layout (cr, block->text, x + block->text_x, y + block->text_y);
      cairo_tag_end (cr, "P");
      hairline (cr, x, y + block->height, x + CONTENT_WIDTH, y + block->height, 0.3, 0.8);
      break;

    case BLOCK_FIELD_PAIR:
      cairo_tag_begin (cr, "P", NULL);
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      show_layout (cr, block->label, x, y + ROW_PADDING + 1);
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_layout (cr, block->text, x + block->text_x, y + block->text_y);
      cairo_tag_end (cr, "P");
      if (block->label2 != NULL)
        {
          cairo_tag_begin (cr, "P", NULL);
          cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
          show_layout (cr, block->label2, x + PAIR_WIDTH + COLUMN_GAP, y + ROW_PADDING + 1);
          cairo_set_source_rgb (cr, 0, 0, 0);
          show_layout (cr, block->text2, x + PAIR_WIDTH + COLUMN_GAP + block->text_x, y + block->text_y);
          cairo_tag_end (cr, "P");
        }
      hairline (cr, x, y + block->height, x + CONTENT_WIDTH, y + block->height, 0.3, 0.8);
      break;

    case BLOCK_PARAGRAPH:
      cairo_set_source_rgb (cr, 0, 0, 0);
      show_tagged (cr, "P", block->text, x, y + block->text_y);
      break;

    case BLOCK_BULLET:
      /* An item of the list (L) draw_page opens around a run of bullets. */
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_tag_begin (cr, "LI", NULL);
      show_tagged (cr, "Lbl", block->label, x + 1 * MM, y + block->text_y);
      show_tagged (cr, "LBody", block->text, x + block->text_x, y + block->text_y);
      cairo_tag_end (cr, "LI");
      break;

    case BLOCK_SIGNATURE:
      draw_signature (block, cr, x, y);
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Draws the lines of @layout (whose top is at @y) that start within
 * [@from, @to) of the layout: each line of a split block is drawn on
 * exactly one page, so that its text is there once for search, copy and
 * screen readers. */
static void
show_lines (cairo_t     *cr,
            PangoLayout *layout,
            double       x,
            double       y,
            double       from,
            double       to)
{
  PangoLayoutIter *iter = pango_layout_get_iter (layout);

  do
    {
      PangoRectangle rect;
      double top, baseline;

      pango_layout_iter_get_line_extents (iter, NULL, &rect);
      top = (double) rect.y / PANGO_SCALE;
      if (top < from - LINE_EPSILON || top >= to - LINE_EPSILON)
        continue;

      baseline = (double) pango_layout_iter_get_baseline (iter) / PANGO_SCALE;
      cairo_move_to (cr, x + (double) rect.x / PANGO_SCALE, y + baseline);
      pango_cairo_show_layout_line (cr, pango_layout_iter_get_line_readonly (iter));
    }
  while (pango_layout_iter_next_line (iter));
  pango_layout_iter_free (iter);
}

/* The part [@from, @to) of a block split over pages (a field, paragraph
 * or bullet), its top at @top: the label or bullet mark with the first
 * part, the rule under a field with the last. */
static void
draw_slice (Block   *block,
            cairo_t *cr,
            double   x,
            double   top,
            double   from,
            double   to)
{
  double y = top - from;   /* where the whole block's top would be */

  g_assert (block->splittable);

  /* Each part is an element of its own: tags do not span pages. */
  cairo_tag_begin (cr, block->kind == BLOCK_BULLET ? "LI" : "P", NULL);
  if (from <= 0 && block->kind == BLOCK_FIELD)
    {
      cairo_set_source_rgb (cr, 0.35, 0.35, 0.35);
      show_layout (cr, block->label, x, y + ROW_PADDING + 1);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  if (from <= 0 && block->kind == BLOCK_BULLET)
    show_tagged (cr, "Lbl", block->label, x + 1 * MM, y + block->text_y);

  if (block->kind == BLOCK_BULLET)
    cairo_tag_begin (cr, "LBody", NULL);
  show_lines (cr, block->text, x + block->text_x, y + block->text_y, from - block->text_y, to - block->text_y);
  if (block->kind == BLOCK_BULLET)
    cairo_tag_end (cr, "LBody");
  cairo_tag_end (cr, block->kind == BLOCK_BULLET ? "LI" : "P");

  if (to >= block->height && block->kind == BLOCK_FIELD)
    hairline (cr, x, y + block->height, x + CONTENT_WIDTH, y + block->height, 0.3, 0.8);
}

gboolean
sch_print_layout_draw_page (SchPrintLayout  *self,
                            cairo_t         *cr,
                            guint            page,
                            GError         **error)
{
  gboolean in_list = FALSE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (page < self->n_pages, FALSE);

  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  if (!draw_header (self, cr, page, error))
    {
      cairo_restore (cr);
      return FALSE;
    }

  for (guint i = 0; i < self->placements->len; i++)
    {
      const Placement *p = &g_array_index (self->placements, Placement, i);
      double top = self->content_top + p->y;
      gboolean bullet = p->block->kind == BLOCK_BULLET;

      if (p->page != page)
        continue;

      /* A run of bullets on this page is one list. */
      if (bullet && !in_list)
        cairo_tag_begin (cr, "L", NULL);
      else if (!bullet && in_list)
        cairo_tag_end (cr, "L");
      in_list = bullet;

      cairo_save (cr);
      if (p->from > 0 || p->to < p->block->height)
        draw_slice (p->block, cr, MARGIN_X, top, p->from, p->to);
      else
        draw_block (p->block, cr, MARGIN_X, top);
      cairo_restore (cr);
    }
  if (in_list)
    cairo_tag_end (cr, "L");

  draw_footer (self, cr, page);
  cairo_restore (cr);
  return TRUE;
}
