/**
 * The admin token and browser sessions. The token is 32 random bytes, shown once and stored only
 * as its sha256 (a token of that entropy needs no slow hash) in `gateway-token.json`, mode 0600.
 * The UI trades it for a session: a random id in an HttpOnly, SameSite=Strict cookie. The state
 * store keeps each session under an HMAC of its id keyed by the token's hash, never the id, so
 * sessions survive a restart and a new token signs everyone out. Every comparison is constant-time.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
import type { SessionStore } from '../storage/index.js';
import type { Principal } from './router.js';
import { ApiError } from './status.js';

/** The file holding the token's hash, in the data directory. */
export const TOKEN_FILE = 'gateway-token.json';
/** The session cookie's name. */
export const SESSION_COOKIE = 'warden_session';
const TOKEN_PREFIX = 'wdn_';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/** The admin token's hash, and the token itself when it was made just now (the only time it is known). */
export interface AdminToken {
  hash: Buffer;
  /** Set on the first start and after a reset: show it once, it is not stored. */
  created?: string;
}

/** Reads the token's hash from `dataDir`, making a new token when there is none or `reset` is set. */
export async function ensureAdminToken(dataDir: string, { reset = false } = {}): Promise<AdminToken> {
  const file = join(dataDir, TOKEN_FILE);
  const stored = reset ? undefined : await readStoredHash(file);
  if (stored) return { hash: stored };
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const hash = sha256(token);
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify({ sha256: hash.toString('hex'), createdAt: new Date().toISOString() })}\n`, { mode: 0o600 });
  await rename(temp, file);
  return { hash, created: token };
}

/** The stored hash, or undefined when there is no token file yet. */
async function readStoredHash(file: string): Promise<Buffer | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new WardenError('CONFIG_INVALID', `cannot read ${file} (${(e as NodeJS.ErrnoException).code}): run \`warden serve --reset-token\` for a new token`);
  }
  let hex: unknown;
  try {
    hex = (JSON.parse(text) as { sha256?: unknown }).sha256;
  } catch {
    hex = undefined;
  }
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) throw new WardenError('CONFIG_INVALID', `${file} is malformed: run \`warden serve --reset-token\` for a new token`);
  return Buffer.from(hex, 'hex');
}

/** Options of {@link Authenticator}. */
export interface SessionOptions {
  /** How long a session lives after its last use, in ms. @default 43_200_000 (12 h) */
  sessionTtlMs?: number;
  /** Sessions kept at once; the idlest is dropped past it. @default 1000 */
  maxSessions?: number;
}

/** How far a session's stored expiry may lag behind before a use writes it again. */
const MAX_EXPIRY_LAG_MS = 60_000;
/** `Authorization: Bearer <token>`, the token printable ASCII. */
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/**
 * Checks bearer tokens and session cookies. A bearer token is checked in memory; a cookie costs
 * one indexed read of the state store, and a write at most once a minute per session.
 */
export class Authenticator {
  readonly #hash: Buffer;
  /** The token as last accepted: later requests compare against it without hashing again. */
  #accepted: Buffer | undefined;
  readonly #sessions: SessionStore;
  readonly #ttl: number;
  readonly #max: number;
  readonly #lag: number;

  /** Checks against the token's sha256 `tokenHash`; see {@link Authenticator.open} for a gateway's start. */
  constructor(tokenHash: Buffer, sessions: SessionStore, options: SessionOptions = {}) {
    this.#hash = tokenHash;
    this.#sessions = sessions;
    this.#ttl = positiveInteger(options.sessionTtlMs ?? 12 * 3600_000, 'sessionTtlMs');
    this.#max = positiveInteger(options.maxSessions ?? 1000, 'maxSessions');
    this.#lag = Math.min(MAX_EXPIRY_LAG_MS, Math.floor(this.#ttl / 10));
  }

  /**
   * An authenticator for `token` over the stored `sessions`. Drops the expired sessions, and
   * every session when the token was made just now.
   */
  static async open(token: AdminToken, sessions: SessionStore, options: SessionOptions = {}): Promise<Authenticator> {
    const auth = new Authenticator(token.hash, sessions, options);
    await (token.created === undefined ? sessions.purge(Date.now()) : sessions.clear());
    return auth;
  }

