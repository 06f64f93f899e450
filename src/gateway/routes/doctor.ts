/**
 * `doctor` as JSON: pass / warn / fail per plugin and the totals.
 */
import { runDoctor } from '../../warden/doctor.js';
import type { Route } from '../router.js';

export const doctorRoutes: Route[] = [
  {
    method: 'GET', path: '/api/doctor', summary: 'Diagnose every installed plugin (files, loading, exports, grants, config, recent failures).',
    handle: async ({ warden }) => ({ body: await runDoctor(warden) }),
  },
];
