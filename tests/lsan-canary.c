/* Leaks a cairo surface on purpose. Built only with AddressSanitizer, where
 * it must fail: it proves that .ci/lsan.supp, which silences cairo's own
 * leaks, still reports a cairo object that our code forgets to free. */
#include <stdlib.h>

#include <cairo.h>

static cairo_surface_t *
make_thumbnail (void)
{
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, 128, 181);
  cairo_t *cr = cairo_create (surface);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_destroy (cr);
  return surface;
}

int
main (void)
{
  cairo_surface_t *forgotten = make_thumbnail ();

  forgotten = NULL;
  return forgotten == NULL ? EXIT_SUCCESS : EXIT_FAILURE;
}
