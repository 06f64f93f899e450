/*
 * warden.h — Warden's C SDK: one header for plugins built with
 *
 *   clang --target=wasm32 -nostdlib -mbulk-memory -O2 -Wl,--no-entry -o plugin.wasm plugin.c
 *
 * Freestanding: no libc. Memory the SDK hands out comes from a per-call arena that WARDEN_TOOL
 * resets when a call starts, so nothing leaks from one call to the next; keep data across calls
 * in static variables (plain C data) or in vars / kv. Text is UTF-8 in `warden_str` slices;
 * `.ptr == 0` means "none" (an unset key, a missing secret). Slices the SDK returns are also
 * NUL-terminated, so their ptr can be passed where a C string is expected.
 *
 * A tool:
 *
 *   WARDEN_TOOL(hello) {
 *     warden_str name = warden_json_get_string(warden_input(), "name");
 *     warden_buf out = {0};
 *     warden_buf_cstr(&out, "{\"greeting\":");
 *     warden_buf_json_string(&out, name);
 *     warden_buf_cstr(&out, "}");
 *     return warden_output_buf(&out);
 *   }
 *
 * Failing: `return warden_fail("why");` — the caller gets "why" as the plugin's error.
 * The host-function ABI (version WARDEN_ABI_VERSION) is documented in docs/abi.md, the SDK in
 * docs/sdk-c.md. A host function is imported only when the plugin calls it; the install scan
 * refuses a plugin that imports one whose capability its manifest does not declare.
 */
#ifndef WARDEN_H
#define WARDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __wasm_bulk_memory__
#error "warden.h needs -mbulk-memory (copies compile to memory.copy; there is no libc memcpy)"
#endif

#define WARDEN_ABI_VERSION 1

typedef uint64_t warden_handle;

/* A byte slice. `ptr == 0` is "none"; an empty value has a non-null ptr and len 0. */
typedef struct {
  const char *ptr;
  size_t len;
} warden_str;

#define WARDEN_NONE ((warden_str){0, 0})
/* A slice of a string literal: WARDEN_S("text"). */
#define WARDEN_S(literal) ((warden_str){(literal), sizeof(literal) - 1})

/* ---------------------------------------------------------------- raw imports */

#define WARDEN__IMPORT(module, name) __attribute__((import_module(module), import_name(name)))
#define WARDEN__ENV(name) WARDEN__IMPORT("extism:host/env", name)
#define WARDEN__USER(name) WARDEN__IMPORT("extism:host/user", name)

WARDEN__ENV("alloc") warden_handle warden_raw_alloc(uint64_t n);
WARDEN__ENV("free") void warden_raw_free(warden_handle h);
WARDEN__ENV("length") uint64_t warden_raw_length(warden_handle h);
WARDEN__ENV("load_u8") int32_t warden_raw_load_u8(warden_handle h);
WARDEN__ENV("load_u64") uint64_t warden_raw_load_u64(warden_handle h);
WARDEN__ENV("store_u8") void warden_raw_store_u8(warden_handle h, int32_t v);
WARDEN__ENV("store_u64") void warden_raw_store_u64(warden_handle h, uint64_t v);
WARDEN__ENV("input_length") uint64_t warden_raw_input_length(void);
WARDEN__ENV("input_load_u8") int32_t warden_raw_input_load_u8(uint64_t offset);
WARDEN__ENV("input_load_u64") uint64_t warden_raw_input_load_u64(uint64_t offset);
WARDEN__ENV("output_set") void warden_raw_output_set(warden_handle h, uint64_t n);
WARDEN__ENV("error_set") void warden_raw_error_set(warden_handle h);
WARDEN__ENV("config_get") warden_handle warden_raw_config_get(warden_handle key);
WARDEN__ENV("var_get") warden_handle warden_raw_var_get(warden_handle key);
WARDEN__ENV("var_set") void warden_raw_var_set(warden_handle key, warden_handle value);
WARDEN__ENV("http_request") warden_handle warden_raw_http_request(warden_handle req, warden_handle body);
WARDEN__ENV("http_status_code") int32_t warden_raw_http_status_code(void);
WARDEN__ENV("http_headers") warden_handle warden_raw_http_headers(void);
WARDEN__ENV("log_trace") void warden_raw_log_trace(warden_handle h);
WARDEN__ENV("log_debug") void warden_raw_log_debug(warden_handle h);
WARDEN__ENV("log_info") void warden_raw_log_info(warden_handle h);
WARDEN__ENV("log_warn") void warden_raw_log_warn(warden_handle h);
WARDEN__ENV("log_error") void warden_raw_log_error(warden_handle h);
WARDEN__ENV("get_log_level") int32_t warden_raw_get_log_level(void);

