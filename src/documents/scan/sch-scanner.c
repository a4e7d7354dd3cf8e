#define G_LOG_DOMAIN "sch-scan"

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <sane/sane.h>
#include <sane/saneopts.h>

#include "sch-scan-encoder.h"
#include "sch-scanner.h"
#include "sch-scanner-private.h"

G_DEFINE_QUARK (sch-scan-error-quark, sch_scan_error)

#define READ_CHUNK (128 * 1024)
/* A hand scanner has no page length: stop before a runaway page exhausts memory. */
#define MAX_FRAME_BYTES ((gsize) 1024 * 1024 * 1024)

/* Names backends use for the same thing (after Simple Scan's scanner.vala). */
static const char * const flatbed_names[] = {
  "Flatbed", "FlatBed", "Normal", "Document Table", NULL
};
static const char * const adf_names[] = {
  "Automatic Document Feeder", "ADF", "ADF Front", "Document Feeder", "Feeder", "ADF Simplex",
  "Automatic Document Feeder(left aligned)", "Automatic Document Feeder(centrally aligned)",
  NULL
};
static const char * const duplex_names[] = {
  "ADF Duplex", "Duplex", "Automatic Document Feeder(left aligned,Duplex)",
  "Automatic Document Feeder(centrally aligned,Duplex)", NULL
};
static const char * const color_names[] = {
  SANE_VALUE_SCAN_MODE_COLOR, "Colour", "24bit Color", "24 bit Color", "True Color", "Color24",
  NULL
};
static const char * const gray_names[] = {
  SANE_VALUE_SCAN_MODE_GRAY, "Grayscale", "Grey", "Greyscale", "True Gray", "8bit Gray", "Gray8",
  NULL
};
static const char * const lineart_names[] = {
  SANE_VALUE_SCAN_MODE_LINEART, "LineArt", "Line Art", "Black & White", "Binary", "Bilevel",
  "Monochrome", NULL
};
static const guint standard_dpis[] = { 150, 200, 300 };

/* ------------------------------------------------------------------ job */

struct _SchScanJob
{
  GObject parent_instance;

  /* Set before the job is queued, then only read (also by the scan thread). */
  SchScanRequest request;
  char *device;
  GCancellable *cancellable;
  GMainContext *context;

  /* Touched on @context only. */
  GPtrArray *pages;
  GError *error;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (SchScanJob, sch_scan_job, G_TYPE_OBJECT)

enum {
  PAGE_STARTED,
  PROGRESS,
  PAGE_DONE,
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
sch_scan_job_finalize (GObject *object)
{
  SchScanJob *self = SCH_SCAN_JOB (object);

  g_free (self->device);
  g_clear_object (&self->cancellable);
  g_main_context_unref (self->context);
  g_ptr_array_unref (self->pages);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (sch_scan_job_parent_class)->finalize (object);
}

static void
sch_scan_job_class_init (SchScanJobClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = sch_scan_job_finalize;

  signals[PAGE_STARTED] =
    g_signal_new ("page-started", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[PROGRESS] =
    g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_DOUBLE);
  signals[PAGE_DONE] =
    g_signal_new ("page-done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, SCH_TYPE_SCANNED_PAGE);
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
sch_scan_job_init (SchScanJob *self)
{
  self->pages = g_ptr_array_new_with_free_func (g_object_unref);
}

void
sch_scan_job_cancel (SchScanJob *self)
{
  g_return_if_fail (SCH_IS_SCAN_JOB (self));

  g_cancellable_cancel (self->cancellable);
}

GPtrArray *
sch_scan_job_get_pages (SchScanJob *self)
{
  g_return_val_if_fail (SCH_IS_SCAN_JOB (self), NULL);

  return self->pages;
}

gboolean
sch_scan_job_is_finished (SchScanJob *self)
{
  g_return_val_if_fail (SCH_IS_SCAN_JOB (self), FALSE);

  return self->finished;
}

const GError *
sch_scan_job_get_error (SchScanJob *self)
{
  g_return_val_if_fail (SCH_IS_SCAN_JOB (self), NULL);

  return self->error;
}

/* Events travel from the scan thread to the job's context as idle sources,
 * which run in the order they were attached. */
typedef enum {
  EVENT_PAGE_STARTED,
  EVENT_PROGRESS,
  EVENT_PAGE_DONE,
  EVENT_FINISHED,
} EventKind;

typedef struct {
  SchScanJob *job;
  EventKind kind;
  guint page_number;
  double fraction;
  SchScannedPage *page;
  GError *error;
} Event;

static void
event_free (gpointer data)
{
  Event *event = data;

  g_object_unref (event->job);
  g_clear_object (&event->page);
  g_clear_error (&event->error);
  g_free (event);
}

static gboolean
event_dispatch (gpointer data)
{
  Event *event = data;
  SchScanJob *job = event->job;

  switch (event->kind)
    {
    case EVENT_PAGE_STARTED:
      g_signal_emit (job, signals[PAGE_STARTED], 0, event->page_number);
      break;
    case EVENT_PROGRESS:
      g_signal_emit (job, signals[PROGRESS], 0, event->fraction);
      break;
    case EVENT_PAGE_DONE:
      g_ptr_array_add (job->pages, g_object_ref (event->page));
      g_signal_emit (job, signals[PAGE_DONE], 0, event->page);
      break;
    case EVENT_FINISHED:
      job->finished = TRUE;
      job->error = g_steal_pointer (&event->error);
      g_signal_emit (job, signals[FINISHED], 0, job->error);
      break;
    default:
      g_assert_not_reached ();
    }
  return G_SOURCE_REMOVE;
}

static void
post_event (SchScanJob *job,
            EventKind   kind,
            guint       page_number,
            double      fraction,
            SchScannedPage *page,
            GError     *error)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  Event *event = g_new0 (Event, 1);

  event->job = g_object_ref (job);
  event->kind = kind;
  event->page_number = page_number;
  event->fraction = fraction;
  event->page = page ? g_object_ref (page) : NULL;
  event->error = error;
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, event_dispatch, event, event_free);
  g_source_set_static_name (source, "[sch-scan] job event");
  g_source_attach (source, job->context);
}

/* ------------------------------------------------------------- scanner */

typedef enum {
  REQUEST_LIST_DEVICES,
  REQUEST_DEVICE_OPTIONS,
  REQUEST_SCAN,
  REQUEST_QUIT,
} RequestKind;

typedef struct {
  RequestKind kind;
  GTask *task;
  char *device;
  SchScanJob *job;
} Request;

static gboolean
drop_task (gpointer data)
{
  return G_SOURCE_REMOVE;
}

/* A task holds the scanner. Its last reference must not be dropped on the
 * scan thread, or the scanner could be finalized there and join itself. */
static void
release_task (GTask *task)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, drop_task, task, g_object_unref);
  g_source_set_static_name (source, "[sch-scan] release task");
  g_source_attach (source, g_task_get_context (task));
}

