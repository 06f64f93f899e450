// hello: the smallest useful Warden plugin. Tool `hello` greets a name:
// {"name":"Ada"} → {"greeting":"Hello, Ada!"}. An input without a name greets the world.
import { Json, inputJson, outputJson } from "warden-sdk";

export function hello(): i32 {
  const name = inputJson().getString("name", "world");
  return outputJson(Json.object().setString("greeting", "Hello, " + name + "!"));
}
