/** Cancelling a call with an AbortSignal (`CallOptions.signal`). */
import { WardenError } from '../errors.js';

/** The error of a call whose signal fired. */
export function cancelled(plugin: string): WardenError {
  return new WardenError('CANCELLED', `the call to plugin ${plugin} was cancelled`, { data: { plugin } });
}

const fanOuts = new WeakMap<AbortSignal, Set<() => void>>();

/**
 * Runs `fn` once if `signal` aborts; returns what stops listening. However many calls listen to
 * one signal (a REST connection's, a caller delegating to several tools), the signal gets one
 * real listener: adding an EventTarget listener costs about a microsecond and needs raised
 * max-listener limits, a Set entry costs a tenth of that.
 */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    let live = true;
    queueMicrotask(() => live && fn());
    return () => void (live = false);
  }
  let listeners = fanOuts.get(signal);
  if (!listeners) {
    const set = new Set<() => void>();
    listeners = set;
    fanOuts.set(signal, set);
    signal.addEventListener('abort', () => {
      fanOuts.delete(signal);
      for (const listener of set) listener();
      set.clear();
    }, { once: true });
  }
  const set = listeners;
  set.add(fn);
  return () => void set.delete(fn);
}
