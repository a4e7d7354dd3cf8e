/* The smallest libFuzzer target: meson.build links it to learn whether
 * clang can build the real one (clang's libFuzzer and sanitizer runtimes
 * come in a package of their own). */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  return 0;
}
