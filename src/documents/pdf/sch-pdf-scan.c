/* sch-pdf-scan.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Names are read the way poppler's lexer reads them: "/J#61vaScript" is
 * /JavaScript. Long names of active content count wherever they appear;
 * short ones (/JS, /URI, /EF, /XFA) would turn up by chance in compressed
 * or image data, so they count after /S, /Type or /Subtype, or amid text.
 * Streams are decoded as poppler decodes them (filters, parameters and
 * its handling of bad input), since an object stream holds dictionaries
 * that are not visible in the file's bytes.
 */
#define G_LOG_DOMAIN "sch-pdf-helper"
#define _GNU_SOURCE /* memmem */

#include "config.h"

#include <string.h>
#include <zlib.h>

#include "sch-pdf-inspector.h"
#include "sch-pdf-scan.h"

/* Names */

typedef struct {
  const char *name;
  guint flag;
  gboolean strong;  /* too long to occur by chance in binary data */
} ActiveName;

static const ActiveName active_names[] = {
  { "JavaScript", SCH_PDF_ACTIVE_JAVASCRIPT, TRUE },
  { "JS", SCH_PDF_ACTIVE_JAVASCRIPT, FALSE },
  { "EmbeddedFile", SCH_PDF_ACTIVE_EMBEDDED_FILES, TRUE },
  { "EmbeddedFiles", SCH_PDF_ACTIVE_EMBEDDED_FILES, TRUE },
  { "FileAttachment", SCH_PDF_ACTIVE_EMBEDDED_FILES, TRUE },
  { "EF", SCH_PDF_ACTIVE_EMBEDDED_FILES, FALSE },
  { "Launch", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "GoToR", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "GoToE", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "SubmitForm", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "ImportData", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "RichMedia", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "RichMediaExecute", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "Movie", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "Rendition", SCH_PDF_ACTIVE_LAUNCH, TRUE },
  { "URI", SCH_PDF_ACTIVE_URI, FALSE },
  { "AcroForm", SCH_PDF_ACTIVE_FORMS, TRUE },
  { "XFA", SCH_PDF_ACTIVE_FORMS, FALSE },
};

/* Decoded names longer than this are none of ours (PDF allows 127). */
#define MAX_NAME 32
/* Text around a short name that makes it count: binary data is rarely
 * printable for this long, PDF syntax nearly always. */
#define TEXT_WINDOW 24

static gboolean
is_space (guint8 c)
{
  return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' || c == ' ';
}

static gboolean
is_delimiter (guint8 c)
{
  return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' ||
         c == '{' || c == '}' || c == '/' || c == '%';
}

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Reads the name whose '/' is at @p; returns the offset after it and puts
 * the decoded name into @name (empty when it is too long to matter). */
static gsize
read_name (const guint8 *data,
           gsize         size,
           gsize         p,
           char          name[MAX_NAME + 1])
{
  gsize length = 0;
  gboolean too_long = FALSE;

  for (p++; p < size && !is_space (data[p]) && !is_delimiter (data[p]); p++)
    {
      guint8 c = data[p];

      /* As poppler: "#" and two hex digits are one byte, else a "#". */
      if (c == '#' && p + 2 < size && hex_value (data[p + 1]) >= 0 && hex_value (data[p + 2]) >= 0)
        {
          c = hex_value (data[p + 1]) * 16 + hex_value (data[p + 2]);
          p += 2;
        }
      if (length < MAX_NAME)
        name[length++] = c;
      else
        too_long = TRUE;
    }
  name[too_long ? 0 : length] = '\0';
  return p;
}

/* Skips white space and comments from @p. */
static gsize
skip_space (const guint8 *data,
            gsize         size,
            gsize         p)
{
  while (p < size)
    {
      if (is_space (data[p]))
        p++;
      else if (data[p] == '%')
        while (p < size && data[p] != '\n' && data[p] != '\r')
          p++;
      else
        break;
    }
  return p;
}

