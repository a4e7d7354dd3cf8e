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
#include <zlib.h>

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

GBytes *
sample_pdf_escaped (SampleEscaped what)
{
  const char *javascript[] = { "<< /S /J#61vaScript /J#53 (app.alert\\(1\\);) >>", NULL };
  const char *launch[] = { "<< /S /Laun#63h /F (cmd.exe) >>", NULL };
  const char *uri[] = { "<< /S /UR#49 /UR#49 (https://example.org/) >>", NULL };
  const char *embedded[] = {
    "<< /Names [(note.txt) 5 0 R] >>",
    "<< /Type /Filespec /F (note.txt) /#45F << /F 6 0 R >> >>",
    "<< /Type /E#6dbeddedFile /Length 6 >>\nstream\nhello\n\nendstream",
    NULL
  };

  switch (what)
    {
    case SAMPLE_ESCAPED_JAVASCRIPT:
      return sample_pdf_raw ("/OpenAction 4 0 R", NULL, javascript);
    case SAMPLE_ESCAPED_LAUNCH:
      return sample_pdf_raw ("/OpenAction 4 0 R", NULL, launch);
    case SAMPLE_ESCAPED_URI:
      return sample_pdf_raw ("/OpenAction 4 0 R", NULL, uri);
    case SAMPLE_ESCAPED_EMBEDDED_FILE:
      return sample_pdf_raw ("/Names << /E#6dbeddedFiles 4 0 R >>", NULL, embedded);
    case SAMPLE_ESCAPED_FORM:
    default:
      /* A form without widgets on its pages: only its name tells. */
      return sample_pdf_raw ("/Acro#46orm << /Fields [] /X#46A 4 0 R >>", NULL,
                             (const char *[]) { "[(template) 5 0 R]", "<< /Length 0 >>\nstream\n\nendstream",
                                                NULL });
    }
}

static void
encode_ascii_hex (GByteArray *out, const guint8 *data, gsize size)
{
  for (gsize i = 0; i < size; i++)
    {
      char pair[3];

      g_snprintf (pair, sizeof pair, "%02X", data[i]);
      g_byte_array_append (out, (const guint8 *) pair, 2);
      if (i % 32 == 31)
        g_byte_array_append (out, (const guint8 *) "\n", 1);
    }
  g_byte_array_append (out, (const guint8 *) ">", 1);
}

static void
encode_ascii_85 (GByteArray *out, const guint8 *data, gsize size)
{
  for (gsize i = 0; i < size; i += 4)
    {
      gsize n = MIN (4, size - i);
      guint32 value = 0;
      char group[5];

      for (gsize k = 0; k < 4; k++)
        value = value << 8 | (k < n ? data[i + k] : 0);
      if (value == 0 && n == 4)
        {
          g_byte_array_append (out, (const guint8 *) "z", 1);
          continue;
        }
      for (int k = 4; k >= 0; k--, value /= 85)
        group[k] = '!' + value % 85;
      g_byte_array_append (out, (const guint8 *) group, n + 1);
    }
  g_byte_array_append (out, (const guint8 *) "~>", 2);
}

static void
encode_flate (GByteArray *out, const guint8 *data, gsize size)
{
  uLongf length = compressBound (size);
  guint original = out->len;

  g_byte_array_set_size (out, original + length);
  g_assert_cmpint (compress (out->data + original, &length, data, size), ==, Z_OK);
  g_byte_array_set_size (out, original + length);
}

/* PNG "Up" on rows of @columns bytes, then Flate. */
static void
encode_flate_predictor (GByteArray *out, const guint8 *data, gsize size, gsize columns)
{
  g_autoptr(GByteArray) rows = g_byte_array_new ();

  for (gsize r = 0; r * columns < size; r++)
    {
      g_byte_array_append (rows, (const guint8 *) "\x02", 1);
      for (gsize i = 0; i < columns; i++)
        {
          gsize at = r * columns + i;
          guint8 current = at < size ? data[at] : ' ';
          guint8 above = r > 0 ? data[at - columns] : 0;

          g_byte_array_append (rows, (const guint8[]) { current - above }, 1);
        }
    }
  encode_flate (out, rows->data, rows->len);
}

