/**
 * Shared pieces of the manifest tests: the example manifest and a helper that returns the
 * problems of a manifest that must be refused.
 */
import assert from 'node:assert/strict';
import { WardenError } from '../../src/errors.js';
import { parseManifest, type ManifestProblem, type ParseManifestOptions } from '../../src/manifest/index.js';

/** The example manifest of issue 3, plus the `wasm` entry a manifest file needs. */
export const EXAMPLE = `name: hello-world
version: 0.1.0
author: you@example.com
description: Example plugin
wasm:
  - path: hello.wasm
tools:
  - name: hello
    description: Say hello to someone
    parameters:
      name: { type: string, required: true }
capabilities:
  - network: ["api.example.com"]
  - storage: kv
  - vault: ["example_api_key"]
`;

/** A minimal valid manifest with `extra` appended (YAML lines at top level). */
export function minimal(extra = ''): string {
  return `name: p\nversion: 1.0.0\ndescription: d\nwasm: p.wasm\n${extra}`;
}

/** Parses `text`, which must be refused with MANIFEST_INVALID; returns its problems. */
export function refused(text: string, options?: ParseManifestOptions): ManifestProblem[] {
  try {
    parseManifest(text, 'test.yaml', options);
  } catch (e) {
    assert.ok(e instanceof WardenError, `expected a WardenError, got ${String(e)}`);
    assert.equal(e.code, 'MANIFEST_INVALID');
    const errors = e.data.errors as ManifestProblem[];
    assert.ok(Array.isArray(errors) && errors.length > 0);
    return errors;
  }
  return assert.fail('expected the manifest to be refused');
}

/** The paths of the problems of a refused manifest. */
export function refusedPaths(text: string, options?: ParseManifestOptions): string[] {
  return refused(text, options).map((p) => p.path);
}
