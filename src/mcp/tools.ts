/**
 * Warden tools as MCP tools and back: a collision-free MCP name for every plugin tool, its
 * parameters as the `inputSchema`, and a plugin's output or error as a `tools/call` result.
 * Error codes become MCP results here, at the edge, and nowhere else.
 */
import { createHash } from 'node:crypto';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { isWardenError } from '../errors.js';
import type { SourceTool } from './tool-source.js';

/**
 * The names Warden gives MCP tools: the strictest form clients enforce (no dots or slashes,
 * which several reject, and at most 64 characters, which several cap names at).
 */
export const MCP_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Longest MCP tool name Warden emits. */
export const MAX_MCP_TOOL_NAME_LENGTH = 64;
/** Between plugin id and tool name: `<plugin>__<tool>`. */
export const NAME_SEPARATOR = '__';
/** Hex digits of the hash suffix a name gets when it is too long or ambiguous; longer on a clash. */
const HASH_LENGTHS = [8, 16, 32] as const;

/** A plugin tool, as the Warden names it. */
export interface ToolRef {
  plugin: string;
  tool: string;
}

/** The MCP tools of one snapshot of the Warden's tools, and the way back from an MCP name. */
export interface ToolCatalog {
  /** Sorted by plugin, then tool. */
  readonly tools: readonly Tool[];
  /** The plugin tool behind an MCP name, or undefined. */
  resolve(name: string): ToolRef | undefined;
}

const byRef = (a: ToolRef, b: ToolRef): number => (a.plugin < b.plugin ? -1 : a.plugin > b.plugin ? 1 : a.tool < b.tool ? -1 : a.tool > b.tool ? 1 : 0);

/**
 * The MCP name of each tool, in the order given. A tool is `<plugin>__<tool>` when that fits
 * {@link MCP_TOOL_NAME} and no other tool maps to the same text (plugin `a` tool `b__c` and
 * plugin `a__b` tool `c` would); otherwise it is the name cut short, `_`, and the first hex
 * digits of sha256(plugin NUL tool), with more digits should that clash too. Every name depends
 * only on the set of tools, never on their order.
 *
 * @example
 * assignToolNames([{ plugin: 'notes', tool: 'kv_get' }]) // ['notes__kv_get']
 */
export function assignToolNames(refs: readonly ToolRef[]): (string | undefined)[] {
  const bases = refs.map((r) => `${r.plugin}${NAME_SEPARATOR}${r.tool}`);
  const counts = new Map<string, number>();
  for (const b of bases) counts.set(b, (counts.get(b) ?? 0) + 1);
  const names = bases.map((b) => (MCP_TOOL_NAME.test(b) && counts.get(b) === 1 ? b : undefined));
  const taken = new Set(names.filter((n) => n !== undefined));
  const pending = refs.map((r, i) => ({ r, i })).filter(({ i }) => names[i] === undefined).sort((x, y) => byRef(x.r, y.r) || x.i - y.i);
  for (const { r, i } of pending) {
    const name = HASH_LENGTHS.map((n) => hashedName(bases[i]!, r, n)).find((n) => !taken.has(n));
    if (name === undefined) continue; // a sha256 clash: the tool is left out rather than shadowing another
    names[i] = name;
    taken.add(name);
  }
  return names;
}

function hashedName(base: string, ref: ToolRef, digits: number): string {
  const hash = createHash('sha256').update(ref.plugin).update('\0').update(ref.tool).digest('hex').slice(0, digits);
  return `${base.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_MCP_TOOL_NAME_LENGTH - digits - 1)}_${hash}`;
}

/** The `inputSchema` of a tool: its parameters, which Warden keeps as an object schema, or an empty object schema. */
export function inputSchemaOf(parameters: unknown): Tool['inputSchema'] {
  const p = parameters as { type?: unknown } | null | undefined;
  if (typeof p === 'object' && p !== null && !Array.isArray(p) && p.type === 'object') return p as Tool['inputSchema'];
  return { type: 'object', properties: {}, additionalProperties: false };
}

/** The MCP tools for a snapshot of the Warden's tools. */
export function buildCatalog(tools: readonly SourceTool[]): ToolCatalog {
  const sorted = [...tools].sort((a, b) => byRef({ plugin: a.plugin, tool: a.name }, { plugin: b.plugin, tool: b.name }));
  const names = assignToolNames(sorted.map((t) => ({ plugin: t.plugin, tool: t.name })));
  const refs = new Map<string, ToolRef>();
  const list: Tool[] = [];
  sorted.forEach((t, i) => {
    const name = names[i];
    if (name === undefined) return;
    refs.set(name, { plugin: t.plugin, tool: t.name });
    list.push({ name, description: t.description, inputSchema: inputSchemaOf(t.parameters), _meta: { 'warden/plugin': t.plugin, 'warden/tool': t.name } });
  });
  return { tools: list, resolve: (name) => refs.get(name) };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A plugin's output as a `tools/call` result: UTF-8 output as text, and also as
 * `structuredContent` when it is a JSON object; other bytes as an embedded binary resource.
 * An empty output gives empty content.
 */
export function outputResult(output: { readonly bytes: Uint8Array }, ref: ToolRef): CallToolResult {
  const { bytes } = output;
  if (bytes.length === 0) return { content: [] };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const uri = `warden://${encodeURIComponent(ref.plugin)}/${encodeURIComponent(ref.tool)}/output`;
    return { content: [{ type: 'resource', resource: { uri, mimeType: 'application/octet-stream', blob: Buffer.from(bytes).toString('base64') } }] };
  }
  const structured = jsonObject(text);
  return { content: [{ type: 'text', text }], ...(structured && { structuredContent: structured }) };
}

function jsonObject(text: string): Record<string, unknown> | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A failed call as a `tools/call` result the agent can read: `isError`, the text
 * `<CODE>: <message>`, and the code in `_meta["warden/code"]`. Only Warden errors qualify (their
 * messages are written for callers and carry no stack); anything else gives undefined.
 */
export function errorResult(error: unknown): CallToolResult | undefined {
  if (!isWardenError(error)) return undefined;
  return { isError: true, content: [{ type: 'text', text: `${error.code}: ${error.message}` }], _meta: { 'warden/code': error.code } };
}
