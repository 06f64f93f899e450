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
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'the path holds a malformed %-escape');
  }
}

/** The routes whose pattern matches `path` (whatever their method), with their parameters. */
function candidates(routes: readonly Route[], path: string): Match[] {
  const parts = segments(path);
  const out: Match[] = [];
  for (const route of routes) {
    const pattern = segments(route.path);
    if (pattern.length !== parts.length) continue;
    const params: Record<string, string> = Object.create(null);
    const ok = pattern.every((p, i) => {
      const part = parts[i]!;
      if (p.startsWith(':')) {
        params[p.slice(1)] = part;
        return part.length > 0;
      }
      return p === part;
    });
    if (ok) out.push({ route, params });
  }
  // A literal segment wins over a parameter (`/plugins/inspect` before `/plugins/:id`).
  return out.sort((a, b) => literalCount(b.route) - literalCount(a.route));
}

const literalCount = (route: Route): number => segments(route.path).filter((s) => !s.startsWith(':')).length;

/**
 * The route for `method` and `path`. Throws `NOT_FOUND` for an unknown path and
 * `METHOD_NOT_ALLOWED` (with `Allow`) for a known path with another method.
 */
export function matchRoute(routes: readonly Route[], method: string, path: string): Match {
  const found = candidates(routes, path);
  if (found.length === 0) throw new ApiError('NOT_FOUND', `no API route ${path}: see /api/openapi.json`);
  const best = found.filter((m) => literalCount(m.route) === literalCount(found[0]!.route));
  const hit = best.find((m) => m.route.method === method) ?? found.find((m) => m.route.method === method);
  if (!hit) {
    const allow = [...new Set(found.map((m) => m.route.method))].join(', ');
    throw new ApiError('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path} (allowed: ${allow})`, { allow });
  }
  const params: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(hit.params)) params[k] = decode(v);
  return { route: hit.route, params };
}
