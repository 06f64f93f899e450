/**
 * `warden call <plugin.wasm> <function>`: runs one function of a plugin once, in the manner of
 * `extism call`. Output goes to stdout as raw bytes, logs and errors to stderr.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createHost } from '../host.js';
import type { PluginOptions } from '../runtime/options.js';
import { LOG_LEVELS } from '../runtime/protocol.js';
import { parseSize, sanitize, UsageError } from './output.js';

export const CALL_HELP = `Usage: warden call <plugin.wasm> <function> [options]

Runs one function of a plugin and prints its output.

Input (first that applies): --input, --input-file, standard input when it is not a terminal.

Options:
  --input <text>          input text
  --input-file <path>     input bytes from a file
  --config <key=value>    a config value (repeatable)
  --allow-host <host>     a host, host:port or *.domain the plugin may reach over HTTP (repeatable)
  --allow-address <ip>    a private/loopback address or CIDR it may connect to (repeatable)
  --wasi                  enable WASI (no filesystem)
  --wasi-dir <path>       enable WASI with <path> mounted as the guest's /
  --timeout <ms>          deadline for the call (default 10000)
  --memory-max <size>     cap on the plugin's memory, e.g. 16MiB (default 64MiB)
  --log-level <level>     trace, debug, info, warn, error or off (default info)
  --sha256 <hex>          refuse to run unless the module has this sha256
  -h, --help              show this help

Example:
  warden call count_vowels.wasm count_vowels --input "Hello, World!"`;

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function callCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      input: { type: 'string' },
      'input-file': { type: 'string' },
      config: { type: 'string', multiple: true },
      'allow-host': { type: 'string', multiple: true },
      'allow-address': { type: 'string', multiple: true },
      wasi: { type: 'boolean' },
      'wasi-dir': { type: 'string' },
      timeout: { type: 'string' },
      'memory-max': { type: 'string' },
      'log-level': { type: 'string' },
      sha256: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${CALL_HELP}\n`);
    return 0;
  }
  const [file, fn, ...extra] = positionals;
  if (!file || !fn || extra.length > 0) throw new UsageError(`expected <plugin.wasm> <function>\n\n${CALL_HELP}`);

  const config: Record<string, string> = {};
  for (const pair of values.config ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--config expects key=value, got "${pair}"`);
    config[pair.slice(0, at)] = pair.slice(at + 1);
  }
  const level = values['log-level'] ?? 'info';
  if (level !== 'off' && !(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, off`);
  }
  const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
  if (timeout !== undefined && !(timeout > 0)) throw new UsageError(`--timeout expects milliseconds, got "${values.timeout}"`);

  const options: PluginOptions = {
    config,
    allowedHosts: values['allow-host'] ?? [],
    allowedAddresses: values['allow-address'] ?? [],
    logLevel: level as PluginOptions['logLevel'],
    logger: (r) => process.stderr.write(`[${r.level}] ${sanitize(r.message)}\n`),
    limits: {
      ...(timeout !== undefined ? { timeoutMs: timeout } : {}),
      ...(values['memory-max'] ? { memoryMaxBytes: parseSize(values['memory-max'], '--memory-max') } : {}),
    },
    ...(values.sha256 ? { sha256: values.sha256 } : {}),
    ...(values['wasi-dir'] ? { wasi: { dir: values['wasi-dir'] } } : values.wasi ? { wasi: true } : {}),
  };

  const input = values.input !== undefined ? new TextEncoder().encode(values.input)
    : values['input-file'] !== undefined ? new Uint8Array(await readFile(values['input-file']))
      : process.stdin.isTTY ? new Uint8Array(0) : await readStdin();

  const host = createHost();
  try {
    const plugin = await host.load(file, options);
    const output = await plugin.call(fn, input);
    await new Promise<void>((resolve, reject) => process.stdout.write(output.bytes, (e) => (e ? reject(e) : resolve())));
    return 0;
  } finally {
    await host.close();
  }
}
