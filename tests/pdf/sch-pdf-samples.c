/* sch-pdf-samples.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-test"

#include "config.h"

#include <cairo-pdf.h>
#include <gdk-pixbuf/gdk-pixbuf.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include <tiffio.h>

#include "sch-pdf-samples.h"

static cairo_status_t
append_to_array (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* @sizes: width and height of each page in points; NULL for A4 pages.
 * Each page has a heading, lines of text, a frame and a filled circle. */
GBytes *
sample_pdf_cairo (guint         n_pages,
                  const double *sizes)
{
  GByteArray *out = g_byte_array_new ();
  cairo_surface_t *surface = cairo_pdf_surface_create_for_stream (append_to_array, out, 595, 842);
  cairo_t *cr = cairo_create (surface);

  for (guint i = 0; i < n_pages; i++)
    {
      double width = sizes != NULL ? sizes[2 * i] : 595.276;
      double height = sizes != NULL ? sizes[2 * i + 1] : 841.89;
      g_autofree char *heading = g_strdup_printf ("Page %u of the sample", i + 1);

      cairo_pdf_surface_set_size (surface, width, height);
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.4);
      cairo_rectangle (cr, 36, 36, width - 72, height - 72);
      cairo_set_line_width (cr, 3);
      cairo_stroke (cr);
      cairo_arc (cr, width / 2, height / 2, MIN (width, height) / 5, 0, 2 * G_PI);
      cairo_set_source_rgb (cr, 0.8, 0.2, 0.1);
      cairo_fill (cr);
      cairo_set_source_rgb (cr, 0, 0, 0);
      cairo_select_font_face (cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_BOLD);
      cairo_set_font_size (cr, 28);
      cairo_move_to (cr, 60, 90);
      cairo_show_text (cr, heading);
      cairo_set_font_size (cr, 11);
      for (int line = 0; line < 30 && 120 + line * 16 < height - 60; line++)
        {
          cairo_move_to (cr, 60, 120 + line * 16);
          cairo_show_text (cr, "Residence permit application: name, date of birth, nationality.");
        }
      cairo_show_page (cr);
    }
  cairo_destroy (cr);
  cairo_surface_destroy (surface);
  return g_byte_array_free_to_bytes (out);
}

/* A one-page PDF with a correct xref: object 1 is the catalog, 2 the page
 * tree, 3 the page, and @objects (NULL-terminated) are objects 4, 5, … */
GBytes *
sample_pdf_raw (const char        *catalog_extra,
                const char        *page_extra,
                const char *const *objects)
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  GString *pdf = g_string_new ("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n");
  gsize xref;

  g_ptr_array_add (bodies, g_strdup_printf ("<< /Type /Catalog /Pages 2 0 R %s >>",
                                            catalog_extra ? catalog_extra : ""));
  g_ptr_array_add (bodies, g_strdup ("<< /Type /Pages /Kids [3 0 R] /Count 1 >>"));
  g_ptr_array_add (bodies, g_strdup_printf ("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s >>",
                                            page_extra ? page_extra : ""));
  for (guint i = 0; objects != NULL && objects[i] != NULL; i++)
    g_ptr_array_add (bodies, g_strdup (objects[i]));

  for (guint i = 0; i < bodies->len; i++)
    {
      g_array_append_val (offsets, pdf->len);
      g_string_append_printf (pdf, "%u 0 obj\n%s\nendobj\n", i + 1,
                              (const char *) g_ptr_array_index (bodies, i));
    }
  xref = pdf->len;
  g_string_append_printf (pdf, "xref\n0 %u\n0000000000 65535 f \n", bodies->len + 1);
  for (guint i = 0; i < offsets->len; i++)
    g_string_append_printf (pdf, "%010" G_GSIZE_FORMAT " 00000 n \n", g_array_index (offsets, gsize, i));
  g_string_append_printf (pdf, "trailer\n<< /Size %u /Root 1 0 R >>\nstartxref\n%" G_GSIZE_FORMAT
                          "\n%%%%EOF\n", bodies->len + 1, xref);
  return g_string_free_to_bytes (pdf);
}

GBytes *
sample_pdf_javascript (void)
{
  const char *objects[] = { "<< /S /JavaScript /JS (app.alert\\('Hello'\\);) >>", NULL };

  return sample_pdf_raw ("/OpenAction 4 0 R", NULL, objects);
}

GBytes *
sample_pdf_embedded_file (void)
{
  const char *objects[] = {
    "<< /Names [(note.txt) 5 0 R] >>",
    "<< /Type /Filespec /F (note.txt) /UF (note.txt) /EF << /F 6 0 R >> >>",
    "<< /Type /EmbeddedFile /Length 6 >>\nstream\nhello\n\nendstream",
    NULL
  };

  return sample_pdf_raw ("/Names << /EmbeddedFiles 4 0 R >>", NULL, objects);
}