static void
request_free (Request *request)
{
  if (request->task != NULL)
    release_task (request->task);
  g_free (request->device);
  g_clear_object (&request->job);
  g_free (request);
}

struct _SchScanner
{
  GObject parent_instance;

  GAsyncQueue *requests;
  GThread *thread;

  GMutex lock;              /* guards the fields below */
  GPtrArray *live_cancellables;
  SchScanPageHook hook;
  gpointer hook_data;

  /* Scan thread only. */
  SANE_Status init_status;
};

G_DEFINE_FINAL_TYPE (SchScanner, sch_scanner, G_TYPE_OBJECT)

static gpointer
copy_object (gconstpointer object,
             gpointer      user_data)
{
  return g_object_ref ((gpointer) object);
}

static void
sch_scanner_finalize (GObject *object)
{
  SchScanner *self = SCH_SCANNER (object);

  if (self->thread != NULL)
    {
      g_autoptr(GPtrArray) cancellables = NULL;
      Request *quit = g_new0 (Request, 1);

      g_mutex_lock (&self->lock);
      cancellables = g_ptr_array_copy (self->live_cancellables, copy_object, NULL);
      g_ptr_array_set_free_func (cancellables, g_object_unref);
      g_mutex_unlock (&self->lock);
      for (guint i = 0; i < cancellables->len; i++)
        g_cancellable_cancel (g_ptr_array_index (cancellables, i));

      quit->kind = REQUEST_QUIT;
      g_async_queue_push (self->requests, quit);
      g_thread_join (self->thread);
    }

  g_async_queue_unref (self->requests);
  g_ptr_array_unref (self->live_cancellables);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (sch_scanner_parent_class)->finalize (object);
}

static void
sch_scanner_class_init (SchScannerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sch_scanner_finalize;
}

static void
sch_scanner_init (SchScanner *self)
{
  self->requests = g_async_queue_new_full ((GDestroyNotify) request_free);
  self->live_cancellables = g_ptr_array_new_with_free_func (g_object_unref);
  g_mutex_init (&self->lock);
}

SchScanner *
sch_scanner_new (void)
{
  return g_object_new (SCH_TYPE_SCANNER, NULL);
}

void
sch_scanner_set_page_hook (SchScanner      *self,
                           SchScanPageHook  hook,
                           gpointer         user_data)
{
  g_return_if_fail (SCH_IS_SCANNER (self));

  g_mutex_lock (&self->lock);
  self->hook = hook;
  self->hook_data = user_data;
  g_mutex_unlock (&self->lock);
}

/* ------------------------------------------------ errors (scan thread) */

static gboolean
any_device_present (void)
{
  const SANE_Device **devices = NULL;

  return sane_get_devices (&devices, SANE_FALSE) == SANE_STATUS_GOOD
         && devices != NULL && devices[0] != NULL;
}

static void
set_no_device_error (GError **error)
{
  g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_NO_DEVICE,
                       _("No scanner was found. Connect the scanner, switch it on and "
                         "refresh the list of scanners."));
}

