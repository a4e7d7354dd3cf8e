#define G_LOG_DOMAIN "sch-print"

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "sch-app-type.h"
#include "sch-print-texts.h"

#define TEXTS_RESOURCE "/io/github/schalter/Schalter/print/print-texts.json"

/* key → SchText*; loaded once, never freed (like the reference data). */
static GHashTable *
load_texts (void)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  GHashTable *texts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) sch_text_free);
  JsonObject *object;
  g_autoptr(GList) keys = NULL;

  bytes = g_resources_lookup_data (TEXTS_RESOURCE, G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  if (bytes == NULL ||
      !json_parser_load_from_data (parser, g_bytes_get_data (bytes, NULL), (gssize) g_bytes_get_size (bytes), &error))
    {
      /* Built into the binary: failing here is a packaging bug. */
      g_critical ("The printed phrases could not be loaded: %s", error->message);
      return texts;
    }

  object = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "texts");
  keys = json_object_get_members (object);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      JsonObject *langs = json_object_get_object_member (object, l->data);
      SchText *text = sch_text_new ();

      for (guint lang = 0; lang < SCH_N_LANGS; lang++)
        {
          const char *name = sch_lang_to_string (lang);

          if (json_object_has_member (langs, name))
            sch_text_set (text, lang, json_object_get_string_member (langs, name));
        }
      g_hash_table_insert (texts, g_strdup (l->data), text);
    }
  return texts;
}

const char *
sch_print_text (const char *key,
                const char *lang)
{
  static GHashTable *texts;
  const SchText *text;

  g_return_val_if_fail (key != NULL, NULL);

  if (g_once_init_enter (&texts))
    g_once_init_leave (&texts, load_texts ());

  text = g_hash_table_lookup (texts, key);
  if (text == NULL)
    {
      g_critical ("The printed phrase “%s” is missing from print-texts.json.", key);
      return key;
    }
  return sch_text_get (text, lang);
}

char *
sch_print_text_expand (const char *key,
                       const char *lang,
                       ...)
{
  g_autoptr(GString) result = g_string_new (sch_print_text (key, lang));
  const char *name;
  va_list args;

  va_start (args, lang);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *placeholder = g_strdup_printf ("{%s}", name);

      g_string_replace (result, placeholder, value != NULL ? value : "", 0);
    }
  va_end (args);
  return g_string_free (g_steal_pointer (&result), FALSE);
}
