/**
 * Server-sent events: the Warden's `plugin`, `tools-changed` and `denied` events as they happen,
 * with a comment line as heartbeat so proxies and browsers keep the stream open. A stream opened
 * with the session cookie ends with its session: before each event and heartbeat the session is
 * checked, so nothing is sent after a sign-out (in any tab) or an expiry.
 */
import type { ServerResponse } from 'node:http';
import type { Authenticator } from '../auth.js';
import type { Route } from '../router.js';

/** How long a browser waits before reconnecting a dropped stream, in ms (sent as `retry:`). */
export const RECONNECT_MS = 5_000;

/** Open event streams, so the gateway can end them when it closes. */
export type EventStreams = Set<ServerResponse>;

/** The events route; `heartbeatMs` is the interval of the keep-alive comments. */
export function eventRoutes(auth: Authenticator, streams: EventStreams, heartbeatMs: number): Route[] {
  return [
    {
      method: 'GET', path: '/api/events', summary: 'Server-sent events: plugin, tools-changed, denied (with heartbeats).',
      handle: async ({ warden, res, req }) => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        // Writes go through one queue, each after a check of the session, so they keep their order.
        let queue = Promise.resolve();
        const write = (text: string): void => {
          queue = queue.then(async () => {
            if (res.writableEnded) return;
            if (await auth.stillValid(req).catch(() => false)) res.write(text);
            else res.end();
          });
        };
        const send = (event: string, data: unknown): void => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
        const stops = [
          warden.on('plugin', (e) => send('plugin', e)),
          warden.on('tools-changed', () => send('tools-changed', { tools: warden.tools().length })),
          warden.on('denied', (e) => send('denied', e)),
        ];
        const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
        heartbeat.unref();
        streams.add(res);
        const end = (): void => {
          clearInterval(heartbeat);
          for (const stop of stops) stop();
          streams.delete(res);
        };
        req.once('close', end);
        res.once('close', end);
        return undefined;
      },
    },
  ];
}
