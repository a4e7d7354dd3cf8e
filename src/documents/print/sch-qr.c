#define G_LOG_DOMAIN "sch-qr"

#include "config.h"

#include <glib/gi18n.h>
#include <errno.h>
#include <qrencode.h>
#include <string.h>
#include <zbar.h>

#include "sch-qr.h"

#define PAYLOAD_MAGIC "SCH2"
#define PAYLOAD_FIELDS 7
#define CHECK_LENGTH 8
#define QUIET_ZONE 4
/* Limits that keep a parsed number sane and zbar's buffers bounded. */
#define MAX_PAGES 9999
#define MAX_PRINTOUTS 99999
#define MAX_IMAGE_SIDE 20000

G_DEFINE_QUARK (sch-qr-error-quark, sch_qr_error)

static const char * const role_names[] = {
  [SCH_QR_ROLE_FORM] = "form",
  [SCH_QR_ROLE_RECEIPT] = "receipt",
  [SCH_QR_ROLE_INFO] = "info",
};

void
sch_qr_code_free (SchQrCode *code)
{
  if (code == NULL)
    return;

  g_free (code->case_uuid);
  g_free (code);
}

const char *
sch_qr_role_to_string (SchQrRole role)
{
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);

  return role_names[role];
}

gboolean
sch_qr_role_from_string (const char *name,
                         SchQrRole  *role)
{
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i]))
      {
        if (role != NULL)
          *role = (SchQrRole) i;
        return TRUE;
      }
  return FALSE;
}

static char *
compute_check (const char *body,
               gsize       length)
{
  g_autofree char *digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) body, length);

  return g_strndup (digest, CHECK_LENGTH);
}

char *
sch_qr_payload_new (const char *case_uuid,
                    SchQrRole   role,
                    guint       page,
                    guint       n_pages,
                    guint       printout)
{
  g_autofree char *body = NULL;
  g_autofree char *check = NULL;

  g_return_val_if_fail (case_uuid != NULL && strchr (case_uuid, '|') == NULL, NULL);
  g_return_val_if_fail (role < G_N_ELEMENTS (role_names), NULL);
  g_return_val_if_fail (page >= 1 && page <= n_pages && n_pages <= MAX_PAGES, NULL);
  g_return_val_if_fail (printout >= 1 && printout <= MAX_PRINTOUTS, NULL);

  body = g_strdup_printf (PAYLOAD_MAGIC "|%s|%s|%u|%u|%u", case_uuid, role_names[role], page, n_pages, printout);
  check = compute_check (body, strlen (body));
  return g_strdup_printf ("%s|%s", body, check);
}