typedef struct {
  GByteArray *out;
  guint32 buffer;
  int bits;
} BitWriter;

static void
write_code (BitWriter *writer, guint code)
{
  writer->buffer = writer->buffer << 9 | code;
  writer->bits += 9;
  while (writer->bits >= 8)
    {
      writer->bits -= 8;
      g_byte_array_append (writer->out, (const guint8[]) { (writer->buffer >> writer->bits) & 0xff }, 1);
    }
}

/* LZW with a table, kept short enough for 9-bit codes throughout. */
static void
encode_lzw (GByteArray *out, const guint8 *data, gsize size)
{
  g_autoptr(GHashTable) table = g_hash_table_new (NULL, NULL);
  BitWriter writer = { out, 0, 0 };
  guint next = 258, current;

  g_assert_cmpuint (size, <, 240);
  write_code (&writer, 256);
  current = data[0];
  for (gsize i = 1; i < size; i++)
    {
      gpointer key = GUINT_TO_POINTER (current << 8 | data[i]);
      gpointer code;

      if (g_hash_table_lookup_extended (table, key, NULL, &code))
        {
          current = GPOINTER_TO_UINT (code);
          continue;
        }
      write_code (&writer, current);
      g_hash_table_insert (table, key, GUINT_TO_POINTER (next++));
      current = data[i];
    }
  write_code (&writer, current);
  write_code (&writer, 257);
  if (writer.bits > 0)
    write_code (&writer, 0);
}

static void
encode_run_length (GByteArray *out, const guint8 *data, gsize size)
{
  for (gsize i = 0; i < size; i += 128)
    {
      gsize n = MIN (128, size - i);

      g_byte_array_append (out, (const guint8[]) { n - 1 }, 1);
      g_byte_array_append (out, data + i, n);
    }
  g_byte_array_append (out, (const guint8[]) { 128 }, 1);
}

static const char *
encode_stream (GByteArray *out, SampleStream encoding, const guint8 *data, gsize size)
{
  switch (encoding)
    {
    case SAMPLE_STREAM_ASCII_HEX:
      encode_ascii_hex (out, data, size);
      return "/Filter /ASCIIHexDecode";
    case SAMPLE_STREAM_ESCAPED_FILTER:
      encode_ascii_hex (out, data, size);
      return "/#46ilter /ASCII#48ex#44ecode";
    case SAMPLE_STREAM_ASCII_85:
      encode_ascii_85 (out, data, size);
      return "/Filter /ASCII85Decode";
    case SAMPLE_STREAM_ASCII_85_FLATE:
      {
        g_autoptr(GByteArray) flate = g_byte_array_new ();

        encode_flate (flate, data, size);
        encode_ascii_85 (out, flate->data, flate->len);
        return "/Filter [/ASCII85Decode /FlateDecode]";
      }
    case SAMPLE_STREAM_FLATE_PREDICTOR:
      encode_flate_predictor (out, data, size, 8);
      return "/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>";
    case SAMPLE_STREAM_LZW:
      encode_lzw (out, data, size);
      return "/Filter /LZWDecode";
    case SAMPLE_STREAM_RUN_LENGTH:
      encode_run_length (out, data, size);
      return "/Filter /RunLengthDecode";
    case SAMPLE_STREAM_PLAIN:
    default:
      g_byte_array_append (out, data, size);
      return "";
    }
}

static void
put_be (GByteArray *out, guint64 value, int bytes)
{
  for (int i = bytes - 1; i >= 0; i--)
    g_byte_array_append (out, (const guint8[]) { (value >> (8 * i)) & 0xff }, 1);
}

/* A one-page PDF 1.5 whose objects @hidden (NULL-terminated, numbered 5,
 * 6, …) are in an object stream encoded as @encoding, with a
 * cross-reference stream. Objects 1 to 3 are the catalog, the page tree
 * and the page, as in sample_pdf_raw(); 4 is the object stream. */
