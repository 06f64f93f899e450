/**
 * The `memory: read` capability: a plugin searches the host's memory store and gets a capped
 * list of hits. There is deliberately no function to list, export or page through the store:
 * what a plugin can read is bounded by what its queries match, {@link MAX_MEMORY_RESULTS} at a time.
 */
import { WardenError } from '../errors.js';
import type { HostFunction } from '../runtime/host-call-context.js';
import type { MemoryStore } from '../storage/driver.js';
import type { Gate } from './gate.js';
import { safeStoreError, tryGuestText } from './guest-values.js';

/** Options of {@link memoryFunctions}. */
export interface MemoryFunctionsOptions {
  /** The plugin's gate. */
  gate: Gate;
  /** The state store's memory. */
  memory: MemoryStore;
  /** Hits per search; never more than {@link MAX_MEMORY_RESULTS}. @default MAX_MEMORY_RESULTS */
  limit?: number;
}

/** Names of the memory host functions in `extism:host/user`. */
export const MEMORY_FUNCTIONS = ['warden_memory_search'] as const;

/** The hard cap on hits returned by one search, whatever the options say. */
export const MAX_MEMORY_RESULTS = 20;

/** One hit as the plugin receives it. */
export interface MemorySearchHit {
  id: number;
  text: string;
  source: string | null;
  score: number;
}

/**
 * The memory host functions.
 *
 * - `warden_memory_search(query: i64) -> i64` — a JSON array of `{ id, text, source, score }`,
 *   best first, at most {@link MAX_MEMORY_RESULTS}; the query is plain text (no search syntax).
 *
 * Without `memory: read` a call rejects with `PERMISSION_DENIED` and is audited. The audit
 * `detail` gives the query's length, not its text (a guest could pass a secret it read earlier).
 */
export function memoryFunctions({ gate, memory, limit }: MemoryFunctionsOptions): Record<(typeof MEMORY_FUNCTIONS)[number], HostFunction> {
  const cap = Math.max(1, Math.min(Math.floor(limit ?? MAX_MEMORY_RESULTS), MAX_MEMORY_RESULTS));
  return {
    async warden_memory_search(ctx, queryHandle) {
      const query = tryGuestText(ctx, queryHandle);
      await gate.require('memory', `memory search ${query === null ? '(invalid handle)' : `(${query.length} characters)`}`);
      if (query === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_memory_search: the query is not an allocated block');
      const hits = await safeStoreError(() => memory.search(query, { limit: cap }));
      const out: MemorySearchHit[] = hits.slice(0, cap).map(({ id, text, source, score }) => ({ id, text, source, score }));
      return ctx.store(JSON.stringify(out));
    },
  };
}
