/**
 * `warden plugin list` and `warden plugin info`.
 */
import type { Manifest } from '../../manifest/index.js';
import { JSON_OPTION, STATE_OPTIONS, flag, type Command } from '../command.js';
import { withWarden } from '../open.js';
import { out, outJson, style, table } from '../output.js';
import { printCapabilities } from './show.js';
import type { PluginSummary } from '../../warden/types.js';

/** `enabled`, `disabled` or `failed`, as list shows it. */
export function statusOf(p: PluginSummary): string {
  return p.status === 'failed' || p.status === 'pending-consent' ? p.status : p.enabled ? 'enabled' : 'disabled';
}

export const listCommand: Command = {
  name: 'plugin list',
  args: '',
  summary: 'List installed plugins: id, version, status, risk and tools.',
  positionals: { min: 0, max: 0 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin list --json',
  async run(args) {
    return withWarden(args, async (warden) => {
      const plugins = await warden.list();
      if (flag(args, 'json')) outJson(plugins.map((p) => ({ ...p, status: statusOf(p) })));
      else if (plugins.length === 0) out('no plugins installed (install one with `warden plugin install <path>`)');
      else for (const line of table(['ID', 'VERSION', 'STATUS', 'RISK', 'TOOLS'], plugins.map((p) => [p.id, p.version, statusOf(p), p.risk, p.tools.join(', ')]))) out(line);
      return 0;
    });
  },
};

export const infoCommand: Command = {
  name: 'plugin info',
  args: '<id>',
  summary: 'Show one plugin: manifest, requested and granted capabilities with risk, tools with parameters, hashes, signature, status and last error.',
  positionals: { min: 1, max: 1 },
  options: { ...STATE_OPTIONS, ...JSON_OPTION },
  example: 'warden plugin info hello-world',
  async run(args) {
    return withWarden(args, async (warden) => {
      const info = await warden.info(args.positionals[0]!);
      const { signature } = await warden.security(info.id);
      if (flag(args, 'json')) {
        outJson({ ...info, status: statusOf(info), signature });
        return 0;
      }
      const manifest = info.record.manifest as Manifest;
      out(`${style('bold', info.id)} ${info.version} — ${manifest.description}`);
      if (manifest.author) out(`author:    ${manifest.author}`);
      out(`status:    ${statusOf(info)}${info.lastError ? ` (${info.lastError})` : ''}`);
      out(`risk:      ${info.risk}`);
      if (info.pending) out(`pending:   version ${info.pending.version} waits for consent (\`warden plugin enable ${info.id}\`); it requests ${info.pending.requests.join(', ') || 'nothing'}`);
      out(`signature: ${signature.status}${signature.keyId ? ` (key ${signature.keyId})` : ''}`);
      for (const m of info.record.modules) out(`module:    ${m.name} sha256:${m.sha256}`);
      out('capabilities:');
      printCapabilities(manifest.capabilities, info.granted);
      out('tools:');
      for (const t of manifest.tools) out(`  ${t.name} — ${t.description}\n    parameters: ${JSON.stringify(t.parameters)}`);
      const keys = Object.entries(manifest.config);
      if (keys.length) out('config:');
      for (const [key, e] of keys) out(`  ${key} (${e.type}${e.required ? ', required' : ''}${e.default !== undefined ? `, default ${JSON.stringify(e.default)}` : ''})${e.description ? ` — ${e.description}` : ''}`);
      return 0;
    });
  },
};
