// The OpenAPI document stays in step with the route table, and every error code has a status.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ERROR_CODES } from '../../src/errors.js';
import { Authenticator } from '../../src/gateway/auth.js';
import { openApiPath } from '../../src/gateway/openapi.js';
import { RouteTable } from '../../src/gateway/router.js';
import { apiRoutes } from '../../src/gateway/routes/index.js';
import { PackageStages } from '../../src/gateway/stages.js';
import type { SessionStore } from '../../src/storage/index.js';
import { GATEWAY_CODES, STATUS_OF, errorResponse } from '../../src/gateway/status.js';
import { WardenError, type ErrorCode } from '../../src/errors.js';
import { startGateway, type TestGateway } from './client.js';

// Only listed, never handled: the authenticator's session store is never reached.
const routes = apiRoutes({ auth: new Authenticator(Buffer.alloc(32), {} as SessionStore), streams: new Set(), heartbeatMs: 1000, stages: new PackageStages('/nonexistent') });

let g: TestGateway;
before(async () => {
  g = await startGateway();
});

describe('status map', () => {
  it('maps every Warden error code and every gateway code to a 4xx or 5xx status', () => {
    for (const code of [...Object.keys(ERROR_CODES), ...Object.keys(GATEWAY_CODES)]) {
      const status = STATUS_OF[code as keyof typeof STATUS_OF];
      assert.ok(status !== undefined && status >= 400 && status < 600, code);
    }
    assert.deepEqual(Object.keys(STATUS_OF).sort(), [...Object.keys(ERROR_CODES), ...Object.keys(GATEWAY_CODES)].sort());
  });

  it('answers a WardenError with its status and code, anything else as a bare 500 INTERNAL', () => {
    for (const [code, status] of [['NOT_FOUND', 404], ['PERMISSION_DENIED', 403], ['BUSY', 503], ['TIMEOUT', 504], ['TRAP', 502], ['INSTALL_REFUSED', 422]] as const) {
      const r = errorResponse(new WardenError(code as ErrorCode, 'x'));
      assert.deepEqual([r.status, r.body.error.code, r.bug], [status, code, false]);
    }
    const bug = errorResponse(new TypeError('secret /home/path'));
    assert.deepEqual([bug.status, bug.body.error.code, bug.bug], [500, 'INTERNAL', true]);
    assert.doesNotMatch(JSON.stringify(bug.body), /secret|path|TypeError/);
  });
});

describe('openapi document', () => {
  it('documents every route, and every documented operation is routed', async () => {
    const r = await g.req('GET', '/api/openapi.json', { auth: false });
    assert.equal(r.status, 200);
    const doc = r.body;
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const routed = routes.map((route) => `${route.method} ${openApiPath(route.path)}`);
    assert.deepEqual(documented.sort(), routed.sort());
    for (const op of documented) {
      const [method, path] = op.split(' ') as [string, string];
      const concrete = path.replace(/\{[^}]+\}/g, 'x1');
      assert.equal(new RouteTable(routes).match(method, concrete).route.method, method, op);
    }
  });

  it('has the routes the API promises', () => {
    const have = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const want of [
      'GET /api/plugins', 'GET /api/plugins/:id', 'POST /api/plugins', 'POST /api/plugins/inspect', 'DELETE /api/plugins/:id',
      'POST /api/plugins/:id/enable', 'POST /api/plugins/:id/disable', 'PATCH /api/plugins/:id/config',
      'POST /api/plugins/:id/grants', 'DELETE /api/plugins/:id/grants', 'POST /api/plugins/:id/tools/:tool',
      'GET /api/doctor', 'GET /api/audit', 'GET /api/events', 'POST /api/session', 'GET /api/openapi.json',
    ]) assert.ok(have.has(want), want);
  });
});
