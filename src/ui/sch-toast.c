#include "config.h"

#include "sch-toast.h"

/* The toast shown on an overlay, kept as the overlay's data until it is
 * dismissed. */
#define SHOWN_KEY "sch-toast-shown"

static void
dismissed_cb (AdwToast        *toast,
              AdwToastOverlay *overlay)
{
  if (g_object_get_data (G_OBJECT (overlay), SHOWN_KEY) == toast)
    g_object_set_data (G_OBJECT (overlay), SHOWN_KEY, NULL);
}

void
sch_toast_show (AdwToastOverlay *overlay,
                const char      *message)
{
  g_autofree char *escaped = NULL;
  AdwToast *shown;
  AdwToast *toast;

  g_return_if_fail (ADW_IS_TOAST_OVERLAY (overlay));
  g_return_if_fail (message != NULL);

  /* Toast titles are Pango markup. */
  escaped = g_markup_escape_text (message, -1);
  shown = g_object_get_data (G_OBJECT (overlay), SHOWN_KEY);
  if (shown != NULL)
    {
      adw_toast_set_title (shown, escaped);
      return;
    }

  toast = adw_toast_new (escaped);
  g_object_set_data_full (G_OBJECT (overlay), SHOWN_KEY, g_object_ref (toast), g_object_unref);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (dismissed_cb), overlay, 0);
  adw_toast_overlay_add_toast (overlay, toast);
}
