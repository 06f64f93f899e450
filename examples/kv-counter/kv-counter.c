// kv-counter: named counters that survive restarts, in C with Warden's SDK (sdk/c/warden.h).
// Tool `increment` adds `by` (default 1) to counter `name` (default "default") and returns
// {"name":…,"value":…}; `get` reads one without changing it; `reset` deletes it.
#include "warden.h"

static int64_t counter_value(warden_str key) {
  int64_t value = 0;
  warden_str stored = warden_kv_get(key);
  if (!warden_is_none(stored)) warden_json_int(stored, &value);
  return value;
}

static warden_str counter_name(warden_str input) {
  warden_str name = warden_json_get_string(input, "name");
  return warden_is_none(name) || name.len == 0 ? WARDEN_S("default") : name;
}

static int32_t reply(warden_str name, int64_t value) {
  warden_buf out = {0};
  warden_buf_cstr(&out, "{\"name\":");
  warden_buf_json_string(&out, name);
  warden_buf_cstr(&out, ",\"value\":");
  warden_buf_int(&out, value);
  warden_buf_char(&out, '}');
  return warden_output_buf(&out);
}

WARDEN_TOOL(increment) {
  warden_str input = warden_input();
  if (input.len && !warden_json_valid(input)) return warden_fail("input must be a JSON object such as {\"name\":\"visits\",\"by\":1}");
  warden_str name = counter_name(input);
  int64_t by = 1;
  warden_str given = warden_json_get(input, "by");
  if (!warden_is_none(given) && !warden_json_int(given, &by)) return warden_fail("\"by\" must be an integer");
  int64_t value = counter_value(name) + by;
  warden_buf text = {0};
  warden_buf_int(&text, value);
  warden_kv_set(name, warden_buf_view(&text));
  return reply(name, value);
}

WARDEN_TOOL(get) {
  warden_str name = counter_name(warden_input());
  return reply(name, counter_value(name));
}

WARDEN_TOOL(reset) {
  warden_str name = counter_name(warden_input());
  warden_kv_delete(name);
  return reply(name, 0);
}