/* @status came from sane_start() or sane_read() while scanning. */
static void
set_scan_error (GError      **error,
                SANE_Status   status,
                SchScanSource source)
{
  switch (status)
    {
    case SANE_STATUS_JAMMED:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_JAMMED,
                           _("Paper is jammed in the scanner. Remove the jammed sheet and "
                             "scan the remaining pages again."));
      break;
    case SANE_STATUS_COVER_OPEN:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_COVER_OPEN,
                           _("The scanner’s cover is open. Close it and scan again."));
      break;
    case SANE_STATUS_NO_DOCS:
      if (source == SCH_SCAN_SOURCE_FLATBED)
        g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FEEDER_EMPTY,
                             _("The scanner found no document. Put the document on the "
                               "glass and scan again."));
      else
        g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FEEDER_EMPTY,
                             _("The document feeder is empty. Put the pages in the "
                               "feeder and scan again."));
      break;
    case SANE_STATUS_DEVICE_BUSY:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_BUSY,
                           _("The scanner is in use by another program. Wait until it is "
                             "free and scan again."));
      break;
    case SANE_STATUS_ACCESS_DENIED:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_ACCESS_DENIED,
                           _("Schalter is not allowed to use the scanner. Ask your "
                             "administrator for access to it."));
      break;
    case SANE_STATUS_IO_ERROR:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_DEVICE_VANISHED,
                           _("The connection to the scanner was lost. Check that it is "
                             "switched on and connected, then scan again."));
      break;
    case SANE_STATUS_NO_MEM:
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                           _("The scanner ran out of memory. Scan again at a lower "
                             "resolution."));
      break;
    case SANE_STATUS_CANCELLED:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           _("The scan was cancelled at the scanner."));
      break;
    default:
      g_set_error (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                   _("The scanner reported an error: %s."), sane_strstatus (status));
      break;
    }
}

static void
set_open_error (GError      **error,
                SANE_Status   status,
                const char   *device)
{
  switch (status)
    {
    case SANE_STATUS_DEVICE_BUSY:
    case SANE_STATUS_ACCESS_DENIED:
      set_scan_error (error, status, SCH_SCAN_SOURCE_FLATBED);
      break;
    default:
      /* sane_open() says IO_ERROR or INVAL for a device that is gone. */
      if (!any_device_present ())
        set_no_device_error (error);
      else
        g_set_error (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_DEVICE_VANISHED,
                     _("The scanner “%s” is not available any more. Check that it is "
                       "switched on and connected, then refresh the list of scanners."),
                     device);
      break;
    }
}

static void
set_cancelled_error (GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The scan was cancelled."));
}

/* ---------------------------------------------- options (scan thread) */

static const SANE_Option_Descriptor *
find_option (SANE_Handle  handle,
             const char  *name,
             SANE_Int    *index)
{
  for (SANE_Int i = 1; ; i++)
    {
      const SANE_Option_Descriptor *desc = sane_get_option_descriptor (handle, i);

      if (desc == NULL)
        return NULL;
      if (desc->type != SANE_TYPE_GROUP && desc->name != NULL
          && g_str_equal (desc->name, name)
          && SANE_OPTION_IS_ACTIVE (desc->cap))
        {
          *index = i;
          return desc;
        }
    }
}

/* The device's own spelling of the first of @names it offers, or NULL. */
static const char *
match_string (const SANE_Option_Descriptor *desc,
              const char * const           *names)
{
  if (desc == NULL || desc->type != SANE_TYPE_STRING
      || desc->constraint_type != SANE_CONSTRAINT_STRING_LIST)
    return NULL;

  for (guint n = 0; names[n] != NULL; n++)
    for (guint i = 0; desc->constraint.string_list[i] != NULL; i++)
      if (g_ascii_strcasecmp (desc->constraint.string_list[i], names[n]) == 0)
        return desc->constraint.string_list[i];
  return NULL;
}

static gboolean
set_string (SANE_Handle                   handle,
            SANE_Int                      index,
            const SANE_Option_Descriptor *desc,
            const char                   *value)
{
  g_autofree char *buffer = NULL;
  SANE_Status status;

  if (desc->type != SANE_TYPE_STRING || !SANE_OPTION_IS_SETTABLE (desc->cap)
      || desc->size <= 0 || strlen (value) >= (gsize) desc->size)
    return FALSE;

  buffer = g_malloc0 ((gsize) desc->size);
  memcpy (buffer, value, strlen (value));
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, buffer, NULL);
  if (status != SANE_STATUS_GOOD)
    g_debug ("Option %s rejected: %s", desc->name, sane_strstatus (status));
  return status == SANE_STATUS_GOOD;
}

static SANE_Word
to_word (const SANE_Option_Descriptor *desc,
         double                        value)
{
  if (desc->type == SANE_TYPE_FIXED)
    return SANE_FIX (value);
  if (desc->type == SANE_TYPE_BOOL)
    return value != 0 ? SANE_TRUE : SANE_FALSE;
  return (SANE_Word) lround (value);
}

static double
from_word (const SANE_Option_Descriptor *desc,
           SANE_Word                     word)
{
  return desc->type == SANE_TYPE_FIXED ? SANE_UNFIX (word) : (double) word;
}

/* The allowed word closest to @word. */
static SANE_Word
constrain_word (const SANE_Option_Descriptor *desc,
                SANE_Word                     word)
{
  if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
    {
      const SANE_Range *range = desc->constraint.range;

      word = CLAMP (word, range->min, range->max);
      if (range->quant > 0)
        {
          gint64 steps = ((gint64) word - range->min + range->quant / 2) / range->quant;
          word = (SANE_Word) MIN ((gint64) range->min + steps * range->quant, range->max);
        }
    }
  else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    {
      const SANE_Word *list = desc->constraint.word_list;
      SANE_Word best = word;
      gint64 best_distance = G_MAXINT64;

      for (SANE_Word i = 1; i <= list[0]; i++)
        {
          gint64 distance = ABS ((gint64) list[i] - word);
          if (distance < best_distance)
            {
              best = list[i];
              best_distance = distance;
            }
        }
      word = best;
    }
  return word;
}

static gboolean
is_number_option (const SANE_Option_Descriptor *desc)
{
  return (desc->type == SANE_TYPE_INT || desc->type == SANE_TYPE_FIXED
          || desc->type == SANE_TYPE_BOOL)
         && desc->size == sizeof (SANE_Word);
}

