// A tool's input and output, and how it fails. Every output function returns 0 and fail()
// returns 1, so a tool ends with `return outputJson(result)` or `return fail("why")`.
import * as env from "./env";
import { Json, JsonValue } from "./json";
import { allocBytes, allocString, bytesOf, utf8 } from "./memory";

/** The call's input bytes. */
export function input(): Uint8Array {
  const n = env.input_length();
  const out = new Uint8Array(<i32>n);
  const dst = out.dataStart;
  let k: u64 = 0;
  while (k + 8 <= n) {
    store<u64>(dst + <usize>k, env.input_load_u64(k));
    k += 8;
  }
  while (k < n) {
    store<u8>(dst + <usize>k, <u8>env.input_load_u8(k));
    k += 1;
  }
  return out;
}

/** The call's input as UTF-8 text. */
export function inputString(): string {
  return utf8(input());
}

/**
 * The call's input parsed as JSON; an empty input reads as JSON null. Input that is not JSON
 * fails the call with "input is not valid JSON: …".
 */
export function inputJson(): JsonValue {
  const text = inputString();
  if (text.length == 0) return Json.null();
  const v = Json.parse(text);
  if (v == null) throw new Error("input is not valid JSON: " + Json.lastError());
  return v;
}

/** Sets the output bytes; returns 0 (success). */
export function output(data: Uint8Array): i32 {
  if (data.length > 0) env.output_set(allocBytes(data), <u64>data.length);
  return 0;
}

/** Sets the output to `text` (UTF-8); returns 0. */
export function outputString(text: string): i32 {
  return output(bytesOf(text));
}

/** Sets the output to `value` as JSON text; returns 0. */
export function outputJson(value: JsonValue): i32 {
  return outputString(value.toString());
}

/**
 * Fails the call with `message`, which the caller receives as the plugin's error
 * (`PLUGIN_ERROR`); returns 1, the export's failure code.
 */
export function fail(message: string): i32 {
  env.error_set(allocString(message.length == 0 ? "failed" : message));
  return 1;
}
