/**
 * Serialises access to the one SQLite connection. A single call runs synchronously, so it
 * cannot interleave with another; an async `transaction(fn)` spans awaits, so while one is open
 * its parent scope queues every other call until it ends. Nested transactions are savepoints.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import { WardenError } from '../../errors.js';
import { storageError } from './open.js';

/**
 * Which transaction scopes the current async context is running inside. While any transaction
 * is open, Node tracks every promise for it; once none is, it is disabled so that calls (which
 * never run inside a transaction) do not pay for async hooks.
 */
const inside = new AsyncLocalStorage<ReadonlySet<Scope>>();
let openTransactions = 0;

/** A connection, or a transaction on it, that hands out calls one at a time. */
export class Scope {
  private busy: Promise<void> | undefined;
  private ended = false;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly depth = 0,
    private readonly isClosed: () => boolean = () => !db.open,
  ) {}

  /**
   * Runs `f` once no child transaction is open, wrapping failures as `STORAGE_ERROR`. The check
   * and the call happen in one synchronous step, so a transaction cannot begin between them.
   */
  run<R>(f: () => R): Promise<R> {
    if (this.busy) return this.waitTurn().then(() => this.run(f));
    try {
      this.assertUsable();
      return Promise.resolve(f());
    } catch (e) {
      return Promise.reject(storageError(e, this.file));
    }
  }

  /** Runs `fn` in a transaction (a savepoint when nested) and commits when it resolves. */
  async transaction<T>(fn: (child: Scope) => Promise<T> | T): Promise<T> {
    while (this.busy) await this.waitTurn();
    this.assertUsable();
    let release!: () => void;
    this.busy = new Promise((resolve) => (release = resolve));
    const child = new Scope(this.db, this.file, this.depth + 1, this.isClosed);
    const name = `warden_tx_${this.depth}`;
    try {
      this.exec(this.depth === 0 ? 'BEGIN IMMEDIATE' : `SAVEPOINT ${name}`);
      const within = new Set(inside.getStore() ?? []).add(this);
      let result: T;
      openTransactions++;
      try {
        result = await inside.run(within, () => fn(child));
      } catch (e) {
        child.ended = true;
        if (this.db.inTransaction) this.exec(this.depth === 0 ? 'ROLLBACK' : `ROLLBACK TO ${name}; RELEASE ${name}`);
        throw e;
      } finally {
        if (--openTransactions === 0) inside.disable();
      }
      child.ended = true;
      try {
        this.exec(this.depth === 0 ? 'COMMIT' : `RELEASE ${name}`);
      } catch (e) {
        if (this.depth === 0 && this.db.inTransaction) this.exec('ROLLBACK');
        throw e;
      }
      return result;
    } finally {
      this.busy = undefined;
      release();
    }
  }

  private exec(sql: string): void {
    try {
      this.db.exec(sql);
    } catch (e) {
      throw storageError(e, this.file);
    }
  }

  /** Waits for the open child transaction to end; refuses to wait from inside it. */
  private async waitTurn(): Promise<void> {
    this.assertUsable();
    if (inside.getStore()?.has(this)) {
      throw new WardenError('INVALID_ARGUMENT', 'inside transaction(fn), use the store passed to fn; the outer store waits for the transaction and would deadlock');
    }
    await this.busy;
  }

  private assertUsable(): void {
    if (this.isClosed()) throw new WardenError('CLOSED', `the state store (${this.file}) is closed`);
    if (this.ended) throw new WardenError('INVALID_ARGUMENT', 'this transaction has ended; its store can no longer be used');
  }
}

/**
 * Binds a synchronous implementation to a scope: each method becomes an async one that runs
 * through {@link Scope.run}.
 */
export function bind<T extends object>(impl: object, scope: Scope): T {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(impl)) {
    if (typeof fn === 'function') out[name] = (...args: unknown[]) => scope.run(() => fn.apply(impl, args));
  }
  return Object.freeze(out) as T;
}
