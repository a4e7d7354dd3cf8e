/* QR codes on printed pages: what they hold, drawing them, reading them back.
 *
 * Payload: "SCH2|<case uuid>|<role>|<page>|<of>|<printout>|<check>", where
 * <printout> numbers the case's print runs (a reprint in another language
 * may have another page count, so pages of two printouts never make one
 * form) and <check> is the first 8 hex digits of the SHA-256 of everything
 * before the last "|". A code that reads as SCH2 but whose check does not
 * match was misread or altered: it is reported as damaged and never as a
 * case. */
#pragma once

#include <cairo.h>
#include <glib.h>

G_BEGIN_DECLS

#define SCH_QR_ERROR (sch_qr_error_quark ())
GQuark sch_qr_error_quark (void);

typedef enum {
  SCH_QR_ERROR_ENCODE,          /* libqrencode could not encode the payload */
  SCH_QR_ERROR_IMAGE,           /* the image cannot be scanned (size, format) */
} SchQrError;

typedef enum {
  SCH_QR_ROLE_FORM,             /* page of the signature form */
  SCH_QR_ROLE_RECEIPT,
  SCH_QR_ROLE_INFO,             /* information sheet (no case: uuid is the type code) */
} SchQrRole;

typedef enum {
  SCH_QR_STATUS_VALID,          /* a Schalter code with a matching check */
  SCH_QR_STATUS_DAMAGED,        /* looks like a Schalter code, but the check fails */
  SCH_QR_STATUS_FOREIGN,        /* some other QR code (not from Schalter) */
} SchQrStatus;

typedef struct {
  SchQrStatus  status;
  char        *case_uuid;       /* only for SCH_QR_STATUS_VALID */
  SchQrRole    role;
  guint        page;            /* 1-based */
  guint        n_pages;
  guint        printout;        /* the print run, 1-based */
} SchQrCode;

void        sch_qr_code_free        (SchQrCode *code);

const char *sch_qr_role_to_string   (SchQrRole role);   /* "form", "receipt", "info" */
gboolean    sch_qr_role_from_string (const char *name, SchQrRole *role);

/* The payload for one page, with its check. */
char       *sch_qr_payload_new      (const char *case_uuid, SchQrRole role, guint page, guint n_pages,
                                     guint printout);
/* Parses a payload read from a code; a code that is not Schalter's gives
 * SCH_QR_STATUS_FOREIGN, a wrong check SCH_QR_STATUS_DAMAGED. */
SchQrCode  *sch_qr_payload_parse    (const char *payload, gsize length);

/* Draws @payload as a QR code (error correction M) whose outer edge,
 * including the 4-module quiet zone, is a @size × @size square at (@x, @y):
 * a white square, then one filled rectangle per dark module. */
gboolean    sch_qr_draw             (cairo_t *cr, const char *payload, double x, double y,
                                     double size, GError **error);

/* Every QR code found in an 8-bit gray image (0 black, 255 white), in the
 * order zbar reports them; an empty array when there is none. */
GPtrArray  *sch_qr_decode_gray      (const guint8 *pixels, guint width, guint height,
                                     guint stride, GError **error);   /* SchQrCode* */
/* The same for an opaque cairo image surface (RGB24 or ARGB32). */
GPtrArray  *sch_qr_decode_surface   (cairo_surface_t *surface, GError **error);   /* SchQrCode* */

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SchQrCode, sch_qr_code_free)

G_END_DECLS