GBytes *
sample_pdf_launch (void)
{
  const char *objects[] = {
    "<< /Type /Annot /Subtype /Link /Rect [72 72 300 120] /Border [0 0 0] "
    "/A << /S /Launch /F (cmd.exe) >> >>",
    NULL
  };

  return sample_pdf_raw (NULL, "/Annots [4 0 R]", objects);
}

GBytes *
sample_pdf_uri (void)
{
  const char *objects[] = {
    "<< /Type /Annot /Subtype /Link /Rect [72 72 300 120] /Border [0 0 0] "
    "/A << /S /URI /URI (https://example.org/) >> >>",
    NULL
  };

  return sample_pdf_raw (NULL, "/Annots [4 0 R]", objects);
}

GBytes *
sample_pdf_form (void)
{
  const char *objects[] = {
    "<< /Type /Annot /Subtype /Widget /FT /Tx /T (surname) /V (Muster) "
    "/Rect [100 600 300 630] /P 3 0 R /F 4 >>",
    NULL
  };

  return sample_pdf_raw ("/AcroForm << /Fields [4 0 R] >>", "/Annots [4 0 R]", objects);
}

/* Runs qpdf over @pdf; NULL when qpdf is not installed. */
GBytes *
sample_qpdf (GBytes            *pdf,
             const char *const *arguments)
{
  g_autofree char *qpdf = g_find_program_in_path ("qpdf");
  g_autofree char *dir = NULL;
  g_autofree char *in = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) argv = NULL;
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;
  int status;

  if (qpdf == NULL)
    return NULL;
  dir = g_dir_make_tmp ("schalter-qpdf-XXXXXX", &error);
  g_assert_no_error (error);
  in = g_build_filename (dir, "in.pdf", NULL);
  out = g_build_filename (dir, "out.pdf", NULL);
  g_file_set_contents (in, g_bytes_get_data (pdf, NULL), g_bytes_get_size (pdf), &error);
  g_assert_no_error (error);

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, qpdf);
  for (guint i = 0; arguments[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) arguments[i]);
  g_ptr_array_add (argv, in);
  g_ptr_array_add (argv, out);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  g_file_get_contents (out, &contents, &length, &error);
  g_assert_no_error (error);

  g_unlink (in);
  g_unlink (out);
  g_rmdir (dir);
  return g_bytes_new_take (contents, length);
}

GBytes *
sample_pdf_encrypted (GBytes     *pdf,
                      const char *password)
{
  g_autofree char *owner = g_strconcat (password, "-owner", NULL);
  const char *arguments[] = { "--encrypt", password, owner, "256", "--", NULL };

  return sample_qpdf (pdf, arguments);
}

static GdkPixbuf *
sample_pixbuf (int width,
               int height)
{
  GdkPixbuf *pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);

  /* A gradient with a dark top-left quarter, so orientation is visible. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        guint8 *p = pixels + y * stride + x * 3;
        gboolean dark = x < width / 2 && y < height / 2;

        p[0] = dark ? 20 : 255 * x / width;
        p[1] = dark ? 20 : 255 * y / height;
        p[2] = dark ? 20 : 180;
      }
  return pixbuf;
}

/* An APP1 segment holding only the EXIF orientation tag. */
static void
append_exif_orientation (GByteArray *jpeg,
                         int         orientation)
{
  const guint8 segment[] = {
    0xff, 0xe1, 0x00, 34,
    'E', 'x', 'i', 'f', 0, 0,
    'I', 'I', 42, 0, 8, 0, 0, 0,
    1, 0,
    0x12, 0x01, 3, 0, 1, 0, 0, 0, orientation, 0, 0, 0,
    0, 0, 0, 0,
  };

  g_byte_array_append (jpeg, segment, sizeof segment);
}

GBytes *
sample_jpeg (int width,
             int height,
             int dpi,
             int exif_orientation)
{
  g_autoptr(GdkPixbuf) pixbuf = sample_pixbuf (width, height);
  g_autoptr(GError) error = NULL;
  g_autofree char *buffer = NULL;
  g_autofree char *dpi_text = g_strdup_printf ("%d", dpi);
  GByteArray *jpeg;
  gsize size;

  if (dpi > 0)
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "90",
                               "x-dpi", dpi_text, "y-dpi", dpi_text, NULL);
  else
    gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "jpeg", &error, "quality", "90", NULL);
  g_assert_no_error (error);

  jpeg = g_byte_array_new ();
  g_byte_array_append (jpeg, (const guint8 *) buffer, 2);
  if (exif_orientation > 0)
    append_exif_orientation (jpeg, exif_orientation);
  g_byte_array_append (jpeg, (const guint8 *) buffer + 2, size - 2);
  return g_byte_array_free_to_bytes (jpeg);
}

