/**
 * Path and query parameters, checked before they reach the Warden: a malformed one is a 400
 * naming it, never a lookup with a hostile string.
 */
import { PLUGIN_ID, RESERVED_IDS, TOOL_NAME } from '../../manifest/index.js';
import { ApiError } from '../status.js';

/** The `:id` parameter, a valid plugin id (no path traversal, no `__proto__`). */
export function pluginIdParam(params: Record<string, string>): string {
  const id = params['id'] ?? '';
  if (!PLUGIN_ID.test(id) || RESERVED_IDS.has(id)) throw new ApiError('INVALID_ARGUMENT', `"${id.slice(0, 80)}" is not a plugin id (1–64 lowercase letters, digits, "-" or "_")`);
  return id;
}

/** The `:tool` parameter, a valid tool name. */
export function toolParam(params: Record<string, string>): string {
  const tool = params['tool'] ?? '';
  if (!TOOL_NAME.test(tool)) throw new ApiError('INVALID_ARGUMENT', `"${tool.slice(0, 80)}" is not a tool name`);
  return tool;
}

/** A boolean query parameter (`true`/`false`/`1`/`0`), or `fallback` when absent. */
export function boolQuery(query: URLSearchParams, name: string, fallback: boolean): boolean {
  const v = query.get(name);
  if (v === null) return fallback;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be true or false`);
}

/** An integer query parameter within [min, max], or undefined when absent. */
export function intQuery(query: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v) || n < min || n > max) throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** A time query parameter: ms since the epoch or an ISO 8601 date, or undefined when absent. */
export function timeQuery(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  if (!Number.isFinite(n)) throw new ApiError('INVALID_ARGUMENT', `query parameter ${name} must be ms since the epoch or an ISO 8601 date`);
  return n;
}