  /**
   * True when `token` is the admin token (constant-time, whatever its length). A token equal to
   * the one accepted last is recognised by a constant-time byte comparison, skipping the hash.
   */
  checkToken(token: string): boolean {
    const bytes = Buffer.from(token, 'utf8');
    const accepted = this.#accepted;
    if (accepted && bytes.length === accepted.length && timingSafeEqual(bytes, accepted)) return true;
    if (!timingSafeEqual(sha256(token), this.#hash)) return false;
    this.#accepted = bytes;
    return true;
  }

  /** A new session for a caller that showed the token; returns its id once it is stored. */
  async openSession(): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    await this.#sessions.purge(now);
    await this.#sessions.add({ hash: this.#key(id), createdAt: now, expiresAt: now + this.#ttl }, this.#max);
    return id;
  }

  /** Ends the session `id` (no-op when unknown). */
  async closeSession(id: string): Promise<void> {
    await this.#sessions.delete(this.#key(id));
  }

  /** The `Set-Cookie` value for session `id` (an empty id clears the cookie). */
  cookie(id: string): string {
    const age = id ? Math.floor(this.#ttl / 1000) : 0;
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}`;
  }

  /**
   * Who sent `req`, or undefined: a bearer token wins over a cookie; a wrong bearer token is
   * refused outright. When a session's expiry is extended, `res` gets a fresh cookie, so the
   * browser keeps it as long as the server does.
   */
  async identify(req: IncomingMessage, res?: ServerResponse): Promise<Principal | undefined> {
    if (this.bearer(req)) return 'bearer';
    const id = sessionIdOf(req);
    if (id === undefined) return undefined;
    const key = this.#key(id);
    const session = await this.#sessions.get(key);
    if (session === undefined) return undefined;
    const now = Date.now();
    // Both writes are housekeeping: one that fails (the database busy in another process) must not
    // turn the answer into an error; purging and the next use catch up.
    if (session.expiresAt <= now) {
      await this.#sessions.delete(key).catch(() => false);
      return undefined;
    }
    // Sliding expiry, written only once the stored one lags: a busy UI does not write per request.
    if (now + this.#ttl - session.expiresAt > this.#lag) {
      const extended = await this.#sessions.touch(key, now + this.#ttl).catch(() => false);
      if (extended && res && !res.headersSent) res.setHeader('set-cookie', this.cookie(id));
    }
    return 'cookie';
  }

  /**
   * 'bearer' when `req` carries the admin token, undefined when it carries no Authorization
   * header; a wrong one is refused. Synchronous: the API's usual caller is answered without a
   * trip through the store.
   */
  bearer(req: IncomingMessage): 'bearer' | undefined {
    const header = req.headers.authorization;
    if (header === undefined) return undefined;
    const match = BEARER.exec(header);
    if (!match || !this.checkToken(match[1]!)) throw unauthenticated('the bearer token is wrong');
    return 'bearer';
  }

  /**
   * Whether the session `req` came with is still open (not signed out, not expired), without
   * extending it: for a long-lived request (the event stream) that must end with its session.
   * A bearer-token request stays valid while this gateway runs.
   */
  async stillValid(req: IncomingMessage): Promise<boolean> {
    if (req.headers.authorization !== undefined) return true;
    const id = sessionIdOf(req);
    if (id === undefined) return false;
    const session = await this.#sessions.get(this.#key(id));
    return session !== undefined && session.expiresAt > Date.now();
  }

  /** Like {@link identify}, refusing with 401 when nobody is identified. */
  async require(req: IncomingMessage, res?: ServerResponse): Promise<Principal> {
    const who = await this.identify(req, res);
    if (!who) throw unauthenticated('send Authorization: Bearer <token>, or sign in with POST /api/session');
    return who;
  }

  /**
   * The key a session is stored under: an HMAC of its id keyed by the token's hash. Lookups by it
   * say nothing about the ids held, and a new token matches none of the old rows.
   */
  #key(id: string): Buffer {
    return createHmac('sha256', this.#hash).update(id, 'utf8').digest();
  }
}

/** The session id in the request's cookie, if any. */
export function sessionIdOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === SESSION_COOKIE && value && /^[A-Za-z0-9_-]{1,128}$/.test(value)) return value;
  }
  return undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new WardenError('INVALID_ARGUMENT', `${name} must be a positive integer`, { data: { path: name } });
  return value;
}

const unauthenticated = (message: string): ApiError => new ApiError('UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer realm="warden"' });