GBytes *
sample_png (int width,
            int height)
{
  g_autoptr(GdkPixbuf) pixbuf = sample_pixbuf (width, height);
  g_autoptr(GError) error = NULL;
  char *buffer;
  gsize size;

  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

GBytes *
sample_tiff (guint n_pages,
             int   width,
             int   height,
             int   dpi)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *row = g_malloc (width * 3);
  char *contents;
  gsize length;
  TIFF *tif;
  int fd;

  fd = g_file_open_tmp ("schalter-sample-XXXXXX.tif", &path, &error);
  g_assert_no_error (error);
  close (fd);

  tif = TIFFOpen (path, "w");
  g_assert_nonnull (tif);
  for (guint page = 0; page < n_pages; page++)
    {
      TIFFSetField (tif, TIFFTAG_IMAGEWIDTH, width);
      TIFFSetField (tif, TIFFTAG_IMAGELENGTH, height);
      TIFFSetField (tif, TIFFTAG_BITSPERSAMPLE, 8);
      TIFFSetField (tif, TIFFTAG_SAMPLESPERPIXEL, 3);
      TIFFSetField (tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_RGB);
      TIFFSetField (tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
      TIFFSetField (tif, TIFFTAG_COMPRESSION, COMPRESSION_LZW);
      TIFFSetField (tif, TIFFTAG_ROWSPERSTRIP, 16);
      TIFFSetField (tif, TIFFTAG_XRESOLUTION, (float) dpi);
      TIFFSetField (tif, TIFFTAG_YRESOLUTION, (float) dpi);
      TIFFSetField (tif, TIFFTAG_RESOLUTIONUNIT, RESUNIT_INCH);
      TIFFSetField (tif, TIFFTAG_SUBFILETYPE, FILETYPE_PAGE);
      TIFFSetField (tif, TIFFTAG_PAGENUMBER, page, n_pages);
      for (int y = 0; y < height; y++)
        {
          for (int x = 0; x < width; x++)
            {
              row[3 * x] = (x + page * 40) % 256;
              row[3 * x + 1] = y % 256;
              row[3 * x + 2] = 128;
            }
          g_assert_cmpint (TIFFWriteScanline (tif, row, y, 0), ==, 1);
        }
      TIFFWriteDirectory (tif);
    }
  TIFFClose (tif);

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  g_unlink (path);
  return g_bytes_new_take (contents, length);
}

GBytes *
sample_truncate (GBytes *bytes,
                 gsize   size)
{
  return g_bytes_new_from_bytes (bytes, 0, MIN (size, g_bytes_get_size (bytes)));
}

GBytes *
sample_flip_bits (GBytes *bytes,
                  GRand  *rand,
                  guint   n_flips)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (bytes, &size);
  guint8 *copy = g_memdup2 (data, size);

  for (guint i = 0; i < n_flips && size > 0; i++)
    copy[g_rand_int_range (rand, 0, size)] ^= 1 << g_rand_int_range (rand, 0, 8);
  return g_bytes_new_take (copy, size);
}

char *
sample_sha256 (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

static void
write_sample (const char *directory,
              const char *name,
              GBytes     *bytes)
{
  g_autofree char *path = g_build_filename (directory, name, NULL);
  g_autoptr(GError) error = NULL;

  if (bytes == NULL)
    return;
  g_file_set_contents (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  g_assert_no_error (error);
  g_bytes_unref (bytes);
}

/* The seed corpus of the fuzz target: valid, truncated, bit-flipped and
 * encrypted PDFs, PDFs with active content, and images. */
void
sample_write_corpus (const char *directory)
{
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276, 612, 792 };
  g_autoptr(GBytes) valid = sample_pdf_cairo (3, sizes);
  g_autoptr(GBytes) javascript = sample_pdf_javascript ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);

  g_mkdir_with_parents (directory, 0700);
  write_sample (directory, "valid.pdf", g_bytes_ref (valid));
  write_sample (directory, "truncated-half.pdf", sample_truncate (valid, g_bytes_get_size (valid) / 2));
  write_sample (directory, "truncated-head.pdf", sample_truncate (valid, 300));
  write_sample (directory, "bit-flipped-1.pdf", sample_flip_bits (valid, rand, 4));
  write_sample (directory, "bit-flipped-2.pdf", sample_flip_bits (valid, rand, 40));
  write_sample (directory, "encrypted.pdf", sample_pdf_encrypted (valid, "secret"));
  write_sample (directory, "javascript.pdf", g_bytes_ref (javascript));
  write_sample (directory, "javascript-bit-flipped.pdf", sample_flip_bits (javascript, rand, 3));
  write_sample (directory, "embedded-file.pdf", sample_pdf_embedded_file ());
  write_sample (directory, "launch.pdf", sample_pdf_launch ());
  write_sample (directory, "uri.pdf", sample_pdf_uri ());
  write_sample (directory, "form.pdf", sample_pdf_form ());
  write_sample (directory, "photo.jpg", sample_jpeg (64, 48, 300, 6));
  write_sample (directory, "image.png", sample_png (40, 30));
  write_sample (directory, "pages.tif", sample_tiff (2, 32, 24, 200));
}
