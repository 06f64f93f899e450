/**
 * The whole route table of the REST API, in one list: the server dispatches on it and the
 * OpenAPI document is derived from it.
 */
import type { Authenticator } from '../auth.js';
import { openApiDocument } from '../openapi.js';
import type { Route } from '../router.js';
import type { PackageStages } from '../stages.js';
import { auditRoutes } from './audit.js';
import { doctorRoutes } from './doctor.js';
import { eventRoutes, type EventStreams } from './events.js';
import { installRoutes } from './install.js';
import { pluginRoutes } from './plugins.js';
import { sessionRoutes } from './session.js';
import { settingsRoutes } from './settings.js';
import { toolRoutes } from './tools.js';

/** What the routes need from the server. */
export interface RouteDeps {
  auth: Authenticator;
  streams: EventStreams;
  heartbeatMs: number;
  /** Where inspected packages wait for their install. */
  stages: PackageStages;
}

/** Every API route, the OpenAPI document's included. */
export function apiRoutes(deps: RouteDeps): Route[] {
  const routes: Route[] = [
    ...sessionRoutes(deps.auth),
    ...pluginRoutes,
    ...installRoutes(deps.stages),
    ...settingsRoutes,
    ...toolRoutes,
    ...auditRoutes,
    ...doctorRoutes,
    ...eventRoutes(deps.auth, deps.streams, deps.heartbeatMs),
  ];
  let document: Record<string, unknown> | undefined;
  routes.push({
    method: 'GET', path: '/api/openapi.json', auth: 'none', summary: 'This API as an OpenAPI 3.1 document.',
    handle: async () => ({ body: (document ??= openApiDocument(routes)) }),
  });
  return routes;
}
