// {{name}}: a Warden plugin. Each exported `() => i32` function declared under `tools` in
// warden.yaml is a tool. Warden's SDK reference: docs/sdk-assemblyscript.md.
import { Json, configGetOr, fail, inputJson, outputJson } from "warden-sdk";

/** {"name":"Ada"} → {"message":"Hello, Ada!"} (the word comes from the plugin's config). */
export function greet(): i32 {
  const name = inputJson().getString("name");
  if (name.length == 0) return fail("give a name: {\"name\": \"Ada\"}");
  return outputJson(Json.object().setString("message", configGetOr("greeting", "Hello") + ", " + name + "!"));
}
