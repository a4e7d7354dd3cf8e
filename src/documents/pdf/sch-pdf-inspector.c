/* sch-pdf-inspector.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PDFs from outside are hostile until proven otherwise and poppler is not
 * hardened against them, so every PDF is opened by schalter-pdf-helper, a
 * process of its own with CPU and memory limits. Each request starts a new
 * helper: a crash or a hang then costs one request, never the app or a
 * later request. Whatever goes wrong with the helper (crash, signal,
 * timeout, garbage on stdout) is reported as UNREADABLE.
 */
#define G_LOG_DOMAIN "sch-pdf"

#include "config.h"

#include <glib/gi18n.h>
#include <signal.h>

#include "sch-image-import.h"
#include "sch-pdf-inspector.h"
#include "sch-pdf-protocol.h"

struct _SchPdfInspector
{
  GObject parent_instance;

  char *helper_path;
  guint timeout;
};

G_DEFINE_FINAL_TYPE (SchPdfInspector, sch_pdf_inspector, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (SchPdfInfo, sch_pdf_info, sch_pdf_info_copy, sch_pdf_info_free)
G_DEFINE_BOXED_TYPE (SchPdfImage, sch_pdf_image, sch_pdf_image_copy, sch_pdf_image_free)

SchPdfInfo *
sch_pdf_info_copy (const SchPdfInfo *info)
{
  SchPdfInfo *copy;

  g_return_val_if_fail (info != NULL, NULL);

  copy = g_memdup2 (info, sizeof *info);
  copy->page_sizes = g_memdup2 (info->page_sizes, sizeof (double) * 2 * info->n_pages);
  return copy;
}

void
sch_pdf_info_free (SchPdfInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->page_sizes);
  g_free (info);
}

SchPdfImage *
sch_pdf_image_copy (const SchPdfImage *image)
{
  SchPdfImage *copy;

  g_return_val_if_fail (image != NULL, NULL);

  copy = g_memdup2 (image, sizeof *image);
  copy->data = g_bytes_ref (image->data);
  return copy;
}

void
sch_pdf_image_free (SchPdfImage *image)
{
  if (image == NULL)
    return;
  g_bytes_unref (image->data);
  g_free (image);
}

/**
 * sch_pdf_active_content_describe:
 * @active: active content found in a PDF
 *
 * Returns: (transfer full) (nullable): a sentence for the clerk, or %NULL
 *   when @active is none
 */
char *
sch_pdf_active_content_describe (SchPdfActiveContent active)
{
  static const struct {
    SchPdfActiveContent flag;
    const char *name;
  } kinds[] = {
    { SCH_PDF_ACTIVE_JAVASCRIPT, N_("JavaScript") },
    { SCH_PDF_ACTIVE_EMBEDDED_FILES, N_("embedded files") },
    { SCH_PDF_ACTIVE_LAUNCH, N_("actions that open programs or other files") },
    { SCH_PDF_ACTIVE_URI, N_("links to web addresses") },
    { SCH_PDF_ACTIVE_FORMS, N_("form fields") },
  };
  g_autoptr(GPtrArray) names = g_ptr_array_new_null_terminated (G_N_ELEMENTS (kinds), NULL, TRUE);
  g_autofree char *list = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (active & kinds[i].flag)
      g_ptr_array_add (names, (gpointer) _(kinds[i].name));
  if (names->len == 0)
    return NULL;

  list = g_strjoinv (", ", (char **) names->pdata);
  /* TRANSLATORS: %s is a list such as "JavaScript, form fields" */
  return g_strdup_printf (_("This PDF contains active content (%s). Flatten it to send only "
                            "images of its pages."), list);
}

static void
sch_pdf_inspector_finalize (GObject *object)
{
  SchPdfInspector *self = SCH_PDF_INSPECTOR (object);

  g_free (self->helper_path);

  G_OBJECT_CLASS (sch_pdf_inspector_parent_class)->finalize (object);
}

