/**
 * MCP over Streamable HTTP, as a handler `warden serve` mounts at `/mcp` on a `node:http`
 * server: one MCP server per session (`Mcp-Session-Id`), sessions closed on DELETE, when idle
 * and on close, and every request refused unless its Host (and Origin, when a browser sent one)
 * is allowed — the DNS-rebinding defence the MCP spec asks of local servers.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Warden } from '../warden/warden.js';
import { createMcpServer, type McpServerOptions } from './server.js';
import { isToolSource, wardenToolSource, type ToolSource } from './tool-source.js';

/** Options of {@link createMcpHttpHandler}. */
export interface McpHttpOptions {
  /** Host names (without port) a request's Host header may name. @default ['localhost', '127.0.0.1', '[::1]'] */
  allowedHosts?: string[];
  /** Origins (`scheme://host[:port]`) a browser may call from; a request without Origin passes. @default [] (no browser origin) */
  allowedOrigins?: string[];
  /** Sessions kept at once; past it the least recently used idle one is closed, else 503. @default 100 */
  maxSessions?: number;
  /** A session with no request for this long is closed, in ms. @default 1_800_000 (30 min) */
  idleTimeoutMs?: number;
  /** Options of each session's MCP server (`sessionId` comes from the transport). */
  server?: Omit<McpServerOptions, 'sessionId'>;
  /** Receives transport and host errors (never sent to clients). */
  onError?: (error: unknown) => void;
}

/** A Streamable HTTP endpoint for MCP. */
export interface McpHttpHandler {
  /** Serves one request (GET, POST or DELETE) routed to the MCP endpoint. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Sessions open now. */
  readonly sessionCount: number;
  /** Closes every session; later requests get 503. */
  close(): Promise<void>;
}

interface Session {
  id?: string;
  transport: StreamableHTTPServerTransport;
  server: Server;
  /** Requests in flight, the long-lived GET stream included: a session is idle only at 0. */
  active: number;
  lastSeen: number;
}

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
const HOST_HEADER = /^[A-Za-z0-9.:[\]-]{1,255}$/;

/**
 * A Streamable HTTP handler for MCP over a Warden or a {@link ToolSource}.
 *
 * @example
 * ```ts
 * const mcp = createMcpHttpHandler(warden);
 * createServer((req, res) => (req.url?.split('?')[0] === '/mcp' ? mcp.handle(req, res) : notFound(res))).listen(8080, '127.0.0.1');
 * ```
 */
export function createMcpHttpHandler(target: Warden | ToolSource, options: McpHttpOptions = {}): McpHttpHandler {
  const source = isToolSource(target) ? target : wardenToolSource(target);
  const allowedHosts = (options.allowedHosts ?? DEFAULT_HOSTS).map((h) => h.toLowerCase());
  const allowedOrigins = options.allowedOrigins ?? [];
  const maxSessions = options.maxSessions ?? 100;
  const idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
  const sessions = new Map<string, Session>();
  let closed = false;

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const s of sessions.values()) if (s.active === 0 && now - s.lastSeen > idleTimeoutMs) void s.transport.close();
  }, Math.max(10, Math.min(idleTimeoutMs / 2, 60_000)));
  sweep.unref();

  /** The session to close to make room for a new one, when the table is full: the least recently used idle one. */
  const evictable = (): Session | undefined => {
    let oldest: Session | undefined;
    for (const s of sessions.values()) if (s.active === 0 && (!oldest || s.lastSeen < oldest.lastSeen)) oldest = s;
    return oldest;
  };
  const makeRoom = (): void => {
    const oldest = sessions.size >= maxSessions ? evictable() : undefined;
    if (oldest?.id !== undefined) sessions.delete(oldest.id);
    void oldest?.transport.close();
  };

  const open = async (): Promise<Session> => {
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => {
        makeRoom();
        session.id = id;
        sessions.set(id, session);
      },
    });
    const server = createMcpServer(source, { ...options.server, ...(options.onError && { onError: options.onError }) });
    const session: Session = { transport, server, active: 0, lastSeen: Date.now() };
    transport.onclose = () => {
      if (session.id !== undefined && sessions.get(session.id) === session) sessions.delete(session.id);
    };
    transport.onerror = (e) => options.onError?.(e);
    await server.connect(transport);
    return session;
  };

  const serve = async (session: Session, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    session.active++;
    session.lastSeen = Date.now();
    res.once('close', () => {
      session.active--;
      session.lastSeen = Date.now();
    });
    try {
      await session.transport.handleRequest(req, res);
    } catch (e) {
      options.onError?.(e);
      if (!res.headersSent) reply(res, 500, -32603, 'Internal error');
      else res.destroy();
    }
  };

  return {
    get sessionCount() {
      return sessions.size;
    },
    async handle(req, res) {
      if (closed) return reply(res, 503, -32000, 'The MCP endpoint is closed');
      const refused = refusal(req.headers, allowedHosts, allowedOrigins);
      if (refused) return reply(res, 403, -32000, refused);
      const id = req.headers['mcp-session-id'];
      if (Array.isArray(id)) return reply(res, 400, -32000, 'Bad Request: one Mcp-Session-Id header only');
      if (id !== undefined) {
        const session = sessions.get(id);
        return session ? serve(session, req, res) : reply(res, 404, -32001, 'Session not found');
      }
      if (req.method !== 'POST') return reply(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
      // Room is made only once a session initialises: a request that does not cannot evict anyone.
      if (sessions.size >= maxSessions && !evictable()) return reply(res, 503, -32000, 'Too many MCP sessions; try again later');
      // The new transport answers anything but an initialize request with an error; a session
      // exists only once it initialised, so a refused request leaves nothing behind.
      const session = await open();
      await serve(session, req, res);
      if (session.id === undefined) await session.transport.close();
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      await Promise.all([...sessions.values()].map((s) => s.transport.close()));
      sessions.clear();
    },
  };
}

/** Why a request is refused for its Host or Origin header, or undefined. */
function refusal(headers: IncomingHttpHeaders, allowedHosts: readonly string[], allowedOrigins: readonly string[]): string | undefined {
  const host = headers.host;
  if (!host || !HOST_HEADER.test(host)) return 'Forbidden: missing or malformed Host header';
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return 'Forbidden: malformed Host header';
  }
  if (!allowedHosts.includes(hostname)) return `Forbidden: Host ${hostname} is not allowed`;
  const origin = headers.origin;
  if (origin !== undefined && !allowedOrigins.includes(origin)) return 'Forbidden: Origin is not allowed';
  return undefined;
}

function reply(res: ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
