/**
 * `warden mcp`: serves every enabled plugin's tools over MCP on stdin/stdout, the way an agent
 * (Claude Desktop, an IDE, a script with the MCP SDK) starts a local tool server. Stdout carries
 * MCP messages only; everything a person should read goes to stderr.
 */
import { STATE_OPTIONS, type Command } from './command.js';
import { openWarden } from './open.js';
import { warn } from './output.js';
import { waitForStop } from './stop.js';

export const mcpCommand: Command = {
  name: 'mcp',
  args: '',
  summary: 'Serve the tools of every enabled plugin to an AI agent over MCP (stdio).',
  details: [
    'Plugins load at start; each tool is named <plugin>__<tool> and runs with its plugin\'s grants. Agents can list and call tools only:',
    'installing, granting and enabling stay with the operator. Stdout carries MCP messages only; logs go to stderr. Ends when stdin closes.',
  ].join('\n'),
  positionals: { min: 0, max: 0 },
  options: { ...STATE_OPTIONS },
  example: 'warden mcp --data-dir ~/.local/share/warden',
  async run(args) {
    keepStdoutForMcp();
    // Loaded here, not at the top: the SDK costs ~0.3 s to import and no other command needs it.
    const [{ StdioServerTransport }, { createMcpServer }] = await Promise.all([import('@modelcontextprotocol/sdk/server/stdio.js'), import('../mcp/server.js')]);
    const warden = await openWarden(args, { lazy: false });
    try {
      for (const p of await warden.list()) if (p.enabled && !p.loaded) warn(`plugin ${p.id} did not load (${p.lastError ?? 'unknown error'}); its tools are not served`);
      const server = createMcpServer(warden, { onError: (e) => warn(`mcp: ${e instanceof Error ? e.message : String(e)}`) });
      const transport = new StdioServerTransport();
      const { stopped, stop } = waitForStop();
      transport.onclose = stop;
      process.stdin.once('end', stop);
      await server.connect(transport);
      // Plugins changed in the plugins directory or by `warden plugin …` in another shell are picked up.
      const stopWatching = warden.watch();
      transport.onclose = () => {
        stopWatching();
        stop();
      };
      const tools = warden.tools();
      process.stderr.write(`warden mcp: serving ${tools.length} tool${tools.length === 1 ? '' : 's'} of ${new Set(tools.map((t) => t.plugin)).size} plugin(s) over stdio\n`);
      await stopped;
      process.stdin.off('end', stop);
      await server.close();
    } finally {
      await warden.close();
    }
    return 0;
  },
};

/** Sends console output meant for stdout to stderr: one stray line there would break the MCP stream. */
function keepStdoutForMcp(): void {
  const toStderr = (...data: unknown[]): void => console.error(...data);
  console.log = toStderr;
  console.info = toStderr;
  console.debug = toStderr;
}
