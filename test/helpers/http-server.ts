/**
 * A tiny HTTP server on 127.0.0.1 with an ephemeral port, for tests of the HTTP capability.
 * It records every request it receives and closes its open connections (stalled ones too) on close.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TestServer {
  readonly port: number;
  /** `127.0.0.1:<port>`, as an `allowedHosts` entry. */
  readonly hostPort: string;
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** `METHOD /path` of every request received, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/** Starts a server answering with `handler`; always `await server.close()` in `after`. */
export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    hostPort: `127.0.0.1:${port}`,
    origin: `http://127.0.0.1:${port}`,
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
