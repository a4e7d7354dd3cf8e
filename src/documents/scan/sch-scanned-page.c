#define G_LOG_DOMAIN "sch-scan"

#include "config.h"

#include <glib/gi18n.h>

#include "sch-scanned-page.h"

G_DEFINE_BOXED_TYPE (SchScanDevice, sch_scan_device, sch_scan_device_copy, sch_scan_device_free)

SchScanDevice *
sch_scan_device_new (const char *name,
                     const char *vendor,
                     const char *model,
                     const char *type)
{
  SchScanDevice *device;

  g_return_val_if_fail (name != NULL, NULL);

  device = g_new0 (SchScanDevice, 1);
  device->name = g_strdup (name);
  device->vendor = g_strdup (vendor ? vendor : "");
  device->model = g_strdup (model ? model : "");
  device->type = g_strdup (type ? type : "");
  return device;
}

SchScanDevice *
sch_scan_device_copy (const SchScanDevice *device)
{
  g_return_val_if_fail (device != NULL, NULL);

  return sch_scan_device_new (device->name, device->vendor, device->model, device->type);
}

void
sch_scan_device_free (SchScanDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->name);
  g_free (device->vendor);
  g_free (device->model);
  g_free (device->type);
  g_free (device);
}

G_DEFINE_BOXED_TYPE (SchScanDeviceOptions, sch_scan_device_options,
                     sch_scan_device_options_copy, sch_scan_device_options_free)

SchScanDeviceOptions *
sch_scan_device_options_copy (const SchScanDeviceOptions *options)
{
  g_return_val_if_fail (options != NULL, NULL);

  return g_memdup2 (options, sizeof *options);
}

void
sch_scan_device_options_free (SchScanDeviceOptions *options)
{
  g_free (options);
}

struct _SchScannedPage
{
  GObject parent_instance;

  GBytes *bytes;
  char *media_type;
  char *sha256;
  guint width;
  guint height;
  guint dpi;
};

G_DEFINE_FINAL_TYPE (SchScannedPage, sch_scanned_page, G_TYPE_OBJECT)

static void
sch_scanned_page_finalize (GObject *object)
{
  SchScannedPage *self = SCH_SCANNED_PAGE (object);

  g_bytes_unref (self->bytes);
  g_free (self->media_type);
  g_free (self->sha256);

  G_OBJECT_CLASS (sch_scanned_page_parent_class)->finalize (object);
}

static void
sch_scanned_page_class_init (SchScannedPageClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_scanned_page_finalize;
}

static void
sch_scanned_page_init (SchScannedPage *self)
{
}

SchScannedPage *
sch_scanned_page_new (GBytes     *bytes,
                      const char *media_type,
                      guint       width,
                      guint       height,
                      guint       dpi)
{
  SchScannedPage *self;

  g_return_val_if_fail (bytes != NULL, NULL);
  g_return_val_if_fail (media_type != NULL, NULL);

  self = g_object_new (SCH_TYPE_SCANNED_PAGE, NULL);
  self->bytes = g_bytes_ref (bytes);
  self->media_type = g_strdup (media_type);
  self->sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  self->width = width;
  self->height = height;
  self->dpi = dpi;
  return self;
}

GBytes *
sch_scanned_page_get_bytes (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), NULL);
  return self->bytes;
}

const char *
sch_scanned_page_get_media_type (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), NULL);
  return self->media_type;
}

const char *
sch_scanned_page_get_extension (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), NULL);
  return g_str_equal (self->media_type, "image/png") ? ".png" : ".jpg";
}

guint
sch_scanned_page_get_width (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), 0);
  return self->width;
}

guint
sch_scanned_page_get_height (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), 0);
  return self->height;
}

guint
sch_scanned_page_get_dpi (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), 0);
  return self->dpi;
}

const char *
sch_scanned_page_get_sha256 (SchScannedPage *self)
{
  g_return_val_if_fail (SCH_IS_SCANNED_PAGE (self), NULL);
  return self->sha256;
}
