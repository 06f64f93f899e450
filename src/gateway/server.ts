/**
 * The gateway: one `node:http` server for the REST API (`/api`), the web UI (`/`), MCP
 * (`/mcp`, Streamable HTTP) and a health check (`/healthz`). Every request passes the Host
 * allow-list and gets the security headers; API requests are also checked for cross-site origin,
 * authenticated, and answered in JSON — errors as `{ error: { code, message } }` with the status
 * of their code (see status.ts), a bug as 500 `INTERNAL` with no details.
 */
import { rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createMcpHttpHandler } from '../mcp/http.js';
import type { Warden } from '../warden/warden.js';
import { Authenticator, ensureAdminToken, type SessionOptions } from './auth.js';
import { RouteTable, type Reply, type Route } from './router.js';
import { apiRoutes } from './routes/index.js';
import type { EventStreams } from './routes/events.js';
import { checkCsrfHeader, checkSameSite, DEFAULT_ALLOWED_HOSTS, HostCheck, SecureResponse } from './security.js';
import { PackageStages, type StageOptions } from './stages.js';
import { ApiError, errorResponse } from './status.js';
import { isUiPath, loadStaticFiles } from './ui/static-files.js';

/** Options of {@link createGateway}; all optional. */
export interface GatewayOptions extends SessionOptions {
  /** Address to listen on. @default '127.0.0.1' */
  host?: string;
  /** Port to listen on; 0 picks a free one. @default 7777 */
  port?: number;
  /** Host names allowed in the Host header besides localhost, 127.0.0.1 and [::1]. @default [] */
  allowHosts?: readonly string[];
  /** Browser origins besides the server's own allowed to call the API and MCP. @default [] */
  allowOrigins?: readonly string[];
  /** Where the admin token's hash lives. @default the Warden's data directory */
  tokenDir?: string;
  /** Make a new admin token, replacing the old one. @default false */
  resetToken?: boolean;
  /** Interval of the event stream's heartbeats, in ms. @default 15_000 */
  heartbeatMs?: number;
  /** The folder of the web UI's files. @default the `static` folder beside the compiled gateway */
  uiDir?: string;
  /** Receives bugs (answered 500 INTERNAL) and MCP transport errors; never sent to clients. @default console.error */
  onError?: (error: unknown) => void;
  /** Lifetime and caps of the packages inspected and waiting for their install. @default 15 min, 16 packages, 256 MiB */
  stages?: StageOptions;
}

/** A running gateway. */
export interface Gateway {
  server: Server;
  /** `http://host:port` it listens on. */
  url: string;
  /** The admin token when it was made by this start (first start or reset): show it once. */
  newToken?: string;
  /** Stops listening, ends event streams and MCP sessions. Does not close the Warden. */
  close(): Promise<void>;
}

/** Starts the gateway over `warden`. */
export async function createGateway(warden: Warden, options: GatewayOptions = {}): Promise<Gateway> {
  const token = await ensureAdminToken(options.tokenDir ?? warden.options.dataDir, { reset: options.resetToken ?? false });
  const auth = await Authenticator.open(token, warden.store.sessions, options);
  const onError = options.onError ?? ((e: unknown) => console.error('warden serve:', e));
  const allowedHosts = [...DEFAULT_ALLOWED_HOSTS, ...(options.allowHosts ?? []).map((h) => h.toLowerCase())];
  const hosts = new HostCheck(allowedHosts);
  const allowedOrigins = [...(options.allowOrigins ?? [])];
  const streams: EventStreams = new Set();
  const uploads = join(warden.options.dataDir, 'uploads');
  // Uploads a crashed run left half-written, and packages it staged and never installed.
  await rm(uploads, { recursive: true, force: true });
  const stages = new PackageStages(join(uploads, 'stages'), options.stages);
  const routes = new RouteTable(apiRoutes({ auth, streams, heartbeatMs: options.heartbeatMs ?? 15_000, stages }));
  const mcp = createMcpHttpHandler(warden, { allowedHosts, allowedOrigins, onError });
  const uiFiles = loadStaticFiles(options.uiDir);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = parseTarget(req.url);
    const path = target?.pathname ?? '';
    hosts.check(req);
    if (path === '/mcp') {
      await auth.require(req, res);
      return mcp.handle(req, res);
    }
    if (path === '/healthz') return json(res, onlyGet(req) ?? { body: { ok: true, plugins: (await warden.list()).length } });
    if (isUiPath(path)) {
      const refused = onlyGet(req);
      if (refused) return json(res, refused);
      const file = uiFiles.get(path);
      if (!file) throw new ApiError('NOT_FOUND', `nothing at ${path.slice(0, 200)}`);
      res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.body.length, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : file.body);
      return;
    }
    if (!path.startsWith('/api/')) throw new ApiError('NOT_FOUND', `nothing at ${path.slice(0, 200)}`);
    checkSameSite(req, allowedOrigins);
    const { route, params } = routes.match(req.method ?? '', path);
    const principal = auth.bearer(req) ?? await (route.auth === 'none' ? auth.identify(req, res) : auth.require(req, res));
    checkCsrfHeader(req, principal);
    const query = target!.searchParams;
    const reply = await route.handle({ req, res, params, query, warden, principal });
    if (reply) json(res, reply);
  };

  const server = createServer({ ServerResponse: SecureResponse }, (req, res) => {
    handle(req, res).catch((e: unknown) => {
      const { status, headers, body, bug } = errorResponse(e);
      if (bug) onError(e);
      if (res.headersSent) return void res.destroy();
      // A body left unread (refused early, or over its cap) would stall the connection: close it.
      if (!req.complete) res.setHeader('connection', 'close');
      json(res, { status, headers, body });
    });
  });
  server.requestTimeout = 5 * 60_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 7777, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    ...(token.created !== undefined && { newToken: token.created }),
    async close() {
      for (const res of streams) res.end();
      streams.clear();
      await mcp.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await stages.clear();
    },
  };
}

/** A target with nothing to normalise: non-empty segments of letters, digits, `-` and `_`. */
const PLAIN_TARGET = /^(?:\/[\w-]+)*\/?$/;

/** The request target's path and query, or undefined when it is malformed. */
function parseTarget(url: string | undefined): Pick<URL, 'pathname' | 'searchParams'> | undefined {
  // The usual API call needs no URL parser (~1.3 µs): no escapes, dot segments or query.
  if (url !== undefined && PLAIN_TARGET.test(url)) return { pathname: url, searchParams: new URLSearchParams() };
  try {
    return new URL(url ?? '/', 'http://localhost');
  } catch {
    return undefined;
  }
}

/** A 405 for anything but GET and HEAD, else undefined. */
function onlyGet(req: IncomingMessage): Reply | undefined {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const { status, headers, body } = errorResponse(new ApiError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here`, { allow: 'GET, HEAD' }));
  return { status, headers, body };
}

function json(res: ServerResponse, reply: Reply): void {
  const text = JSON.stringify(reply.body);
  const headers: OutgoingHttpHeaders = reply.headers ? { ...reply.headers } : {};
  headers['content-type'] = 'application/json; charset=utf-8';
  headers['content-length'] = Buffer.byteLength(text);
  res.writeHead(reply.status ?? 200, headers);
  res.end(text);
}

export type { Route };
