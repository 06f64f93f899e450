// What `throw`, a failed assert() or an out-of-range access does in a plugin built with the SDK
// (asc --use abort=…): the message becomes the plugin's error, then the call traps. Warden
// reports it as PLUGIN_ERROR with that message and discards the instance, whose state the trap
// may have left half-updated.
import * as env from "./env";
import { allocString } from "./memory";

export function wardenAbort(message: string | null, fileName: string | null, line: u32, column: u32): void {
  const where = fileName != null ? " at " + fileName + ":" + line.toString() + ":" + column.toString() : "";
  const text = message != null && message.length > 0 ? message : "aborted" + where;
  env.error_set(allocString(text));
  unreachable();
}
