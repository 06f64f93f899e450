/**
 * Time-related WASI functions: clock_res_get, clock_time_get, poll_oneoff and sched_yield.
 * poll_oneoff sleeps synchronously for clock subscriptions (the worker thread is blocked in wasm
 * anyway) and reports fd subscriptions ready at once, since no descriptor here ever blocks.
 */
import { fstatSync } from 'node:fs';
import { EVENT_FD_READWRITE_HANGUP, EventType, Rights, Size, SUBSCRIPTION_CLOCK_ABSTIME } from './abi.js';
import { sleepNs } from './clocks.js';
import type { WasiContext, WasiFunctions } from './context.js';
import { Errno, fail, toErrno } from './errno.js';
import type { GuestView } from './memory.js';

/** Most subscriptions one poll_oneoff may pass. */
const MAX_SUBSCRIPTIONS = 4096;

interface Event {
  userdata: bigint;
  error: number;
  type: number;
  nbytes: bigint;
  flags: number;
}

interface ClockWait {
  userdata: bigint;
  /** In the host's elapsed-time frame (ns since the shim's creation). */
  deadline: bigint;
}

/** The time functions, bound to one guest's context. */
export function timeImports(ctx: WasiContext): WasiFunctions {
  return {
    clock_res_get(id: number, resultPtr: number): number {
      const v = ctx.view();
      v.setU64(resultPtr, ctx.clocks.resolution(id >>> 0));
      return Errno.SUCCESS;
    },

    clock_time_get(id: number, _precision: bigint, resultPtr: number): number {
      const v = ctx.view();
      v.setU64(resultPtr, ctx.clocks.now(id >>> 0));
      return Errno.SUCCESS;
    },

    sched_yield(): number {
      return Errno.SUCCESS;
    },

    poll_oneoff(inPtr: number, outPtr: number, count: number, neventsPtr: number): number {
      const v = ctx.view();
      const n = count >>> 0;
      // Each subscription costs host objects; a guest asking for millions is not polling.
      if (n === 0 || n > MAX_SUBSCRIPTIONS) fail(Errno.INVAL);
      v.check(inPtr, n * Size.SUBSCRIPTION);
      v.check(outPtr, n * Size.EVENT);
      v.check(neventsPtr, 4);

      const ready: Event[] = [];
      const waits: ClockWait[] = [];
      const now = ctx.clocks.elapsedNs();
      for (let i = 0; i < n; i++) {
        const sub = (inPtr >>> 0) + i * Size.SUBSCRIPTION;
        const userdata = v.u64At(sub);
        const tag = v.u8At(sub + 8);
        if (tag === EventType.CLOCK) {
          const id = v.u32At(sub + 16);
          const timeout = v.u64At(sub + 24);
          const flags = v.u16At(sub + 40);
          if (!ctx.clocks.has(id)) {
            ready.push({ userdata, error: Errno.INVAL, type: tag, nbytes: 0n, flags: 0 });
            continue;
          }
          const wait = (flags & SUBSCRIPTION_CLOCK_ABSTIME) !== 0 ? timeout - ctx.clocks.now(id) : timeout;
          waits.push({ userdata, deadline: now + (wait > 0n ? wait : 0n) });
        } else if (tag === EventType.FD_READ || tag === EventType.FD_WRITE) {
          ready.push(fdReadiness(ctx, userdata, tag, v.u32At(sub + 16)));
        } else {
          fail(Errno.INVAL);
        }
      }

      if (ready.length === 0 && waits.length > 0) {
        let earliest = waits[0]?.deadline ?? now;
        for (const w of waits) if (w.deadline < earliest) earliest = w.deadline;
        sleepNs(earliest - ctx.clocks.elapsedNs());
      }
      const after = ctx.clocks.elapsedNs();
      for (const w of waits) {
        if (w.deadline <= after) ready.push({ userdata: w.userdata, error: 0, type: EventType.CLOCK, nbytes: 0n, flags: 0 });
      }
      writeEvents(v, outPtr >>> 0, ready);
      v.setU32(neventsPtr, ready.length);
      return Errno.SUCCESS;
    },
  };
}

/** An fd subscription's event: nothing here blocks, so it is ready (or failed) right away. */
function fdReadiness(ctx: WasiContext, userdata: bigint, type: number, fd: number): Event {
  const event: Event = { userdata, error: 0, type, nbytes: 0n, flags: 0 };
  try {
    const entry = ctx.table.get(fd, Rights.POLL_FD_READWRITE);
    const reading = type === EventType.FD_READ;
    switch (entry.kind) {
      case 'stdin':
        if (!reading) fail(Errno.BADF);
        event.flags = EVENT_FD_READWRITE_HANGUP;
        break;
      case 'stdout':
      case 'stderr':
        if (reading) fail(Errno.BADF);
        break;
      case 'file':
        if (reading) {
          const left = fstatSync(entry.hostFd).size - entry.position;
          event.nbytes = BigInt(Math.max(0, left));
        }
        break;
      case 'dir':
        fail(Errno.BADF);
    }
  } catch (e) {
    event.error = toErrno(e);
  }
  return event;
}

function writeEvents(v: GuestView, outPtr: number, events: Event[]): void {
  events.forEach((e, i) => {
    const at = outPtr + i * Size.EVENT;
    v.zero(at, Size.EVENT);
    v.setU64(at, e.userdata);
    v.setU16(at + 8, e.error);
    v.setU8(at + 10, e.type);
    v.setU64(at + 16, e.nbytes);
    v.setU16(at + 24, e.flags);
  });
}
