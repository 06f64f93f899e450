/**
 * The fixture plugins built by `scripts/build-wasm.mjs` into `dist/fixtures/` (see
 * test/fixtures/README.md). This file compiles to dist/test/helpers/, two levels below dist/.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** URL of `dist/fixtures/<name>.wasm`. */
export function fixtureUrl(name: string): URL {
  return new URL(`../../fixtures/${name}.wasm`, import.meta.url);
}

/** File path of `dist/fixtures/<name>.wasm`. */
export function fixturePath(name: string): string {
  return fileURLToPath(fixtureUrl(name));
}

const cache = new Map<string, Uint8Array>();

/** The bytes of `dist/fixtures/<name>.wasm` (a fresh copy each time, so callers may mutate it). */
export function fixture(name: string): Uint8Array {
  let bytes = cache.get(name);
  if (!bytes) {
    try {
      bytes = new Uint8Array(readFileSync(fixtureUrl(name)));
    } catch (e) {
      throw new Error(`fixture ${name}.wasm is missing: run \`npm run build\` first (${(e as Error).message})`);
    }
    cache.set(name, bytes);
  }
  return bytes.slice();
}
