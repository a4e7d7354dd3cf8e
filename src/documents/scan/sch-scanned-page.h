/* Results of the scanner: devices, what a device offers, scanned pages.
 * Plain data, safe to pass between threads once made. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* One SANE device as sane_get_devices() describes it. */
typedef struct {
  char *name;     /* SANE device name, e.g. "test:0": pass it in SchScanRequest.device */
  char *vendor;   /* e.g. "Noname" */
  char *model;    /* e.g. "frontend-tester" */
  char *type;     /* e.g. "flatbed scanner", "virtual device" */
} SchScanDevice;

#define SCH_TYPE_SCAN_DEVICE (sch_scan_device_get_type ())
GType          sch_scan_device_get_type (void) G_GNUC_CONST;
SchScanDevice *sch_scan_device_new      (const char *name, const char *vendor,
                                         const char *model, const char *type);
SchScanDevice *sch_scan_device_copy     (const SchScanDevice *device);
void           sch_scan_device_free     (SchScanDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchScanDevice, sch_scan_device_free)

typedef enum {
  SCH_SCAN_SOURCE_FLATBED,
  SCH_SCAN_SOURCE_ADF,      /* one side of each sheet until the feeder is empty */
  SCH_SCAN_SOURCE_DUPLEX,   /* both sides of each sheet until the feeder is empty */
} SchScanSource;

typedef enum {
  SCH_SCAN_MODE_COLOR,      /* stored as JPEG, 3 channels */
  SCH_SCAN_MODE_GRAY,       /* stored as JPEG, 1 channel */
  SCH_SCAN_MODE_LINEART,    /* stored as 1-bit PNG (lossless) */
} SchScanMode;

/* What a device offers. Bit masks hold (1 << SchScanSource) and (1 << SchScanMode).
 * @modes lists what the device does itself; sch_scanner_scan() still serves a
 * missing mode by converting (gray from color, lineart from gray or color).
 * @resolutions holds those of 150, 200 and 300 dpi the device scans exactly;
 * others are scanned at the nearest resolution it has. */
typedef struct {
  guint sources;
  guint modes;
  guint n_resolutions;
  guint resolutions[3];
} SchScanDeviceOptions;

#define SCH_TYPE_SCAN_DEVICE_OPTIONS (sch_scan_device_options_get_type ())
GType                 sch_scan_device_options_get_type (void) G_GNUC_CONST;
SchScanDeviceOptions *sch_scan_device_options_copy     (const SchScanDeviceOptions *options);
void                  sch_scan_device_options_free     (SchScanDeviceOptions *options);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchScanDeviceOptions, sch_scan_device_options_free)

/* One scanned, encoded page. Immutable. */
#define SCH_TYPE_SCANNED_PAGE (sch_scanned_page_get_type ())
G_DECLARE_FINAL_TYPE (SchScannedPage, sch_scanned_page, SCH, SCANNED_PAGE, GObject)

SchScannedPage *sch_scanned_page_new            (GBytes *bytes, const char *media_type,
                                                 guint width, guint height, guint dpi);
/* The encoded file: JPEG or PNG with the resolution recorded in it. */
GBytes         *sch_scanned_page_get_bytes      (SchScannedPage *self);
/* "image/jpeg" or "image/png". */
const char     *sch_scanned_page_get_media_type (SchScannedPage *self);
/* ".jpg" or ".png", for content-addressed file names (sha256 + extension). */
const char     *sch_scanned_page_get_extension  (SchScannedPage *self);
guint           sch_scanned_page_get_width      (SchScannedPage *self);
guint           sch_scanned_page_get_height     (SchScannedPage *self);
guint           sch_scanned_page_get_dpi        (SchScannedPage *self);
/* Lower-case hex SHA-256 of the bytes. */
const char     *sch_scanned_page_get_sha256     (SchScannedPage *self);

G_END_DECLS