static void
sch_pdf_inspector_class_init (SchPdfInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_pdf_inspector_finalize;

  /* A helper that dies before reading all of its request would otherwise
   * take the app down with SIGPIPE; the write then fails with EPIPE. */
  signal (SIGPIPE, SIG_IGN);
}

static void
sch_pdf_inspector_init (SchPdfInspector *self)
{
  const char *path = g_getenv ("SCHALTER_PDF_HELPER");

  self->helper_path = g_strdup (path != NULL && *path != '\0' ? path : SCH_PDF_HELPER_PATH);
  self->timeout = SCH_PDF_INSPECTOR_DEFAULT_TIMEOUT;
}

SchPdfInspector *
sch_pdf_inspector_new (void)
{
  return g_object_new (SCH_TYPE_PDF_INSPECTOR, NULL);
}

const char *
sch_pdf_inspector_get_helper_path (SchPdfInspector *self)
{
  g_return_val_if_fail (SCH_IS_PDF_INSPECTOR (self), NULL);

  return self->helper_path;
}

guint
sch_pdf_inspector_get_timeout (SchPdfInspector *self)
{
  g_return_val_if_fail (SCH_IS_PDF_INSPECTOR (self), 0);

  return self->timeout;
}

/**
 * sch_pdf_inspector_set_timeout:
 * @self: a #SchPdfInspector
 * @seconds: wall-clock time a helper may take for one request
 *
 * A helper still busy after @seconds is killed and its request fails with
 * %SCH_PDF_ERROR_UNREADABLE.
 */
void
sch_pdf_inspector_set_timeout (SchPdfInspector *self,
                               guint            seconds)
{
  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

/* Running one request */

/* @request_blobs are the blobs sent: an answer may refer to them. */
typedef gpointer (*ParseFunc) (JsonObject     *header,
                               GPtrArray      *blobs,
                               GPtrArray      *request_blobs,
                               GDestroyNotify *destroy,
                               GError        **error);

typedef struct {
  GSubprocess *process;
  ParseFunc parse;
  GPtrArray *request_blobs;
  guint timeout_id;
  gboolean timed_out;
} HelperRun;

static void
helper_run_free (HelperRun *run)
{
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_clear_object (&run->process);
  g_clear_pointer (&run->request_blobs, g_ptr_array_unref);
  g_free (run);
}

static void
set_unreadable (GError **error)
{
  g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNREADABLE,
                       _("This file could not be read."));
}

static void
set_error_from_helper (const char  *code,
                       GError     **error)
{
  if (g_strcmp0 (code, "needs-password") == 0)
    g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_NEEDS_PASSWORD,
                         _("This PDF is protected by a password. Enter the password to open it."));
  else if (g_strcmp0 (code, "wrong-password") == 0)
    g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_WRONG_PASSWORD,
                         _("The password is not correct."));
  else if (g_strcmp0 (code, "damaged") == 0)
    g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_DAMAGED,
                         _("This file is damaged and could not be read."));
  else if (g_strcmp0 (code, "too-large") == 0)
    g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_TOO_LARGE,
                         _("This file is too large to be read."));
  else if (g_strcmp0 (code, "unsupported") == 0)
    g_set_error_literal (error, SCH_PDF_ERROR, SCH_PDF_ERROR_UNSUPPORTED,
                         _("This kind of file is not supported."));
  else
    set_unreadable (error);
}

static gboolean
on_helper_timeout (gpointer user_data)
{
  HelperRun *run = user_data;

  g_debug ("PDF helper timed out; killing it");
  run->timed_out = TRUE;
  run->timeout_id = 0;
  g_subprocess_force_exit (run->process);
  return G_SOURCE_REMOVE;
}

