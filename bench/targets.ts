/**
 * The design targets of DESIGN.md, checked against the Warden figures the measurements record.
 */
import { MiB } from './peers.js';
import type { Target } from './report.js';
import { GROW_CAP_BYTES, HOSTFN_CALLS, TIMEOUT_MS } from './sample-counts.js';
import { fmtInt, fmtMiB, fmtMs, fmtUs, type LatencySummary } from './stats.js';

/** Warden's figures, filled in by the measurements as they run; a missing one is "not measured". */
export interface WardenFigures {
  echo16?: LatencySummary;
  echo64k?: LatencySummary;
  callsPerSecond?: number;
  callsPerSecondPool?: number;
  loadMedianMs?: number;
  loadBackToBackMs?: number;
  loadFreshHostMs?: number;
  hostFn?: LatencySummary;
  hostFnBaselineP50?: number;
  timeoutRuns?: number;
  timeoutRejected?: number;
  timeoutMaxOvershootMs?: number;
  growPages?: string;
  growRssDelta?: number;
  kvGetNormal?: LatencySummary;
  kvGetFull?: LatencySummary;
  kvBaselineP50?: number;
  httpPlugin?: LatencySummary;
  httpBare?: LatencySummary;
  mcpDirect?: LatencySummary;
  mcpInMemory?: LatencySummary;
  mcpHttp?: LatencySummary;
  restDirect?: LatencySummary;
  restCall?: LatencySummary;
  restCallsPerSecond?: number;
}

/** Each target with Warden's figure and whether it was met. */
export function targets(w: WardenFigures): Target[] {
  const out: Target[] = [];
  const add = (target: string, figure: string | undefined, met: boolean | undefined): void => {
    out.push({ target, figure: figure ?? 'not measured', met: figure === undefined || met === undefined ? null : met });
  };
  add('16-byte echo p50 ≤ 20 µs', w.echo16 && fmtUs(w.echo16.p50), w.echo16 && w.echo16.p50 <= 20);
  add('16-byte echo p99 ≤ 200 µs', w.echo16 && fmtUs(w.echo16.p99), w.echo16 && w.echo16.p99 <= 200);
  add('64 KiB echo p50 ≤ 250 µs', w.echo64k && fmtUs(w.echo64k.p50), w.echo64k && w.echo64k.p50 <= 250);
  add('≥ 40,000 calls/s, one plugin (one instance, sequential)', w.callsPerSecond === undefined ? undefined : `${fmtInt(w.callsPerSecond)} calls/s`, w.callsPerSecond !== undefined && w.callsPerSecond >= 40_000);
  add(
    'host-function round trip p50 ≤ 20 µs (whole call)',
    w.hostFn && `${fmtUs(w.hostFn.p50)} (host fn cost ≈ ${fmtUs(w.hostFn.p50 - (w.hostFnBaselineP50 ?? Number.NaN))})`,
    w.hostFn && w.hostFn.p50 <= 20,
  );
  add(
    `no host-function call over 10 ms in ${fmtInt(HOSTFN_CALLS)}`,
    w.hostFn && `${fmtInt(w.hostFn.over10ms)} over 10 ms in ${fmtInt(w.hostFn.samples)} (max ${fmtUs(w.hostFn.max)})`,
    w.hostFn && w.hostFn.over10ms === 0 && w.hostFn.samples === HOSTFN_CALLS,
  );
  add(
    'bytes to first call ≤ 50 ms (median of isolated loads)',
    w.loadMedianMs !== undefined ? `${fmtMs(w.loadMedianMs)} (back to back ${fmtMs(w.loadBackToBackMs ?? Number.NaN)}, fresh host ${fmtMs(w.loadFreshHostMs ?? Number.NaN)})` : undefined,
    w.loadMedianMs !== undefined && w.loadMedianMs <= 50,
  );
  add(
    `timeout within deadline + 50 ms (${TIMEOUT_MS} ms deadline)`,
    w.timeoutMaxOvershootMs !== undefined && w.timeoutRejected !== undefined ? `max overshoot ${fmtMs(w.timeoutMaxOvershootMs)}, ${w.timeoutRejected}/${w.timeoutRuns} rejected` : undefined,
    w.timeoutMaxOvershootMs !== undefined && w.timeoutMaxOvershootMs <= 50 && w.timeoutRejected === w.timeoutRuns,
  );
  add(
    `grow bomb: host RSS grows less than cap + 64 MiB (${fmtMiB(GROW_CAP_BYTES + 64 * MiB)}), stops at ${GROW_CAP_BYTES / 65536} pages`,
    w.growRssDelta !== undefined ? `RSS +${fmtMiB(w.growRssDelta)}, ${w.growPages} pages` : undefined,
    w.growRssDelta !== undefined && w.growRssDelta < GROW_CAP_BYTES + 64 * MiB && w.growPages === String(GROW_CAP_BYTES / 65536),
  );
  add(
    'KV get round trip from a plugin p50 ≤ 30 µs (whole call, durability normal)',
    w.kvGetNormal && `${fmtUs(w.kvGetNormal.p50)} (p99 ${fmtUs(w.kvGetNormal.p99)}; full ${fmtUs(w.kvGetFull?.p50 ?? Number.NaN)}; KV cost ≈ ${fmtUs(w.kvGetNormal.p50 - (w.kvBaselineP50 ?? Number.NaN))} over echo)`,
    w.kvGetNormal && w.kvGetNormal.p50 <= 30,
  );
  /** A target on what one path adds over another at p50: at most 1 ms. */
  const overhead = (target: string, label: string, base: string, cost?: LatencySummary, floor?: LatencySummary, note = ''): void =>
    add(target, cost && floor && `${fmtUs(cost.p50 - floor.p50)} (${label} ${fmtUs(cost.p50)}, ${base} ${fmtUs(floor.p50)}${note})`, cost && floor && cost.p50 - floor.p50 <= 1000);
  overhead('allow-list overhead on a loopback HTTP GET ≤ 1 ms (plugin p50 − bare fetch p50)', 'plugin', 'bare', w.httpPlugin, w.httpBare);
  overhead('MCP gateway adds ≤ 1 ms p50 to a tool call (tools/call in-memory p50 − warden.call p50)', 'in-memory', 'direct', w.mcpInMemory, w.mcpDirect,
    `; over HTTP +${fmtUs((w.mcpHttp?.p50 ?? Number.NaN) - (w.mcpDirect?.p50 ?? Number.NaN))}`);
  overhead('REST API adds ≤ 1 ms p50 to a tool call (REST p50 − warden.call p50)', 'REST', 'direct', w.restCall, w.restDirect);
  add(
    'REST API sustains ≥ 5,000 calls/s on an echo tool',
    w.restCallsPerSecond === undefined ? undefined : `${fmtInt(Math.round(w.restCallsPerSecond))} calls/s`,
    w.restCallsPerSecond !== undefined && w.restCallsPerSecond >= 5000,
  );
  return out;
}
