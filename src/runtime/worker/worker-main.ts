/**
 * Entry of an instance worker: the only place where plugin code runs. It builds one instance of
 * the plugin, then serves calls one at a time from the control block until the main thread
 * terminates it. It never returns to its event loop while alive: there is nothing to wait for
 * there, and staying in Atomics.wait is what makes a call cost microseconds.
 */
import { receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { SerializedError } from '../../errors.js';
import { Kernel, KERNEL_FAULTS } from '../kernel/kernel.js';
import { clip, writeMailbox } from '../mailbox.js';
import { appendLog } from '../log-buffer.js';
import { BuiltinCall, Ctl, Outcome, ToMain, ToWorker, type CallReport, type WorkerInit } from '../protocol.js';
import { CallState, HostAbort } from './call-state.js';
import { WorkerChannel } from './channel.js';
import { createEnvImports } from './env-imports.js';
import { instantiateAll } from './link.js';
import { createWasiImports, WasiExit } from './wasi.js';
import type { WorkerBootData } from '../worker-thread.js';

/** Tells the main thread this worker is up, then sleeps until a plugin is sent to it. */
function awaitPlugin(): WorkerInit {
  channel.signal(ToMain.Booted);
  channel.waitFor(ToWorker.Init);
  // postMessage has queued the plugin before the main thread flipped Init; the retry only
  // guards against a slow hand-off between threads.
  for (let i = 0; i < 5000; i++) {
    const msg = receiveMessageOnPort(boot.port);
    if (msg) return msg.message as WorkerInit;
    Atomics.wait(channel.ctl, Ctl.ToWorker, ToWorker.Idle, 1);
  }
  throw new Error('no plugin arrived after Init');
}

const boot = workerData as WorkerBootData;
const channel = new WorkerChannel(boot.control, boot.doorbell);
const init = awaitPlugin();
channel.spinMicros = init.spinMicros;
const kernel = new Kernel(init.kernelModule, init.kernelMemory);
const state = new CallState(init.maxLogBytesPerCall, (level, message) => {
  // A full log region is drained by the main thread before this line goes in.
  if (!appendLog(boot.control, level, message)) {
    channel.hostCall(BuiltinCall.Logs);
    appendLog(boot.control, level, message);
  }
});
const utf8 = new TextDecoder();

const env = createEnvImports({
  kernel, channel, state, config: new Map(init.config), maxVarBytes: init.maxVarBytes,
});
const wasiConfig = init.wasi;
const wasi = wasiConfig === null ? null : (memory: () => WebAssembly.Memory) =>
  createWasiImports(
    { args: wasiConfig.args, env: Object.fromEntries(wasiConfig.env), dir: wasiConfig.dir, clockGranularityMs: wasiConfig.clockGranularityMs },
    {
      stdout: (b) => state.log('info', utf8.decode(b), b.length),
      stderr: (b) => state.log('warn', utf8.decode(b), b.length),
    },
    memory,
  );

/** Turns whatever stopped the guest into a serialized error. */
function classify(e: unknown): SerializedError {
  if (e instanceof HostAbort && state.failure) return state.failure;
  if (e instanceof WasiExit) {
    return { code: 'PLUGIN_EXIT', message: `plugin exited with code ${e.code}`, data: { exitCode: e.code } };
  }
  if (e instanceof RangeError && /call stack/i.test(e.message)) {
    return { code: 'STACK_OVERFLOW', message: 'plugin exceeded the stack limit (infinite recursion?)', data: {} };
  }
  const fault = kernel.exports.warden_fault();
  if (fault !== 0 && kernel.exports.warden_alloc_failed() !== 0) {
    // The usual story: alloc returned 0 because the kernel memory was full, and the guest used it.
    return {
      code: 'MEMORY_LIMIT',
      message: `plugin ran out of kernel memory (an alloc failed, then it ${KERNEL_FAULTS[fault]}); raise limits.kernelMemoryMaxBytes`,
      data: { limit: 'kernelMemoryMaxBytes' },
    };
  }
  if (fault !== 0) {
    const arg = kernel.exports.warden_fault_arg();
    return { code: 'INVALID_MEMORY_ACCESS', message: `plugin called ${KERNEL_FAULTS[fault]} (argument ${arg})`, data: { fault } };
  }
  if (e instanceof WebAssembly.RuntimeError) {
    return { code: 'TRAP', message: `plugin trapped: ${clip(e.message, 512)}`, data: {} };
  }
  if (e instanceof RangeError && /memory/i.test(e.message)) {
    return { code: 'MEMORY_LIMIT', message: `plugin ran out of memory: ${clip(e.message, 512)}`, data: {} };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { code: 'TRAP', message: `plugin failed: ${clip(message, 512)}`, data: {} };
}

function report(outcome: Outcome, error?: SerializedError): void {
  state.finish();
  if (error) writeMailbox(boot.control, { error } satisfies CallReport);
  else channel.ctl[Ctl.MailboxLength] = 0;
  channel.ctl[Ctl.Outcome] = outcome;
  channel.signal(ToMain.Done);
}

function serve(entry: WebAssembly.Instance): never {
  for (;;) {
    channel.waitFor(ToWorker.Call);
    state.reset();
    const fn = entry.exports[init.exports[channel.ctl[Ctl.Export]!]!] as () => unknown;
    let error: SerializedError | undefined;
    let outcome = Outcome.Ok;
    channel.ctl[Ctl.ReturnCode] = 0;
    try {
      const rc = fn();
      if (typeof rc === 'number') channel.ctl[Ctl.ReturnCode] = rc;
    } catch (e) {
      // proc_exit(0) is a normal end (Go and TinyGo programs end that way), but it unwound the
      // guest's stack, so this instance is not used again.
      if (e instanceof WasiExit && e.code === 0 && !state.failure) outcome = Outcome.Retire;
      else error = classify(e);
    }
    // A guest that caught a host abort and returned normally still failed.
    error ??= state.failure ?? undefined;
    if (error) report(Outcome.Failed, error);
    else report(outcome);
  }
}

function start(): WebAssembly.Instance | undefined {
  try {
    const instances = instantiateAll(init.modules, { kernel: kernel.exports, env, wasi, channel, state });
    return instances.get(init.entry);
  } catch (e) {
    report(Outcome.Failed, state.failure ?? classify(e));
    return undefined;
  }
}

// Start-up reports through the same Done signal as a call; the main thread is waiting for it.
const entry = start();
if (entry) {
  report(Outcome.Ok);
  serve(entry);
}
