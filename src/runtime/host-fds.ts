/**
 * The list of host file descriptors a worker's WASI shim holds open, kept in the control block.
 * File descriptors belong to the process, not the thread, so a terminated worker would leak them;
 * the worker lists each one after opening and unlists it before closing, and the main thread
 * closes whatever is still listed once the worker is gone.
 */
import { closeSync } from 'node:fs';

/** Worker side: records `fd` as open or closed. */
export function trackHostFd(slots: Int32Array, fd: number, open: boolean): void {
  const at = slots.indexOf(open ? 0 : fd);
  if (at >= 0) Atomics.store(slots, at, open ? fd : 0);
}

/** Main side, after the worker has exited: closes every descriptor it left open. */
export function closeLeakedFds(slots: Int32Array): number {
  let closed = 0;
  for (let i = 0; i < slots.length; i++) {
    const fd = Atomics.exchange(slots, i, 0);
    if (fd <= 0) continue;
    try {
      closeSync(fd);
      closed++;
    } catch {
      // Already closed: nothing to do.
    }
  }
  return closed;
}
