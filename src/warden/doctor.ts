/**
 * `doctor`: for every installed plugin, pass / warn / fail on each thing that keeps it serving —
 * its files and hashes, whether it loads, whether its exports cover its tools, whether its grants
 * still mean something under the security level, its required config, and recent traps and
 * timeouts.
 */
import { effectiveCapabilities, grantStrings } from '../capabilities/grants.js';
import type { Manifest } from '../manifest/index.js';
import { pluginConfig, readInstalled } from './loader.js';
import type { Warden } from './warden.js';

export type CheckResult = 'pass' | 'warn' | 'fail';

/** One check of one plugin. */
export interface DoctorCheck {
  check: 'files' | 'loads' | 'exports' | 'grants' | 'config' | 'failures';
  result: CheckResult;
  message: string;
}

/** The checks of one plugin. */
export interface PluginDiagnosis {
  id: string;
  version: string;
  /** The worst result among its checks. */
  result: CheckResult;
  checks: DoctorCheck[];
}

/** Every plugin's diagnosis and the totals. */
export interface DoctorReport {
  plugins: PluginDiagnosis[];
  totals: { loaded: number; failed: number; disabled: number };
  /** True when any check failed. */
  failed: boolean;
}

/** How far back `doctor` looks for traps and timeouts. */
export const RECENT_FAILURES_MS = 24 * 3600 * 1000;

const worst = (checks: DoctorCheck[]): CheckResult => (checks.some((c) => c.result === 'fail') ? 'fail' : checks.some((c) => c.result === 'warn') ? 'warn' : 'pass');
const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

async function diagnose(warden: Warden, id: string): Promise<PluginDiagnosis & { loaded: boolean; enabled: boolean }> {
  const { record, granted } = await warden.info(id);
  const manifest = record.manifest as Manifest;
  const checks: DoctorCheck[] = [];
  const add = (check: DoctorCheck['check'], result: CheckResult, text: string) => checks.push({ check, result, message: text });

  let filesOk = false;
  try {
    await readInstalled(warden.options.pluginsDir, record);
    filesOk = true;
    add('files', 'pass', `${record.modules.length} module(s) present, sha256 matching`);
  } catch (e) {
    add('files', 'fail', message(e));
  }

  let loaded;
  if (!record.enabled) add('loads', 'warn', `disabled (enable with \`warden plugin enable ${id}\`)`);
  else if (filesOk) {
    try {
      loaded = await warden.ensureLoaded(id);
      add('loads', 'pass', 'loads');
    } catch (e) {
      add('loads', 'fail', message(e));
    }
  }

  if (loaded) {
    const missing = manifest.tools.filter((t) => !loaded.plugin.has(t.name)).map((t) => t.name);
    add('exports', missing.length ? 'fail' : 'pass', missing.length ? `tools not exported by the module: ${missing.join(', ')}` : `exports cover its ${manifest.tools.length} tool(s)`);
  }

  const policy = warden.options.policies?.[id];
  const all = [...granted, ...(policy?.permissions ?? [])];
  const requested = grantStrings(manifest.capabilities);
  const effective = grantStrings(effectiveCapabilities(manifest.capabilities, all, warden.options.securityLevel));
  const unrequested = all.filter((g) => !requested.includes(g));
  const capped = all.filter((g) => requested.includes(g) && !effective.includes(g));
  const grantNotes = [
    ...(unrequested.length ? [`granted but not requested (no effect): ${unrequested.join(', ')}`] : []),
    ...(capped.length ? [`removed by the ${warden.options.securityLevel} level: ${capped.join(', ')}`] : []),
  ];
  add('grants', grantNotes.length ? 'warn' : 'pass', grantNotes.join('; ') || 'every grant is requested and allowed by the level');

  try {
    pluginConfig(id, manifest, [{ kind: 'config', risk: 'low' }], { ...(await warden.store.config.all(id)), ...policy?.config });
    add('config', 'pass', 'required config present');
  } catch (e) {
    add('config', 'fail', message(e));
  }

  const failures = await warden.audit({ plugin: id, capability: 'runtime', since: Date.now() - RECENT_FAILURES_MS, limit: 5 });
  add('failures', failures.total ? 'warn' : 'pass', failures.total
    ? `${failures.total} trap(s)/timeout(s) in the last 24 h, latest: ${failures.records[0]?.detail}`
    : 'no traps or timeouts in the last 24 h');

  return { id, version: record.version, result: worst(checks), checks, loaded: loaded !== undefined, enabled: record.enabled };
}

/** Diagnoses every installed plugin (loading the enabled ones). */
export async function runDoctor(warden: Warden): Promise<DoctorReport> {
  const plugins = [];
  for (const p of await warden.list()) plugins.push(await diagnose(warden, p.id));
  return {
    plugins: plugins.map(({ loaded: _l, enabled: _e, ...d }) => d),
    totals: {
      loaded: plugins.filter((p) => p.loaded).length,
      failed: plugins.filter((p) => p.enabled && !p.loaded).length,
      disabled: plugins.filter((p) => !p.enabled).length,
    },
    failed: plugins.some((p) => p.result === 'fail'),
  };
}
