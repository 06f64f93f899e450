/**
 * Host-call arguments and results cross the thread boundary as 8-byte slots in the control block,
 * written and read by their WebAssembly type. Both threads use these two functions.
 */
import type { ValType } from './wasm/module-info.js';

export type WasmValue = number | bigint;

export function writeSlot(slots: DataView, index: number, type: ValType, value: unknown): void {
  const at = index * 8;
  switch (type) {
    case 'i32': slots.setInt32(at, Number(value) | 0, true); break;
    case 'i64': slots.setBigInt64(at, BigInt.asIntN(64, BigInt(value as bigint | number)), true); break;
    case 'f32': slots.setFloat32(at, Number(value), true); break;
    case 'f64': slots.setFloat64(at, Number(value), true); break;
    default: throw new TypeError(`values of type ${type} cannot cross to a host function`);
  }
}

export function readSlot(slots: DataView, index: number, type: ValType): WasmValue {
  const at = index * 8;
  switch (type) {
    case 'i32': return slots.getInt32(at, true);
    case 'i64': return slots.getBigInt64(at, true);
    case 'f32': return slots.getFloat32(at, true);
    case 'f64': return slots.getFloat64(at, true);
    default: throw new TypeError(`values of type ${type} cannot cross to a host function`);
  }
}

/** The value types a host function may take or return. */
export const SLOT_TYPES: ReadonlySet<ValType> = new Set(['i32', 'i64', 'f32', 'f64']);
