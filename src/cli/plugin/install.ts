/**
 * `warden plugin install` and `warden plugin audit`: the package is read and checked first, the
 * operator sees what it asks for, then (install only) it is committed with the grants chosen.
 */
import { signaturePolicy } from '../../trust/index.js';
import { isRemoteSource } from '../../install/download.js';
import type { Warden } from '../../warden/warden.js';
import { createProgressBar } from '../progress.js';
import { JSON_OPTION, STATE_OPTIONS, flag, strs, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, outJson, style, warn } from '../output.js';
import { confirm, interactive } from '../prompt.js';
import { requestedGrants } from '../../capabilities/grants.js';
import { printCapabilities, printInspection } from './show.js';

export const installCommand: Command = {
  name: 'plugin install',
  args: '<path|https-url>',
  summary: 'Install or upgrade a plugin from a directory (warden.yaml + modules) or a .wasm with an embedded manifest.',
  details: [
    'The plugin is scanned and its signature checked before anything is written; a refusal lists',
    'every reason. Nothing is granted unless you say so: on a terminal you are asked about each',
    'requested capability; otherwise only --grant (or --yes, for everything requested) grants.',
  ].join('\n'),
  positionals: { min: 1, max: 1 },
  options: {
    grant: { type: 'string', multiple: true, help: '<perm>  grant a requested capability, e.g. storage:kv (repeatable)' },
    yes: { type: 'boolean', short: 'y', help: 'grant everything the plugin requests, without asking' },
    disabled: { type: 'boolean', help: 'install without enabling it' },
    ...STATE_OPTIONS,
    ...JSON_OPTION,
  },
  example: 'warden plugin install ./hello-world --grant storage:kv',
  async run(args) {
    return withWarden(args, (warden) => withLocalCopy(warden, args.positionals[0]!, async (path) => {
      const { manifest, inspection } = await warden.inspect(path);
      let grant: string[] | 'all' = strs(args, 'grant');
      if (flag(args, 'yes')) grant = 'all';
      else if (grant.length === 0 && interactive() && !flag(args, 'json') && !inspection.scan.refused) {
        out(`${style('bold', manifest.name)} ${manifest.version} requests:`);
        const chosen: string[] = [];
        for (const { grant: g, risk } of requestedGrants(manifest.capabilities)) if (await confirm(`  grant ${g} (${risk} risk)?`)) chosen.push(g);
        grant = chosen;
      }
      const result = await warden.install(path, { grant, enable: !flag(args, 'disabled') && !isRemoteSource(args.positionals[0]!) });
      if (flag(args, 'json')) {
        outJson(result);
        return 0;
      }
      for (const w of result.warnings) warn(w);
      if (result.pendingConsent) {
        out(`${style('bold', result.id)} ${result.version} waits for your consent: it also requests ${result.pendingConsent.join(', ')}`);
        out(`the installed version keeps serving; accept with \`warden plugin enable ${result.id}\` (grant the new capabilities with \`warden plugin grant\`)`);
        return 0;
      }
      out(`${result.upgraded ? 'upgraded' : 'installed'} ${style('bold', result.id)} ${result.version} (${result.enabled ? 'enabled' : 'disabled'}, risk ${result.risk})`);
      printCapabilities(result.requested, result.granted);
      const missing = requestedGrants(result.requested).filter((c) => !result.granted.includes(c.grant));
      if (missing.length) out(`grant later with: warden plugin grant ${result.id} ${missing.map((c) => c.grant).join(' ')}`);
      if (!result.enabled) out(`enable it with: warden plugin enable ${result.id}`);
      return 0;
    }));
  },
};

export const auditCommand: Command = {
  name: 'plugin audit',
  args: '<path>',
  summary: 'Scan a plugin without installing it: every refusal and flag, the requested capabilities and the signature.',
  details: 'Exits with 1 when the plugin would be refused.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin audit ./suspicious.wasm --json',
  async run(args) {
    return withWarden(args, (warden) => withLocalCopy(warden, args.positionals[0]!, async (path) => {
      const { manifest, inspection } = await warden.inspect(path);
      const refused = inspection.scan.refused || !signaturePolicy(warden.options.securityLevel, inspection.signature).allowed;
      if (flag(args, 'json')) {
        outJson({ id: manifest.name, version: manifest.version, refused, risk: inspection.scan.risk, capabilities: requestedGrants(manifest.capabilities), ...inspection });
      } else {
        out(`${style('bold', manifest.name)} ${manifest.version}: ${refused ? style('red', 'REFUSED') : style('green', 'passes')} (risk ${inspection.scan.risk})`);
        out('requests:');
        printCapabilities(manifest.capabilities);
        out('findings:');
        printInspection(inspection);
      }
      return refused ? 1 : 0;
    }));
  },
};

/** Runs `fn` on `source`, or on a local copy downloaded once (with a progress bar on a terminal) when it is a URL. */
async function withLocalCopy<T>(warden: Warden, source: string, fn: (path: string) => Promise<T>): Promise<T> {
  if (!isRemoteSource(source)) return fn(source);
  const bar = createProgressBar(process.stderr, { label: 'downloading' });
  let copy;
  try {
    copy = await warden.fetchRemote(source, { onProgress: bar.onProgress });
  } finally {
    bar.done();
  }
  try {
    return await fn(copy.path);
  } finally {
    await copy.cleanup();
  }
}
