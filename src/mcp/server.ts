/**
 * The MCP server: every tool of every loaded plugin as an MCP tool, called with that plugin's
 * grants. It answers `tools/list` and `tools/call` and nothing else — no install, grant, enable
 * or config over MCP: an agent uses tools, the operator administers them.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { Warden } from '../warden/warden.js';
import { isToolSource, wardenToolSource, type SourceTool, type ToolSource } from './tool-source.js';
import { buildCatalog, errorResult, outputResult, type ToolCatalog } from './tools.js';

/** Options of {@link createMcpServer}. */
export interface McpServerOptions {
  /** The name and version the server reports at initialisation. @default `{ name: 'warden', version: <package version> }` */
  serverInfo?: { name: string; version: string };
  /** Text the server gives clients at initialisation (how to use its tools). */
  instructions?: string;
  /**
   * The session id put in the call context when the transport has none (stdio). The Streamable
   * HTTP transport's `Mcp-Session-Id` takes precedence. @default a random UUID per server
   */
  sessionId?: string;
  /** Fields added to every call's context (an operator's agent config, the authenticated user). */
  context?: Record<string, unknown>;
  /** Receives failures the client is not told the details of (a host error during a call). */
  onError?: (error: unknown) => void;
}

/**
 * What a plugin reads through the `context` capability when MCP called it. `via`, `session` and
 * `client` are always Warden's own; `client` is what the MCP client said it is, unverified.
 */
export interface McpCallContext {
  via: 'mcp';
  session: string;
  client?: { name: string; version: string };
  [key: string]: unknown;
}

const LIST_CHANGED = 'notifications/tools/list_changed';

/**
 * An MCP server (the SDK's low-level `Server`) over a Warden or any {@link ToolSource}. Connect
 * it to one transport; it sends `notifications/tools/list_changed` whenever the tool set changes
 * and stops listening for changes when it closes.
 *
 * @example
 * ```ts
 * const server = createMcpServer(await Warden.open({ dataDir }));
 * await server.connect(new StdioServerTransport());
 * ```
 */
export function createMcpServer(target: Warden | ToolSource, options: McpServerOptions = {}): Server {
  const source = isToolSource(target) ? target : wardenToolSource(target);
  const server = new Server(options.serverInfo ?? { name: 'warden', version: packageVersion() }, {
    capabilities: { tools: { listChanged: true } },
    debouncedNotificationMethods: [LIST_CHANGED],
    ...(options.instructions !== undefined && { instructions: options.instructions }),
  });
  const fallbackSession = options.sessionId ?? randomUUID();
  let catalog: ToolCatalog = buildCatalog([]);
  let catalogOf: readonly SourceTool[] | undefined;
  const refresh = (): ToolCatalog => {
    const tools = source.tools();
    if (tools !== catalogOf) [catalog, catalogOf] = [buildCatalog(tools), tools];
    return catalog;
  };
  refresh();

  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: [...refresh().tools] }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const { name } = request.params;
    // The cached catalog serves calls; a name it lacks may be new, so look once more.
    const ref = catalog.resolve(name) ?? refresh().resolve(name);
    if (!ref) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name.slice(0, 128)} (see tools/list)`);
    const context: McpCallContext = { ...options.context, via: 'mcp', session: extra.sessionId ?? fallbackSession, ...clientOf(server) };
    try {
      const output = await source.call(ref.plugin, ref.tool, request.params.arguments ?? {}, { context, signal: extra.signal });
      return outputResult(output, ref);
    } catch (e) {
      const result = errorResult(e);
      if (result) return result;
      options.onError?.(e);
      throw new McpError(ErrorCode.InternalError, 'the call failed inside Warden; the operator\'s log has the details');
    }
  });

  let initialized = false;
  server.oninitialized = () => void (initialized = true);
  const unsubscribe = source.onToolsChanged(() => {
    refresh();
    if (initialized) server.sendToolListChanged().catch((e: unknown) => options.onError?.(e));
  });
  server.onclose = unsubscribe;
  return server;
}

/** The client's self-description, cut to a sane size (it is untrusted text). */
function clientOf(server: Server): { client?: { name: string; version: string } } {
  const info = server.getClientVersion();
  if (!info) return {};
  return { client: { name: String(info.name).slice(0, 128), version: String(info.version).slice(0, 64) } };
}

let version: string | undefined;

/** Warden's version from package.json (this file runs from dist/src/mcp/). */
function packageVersion(): string {
  if (version === undefined) {
    try {
      version = String((JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown }).version ?? '0.0.0');
    } catch {
      version = '0.0.0';
    }
  }
  return version;
}
