// Running a host program the operator allowed (capability `cli`, high risk): no shell, a
// scrubbed environment, a deadline and capped output. A command or arguments outside the grant
// fail the call with PERMISSION_DENIED.
import * as host from "./host";
import { Json } from "./json";
import { allocString, release } from "./memory";
import { takeJson } from "./result";

export class CliResult {
  /** The exit code, or -1 when the program was killed by a signal. */
  code: i32 = -1;
  stdout: string = "";
  stderr: string = "";
}

/** Runs `command` (an absolute path) with `args` and waits for it. */
export function cliRun(command: string, args: string[] = []): CliResult {
  const request = Json.object().setString("command", command).set("args", Json.strings(args));
  const r = allocString(request.toString());
  const parsed = takeJson(host.warden_cli_run(r));
  release(r);
  const result = new CliResult();
  if (parsed == null) return result;
  const code = parsed.get("code");
  if (code != null && code.isNumber()) result.code = <i32>code.asInt();
  result.stdout = parsed.getString("stdout");
  result.stderr = parsed.getString("stderr");
  return result;
}
