// {{name}}: a Warden plugin. Each WARDEN_TOOL declared under `tools` in warden.yaml is a tool.
// The SDK is the one header warden.h (docs/sdk-c.md in Warden).
#include "warden.h"

/* {"name":"Ada"} → {"message":"Hello, Ada!"} (the word comes from the plugin's config). */
WARDEN_TOOL(greet) {
  warden_str name = warden_json_get_string(warden_input(), "name");
  if (warden_is_none(name) || name.len == 0) return warden_fail("give a name: {\"name\": \"Ada\"}");
  warden_str greeting = warden_config_get("greeting");
  warden_buf message = {0};
  warden_buf_put(&message, warden_is_none(greeting) ? WARDEN_S("Hello") : greeting);
  warden_buf_cstr(&message, ", ");
  warden_buf_put(&message, name);
  warden_buf_char(&message, '!');
  warden_buf out = {0};
  warden_buf_cstr(&out, "{\"message\":");
  warden_buf_json_string(&out, warden_buf_view(&message));
  warden_buf_char(&out, '}');
  return warden_output_buf(&out);
}
