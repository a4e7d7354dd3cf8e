#define G_LOG_DOMAIN "sch-page"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-blob-store.h"
#include "sch-page.h"

struct _SchPage
{
  GObject        parent_instance;

  gint64         id;
  char          *case_uuid;
  char          *slot_id;
  guint          position;
  char          *blob;
  guint64        blob_size;
  const char    *media_type;   /* interned */
  int            pdf_page;
  double         width;
  double         height;
  guint          dpi;
  guint          rotation;
  SchPageSource  source;
  gint64         created;
};

G_DEFINE_FINAL_TYPE (SchPage, sch_page, G_TYPE_OBJECT)

static void
sch_page_finalize (GObject *object)
{
  SchPage *self = (SchPage *) object;

  g_free (self->case_uuid);
  g_free (self->slot_id);
  g_free (self->blob);

  G_OBJECT_CLASS (sch_page_parent_class)->finalize (object);
}

static void
sch_page_class_init (SchPageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_page_finalize;
}

static void
sch_page_init (SchPage *self)
{
  self->pdf_page = -1;
}

gboolean
sch_page_is_valid_rotation (guint rotation)
{
  return rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270;
}

gboolean
sch_page_is_valid_media_type (const char *media_type)
{
  return g_strcmp0 (media_type, SCH_PAGE_MEDIA_JPEG) == 0 ||
         g_strcmp0 (media_type, SCH_PAGE_MEDIA_PNG) == 0 ||
         g_strcmp0 (media_type, SCH_PAGE_MEDIA_PDF) == 0;
}

const char *
sch_page_source_to_string (SchPageSource source)
{
  return source == SCH_PAGE_SOURCE_SCAN ? "scan" : "import";
}

gboolean
sch_page_source_from_string (const char    *name,
                             SchPageSource *source)
{
  if (g_strcmp0 (name, "scan") == 0)
    *source = SCH_PAGE_SOURCE_SCAN;
  else if (g_strcmp0 (name, "import") == 0)
    *source = SCH_PAGE_SOURCE_IMPORT;
  else
    return FALSE;

  return TRUE;
}

SchPage *
sch_page_new (const char    *blob,
              const char    *media_type,
              int            pdf_page,
              double         width,
              double         height,
              guint          dpi,
              guint          rotation,
              SchPageSource  source)
{
  gboolean is_pdf = g_strcmp0 (media_type, SCH_PAGE_MEDIA_PDF) == 0;
  SchPage *self;

  g_return_val_if_fail (sch_blob_store_is_valid_hash (blob), NULL);
  g_return_val_if_fail (sch_page_is_valid_media_type (media_type), NULL);
  g_return_val_if_fail (is_pdf == (pdf_page >= 0), NULL);
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (sch_page_is_valid_rotation (rotation), NULL);
  g_return_val_if_fail (source == SCH_PAGE_SOURCE_SCAN || source == SCH_PAGE_SOURCE_IMPORT, NULL);

  self = g_object_new (SCH_TYPE_PAGE, NULL);
  self->blob = g_strdup (blob);
  self->media_type = g_intern_string (media_type);
  self->pdf_page = is_pdf ? pdf_page : -1;
  self->width = width;
  self->height = height;
  self->dpi = dpi;
  self->rotation = rotation;
  self->source = source;

  return self;
}

SchPage *
sch_page_new_stored (gint64      id,
                     const char *case_uuid,
                     const char *slot_id,
                     guint       position,
                     SchPage    *spec,
                     guint64     blob_size,
                     gint64      created)
{
  SchPage *self;

  g_return_val_if_fail (id > 0, NULL);
  g_return_val_if_fail (case_uuid != NULL && slot_id != NULL, NULL);
  g_return_val_if_fail (SCH_IS_PAGE (spec), NULL);

  self = sch_page_new (spec->blob, spec->media_type, spec->pdf_page, spec->width, spec->height,
                       spec->dpi, spec->rotation, spec->source);
  self->id = id;
  self->case_uuid = g_strdup (case_uuid);
  self->slot_id = g_strdup (slot_id);
  self->position = position;
  self->blob_size = blob_size;
  self->created = created;

  return self;
}

gint64
sch_page_get_id (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->id;
}

const char *
sch_page_get_case_uuid (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), NULL);
  return self->case_uuid;
}

const char *
sch_page_get_slot_id (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), NULL);
  return self->slot_id;
}

guint
sch_page_get_position (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->position;
}

const char *
sch_page_get_blob (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), NULL);
  return self->blob;
}

guint64
sch_page_get_blob_size (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->blob_size;
}

const char *
sch_page_get_media_type (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), NULL);
  return self->media_type;
}

int
sch_page_get_pdf_page (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), -1);
  return self->pdf_page;
}

double
sch_page_get_width (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->width;
}

double
sch_page_get_height (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->height;
}

guint
sch_page_get_dpi (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->dpi;
}

guint
sch_page_get_rotation (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->rotation;
}

SchPageSource
sch_page_get_source (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), SCH_PAGE_SOURCE_SCAN);
  return self->source;
}

gint64
sch_page_get_created (SchPage *self)
{
  g_return_val_if_fail (SCH_IS_PAGE (self), 0);
  return self->created;
}
