/**
 * Warden's own version, read once from its package.json (two levels above this file in `dist/src/`
 * and in the published package alike). Caches keyed by it are never reused across versions.
 */
import { readFileSync } from 'node:fs';

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof pkg.version === 'string' && pkg.version !== '') return pkg.version;
  } catch {
    // Fall through: a copy without its package.json still runs.
  }
  return '0.0.0-unknown';
}

/** Warden's version, such as `0.1.0` (`0.0.0-unknown` when package.json cannot be read). */
export const WARDEN_VERSION: string = readVersion();
