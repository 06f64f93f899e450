/**
 * `warden serve`: the gateway — REST API, web UI, MCP over HTTP and a health check — on a
 * loopback address. Prints where it listens and, on the first start only, the admin token.
 */
import { STATE_OPTIONS, flag, str, strs, type Command } from './command.js';
import { installExamples } from './examples.js';
import { openWarden } from './open.js';
import { UsageError, warn } from './output.js';
import { waitForStop } from './stop.js';

export const serveCommand: Command = {
  name: 'serve',
  args: '',
  summary: 'Serve the REST API, the web UI, MCP over HTTP (/mcp) and /healthz on 127.0.0.1:7777.',
  details: [
    'Plugins load at start and changes made by the CLI or in the plugins directory are picked up.',
    'The first start prints an admin token, once: the API takes it as Authorization: Bearer <token>,',
    'and the UI signs in with it. Only its hash is kept; --reset-token makes a new one. Stops on Ctrl-C.',
  ].join('\n'),
  positionals: { min: 0, max: 0 },
  options: {
    host: { type: 'string', help: '<address>  address to listen on (default: 127.0.0.1)' },
    port: { type: 'string', help: '<port>  port to listen on, 0 for any free one (default: 7777)' },
    'allow-host': { type: 'string', multiple: true, help: '<name>  also accept this Host header (besides localhost, 127.0.0.1, [::1]; repeatable)' },
    'reset-token': { type: 'boolean', help: 'make a new admin token (the old one stops working) and print it' },
    examples: { type: 'string', help: '<dir>  first install the example plugins in <dir> that are missing (granted what they request)' },
    ...STATE_OPTIONS,
  },
  example: 'warden serve --port 7777',
  async run(args) {
    const portText = str(args, 'port') ?? '7777';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) throw new UsageError(`--port expects a port number from 0 to 65535, got "${portText}"`);
    // Loaded here, not at the top: the MCP SDK the gateway mounts costs ~0.3 s to import.
    const { createGateway } = await import('../gateway/server.js');
    const warden = await openWarden(args, { lazy: false });
    try {
      const examples = str(args, 'examples');
      if (examples !== undefined) {
        const added = await installExamples(warden, examples);
        if (added.length) process.stdout.write(`installed the example plugins: ${added.join(', ')}\n`);
      }
      for (const p of await warden.list()) if (p.enabled && !p.loaded) warn(`plugin ${p.id} did not load (${p.lastError ?? 'unknown error'})`);
      const gateway = await createGateway(warden, {
        host: str(args, 'host') ?? '127.0.0.1', port, allowHosts: strs(args, 'allow-host'), resetToken: flag(args, 'reset-token'),
        onError: (e) => warn(`serve: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
      });
      const stopWatching = warden.watch();
      // Before the banner: whoever reads it may stop us at once.
      const { stopped } = waitForStop();
      process.stdout.write(`warden serve: listening on ${gateway.url}\n  web UI  ${gateway.url}/\n  API     ${gateway.url}/api (see ${gateway.url}/api/openapi.json)\n  MCP     ${gateway.url}/mcp\n`);
      if (gateway.newToken) {
        process.stdout.write(`admin token (shown once; only its hash is kept): ${gateway.newToken}\n`);
        process.stdout.write(`  sign in to the web UI with it, or send it as Authorization: Bearer <token>; lost it? run \`warden serve --reset-token\`\n`);
      } else {
        process.stdout.write('sign in with the admin token printed on the first start (lost it? run `warden serve --reset-token`)\n');
      }
      await stopped;
      process.stdout.write('warden serve: stopping\n');
      stopWatching();
      await gateway.close();
    } finally {
      await warden.close();
    }
    return 0;
  },
};
