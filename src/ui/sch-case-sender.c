#define G_LOG_DOMAIN "sch-case-sender"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "sch-case-sender.h"
#include "sch-outbox.h"
#include "sch-slot-composer.h"
#include "sch-store-pages.h"

typedef struct {
  SchStore        *store;
  SchCase         *kase;
  SchWireOffice    office;
  char            *clerk_name;
  char            *clerk_user_id;
  gboolean         supplement;
  GPtrArray       *slots;      /* char*: slot ids still to compose, in order */
  guint            next_slot;
  GPtrArray       *manifest;   /* SchManifestEntry* */
  SchPdfInspector *inspector;
} SendData;

static void
send_data_free (SendData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->kase);
  g_free (data->clerk_name);
  g_free (data->clerk_user_id);
  g_clear_pointer (&data->slots, g_ptr_array_unref);
  g_clear_pointer (&data->manifest, g_ptr_array_unref);
  g_clear_object (&data->inspector);
  g_free (data);
}

/* The page as the composer takes it; the blob is mapped, not read whole. */
static SchSlotPage *
slot_page_from_page (SchBlobStore *blobs, SchPage *page, GError **error)
{
  g_autofree char *path = sch_blob_store_get_path (blobs, sch_page_get_blob (page));
  g_autoptr(GMappedFile) mapped = NULL;
  g_autoptr(GBytes) bytes = NULL;

  if (path == NULL)
    {
      g_set_error (error, SCH_STORE_ERROR, SCH_STORE_ERROR_CORRUPT,
                   _("A page of the document “%s” names no valid file. The case cannot be sent."),
                   sch_page_get_slot_id (page));
      return NULL;
    }

  mapped = g_mapped_file_new (path, FALSE, error);
  if (mapped == NULL)
    return NULL;
  bytes = g_mapped_file_get_bytes (mapped);

  if (g_str_equal (sch_page_get_media_type (page), SCH_PAGE_MEDIA_PDF))
    return sch_slot_page_new_pdf (bytes, sch_page_get_pdf_page (page), NULL,
                                  (int) sch_page_get_rotation (page));

  return sch_slot_page_new_image (bytes, sch_page_get_media_type (page),
                                  (int) sch_page_get_width (page),
                                  (int) sch_page_get_height (page),
                                  sch_page_get_dpi (page) > 0 ? sch_page_get_dpi (page)
                                                              : SCH_SLOT_PAGE_DEFAULT_DPI,
                                  (int) sch_page_get_rotation (page));
}

static void compose_next (GTask *task);