static void
on_helper_communicated (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HelperRun *run = g_task_get_task_data (task);
  g_autoptr(GBytes) output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) header = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  GDestroyNotify destroy = NULL;
  gpointer value;

  g_clear_handle_id (&run->timeout_id, g_source_remove);

  if (!g_subprocess_communicate_finish (run->process, result, &output, NULL, &error))
    {
      g_subprocess_force_exit (run->process);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      g_debug ("PDF helper failed: %s", error->message);
      g_clear_error (&error);
      set_unreadable (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (run->timed_out || !g_subprocess_get_if_exited (run->process) ||
      g_subprocess_get_exit_status (run->process) != 0 ||
      !sch_pdf_message_decode (output, &header, &blobs, &error))
    {
      g_debug ("PDF helper gave no answer (%s)",
               run->timed_out ? "timeout" : error != NULL ? error->message : "exit status");
      g_clear_error (&error);
      set_unreadable (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (!json_object_get_boolean_member_with_default (header, "ok", FALSE))
    {
      set_error_from_helper (json_object_get_string_member_with_default (header, "error", NULL),
                             &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  value = run->parse (header, blobs, run->request_blobs, &destroy, &error);
  if (value == NULL)
    {
      g_debug ("PDF helper answer not understood: %s", error->message);
      g_clear_error (&error);
      set_unreadable (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, value, destroy);
}

static void
run_helper (SchPdfInspector *self,
            GTask           *task,
            JsonObject      *request,
            GPtrArray       *blobs,
            ParseFunc        parse)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GBytes) message = NULL;
  g_autoptr(GError) error = NULL;
  HelperRun *run;

  run = g_new0 (HelperRun, 1);
  run->parse = parse;
  run->request_blobs = blobs != NULL ? g_ptr_array_ref (blobs) : NULL;
  g_task_set_task_data (task, run, (GDestroyNotify) helper_run_free);

  if (g_task_return_error_if_cancelled (task))
    {
      g_object_unref (task);
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                        G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  run->process = g_subprocess_launcher_spawn (launcher, &error, self->helper_path, NULL);
  if (run->process == NULL)
    {
      g_warning ("Could not start the PDF helper: %s", error->message);
      g_clear_error (&error);
      set_unreadable (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  message = sch_pdf_message_encode (request, blobs);
  run->timeout_id = g_timeout_add_seconds (self->timeout, on_helper_timeout, run);
  g_subprocess_communicate_async (run->process, message, g_task_get_cancellable (task),
                                  on_helper_communicated, task);
}

static GTask *
new_task (SchPdfInspector     *self,
          gpointer             source_tag,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

static JsonObject *
new_request (const char *command,
             const char *password)
{
  JsonObject *request = json_object_new ();

  json_object_set_string_member (request, "command", command);
  if (password != NULL)
    json_object_set_string_member (request, "password", password);
  return request;
}

static GPtrArray *
single_blob (GBytes *bytes)
{
  GPtrArray *blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_ptr_array_add (blobs, g_bytes_ref (bytes));
  return blobs;
}

static gpointer
propagate (SchPdfInspector *self,
           GAsyncResult    *result,
           gpointer         source_tag,
           GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static gpointer
invalid (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "unexpected answer");
  return NULL;
}

/* Inspect */

static gpointer
parse_inspect (JsonObject     *header,
               GPtrArray      *blobs,
               GPtrArray      *request_blobs,
               GDestroyNotify *destroy,
               GError        **error)
{
  g_autoptr(SchPdfInfo) info = g_new0 (SchPdfInfo, 1);
  JsonArray *sizes;
  JsonObject *active;

  if (!json_object_has_member (header, "pages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (header, "pages")) ||
      !json_object_has_member (header, "active") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (header, "active")))
    return invalid (error);

  sizes = json_object_get_array_member (header, "pages");
  info->n_pages = json_array_get_length (sizes);
  if (info->n_pages == 0)
    return invalid (error);
  info->page_sizes = g_new0 (double, 2 * info->n_pages);
  for (guint i = 0; i < info->n_pages; i++)
    {
      JsonNode *node = json_array_get_element (sizes, i);
      JsonArray *pair;

      if (!JSON_NODE_HOLDS_ARRAY (node) ||
          json_array_get_length (pair = json_node_get_array (node)) != 2 ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (pair, 0)) ||
          !JSON_NODE_HOLDS_VALUE (json_array_get_element (pair, 1)))
        return invalid (error);
      info->page_sizes[2 * i] = json_array_get_double_element (pair, 0);
      info->page_sizes[2 * i + 1] = json_array_get_double_element (pair, 1);
    }

  info->encrypted = json_object_get_boolean_member_with_default (header, "encrypted", FALSE);
  active = json_object_get_object_member (header, "active");
#define FLAG(member, flag) \
  if (json_object_get_boolean_member_with_default (active, member, FALSE)) info->active |= flag
  FLAG ("javascript", SCH_PDF_ACTIVE_JAVASCRIPT);
  FLAG ("embedded-files", SCH_PDF_ACTIVE_EMBEDDED_FILES);
  FLAG ("launch", SCH_PDF_ACTIVE_LAUNCH);
  FLAG ("uri", SCH_PDF_ACTIVE_URI);
  FLAG ("forms", SCH_PDF_ACTIVE_FORMS);
#undef FLAG

  *destroy = (GDestroyNotify) sch_pdf_info_free;
  return g_steal_pointer (&info);
}

/**
 * sch_pdf_inspector_inspect_async:
 * @self: a #SchPdfInspector
 * @pdf: the file's bytes
 * @password: (nullable): the password for an encrypted PDF
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Opens @pdf in the helper and reports its pages, sizes, encryption and
 * active content.
 */
void
sch_pdf_inspector_inspect_async (SchPdfInspector     *self,
                                 GBytes              *pdf,
                                 const char          *password,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (pdf != NULL);

  request = new_request ("inspect", password);
  blobs = single_blob (pdf);
  run_helper (self, new_task (self, sch_pdf_inspector_inspect_async, cancellable, callback, user_data),
              request, blobs, parse_inspect);
}

/**
 * sch_pdf_inspector_inspect_finish:
 *
 * Returns: (transfer full): what the PDF holds, or %NULL with @error set
 *   (a #SchPdfError or %G_IO_ERROR_CANCELLED)
 */
SchPdfInfo *
sch_pdf_inspector_inspect_finish (SchPdfInspector  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  return propagate (self, result, sch_pdf_inspector_inspect_async, error);
}

/* Render */

static gpointer
parse_render (JsonObject     *header,
              GPtrArray      *blobs,
              GPtrArray      *request_blobs,
              GDestroyNotify *destroy,
              GError        **error)
{
  g_autoptr(GPtrArray) images = NULL;
  JsonArray *list;

  if (!json_object_has_member (header, "images") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (header, "images")))
    return invalid (error);
  list = json_object_get_array_member (header, "images");
  if (json_array_get_length (list) != blobs->len)
    return invalid (error);

  images = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_pdf_image_free);
  for (guint i = 0; i < blobs->len; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *object;
      SchPdfImage *image;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error);
      object = json_node_get_object (node);
      image = g_new0 (SchPdfImage, 1);
      image->page = json_object_get_int_member_with_default (object, "page", 0);
      image->width = json_object_get_int_member_with_default (object, "width", 0);
      image->height = json_object_get_int_member_with_default (object, "height", 0);
      image->stride = json_object_get_int_member_with_default (object, "stride", 0);
      image->format = image->stride > 0 ? SCH_PDF_IMAGE_ARGB32 : SCH_PDF_IMAGE_PNG;
      /* Blobs start anywhere in the message; pixels are copied so that
       * rows of 32-bit pixels are aligned for whoever reads them. */
      image->data = image->format == SCH_PDF_IMAGE_ARGB32
                    ? g_bytes_new (g_bytes_get_data (g_ptr_array_index (blobs, i), NULL),
                                   g_bytes_get_size (g_ptr_array_index (blobs, i)))
                    : g_bytes_ref (g_ptr_array_index (blobs, i));
      g_ptr_array_add (images, image);

      if (image->width <= 0 || image->height <= 0 ||
          (image->format == SCH_PDF_IMAGE_ARGB32 &&
           (image->stride < (gsize) image->width * 4 ||
            g_bytes_get_size (image->data) != image->stride * image->height)))
        return invalid (error);
    }

  *destroy = (GDestroyNotify) g_ptr_array_unref;
  return g_steal_pointer (&images);
}

/**
 * sch_pdf_inspector_render_async:
 * @self: a #SchPdfInspector
 * @pdf: the file's bytes
 * @password: (nullable): the password for an encrypted PDF
 * @pages: (array length=n_pages) (nullable): 0-based pages; %NULL for all
 * @n_pages: length of @pages
 * @width_px: width of each image in pixels; heights follow the pages
 * @format: raw pixels (for textures) or PNG
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Renders pages on a white background, all in one helper run, so that the
 * thumbnails of a document pay for one helper start-up.
 */
void
sch_pdf_inspector_render_async (SchPdfInspector     *self,
                                GBytes              *pdf,
                                const char          *password,
                                const guint         *pages,
                                gsize                n_pages,
                                int                  width_px,
                                SchPdfImageFormat    format,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  JsonArray *list;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (pdf != NULL);
  g_return_if_fail (pages != NULL || n_pages == 0);
  g_return_if_fail (width_px > 0);

  request = new_request ("render", password);
  list = json_array_new ();
  for (gsize i = 0; i < n_pages; i++)
    json_array_add_int_element (list, pages[i]);
  if (pages != NULL)
    json_object_set_array_member (request, "pages", list);
  else
    json_array_unref (list);
  json_object_set_int_member (request, "width", width_px);
  json_object_set_string_member (request, "format", format == SCH_PDF_IMAGE_PNG ? "png" : "argb32");
  blobs = single_blob (pdf);
  run_helper (self, new_task (self, sch_pdf_inspector_render_async, cancellable, callback, user_data),
              request, blobs, parse_render);
}

/**
 * sch_pdf_inspector_render_finish:
 *
 * Returns: (transfer container) (element-type SchPdfImage): the images in
 *   the order asked for, or %NULL with @error set
 */
GPtrArray *
sch_pdf_inspector_render_finish (SchPdfInspector  *self,
                                 GAsyncResult     *result,
                                 GError          **error)
{
  return propagate (self, result, sch_pdf_inspector_render_async, error);
}

/* Flatten and compose: both answer with one PDF */

static gpointer
parse_pdf (JsonObject     *header,
           GPtrArray      *blobs,
           GPtrArray      *request_blobs,
           GDestroyNotify *destroy,
           GError        **error)
{
  if (blobs->len != 1 || g_bytes_get_size (g_ptr_array_index (blobs, 0)) == 0)
    return invalid (error);

  *destroy = (GDestroyNotify) g_bytes_unref;
  return g_bytes_ref (g_ptr_array_index (blobs, 0));
}

/**
 * sch_pdf_inspector_flatten_async:
 * @self: a #SchPdfInspector
 * @pdf: the file's bytes
 * @password: (nullable): the password for an encrypted PDF
 * @dpi: resolution of the page images, 72 to 600
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Re-renders every page into an image and makes a PDF of these images
 * only: no text, scripts, files, actions or fields are left in it.
 */
void
sch_pdf_inspector_flatten_async (SchPdfInspector     *self,
                                 GBytes              *pdf,
                                 const char          *password,
                                 double               dpi,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (pdf != NULL);
  g_return_if_fail (dpi >= 72 && dpi <= 600);

  request = new_request ("flatten", password);
  json_object_set_double_member (request, "dpi", dpi);
  blobs = single_blob (pdf);
  run_helper (self, new_task (self, sch_pdf_inspector_flatten_async, cancellable, callback, user_data),
              request, blobs, parse_pdf);
}

/**
 * sch_pdf_inspector_flatten_finish:
 *
 * Returns: (transfer full): the flattened PDF, or %NULL with @error set
 */
GBytes *
sch_pdf_inspector_flatten_finish (SchPdfInspector  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  return propagate (self, result, sch_pdf_inspector_flatten_async, error);
}

/**
 * sch_pdf_inspector_compose_async:
 * @self: a #SchPdfInspector
 * @pages: (element-type SchSlotPage): the pages in order
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Composes @pages into one PDF in the helper; pages of PDFs stay vector
 * graphics. Also the way to keep an unencrypted copy of an encrypted PDF:
 * compose all of its pages with its password.
 * Most callers want sch_slot_composer_compose_async().
 */
void
sch_pdf_inspector_compose_async (SchPdfInspector     *self,
                                 GPtrArray           *pages,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  g_autoptr(GHashTable) blob_index = NULL;
  JsonArray *list;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (pages != NULL && pages->len > 0);

  request = new_request ("compose", NULL);
  blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  /* Pages of one PDF share one copy of it in the request. */
  blob_index = g_hash_table_new (g_bytes_hash, g_bytes_equal);
  list = json_array_new ();
  for (guint i = 0; i < pages->len; i++)
    {
      const SchSlotPage *page = g_ptr_array_index (pages, i);
      JsonObject *entry = json_object_new ();
      gpointer index;

      if (!g_hash_table_lookup_extended (blob_index, page->bytes, NULL, &index))
        {
          index = GUINT_TO_POINTER (blobs->len);
          g_ptr_array_add (blobs, g_bytes_ref (page->bytes));
          g_hash_table_insert (blob_index, page->bytes, index);
        }
      json_object_set_int_member (entry, "blob", GPOINTER_TO_UINT (index));
      json_object_set_string_member (entry, "media-type", page->media_type);
      json_object_set_int_member (entry, "rotation", page->rotation);
      if (page->kind == SCH_SLOT_PAGE_PDF)
        {
          json_object_set_int_member (entry, "page", page->page_index);
          if (page->password != NULL)
            json_object_set_string_member (entry, "password", page->password);
        }
      else
        {
          json_object_set_int_member (entry, "width", page->width_px);
          json_object_set_int_member (entry, "height", page->height_px);
          json_object_set_double_member (entry, "dpi", page->dpi);
        }
      json_array_add_object_element (list, entry);
    }
  json_object_set_array_member (request, "pages", list);

  run_helper (self, new_task (self, sch_pdf_inspector_compose_async, cancellable, callback, user_data),
              request, blobs, parse_pdf);
}

/**
 * sch_pdf_inspector_compose_finish:
 *
 * Returns: (transfer full): the composed PDF, or %NULL with @error set
 */
GBytes *
sch_pdf_inspector_compose_finish (SchPdfInspector  *self,
                                  GAsyncResult     *result,
                                  GError          **error)
{
  return propagate (self, result, sch_pdf_inspector_compose_async, error);
}

/* Images */

typedef struct {
  GPtrArray *pages;
  guint n_pages;
} ImageAnswer;

static void
image_answer_free (ImageAnswer *answer)
{
  g_ptr_array_unref (answer->pages);
  g_free (answer);
}

static SchSlotPage *
parse_image_page (JsonNode   *node,
                  GPtrArray  *blobs,
                  GPtrArray  *request_blobs)
{
  JsonObject *object;
  const char *media_type;
  gint64 width, height, rotation, blob;
  double dpi;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  object = json_node_get_object (node);
  media_type = json_object_get_string_member_with_default (object, "media-type", "");
  width = json_object_get_int_member_with_default (object, "width", 0);
  height = json_object_get_int_member_with_default (object, "height", 0);
  rotation = json_object_get_int_member_with_default (object, "rotation", -1);
  blob = json_object_get_int_member_with_default (object, "blob", G_MININT64);
  dpi = json_object_get_double_member_with_default (object, "dpi", 0);

  if ((!g_str_equal (media_type, "image/jpeg") && !g_str_equal (media_type, "image/png")) ||
      width <= 0 || height <= 0 || width > 65535 || height > 65535 ||
      width * height > SCH_IMPORT_MAX_PIXELS || !(dpi >= 10 && dpi <= 10000) ||
      !(rotation == 0 || rotation == 90 || rotation == 180 || rotation == 270) ||
      blob < -1 || blob >= (gint64) blobs->len)
    return NULL;

  /* -1: the file sent, kept as it is. */
  return sch_slot_page_new_image (blob == -1 ? g_ptr_array_index (request_blobs, 0)
                                             : g_ptr_array_index (blobs, blob),
                                  media_type, width, height, dpi, rotation);
}

static gpointer
parse_image (JsonObject     *header,
             GPtrArray      *blobs,
             GPtrArray      *request_blobs,
             GDestroyNotify *destroy,
             GError        **error)
{
  ImageAnswer *answer;
  JsonArray *list;
  gint64 n_pages = json_object_get_int_member_with_default (header, "n-pages", 0);

  if (n_pages <= 0 || n_pages > G_MAXINT || !json_object_has_member (header, "pages") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (header, "pages")))
    return invalid (error);
  list = json_object_get_array_member (header, "pages");
  if (json_array_get_length (list) != 0 && json_array_get_length (list) != n_pages)
    return invalid (error);

  answer = g_new0 (ImageAnswer, 1);
  answer->n_pages = n_pages;
  answer->pages = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_slot_page_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      SchSlotPage *page = parse_image_page (json_array_get_element (list, i), blobs, request_blobs);

      if (page == NULL)
        {
          image_answer_free (answer);
          return invalid (error);
        }
      g_ptr_array_add (answer->pages, page);
    }

  *destroy = (GDestroyNotify) image_answer_free;
  return answer;
}

/**
 * sch_pdf_inspector_import_image_async:
 * @self: a #SchPdfInspector
 * @image: a JPEG, PNG or TIFF file
 * @max_pages: the most pages to decode; negative for no limit
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Decodes @image into pages in the helper: its size, resolution and EXIF
 * orientation, JPEG and PNG kept as they are where possible, TIFF pages
 * as PNG. A file of more than @max_pages pages is counted, not decoded.
 * Most callers want sch_image_import_async(), which names the file and the
 * limits in its messages.
 */
void
sch_pdf_inspector_import_image_async (SchPdfInspector     *self,
                                      GBytes              *image,
                                      gint64               max_pages,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (image != NULL);

  request = new_request ("image", NULL);
  if (max_pages >= 0)
    json_object_set_int_member (request, "max-pages", max_pages);
  blobs = single_blob (image);
  run_helper (self, new_task (self, sch_pdf_inspector_import_image_async, cancellable, callback, user_data),
              request, blobs, parse_image);
}

/**
 * sch_pdf_inspector_import_image_finish:
 * @n_pages: (out): the number of pages of the file
 *
 * Returns: (transfer container) (element-type SchSlotPage): the pages (none
 *   when there were more than asked for), or %NULL with @error set
 */
GPtrArray *
sch_pdf_inspector_import_image_finish (SchPdfInspector  *self,
                                       GAsyncResult     *result,
                                       guint            *n_pages,
                                       GError          **error)
{
  g_autoptr(GError) local_error = NULL;
  ImageAnswer *answer = propagate (self, result, sch_pdf_inspector_import_image_async, &local_error);
  GPtrArray *pages;

  if (answer == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  *n_pages = answer->n_pages;
  pages = g_ptr_array_ref (answer->pages);
  image_answer_free (answer);
  return pages;
}

static gpointer
parse_render_images (JsonObject     *header,
                     GPtrArray      *blobs,
                     GPtrArray      *request_blobs,
                     GDestroyNotify *destroy,
                     GError        **error)
{
  g_autoptr(GPtrArray) images = NULL;
  JsonArray *list;

  if (!json_object_has_member (header, "images") ||
      !JSON_NODE_HOLDS_ARRAY (json_object_get_member (header, "images")))
    return invalid (error);
  list = json_object_get_array_member (header, "images");
  if (json_array_get_length (list) != blobs->len || blobs->len != request_blobs->len)
    return invalid (error);

  images = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_pdf_image_free);
  for (guint i = 0; i < blobs->len; i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      JsonObject *object;
      SchPdfImage *image;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return invalid (error);
      object = json_node_get_object (node);
      if (json_object_get_boolean_member_with_default (object, "failed", FALSE))
        {
          g_ptr_array_add (images, NULL);
          continue;
        }
      image = g_new0 (SchPdfImage, 1);
      image->page = i;
      image->width = json_object_get_int_member_with_default (object, "width", 0);
      image->height = json_object_get_int_member_with_default (object, "height", 0);
      image->stride = json_object_get_int_member_with_default (object, "stride", 0);
      image->format = SCH_PDF_IMAGE_ARGB32;
      /* Copied so that rows of 32-bit pixels are aligned. */
      image->data = g_bytes_new (g_bytes_get_data (g_ptr_array_index (blobs, i), NULL),
                                 g_bytes_get_size (g_ptr_array_index (blobs, i)));
      g_ptr_array_add (images, image);
      if (image->width <= 0 || image->height <= 0 || image->stride < (gsize) image->width * 4 ||
          g_bytes_get_size (image->data) != image->stride * image->height)
        return invalid (error);
    }

  *destroy = (GDestroyNotify) g_ptr_array_unref;
  return g_steal_pointer (&images);
}

/**
 * sch_pdf_inspector_render_images_async:
 * @self: a #SchPdfInspector
 * @images: (element-type GBytes): JPEG and PNG files
 * @widths: (array): the width of each picture in pixels
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Decodes and scales images for thumbnails in one helper run; each is put
 * on white, as pages of PDFs are rendered.
 */
void
sch_pdf_inspector_render_images_async (SchPdfInspector     *self,
                                       GPtrArray           *images,
                                       const int           *widths,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonObject) request = NULL;
  g_autoptr(GPtrArray) blobs = NULL;
  JsonArray *items;

  g_return_if_fail (SCH_IS_PDF_INSPECTOR (self));
  g_return_if_fail (images != NULL && images->len > 0);
  g_return_if_fail (widths != NULL);

  request = new_request ("render-images", NULL);
  blobs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  items = json_array_new ();
  for (guint i = 0; i < images->len; i++)
    {
      JsonObject *item = json_object_new ();

      g_return_if_fail (widths[i] > 0);
      g_ptr_array_add (blobs, g_bytes_ref (g_ptr_array_index (images, i)));
      json_object_set_int_member (item, "blob", i);
      json_object_set_int_member (item, "width", widths[i]);
      json_array_add_object_element (items, item);
    }
  json_object_set_array_member (request, "items", items);
  run_helper (self, new_task (self, sch_pdf_inspector_render_images_async, cancellable, callback, user_data),
              request, blobs, parse_render_images);
}

/**
 * sch_pdf_inspector_render_images_finish:
 *
 * Returns: (transfer container) (element-type SchPdfImage): one image per
 *   file, in order, %NULL for each that could not be decoded; or %NULL
 *   with @error set when the helper failed
 */
GPtrArray *
sch_pdf_inspector_render_images_finish (SchPdfInspector  *self,
                                        GAsyncResult     *result,
                                        GError          **error)
{
  return propagate (self, result, sch_pdf_inspector_render_images_async, error);
}
