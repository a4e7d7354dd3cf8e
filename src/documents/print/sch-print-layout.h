/* Page layout of printed documents: a list of blocks (headings, label/value
 * rows, paragraphs, signature boxes) measured with pango and broken into A4
 * pages between blocks (or, for a block taller than a page, between lines),
 * with the letterhead, title and QR code repeated on every page.
 * Internal to the print library; sizes are in PostScript points. */
#pragma once

#include <cairo.h>
#include <glib.h>

#include "sch-print-context.h"
#include "sch-qr.h"

G_BEGIN_DECLS

#define SCH_PRINT_PAGE_WIDTH  (210.0 * 72.0 / 25.4)
#define SCH_PRINT_PAGE_HEIGHT (297.0 * 72.0 / 25.4)
/* The case id as printed beside the QR code and quoted on the receipt. */
#define SCH_PRINT_SHORT_ID_LENGTH 8

typedef struct _SchPrintLayout SchPrintLayout;

/* @qr_id goes into every page's QR code (the case uuid, or the type code of
 * an information sheet); @title and @subtitle head every page. */
SchPrintLayout *sch_print_layout_new            (const SchPrintContext *context,
                                                 const char            *qr_id,
                                                 SchQrRole              role,
                                                 const char            *title,
                                                 const char            *subtitle);
void            sch_print_layout_free           (SchPrintLayout *self);

void            sch_print_layout_add_heading    (SchPrintLayout *self, const char *text);
void            sch_print_layout_add_subheading (SchPrintLayout *self, const char *text);
void            sch_print_layout_add_field      (SchPrintLayout *self, const char *label, const char *value);
/* Two label/value pairs side by side (@label2 and @value2 may be NULL). */
void            sch_print_layout_add_field_pair (SchPrintLayout *self, const char *label, const char *value,
                                                 const char *label2, const char *value2);
void            sch_print_layout_add_paragraph  (SchPrintLayout *self, const char *text);
void            sch_print_layout_add_bullet     (SchPrintLayout *self, const char *text);
void            sch_print_layout_add_signature  (SchPrintLayout *self, const char *signer,
                                                 const char *place_date, const char *signature);

/* Blocks added in between stay on one page when they fit on one. */
void            sch_print_layout_begin_keep_together (SchPrintLayout *self);
void            sch_print_layout_end_keep_together   (SchPrintLayout *self);

/* Breaks the blocks into pages; call once after the last block. */
guint           sch_print_layout_paginate       (SchPrintLayout *self);
guint           sch_print_layout_get_n_pages    (SchPrintLayout *self);
const char     *sch_print_layout_get_title      (SchPrintLayout *self);
/* Draws page @page (0-based) in A4 points onto @cr. */
gboolean        sch_print_layout_draw_page      (SchPrintLayout *self, cairo_t *cr, guint page, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchPrintLayout, sch_print_layout_free)

G_END_DECLS
