// hello: the smallest useful Extism plugin, in C with no libc. Export `greet` reads a name from
// the input and outputs "Hello, <name>!". Built by scripts/build-wasm.mjs into dist/examples/.
#include <stdint.h>

#define IMPORT(name) __attribute__((import_module("extism:host/env"), import_name(name)))
IMPORT("input_length") uint64_t input_length(void);
IMPORT("input_load_u8") uint8_t input_load_u8(uint64_t offset);
IMPORT("alloc") uint64_t alloc(uint64_t length);
IMPORT("store_u8") void store_u8(uint64_t handle, uint8_t byte);
IMPORT("output_set") void output_set(uint64_t handle, uint64_t length);

static const char prefix[] = "Hello, ";

__attribute__((export_name("greet"))) int32_t greet(void) {
  uint64_t n = input_length();
  uint64_t total = (sizeof prefix - 1) + (n ? n : 5) + 1;
  uint64_t out = alloc(total);
  uint64_t at = 0;
  for (uint64_t i = 0; i < sizeof prefix - 1; i++) store_u8(out + at++, (uint8_t)prefix[i]);
  if (n == 0) {
    for (const char *w = "world"; *w; w++) store_u8(out + at++, (uint8_t)*w);
  } else {
    for (uint64_t i = 0; i < n; i++) store_u8(out + at++, input_load_u8(i));
  }
  store_u8(out + at++, '!');
  output_set(out, at);
  return 0;
}
