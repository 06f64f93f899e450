/**
 * The vault, the audit log and the memory store: the parts of the state store that are not
 * per-plugin data or registry rows.
 */

/** Operator secrets, encrypted at rest. Secret values never appear in errors or logs. */
export interface VaultStore {
  /** Stores `secret` under `key` (a string is stored as UTF-8). Rejects with `VAULT_LOCKED` without a usable key. */
  set(key: string, secret: string | Uint8Array): Promise<void>;
  /** The decrypted secret, or `undefined` when there is none. `VAULT_LOCKED` on a wrong key. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Names of the stored secrets, sorted; works without the key (names are not encrypted). */
  list(): Promise<string[]>;
  /** Removes the secret; true when it existed. */
  delete(key: string): Promise<boolean>;
}

/** A capability decision. */
export type AuditDecision = 'allow' | 'deny';

/** What {@link AuditStore.append} takes. Never put a secret in `detail` or `reason`. */
export interface AuditEntry {
  /** Milliseconds since the epoch. @default Date.now() */
  time?: number;
  /** The plugin id. */
  plugin: string;
  /** The capability used or asked for, e.g. `network`, `storage` or `vault`. */
  capability: string;
  /** What was asked (host, key name, tool); cut to 2,048 characters. */
  detail: string;
  /** Whether the use was allowed. */
  decision: AuditDecision;
  /** Why, for a denial; cut to 1,024 characters. */
  reason?: string;
}

/** A stored audit record. */
export interface AuditRecord extends Required<Omit<AuditEntry, 'reason'>> {
  /** Increasing id. */
  id: number;
  /** Present when the entry had one. */
  reason?: string;
}

/** Filters and paging of {@link AuditStore.query}; all filters combine with AND. */
export interface AuditQuery {
  /** Only this plugin's records (exact match). */
  plugin?: string;
  /** Only this capability's records (exact match). */
  capability?: string;
  /** Only allowed or only denied uses. */
  decision?: AuditDecision;
  /** Records at or after this time (ms since the epoch). */
  since?: number;
  /** Records strictly before this time. */
  until?: number;
  /** Records per page, at most 1,000. @default 100 */
  limit?: number;
  /** Records to skip. @default 0 */
  offset?: number;
}

/** One page of audit records, newest first, with the total that match the filters. */
export interface AuditPage {
  /** This page, newest first. */
  records: AuditRecord[];
  /** How many records match the filters, over all pages. */
  total: number;
}

/** The append-only audit log. */
export interface AuditStore {
  /** Appends a record; returns its id. */
  append(entry: AuditEntry): Promise<number>;
  /** Records matching `query`, newest first. */
  query(query?: AuditQuery): Promise<AuditPage>;
  /** Deletes records older than `before` (retention); returns how many. */
  prune(before: number): Promise<number>;
}

/** What {@link MemoryStore.add} takes. */
export interface MemoryInput {
  /** The searchable text; at most 64 KiB of UTF-8 by default. */
  text: string;
  /** Where it came from (a URL, a plugin id). */
  source?: string;
  /** Any JSON object kept with the text. */
  metadata?: Record<string, unknown>;
}

/** One search result. */
export interface MemoryHit {
  /** The id {@link MemoryStore.add} returned. */
  id: number;
  /** The stored text. */
  text: string;
  /** The stored source, or `null`. */
  source: string | null;
  /** Relevance: higher is better (negated BM25 for SQLite). */
  score: number;
}

/** Options of {@link MemoryStore.search}. */
export interface MemorySearchOptions {
  /** Results wanted; never more than the store's hard cap (100 by default). @default 10 */
  limit?: number;
}

/** The host's searchable memory. Queries are plain user text: no search syntax is interpreted. */
export interface MemoryStore {
  /** Stores a text; returns its id. */
  add(input: MemoryInput): Promise<number>;
  /** Texts matching any word of `query`, best first. */
  search(query: string, options?: MemorySearchOptions): Promise<MemoryHit[]>;
  /** Removes a text; true when it existed. */
  delete(id: number): Promise<boolean>;
}
