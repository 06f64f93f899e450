/**
 * Server-sent events: the Warden's `plugin`, `tools-changed` and `denied` events as they happen,
 * with a comment line as heartbeat so proxies and browsers keep the stream open.
 */
import type { ServerResponse } from 'node:http';
import type { Route } from '../router.js';

/** Open event streams, so the gateway can end them when it closes. */
export type EventStreams = Set<ServerResponse>;

/** The events route; `heartbeatMs` is the interval of the keep-alive comments. */
export function eventRoutes(streams: EventStreams, heartbeatMs: number): Route[] {
  return [
    {
      method: 'GET', path: '/api/events', summary: 'Server-sent events: plugin, tools-changed, denied (with heartbeats).',
      handle: async ({ warden, res, req }) => {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
        const send = (event: string, data: unknown): void => {
          res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        res.write(': connected\n\n');
        const stops = [
          warden.on('plugin', (e) => send('plugin', e)),
          warden.on('tools-changed', () => send('tools-changed', { tools: warden.tools().length })),
          warden.on('denied', (e) => send('denied', e)),
        ];
        const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), heartbeatMs);
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