/* Sets the allowed value nearest @value; *@actual gets what the device took. */
static gboolean
set_number (SANE_Handle                   handle,
            SANE_Int                      index,
            const SANE_Option_Descriptor *desc,
            double                        value,
            double                       *actual)
{
  SANE_Word word;
  SANE_Status status;

  if (!is_number_option (desc) || !SANE_OPTION_IS_SETTABLE (desc->cap))
    return FALSE;

  word = constrain_word (desc, to_word (desc, value));
  status = sane_control_option (handle, index, SANE_ACTION_SET_VALUE, &word, NULL);
  if (status != SANE_STATUS_GOOD)
    {
      g_debug ("Option %s rejected: %s", desc->name, sane_strstatus (status));
      return FALSE;
    }
  /* The device may round (SANE_INFO_INEXACT): read back what it uses. */
  if (actual != NULL
      && sane_control_option (handle, index, SANE_ACTION_GET_VALUE, &word, NULL) == SANE_STATUS_GOOD)
    *actual = from_word (desc, word);
  return TRUE;
}

gboolean
sch_scanner_set_sane_option (SANE_Handle  handle,
                             const char  *name,
                             const char  *value)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index = 0;
  double number;

  g_return_val_if_fail (handle != NULL, FALSE);
  g_return_val_if_fail (name != NULL && value != NULL, FALSE);

  desc = find_option (handle, name, &index);
  if (desc == NULL)
    return FALSE;
  if (desc->type == SANE_TYPE_STRING)
    return set_string (handle, index, desc, value);

  if (g_ascii_strcasecmp (value, "true") == 0)
    number = 1;
  else if (g_ascii_strcasecmp (value, "false") == 0)
    number = 0;
  else
    number = g_ascii_strtod (value, NULL);
  return set_number (handle, index, desc, number, NULL);
}

static double
option_bound (const SANE_Option_Descriptor *desc,
              gboolean                      maximum)
{
  SANE_Word word = 0;

  if (desc->constraint_type == SANE_CONSTRAINT_RANGE)
    word = maximum ? desc->constraint.range->max : desc->constraint.range->min;
  else if (desc->constraint_type == SANE_CONSTRAINT_WORD_LIST)
    for (SANE_Word i = 1; i <= desc->constraint.word_list[0]; i++)
      {
        SANE_Word w = desc->constraint.word_list[i];
        if (i == 1 || (maximum ? w > word : w < word))
          word = w;
      }
  return from_word (desc, word);
}

static gboolean
offers_number (const SANE_Option_Descriptor *desc,
               double                        value)
{
  SANE_Word word;

  if (!is_number_option (desc))
    return FALSE;
  word = to_word (desc, value);
  return desc->constraint_type == SANE_CONSTRAINT_NONE || constrain_word (desc, word) == word;
}

/* Sets the scan area to @length mm from the start of the axis, or all of it. */
static void
set_extent (SANE_Handle  handle,
            const char  *start_name,
            const char  *end_name,
            double       length)
{
  const SANE_Option_Descriptor *start_desc, *end_desc;
  SANE_Int start_index = 0, end_index = 0;
  double start = 0, end;

  start_desc = find_option (handle, start_name, &start_index);
  if (start_desc != NULL && start_desc->unit == SANE_UNIT_MM)
    {
      start = option_bound (start_desc, FALSE);
      set_number (handle, start_index, start_desc, start, &start);
    }

  end_desc = find_option (handle, end_name, &end_index);
  if (end_desc == NULL || end_desc->unit != SANE_UNIT_MM)
    return;
  end = option_bound (end_desc, TRUE);
  if (length > 0)
    end = MIN (end, start + length);
  set_number (handle, end_index, end_desc, end, NULL);
}

static gboolean
set_source (SANE_Handle           handle,
            const SchScanRequest *request,
            GError              **error)
{
  const SANE_Option_Descriptor *desc, *duplex_desc;
  SANE_Int index = 0, duplex_index = 0;
  const char *value;

  desc = find_option (handle, SANE_NAME_SCAN_SOURCE, &index);
  switch (request->source)
    {
    case SCH_SCAN_SOURCE_FLATBED:
      /* A device without a source option scans what it has. */
      value = match_string (desc, flatbed_names);
      if (value != NULL)
        set_string (handle, index, desc, value);
      return TRUE;

    case SCH_SCAN_SOURCE_ADF:
      value = match_string (desc, adf_names);
      if (value != NULL && set_string (handle, index, desc, value))
        return TRUE;
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_UNSUPPORTED,
                           _("This scanner has no document feeder. Choose the flatbed "
                             "as the source."));
      return FALSE;

    case SCH_SCAN_SOURCE_DUPLEX:
      value = match_string (desc, duplex_names);
      if (value != NULL && set_string (handle, index, desc, value))
        return TRUE;
      /* Some backends have a feeder source plus a separate duplex switch. */
      value = match_string (desc, adf_names);
      if (value != NULL && set_string (handle, index, desc, value)
          && (duplex_desc = find_option (handle, "duplex", &duplex_index)) != NULL
          && set_number (handle, duplex_index, duplex_desc, 1, NULL))
        return TRUE;
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_UNSUPPORTED,
                           _("This scanner cannot scan both sides of a sheet. Choose the "
                             "document feeder as the source and scan each side."));
      return FALSE;

    default:
      g_assert_not_reached ();
    }
}

