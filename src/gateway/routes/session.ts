/**
 * Signing the web UI in and out: the admin token is traded for a session cookie.
 */
import type { Authenticator } from '../auth.js';
import { sessionIdOf } from '../auth.js';
import { readJsonObject } from '../body.js';
import type { Route } from '../router.js';
import { ApiError } from '../status.js';

export function sessionRoutes(auth: Authenticator): Route[] {
  return [
    {
      method: 'POST', path: '/api/session', body: 'json', auth: 'none',
      summary: 'Trade the admin token ({"token": "wdn_…"}) for an HttpOnly, SameSite=Strict session cookie.',
      handle: async ({ req }) => {
        const token = (await readJsonObject(req))['token'];
        if (typeof token !== 'string' || token.length > 512 || !auth.checkToken(token)) {
          throw new ApiError('UNAUTHENTICATED', 'the token is wrong', { 'www-authenticate': 'Bearer realm="warden"' });
        }
        return { body: { ok: true }, headers: { 'set-cookie': auth.cookie(await auth.openSession()) } };
      },
    },
    {
      method: 'DELETE', path: '/api/session', summary: 'Sign out: ends the session and clears the cookie.',
      handle: async ({ req }) => {
        const id = sessionIdOf(req);
        if (id !== undefined) await auth.closeSession(id);
        return { body: { ok: true }, headers: { 'set-cookie': auth.cookie('') } };
      },
    },
  ];
}
