#define G_LOG_DOMAIN "sch-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <jpeglib.h>
#include <png.h>

#include "sch-scan-encoder.h"
#include "sch-scanner.h"

/* libjpeg reports errors by calling error_exit, which must not return. */
typedef struct {
  struct jpeg_error_mgr mgr;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
} JpegError;

static void
jpeg_error_exit (j_common_ptr cinfo)
{
  JpegError *err = (JpegError *) cinfo->err;

  err->mgr.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
jpeg_output_message (j_common_ptr cinfo)
{
  /* Warnings of the compressor are not for the clerk; errors go through error_exit. */
}

/* Everything the compressor touches lives here, so nothing is clobbered by longjmp. */
typedef struct {
  struct jpeg_compress_struct cinfo;
  JpegError err;
  unsigned char *out;
  unsigned long out_size;
} JpegJob;

static void
jpeg_job_free (JpegJob *job)
{
  jpeg_destroy_compress (&job->cinfo);
  free (job->out);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JpegJob, jpeg_job_free)

GBytes *
sch_scan_encode_jpeg (const guint8 *pixels,
                      guint         width,
                      guint         height,
                      gsize         stride,
                      guint         channels,
                      guint         quality,
                      guint         dpi,
                      GError      **error)
{
  g_autoptr(JpegJob) job = g_new0 (JpegJob, 1);
  GBytes *bytes;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (channels == 1 || channels == 3, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= (gsize) width * channels, NULL);

  job->cinfo.err = jpeg_std_error (&job->err.mgr);
  job->err.mgr.error_exit = jpeg_error_exit;
  job->err.mgr.output_message = jpeg_output_message;
  jpeg_create_compress (&job->cinfo);

  if (setjmp (job->err.jump))
    {
      g_set_error (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                   _("The scanned page could not be compressed as JPEG: %s."), job->err.message);
      return NULL;
    }

  jpeg_mem_dest (&job->cinfo, &job->out, &job->out_size);
  job->cinfo.image_width = width;
  job->cinfo.image_height = height;
  job->cinfo.input_components = (int) channels;
  job->cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&job->cinfo);
  jpeg_set_quality (&job->cinfo, (int) CLAMP (quality, 1, 100), TRUE);
  /* Huffman tables fitted to the page: a few percent smaller, lossless. */
  job->cinfo.optimize_coding = TRUE;
  job->cinfo.density_unit = 1;
  job->cinfo.X_density = (UINT16) MIN (dpi, G_MAXUINT16);
  job->cinfo.Y_density = (UINT16) MIN (dpi, G_MAXUINT16);

  jpeg_start_compress (&job->cinfo, TRUE);
  while (job->cinfo.next_scanline < job->cinfo.image_height)
    {
      JSAMPROW row = (JSAMPROW) (pixels + (gsize) job->cinfo.next_scanline * stride);
      jpeg_write_scanlines (&job->cinfo, &row, 1);
    }
  jpeg_finish_compress (&job->cinfo);

  bytes = g_bytes_new_with_free_func (job->out, job->out_size, free, job->out);
  job->out = NULL;
  return bytes;
}

typedef struct {
  png_structp png;
  png_infop info;
  GByteArray *out;
  guint8 *row;
  char *message;
} PngJob;

static void
png_job_free (PngJob *job)
{
  png_destroy_write_struct (&job->png, &job->info);
  if (job->out != NULL)
    g_byte_array_unref (job->out);
  g_free (job->row);
  g_free (job->message);
  g_free (job);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PngJob, png_job_free)

static void
png_error_cb (png_structp png, png_const_charp message)
{
  PngJob *job = png_get_error_ptr (png);

  g_free (job->message);
  job->message = g_strdup (message);
  png_longjmp (png, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp message)
{
  /* Warnings describe the encoder's choices, not a failure. */
}

static void
png_write_cb (png_structp png, png_bytep data, png_size_t length)
{
  PngJob *job = png_get_io_ptr (png);

  g_byte_array_append (job->out, data, (guint) length);
}

static void
png_flush_cb (png_structp png)
{
}

GBytes *
sch_scan_encode_lineart_png (const guint8 *pixels,
                             guint         width,
                             guint         height,
                             gsize         stride,
                             guint         dpi,
                             GError      **error)
{
  g_autoptr(PngJob) job = g_new0 (PngJob, 1);
  png_uint_32 ppm;

  g_return_val_if_fail (pixels != NULL, NULL);
  g_return_val_if_fail (width > 0 && height > 0 && stride >= width, NULL);

  job->out = g_byte_array_new ();
  job->row = g_malloc0 ((width + 7) / 8);
  job->png = png_create_write_struct (PNG_LIBPNG_VER_STRING, job, png_error_cb, png_warning_cb);
  if (job->png != NULL)
    job->info = png_create_info_struct (job->png);
  if (job->png == NULL || job->info == NULL)
    {
      g_set_error (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                   _("The scanned page could not be compressed as PNG: out of memory."));
      return NULL;
    }

  if (setjmp (png_jmpbuf (job->png)))
    {
      g_set_error (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                   _("The scanned page could not be compressed as PNG: %s."),
                   job->message ? job->message : "");
      return NULL;
    }

  png_set_write_fn (job->png, job, png_write_cb, png_flush_cb);
  png_set_IHDR (job->png, job->info, width, height, 1, PNG_COLOR_TYPE_GRAY,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  ppm = (png_uint_32) (dpi / 0.0254 + 0.5);
  png_set_pHYs (job->png, job->info, ppm, ppm, PNG_RESOLUTION_METER);
  png_write_info (job->png, job->info);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = pixels + (gsize) y * stride;

      memset (job->row, 0, (width + 7) / 8);
      /* In a 1-bit gray PNG a set bit is white. */
      for (guint x = 0; x < width; x++)
        if (src[x] >= 128)
          job->row[x / 8] |= (guint8) (0x80 >> (x % 8));
      png_write_row (job->png, job->row);
    }
  png_write_end (job->png, job->info);

  return g_byte_array_free_to_bytes (g_steal_pointer (&job->out));
}