/* Modes are tried in order; a mode the device lacks is made from the next one. */
static const char * const * const mode_preferences[][3] = {
  [SCH_SCAN_MODE_COLOR] = { color_names, gray_names, NULL },
  [SCH_SCAN_MODE_GRAY] = { gray_names, color_names, NULL },
  [SCH_SCAN_MODE_LINEART] = { lineart_names, gray_names, color_names },
};

static void
set_mode (SANE_Handle   handle,
          SchScanMode   mode)
{
  const char * const * const *preferences = mode_preferences[mode];
  const SANE_Option_Descriptor *desc;
  SANE_Int index = 0;

  desc = find_option (handle, SANE_NAME_SCAN_MODE, &index);
  for (guint i = 0; i < G_N_ELEMENTS (mode_preferences[0]) && preferences[i] != NULL; i++)
    {
      const char *value = match_string (desc, preferences[i]);

      if (value != NULL && set_string (handle, index, desc, value))
        break;
    }

  /* 8 bits per sample for gray and color: 16 would only double the data. */
  desc = find_option (handle, SANE_NAME_BIT_DEPTH, &index);
  if (desc != NULL && offers_number (desc, 8))
    set_number (handle, index, desc, 8, NULL);
}

static guint
set_resolution (SANE_Handle handle,
                guint       dpi)
{
  const SANE_Option_Descriptor *desc;
  SANE_Int index = 0;
  double actual = dpi;

  desc = find_option (handle, SANE_NAME_SCAN_RESOLUTION, &index);
  if (desc != NULL)
    set_number (handle, index, desc, dpi, &actual);
  return actual >= 1 ? (guint) lround (actual) : dpi;
}

static gboolean
configure_device (SANE_Handle           handle,
                  const SchScanRequest *request,
                  guint                *dpi,
                  GError              **error)
{
  /* Source first: it may change the ranges of the other options. */
  if (!set_source (handle, request, error))
    return FALSE;
  set_mode (handle, request->mode);
  *dpi = set_resolution (handle, request->dpi);
  set_extent (handle, SANE_NAME_SCAN_TL_X, SANE_NAME_SCAN_BR_X, request->page_width_mm);
  set_extent (handle, SANE_NAME_SCAN_TL_Y, SANE_NAME_SCAN_BR_Y, request->page_height_mm);
  return TRUE;
}

static char *
first_device_name (void)
{
  const SANE_Device **devices = NULL;

  if (sane_get_devices (&devices, SANE_FALSE) != SANE_STATUS_GOOD
      || devices == NULL || devices[0] == NULL)
    return NULL;
  return g_strdup (devices[0]->name);
}

static SANE_Handle
open_device (const char  *device,
             GError     **error)
{
  g_autofree char *first = NULL;
  SANE_Handle handle = NULL;
  SANE_Status status;

  if (device == NULL || *device == '\0')
    {
      device = first = first_device_name ();
      if (device == NULL)
        {
          set_no_device_error (error);
          return NULL;
        }
    }

  status = sane_open (device, &handle);
  if (status != SANE_STATUS_GOOD)
    {
      set_open_error (error, status, device);
      return NULL;
    }
  return handle;
}

/* --------------------------------------------- reading (scan thread) */

typedef struct {
  SANE_Parameters params;
  GByteArray *data;
} Frame;

static gboolean
read_frame (SchScanJob   *job,
            SANE_Handle   handle,
            Frame        *frame,
            guint         frame_index,
            guint         n_frames,
            guint8       *buffer,
            GError      **error)
{
  gsize expected = frame->params.lines > 0
                   ? (gsize) frame->params.lines * (gsize) frame->params.bytes_per_line : 0;
  double reported = -1;

  for (;;)
    {
      SANE_Int length = 0;
      SANE_Status status;

      if (g_cancellable_is_cancelled (job->cancellable))
        {
          set_cancelled_error (error);
          return FALSE;
        }

      status = sane_read (handle, buffer, READ_CHUNK, &length);
      if (status == SANE_STATUS_EOF)
        return TRUE;
      if (status != SANE_STATUS_GOOD)
        {
          set_scan_error (error, status, job->request.source);
          return FALSE;
        }
      if (length <= 0)
        continue;
      if (frame->data->len + (gsize) length > MAX_FRAME_BYTES)
        {
          g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                               _("The scanned page is longer than Schalter can store. "
                                 "Scan it in parts."));
          return FALSE;
        }
      g_byte_array_append (frame->data, buffer, (guint) length);

      if (expected > 0)
        {
          double fraction = (frame_index + MIN (1.0, (double) frame->data->len / expected))
                            / n_frames;
          /* Fifty steps per page are smooth enough and keep the main loop free. */
          if (fraction - reported >= 0.02 || fraction >= 1.0)
            {
              reported = fraction;
              post_event (job, EVENT_PROGRESS, 0, fraction, NULL, NULL);
            }
        }
    }
}

