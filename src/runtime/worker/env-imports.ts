/**
 * The `extism:host/env` functions that are not kernel functions: config, vars, logging and the
 * HTTP relay. Config and vars live in the worker (they are per instance, as in Extism); HTTP and
 * log batches go to the main thread through the channel.
 */
import { Kernel, toAddress } from '../kernel/kernel.js';
import type { SerializedError } from '../../errors.js';
import { takeMailbox } from '../mailbox.js';
import { BuiltinCall, LOG_LEVELS, type LogLevel, Ctl } from '../protocol.js';
import { HostAbort, type CallState } from './call-state.js';
import type { WorkerChannel } from './channel.js';

export interface EnvContext {
  kernel: Kernel;
  channel: WorkerChannel;
  state: CallState;
  config: Map<string, string>;
  maxVarBytes: number;
}

const decoder = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

export function createEnvImports(ctx: EnvContext): Record<string, (...args: never[]) => unknown> {
  const { kernel, channel, state, config } = ctx;
  const vars = new Map<string, Uint8Array>();
  let varBytes = 0;

  const readText = (handle: bigint, what: string): string => {
    const bytes = kernel.read(handle);
    if (bytes === null) throw state.fail('INVALID_MEMORY_ACCESS', `${what}: handle ${handle} is not an allocated block`);
    try {
      return decoder.decode(bytes);
    } catch {
      throw state.fail('PLUGIN_ERROR', `${what}: the text is not valid UTF-8`);
    }
  };

  const store = (bytes: Uint8Array, what: string): bigint => {
    const p = kernel.store(bytes);
    if (p === 0 && bytes.length > 0) {
      throw state.fail('MEMORY_LIMIT', `${what}: kernel memory is full (${bytes.length} bytes needed)`);
    }
    return BigInt(p);
  };

  const log = (level: LogLevel) => (handle: bigint): void => {
    const threshold = channel.ctl[Ctl.LogLevel]!;
    if (LOG_LEVELS.indexOf(level) < threshold) return;
    // Past the budget, count the bytes without copying or decoding them: a flood stays cheap.
    const length = kernel.exports.warden_length(toAddress(handle));
    if (length >= 0 && !state.admit(length)) return;
    state.log(level, readText(handle, `log_${level}`), Math.max(length, 0));
  };

  return {
    config_get(handle: bigint): bigint {
      const value = config.get(readText(handle, 'config_get'));
      return value === undefined ? 0n : store(encoder.encode(value), 'config_get');
    },

    var_get(handle: bigint): bigint {
      const value = vars.get(readText(handle, 'var_get'));
      return value === undefined ? 0n : store(value, 'var_get');
    },

    var_set(keyHandle: bigint, valueHandle: bigint): void {
      const key = readText(keyHandle, 'var_set');
      const old = vars.get(key)?.length ?? 0;
      if (valueHandle === 0n) {
        vars.delete(key);
        varBytes -= old;
        return;
      }
      const value = kernel.read(valueHandle);
      if (value === null) throw state.fail('INVALID_MEMORY_ACCESS', `var_set: handle ${valueHandle} is not an allocated block`);
      const next = varBytes - old + value.length + (old === 0 ? key.length : 0);
      if (next > ctx.maxVarBytes) {
        throw state.fail('LIMIT_EXCEEDED', `var_set: vars would hold ${next} bytes, over the cap of ${ctx.maxVarBytes}`, {
          limit: 'maxVarBytes',
        });
      }
      vars.set(key, value);
      varBytes = next;
    },

    log_trace: log('trace'),
    log_debug: log('debug'),
    log_info: log('info'),
    log_warn: log('warn'),
    log_error: log('error'),

    get_log_level(): number {
      const level = channel.ctl[Ctl.LogLevel]!;
      return level >= LOG_LEVELS.length ? -1 : level;
    },

    http_request(request: bigint, body: bigint): bigint {
      if (toAddress(request) < 0) throw state.fail('INVALID_MEMORY_ACCESS', 'http_request: invalid request handle');
      channel.slots.setBigInt64(0, request, true);
      channel.slots.setBigInt64(8, body, true);
      if (channel.hostCall(BuiltinCall.Http)) throw hostFailure(channel, state);
      state.httpStatus = channel.slots.getInt32(8, true);
      state.httpHeaders = channel.slots.getBigInt64(16, true);
      return channel.slots.getBigInt64(0, true);
    },

    http_status_code(): number {
      return state.httpStatus;
    },

    http_headers(): bigint {
      return state.httpHeaders;
    },
  };
}

/** The main thread refused or failed a host call: record its error and unwind the guest. */
export function hostFailure(channel: WorkerChannel, state: CallState): HostAbort {
  const err = takeMailbox<SerializedError>(channel.control);
  if (err === undefined) return state.fail('HOST_FUNCTION_ERROR', 'host function failed');
  return state.fail(err.code, err.message, err.data);
}
