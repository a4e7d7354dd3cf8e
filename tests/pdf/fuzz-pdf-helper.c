/* fuzz-pdf-helper.c: fuzz target for what untrusted files go through
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each input goes the way an imported file goes, through the helper's
 * request handling: PDFs (and anything not an image) inspected and
 * rendered, images decoded into pages and into a thumbnail, and the raw
 * bytes as a request message. Built as a libFuzzer target with clang
 * (SCH_FUZZ_LIBFUZZER, see meson.build), and always as a standalone driver:
 *
 *   fuzz-pdf-helper CORPUS_DIR [--generate] [--mutations N] [--seconds S] [--seed N]
 *   fuzz-pdf-helper CORPUS_DIR --generate-only
 *
 * runs every file of CORPUS_DIR (after writing the seed corpus into it with
 * --generate), then up to N random mutations of them within S seconds; with
 * --generate-only it writes the seed corpus and runs nothing (the seeds of
 * the libFuzzer target).
 */
#define G_LOG_DOMAIN "sch-fuzz"

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sch-image-import.h"
#include "sch-pdf-engine.h"
#include "sch-pdf-protocol.h"
#include "sch-pdf-samples.h"

static void
run_request (JsonObject *header,
             GBytes     *file)
{
  g_autoptr(GPtrArray) blobs = g_ptr_array_new ();
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(GPtrArray) answer_blobs = NULL;

  g_ptr_array_add (blobs, file);
  request = sch_pdf_message_encode (header, blobs);
  response = sch_pdf_engine_handle (request);
  /* Whatever the input, the helper's answer is a well-formed message. */
  if (!sch_pdf_message_decode (response, &answer, &answer_blobs, NULL))
    abort ();
}

static void
run_input (const guint8 *data,
           gsize         size)
{
  g_autoptr(GBytes) file = g_bytes_new (data, size);
  const char *media_type = sch_import_sniff_media_type (file);
  g_autoptr(GBytes) raw = NULL;

  if (g_strcmp0 (media_type, "image/jpeg") == 0 || g_strcmp0 (media_type, "image/png") == 0 ||
      g_strcmp0 (media_type, "image/tiff") == 0)
    {
      g_autoptr(JsonObject) image = json_object_new ();
      g_autoptr(JsonObject) thumbnail = json_object_new ();
      JsonArray *items = json_array_new ();
      JsonObject *item = json_object_new ();

      json_object_set_string_member (image, "command", "image");
      json_object_set_int_member (image, "max-pages", 50);
      run_request (image, file);

      json_object_set_string_member (thumbnail, "command", "render-images");
      json_object_set_int_member (item, "blob", 0);
      json_object_set_int_member (item, "width", 48);
      json_array_add_object_element (items, item);
      json_object_set_array_member (thumbnail, "items", items);
      run_request (thumbnail, file);
    }
  else
    {
      g_autoptr(JsonObject) inspect = json_object_new ();
      g_autoptr(JsonObject) render = json_object_new ();
      JsonArray *pages = json_array_new ();

      json_object_set_string_member (inspect, "command", "inspect");
      run_request (inspect, file);

      json_object_set_string_member (render, "command", "render");
      json_array_add_int_element (pages, 0);
      json_object_set_array_member (render, "pages", pages);
      json_object_set_int_member (render, "width", 48);
      run_request (render, file);
    }
  raw = sch_pdf_engine_handle (file);
}

#ifdef SCH_FUZZ_LIBFUZZER

int LLVMFuzzerTestOneInput (const guint8 *data, size_t size);

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  run_input (data, size);
  return 0;
}

#else

static const char *const tokens[] = {
  "obj", "endobj", "stream", "endstream", "<<", ">>", "/Length 99999999", "/Type /Page",
  "/Kids [", "-1", "4294967295", "0 R", "xref", "trailer", "/Filter /FlateDecode", "(",
  "/JS (", "/ObjStm", "/Encrypt", "/Count 1000000",
};

