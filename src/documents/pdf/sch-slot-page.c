/* sch-slot-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include "sch-slot-page.h"

G_DEFINE_BOXED_TYPE (SchSlotPage, sch_slot_page, sch_slot_page_copy, sch_slot_page_free)

static gboolean
rotation_is_valid (int rotation)
{
  return rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270;
}

SchSlotPage *
sch_slot_page_new_image (GBytes     *bytes,
                         const char *media_type,
                         int         width_px,
                         int         height_px,
                         double      dpi,
                         int         rotation)
{
  SchSlotPage *page;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (g_strcmp0 (media_type, "image/jpeg") == 0 ||
                        g_strcmp0 (media_type, "image/png") == 0, NULL);
  g_return_val_if_fail (width_px > 0 && height_px > 0, NULL);
  g_return_val_if_fail (rotation_is_valid (rotation), NULL);

  page = g_new0 (SchSlotPage, 1);
  page->kind = SCH_SLOT_PAGE_IMAGE;
  page->bytes = g_bytes_ref (bytes);
  page->media_type = g_strdup (media_type);
  page->width_px = width_px;
  page->height_px = height_px;
  page->dpi = dpi > 0 ? dpi : SCH_SLOT_PAGE_DEFAULT_DPI;
  page->rotation = rotation;
  return page;
}

SchSlotPage *
sch_slot_page_new_pdf (GBytes     *pdf,
                       int         page_index,
                       const char *password,
                       int         rotation)
{
  SchSlotPage *page;

  g_return_val_if_fail (pdf != NULL, NULL);
  g_return_val_if_fail (page_index >= 0, NULL);
  g_return_val_if_fail (rotation_is_valid (rotation), NULL);

  page = g_new0 (SchSlotPage, 1);
  page->kind = SCH_SLOT_PAGE_PDF;
  page->bytes = g_bytes_ref (pdf);
  page->media_type = g_strdup ("application/pdf");
  page->page_index = page_index;
  page->password = g_strdup (password);
  page->rotation = rotation;
  return page;
}

SchSlotPage *
sch_slot_page_copy (const SchSlotPage *page)
{
  SchSlotPage *copy;

  g_return_val_if_fail (page != NULL, NULL);

  copy = g_memdup2 (page, sizeof *page);
  copy->bytes = g_bytes_ref (page->bytes);
  copy->media_type = g_strdup (page->media_type);
  copy->password = g_strdup (page->password);
  return copy;
}

void
sch_slot_page_free (SchSlotPage *page)
{
  if (page == NULL)
    return;
  g_bytes_unref (page->bytes);
  g_free (page->media_type);
  g_free (page->password);
  g_free (page);
}

/* The size in points of an image page as shown, i.e. after its rotation. */
void
sch_slot_page_image_size (const SchSlotPage *page,
                          double            *width_pt,
                          double            *height_pt)
{
  double w, h;

  g_return_if_fail (page != NULL && page->kind == SCH_SLOT_PAGE_IMAGE);

  w = page->width_px * 72.0 / page->dpi;
  h = page->height_px * 72.0 / page->dpi;
  if (page->rotation == 90 || page->rotation == 270)
    {
      double t = w;
      w = h;
      h = t;
    }
  if (width_pt != NULL)
    *width_pt = w;
  if (height_pt != NULL)
    *height_pt = h;
}
