/**
 * The admin token and browser sessions. The token is 32 random bytes, shown once and stored only
 * as its sha256 (a token of that entropy needs no slow hash) in `gateway-token.json`, mode 0600.
 * The UI trades it for a session: a random id in an HttpOnly, SameSite=Strict cookie, kept in a
 * server-side map with an expiry. Every comparison is constant-time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { WardenError } from '../errors.js';
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
  /** Sessions kept at once; the oldest is dropped past it. @default 1000 */
  maxSessions?: number;
}

/** Checks bearer tokens and session cookies. */
export class Authenticator {
  readonly #hash: Buffer;
  /** The token as last accepted: later requests compare against it without hashing again. */
  #accepted: Buffer | undefined;
  readonly #sessions = new Map<string, number>();
  readonly #ttl: number;
  readonly #max: number;

  constructor(hash: Buffer, options: SessionOptions = {}) {
    this.#hash = hash;
    this.#ttl = options.sessionTtlMs ?? 12 * 3600_000;
    this.#max = options.maxSessions ?? 1000;
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

  /** A new session for a caller that showed the token; returns its id. */
  openSession(): string {
    if (this.#sessions.size >= this.#max) this.#sessions.delete(this.#sessions.keys().next().value!);
    const id = randomBytes(32).toString('base64url');
    this.#sessions.set(sessionKey(id), Date.now() + this.#ttl);
    return id;
  }

  /** Ends the session `id` (no-op when unknown). */
  closeSession(id: string): void {
    this.#sessions.delete(sessionKey(id));
  }

  /** The `Set-Cookie` value for session `id` (an empty id clears the cookie). */
  cookie(id: string): string {
    const age = id ? Math.floor(this.#ttl / 1000) : 0;
    return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${age}`;
  }

  /** Who sent `req`, or undefined: a bearer token wins over a cookie; a wrong bearer token is refused outright. */
  identify(req: IncomingMessage): Principal | undefined {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(header);
      if (!match || !this.checkToken(match[1]!)) throw unauthenticated('the bearer token is wrong');
      return 'bearer';
    }
    const id = sessionIdOf(req);
    if (id === undefined) return undefined;
    const key = sessionKey(id);
    const expires = this.#sessions.get(key);
    if (expires === undefined || expires < Date.now()) {
      this.#sessions.delete(key);
      return undefined;
    }
    // Sliding expiry, and most recently used last so eviction drops the idlest.
    this.#sessions.delete(key);
    this.#sessions.set(key, Date.now() + this.#ttl);
    return 'cookie';
  }

  /** Like {@link identify}, refusing with 401 when nobody is identified. */
  require(req: IncomingMessage): Principal {
    const who = this.identify(req);
    if (!who) throw unauthenticated('send Authorization: Bearer <token>, or sign in with POST /api/session');
    return who;
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

/** Sessions are keyed by the id's hash: a lookup's timing says nothing about the ids held. */
const sessionKey = (id: string): string => sha256(id).toString('hex');

const unauthenticated = (message: string): ApiError => new ApiError('UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer realm="warden"' });
