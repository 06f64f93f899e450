/**
 * A tiny route table: `METHOD /path/:param` patterns matched segment by segment. The table is
 * the single source of the API's shape — the server dispatches on it and the OpenAPI document is
 * derived from it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Warden } from '../warden/warden.js';
import { ApiError } from './status.js';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** How the caller proved who it is. */
export type Principal = 'bearer' | 'cookie';

/** What a handler gets. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  query: URLSearchParams;
  warden: Warden;
  principal: Principal | undefined;
}

/** A JSON answer; a handler that wrote the response itself (SSE) returns undefined. */
export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One route. */
export interface Route {
  method: Method;
  /** `/api/plugins/:id`; a parameter is a whole segment. */
  path: string;
  summary: string;
  /** `none` routes answer without a token (the session exchange, the OpenAPI document). @default 'required' */
  auth?: 'required' | 'none';
  /** What the body is, for the OpenAPI document and the content-type check. @default 'none' */
  body?: 'none' | 'json' | 'json-or-upload';
  /** The JSON body's schema, for the OpenAPI document. @default any JSON object */
  jsonSchema?: Record<string, unknown>;
  /** Query parameters, for the OpenAPI document. */
  query?: readonly string[];
  handle(ctx: RouteContext): Promise<Reply | undefined>;
}

/** A matched route and its decoded parameters. */
export interface Match {
  route: Route;
  params: Record<string, string>;
}

const segments = (path: string): string[] => path.split('/').slice(1);

function decode(segment: string): string {
  // decodeURIComponent costs ~0.3 µs even when there is nothing to decode.
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'the path holds a malformed %-escape');
  }
}

/** Whether `parts` (as many as `pattern`) fit the pattern: equal literals, non-empty parameters. */
function fits(pattern: Compiled['parts'], parts: string[]): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const literal = pattern[i]!.literal;
    if (literal !== undefined ? literal !== parts[i] : parts[i]!.length === 0) return false;
  }
  return true;
}

/** A route's pattern split once: each segment a literal, or a parameter name (`param`). */
interface Compiled {
  route: Route;
  parts: { literal?: string; param?: string }[];
}

/**
 * The routes, their patterns compiled once, most literal segments first: a literal segment wins
 * over a parameter (`/plugins/inspect` before `/plugins/:id`).
 */
export class RouteTable {
  /** The compiled routes by their number of segments (a path only ever matches its own length). */
  readonly #byLength = new Map<number, Compiled[]>();

  constructor(routes: readonly Route[]) {
    const compiled = routes.map((route) => ({
      route,
      parts: segments(route.path).map((p) => (p.startsWith(':') ? { param: p.slice(1) } : { literal: p })),
    }));
    const literals = (c: Compiled): number => c.parts.filter((p) => p.literal !== undefined).length;
    for (const c of compiled.sort((a, b) => literals(b) - literals(a))) {
      const same = this.#byLength.get(c.parts.length) ?? [];
      same.push(c);
      this.#byLength.set(c.parts.length, same);
    }
  }

  /**
   * The route for `method` and `path`, with its decoded parameters. Throws `NOT_FOUND` for an
   * unknown path and `METHOD_NOT_ALLOWED` (with `Allow`) for a known path with another method.
   */
  match(method: string, path: string): Match {
    const parts = segments(path);
    const allowed: Method[] = [];
    for (const { route, parts: pattern } of this.#byLength.get(parts.length) ?? []) {
      if (!fits(pattern, parts)) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      const params: Record<string, string> = Object.create(null);
      for (let i = 0; i < pattern.length; i++) {
        const name = pattern[i]!.param;
        if (name !== undefined) params[name] = decode(parts[i]!);
      }
      return { route, params };
    }
    if (allowed.length === 0) throw new ApiError('NOT_FOUND', `no API route ${path}: see /api/openapi.json`);
    const allow = [...new Set(allowed)].join(', ');
    throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path} (allowed: ${allow})`, { allow });
  }
}
