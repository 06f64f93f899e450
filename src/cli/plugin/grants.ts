/**
 * `warden plugin grant | revoke`: change what a plugin may do; a loaded plugin is swapped at once.
 */
import { isKnownPermission } from '../../config/schema.js';
import { STATE_OPTIONS, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { UsageError, out } from '../output.js';

function checkPermissions(perms: string[]): void {
  const bad = perms.filter((p) => !isKnownPermission(p));
  if (bad.length) throw new UsageError(`unknown permission ${bad.map((p) => `"${p}"`).join(', ')}: a permission is a capability kind, optionally with ":item" (storage:kv, network:api.example.com, vault:key, tool:plugin.tool)`);
}

export const grantCommand: Command = {
  name: 'plugin grant',
  args: '<id> <perm...>',
  summary: 'Grant capabilities the plugin requested (see `warden plugin info <id>`).',
  details: 'A grant for something the plugin did not request has no effect: privileges are always requested ∩ granted ∩ the security level.',
  positionals: { min: 2 },
  options: { ...STATE_OPTIONS },
  example: 'warden plugin grant hello-world storage:kv network:api.example.com',
  async run(args) {
    const [id, ...perms] = args.positionals as [string, ...string[]];
    checkPermissions(perms);
    return withWarden(args, async (warden) => {
      const granted = await warden.grant(id, perms);
      out(`${id} now holds: ${granted.join(', ') || '(nothing)'}`);
      return 0;
    });
  },
};

export const revokeCommand: Command = {
  name: 'plugin revoke',
  args: '<id> <perm...>',
  summary: 'Revoke granted capabilities; takes effect at once.',
  positionals: { min: 2 },
  options: { ...STATE_OPTIONS },
  example: 'warden plugin revoke hello-world network:api.example.com',
  async run(args) {
    const [id, ...perms] = args.positionals as [string, ...string[]];
    checkPermissions(perms);
    return withWarden(args, async (warden) => {
      const n = await warden.revoke(id, perms);
      out(`revoked ${n} grant${n === 1 ? '' : 's'} of ${id}`);
      return 0;
    });
  },
};
