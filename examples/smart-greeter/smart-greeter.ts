// smart-greeter: greets the calling user, remembers their earlier visits, and leaves the
// wording to the `hello` plugin's tool. Shows the call context (who is calling), the plugin's KV
// store (visit counts that survive restarts) and delegation (`hello.hello` runs with its own grants).
import { Json, callContext, callToolJson, kvGetString, kvSetString, outputJson } from "warden-sdk";

export function greet(): i32 {
  const context = callContext();
  const user = context.user();
  const name = context.userName();
  // Visits are counted per user id; an anonymous caller is greeted but not remembered.
  let visits: i64 = 0;
  if (user != null) {
    const key = "visits/" + user;
    const seen = kvGetString(key);
    visits = (seen == null ? 0 : I64.parseInt(seen)) + 1;
    kvSetString(key, visits.toString());
  }
  const hello = callToolJson("hello.hello", Json.object().setString("name", name == null ? "stranger" : name));
  let greeting = hello.getString("greeting");
  if (visits > 1) greeting += " Welcome back: this is visit " + visits.toString() + ".";
  else if (visits == 1) greeting += " Nice to meet you.";
  const result = Json.object().setString("greeting", greeting).setInt("visits", visits);
  if (user != null) result.setString("user", user);
  return outputJson(result);
}
