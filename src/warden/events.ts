/**
 * What a Warden tells its listeners: the gateway's server-sent events and MCP's
 * `tools/list_changed` are built on these.
 */
import type { AuditEntry } from '../storage/driver.js';

/** A change in one plugin's life. */
export interface PluginEvent {
  id: string;
  event: 'installed' | 'upgraded' | 'enabled' | 'disabled' | 'removed' | 'failed' | 'reloaded' | 'reload-failed' | 'pending-consent';
  /** Why, for `failed`, `reload-failed` and `pending-consent`. */
  message?: string;
}

/** Every event and its payload. */
export interface WardenEvents {
  /** The set of tools served changed (a plugin loaded, unloaded or was swapped). */
  'tools-changed': [];
  plugin: [PluginEvent];
  /** A capability use was denied (the audit record just written). */
  denied: [AuditEntry];
}

type Listener<K extends keyof WardenEvents> = (...args: WardenEvents[K]) => void;

/** A small typed event emitter; a throwing listener never breaks the Warden. */
export class WardenEmitter {
  readonly #listeners = new Map<keyof WardenEvents, Set<(...args: never[]) => void>>();

  /** Adds a listener; returns a function that removes it. */
  on<K extends keyof WardenEvents>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
    return () => set.delete(listener as (...args: never[]) => void);
  }

  /** Removes a listener added with {@link on}. */
  off<K extends keyof WardenEvents>(event: K, listener: Listener<K>): void {
    this.#listeners.get(event)?.delete(listener as (...args: never[]) => void);
  }

  protected emit<K extends keyof WardenEvents>(event: K, ...args: WardenEvents[K]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as Listener<K>)(...args);
      } catch {
        // A listener's failure is its own.
      }
    }
  }
}
