/**
 * What a plugin may import and which capability each import needs: Warden's host functions in
 * `extism:host/user` (with their signatures), the Extism kernel functions that belong to a
 * capability, and the WASI functions that only make sense with a filesystem. The names come from
 * the capability modules themselves, so a new host function cannot be forgotten here: the
 * signature table below is typed over every name they export.
 */
import { CHANNEL_FUNCTIONS } from '../capabilities/channel/index.js';
import { CLI_FUNCTIONS } from '../capabilities/cli.js';
import { CONTEXT_FUNCTIONS } from '../capabilities/context.js';
import { USER_NAMESPACE } from '../capabilities/index.js';
import { KV_FUNCTIONS } from '../capabilities/kv.js';
import { MEMORY_FUNCTIONS } from '../capabilities/memory.js';
import { TOOL_FUNCTIONS } from '../capabilities/tool.js';
import { VAULT_FUNCTIONS } from '../capabilities/vault.js';
import type { CapabilityKind } from '../manifest/capabilities.js';

export { USER_NAMESPACE };

/** The Extism ABI namespace (the kernel and `extism:host/env` functions). */
export const ENV_NAMESPACE = 'extism:host/env';
/** The only WASI version Warden serves. */
export const WASI_NAMESPACE = 'wasi_snapshot_preview1';
/** The namespace toolchains import a memory from (`--import-memory`). */
export const MEMORY_NAMESPACE = 'env';

type WardenFunction =
  | (typeof KV_FUNCTIONS)[number] | (typeof VAULT_FUNCTIONS)[number] | (typeof TOOL_FUNCTIONS)[number]
  | (typeof CLI_FUNCTIONS)[number] | (typeof CONTEXT_FUNCTIONS)[number] | (typeof MEMORY_FUNCTIONS)[number]
  | (typeof CHANNEL_FUNCTIONS)[number];

const GROUPS: readonly [CapabilityKind, readonly WardenFunction[]][] = [
  ['storage', KV_FUNCTIONS], ['vault', VAULT_FUNCTIONS], ['tool', TOOL_FUNCTIONS], ['cli', CLI_FUNCTIONS],
  ['context', CONTEXT_FUNCTIONS], ['memory', MEMORY_FUNCTIONS], ['channel', CHANNEL_FUNCTIONS],
];

/** Signatures in the notation of abi-signatures.ts (`params:results`, i = i32, I = i64). */
const SIGNATURES: Readonly<Record<WardenFunction, string>> = {
  warden_kv_get: 'I:I', warden_kv_set: 'II:', warden_kv_delete: 'I:', warden_kv_list: 'I:I',
  warden_vault_get: 'I:I', warden_tool_call: 'II:I', warden_cli_run: 'I:I', warden_context_get: ':I',
  warden_memory_search: 'I:I', warden_channel_send: 'II:i',
};

/** Signature of every Warden host function in `extism:host/user`. */
export const WARDEN_SIGNATURES: Readonly<Record<string, string>> = SIGNATURES;

/** The capability each Warden host function belongs to. */
export const WARDEN_FUNCTION_KINDS: ReadonlyMap<string, CapabilityKind> = new Map(
  GROUPS.flatMap(([kind, names]) => names.map((n): [string, CapabilityKind] => [n, kind])),
);

/** `extism:host/env` functions that belong to a capability; the other kernel functions are baseline. */
export const ENV_FUNCTION_KINDS: ReadonlyMap<string, CapabilityKind> = new Map([
  ['http_request', 'network'], ['http_status_code', 'network'], ['http_headers', 'network'],
]);

/**
 * WASI functions that only do something with a mounted directory, and so need `filesystem`
 * rather than `wasi`: every `path_*`, the preopen queries, directory listing, positional I/O and
 * the calls that change, sync or size a file. Standard streams need none of them.
 */
const FILESYSTEM_ONLY = new Set([
  'fd_prestat_get', 'fd_prestat_dir_name', 'fd_readdir', 'fd_pread', 'fd_pwrite', 'fd_allocate', 'fd_advise',
  'fd_datasync', 'fd_sync', 'fd_filestat_set_size', 'fd_filestat_set_times',
]);

/** True when the WASI function `name` needs the `filesystem` capability. */
export function isFilesystemFunction(name: string): boolean {
  return name.startsWith('path_') || FILESYSTEM_ONLY.has(name);
}

/** Exports Warden or the Extism ABI call on their own; they are not tools. */
export const LIFECYCLE_EXPORTS: ReadonlySet<string> = new Set(['on_enable', 'on_disable', '_initialize', '_start', 'hs_init']);

/** How a manifest declares each capability, for "add … to capabilities" advice. */
export const DECLARATION_EXAMPLES: Readonly<Record<CapabilityKind, string>> = {
  network: '- network: [api.example.com]',
  storage: '- storage: kv',
  vault: '- vault: [secret_name]',
  tool: '- tool: [plugin.tool]',
  memory: '- memory: read',
  channel: '- channel: send',
  cli: '- cli: [{ command: /usr/bin/program }]',
  context: '- context',
  config: '- config',
  wasi: '- wasi',
  filesystem: '- filesystem',
};
