/**
 * A tiny HTTP (or HTTPS) server on 127.0.0.1 with an ephemeral port, for tests of the HTTP
 * capability and of downloads. It records every request it receives and closes its open
 * connections (stalled ones too) on close.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  readonly port: number;
  /** `127.0.0.1:<port>`, as an `allowedHosts` entry. */
  readonly hostPort: string;
  /** `http://127.0.0.1:<port>` (`https://` with `tls`). */
  readonly origin: string;
  /** `METHOD /path` of every request received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** A certificate and its key (PEM) for an HTTPS test server. */
export interface TlsIdentity {
  key: string;
  cert: string;
}

/** Starts a server answering with `handler` (over TLS with `tls`); always `await server.close()` in `after`. */
export async function startServer(handler: Handler, tls?: TlsIdentity): Promise<TestServer> {
  const requests: string[] = [];
  const listener: Handler = (req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  };
  const server = tls ? createTlsServer(tls, listener) : createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Sends `body` with `status` and optional headers. */
export function reply(res: ServerResponse, status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain', ...headers });
  res.end(body);
}

/** Answers 200 with a chunked body that never ends: only a cap or a deadline stops the reader. */
export function endlessBody(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream' });
  const chunk = Buffer.alloc(64 * 1024, 's');
  const pump = (): void => { while (res.write(chunk)); };
  res.on('drain', pump);
  res.on('close', () => res.off('drain', pump));
  pump();
}