GBytes *
sample_pdf_object_stream (SampleStream       encoding,
                          const char        *catalog_extra,
                          const char *const *hidden)
{
  g_autoptr(GString) header = g_string_new (NULL);
  g_autoptr(GString) body = g_string_new (NULL);
  g_autoptr(GByteArray) encoded = g_byte_array_new ();
  g_autoptr(GByteArray) xref = g_byte_array_new ();
  GByteArray *pdf = g_byte_array_new ();
  gsize offsets[4];
  guint n_hidden = 0;
  guint xref_number;
  gsize xref_offset;
  const char *filter;
  g_autofree char *text = NULL;

  for (; hidden[n_hidden] != NULL; n_hidden++)
    {
      g_string_append_printf (header, "%u %" G_GSIZE_FORMAT " ", 5 + n_hidden, body->len);
      g_string_append_printf (body, "%s\n", hidden[n_hidden]);
    }
  g_string_append_c (header, '\n');
  text = g_strconcat (header->str, body->str, NULL);
  filter = encode_stream (encoded, encoding, (const guint8 *) text, strlen (text));

  g_byte_array_append (pdf, (const guint8 *) "%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", 15);
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *object = NULL;

      offsets[i] = pdf->len;
      if (i == 0)
        object = g_strdup_printf ("1 0 obj\n<< /Type /Catalog /Pages 2 0 R %s >>\nendobj\n",
                                  catalog_extra != NULL ? catalog_extra : "");
      else if (i == 1)
        object = g_strdup ("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
      else if (i == 2)
        object = g_strdup ("3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n");
      else
        object = g_strdup_printf ("4 0 obj\n<< /Type /ObjStm /N %u /First %" G_GSIZE_FORMAT " /Length %u %s >>\nstream\n",
                                  n_hidden, header->len, encoded->len, filter);
      g_byte_array_append (pdf, (const guint8 *) object, strlen (object));
    }
  g_byte_array_append (pdf, encoded->data, encoded->len);
  g_byte_array_append (pdf, (const guint8 *) "\nendstream\nendobj\n", 18);

  /* Entries: 0 free, 1-4 in the file, the hidden ones in 4, then the
   * cross-reference stream itself. */
  xref_number = 5 + n_hidden;
  xref_offset = pdf->len;
  put_be (xref, 0, 1), put_be (xref, 0, 4), put_be (xref, 65535, 2);
  for (guint i = 0; i < 4; i++)
    put_be (xref, 1, 1), put_be (xref, offsets[i], 4), put_be (xref, 0, 2);
  for (guint i = 0; i < n_hidden; i++)
    put_be (xref, 2, 1), put_be (xref, 4, 4), put_be (xref, i, 2);
  put_be (xref, 1, 1), put_be (xref, xref_offset, 4), put_be (xref, 0, 2);
  {
    g_autofree char *object = g_strdup_printf ("%u 0 obj\n<< /Type /XRef /Size %u /W [1 4 2] /Root 1 0 R "
                                               "/Length %u >>\nstream\n",
                                               xref_number, xref_number + 1, xref->len);
    g_autofree char *tail = g_strdup_printf ("\nendstream\nendobj\nstartxref\n%" G_GSIZE_FORMAT "\n%%%%EOF\n",
                                             xref_offset);

    g_byte_array_append (pdf, (const guint8 *) object, strlen (object));
    g_byte_array_append (pdf, xref->data, xref->len);
    g_byte_array_append (pdf, (const guint8 *) tail, strlen (tail));
  }
  return g_byte_array_free_to_bytes (pdf);
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

static void
put_le (GByteArray *out, guint32 value, int bytes)
{
  for (int i = 0; i < bytes; i++)
    g_byte_array_append (out, (const guint8[]) { (value >> (8 * i)) & 0xff }, 1);
}

/* A gray TIFF that declares @width × @height pixels and holds 16 bytes. */
GBytes *
sample_tiff_bomb (guint32 width,
                  guint32 height)
{
  const struct {
    guint16 tag;
    guint16 type;   /* 3 SHORT, 4 LONG */
    guint32 value;
  } entries[] = {
    { 256, 4, width }, { 257, 4, height }, { 258, 3, 8 }, { 259, 3, 1 }, { 262, 3, 1 },
    { 273, 4, 8 + 2 + 9 * 12 + 4 }, { 277, 3, 1 }, { 278, 4, height }, { 279, 4, 16 },
  };
  GByteArray *tiff = g_byte_array_new ();

  g_byte_array_append (tiff, (const guint8 *) "II*\0", 4);
  put_le (tiff, 8, 4);
  put_le (tiff, G_N_ELEMENTS (entries), 2);
  for (gsize i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      put_le (tiff, entries[i].tag, 2);
      put_le (tiff, entries[i].type, 2);
      put_le (tiff, 1, 4);
      put_le (tiff, entries[i].value, 4);
    }
  put_le (tiff, 0, 4);
  for (int i = 0; i < 16; i++)
    g_byte_array_append (tiff, (const guint8[]) { i * 16 }, 1);
  return g_byte_array_free_to_bytes (tiff);
}

/* Random pixels: a PNG that does not compress, for size limits. */
GBytes *
sample_noise_png (int width,
                  int height)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, width, height);
  g_autoptr(GRand) rand = g_rand_new_with_seed (width * 31 + height);
  g_autoptr(GError) error = NULL;
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  int stride = gdk_pixbuf_get_rowstride (pixbuf);
  char *buffer;
  gsize size;

  for (int y = 0; y < height; y++)
    for (int x = 0; x < width * 3; x++)
      pixels[y * stride + x] = g_rand_int_range (rand, 0, 256);
  gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error, NULL);
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
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
 * encrypted PDFs, PDFs with active content (plain, with escaped names, in
 * object streams of every encoding), and images. */