static GBytes *
mutate (GBytes *seed,
        GRand  *rand)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (seed, &size);
  GByteArray *out = g_byte_array_sized_new (size + 64);
  gsize at = size > 0 ? g_rand_int_range (rand, 0, size) : 0;
  const char *token;

  g_byte_array_append (out, data, size);
  switch (g_rand_int_range (rand, 0, 5))
    {
    case 0:
      for (int i = g_rand_int_range (rand, 1, 16); i > 0 && out->len > 0; i--)
        out->data[g_rand_int_range (rand, 0, out->len)] ^= 1 << g_rand_int_range (rand, 0, 8);
      break;
    case 1:
      g_byte_array_set_size (out, at);
      break;
    case 2:
      token = tokens[g_rand_int_range (rand, 0, G_N_ELEMENTS (tokens))];
      g_byte_array_remove_range (out, 0, out->len);
      g_byte_array_append (out, data, at);
      g_byte_array_append (out, (const guint8 *) token, strlen (token));
      g_byte_array_append (out, data + at, size - at);
      break;
    case 3:
      for (int i = g_rand_int_range (rand, 1, 64); i > 0 && out->len > 0; i--)
        out->data[g_rand_int_range (rand, 0, out->len)] = g_rand_int_range (rand, 0, 256);
      break;
    default:
      if (size > 0)
        {
          gsize length = g_rand_int_range (rand, 1, 512);

          g_byte_array_append (out, data + at, MIN (length, size - at));
        }
      break;
    }
  return g_byte_array_free_to_bytes (out);
}

static GPtrArray *
read_corpus (const char *directory)
{
  g_autoptr(GDir) dir = g_dir_open (directory, 0, NULL);
  GPtrArray *corpus = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (directory, name, NULL);
      char *contents;
      gsize length;

      if (g_file_get_contents (path, &contents, &length, NULL))
        g_ptr_array_add (corpus, g_bytes_new_take (contents, length));
    }
  return corpus;
}

int
main (int    argc,
      char **argv)
{
  gboolean generate = FALSE;
  gboolean generate_only = FALSE;
  gint64 mutations = 0;
  gint64 seconds = 20;
  gint64 seed = 1;
  GOptionEntry entries[] = {
    { "generate", 0, 0, G_OPTION_ARG_NONE, &generate, "Write the seed corpus first", NULL },
    { "generate-only", 0, 0, G_OPTION_ARG_NONE, &generate_only, "Write the seed corpus, run nothing", NULL },
    { "mutations", 0, 0, G_OPTION_ARG_INT64, &mutations, "Random mutations to run", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT64, &seconds, "Time for the mutations", "S" },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, "Random seed", "N" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("CORPUS_DIR");
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) corpus = NULL;
  g_autoptr(GRand) rand = NULL;
  gint64 deadline;
  gint64 done = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "Give one corpus directory.");
      return 2;
    }
  if (generate || generate_only)
    sample_write_corpus (argv[1]);
  if (generate_only)
    return 0;
  corpus = read_corpus (argv[1]);
  if (corpus->len == 0)
    {
      g_printerr ("The corpus %s is empty.\n", argv[1]);
      return 2;
    }

  for (guint i = 0; i < corpus->len; i++)
    {
      GBytes *input = g_ptr_array_index (corpus, i);

      run_input (g_bytes_get_data (input, NULL), g_bytes_get_size (input));
    }

  rand = g_rand_new_with_seed (seed);
  deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  while (done < mutations && g_get_monotonic_time () < deadline)
    {
      g_autoptr(GBytes) input = mutate (g_ptr_array_index (corpus, g_rand_int_range (rand, 0, corpus->len)),
                                        rand);

      /* One input that hangs is a finding too. */
      alarm (30);
      run_input (g_bytes_get_data (input, NULL), g_bytes_get_size (input));
      alarm (0);
      done++;
    }
  g_print ("%u corpus files and %" G_GINT64_FORMAT " mutations ran without a crash.\n",
           corpus->len, done);
  return 0;
}

#endif
