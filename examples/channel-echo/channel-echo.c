// channel-echo: a channel plugin, in C. Configured as a channel
// (`Warden.open({ channels: { echo: { plugin: 'channel-echo' } } })`), it receives each message
// another plugin sends there as {"plugin","channel","text"} on its `send` tool: it logs it,
// keeps the last one in its KV store and echoes it back. `last` returns the last message.
#include "warden.h"

WARDEN_TOOL(send) {
  warden_str message = warden_input();
  warden_str text = warden_json_get_string(message, "text");
  warden_str from = warden_json_get_string(message, "plugin");
  warden_str channel = warden_json_get_string(message, "channel");
  if (warden_is_none(text) || warden_is_none(from) || warden_is_none(channel)) {
    return warden_fail("expected a channel message: {\"plugin\":…,\"channel\":…,\"text\":…}");
  }
  warden_buf line = {0};
  warden_buf_put(&line, from);
  warden_buf_cstr(&line, " on #");
  warden_buf_put(&line, channel);
  warden_buf_cstr(&line, ": ");
  warden_buf_put(&line, text);
  warden_log_str(WARDEN_LOG_INFO, warden_buf_view(&line));

  warden_buf out = {0};
  warden_buf_cstr(&out, "{\"echo\":");
  warden_buf_json_string(&out, text);
  warden_buf_cstr(&out, ",\"from\":");
  warden_buf_json_string(&out, from);
  warden_buf_cstr(&out, ",\"channel\":");
  warden_buf_json_string(&out, channel);
  warden_buf_char(&out, '}');
  warden_kv_set(WARDEN_S("last"), warden_buf_view(&out));
  return warden_output_buf(&out);
}

WARDEN_TOOL(last) {
  warden_str last = warden_kv_get(WARDEN_S("last"));
  return warden_output(warden_is_none(last) ? WARDEN_S("null") : last);
}