/* One frame as rows of @width × channels bytes, 8 bits per sample. */
static guint8 *
frame_to_8bit (const Frame *frame,
               guint        channels,
               guint        width,
               guint        height)
{
  gsize row_samples = (gsize) width * channels;
  guint8 *out = g_malloc (row_samples * height);

  for (guint y = 0; y < height; y++)
    {
      const guint8 *src = frame->data->data + (gsize) y * frame->params.bytes_per_line;
      guint8 *dst = out + y * row_samples;

      switch (frame->params.depth)
        {
        case 8:
          memcpy (dst, src, row_samples);
          break;
        case 16:
          /* Samples are in host byte order; the high byte is enough for storage. */
          for (gsize i = 0; i < row_samples; i++)
            {
              guint16 sample;
              memcpy (&sample, src + 2 * i, sizeof sample);
              dst[i] = (guint8) (sample >> 8);
            }
          break;
        case 1:
          /* In SANE a set bit is black. */
          for (gsize i = 0; i < row_samples; i++)
            dst[i] = (src[i / 8] & (0x80 >> (i % 8))) ? 0x00 : 0xff;
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return out;
}

static gboolean
frame_is_readable (const SANE_Parameters *params)
{
  gsize channels = params->format == SANE_FRAME_RGB ? 3 : 1;
  gsize needed;

  if (params->format != SANE_FRAME_GRAY && params->format != SANE_FRAME_RGB
      && params->format != SANE_FRAME_RED && params->format != SANE_FRAME_GREEN
      && params->format != SANE_FRAME_BLUE)
    return FALSE;
  if (params->depth != 1 && params->depth != 8 && params->depth != 16)
    return FALSE;
  if (params->depth == 1 && params->format == SANE_FRAME_RGB)
    return FALSE;
  if (params->pixels_per_line <= 0 || params->bytes_per_line <= 0)
    return FALSE;
  needed = params->depth == 1
           ? ((gsize) params->pixels_per_line + 7) / 8
           : (gsize) params->pixels_per_line * channels * (params->depth / 8);
  return (gsize) params->bytes_per_line >= needed;
}

/* Puts the frames of a page together as 8-bit gray or RGB. */
static guint8 *
assemble_page (Frame   *frames,
               guint    n_frames,
               guint   *width,
               guint   *height,
               guint   *channels,
               GError **error)
{
  guint rows = G_MAXUINT;

  *width = (guint) frames[0].params.pixels_per_line;
  for (guint i = 0; i < n_frames; i++)
    {
      guint frame_rows = frames[i].data->len / (guint) frames[i].params.bytes_per_line;

      if (frames[i].params.lines > 0)
        frame_rows = MIN (frame_rows, (guint) frames[i].params.lines);
      rows = MIN (rows, frame_rows);
      if ((guint) frames[i].params.pixels_per_line != *width)
        rows = 0;
    }
  if (rows == 0 || (n_frames == 3) != (frames[0].params.format >= SANE_FRAME_RED))
    {
      g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                           _("The scanner sent an empty or incomplete page. Scan it again."));
      return NULL;
    }
  *height = rows;

  if (n_frames == 1)
    {
      *channels = frames[0].params.format == SANE_FRAME_RGB ? 3 : 1;
      return frame_to_8bit (&frames[0], *channels, *width, rows);
    }

  /* A three-pass scanner sends red, green and blue as separate gray frames. */
  {
    gsize n_pixels = (gsize) *width * rows;
    guint8 *rgb = g_malloc0 (n_pixels * 3);

    *channels = 3;
    for (guint i = 0; i < 3; i++)
      {
        g_autofree guint8 *plane = frame_to_8bit (&frames[i], 1, *width, rows);
        guint offset = frames[i].params.format - SANE_FRAME_RED;

        for (gsize p = 0; p < n_pixels; p++)
          rgb[p * 3 + offset] = plane[p];
      }
    return rgb;
  }
}

static guint8 *
rgb_to_gray (const guint8 *rgb,
             gsize         n_pixels)
{
  guint8 *gray = g_malloc (n_pixels);

  for (gsize p = 0; p < n_pixels; p++)
    gray[p] = (guint8) ((77 * rgb[3 * p] + 150 * rgb[3 * p + 1] + 29 * rgb[3 * p + 2]) >> 8);
  return gray;
}

static SchScannedPage *
encode_page (const SchScanRequest *request,
             guint8               *pixels,
             guint                 width,
             guint                 height,
             guint                 channels,
             guint                 dpi,
             GError              **error)
{
  g_autofree guint8 *gray = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guint quality = request->jpeg_quality ? request->jpeg_quality : SCH_SCAN_DEFAULT_JPEG_QUALITY;

  if (request->mode != SCH_SCAN_MODE_COLOR && channels == 3)
    {
      pixels = gray = rgb_to_gray (pixels, (gsize) width * height);
      channels = 1;
    }

  if (request->mode == SCH_SCAN_MODE_LINEART)
    {
      bytes = sch_scan_encode_lineart_png (pixels, width, height, width, dpi, error);
      return bytes ? sch_scanned_page_new (bytes, "image/png", width, height, dpi) : NULL;
    }
  bytes = sch_scan_encode_jpeg (pixels, width, height, (gsize) width * channels, channels,
                                quality, dpi, error);
  return bytes ? sch_scanned_page_new (bytes, "image/jpeg", width, height, dpi) : NULL;
}

/* Reads the page whose first frame sane_start() has begun. */
static SchScannedPage *
read_page (SchScanJob  *job,
           SANE_Handle  handle,
           guint        dpi,
           guint8      *buffer,
           GError     **error)
{
  Frame frames[3] = { { { 0 } } };
  guint n_frames = 0;
  g_autofree guint8 *pixels = NULL;
  guint width = 0, height = 0, channels = 0;
  SchScannedPage *page = NULL;

  for (;;)
    {
      SANE_Status status;
      Frame *frame = &frames[n_frames];

      if (n_frames > 0 && (status = sane_start (handle)) != SANE_STATUS_GOOD)
        {
          set_scan_error (error, status, job->request.source);
          goto out;
        }
      status = sane_get_parameters (handle, &frame->params);
      if (status != SANE_STATUS_GOOD)
        {
          set_scan_error (error, status, job->request.source);
          goto out;
        }
      /* Only red, green and blue come as several frames, and only they do. */
      if (!frame_is_readable (&frame->params)
          || (frame->params.format >= SANE_FRAME_RED) != (n_frames > 0 || !frame->params.last_frame))
        {
          g_set_error_literal (error, SCH_SCAN_ERROR, SCH_SCAN_ERROR_UNSUPPORTED,
                               _("The scanner sent the page in a format Schalter cannot "
                                 "read. Choose another mode."));
          goto out;
        }
      frame->data = g_byte_array_new ();
      n_frames++;
      if (!read_frame (job, handle, frame, n_frames - 1,
                       frame->params.format >= SANE_FRAME_RED ? 3 : 1, buffer, error))
        goto out;
      if (frame->params.last_frame || n_frames == 3)
        break;
    }

  pixels = assemble_page (frames, n_frames, &width, &height, &channels, error);
  if (pixels != NULL)
    page = encode_page (&job->request, pixels, width, height, channels, dpi, error);

out:
  for (guint i = 0; i < n_frames; i++)
    g_byte_array_unref (frames[i].data);
  return page;
}

static void
run_scan (SchScanner *self,
          SchScanJob *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buffer = NULL;
  gboolean feeder = job->request.source != SCH_SCAN_SOURCE_FLATBED;
  SANE_Handle handle = NULL;
  guint dpi = job->request.dpi;

  if (g_cancellable_is_cancelled (job->cancellable))
    {
      set_cancelled_error (&error);
      goto out;
    }
  handle = open_device (job->request.device, &error);
  if (handle == NULL || !configure_device (handle, &job->request, &dpi, &error))
    goto out;

  buffer = g_malloc (READ_CHUNK);
  for (guint page_number = 1; ; page_number++)
    {
      g_autoptr(SchScannedPage) page = NULL;
      SchScanPageHook hook;
      gpointer hook_data;
      SANE_Status status;

      if (g_cancellable_is_cancelled (job->cancellable))
        {
          set_cancelled_error (&error);
          break;
        }

      g_mutex_lock (&self->lock);
      hook = self->hook;
      hook_data = self->hook_data;
      g_mutex_unlock (&self->lock);
      if (hook != NULL)
        hook (handle, page_number, FALSE, hook_data);

      status = sane_start (handle);
      /* An empty feeder after the first page is how every ADF run ends. */
      if (status == SANE_STATUS_NO_DOCS && feeder && page_number > 1)
        break;
      if (status != SANE_STATUS_GOOD)
        {
          set_scan_error (&error, status, job->request.source);
          break;
        }

      if (hook != NULL)
        hook (handle, page_number, TRUE, hook_data);
      post_event (job, EVENT_PAGE_STARTED, page_number, 0, NULL, NULL);
      page = read_page (job, handle, dpi, buffer, &error);
      if (page == NULL)
        break;
      post_event (job, EVENT_PAGE_DONE, page_number, 1.0, page, NULL);
      if (!feeder)
        break;
    }

out:
  if (handle != NULL)
    {
      /* Stops the device (also mid-page) and ends the batch. */
      sane_cancel (handle);
      sane_close (handle);
    }
  if (error != NULL)
    g_debug ("Scan ended: %s", error->message);
  post_event (job, EVENT_FINISHED, 0, 0, NULL, g_steal_pointer (&error));
}

static void
list_devices (GTask *task)
{
  const SANE_Device **devices = NULL;
  GPtrArray *list;
  SANE_Status status;

  status = sane_get_devices (&devices, SANE_FALSE);
  if (status != SANE_STATUS_GOOD)
    {
      g_task_return_new_error (task, SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                               _("Schalter could not look for scanners: %s."),
                               sane_strstatus (status));
      return;
    }

  list = g_ptr_array_new_with_free_func ((GDestroyNotify) sch_scan_device_free);
  for (guint i = 0; devices != NULL && devices[i] != NULL; i++)
    g_ptr_array_add (list, sch_scan_device_new (devices[i]->name, devices[i]->vendor,
                                                devices[i]->model, devices[i]->type));
  g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static void
read_device_options (GTask      *task,
                     const char *device)
{
  g_autoptr(SchScanDeviceOptions) options = g_new0 (SchScanDeviceOptions, 1);
  const SANE_Option_Descriptor *desc;
  SANE_Int index = 0;
  GError *error = NULL;
  SANE_Handle handle;

  handle = open_device (device, &error);
  if (handle == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  desc = find_option (handle, SANE_NAME_SCAN_SOURCE, &index);
  if (desc == NULL || match_string (desc, flatbed_names) != NULL)
    options->sources |= 1 << SCH_SCAN_SOURCE_FLATBED;
  if (match_string (desc, adf_names) != NULL)
    options->sources |= 1 << SCH_SCAN_SOURCE_ADF;
  if (match_string (desc, duplex_names) != NULL
      || (match_string (desc, adf_names) != NULL && find_option (handle, "duplex", &index)))
    options->sources |= 1 << SCH_SCAN_SOURCE_DUPLEX;

  desc = find_option (handle, SANE_NAME_SCAN_MODE, &index);
  if (match_string (desc, color_names) != NULL)
    options->modes |= 1 << SCH_SCAN_MODE_COLOR;
  if (match_string (desc, gray_names) != NULL)
    options->modes |= 1 << SCH_SCAN_MODE_GRAY;
  if (match_string (desc, lineart_names) != NULL)
    options->modes |= 1 << SCH_SCAN_MODE_LINEART;

  desc = find_option (handle, SANE_NAME_SCAN_RESOLUTION, &index);
  for (guint i = 0; i < G_N_ELEMENTS (standard_dpis); i++)
    if (desc == NULL || offers_number (desc, standard_dpis[i]))
      options->resolutions[options->n_resolutions++] = standard_dpis[i];

  sane_close (handle);
  g_task_return_pointer (task, g_steal_pointer (&options),
                         (GDestroyNotify) sch_scan_device_options_free);
}

static void
forget_job (SchScanner *self,
            SchScanJob *job)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_remove (self->live_cancellables, job->cancellable);
  g_mutex_unlock (&self->lock);
}

static void
run_request (SchScanner *self,
             Request    *request)
{
  switch (request->kind)
    {
    case REQUEST_LIST_DEVICES:
      list_devices (request->task);
      break;
    case REQUEST_DEVICE_OPTIONS:
      read_device_options (request->task, request->device);
      break;
    case REQUEST_SCAN:
      run_scan (self, request->job);
      break;
    case REQUEST_QUIT:
    default:
      g_assert_not_reached ();
    }
}

static gboolean
handle_request (SchScanner *self,
                Request    *request)
{
  if (request->kind == REQUEST_QUIT)
    return FALSE;

  if (self->init_status != SANE_STATUS_GOOD)
    {
      g_autoptr(GError) error = g_error_new (SCH_SCAN_ERROR, SCH_SCAN_ERROR_FAILED,
                                             _("The scanner service SANE could not be "
                                               "started: %s."),
                                             sane_strstatus (self->init_status));
      if (request->job != NULL)
        post_event (request->job, EVENT_FINISHED, 0, 0, NULL, g_steal_pointer (&error));
      else
        g_task_return_error (request->task, g_steal_pointer (&error));
    }
  else
    {
      run_request (self, request);
    }

  if (request->job != NULL)
    forget_job (self, request->job);
  return TRUE;
}

static gpointer
scan_thread (gpointer data)
{
  SchScanner *self = data;
  gboolean running = TRUE;

  self->init_status = sane_init (NULL, NULL);
  if (self->init_status != SANE_STATUS_GOOD)
    g_warning ("sane_init failed: %s", sane_strstatus (self->init_status));

  while (running)
    {
      Request *request = g_async_queue_pop (self->requests);

      running = handle_request (self, request);
      request_free (request);
    }

  if (self->init_status == SANE_STATUS_GOOD)
    sane_exit ();
  return NULL;
}

static void
push_request (SchScanner *self,
              Request    *request)
{
  /* Started with the first request, so SANE_CONFIG_DIR can be set after sch_scanner_new(). */
  if (self->thread == NULL)
    self->thread = g_thread_new ("sch-scan", scan_thread, self);
  g_async_queue_push (self->requests, request);
}

void
sch_scanner_list_devices_async (SchScanner          *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  Request *request;

  g_return_if_fail (SCH_IS_SCANNER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_LIST_DEVICES;
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, sch_scanner_list_devices_async);
  push_request (self, request);
}

GPtrArray *
sch_scanner_list_devices_finish (SchScanner    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (SCH_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == sch_scanner_list_devices_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

void
sch_scanner_get_device_options_async (SchScanner          *self,
                                      const char          *device,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  Request *request;

  g_return_if_fail (SCH_IS_SCANNER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request = g_new0 (Request, 1);
  request->kind = REQUEST_DEVICE_OPTIONS;
  request->device = g_strdup (device);
  request->task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (request->task, sch_scanner_get_device_options_async);
  push_request (self, request);
}

SchScanDeviceOptions *
sch_scanner_get_device_options_finish (SchScanner    *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (SCH_IS_SCANNER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result))
                        == sch_scanner_get_device_options_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

SchScanJob *
sch_scanner_scan (SchScanner           *self,
                  const SchScanRequest *request,
                  GCancellable         *cancellable)
{
  SchScanJob *job;
  Request *item;

  g_return_val_if_fail (SCH_IS_SCANNER (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (request->source <= SCH_SCAN_SOURCE_DUPLEX, NULL);
  g_return_val_if_fail (request->mode <= SCH_SCAN_MODE_LINEART, NULL);
  g_return_val_if_fail (request->dpi > 0, NULL);
  g_return_val_if_fail (request->jpeg_quality <= 100, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);

  job = g_object_new (SCH_TYPE_SCAN_JOB, NULL);
  job->request = *request;
  job->device = g_strdup (request->device);
  job->request.device = job->device;
  job->cancellable = cancellable ? g_object_ref (cancellable) : g_cancellable_new ();
  job->context = g_main_context_ref_thread_default ();

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->live_cancellables, g_object_ref (job->cancellable));
  g_mutex_unlock (&self->lock);

  item = g_new0 (Request, 1);
  item->kind = REQUEST_SCAN;
  item->job = g_object_ref (job);
  push_request (self, item);
  return job;
}
