/**
 * Where the MCP bridge gets its tools: a small interface over the Warden (the tools of loaded
 * plugins, a call with the plugin's grants, and an event when the tool set changes), so the
 * bridge holds no business logic and tests can put anything behind it.
 */
import { WardenError, isWardenError } from '../errors.js';
import type { CallInput, CallOptions } from '../runtime/plugin.js';
import type { Warden } from '../warden/warden.js';

/** One tool of a loaded plugin, as the Warden describes it. */
export interface SourceTool {
  plugin: string;
  name: string;
  description: string;
  /** The manifest's parameters, normalised to a JSON Schema of `type: object`. */
  parameters: unknown;
}

/** Options of {@link ToolSource.call}. */
export interface SourceCallOptions {
  /** Who the call is for (the MCP session and client); the `context` capability lets the plugin read it. */
  context?: unknown;
  /** Aborted when the MCP client cancels the request or disconnects. */
  signal?: AbortSignal;
}

/** What the MCP server needs from a Warden. */
export interface ToolSource {
  /** The tools of every loaded plugin. Returns the same array while nothing changed. */
  tools(): readonly SourceTool[];
  /** Calls a tool with its plugin's grants; rejects with a `WardenError`. */
  call(plugin: string, tool: string, input: CallInput, options: SourceCallOptions): Promise<{ readonly bytes: Uint8Array }>;
  /** Calls `listener` after the tool set changed; returns the unsubscribe function. */
  onToolsChanged(listener: () => void): () => void;
}

/** Options of {@link wardenToolSource}. */
export interface WardenToolSourceOptions {
  /** How often to compare tool snapshots when the Warden emits no change event, in ms. @default 500 */
  pollMs?: number;
}

/** The event a Warden that can tell emits after its set of loaded tools changed. */
export const TOOLS_CHANGED_EVENT = 'tools-changed';

/** A Warden with an EventEmitter-style `on`/`off` (duck-typed: the class may gain it later). */
interface EventfulWarden {
  on(event: typeof TOOLS_CHANGED_EVENT, listener: () => void): unknown;
  off(event: typeof TOOLS_CHANGED_EVENT, listener: () => void): unknown;
}

function isEventful(warden: object): warden is EventfulWarden {
  const w = warden as Partial<Record<'on' | 'off', unknown>>;
  return typeof w.on === 'function' && typeof w.off === 'function';
}

/**
 * A {@link ToolSource} over a Warden. Changes are noticed from the Warden's `tools-changed`
 * event when it has one, else by comparing `warden.tools()` snapshots every `pollMs` (only while
 * someone listens) and on every {@link ToolSource.tools}; either way a listener fires only when
 * the tools, their descriptions or their schemas really differ.
 *
 * @example
 * ```ts
 * const source = wardenToolSource(warden);
 * const stop = source.onToolsChanged(() => console.error('tools changed'));
 * ```
 */
export function wardenToolSource(warden: Warden, options: WardenToolSourceOptions = {}): ToolSource {
  const pollMs = options.pollMs ?? 500;
  const listeners = new Set<() => void>();
  let current: readonly SourceTool[] = warden.tools();
  let signature = JSON.stringify(current);
  let timer: NodeJS.Timeout | undefined;

  const check = (): readonly SourceTool[] => {
    const tools = warden.tools();
    const next = JSON.stringify(tools);
    if (next === signature) return current;
    current = tools;
    signature = next;
    for (const listener of [...listeners]) listener();
    return current;
  };
  const onEvent = (): void => void check();
  const events = isEventful(warden) ? warden : undefined;

  return {
    tools: check,
    call(plugin, tool, input, { context, signal }) {
      const callOptions: CallOptions = { ...(context !== undefined && { context }), ...(signal && { signal }) };
      return warden.call(plugin, tool, input, callOptions).catch((e: unknown) => {
        throw withoutHostPaths(e, [warden.options?.pluginsDir, warden.options?.dataDir]);
      });
    },
    onToolsChanged(listener) {
      if (listeners.size === 0) {
        if (events) events.on(TOOLS_CHANGED_EVENT, onEvent);
        else timer = setInterval(onEvent, pollMs).unref();
      }
      listeners.add(listener);
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return;
        if (events) events.off(TOOLS_CHANGED_EVENT, onEvent);
        clearInterval(timer);
      };
    },
  };
}

/**
 * The error with the Warden's directories replaced by placeholders: a load failure quoted in a
 * NOT_FOUND message may name files under them, and the agent reading it has no business knowing
 * where the operator keeps Warden's state.
 */
function withoutHostPaths(e: unknown, dirs: (string | undefined)[]): unknown {
  if (!isWardenError(e)) return e;
  const [pluginsDir, dataDir] = dirs;
  let message = e.message;
  if (pluginsDir) message = message.replaceAll(pluginsDir, '<plugins-dir>');
  if (dataDir) message = message.replaceAll(dataDir, '<data-dir>');
  return message === e.message ? e : new WardenError(e.code, message, { data: e.data, cause: e });
}

/** True when `x` is already a {@link ToolSource} (not a Warden). */
export function isToolSource(x: Warden | ToolSource): x is ToolSource {
  return typeof (x as Partial<ToolSource>).onToolsChanged === 'function';
}
