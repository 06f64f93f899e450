/**
 * How a long-running command (`serve`, `mcp`) waits to be stopped: the first Ctrl-C or SIGTERM
 * (or the command's own `stop()`) ends the wait; afterwards the signals get their default action
 * back, so a second Ctrl-C while plugins shut down kills the process the usual way.
 */

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** A wait for the stop. */
export interface StopWait {
  /** Resolves once stopped; the signal handlers are removed by then. */
  stopped: Promise<void>;
  /** Stops the wait from the command itself (its input ended, its transport closed). */
  stop(): void;
}

/**
 * Starts waiting for a stop. Call it before telling anyone the command is ready: a signal that
 * arrives before the handlers are in place kills the process instead.
 */
export function waitForStop(): StopWait {
  let stop = (): void => undefined;
  const signalled = new Promise<void>((resolve) => (stop = resolve));
  for (const signal of STOP_SIGNALS) process.once(signal, stop);
  const stopped = signalled.then(() => {
    for (const signal of STOP_SIGNALS) process.off(signal, stop);
  });
  return { stopped, stop };
}
