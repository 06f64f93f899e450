/** Timeout precision: time from a spinning call to its rejection, recovery after it, and another plugin served meanwhile. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runner, Runtime } from '../peers.js';
import { ECHO, EMPTY, errText, IN_16, SPIN, TableBuilder, text, withRunner } from '../harness.js';
import type { Table } from '../report.js';
import { TIMEOUT_GUARD_MS, TIMEOUT_MS, TIMEOUT_RUNS } from '../sample-counts.js';
import { fmtInt, fmtMs, GuardTimeout, median, withTimeout } from '../stats.js';
import type { WardenFigures } from '../targets.js';

/** The "Timeout precision" table; records Warden's rejections and largest overshoot. Raw wasm is not run, Extism in-thread only loaded. */
export async function timeouts(runtimes: Runtime[], warden: WardenFigures): Promise<Table> {
  const t = new TableBuilder(
    'Timeout precision',
    `Fixture \`spin\`, export \`spin\` (\`(loop br 0)\`), deadline ${TIMEOUT_MS} ms (Warden \`limits.timeoutMs\`, Extism \`timeoutMs\`), ${TIMEOUT_RUNS} runs. ` +
      `Time from the call to its rejection; after each run export \`ok\` is called (untimed in the rejection figures) to prove a fresh instance serves. ` +
      `A run that has not rejected after ${TIMEOUT_GUARD_MS / 1000} s ends the series. ` +
      `While Warden's plugin spins, a second Warden plugin (\`echo\`) is called every millisecond to show the host keeps serving.`,
    ['rejected / runs', 'time to rejection, median', 'time to rejection, max', `max overshoot over ${TIMEOUT_MS} ms`, 'error', 'next call (`ok`) after a timeout, median', 'other plugin during spins: calls, max latency'],
  );
  for (const rt of runtimes) {
    if (rt.id === 'raw') {
      t.set('rejected / runs', rt.id, 'n/a (no deadline: would hang the process)');
      continue;
    }
    if (rt.id === 'extism') {
      await t.run(rt.id, async () => {
        // Only loaded, never called: in-thread there is no way to stop the spin.
        try {
          const r = await rt.load(SPIN, { timeoutMs: TIMEOUT_MS });
          await r.close();
          t.set('rejected / runs', rt.id, 'n/a (accepted timeoutMs but has no in-thread timeout; not run)');
        } catch (e) {
          const msg = errText(e);
          t.set('rejected / runs', rt.id, msg.includes('runInWorker') ? 'n/a (createPlugin refuses timeoutMs in-thread)' : `n/a (load refused: ${msg.slice(0, 60)})`);
        }
      });
      continue;
    }
    await t.run(rt.id, async () => {
      let probe: { stop: () => Promise<{ calls: number; max: number }> } | undefined;
      let other: Runner | undefined;
      if (rt.id === 'warden') {
        other = await rt.load(ECHO);
        let stopped = false;
        let calls = 0;
        let max = 0;
        const loop = (async () => {
          while (!stopped) {
            const t0 = performance.now();
            await other!.call('echo', IN_16);
            max = Math.max(max, performance.now() - t0);
            calls++;
            await sleep(1);
          }
        })();
        probe = { stop: async () => { stopped = true; await loop; return { calls, max }; } };
      }
      try {
        await withRunner(rt, SPIN, { timeoutMs: TIMEOUT_MS, maxInstances: 1 }, async (r) => {
          if (text(await withTimeout(r.callBytes('ok', EMPTY), TIMEOUT_GUARD_MS, 'ok')) !== 'ok') throw new Error('ok did not return "ok"');
          const elapsed: number[] = [];
          const recover: number[] = [];
          const errors = new Set<string>();
          let runs = 0;
          for (let i = 0; i < TIMEOUT_RUNS; i++) {
            runs++;
            const t0 = performance.now();
            try {
              await withTimeout(r.callBytes('spin', EMPTY), TIMEOUT_GUARD_MS, 'spin');
              errors.add('resolved (no timeout!)');
            } catch (e) {
              if (e instanceof GuardTimeout) {
                errors.add(`no rejection after ${TIMEOUT_GUARD_MS / 1000} s`);
                break;
              }
              elapsed.push(performance.now() - t0);
              const code = (e as { code?: unknown }).code;
              errors.add(typeof code === 'string' ? code : errText(e).slice(0, 60));
            }
            const t1 = performance.now();
            const ok = text(await withTimeout(r.callBytes('ok', EMPTY), TIMEOUT_GUARD_MS, 'ok after timeout'));
            recover.push(performance.now() - t1);
            if (ok !== 'ok') throw new Error(`ok after a timeout returned ${JSON.stringify(ok)}`);
          }
          const maxElapsed = elapsed.length ? Math.max(...elapsed) : Number.NaN;
          t.set('rejected / runs', rt.id, `${elapsed.length} / ${runs}`);
          t.set('time to rejection, median', rt.id, elapsed.length ? fmtMs(median(elapsed)) : 'none');
          t.set('time to rejection, max', rt.id, elapsed.length ? fmtMs(maxElapsed) : 'none');
          t.set(`max overshoot over ${TIMEOUT_MS} ms`, rt.id, elapsed.length ? fmtMs(maxElapsed - TIMEOUT_MS) : 'none');
          t.set('error', rt.id, [...errors].join(', '));
          t.set('next call (`ok`) after a timeout, median', rt.id, recover.length ? fmtMs(median(recover)) : 'n/a');
          if (rt.id === 'warden') {
            warden.timeoutRuns = runs;
            warden.timeoutRejected = elapsed.length;
            warden.timeoutMaxOvershootMs = maxElapsed - TIMEOUT_MS;
          }
        });
      } finally {
        if (probe) {
          const p = await probe.stop();
          t.set('other plugin during spins: calls, max latency', rt.id, `${fmtInt(p.calls)}, ${fmtMs(p.max)}`);
        }
        await other?.close();
      }
    });
  }
  return t.build();
}
