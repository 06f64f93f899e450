// Secrets the operator stored in the vault (capability `vault: [name]`). A name that was not
// granted and a granted name with no secret look the same: null. Never log or return a secret.
import * as host from "./host";
import { allocString, release, takeBytes, utf8 } from "./memory";

/** The secret `name` as bytes, or null. */
export function vaultGetBytes(name: string): Uint8Array | null {
  const n = allocString(name);
  const value = takeBytes(host.warden_vault_get(n));
  release(n);
  return value;
}

/** The secret `name` as UTF-8 text, or null. */
export function vaultGet(name: string): string | null {
  const value = vaultGetBytes(name);
  return value == null ? null : utf8(value);
}
