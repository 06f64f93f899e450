/**
 * The gateway's browser sessions. A session is stored under a 32-byte hash of its id, never the
 * id itself, so a copy of the database signs nobody in.
 */

/** A stored session. */
export interface SessionRecord {
  /** The 32-byte hash the session is looked up by. */
  hash: Uint8Array;
  /** When it was opened, ms since the epoch. */
  createdAt: number;
  /** When it ends unless used again, ms since the epoch. */
  expiresAt: number;
}

/** Browser sessions of the web UI; every lookup is by hash. */
export interface SessionStore {
  /**
   * Stores a new session, then drops the sessions that expire first (the idlest) until at most
   * `max` are left; the new one is never dropped.
   */
  add(session: SessionRecord, max: number): Promise<void>;
  /** The session stored under `hash`, expired or not, or `undefined`. */
  get(hash: Uint8Array): Promise<SessionRecord | undefined>;
  /** Moves a session's expiry; false when there is no such session. */
  touch(hash: Uint8Array, expiresAt: number): Promise<boolean>;
  /** Ends a session; true when it existed. */
  delete(hash: Uint8Array): Promise<boolean>;
  /** Deletes the sessions that expired at or before `now`; returns how many. */
  purge(now: number): Promise<number>;
  /** Deletes every session (the admin token changed); returns how many. */
  clear(): Promise<number>;
}