void
sample_write_corpus (const char *directory)
{
  const double sizes[] = { 595.276, 841.89, 841.89, 595.276, 612, 792 };
  g_autoptr(GBytes) valid = sample_pdf_cairo (3, sizes);
  g_autoptr(GBytes) javascript = sample_pdf_javascript ();
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  const char *script[] = { "<< /S /JavaScript /JS (app.alert\\(1\\);) >>", NULL };

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
  write_sample (directory, "escaped-javascript.pdf", sample_pdf_escaped (SAMPLE_ESCAPED_JAVASCRIPT));
  write_sample (directory, "escaped-launch.pdf", sample_pdf_escaped (SAMPLE_ESCAPED_LAUNCH));
  write_sample (directory, "escaped-uri.pdf", sample_pdf_escaped (SAMPLE_ESCAPED_URI));
  write_sample (directory, "escaped-embedded-file.pdf", sample_pdf_escaped (SAMPLE_ESCAPED_EMBEDDED_FILE));
  write_sample (directory, "escaped-form.pdf", sample_pdf_escaped (SAMPLE_ESCAPED_FORM));
  for (int encoding = SAMPLE_STREAM_PLAIN; encoding <= SAMPLE_STREAM_ESCAPED_FILTER; encoding++)
    {
      g_autofree char *name = g_strdup_printf ("object-stream-%d.pdf", encoding);

      write_sample (directory, name, sample_pdf_object_stream (encoding, "/OpenAction 5 0 R", script));
    }
  write_sample (directory, "photo.jpg", sample_jpeg (64, 48, 300, 6));
  write_sample (directory, "image.png", sample_png (40, 30));
  write_sample (directory, "pages.tif", sample_tiff (2, 32, 24, 200));
  write_sample (directory, "bomb.tif", sample_tiff_bomb (100000, 100000));
  {
    g_autoptr(GBytes) photo = sample_jpeg (64, 48, 300, 6);
    g_autoptr(GBytes) image = sample_png (40, 30);

    write_sample (directory, "photo-truncated.jpg", sample_truncate (photo, g_bytes_get_size (photo) / 2));
    write_sample (directory, "photo-bit-flipped.jpg", sample_flip_bits (photo, rand, 8));
    write_sample (directory, "image-truncated.png", sample_truncate (image, 60));
  }
}
