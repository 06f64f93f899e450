/**
 * The plugin routes that read or switch state: list, detail, enable, disable, remove.
 */
import { requestedGrants } from '../../capabilities/grants.js';
import type { Manifest } from '../../manifest/index.js';
import type { Warden } from '../../warden/warden.js';
import type { Route } from '../router.js';
import { boolQuery, pluginIdParam } from './params.js';

/** What enable and disable answer: the plugin's state after the change. */
async function stateOf(warden: Warden, id: string): Promise<Record<string, unknown>> {
  const { record: _record, ...summary } = await warden.info(id);
  return summary;
}

export const pluginRoutes: Route[] = [
  {
    method: 'GET', path: '/api/plugins', summary: 'Every installed plugin, sorted by id.',
    handle: async ({ warden }) => ({ body: { plugins: await warden.list() } }),
  },
  {
    method: 'GET', path: '/api/plugins/:id', summary: 'One plugin: state, record, requested capabilities with risk, grants, scan findings, signature, tools with parameter schemas, config, pending upgrade.',
    handle: async ({ warden, params }) => {
      const id = pluginIdParam(params);
      const info = await warden.info(id);
      const manifest = info.record.manifest as Manifest;
      return {
        body: {
          ...info,
          requested: requestedGrants(manifest.capabilities),
          ...(await warden.security(id)),
          toolSchemas: manifest.tools.map((t) => ({ name: t.name, description: t.description, parameters: t.parameters })),
          config: { declared: manifest.config, values: await warden.store.config.all(id) },
        },
      };
    },
  },
  {
    method: 'DELETE', path: '/api/plugins/:id', summary: 'Remove a plugin, its files, grants and config (and its KV data unless keepData=true).', query: ['keepData'],
    handle: async ({ warden, params, query }) => {
      const id = pluginIdParam(params);
      await warden.remove(id, { keepData: boolQuery(query, 'keepData', false) });
      return { body: { id, removed: true } };
    },
  },
  {
    method: 'POST', path: '/api/plugins/:id/enable', summary: 'Enable a plugin (accepts a pending upgrade).',
    handle: async ({ warden, params }) => {
      const id = pluginIdParam(params);
      await warden.enable(id);
      return { body: await stateOf(warden, id) };
    },
  },
  {
    method: 'POST', path: '/api/plugins/:id/disable', summary: 'Disable a plugin at once (calls in flight finish).',
    handle: async ({ warden, params }) => {
      const id = pluginIdParam(params);
      await warden.disable(id);
      return { body: await stateOf(warden, id) };
    },
  },
];
