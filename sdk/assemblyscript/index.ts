// Warden's AssemblyScript SDK: everything a plugin imports from "warden-sdk". A tool is an
// exported `() => i32` function that reads its input, does its work and ends with
// `return outputJson(result)` or `return fail("why")`. Build it with build.mjs (docs/sdk-assemblyscript.md).
export { input, inputString, inputJson, output, outputString, outputJson, fail } from "./io";
export { Json, JsonKind, JsonValue } from "./json";
export { configGet, configGetOr } from "./config";
export { varGet, varGetString, varSet, varSetString, varDelete } from "./vars";
export { LogLevel, log, logTrace, logDebug, logInfo, logWarn, logError, logLevel } from "./log";
export { HttpRequest, HttpResponse, httpGet } from "./http";
export { kvGet, kvGetString, kvSet, kvSetString, kvDelete, kvList } from "./kv";
export { vaultGet, vaultGetBytes } from "./vault";
export { callTool, callToolBytes, callToolJson } from "./tool";
export { MemoryHit, memorySearch } from "./memory-search";
export { channelSend } from "./channel";
export { CallContext, callContext } from "./context";
export { CliResult, cliRun } from "./cli";
export { wardenAbort } from "./abort";

/** The version of Warden's host-function ABI this SDK speaks (docs/abi.md). */
export const ABI_VERSION: i32 = 1;