WARDEN__USER("warden_kv_get") warden_handle warden_raw_kv_get(warden_handle key);
WARDEN__USER("warden_kv_set") void warden_raw_kv_set(warden_handle key, warden_handle value);
WARDEN__USER("warden_kv_delete") void warden_raw_kv_delete(warden_handle key);
WARDEN__USER("warden_kv_list") warden_handle warden_raw_kv_list(warden_handle prefix);
WARDEN__USER("warden_vault_get") warden_handle warden_raw_vault_get(warden_handle name);
WARDEN__USER("warden_tool_call") warden_handle warden_raw_tool_call(warden_handle name, warden_handle input);
WARDEN__USER("warden_cli_run") warden_handle warden_raw_cli_run(warden_handle request);
WARDEN__USER("warden_context_get") warden_handle warden_raw_context_get(void);
WARDEN__USER("warden_memory_search") warden_handle warden_raw_memory_search(warden_handle query);
WARDEN__USER("warden_channel_send") int32_t warden_raw_channel_send(warden_handle channel, warden_handle message);

/* ---------------------------------------------------------------- arena */

extern unsigned char __heap_base;
/* Weak, so every file that includes this header shares one arena. */
__attribute__((weak)) uintptr_t warden__arena_top;

/* Starts the arena afresh: everything the SDK handed out before is gone. WARDEN_TOOL calls it. */
static inline void warden_arena_reset(void) { warden__arena_top = (uintptr_t)&__heap_base; }

/* Fails the call with `message` and traps: for when going on is impossible. */
static inline void warden_panic(const char *message);

/* n bytes, 8-byte aligned, valid until the call ends; grows memory as needed. */
static inline void *warden_alloc(size_t n) {
  if (warden__arena_top == 0) warden_arena_reset();
  uintptr_t start = (warden__arena_top + 7u) & ~(uintptr_t)7u;
  uintptr_t have = (uintptr_t)__builtin_wasm_memory_size(0) * 65536u;
  if (n > UINTPTR_MAX - start) warden_panic("out of memory");
  uintptr_t end = start + n;
  if (end > have && __builtin_wasm_memory_grow(0, (end - have + 65535u) / 65536u) == (size_t)-1) warden_panic("out of memory");
  warden__arena_top = end;
  return (void *)start;
}

static inline size_t warden__strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

/* A slice of a NUL-terminated string (none for a null pointer). */
static inline warden_str warden_cstr(const char *s) { return s ? (warden_str){s, warden__strlen(s)} : WARDEN_NONE; }

static inline bool warden_is_none(warden_str s) { return s.ptr == 0; }

static inline bool warden_str_eq(warden_str a, warden_str b) {
  if (a.len != b.len) return false;
  for (size_t i = 0; i < a.len; i++) if (a.ptr[i] != b.ptr[i]) return false;
  return true;
}

/* ---------------------------------------------------------------- kernel blocks */

