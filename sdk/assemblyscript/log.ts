// Logging to the host's log, at the host's level: lines below it cost one call and go nowhere.
import * as env from "./env";
import { allocString, release } from "./memory";

export enum LogLevel { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4 }

export function log(level: LogLevel, message: string): void {
  const h = allocString(message);
  if (h == 0) return;
  switch (level) {
    case LogLevel.Trace: env.log_trace(h); break;
    case LogLevel.Debug: env.log_debug(h); break;
    case LogLevel.Info: env.log_info(h); break;
    case LogLevel.Warn: env.log_warn(h); break;
    default: env.log_error(h); break;
  }
  release(h);
}

export function logTrace(message: string): void { log(LogLevel.Trace, message); }
export function logDebug(message: string): void { log(LogLevel.Debug, message); }
export function logInfo(message: string): void { log(LogLevel.Info, message); }
export function logWarn(message: string): void { log(LogLevel.Warn, message); }
export function logError(message: string): void { log(LogLevel.Error, message); }

/** The host's level: lines below it are dropped (a value above Error means logging is off). */
export function logLevel(): i32 {
  return env.get_log_level();
}
