/**
 * The `tool` capability: a plugin calls another tool by exact name through a {@link ToolDispatcher}
 * the host provides. The chain of calling plugins travels with each delegated call as its
 * `CallOptions.delegation` (set only by host code, never from the call context, which is user
 * data), so a callee's own `warden_tool_call` sees who is above it in `ctx.call.delegation`: depth limit,
 * cycle refusal (a plugin never appears twice, so no call re-enters a busy instance: THREATS.md
 * §15, §26) and one deadline shared by the whole chain.
 */
import { WardenError, isWardenError } from '../errors.js';
import type { RiskLevel } from '../manifest/capabilities.js';
import type { Delegation, HostFunction } from '../runtime/host-call-context.js';
import type { Gate } from './gate.js';
import { tryGuestText } from './guest-values.js';

/** One delegated call, as the dispatcher receives it. */
export interface ToolCallRequest {
  /** The calling plugin's id. */
  caller: string;
  /** The exact tool name the caller asked for (`tool` or `plugin.tool`), already granted. */
  tool: string;
  input: Uint8Array;
  /** Plugin ids from the outermost caller down to `caller` (included). */
  chain: readonly string[];
  /** Milliseconds since the epoch; the callee must settle by then. */
  deadline: number;
  /** Aborted when the caller's call dies (its own deadline, a kill). */
  signal: AbortSignal;
}

/** Routes a granted tool name to whatever serves it; the callee runs with its own grants. */
export interface ToolDispatcher {
  call(request: ToolCallRequest): Promise<Uint8Array>;
}

export type { Delegation };

/** Options of {@link toolFunctions}. */
export interface ToolFunctionsOptions {
  gate: Gate;
  /** Serves granted calls; without one every granted call fails with NOT_FOUND. */
  dispatcher?: ToolDispatcher;
  /** Most plugins in a chain above a callee (A → B is depth 1). @default 8 */
  maxDepth?: number;
  /** Deadline of a chain that did not bring one (a top-level call made without `delegation`). @default 10000 */
  timeoutMs?: number;
}

export const TOOL_FUNCTIONS = ['warden_tool_call'] as const;
export const DEFAULT_MAX_DEPTH = 8;
const SHOWN_NAME = 128;

/**
 * `warden_tool_call(name: i64, input: i64) -> i64` — the callee's output (0 when empty). Denied
 * (not granted, a cycle) → `PERMISSION_DENIED`; too deep → `LIMIT_EXCEEDED` (`data.limit`
 * `toolDepth`); the chain's deadline passed → `TIMEOUT`. Every refusal is audited.
 */