/* A kernel block holding s (0 when empty). */
static inline warden_handle warden__store(warden_str s) {
  if (s.len == 0) return 0;
  warden_handle h = warden_raw_alloc(s.len);
  uint64_t i = 0;
  for (; i + 8 <= s.len; i += 8) {
    uint64_t word;
    __builtin_memcpy(&word, s.ptr + i, 8);
    warden_raw_store_u64(h + i, word);
  }
  for (; i < s.len; i++) warden_raw_store_u8(h + i, (unsigned char)s.ptr[i]);
  return h;
}

static inline warden_handle warden__store_cstr(const char *s) { return warden__store(warden_cstr(s)); }

static inline void warden__release(warden_handle h) {
  if (h) warden_raw_free(h);
}

/* Copies a block the host returned into the arena and frees it; none for handle 0. */
static inline warden_str warden__take(warden_handle h) {
  if (h == 0) return WARDEN_NONE;
  uint64_t n = warden_raw_length(h);
  char *p = (char *)warden_alloc(n + 1);
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word = warden_raw_load_u64(h + i);
    __builtin_memcpy(p + i, &word, 8);
  }
  for (; i < n; i++) p[i] = (char)warden_raw_load_u8(h + i);
  p[n] = 0;
  warden_raw_free(h);
  return (warden_str){p, n};
}

/* ---------------------------------------------------------------- tools, input, output */