static gboolean
parse_count (const char *text,
             guint       max,
             guint      *out)
{
  guint64 value;

  if (!g_ascii_string_to_unsigned (text, 10, 1, max, &value, NULL))
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

SchQrCode *
sch_qr_payload_parse (const char *payload,
                      gsize       length)
{
  g_autoptr(SchQrCode) code = g_new0 (SchQrCode, 1);
  g_autofree char *text = NULL;
  g_autofree char *check = NULL;
  g_auto(GStrv) parts = NULL;
  const char *last_bar;

  g_return_val_if_fail (payload != NULL || length == 0, NULL);

  code->status = SCH_QR_STATUS_FOREIGN;
  text = g_strndup (payload != NULL ? payload : "", length);
  if (strlen (text) != length || !g_str_has_prefix (text, PAYLOAD_MAGIC "|"))
    return g_steal_pointer (&code);

  /* From here on it claims to be ours: anything wrong means damaged. */
  code->status = SCH_QR_STATUS_DAMAGED;
  last_bar = strrchr (text, '|');
  check = compute_check (text, (gsize) (last_bar - text));
  if (!g_str_equal (last_bar + 1, check))
    return g_steal_pointer (&code);

  parts = g_strsplit (text, "|", -1);
  if (g_strv_length (parts) != PAYLOAD_FIELDS || parts[1][0] == '\0' ||
      !sch_qr_role_from_string (parts[2], &code->role) ||
      !parse_count (parts[3], MAX_PAGES, &code->page) ||
      !parse_count (parts[4], MAX_PAGES, &code->n_pages) ||
      !parse_count (parts[5], MAX_PRINTOUTS, &code->printout) ||
      code->page > code->n_pages)
    return g_steal_pointer (&code);

  code->status = SCH_QR_STATUS_VALID;
  code->case_uuid = g_strdup (parts[1]);
  return g_steal_pointer (&code);
}

gboolean
sch_qr_draw (cairo_t     *cr,
             const char  *payload,
             double       x,
             double       y,
             double       size,
             GError     **error)
{
  QRcode *qr;
  double module;

  g_return_val_if_fail (cr != NULL, FALSE);
  g_return_val_if_fail (payload != NULL, FALSE);
  g_return_val_if_fail (size > 0, FALSE);

  qr = QRcode_encodeString (payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (qr == NULL)
    {
      g_set_error (error, SCH_QR_ERROR, SCH_QR_ERROR_ENCODE,
                   _("The QR code for the page could not be made: %s."), g_strerror (errno));
      return FALSE;
    }

  module = size / (qr->width + 2 * QUIET_ZONE);
  cairo_save (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_rectangle (cr, x, y, size, size);
  cairo_fill (cr);

  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int row = 0; row < qr->width; row++)
    for (int col = 0; col < qr->width; col++)
      if (qr->data[row * qr->width + col] & 1)
        cairo_rectangle (cr,
                         x + (col + QUIET_ZONE) * module,
                         y + (row + QUIET_ZONE) * module,
                         module, module);
  /* Adjacent modules must merge into solid areas without hairline gaps. */
  cairo_set_antialias (cr, CAIRO_ANTIALIAS_NONE);
  cairo_fill (cr);
  cairo_restore (cr);

  QRcode_free (qr);
  return TRUE;
}

GPtrArray *
sch_qr_decode_gray (const guint8  *pixels,
                    guint          width,
                    guint          height,
                    guint          stride,
                    GError       **error)
{
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_qr_code_free);
  zbar_image_scanner_t *scanner;
  zbar_image_t *image;
  guint8 *copy;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (stride >= width, NULL);

  if (width == 0 || height == 0 || width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
    {
      g_set_error (error, SCH_QR_ERROR, SCH_QR_ERROR_IMAGE,
                   _("The scanned image of %u × %u pixels is too small or too large to look for a QR code."),
                   width, height);
      return NULL;
    }

  /* zbar wants tightly packed rows and frees the buffer itself. */
  copy = g_malloc ((gsize) width * height);
  for (guint row = 0; row < height; row++)
    memcpy (copy + (gsize) row * width, pixels + (gsize) row * stride, width);

  scanner = zbar_image_scanner_create ();
  zbar_image_scanner_set_config (scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
  zbar_image_scanner_set_config (scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);

  image = zbar_image_create ();
  zbar_image_set_format (image, zbar_fourcc ('Y', '8', '0', '0'));
  zbar_image_set_size (image, width, height);
  zbar_image_set_data (image, copy, (unsigned long) width * height, zbar_image_free_data);

  if (zbar_scan_image (scanner, image) > 0)
    for (const zbar_symbol_t *symbol = zbar_image_first_symbol (image);
         symbol != NULL;
         symbol = zbar_symbol_next (symbol))
      if (zbar_symbol_get_type (symbol) == ZBAR_QRCODE)
        g_ptr_array_add (codes, sch_qr_payload_parse (zbar_symbol_get_data (symbol),
                                                      zbar_symbol_get_data_length (symbol)));

  zbar_image_destroy (image);
  zbar_image_scanner_destroy (scanner);
  return g_steal_pointer (&codes);
}

GPtrArray *
sch_qr_decode_surface (cairo_surface_t  *surface,
                       GError          **error)
{
  g_autofree guint8 *gray = NULL;
  cairo_format_t format;
  const guint8 *data;
  guint width, height, stride;

  g_return_val_if_fail (surface != NULL, NULL);

  if (cairo_surface_get_type (surface) != CAIRO_SURFACE_TYPE_IMAGE)
    {
      g_set_error (error, SCH_QR_ERROR, SCH_QR_ERROR_IMAGE,
                   _("QR codes can only be read from an image, not from a vector surface."));
      return NULL;
    }

  cairo_surface_flush (surface);
  format = cairo_image_surface_get_format (surface);
  data = cairo_image_surface_get_data (surface);
  width = (guint) cairo_image_surface_get_width (surface);
  height = (guint) cairo_image_surface_get_height (surface);
  stride = (guint) cairo_image_surface_get_stride (surface);

  if (format != CAIRO_FORMAT_RGB24 && format != CAIRO_FORMAT_ARGB32)
    {
      g_set_error (error, SCH_QR_ERROR, SCH_QR_ERROR_IMAGE,
                   _("The image format of the scan is not supported for reading QR codes."));
      return NULL;
    }

  gray = g_malloc ((gsize) width * height);
  for (guint row = 0; row < height; row++)
    {
      const guint32 *src = (const guint32 *) (data + (gsize) row * stride);

      for (guint col = 0; col < width; col++)
        {
          guint32 p = src[col];
          guint r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;

          /* Scans and rendered pages are opaque: no need to unpremultiply. */
          gray[(gsize) row * width + col] = (guint8) ((r * 77 + g * 150 + b * 29) >> 8);
        }
    }
  return sch_qr_decode_gray (gray, width, height, width, error);
}