static void
finish_queueing (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (data->supplement)
    {
      char *uuid = sch_outbox_queue_supplement (data->store, data->kase, data->manifest, &error);

      if (uuid == NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_pointer (task, uuid, g_free);
      return;
    }

  if (!sch_outbox_queue_case (data->store, data->kase, &data->office, data->manifest, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
composed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  SendData *data = g_task_get_task_data (task);
  const char *slot = g_ptr_array_index (data->slots, data->next_slot);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pdf = NULL;
  g_autofree char *sha = NULL;
  g_autofree char *uuid = NULL;

  pdf = sch_slot_composer_compose_finish (result, &error);
  if (pdf == NULL)
    {
      g_prefix_error (&error, _("The document “%s” could not be composed into a PDF: "), slot);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  sha = sch_blob_store_put_bytes (sch_store_get_blob_store (data->store), pdf, &error);
  if (sha == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  uuid = g_uuid_string_random ();
  g_ptr_array_add (data->manifest,
                   sch_manifest_entry_new (uuid, slot, SCH_PAGE_MEDIA_PDF,
                                           g_bytes_get_size (pdf), sha, sha));
  data->next_slot++;
  compose_next (g_steal_pointer (&task));
}

static void
compose_next (GTask *task)
{
  SendData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) pages = NULL;
  g_autoptr(GPtrArray) slot_pages = NULL;
  g_autoptr(GError) error = NULL;
  const char *slot;

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  if (data->next_slot >= data->slots->len)
    {
      finish_queueing (task);
      g_object_unref (task);
      return;
    }

  slot = g_ptr_array_index (data->slots, data->next_slot);
  pages = sch_store_list_pages (data->store, data->kase, slot, &error);
  if (pages == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  slot_pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  for (guint i = 0; i < pages->len; i++)
    {
      SchSlotPage *page = slot_page_from_page (sch_store_get_blob_store (data->store),
                                               g_ptr_array_index (pages, i), &error);
      if (page == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          g_object_unref (task);
          return;
        }
      g_ptr_array_add (slot_pages, page);
    }

  sch_slot_composer_compose_async (slot_pages, data->inspector, g_task_get_cancellable (task),
                                   composed_cb, task);
}

/* Slot ids with pages, in the store's order. */
static GPtrArray *
list_filled_slots (SchStore *store, SchCase *kase, GError **error)
{
  g_autoptr(GPtrArray) pages = sch_store_list_pages (store, kase, NULL, error);
  GPtrArray *slots;

  if (pages == NULL)
    return NULL;

  slots = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < pages->len; i++)
    {
      const char *slot = sch_page_get_slot_id (g_ptr_array_index (pages, i));

      if (slots->len == 0 || !g_str_equal (g_ptr_array_index (slots, slots->len - 1), slot))
        g_ptr_array_add (slots, g_strdup (slot));
    }

  return slots;
}

static GTask *
send_task_new (SchStore *store, SchCase *kase, GCancellable *cancellable,
               GAsyncReadyCallback callback, gpointer user_data, gpointer tag)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  SendData *data = g_new0 (SendData, 1);

  g_task_set_source_tag (task, tag);
  data->store = g_object_ref (store);
  data->kase = g_object_ref (kase);
  data->manifest = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_manifest_entry_free);
  data->inspector = sch_pdf_inspector_new ();
  g_task_set_task_data (task, data, (GDestroyNotify) send_data_free);

  return task;
}

void
sch_case_sender_queue_case_async (SchStore            *store,
                                  SchCase             *kase,
                                  const SchWireOffice *office,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  SendData *data;
  GError *error = NULL;

  g_return_if_fail (SCH_IS_STORE (store));
  g_return_if_fail (SCH_IS_CASE (kase));
  g_return_if_fail (office != NULL);

  task = send_task_new (store, kase, cancellable, callback, user_data,
                        sch_case_sender_queue_case_async);
  data = g_task_get_task_data (task);
  data->clerk_name = g_strdup (office->clerk_name);
  data->clerk_user_id = g_strdup (office->clerk_user_id);
  data->office.municipality_bfs = office->municipality_bfs;
  data->office.clerk_name = data->clerk_name;
  data->office.clerk_user_id = data->clerk_user_id;

  data->slots = list_filled_slots (store, kase, &error);
  if (data->slots == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  compose_next (task);
}

gboolean
sch_case_sender_queue_case_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
sch_case_sender_queue_supplement_async (SchStore            *store,
                                        SchCase             *kase,
                                        const char * const  *slots,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(GHashTable) counts = NULL;
  GError *error = NULL;
  GTask *task;
  SendData *data;

  g_return_if_fail (SCH_IS_STORE (store));
  g_return_if_fail (SCH_IS_CASE (kase));
  g_return_if_fail (slots != NULL);

  task = send_task_new (store, kase, cancellable, callback, user_data,
                        sch_case_sender_queue_supplement_async);
  data = g_task_get_task_data (task);
  data->supplement = TRUE;
  data->slots = g_ptr_array_new_with_free_func (g_free);

  counts = sch_store_count_pages (store, kase, &error);
  if (counts == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  /* A requested document without pages is not sent empty: the clerk is
   * told which one to scan first. */
  for (guint i = 0; slots[i] != NULL; i++)
    {
      if (GPOINTER_TO_UINT (g_hash_table_lookup (counts, slots[i])) == 0)
        {
          g_task_return_new_error (task, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                                   _("The requested document “%s” has no pages yet. Add its "
                                     "pages in the Documents view, then send again."),
                                   slots[i]);
          g_object_unref (task);
          return;
        }
      g_ptr_array_add (data->slots, g_strdup (slots[i]));
    }

  if (data->slots->len == 0)
    {
      g_task_return_new_error (task, SCH_STORE_ERROR, SCH_STORE_ERROR_FAILED,
                               _("The migration office named no documents to send."));
      g_object_unref (task);
      return;
    }

  compose_next (task);
}

char *
sch_case_sender_queue_supplement_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GStrv
sch_case_sender_parse_requested_slots (const char *requested_json)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;

  if (requested_json != NULL && json_parser_load_from_data (parser, requested_json, -1, NULL))
    {
      root = json_parser_get_root (parser);
      if (JSON_NODE_HOLDS_ARRAY (root))
        {
          JsonArray *array = json_node_get_array (root);

          for (guint i = 0; i < json_array_get_length (array); i++)
            {
              JsonNode *item = json_array_get_element (array, i);
              const char *slot;

              if (!JSON_NODE_HOLDS_OBJECT (item))
                continue;
              slot = json_object_get_string_member_with_default (json_node_get_object (item),
                                                                 "slot", NULL);
              if (slot != NULL && *slot != '\0')
                g_strv_builder_add (builder, slot);
            }
        }
    }

  return g_strv_builder_end (builder);
}
