// Warden's host functions (`extism:host/user`), ABI version 1 (docs/abi.md). Arguments and
// results are kernel handles; 0 means "none". A function is imported only when the plugin uses
// it, and the install scan refuses an import whose capability the manifest does not declare.

@external("extism:host/user", "warden_kv_get")
export declare function warden_kv_get(key: u64): u64;
@external("extism:host/user", "warden_kv_set")
export declare function warden_kv_set(key: u64, value: u64): void;
@external("extism:host/user", "warden_kv_delete")
export declare function warden_kv_delete(key: u64): void;
@external("extism:host/user", "warden_kv_list")
export declare function warden_kv_list(prefix: u64): u64;
@external("extism:host/user", "warden_vault_get")
export declare function warden_vault_get(name: u64): u64;
@external("extism:host/user", "warden_tool_call")
export declare function warden_tool_call(name: u64, input: u64): u64;
@external("extism:host/user", "warden_cli_run")
export declare function warden_cli_run(request: u64): u64;
@external("extism:host/user", "warden_context_get")
export declare function warden_context_get(): u64;
@external("extism:host/user", "warden_memory_search")
export declare function warden_memory_search(query: u64): u64;
@external("extism:host/user", "warden_channel_send")
export declare function warden_channel_send(channel: u64, message: u64): i32;