static gboolean
is_text (const guint8 *data,
         gsize         size,
         gsize         start,
         gsize         end)
{
  start = start > TEXT_WINDOW ? start - TEXT_WINDOW : 0;
  end = MIN (size, end + TEXT_WINDOW);
  for (gsize i = start; i < end; i++)
    if (!(data[i] >= 0x20 && data[i] < 0x7f) && !g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

static const ActiveName *
lookup_active (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (active_names); i++)
    if (g_str_equal (name, active_names[i].name))
      return &active_names[i];
  return NULL;
}

static gboolean
is_type_key (const char *name)
{
  return g_str_equal (name, "S") || g_str_equal (name, "Type") || g_str_equal (name, "Subtype");
}

static guint
scan_names (const guint8 *data,
            gsize         size)
{
  const guint8 *slash;
  gsize p = 0;
  gsize type_key_end = G_MAXSIZE;  /* after the last /S, /Type or /Subtype */
  guint flags = 0;

  while (p < size && (slash = memchr (data + p, '/', size - p)) != NULL)
    {
      char name[MAX_NAME + 1];
      gsize start = slash - data;
      gsize end = read_name (data, size, start, name);
      const ActiveName *active = lookup_active (name);

      if (active != NULL &&
          (active->strong ||
           (type_key_end != G_MAXSIZE && skip_space (data, size, type_key_end) == start) ||
           is_text (data, size, start, end)))
        flags |= active->flag;
      type_key_end = is_type_key (name) ? end : G_MAXSIZE;
      p = end;
    }
  return flags;
}

gboolean
sch_pdf_scan_has_name (const guint8 *data,
                       gsize         size,
                       const char   *wanted)
{
  const guint8 *slash;
  gsize p = 0;

  g_return_val_if_fail (wanted != NULL, FALSE);

  while (p < size && (slash = memchr (data + p, '/', size - p)) != NULL)
    {
      char name[MAX_NAME + 1];

      p = read_name (data, size, slash - data, name);
      if (g_str_equal (name, wanted))
        return TRUE;
    }
  return FALSE;
}

/* Decoders, each as lenient as poppler's own: a bad byte ends or zeroes
 * the output as it does there, never hides what follows. */

typedef enum {
  FILTER_FLATE,
  FILTER_LZW,
  FILTER_ASCII_HEX,
  FILTER_ASCII_85,
  FILTER_RUN_LENGTH,
  FILTER_OTHER,     /* images and encryption: not decoded */
} FilterKind;

typedef struct {
  FilterKind kind;
  int predictor;
  int colors;
  int bits;
  int columns;
  int early_change;
} Filter;

static void
filter_init (Filter *filter, FilterKind kind)
{
  *filter = (Filter) { kind, 1, 1, 8, 1, 1 };
}

static void
decode_flate (const guint8 *in,
              gsize         size,
              GByteArray   *out,
              gsize         max)
{
  z_stream z = { 0 };
  guint8 chunk[65536];
  int status = Z_OK;

  /* With the zlib header, as poppler insists on it. */
  if (inflateInit (&z) != Z_OK)
    return;
  z.next_in = (Bytef *) in;
  z.avail_in = MIN (size, G_MAXUINT32);
  while (status == Z_OK && out->len < max)
    {
      gsize room = MIN (sizeof chunk, max - out->len);

      z.next_out = chunk;
      z.avail_out = room;
      status = inflate (&z, Z_NO_FLUSH);
      g_byte_array_append (out, chunk, room - z.avail_out);
    }
  inflateEnd (&z);
}

typedef struct {
  guint16 head;
  guint8 tail;
  guint16 length;
} LzwEntry;

typedef struct {
  const guint8 *in;
  gsize size;
  gsize pos;
  guint32 buffer;
  int bits;
} BitReader;

static int
read_code (BitReader *reader,
           int        width)
{
  while (reader->bits < width)
    {
      if (reader->pos >= reader->size)
        return -1;
      reader->buffer = (reader->buffer << 8) | reader->in[reader->pos++];
      reader->bits += 8;
    }
  reader->bits -= width;
  return (reader->buffer >> reader->bits) & ((1u << width) - 1);
}

/* As poppler's LZWStream, table overflow and early change included. */
static void
decode_lzw (const guint8 *in,
            gsize         size,
            int           early,
            GByteArray   *out,
            gsize         max)
{
  g_autofree LzwEntry *table = g_new0 (LzwEntry, 4097);
  guint8 sequence[4097];
  BitReader reader = { in, size, 0, 0, 0 };
  int next_code = 258, width = 9, prev_code = 0, length = 0;
  gboolean first = TRUE;
  guint8 new_char = 0;

  while (out->len < max)
    {
      int code = read_code (&reader, width);
      int next_length;

      if (code < 0 || code == 257)
        break;
      if (code == 256 || next_code >= 4097)
        {
          next_code = 258;
          width = 9;
          length = 0;
          first = TRUE;
          continue;
        }

      next_length = length + 1;
      if (code < 256)
        {
          sequence[0] = code;
          length = 1;
        }
      else if (code < next_code)
        {
          int j = code;

          length = table[code].length;
          for (int i = length - 1; i > 0; i--)
            {
              sequence[i] = table[j].tail;
              j = table[j].head;
            }
          sequence[0] = j;
        }
      else if (code == next_code && !first)
        {
          sequence[length++] = new_char;
        }
      else
        break;

      new_char = sequence[0];
      if (first)
        first = FALSE;
      else
        {
          table[next_code].length = next_length;
          table[next_code].head = prev_code;
          table[next_code].tail = new_char;
          next_code++;
          if (next_code + early == 512)
            width = 10;
          else if (next_code + early == 1024)
            width = 11;
          else if (next_code + early == 2048)
            width = 12;
        }
      prev_code = code;
      g_byte_array_append (out, sequence, MIN ((gsize) length, max - out->len));
    }
}

static guint8
hex_digit (guint8 c)
{
  int value = hex_value (c);

  return value >= 0 ? value : 0;
}

static gsize
skip_ascii_space (const guint8 *in,
                  gsize         size,
                  gsize         p)
{
  while (p < size && g_ascii_isspace (in[p]))
    p++;
  return p;
}

static void
decode_ascii_hex (const guint8 *in,
                  gsize         size,
                  GByteArray   *out,
                  gsize         max)
{
  gsize p = 0;

  while (out->len < max)
    {
      gboolean end = FALSE;
      guint8 byte;

      p = skip_ascii_space (in, size, p);
      if (p >= size || in[p] == '>')
        return;
      /* poppler takes a bad character as 0 and reads on. */
      byte = hex_digit (in[p++]) << 4;
      p = skip_ascii_space (in, size, p);
      if (p >= size || in[p] == '>')
        end = TRUE;
      else
        byte |= hex_digit (in[p++]);
      g_byte_array_append (out, &byte, 1);
      if (end)
        return;
    }
}

static void
decode_ascii_85 (const guint8 *in,
                 gsize         size,
                 GByteArray   *out,
                 gsize         max)
{
  gsize p = 0;

  while (out->len < max)
    {
      int c[5];
      int k;
      guint64 t = 0;
      guint8 bytes[4];
      gboolean end = FALSE;

      while (p < size && is_space (in[p]))
        p++;
      if (p >= size || in[p] == '~')
        return;
      if (in[p] == 'z')
        {
          p++;
          g_byte_array_append (out, (const guint8[]) { 0, 0, 0, 0 }, 4);
          continue;
        }
      c[0] = in[p++];
      for (k = 1; k < 5; k++)
        {
          while (p < size && is_space (in[p]))
            p++;
          if (p >= size || in[p] == '~')
            break;
          c[k] = in[p++];
        }
      if (k < 5)
        {
          end = TRUE;
          for (int i = k; i < 5; i++)
            c[i] = 0x21 + 84;
        }
      for (int i = 0; i < 5; i++)
        t = t * 85 + (guint64) (c[i] - 0x21);
      for (int i = 3; i >= 0; i--, t >>= 8)
        bytes[i] = t & 0xff;
      g_byte_array_append (out, bytes, k - 1);
      if (end)
        return;
    }
}

static void
decode_run_length (const guint8 *in,
                   gsize         size,
                   GByteArray   *out,
                   gsize         max)
{
  gsize p = 0;

  while (p < size && out->len < max)
    {
      guint8 n = in[p++];

      if (n == 128)
        return;
      if (n < 128)
        {
          gsize count = MIN ((gsize) n + 1, size - p);

          g_byte_array_append (out, in + p, count);
          p += count;
        }
      else if (p < size)
        {
          guint8 run[128];

          memset (run, in[p++], sizeof run);
          g_byte_array_append (out, run, 257 - n);
        }
    }
}

static int
paeth (int a, int b, int c)
{
  int p = a + b - c;
  int pa = ABS (p - a), pb = ABS (p - b), pc = ABS (p - c);

  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static void
unpredict_tiff_16 (const guint8 *src,
                   guint8       *row,
                   gsize         row_bytes,
                   gsize         pixel_bytes)
{
  for (gsize i = 0; i + 1 < row_bytes; i += 2)
    {
      guint left = i >= pixel_bytes ? (guint) row[i - pixel_bytes] << 8 | row[i - pixel_bytes + 1] : 0;
      guint value = ((guint) src[i] << 8 | src[i + 1]) + left;

      row[i] = (value >> 8) & 0xff;
      row[i + 1] = value & 0xff;
    }
}

/* Undoes a TIFF or PNG predictor as poppler's StreamPredictor does; other
 * parameters it rejects leave the data as it is, as there. */
static GByteArray *
unpredict (GByteArray   *data,
           const Filter *filter)
{
  gsize bits_per_pixel, row_bytes, pixel_bytes;
  gsize in_row, rows;
  GByteArray *out;
  g_autofree guint8 *previous = NULL;

  if (filter->predictor < 2 ||
      filter->columns <= 0 || filter->colors <= 0 || filter->colors > 32 ||
      filter->bits <= 0 || filter->bits > 16 ||
      filter->columns >= G_MAXINT / filter->colors ||
      filter->columns * filter->colors >= G_MAXINT / filter->bits ||
      (filter->predictor == 2 && filter->bits != 8 && filter->bits != 16))
    return data;

  bits_per_pixel = (gsize) filter->colors * filter->bits;
  row_bytes = ((gsize) filter->columns * bits_per_pixel + 7) / 8;
  pixel_bytes = (bits_per_pixel + 7) / 8;
  in_row = row_bytes + (filter->predictor >= 10 ? 1 : 0);
  rows = data->len / in_row;
  /* Rows wider than the data would only cost memory. */
  if (rows == 0)
    return data;
  out = g_byte_array_sized_new (rows * row_bytes);
  previous = g_malloc0 (row_bytes);

  for (gsize r = 0; r < rows; r++)
    {
      const guint8 *src = data->data + r * in_row;
      int type = filter->predictor >= 10 ? *src++ + 10 : filter->predictor;
      guint8 *row;

      g_byte_array_set_size (out, out->len + row_bytes);
      row = out->data + out->len - row_bytes;
      if (type == 2 && filter->bits == 16)
        unpredict_tiff_16 (src, row, row_bytes, pixel_bytes);
      else
        for (gsize i = 0; i < row_bytes; i++)
          {
            int left = i >= pixel_bytes ? row[i - pixel_bytes] : 0;
            int up = previous[i];
            int up_left = i >= pixel_bytes ? previous[i - pixel_bytes] : 0;

            switch (type)
              {
              case 2:  /* TIFF, 8 bits per component */
              case 11: /* PNG Sub */
                row[i] = src[i] + left;
                break;
              case 12: /* Up */
                row[i] = src[i] + up;
                break;
              case 13: /* Average */
                row[i] = src[i] + (left + up) / 2;
                break;
              case 14: /* Paeth */
                row[i] = src[i] + paeth (left, up, up_left);
                break;
              default:
                row[i] = src[i];
                break;
              }
          }
      memcpy (previous, row, row_bytes);
    }
  g_byte_array_unref (data);
  return out;
}

static GByteArray *
apply_filter (const guint8 *in,
              gsize         size,
              const Filter *filter,
              gsize         max)
{
  GByteArray *out = g_byte_array_new ();

  switch (filter->kind)
    {
    case FILTER_FLATE:
      decode_flate (in, size, out, max);
      return unpredict (out, filter);
    case FILTER_LZW:
      decode_lzw (in, size, filter->early_change, out, max);
      return unpredict (out, filter);
    case FILTER_ASCII_HEX:
      decode_ascii_hex (in, size, out, max);
      return out;
    case FILTER_ASCII_85:
      decode_ascii_85 (in, size, out, max);
      return out;
    case FILTER_RUN_LENGTH:
      decode_run_length (in, size, out, max);
      return out;
    case FILTER_OTHER:
    default:
      g_byte_array_unref (out);
      return NULL;
    }
}

/* Stream dictionaries */

typedef enum {
  TOKEN_END,
  TOKEN_NAME,
  TOKEN_NUMBER,
  TOKEN_DICT_OPEN,
  TOKEN_DICT_CLOSE,
  TOKEN_ARRAY_OPEN,
  TOKEN_ARRAY_CLOSE,
  TOKEN_OTHER,       /* strings, keywords (R, null, true…) */
} TokenKind;

typedef struct {
  TokenKind kind;
  char text[MAX_NAME + 1];
  gint64 number;
} Token;

typedef struct {
  const guint8 *data;
  gsize size;
  gsize pos;
} Lexer;

static gsize
skip_string (const guint8 *data,
             gsize         size,
             gsize         p)
{
  int depth = 0;

  for (; p < size; p++)
    {
      if (data[p] == '\\')
        p++;
      else if (data[p] == '(')
        depth++;
      else if (data[p] == ')' && --depth == 0)
        return p + 1;
    }
  return size;
}

static void
next_token (Lexer *lexer,
            Token *token)
{
  const guint8 *data = lexer->data;
  gsize p = skip_space (data, lexer->size, lexer->pos);
  gsize start = p;

  token->text[0] = '\0';
  if (p >= lexer->size)
    {
      token->kind = TOKEN_END;
      lexer->pos = p;
      return;
    }

  switch (data[p])
    {
    case '/':
      token->kind = TOKEN_NAME;
      p = read_name (data, lexer->size, p, token->text);
      break;
    case '<':
      if (p + 1 < lexer->size && data[p + 1] == '<')
        {
          token->kind = TOKEN_DICT_OPEN;
          p += 2;
        }
      else
        {
          const guint8 *close = memchr (data + p, '>', lexer->size - p);

          token->kind = TOKEN_OTHER;
          p = close != NULL ? (gsize) (close - data) + 1 : lexer->size;
        }
      break;
    case '>':
      token->kind = p + 1 < lexer->size && data[p + 1] == '>' ? TOKEN_DICT_CLOSE : TOKEN_OTHER;
      p += token->kind == TOKEN_DICT_CLOSE ? 2 : 1;
      break;
    case '[':
      token->kind = TOKEN_ARRAY_OPEN;
      p++;
      break;
    case ']':
      token->kind = TOKEN_ARRAY_CLOSE;
      p++;
      break;
    case '(':
      token->kind = TOKEN_OTHER;
      p = skip_string (data, lexer->size, p);
      break;
    default:
      while (p < lexer->size && !is_space (data[p]) && !is_delimiter (data[p]))
        p++;
      if (p == start)
        p++;
      token->kind = TOKEN_OTHER;
      if (g_ascii_isdigit (data[start]) || data[start] == '+' || data[start] == '-')
        {
          g_autofree char *text = g_strndup ((const char *) data + start, MIN (p - start, 20));
          char *end;

          token->number = g_ascii_strtoll (text, &end, 10);
          if (*end == '\0')
            token->kind = TOKEN_NUMBER;
        }
      else
        {
          gsize n = MIN (p - start, (gsize) MAX_NAME);

          memcpy (token->text, data + start, n);
          token->text[n] = '\0';
        }
      break;
    }
  lexer->pos = p;
}

static FilterKind
filter_kind (const char *name)
{
  static const struct {
    const char *name;
    const char *abbreviation;
    FilterKind kind;
  } kinds[] = {
    { "FlateDecode", "Fl", FILTER_FLATE },
    { "LZWDecode", "LZW", FILTER_LZW },
    { "ASCIIHexDecode", "AHx", FILTER_ASCII_HEX },
    { "ASCII85Decode", "A85", FILTER_ASCII_85 },
    { "RunLengthDecode", "RL", FILTER_RUN_LENGTH },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_str_equal (name, kinds[i].name) || g_str_equal (name, kinds[i].abbreviation))
      return kinds[i].kind;
  return FILTER_OTHER;
}

typedef struct {
  gsize start;        /* first byte of the data */
  gsize end;
  GArray *filters;    /* Filter; NULL when none is named */
  gboolean unknown;   /* the filters could not be read (an indirect one) */
  gboolean image;
} Stream;

static void
stream_clear (Stream *stream)
{
  g_clear_pointer (&stream->filters, g_array_unref);
}

/* Reads the decode parameters at the lexer into @filter (a dictionary;
 * anything else leaves the defaults). */
static void
read_parameters (Lexer  *lexer,
                 Token  *token,
                 Filter *filter)
{
  int depth = 1;

  if (token->kind != TOKEN_DICT_OPEN)
    return;
  while (depth > 0)
    {
      Token value;

      next_token (lexer, token);
      if (token->kind == TOKEN_END)
        return;
      if (token->kind == TOKEN_DICT_OPEN)
        depth++;
      else if (token->kind == TOKEN_DICT_CLOSE)
        depth--;
      if (depth != 1 || token->kind != TOKEN_NAME)
        continue;
      next_token (lexer, &value);
      if (value.kind != TOKEN_NUMBER || value.number < G_MININT || value.number > G_MAXINT)
        continue;
      if (g_str_equal (token->text, "Predictor"))
        filter->predictor = value.number;
      else if (g_str_equal (token->text, "Colors"))
        filter->colors = value.number;
      else if (g_str_equal (token->text, "BitsPerComponent"))
        filter->bits = value.number;
      else if (g_str_equal (token->text, "Columns"))
        filter->columns = value.number;
      else if (g_str_equal (token->text, "EarlyChange"))
        filter->early_change = value.number;
    }
}

/* Reads the value of /Filter: a name or an array of names. */
static void
read_filters (Lexer  *lexer,
              Stream *stream)
{
  Token token;

  g_clear_pointer (&stream->filters, g_array_unref);
  stream->filters = g_array_new (FALSE, FALSE, sizeof (Filter));
  stream->unknown = FALSE;
  next_token (lexer, &token);
  if (token.kind == TOKEN_NAME)
    {
      Filter filter;

      filter_init (&filter, filter_kind (token.text));
      g_array_append_val (stream->filters, filter);
      return;
    }
  if (token.kind != TOKEN_ARRAY_OPEN)
    {
      stream->unknown = TRUE;
      return;
    }
  for (next_token (lexer, &token); token.kind == TOKEN_NAME; next_token (lexer, &token))
    {
      Filter filter;

      filter_init (&filter, filter_kind (token.text));
      g_array_append_val (stream->filters, filter);
    }
  stream->unknown = token.kind != TOKEN_ARRAY_CLOSE;
}

/* Reads /DecodeParms into the filters read already (one dictionary, or an
 * array with one entry per filter). */
static void
read_decode_parameters (Lexer  *lexer,
                        Stream *stream)
{
  Token token;

  next_token (lexer, &token);
  if (stream->filters == NULL || stream->filters->len == 0)
    return;
  if (token.kind == TOKEN_DICT_OPEN)
    {
      read_parameters (lexer, &token, &g_array_index (stream->filters, Filter, 0));
      return;
    }
  if (token.kind != TOKEN_ARRAY_OPEN)
    return;
  for (guint i = 0; ; i++)
    {
      next_token (lexer, &token);
      if (token.kind == TOKEN_END || token.kind == TOKEN_ARRAY_CLOSE)
        return;
      if (i < stream->filters->len)
        read_parameters (lexer, &token, &g_array_index (stream->filters, Filter, i));
    }
}

/* Reads the last dictionary that starts in @data[@from..@to), the one of
 * the stream whose keyword is at @to; /Filter must come before
 * /DecodeParms there, as every writer puts them. */
static void
read_stream_dictionary (const guint8 *data,
                        gsize         from,
                        gsize         to,
                        Stream       *stream,
                        gint64       *length)
{
  Lexer lexer = { data, to, from };
  int depth = 0;
  Token token;

  *length = -1;
  for (next_token (&lexer, &token); token.kind != TOKEN_END; next_token (&lexer, &token))
    {
      if (token.kind == TOKEN_DICT_OPEN && depth++ == 0)
        {
          /* A new dictionary at the top: it may be the stream's. */
          stream_clear (stream);
          stream->unknown = FALSE;
          stream->image = FALSE;
          *length = -1;
        }
      else if (token.kind == TOKEN_DICT_CLOSE)
        depth = MAX (depth - 1, 0);
      else if (token.kind == TOKEN_NAME && depth == 1)
        {
          if (g_str_equal (token.text, "Filter"))
            read_filters (&lexer, stream);
          else if (g_str_equal (token.text, "DecodeParms"))
            read_decode_parameters (&lexer, stream);
          else if (g_str_equal (token.text, "Subtype"))
            {
              next_token (&lexer, &token);
              stream->image = token.kind == TOKEN_NAME && g_str_equal (token.text, "Image");
            }
          else if (g_str_equal (token.text, "Length"))
            {
              Lexer after;
              Token second;

              next_token (&lexer, &token);
              after = lexer;
              next_token (&after, &second);
              /* "5 0 R" is a reference, not a length. */
              if (token.kind == TOKEN_NUMBER && second.kind != TOKEN_NUMBER)
                *length = token.number;
            }
        }
    }
}

static const guint8 *
find_backwards (const guint8 *data,
                gsize         from,
                gsize         to,
                const char   *needle)
{
  gsize n = strlen (needle);

  for (gsize p = to; p >= from + n; p--)
    if (memcmp (data + p - n, needle, n) == 0)
      return data + p - n;
  return NULL;
}

/* Where the data of a stream ends: at its /Length when "endstream"
 * follows there, else at the next "endstream". */
static gsize
stream_end (const guint8 *data,
            gsize         size,
            gsize         start,
            gint64        length)
{
  const guint8 *end;

  if (length >= 0 && (guint64) length <= size - start)
    {
      gsize after = skip_space (data, MIN (size, start + length + 16), start + length);

      if (after + 9 <= size && memcmp (data + after, "endstream", 9) == 0)
        return start + length;
    }
  end = memmem (data + start, size - start, "endstream", 9);
  return end != NULL ? (gsize) (end - data) : size;
}

#define DICTIONARY_REACH (64 * 1024)

static GArray *
find_streams (const guint8 *data,
              gsize         size)
{
  GArray *streams = g_array_new (FALSE, TRUE, sizeof (Stream));
  const guint8 *keyword;
  gsize p = 0;
  gsize previous_end = 0;

  g_array_set_clear_func (streams, (GDestroyNotify) stream_clear);
  while (p < size && (keyword = memmem (data + p, size - p, "stream", 6)) != NULL)
    {
      gsize at = keyword - data;
      /* Each byte is looked at for one dictionary only: a file of many
       * tiny streams costs no more than one of few. */
      gsize from = MAX (previous_end, at > DICTIONARY_REACH ? at - DICTIONARY_REACH : 0);
      gsize start = at + 6;
      const guint8 *boundary;
      Stream stream = { 0 };
      gint64 length;

      p = start;
      if ((at >= 3 && memcmp (keyword - 3, "end", 3) == 0) ||
          (start < size && !is_space (data[start])))
        continue;
      /* As poppler: the data starts on the line after the keyword. */
      while (start < size && data[start] != '\n' && data[start] != '\r')
        start++;
      if (start < size && data[start] == '\r')
        start++;
      if (start < size && data[start] == '\n')
        start++;

      /* The dictionary is in the object the keyword ends. */
      boundary = find_backwards (data, from, at, "endobj");
      if (boundary == NULL)
        boundary = find_backwards (data, from, at, "endstream");
      if (boundary != NULL)
        from = boundary - data;
      read_stream_dictionary (data, from, at, &stream, &length);

      stream.start = start;
      stream.end = stream_end (data, size, start, length);
      g_array_append_val (streams, stream);
      p = previous_end = stream.end;
    }
  return streams;
}

/* Decoding and scanning */

typedef struct {
  gsize budget;
} Budget;

/* Applies @filters in turn to @data; NULL when nothing could be decoded. */
static GByteArray *
decode_chain (const guint8 *data,
              gsize         size,
              const Filter *filters,
              guint         n_filters,
              Budget       *budget)
{
  GByteArray *current = NULL;

  for (guint i = 0; i < n_filters && budget->budget > 0; i++)
    {
      const guint8 *in = current != NULL ? current->data : data;
      gsize in_size = current != NULL ? current->len : size;
      GByteArray *next = apply_filter (in, in_size, &filters[i],
                                       MIN (SCH_PDF_SCAN_STREAM_MAX, budget->budget));

      if (next == NULL)
        break;
      budget->budget -= MIN (budget->budget, next->len);
      g_clear_pointer (&current, g_byte_array_unref);
      current = next;
    }
  return current;
}

static guint
scan_decoded (const guint8 *data,
              gsize         size,
              const Filter *filters,
              guint         n_filters,
              Budget       *budget)
{
  g_autoptr(GByteArray) decoded = decode_chain (data, size, filters, n_filters, budget);

  return decoded != NULL ? scan_names (decoded->data, decoded->len) : 0;
}

/* For a /Filter that is not a name or an array of names (an indirect
 * object, which poppler follows), every decoding poppler might apply. */
static guint
scan_guessing_filters (const guint8 *data,
                       gsize         size,
                       Budget       *budget)
{
  static const FilterKind chains[][2] = {
    { FILTER_FLATE, FILTER_OTHER },
    { FILTER_LZW, FILTER_OTHER },
    { FILTER_ASCII_HEX, FILTER_OTHER },
    { FILTER_ASCII_85, FILTER_OTHER },
    { FILTER_RUN_LENGTH, FILTER_OTHER },
    { FILTER_ASCII_HEX, FILTER_FLATE },
    { FILTER_ASCII_85, FILTER_FLATE },
  };
  guint flags = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (chains); i++)
    {
      Filter filters[2];

      filter_init (&filters[0], chains[i][0]);
      filter_init (&filters[1], chains[i][1]);
      flags |= scan_decoded (data, size, filters, chains[i][1] == FILTER_OTHER ? 1 : 2, budget);
    }
  return flags;
}

/**
 * sch_pdf_scan_active_content:
 * @data: a PDF file
 * @size: its size
 *
 * Returns: the #SchPdfActiveContent whose names the file holds, in its
 *   bytes or in the decoded data of its streams
 */
guint
sch_pdf_scan_active_content (const guint8 *data,
                             gsize         size)
{
  g_autoptr(GArray) streams = NULL;
  Budget budget = { SCH_PDF_SCAN_BUDGET };
  guint flags;

  if (data == NULL || size == 0)
    return 0;

  flags = scan_names (data, size);
  streams = find_streams (data, size);
  /* Images last: they are large and hold no objects unless mislabelled. */
  for (int images = 0; images < 2; images++)
    for (guint i = 0; i < streams->len && budget.budget > 0; i++)
      {
        const Stream *stream = &g_array_index (streams, Stream, i);
        const guint8 *start = data + stream->start;
        gsize length = stream->end - stream->start;

        if (stream->image != images)
          continue;
        if (stream->unknown)
          flags |= scan_guessing_filters (start, length, &budget);
        else if (stream->filters != NULL)
          flags |= scan_decoded (start, length, (const Filter *) stream->filters->data,
                                 stream->filters->len, &budget);
      }
  return flags;
}
