// Host functions that answer with JSON (kv_list, memory_search, cli_run, context_get): the
// block they return, read, freed and parsed.
import { Json, JsonValue } from "./json";
import { takeString } from "./memory";

/** The JSON in block `h`; null when the handle is 0 or the text is not JSON. */
export function takeJson(h: u64): JsonValue | null {
  const text = takeString(h);
  if (text == null) return null;
  return Json.parse(text);
}
