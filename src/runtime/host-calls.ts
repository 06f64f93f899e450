/**
 * Serving a guest's host calls on the main thread while it blocks: the application's functions
 * and Warden's HTTP. Arguments and results cross as slots in the control block; byte values live
 * in the instance's kernel memory.
 */
import { WardenError } from '../errors.js';
import { HostCallContext, type CallInfo } from './host-call-context.js';
import { parseRequest, performRequest, type HttpPolicy } from './http/http-client.js';
import type { Kernel } from './kernel/kernel.js';
import type { UserFunction } from './link-plan.js';
import { clip } from './mailbox.js';
import { readSlot, writeSlot } from './slots.js';

/** What a host call needs from the instance it runs for. */
export interface HostCallScope {
  plugin: string;
  kernel: Kernel;
  slots: DataView;
  /** Aborted when the call's deadline passes or the instance dies. */
  signal: AbortSignal;
  call: CallInfo;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Runs an application host function with the guest's arguments and writes its results back. */
export async function serveUserFunction(scope: HostCallScope, user: UserFunction): Promise<void> {
  const args = user.type.params.map((t, i) => readSlot(scope.slots, i, t));
  const ctx = new HostCallContext(scope.kernel, scope.plugin, scope.signal, scope.call);
  let result: unknown;
  try {
    const r = user.fn(ctx, ...args);
    result = r instanceof Promise ? await r : r;
  } catch (e) {
    if (e instanceof WardenError) throw e;
    throw new WardenError('HOST_FUNCTION_ERROR', clip(`host function ${user.namespace}.${user.name} failed: ${(e as Error)?.message ?? String(e)}`), {
      data: { function: `${user.namespace}.${user.name}` }, cause: e,
    });
  } finally {
    ctx.end();
  }
  const values = user.type.results.length > 1 && Array.isArray(result) ? result : [result];
  user.type.results.forEach((t, i) => writeSlot(scope.slots, i, t, values[i] ?? 0));
}

/** Serves `http_request(request, body)`: slots in, (body, status, headers) slots out. */
export async function serveHttp(scope: HostCallScope, policy: HttpPolicy): Promise<void> {
  const { kernel, slots } = scope;
  const reqBytes = kernel.read(slots.getBigInt64(0, true));
  if (reqBytes === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'http_request: request handle is not an allocated block');
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(reqBytes));
  } catch {
    throw new WardenError('PLUGIN_ERROR', 'http_request: the request is not valid JSON');
  }
  const bodyHandle = slots.getBigInt64(8, true);
  const body = bodyHandle === 0n ? null : kernel.read(bodyHandle);
  const res = await performRequest(parseRequest(json), body, policy, scope.signal);
  const stored = kernel.store(res.body);
  if (stored === 0 && res.body.length > 0) {
    throw new WardenError('MEMORY_LIMIT', `http_request: a response of ${res.body.length} bytes does not fit in kernel memory; raise limits.kernelMemoryMaxBytes`);
  }
  slots.setBigInt64(0, BigInt(stored), true);
  slots.setInt32(8, res.status, true);
  slots.setBigInt64(16, BigInt(kernel.store(encoder.encode(JSON.stringify(res.headers)))), true);
}