export function toolFunctions(options: ToolFunctionsOptions): Record<(typeof TOOL_FUNCTIONS)[number], HostFunction> {
  const { gate, dispatcher } = options;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const refuse = async (detail: string, reason: string, error: WardenError): Promise<never> => {
    await gate.recordDenial('tool', detail, reason);
    throw error;
  };
  return {
    async warden_tool_call(ctx, nameHandle, inputHandle) {
      const name = tryGuestText(ctx, nameHandle);
      const detail = `tool call ${name === null ? '(invalid handle)' : JSON.stringify(name.slice(0, SHOWN_NAME))}`;
      await gate.require('tool', detail, (cap) => name !== null && cap.names.includes(name));
      const input = inputHandle === 0n || inputHandle === 0 ? new Uint8Array(0) : ctx.read(inputHandle as bigint);
      if (input === null || name === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_tool_call: an argument is not an allocated block');
      const outer = ctx.call.delegation;
      const chain = [...(outer?.chain ?? []), gate.plugin];
      const callee = name.includes('.') ? name.slice(0, name.indexOf('.')) : undefined;
      if (outer?.chain.includes(gate.plugin) || (callee !== undefined && chain.includes(callee))) {
        await refuse(detail, 'delegation cycle', new WardenError('PERMISSION_DENIED', `tool: delegation cycle (${[...chain, callee ?? name].join(' → ')})`, {
          data: { capability: 'tool', detail, reason: 'cycle' },
        }));
      }
      if (chain.length > maxDepth) {
        await refuse(detail, `delegation depth over ${maxDepth}`, new WardenError('LIMIT_EXCEEDED', `tool: delegation deeper than ${maxDepth}`, {
          data: { limit: 'toolDepth', max: maxDepth },
        }));
      }
      const deadline = outer?.deadline ?? Date.now() + timeoutMs;
      if (deadline <= Date.now()) throw new WardenError('TIMEOUT', 'tool: the delegation chain is past its deadline');
      if (!dispatcher) throw new WardenError('NOT_FOUND', `tool: no dispatcher serves "${name}"`);
      const output = await dispatcher.call({ caller: gate.plugin, tool: name, input, chain, deadline, signal: ctx.signal }).catch(async (e: unknown) => {
        // The dispatcher's own refusals (a cycle it saw, a callee above the chain's risk) are denials too.
        if (isWardenError(e) && e.code === 'PERMISSION_DENIED' && e.data['capability'] === 'tool') await gate.recordDenial('tool', detail, e.message);
        throw e;
      });
      return output.length === 0 ? 0n : ctx.store(output);
    },
  };
}

/** What {@link createToolRouter} needs of a plugin (a `Plugin` from `createHost().load()` fits). */
export interface RoutablePlugin {
  call(tool: string, input: Uint8Array, options: { timeoutMs: number; delegation: Delegation; signal: AbortSignal }): Promise<{ readonly bytes: Uint8Array } | Uint8Array>;
}

/** A plugin as the router sees it: what it is, which tools it offers, how risky it is. */
export interface RouteTarget {
  plugin: RoutablePlugin;
  /** The tools it may be called for (its manifest's tools); others are NOT_FOUND. Every export when absent. */
  tools?: ReadonlySet<string>;
  /** The highest risk among its effective capabilities. @default 'low' */
  risk?: RiskLevel;
}

/** A tool the host itself serves, reached by its bare name (no plugin prefix). */
export interface HostTool {
  description: string;
  /** Risk of what the tool does: callers whose grants are all of lower risk cannot reach it. @default 'low' */
  risk?: RiskLevel;
  handler(input: Uint8Array, request: ToolCallRequest): Promise<Uint8Array | string> | Uint8Array | string;
}

/** Where {@link createToolRouter} finds plugins (by id) and the host's own tools (by name). */
export interface ToolDirectory {
  plugin(id: string): RouteTarget | undefined;
  hostTool?(name: string): HostTool | undefined;
  /** Awaited before plugin `id` is looked up as a callee, so a directory that loads plugins at first use can load it. */
  load?(id: string): Promise<void>;
}

const RISK_ORDER: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

/**
 * A dispatcher over loaded plugins and host tools: `plugin.tool` runs tool `tool` of plugin
 * `plugin`, inside the request's chain, with the chain's remaining time; a bare `tool` runs the
 * host's tool of that name. A callee whose risk exceeds the lowest risk among the callers of the
 * chain is refused (`PERMISSION_DENIED`, `data.reason: 'risk'`): a plugin cannot reach through
 * delegation what it could not do itself. Callee failures pass on by code; other errors become a
 * plain `HOST_FUNCTION_ERROR`.
 */
export function createToolRouter(directory: ToolDirectory | ReadonlyMap<string, RoutablePlugin>): ToolDispatcher {
  const dir: ToolDirectory = directory instanceof Map
    ? { plugin: (id) => { const plugin = (directory as ReadonlyMap<string, RoutablePlugin>).get(id); return plugin && { plugin }; } }
    : (directory as ToolDirectory);
  const ceiling = (chain: readonly string[]): number => Math.min(...chain.map((id) => RISK_ORDER[dir.plugin(id)?.risk ?? 'low']));
  const refuseRisk = (tool: string, risk: RiskLevel, chain: readonly string[]): never => {
    throw new WardenError('PERMISSION_DENIED', `tool: "${tool}" is ${risk} risk, above what the calling chain (${chain.join(' → ')}) was granted`, {
      data: { capability: 'tool', reason: 'risk' },
    });
  };
  return {
    async call(request) {
      const { tool, input, chain, deadline, signal } = request;
      const dot = tool.indexOf('.');
      const timeoutMs = Math.floor(deadline - Date.now());
      if (timeoutMs <= 0 || signal.aborted) throw new WardenError('TIMEOUT', 'tool: the delegation chain is past its deadline');
      if (dot < 0) {
        const hostTool = dir.hostTool?.(tool);
        if (!hostTool) throw new WardenError('NOT_FOUND', `tool "${tool}" is not a host tool`);
        if (RISK_ORDER[hostTool.risk ?? 'low'] > ceiling(chain)) refuseRisk(tool, hostTool.risk ?? 'low', chain);
        const out = await hostTool.handler(input, request);
        return typeof out === 'string' ? new TextEncoder().encode(out) : out;
      }
      const id = tool.slice(0, dot);
      const name = tool.slice(dot + 1);
      await dir.load?.(id);
      const target = dir.plugin(id);
      if (!target || (target.tools && !target.tools.has(name))) throw new WardenError('NOT_FOUND', `tool "${tool}" is not served by any loaded plugin`);
      if (chain.includes(id)) throw new WardenError('PERMISSION_DENIED', `tool: delegation cycle (${[...chain, id].join(' → ')})`, { data: { capability: 'tool', reason: 'cycle' } });
      if (RISK_ORDER[target.risk ?? 'low'] > ceiling(chain)) refuseRisk(tool, target.risk ?? 'low', chain);
      try {
        const out = await target.plugin.call(name, input, { timeoutMs, delegation: { chain, deadline }, signal });
        return out instanceof Uint8Array ? out : out.bytes;
      } catch (e) {
        if (isWardenError(e)) throw e;
        throw new WardenError('HOST_FUNCTION_ERROR', `tool "${tool}" failed`, { cause: e });
      }
    },
  };
}
