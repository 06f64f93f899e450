// The Extism kernel and runtime functions (`extism:host/env`), all of them: the SDK is built on
// these, and Warden's AssemblyScript test fixtures import them from here too. Handles, offsets
// and lengths are u64 (wasm i64); handle 0 means "none"; load_u8 / input_load_u8 /
// http_status_code / get_log_level return i32 and store_u8 takes an i32 byte. A declaration
// becomes an import only when code calls it. Plugins use the SDK's typed functions instead.

@external("extism:host/env", "alloc")
export declare function alloc(n: u64): u64;
@external("extism:host/env", "free")
export declare function free(h: u64): void;
@external("extism:host/env", "length")
export declare function length(h: u64): u64;
@external("extism:host/env", "length_unsafe")
export declare function length_unsafe(h: u64): u64;

@external("extism:host/env", "load_u8")
export declare function load_u8(h: u64): u32;
@external("extism:host/env", "load_u64")
export declare function load_u64(h: u64): u64;
@external("extism:host/env", "store_u8")
export declare function store_u8(h: u64, v: u32): void;
@external("extism:host/env", "store_u64")
export declare function store_u64(h: u64, v: u64): void;

@external("extism:host/env", "input_offset")
export declare function input_offset(): u64;
@external("extism:host/env", "input_length")
export declare function input_length(): u64;
@external("extism:host/env", "input_load_u8")
export declare function input_load_u8(offset: u64): u32;
@external("extism:host/env", "input_load_u64")
export declare function input_load_u64(offset: u64): u64;

@external("extism:host/env", "output_set")
export declare function output_set(h: u64, n: u64): void;
@external("extism:host/env", "error_set")
export declare function error_set(h: u64): void;
@external("extism:host/env", "error_get")
export declare function error_get(): u64;

@external("extism:host/env", "config_get")
export declare function config_get(key: u64): u64;
@external("extism:host/env", "var_get")
export declare function var_get(key: u64): u64;
@external("extism:host/env", "var_set")
export declare function var_set(key: u64, value: u64): void;

@external("extism:host/env", "http_request")
export declare function http_request(req: u64, body: u64): u64;
@external("extism:host/env", "http_status_code")
export declare function http_status_code(): i32;
@external("extism:host/env", "http_headers")
export declare function http_headers(): u64;

@external("extism:host/env", "log_trace")
export declare function log_trace(h: u64): void;
@external("extism:host/env", "log_debug")
export declare function log_debug(h: u64): void;
@external("extism:host/env", "log_info")
export declare function log_info(h: u64): void;
@external("extism:host/env", "log_warn")
export declare function log_warn(h: u64): void;
@external("extism:host/env", "log_error")
export declare function log_error(h: u64): void;
@external("extism:host/env", "get_log_level")
export declare function get_log_level(): i32;
