/* sch-pdf-protocol.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include <string.h>

#include "sch-pdf-protocol.h"

/* Takes over the header's "blobs" member. */
GBytes *
sch_pdf_message_encode (JsonObject *header,
                        GPtrArray  *blobs)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autofree char *text = NULL;
  JsonArray *sizes;
  GByteArray *out;
  gsize text_len;

  g_return_val_if_fail (header != NULL, NULL);

  sizes = json_array_new ();
  for (guint i = 0; blobs != NULL && i < blobs->len; i++)
    json_array_add_int_element (sizes, g_bytes_get_size (g_ptr_array_index (blobs, i)));
  json_object_set_array_member (header, "blobs", sizes);

  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, header);
  generator = json_generator_new ();
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &text_len);

  out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) text, text_len);
  g_byte_array_append (out, (const guint8 *) "\n", 1);
  for (guint i = 0; blobs != NULL && i < blobs->len; i++)
    {
      gsize size;
      const guint8 *data = g_bytes_get_data (g_ptr_array_index (blobs, i), &size);
      g_byte_array_append (out, data, size);
    }
  return g_byte_array_free_to_bytes (out);
}

static gboolean
fail (GError **error, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
               "Malformed helper message: %s", what);
  return FALSE;
}

gboolean
sch_pdf_message_decode (GBytes      *message,
                        JsonObject **header,
                        GPtrArray  **blobs,
                        GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) parts = NULL;
  const char *data;
  const char *newline;
  gsize size, offset;
  JsonNode *root;
  JsonObject *object;
  JsonArray *sizes;

  g_return_val_if_fail (message != NULL, FALSE);
  g_return_val_if_fail (header != NULL && blobs != NULL, FALSE);

  data = g_bytes_get_data (message, &size);
  if (data == NULL || size == 0)
    return fail (error, "empty");
  newline = memchr (data, '\n', MIN (size, (gsize) SCH_PDF_MESSAGE_MAX_HEADER));
  if (newline == NULL)
    return fail (error, "no header");

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, newline - data, NULL))
    return fail (error, "header is not JSON");
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return fail (error, "header is not an object");
  object = json_node_get_object (root);
  if (!json_object_has_member (object, "blobs") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "blobs")))
    return fail (error, "no blob list");
  sizes = json_object_get_array_member (object, "blobs");

  parts = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  offset = newline - data + 1;
  for (guint i = 0; i < json_array_get_length (sizes); i++)
    {
      JsonNode *node = json_array_get_element (sizes, i);
      gint64 blob_size;

      if (json_node_get_value_type (node) != G_TYPE_INT64)
        return fail (error, "blob size is not a number");
      blob_size = json_node_get_int (node);
      if (blob_size < 0 || (guint64) blob_size > size - offset)
        return fail (error, "blob exceeds the message");
      g_ptr_array_add (parts, g_bytes_new_from_bytes (message, offset, blob_size));
      offset += blob_size;
    }
  if (offset != size)
    return fail (error, "trailing bytes");

  *header = json_object_ref (object);
  *blobs = g_steal_pointer (&parts);
  return TRUE;
}
