// Delegation to other tools (capability `tool: [plugin.tool, host_tool]`): the callee runs with
// its own grants, inside this call's deadline. A refusal (not granted, a cycle, a callee of
// higher risk) or the callee's own failure fails this call with the callee's error code.
import * as host from "./host";
import { Json, JsonValue } from "./json";
import { allocBytes, allocString, bytesOf, release, takeBytes, utf8 } from "./memory";

/** Calls tool `name` (`plugin.tool`, or a host tool's bare name) with `input`; its output. */
export function callToolBytes(name: string, input: Uint8Array): Uint8Array {
  const n = allocString(name);
  const i = allocBytes(input);
  const out = takeBytes(host.warden_tool_call(n, i));
  release(i);
  release(n);
  return out == null ? new Uint8Array(0) : out;
}

/** {@link callToolBytes} with text in and out. */
export function callTool(name: string, input: string): string {
  return utf8(callToolBytes(name, bytesOf(input)));
}

/** {@link callToolBytes} with JSON in and out; an output that is not JSON fails the call. */
export function callToolJson(name: string, input: JsonValue): JsonValue {
  const text = callTool(name, input.toString());
  if (text.length == 0) return Json.null();
  const v = Json.parse(text);
  if (v == null) throw new Error("tool " + name + " returned text that is not JSON: " + Json.lastError());
  return v;
}
