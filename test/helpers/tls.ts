/**
 * A throw-away self-signed certificate for HTTPS test servers, made with the openssl CLI: valid
 * for `localhost`, 127.0.0.1 and ::1 for one day. Pass `cert` as the trusted CA to the client.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { TlsIdentity } from './http-server.js';

/** Generates a fresh EC key and self-signed certificate (about 20 ms). */
export function selfSignedIdentity(): TlsIdentity {
  const dir = mkdtempSync(join(os.tmpdir(), 'warden-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
