/**
 * The OpenAPI 3.1 document of the REST API, derived from the route table so the two cannot
 * drift: every route is a documented operation and every documented path is a route.
 */
import { WARDEN_VERSION } from '../version.js';
import type { Route } from './router.js';
import { STATUS_OF } from './status.js';

/** `/api/plugins/:id` → `/api/plugins/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string', enum: Object.keys(STATUS_OF) }, message: { type: 'string' }, data: { type: 'object' } },
    },
  },
};

function requestBody(route: Route): Record<string, unknown> | undefined {
  if (route.body === 'json') return { required: route.method !== 'POST' || !route.path.includes('/tools/'), content: { 'application/json': { schema: {} } } };
  if (route.body === 'json-or-upload') {
    return {
      required: true,
      content: {
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
        'application/json': { schema: route.jsonSchema ?? { type: 'object' } },
      },
    };
  }
  return undefined;
}

function operation(route: Route): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = (route.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } }));
  const body = requestBody(route);
  const success = route.path === '/api/events'
    ? { description: 'an event stream', content: { 'text/event-stream': { schema: { type: 'string' } } } }
    : { description: 'success', content: { 'application/json': { schema: { type: 'object' } } } };
  return {
    summary: route.summary,
    operationId: `${route.method.toLowerCase()}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(route.auth === 'none' ? { security: [] } : {}),
    ...(pathParams.length + queryParams.length > 0 && { parameters: [...pathParams, ...queryParams] }),
    ...(body && { requestBody: body }),
    responses: { 200: success, default: { description: 'an error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } } },
  };
}

/** The OpenAPI document of `routes`. */
export function openApiDocument(routes: readonly Route[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation(route);
  return {
    openapi: '3.1.0',
    info: { title: 'Warden REST API', version: WARDEN_VERSION, description: 'Manage Warden plugins. See docs/rest.md for the security model.' },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the admin token printed by the first `warden serve`' },
        session: { type: 'apiKey', in: 'cookie', name: 'warden_session', description: 'from POST /api/session; state-changing calls also need X-Warden-Request: 1' },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
    paths,
  };
}
