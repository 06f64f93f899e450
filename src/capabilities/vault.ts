/**
 * The `vault: [keys]` capability: a plugin reads the operator's secrets it was granted, by name.
 * For the plugin a forbidden name and a missing secret look the same (handle 0); the host's audit
 * log tells them apart. Secret values go to the guest's kernel memory and nowhere else: never
 * into an audit record, an error or a log line.
 */
import { WardenError } from '../errors.js';
import type { HostFunction } from '../runtime/host-call-context.js';
import type { VaultStore } from '../storage/driver.js';
import type { Gate } from './gate.js';
import { safeStoreError, tryGuestText } from './guest-values.js';

/** Options of {@link vaultFunctions}. */
export interface VaultFunctionsOptions {
  /** The plugin's gate. */
  gate: Gate;
  /** The state store's vault. */
  vault: VaultStore;
}

/** Names of the vault host functions in `extism:host/user`. */
export const VAULT_FUNCTIONS = ['warden_vault_get'] as const;

const NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * The vault host functions.
 *
 * - `warden_vault_get(name: i64) -> i64` — the secret's bytes, or 0 when the name is not granted
 *   to this plugin or holds no secret (indistinguishable on purpose). A locked vault rejects with
 *   `VAULT_LOCKED` for a granted name only.
 *
 * Every forbidden read is audited as a denial, every granted read as an allow.
 */
export function vaultFunctions({ gate, vault }: VaultFunctionsOptions): Record<(typeof VAULT_FUNCTIONS)[number], HostFunction> {
  return {
    async warden_vault_get(ctx, nameHandle) {
      const name = tryGuestText(ctx, nameHandle);
      const granted = name !== null && (gate.capability('vault')?.keys.includes(name) ?? false);
      const cap = await gate.check('vault', `vault get ${await shownName(name, granted, vault)}`, (c) => name !== null && c.keys.includes(name));
      if (name === null) throw new WardenError('INVALID_MEMORY_ACCESS', 'warden_vault_get: the name is not an allocated block');
      if (!cap) return 0n;
      const secret = await safeStoreError(() => vault.get(name));
      // A missing secret is a denial the operator should see; recording it also gives this path the
      // same store work as a forbidden name (one read, one audit write), so timing tells them apart less.
      if (secret === undefined) await gate.recordDenial('vault', `vault get ${JSON.stringify(name)}`, 'no such secret');
      return secret === undefined ? 0n : ctx.store(secret);
    },
  };
}

/**
 * What the audit record says about the name the guest asked for. A guest chooses that text, and
 * could pass a secret it read earlier: so only a name that is well-formed and either granted or
 * present in the vault (names are not secret) is written out; anything else is described.
 */
async function shownName(name: string | null, granted: boolean, vault: VaultStore): Promise<string> {
  if (name === null) return '(invalid handle)';
  if (!NAME.test(name)) return `(not a key name, ${name.length} characters)`;
  if (granted) return JSON.stringify(name);
  const known = await vault.list().then((names) => names.includes(name), () => false);
  return known ? JSON.stringify(name) : `(unknown name, ${name.length} characters)`;
}
