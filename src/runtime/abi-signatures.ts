/**
 * The signatures of every function Warden provides under a fixed name: the Extism ABI
 * (`extism:host/env`) and WASI preview 1. A module that imports one of them with another signature
 * is refused when it is linked, with a message that names it, instead of failing mid-call.
 * Notation: `params:results`, with i = i32 and I = i64.
 */
import type { FuncType, ValType } from './wasm/module-info.js';

/**
 * The version of what Warden's host offers a module: the host functions, their signatures and how
 * modules are prepared for them. Bump it whenever any of those change; caches of prepared modules
 * are keyed by it.
 */
export const HOST_ABI_VERSION = 1;

export const EXTISM_ENV_SIGNATURES: Readonly<Record<string, string>> = {
  alloc: 'I:I', free: 'I:', length: 'I:I', length_unsafe: 'I:I', load_u8: 'I:i', load_u64: 'I:I',
  store_u8: 'Ii:', store_u64: 'II:', input_offset: ':I', input_length: ':I', input_load_u8: 'I:i',
  input_load_u64: 'I:I', output_set: 'II:', error_set: 'I:', error_get: ':I', config_get: 'I:I',
  var_get: 'I:I', var_set: 'II:', http_request: 'II:I', http_status_code: ':i', http_headers: ':I',
  log_trace: 'I:', log_debug: 'I:', log_info: 'I:', log_warn: 'I:', log_error: 'I:', get_log_level: ':i',
};

export const WASI_SIGNATURES: Readonly<Record<string, string>> = {
  args_get: 'ii:i', args_sizes_get: 'ii:i', environ_get: 'ii:i', environ_sizes_get: 'ii:i',
  clock_res_get: 'ii:i', clock_time_get: 'iIi:i', fd_advise: 'iIIi:i', fd_allocate: 'iII:i',
  fd_close: 'i:i', fd_datasync: 'i:i', fd_fdstat_get: 'ii:i', fd_fdstat_set_flags: 'ii:i',
  fd_fdstat_set_rights: 'iII:i', fd_filestat_get: 'ii:i', fd_filestat_set_size: 'iI:i',
  fd_filestat_set_times: 'iIIi:i', fd_pread: 'iiiIi:i', fd_prestat_get: 'ii:i',
  fd_prestat_dir_name: 'iii:i', fd_pwrite: 'iiiIi:i', fd_read: 'iiii:i', fd_readdir: 'iiiIi:i',
  fd_renumber: 'ii:i', fd_seek: 'iIii:i', fd_sync: 'i:i', fd_tell: 'ii:i', fd_write: 'iiii:i',
  path_create_directory: 'iii:i', path_filestat_get: 'iiiii:i', path_filestat_set_times: 'iiiiIIi:i',
  path_link: 'iiiiiii:i', path_open: 'iiiiiIIii:i', path_readlink: 'iiiiii:i',
  path_remove_directory: 'iii:i', path_rename: 'iiiiii:i', path_symlink: 'iiiii:i',
  path_unlink_file: 'iii:i', poll_oneoff: 'iiii:i', proc_exit: 'i:', proc_raise: 'i:i',
  random_get: 'ii:i', sched_yield: ':i', sock_accept: 'iii:i', sock_recv: 'iiiiii:i',
  sock_send: 'iiiii:i', sock_shutdown: 'ii:i',
};

const CODES: Partial<Record<ValType, string>> = { i32: 'i', i64: 'I', f32: 'f', f64: 'F' };

/** A function type in the notation above. */
export function notation(type: FuncType): string {
  const enc = (ts: ValType[]): string => ts.map((t) => CODES[t] ?? '?').join('');
  return `${enc(type.params)}:${enc(type.results)}`;
}

/** Why `type` does not match the expected signature, or undefined when it does. */
export function signatureMismatch(table: Readonly<Record<string, string>>, name: string, type: FuncType): string | undefined {
  const expected = Object.hasOwn(table, name) ? table[name] : undefined;
  if (expected === undefined) return 'no such function';
  const actual = notation(type);
  return actual === expected ? undefined : `imported as (${actual}) but it is (${expected}) (i = i32, I = i64, params:results)`;
}
