/**
 * Plugin packages for tests: a directory with a `warden.yaml` beside a copy of a fixture module.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { fixture } from './fixture.js';

/** What {@link writePluginDir} writes. */
export interface PluginDirSpec {
  name: string;
  /** The fixture module (`dist/fixtures/<fixture>.wasm`). */
  fixture: string;
  /** Tool names (each described as "test tool"). */
  tools: string[];
  /** The manifest's `capabilities` list. */
  capabilities?: unknown[];
  version?: string;
  /** Other manifest fields (config, limits, ...). */
  extra?: Record<string, unknown>;
}

/** Writes a plugin directory under `root` and returns its path. */
export function writePluginDir(root: string, spec: PluginDirSpec): string {
  const dir = join(root, `${spec.name}-src-${spec.version ?? '0.1.0'}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'plugin.wasm'), fixture(spec.fixture));
  const manifest = {
    name: spec.name,
    version: spec.version ?? '0.1.0',
    description: `test plugin ${spec.name}`,
    wasm: 'plugin.wasm',
    tools: spec.tools.map((name) => ({ name, description: 'test tool' })),
    capabilities: spec.capabilities ?? [],
    ...spec.extra,
  };
  writeFileSync(join(dir, 'warden.yaml'), stringify(manifest));
  return dir;
}
