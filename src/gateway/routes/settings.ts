/**
 * What the operator sets on an installed plugin: config values (checked against the keys and
 * types its manifest declares, all before any is written) and grants.
 */
import type { Manifest } from '../../manifest/index.js';
import { readJsonObject, stringList } from '../body.js';
import type { Route } from '../router.js';
import { ApiError } from '../status.js';
import { pluginIdParam } from './params.js';

/** Checks every entry of a config patch against the declared keys; a value of null unsets its key. */
function checkPatch(id: string, declared: Manifest['config'], patch: Record<string, unknown>): [string, string | number | boolean | null][] {
  return Object.entries(patch).map(([key, value]) => {
    const entry = Object.hasOwn(declared, key) ? declared[key] : undefined;
    if (!entry) throw new ApiError('INVALID_ARGUMENT', `plugin ${id} declares no config key "${key.slice(0, 80)}" (its keys: ${Object.keys(declared).join(', ') || 'none'})`);
    if (value !== null && (typeof value !== entry.type || (typeof value === 'number' && !Number.isFinite(value)))) {
      throw new ApiError('INVALID_ARGUMENT', `config "${key}" of ${id} is a ${entry.type}; got ${value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 80)}`);
    }
    return [key, value as string | number | boolean | null];
  });
}

export const settingsRoutes: Route[] = [
  {
    method: 'PATCH', path: '/api/plugins/:id/config', body: 'json',
    summary: 'Set config values ({"key": value}) or unset them ({"key": null}); answers the values now set.',
    handle: async ({ warden, params, req }) => {
      const id = pluginIdParam(params);
      const patch = await readJsonObject(req);
      const { record } = await warden.info(id);
      for (const [key, value] of checkPatch(id, (record.manifest as Manifest).config ?? {}, patch)) {
        if (value === null) await warden.unsetConfig(id, key);
        else await warden.setConfig(id, key, value);
      }
      return { body: { id, config: await warden.store.config.all(id) } };
    },
  },
  {
    method: 'POST', path: '/api/plugins/:id/grants', body: 'json',
    summary: 'Grant capabilities ({"grants": ["storage:kv"]}); answers the grants now held.',
    handle: async ({ warden, params, req }) => {
      const id = pluginIdParam(params);
      const grants = stringList(await readJsonObject(req), 'grants');
      return { body: { id, granted: await warden.grant(id, grants) } };
    },
  },
  {
    method: 'DELETE', path: '/api/plugins/:id/grants', body: 'json',
    summary: 'Revoke capabilities ({"grants": [...]}); answers how many were held and the grants left.',
    handle: async ({ warden, params, req }) => {
      const id = pluginIdParam(params);
      const grants = stringList(await readJsonObject(req), 'grants');
      const revoked = await warden.revoke(id, grants);
      return { body: { id, revoked, granted: (await warden.info(id)).granted } };
    },
  },
];