/* Declares tool `name`: an export of that name that resets the arena, then runs the body. */
#define WARDEN_TOOL(name)                                                                     \
  static int32_t warden__tool_##name(void);                                                   \
  __attribute__((export_name(#name))) int32_t warden__export_##name(void) {                   \
    warden_arena_reset();                                                                     \
    return warden__tool_##name();                                                             \
  }                                                                                           \
  static int32_t warden__tool_##name(void)

/* The call's input (empty, not none, when there is none). */
static inline warden_str warden_input(void) {
  uint64_t n = warden_raw_input_length();
  char *p = (char *)warden_alloc(n + 1);
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t word = warden_raw_input_load_u64(i);
    __builtin_memcpy(p + i, &word, 8);
  }
  for (; i < n; i++) p[i] = (char)warden_raw_input_load_u8(i);
  p[n] = 0;
  return (warden_str){p, n};
}

/* Sets the output; returns 0, so a tool ends with `return warden_output(...)`. */
static inline int32_t warden_output(warden_str s) {
  if (s.len) warden_raw_output_set(warden__store(s), s.len);
  return 0;
}

static inline int32_t warden_output_cstr(const char *s) { return warden_output(warden_cstr(s)); }

/* Fails the call: the caller receives `message` as the plugin's error. Returns 1. */
static inline int32_t warden_fail_str(warden_str message) {
  warden_raw_error_set(warden__store(message.len ? message : WARDEN_S("failed")));
  return 1;
}

static inline int32_t warden_fail(const char *message) { return warden_fail_str(warden_cstr(message)); }

static inline void warden_panic(const char *message) {
  warden_fail(message);
  __builtin_trap();
}

/* ---------------------------------------------------------------- config, vars, logging */

/* Config value `key` (operator-set or the manifest default), or none. */
static inline warden_str warden_config_get(const char *key) {
  warden_handle k = warden__store_cstr(key);
  warden_str v = warden__take(warden_raw_config_get(k));
  warden__release(k);
  return v;
}

/* Var `key` (kept by this instance between calls, in memory only), or none. */
static inline warden_str warden_var_get(const char *key) {
  warden_handle k = warden__store_cstr(key);
  warden_str v = warden__take(warden_raw_var_get(k));
  warden__release(k);
  return v;
}

/* Sets var `key`; an empty value deletes it. */
static inline void warden_var_set(const char *key, warden_str value) {
  warden_handle k = warden__store_cstr(key), v = warden__store(value);
  warden_raw_var_set(k, v);
  warden__release(v);
  warden__release(k);
}

static inline void warden_var_delete(const char *key) { warden_var_set(key, WARDEN_NONE); }

enum { WARDEN_LOG_TRACE, WARDEN_LOG_DEBUG, WARDEN_LOG_INFO, WARDEN_LOG_WARN, WARDEN_LOG_ERROR };

static inline void warden_log_str(int level, warden_str message) {
  warden_handle h = warden__store(message);
  if (!h) return;
  switch (level) {
    case WARDEN_LOG_TRACE: warden_raw_log_trace(h); break;
    case WARDEN_LOG_DEBUG: warden_raw_log_debug(h); break;
    case WARDEN_LOG_INFO: warden_raw_log_info(h); break;
    case WARDEN_LOG_WARN: warden_raw_log_warn(h); break;
    default: warden_raw_log_error(h); break;
  }
  warden__release(h);
}

static inline void warden_log(int level, const char *message) { warden_log_str(level, warden_cstr(message)); }

/* The host's level (WARDEN_LOG_*); above WARDEN_LOG_ERROR means logging is off. */
static inline int32_t warden_log_level(void) { return warden_raw_get_log_level(); }

/* ---------------------------------------------------------------- text buffers and JSON writing */

/* A growable buffer in the arena; start with `warden_buf b = {0};`. Its text is always followed
 * by a NUL (not counted in len), so a view's ptr is also a C string. */
typedef struct {
  char *ptr;
  size_t len, cap;
} warden_buf;

static inline void warden_buf_put(warden_buf *b, warden_str s) {
  if (b->len + s.len + 1 > b->cap) {
    size_t cap = b->cap ? b->cap * 2 : 64;
    while (cap < b->len + s.len + 1) cap *= 2;
    char *p = (char *)warden_alloc(cap);
    if (b->len) __builtin_memcpy(p, b->ptr, b->len);
    b->ptr = p;
    b->cap = cap;
  }
  if (s.len) __builtin_memcpy(b->ptr + b->len, s.ptr, s.len);
  b->len += s.len;
  b->ptr[b->len] = 0;
}

static inline void warden_buf_cstr(warden_buf *b, const char *s) { warden_buf_put(b, warden_cstr(s)); }

static inline void warden_buf_char(warden_buf *b, char c) { warden_buf_put(b, (warden_str){&c, 1}); }

static inline void warden_buf_int(warden_buf *b, int64_t v) {
  char tmp[20];
  size_t n = 0;
  uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
  do {
    tmp[19 - n++] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (v < 0) warden_buf_char(b, '-');
  warden_buf_put(b, (warden_str){tmp + 20 - n, n});
}

/* Appends `s` as a JSON string literal (quotes included; control characters escaped). */
static inline void warden_buf_json_string(warden_buf *b, warden_str s) {
  static const char hex[] = "0123456789abcdef";
  warden_buf_char(b, '"');
  size_t start = 0;
  for (size_t i = 0; i < s.len; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    warden_buf_put(b, (warden_str){s.ptr + start, i - start});
    char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
    if (c == '"' || c == '\\') warden_buf_put(b, (warden_str){(const char[]){'\\', (char)c}, 2});
    else if (c == '\n') warden_buf_cstr(b, "\\n");
    else if (c == '\r') warden_buf_cstr(b, "\\r");
    else if (c == '\t') warden_buf_cstr(b, "\\t");
    else warden_buf_put(b, (warden_str){esc, 6});
    start = i + 1;
  }
  warden_buf_put(b, (warden_str){s.ptr + start, s.len - start});
  warden_buf_char(b, '"');
}

static inline warden_str warden_buf_view(const warden_buf *b) { return (warden_str){b->ptr ? b->ptr : "", b->len}; }

static inline int32_t warden_output_buf(const warden_buf *b) { return warden_output(warden_buf_view(b)); }

/* ---------------------------------------------------------------- JSON reading */

#define WARDEN_JSON_MAX_DEPTH 128

static inline size_t warden__ws(warden_str j, size_t i) {
  while (i < j.len && (j.ptr[i] == ' ' || j.ptr[i] == '\t' || j.ptr[i] == '\n' || j.ptr[i] == '\r')) i++;
  return i;
}

/* End of the JSON number at i, or SIZE_MAX (RFC 8259: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?). */
static inline size_t warden__number(warden_str j, size_t i) {
#define WARDEN__DIGIT(k) ((k) < j.len && j.ptr[k] >= '0' && j.ptr[k] <= '9')
  if (i < j.len && j.ptr[i] == '-') i++;
  if (i < j.len && j.ptr[i] == '0') i++;
  else if (WARDEN__DIGIT(i)) while (WARDEN__DIGIT(i)) i++;
  else return SIZE_MAX;
  if (i < j.len && j.ptr[i] == '.') {
    i++;
    if (!WARDEN__DIGIT(i)) return SIZE_MAX;
    while (WARDEN__DIGIT(i)) i++;
  }
  if (i < j.len && (j.ptr[i] == 'e' || j.ptr[i] == 'E')) {
    i++;
    if (i < j.len && (j.ptr[i] == '+' || j.ptr[i] == '-')) i++;
    if (!WARDEN__DIGIT(i)) return SIZE_MAX;
    while (WARDEN__DIGIT(i)) i++;
  }
  return i;
#undef WARDEN__DIGIT
}

static inline bool warden__word_at(warden_str j, size_t i, warden_str word) {
  return i + word.len <= j.len && warden_str_eq((warden_str){j.ptr + i, word.len}, word);
}

/* End of the JSON value at i (after leading white space), or SIZE_MAX when it is not valid. */
static inline size_t warden__skip(warden_str j, size_t i, int depth) {
  i = warden__ws(j, i);
  if (i >= j.len || depth > WARDEN_JSON_MAX_DEPTH) return SIZE_MAX;
  char c = j.ptr[i];
  if (c == '"') {
    for (i++; i < j.len; i++) {
      unsigned char d = (unsigned char)j.ptr[i];
      if (d == '"') return i + 1;
      if (d < 0x20) return SIZE_MAX;
      if (d == '\\' && ++i >= j.len) return SIZE_MAX;
    }
    return SIZE_MAX;
  }
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    i = warden__ws(j, i + 1);
    if (i < j.len && j.ptr[i] == close) return i + 1;
    for (;;) {
      if (c == '{') {
        i = warden__ws(j, i);
        if (i >= j.len || j.ptr[i] != '"' || (i = warden__skip(j, i, depth + 1)) == SIZE_MAX) return SIZE_MAX;
        i = warden__ws(j, i);
        if (i >= j.len || j.ptr[i++] != ':') return SIZE_MAX;
      }
      i = warden__skip(j, i, depth + 1);
      if (i == SIZE_MAX) return SIZE_MAX;
      i = warden__ws(j, i);
      if (i >= j.len) return SIZE_MAX;
      if (j.ptr[i] == close) return i + 1;
      if (j.ptr[i++] != ',') return SIZE_MAX;
    }
  }
  if (warden__word_at(j, i, WARDEN_S("true")) || warden__word_at(j, i, WARDEN_S("null"))) return i + 4;
  if (warden__word_at(j, i, WARDEN_S("false"))) return i + 5;
  return warden__number(j, i);
}

/* True when `json` is exactly one valid JSON value (white space around it allowed). */
static inline bool warden_json_valid(warden_str json) {
  size_t end = json.ptr ? warden__skip(json, 0, 0) : SIZE_MAX;
  return end != SIZE_MAX && warden__ws(json, end) == json.len;
}

/* Appends the UTF-8 form of code point u. */
static inline void warden__utf8(warden_buf *b, uint32_t u) {
  char s[4];
  size_t n;
  if (u < 0x80) { s[0] = (char)u; n = 1; }
  else if (u < 0x800) { s[0] = (char)(0xc0 | u >> 6); s[1] = (char)(0x80 | (u & 0x3f)); n = 2; }
  else if (u < 0x10000) { s[0] = (char)(0xe0 | u >> 12); s[1] = (char)(0x80 | ((u >> 6) & 0x3f)); s[2] = (char)(0x80 | (u & 0x3f)); n = 3; }
  else { s[0] = (char)(0xf0 | u >> 18); s[1] = (char)(0x80 | ((u >> 12) & 0x3f)); s[2] = (char)(0x80 | ((u >> 6) & 0x3f)); s[3] = (char)(0x80 | (u & 0x3f)); n = 4; }
  warden_buf_put(b, (warden_str){s, n});
}

static inline int32_t warden__hex4(warden_str v, size_t i) {
  if (i + 4 > v.len) return -1;
  int32_t u = 0;
  for (size_t k = i; k < i + 4; k++) {
    char c = v.ptr[k];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return -1;
    u = u * 16 + d;
  }
  return u;
}

/* The text of a JSON string value, unescaped (in the arena); none when `value` is not a string. */
static inline warden_str warden_json_string(warden_str value) {
  size_t i = value.ptr ? warden__ws(value, 0) : 0;
  if (!value.ptr || i >= value.len || value.ptr[i] != '"') return WARDEN_NONE;
  warden_buf b = {0};
  for (i++; i < value.len && value.ptr[i] != '"'; i++) {
    char c = value.ptr[i];
    if (c != '\\') { warden_buf_char(&b, c); continue; }
    if (++i >= value.len) return WARDEN_NONE;
    c = value.ptr[i];
    if (c == 'n') warden_buf_char(&b, '\n');
    else if (c == 't') warden_buf_char(&b, '\t');
    else if (c == 'r') warden_buf_char(&b, '\r');
    else if (c == 'b') warden_buf_char(&b, '\b');
    else if (c == 'f') warden_buf_char(&b, '\f');
    else if (c != 'u') warden_buf_char(&b, c);
    else {
      int32_t u = warden__hex4(value, i + 1);
      if (u < 0) return WARDEN_NONE;
      i += 4;
      if (u >= 0xd800 && u <= 0xdbff && i + 2 < value.len && value.ptr[i + 1] == '\\' && value.ptr[i + 2] == 'u') {
        int32_t low = warden__hex4(value, i + 3);
        if (low >= 0xdc00 && low <= 0xdfff) {
          u = 0x10000 + ((u - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
      }
      warden__utf8(&b, u >= 0xd800 && u <= 0xdfff ? 0xfffd : (uint32_t)u);
    }
  }
  return i < value.len ? warden_buf_view(&b) : WARDEN_NONE;
}

/* Member `key` of a JSON object (the last one if repeated), as raw JSON; none when absent. */
static inline warden_str warden_json_get(warden_str object, const char *key) {
  warden_str want = warden_cstr(key), found = WARDEN_NONE;
  size_t i = object.ptr ? warden__ws(object, 0) : 0;
  if (!object.ptr || i >= object.len || object.ptr[i] != '{') return WARDEN_NONE;
  i = warden__ws(object, i + 1);
  if (i < object.len && object.ptr[i] == '}') return WARDEN_NONE;
  while (i < object.len) {
    size_t key_end = warden__skip(object, i, 1);
    if (key_end == SIZE_MAX || object.ptr[i] != '"') return WARDEN_NONE;
    warden_str k = {object.ptr + i, key_end - i};
    i = warden__ws(object, key_end);
    if (i >= object.len || object.ptr[i++] != ':') return WARDEN_NONE;
    size_t start = warden__ws(object, i), end = warden__skip(object, start, 1);
    if (end == SIZE_MAX) return WARDEN_NONE;
    warden_str raw_key = {k.ptr + 1, k.len - 2};
    bool escaped = false;
    for (size_t n = 0; n < raw_key.len; n++) escaped |= raw_key.ptr[n] == '\\';
    if (escaped ? warden_str_eq(warden_json_string(k), want) : warden_str_eq(raw_key, want)) found = (warden_str){object.ptr + start, end - start};
    i = warden__ws(object, end);
    if (i < object.len && object.ptr[i] == '}') return found;
    if (i >= object.len || object.ptr[i] != ',') return WARDEN_NONE;
    i = warden__ws(object, i + 1);
  }
  return WARDEN_NONE;
}

/* Item `index` of a JSON array, as raw JSON; none when out of range. */
static inline warden_str warden_json_at(warden_str array, size_t index) {
  size_t i = array.ptr ? warden__ws(array, 0) : 0;
  if (!array.ptr || i >= array.len || array.ptr[i] != '[') return WARDEN_NONE;
  i = warden__ws(array, i + 1);
  if (i < array.len && array.ptr[i] == ']') return WARDEN_NONE;
  for (size_t n = 0; i < array.len; n++) {
    size_t start = warden__ws(array, i), end = warden__skip(array, start, 1);
    if (end == SIZE_MAX) return WARDEN_NONE;
    if (n == index) return (warden_str){array.ptr + start, end - start};
    i = warden__ws(array, end);
    if (i >= array.len || array.ptr[i] != ',') return WARDEN_NONE;
    i++;
  }
  return WARDEN_NONE;
}

/* Reads a JSON integer (no fraction or exponent) into *out; false when `value` is not one. */
static inline bool warden_json_int(warden_str value, int64_t *out) {
  size_t i = value.ptr ? warden__ws(value, 0) : 0;
  if (!value.ptr || i >= value.len) return false;
  bool negative = value.ptr[i] == '-';
  if (negative) i++;
  uint64_t v = 0;
  size_t digits = 0;
  for (; i < value.len && value.ptr[i] >= '0' && value.ptr[i] <= '9'; i++, digits++) {
    uint64_t d = (uint64_t)(value.ptr[i] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  if (digits == 0 || warden__ws(value, i) != value.len || v > (uint64_t)INT64_MAX + negative) return false;
  *out = negative ? (int64_t)(0 - v) : (int64_t)v;
  return true;
}

/* Member `key` of an object when it is a string, unescaped; none otherwise. */
static inline warden_str warden_json_get_string(warden_str object, const char *key) {
  return warden_json_string(warden_json_get(object, key));
}

/* ---------------------------------------------------------------- HTTP (capability network) */

typedef struct {
  int32_t status;
  warden_str body;
  /* The response headers as a JSON object (lower-case names). */
  warden_str headers;
} warden_http_response;

/* Sends a request; `headers_json` is a JSON object ("{}" when none), `body` may be none. */
static inline warden_http_response warden_http_request(const char *method, warden_str url, warden_str headers_json, warden_str body) {
  warden_buf req = {0};
  warden_buf_cstr(&req, "{\"url\":");
  warden_buf_json_string(&req, url);
  warden_buf_cstr(&req, ",\"method\":");
  warden_buf_json_string(&req, warden_cstr(method));
  warden_buf_cstr(&req, ",\"headers\":");
  warden_buf_put(&req, headers_json.len ? headers_json : WARDEN_S("{}"));
  warden_buf_char(&req, '}');
  warden_handle r = warden__store(warden_buf_view(&req)), b = warden__store(body);
  warden_http_response res;
  res.body = warden__take(warden_raw_http_request(r, b));
  if (warden_is_none(res.body)) res.body = WARDEN_S("");
  res.status = warden_raw_http_status_code();
  res.headers = warden__take(warden_raw_http_headers());
  warden__release(b);
  warden__release(r);
  return res;
}

static inline warden_http_response warden_http_get(warden_str url) {
  return warden_http_request("GET", url, WARDEN_S("{}"), WARDEN_NONE);
}

/* ---------------------------------------------------------------- KV (capability storage: kv) */

/* The value of `key`, or none when unset. */
static inline warden_str warden_kv_get(warden_str key) {
  warden_handle k = warden__store(key);
  warden_str v = warden__take(warden_raw_kv_get(k));
  warden__release(k);
  return v;
}

static inline void warden_kv_set(warden_str key, warden_str value) {
  warden_handle k = warden__store(key), v = warden__store(value);
  warden_raw_kv_set(k, v);
  warden__release(v);
  warden__release(k);
}

static inline void warden_kv_delete(warden_str key) {
  warden_handle k = warden__store(key);
  warden_raw_kv_delete(k);
  warden__release(k);
}

/* The plugin's keys starting with `prefix` (empty: all), as a JSON array of strings. */
static inline warden_str warden_kv_list(warden_str prefix) {
  warden_handle p = warden__store(prefix);
  warden_str list = warden__take(warden_raw_kv_list(p));
  warden__release(p);
  return warden_is_none(list) ? WARDEN_S("[]") : list;
}

/* ---------------------------------------------------------------- vault, tools, memory, channels, context, cli */

/* Secret `name`, or none (not granted and not found look the same). */
static inline warden_str warden_vault_get(const char *name) {
  warden_handle n = warden__store_cstr(name);
  warden_str v = warden__take(warden_raw_vault_get(n));
  warden__release(n);
  return v;
}

/* Calls tool `name` (`plugin.tool` or a host tool) with `input`; its output (empty when none). */
static inline warden_str warden_tool_call(const char *name, warden_str input) {
  warden_handle n = warden__store_cstr(name), i = warden__store(input);
  warden_str out = warden__take(warden_raw_tool_call(n, i));
  warden__release(i);
  warden__release(n);
  return warden_is_none(out) ? WARDEN_S("") : out;
}

/* Texts of the host's memory matching any word of `query`: a JSON array of {id,text,source,score}. */
static inline warden_str warden_memory_search(warden_str query) {
  warden_handle q = warden__store(query);
  warden_str hits = warden__take(warden_raw_memory_search(q));
  warden__release(q);
  return warden_is_none(hits) ? WARDEN_S("[]") : hits;
}

/* Sends `text` to the operator's channel `channel`: true when it was delivered. */
static inline bool warden_channel_send(const char *channel, warden_str text) {
  warden_handle c = warden__store_cstr(channel), t = warden__store(text);
  int32_t status = warden_raw_channel_send(c, t);
  warden__release(t);
  warden__release(c);
  return status == 0;
}

/* The call context as JSON ("null" when the caller gave none): by convention {session, user, agent}. */
static inline warden_str warden_context(void) {
  warden_str c = warden__take(warden_raw_context_get());
  return warden_is_none(c) ? WARDEN_S("null") : c;
}

/* The calling user's id: context `user` when a string, else `user.id`; none when absent. */
static inline warden_str warden_context_user(void) {
  warden_str user = warden_json_get(warden_context(), "user");
  warden_str id = warden_json_string(user);
  return warden_is_none(id) ? warden_json_get_string(user, "id") : id;
}

typedef struct {
  /* The exit code, or -1 when the program was killed by a signal. */
  int32_t code;
  warden_str out, err;
} warden_cli_result;

/* Runs `command` (an absolute path the operator granted) with `argc` arguments; no shell. */
static inline warden_cli_result warden_cli_run(const char *command, const char *const *argv, size_t argc) {
  warden_buf req = {0};
  warden_buf_cstr(&req, "{\"command\":");
  warden_buf_json_string(&req, warden_cstr(command));
  warden_buf_cstr(&req, ",\"args\":[");
  for (size_t k = 0; k < argc; k++) {
    if (k) warden_buf_char(&req, ',');
    warden_buf_json_string(&req, warden_cstr(argv[k]));
  }
  warden_buf_cstr(&req, "]}");
  warden_handle r = warden__store(warden_buf_view(&req));
  warden_str res = warden__take(warden_raw_cli_run(r));
  warden__release(r);
  warden_cli_result out = {-1, warden_json_get_string(res, "stdout"), warden_json_get_string(res, "stderr")};
  int64_t code;
  if (warden_json_int(warden_json_get(res, "code"), &code)) out.code = (int32_t)code;
  return out;
}

#endif /* WARDEN_H */
