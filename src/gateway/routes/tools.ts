/**
 * Tools: the list of every served tool, and calling one with a JSON input. The call runs with the
 * plugin's grants and the context `{ via: 'api' }`; its output comes back as JSON when it parses,
 * else as text (or base64 when it is not UTF-8).
 */
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { PluginOutput } from '../../runtime/plugin-output.js';
import { freezeContext, type CallInput } from '../../runtime/plugin.js';
import { readJsonBody, strictUtf8 } from '../body.js';
import type { Route } from '../router.js';
import { pluginIdParam, toolParam } from './params.js';

/** The context every API call carries; plugins granted `context` can read it. */
export const API_CALL_CONTEXT = freezeContext({ via: 'api' });

const hangUps = new WeakMap<Socket, AbortSignal>();

/**
 * Aborted when the request's connection closes: a client that hangs up cancels its tool calls
 * rather than leaving them to run to their deadline. One signal per connection (an HTTP/1.1
 * client cancels a request only by closing its connection), since making an AbortSignal costs
 * ~6 µs on Node 20, a noticeable share of a REST call.
 */
function hangUpSignal(req: IncomingMessage): AbortSignal {
  const socket = req.socket;
  let signal = hangUps.get(socket);
  if (!signal) {
    const controller = new AbortController();
    signal = controller.signal;
    hangUps.set(socket, signal);
    socket.once('close', () => controller.abort());
  }
  return signal;
}

/** A plugin's output as a JSON value, text, or base64 bytes. */
export function outputBody(output: PluginOutput): { format: 'json' | 'text' | 'base64'; output: unknown } {
  let text: string;
  try {
    text = strictUtf8.decode(output.bytes);
  } catch {
    return { format: 'base64', output: Buffer.from(output.bytes).toString('base64') };
  }
  try {
    return { format: 'json', output: JSON.parse(text) };
  } catch {
    return { format: 'text', output: text };
  }
}

export const toolRoutes: Route[] = [
  {
    method: 'GET', path: '/api/tools', summary: 'Every tool of every serving plugin, with its parameter schema.',
    handle: async ({ warden }) => ({ body: { tools: warden.tools() } }),
  },
  {
    method: 'POST', path: '/api/plugins/:id/tools/:tool', body: 'json',
    summary: 'Call a tool. The body is its JSON input (a JSON string is passed as its text); empty means no input.',
    handle: async ({ warden, params, req }) => {
      const id = pluginIdParam(params);
      const tool = toolParam(params);
      const body = await readJsonBody(req);
      // A JSON string is passed as its text; anything else as the JSON the client sent.
      const input: CallInput = typeof body?.value === 'string' ? body.value : body?.bytes;
      const output = await warden.call(id, tool, input, { context: API_CALL_CONTEXT, signal: hangUpSignal(req) });
      const { format, output: value } = outputBody(output);
      return { body: { plugin: id, tool, format, output: value, context: API_CALL_CONTEXT } };
    },
  },
];
