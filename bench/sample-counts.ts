/**
 * How much `npm run bench` measures: sample counts, pauses, deadlines and caps of every
 * measurement, in one place so the run time and the precision are tuned together.
 */
import { MiB } from './peers.js';

/**
 * Pause after each load before warming up. Warden boots a spare worker in the background when a
 * load takes one; on 2 cores that boot (~35–75 ms) would otherwise overlap the first samples.
 */
export const SETTLE_MS = 250;
/** Warm-up calls before each 16-byte latency and throughput run. */
export const WARMUP_CALLS = 2_000;
/** Warm-up calls before the 64 KiB latency run. */
export const WARMUP_CALLS_64K = 500;
export const SAMPLES_16B = 20_000;
export const SAMPLES_64K = 3_000;
/** Extism's worker mode is slow (~170 µs / ~1.7 ms per call): fewer samples. */
export const EXTISM_WORKER_WARMUP_CALLS = 500;
export const EXTISM_WORKER_SAMPLES_16B = 5_000;
export const EXTISM_WORKER_SAMPLES_64K = 1_000;
/** Wall-time cap of any one latency sample set; fewer samples are reported when it is hit. */
export const LATENCY_BUDGET_MS = 20_000;
/** Sequential calls for calls/s (the pool of two splits them over two callers). */
export const THROUGHPUT_CALLS = 10_000;
/** Loads for the bytes-to-first-call figure, and the pause between loads in the "isolated" series. */
export const LOAD_RUNS = 20;
export const LOAD_GAP_MS = 200;
/** Host-function round trips (c_kitchen `host_add`) and the baseline calls without one. */
export const HOSTFN_CALLS = 100_000;
export const HOSTFN_WARMUP_CALLS = 2_000;
export const HOSTFN_BASELINE_CALLS = 20_000;
/** Extism's worker-mode async host functions stall in 500 ms steps: cap the run. */
export const EXTISM_WORKER_HOSTFN_MAX_CALLS = 200;
export const EXTISM_WORKER_HOSTFN_MAX_MS = 30_000;
/** Plugins loaded for RSS per plugin. */
export const RSS_PLUGINS = 20;
/** Timeout precision: deadline, runs, and how long to wait for a rejection that never comes. */
export const TIMEOUT_MS = 100;
export const TIMEOUT_RUNS = 10;
export const TIMEOUT_GUARD_MS = 5_000;
/** Memory-grow bomb cap. */
export const GROW_CAP_BYTES = 64 * MiB;
/** How long a grow call may run before it counts as "cap not held" (Warden needs well under 1 s). */
export const GROW_GUARD_MS = 10_000;
/** KV get round trip (cap_kv `kv_get` over a SQLite store), per durability, and its echo baseline. */
export const KV_GET_CALLS = 20_000;
export const KV_GET_WARMUP_CALLS = 2_000;
/** HTTP allow-list overhead: requests to a loopback server, from a plugin and with a bare fetch, each. */
export const HTTP_REQUESTS = 2_000;
export const HTTP_WARMUP_REQUESTS = 200;
/** The plugin and bare series alternate in blocks of this many requests, so drift hits both alike. */
export const HTTP_BLOCK = 250;
/** Start-up with plugins installed: how many, and the rounds (cold and warm) whose median is shown. */
export const STARTUP_CACHE_MODULES = 50;
export const STARTUP_CACHE_ROUNDS = 3;
/** MCP tools/call against a direct call: timed calls per series, warm-up, and the block the three series alternate in. */
export const MCP_CALLS = 5_000;
export const MCP_WARMUP_CALLS = 500;
export const MCP_BLOCK = 500;

/** REST tool calls: sequential calls per series, calls in flight, and the autocannon runs (a warm-up, then timed runs of which the median counts). */
export const REST_CALLS = 3_000;
export const REST_CONCURRENCY = 16;
export const REST_THROUGHPUT_SECONDS = 4;
export const REST_THROUGHPUT_RUNS = 3;
