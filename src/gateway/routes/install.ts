/**
 * Install in two steps, as the CLI does: `inspect` reads and checks the package and reports what
 * it requests (with risk) and what the scan found, for the consent dialog; `install` commits it
 * with the grants chosen — nothing is granted unless named. The package is the raw body
 * (`application/octet-stream`, named by `X-Warden-Filename`) or, from JSON, an `https://` URL.
 */
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requestedGrants } from '../../capabilities/grants.js';
import { isRemoteSource } from '../../install/download.js';
import { signaturePolicy } from '../../trust/index.js';
import { mediaType, readJsonObject, saveBody, stringList } from '../body.js';
import type { Route, RouteContext } from '../router.js';
import { ApiError } from '../status.js';
import { boolQuery } from './params.js';

const UPLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(wasm|zip|tgz|tar\.gz|tar)$/;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Where the package comes from, and the install options a JSON body gave. */
interface Source {
  path: string;
  json: Record<string, unknown> | undefined;
}

/** Runs `fn` on the request's package: an upload saved to a private folder (removed after), or a URL. */
async function withSource<T>(ctx: RouteContext, fn: (source: Source) => Promise<T>): Promise<T> {
  const type = mediaType(ctx.req);
  if (type === 'application/json') {
    const json = await readJsonObject(ctx.req);
    const url = json['url'];
    if (typeof url !== 'string' || !isRemoteSource(url)) throw new ApiError('INVALID_ARGUMENT', '"url" must be an https:// URL of a plugin file (upload a local file as application/octet-stream)');
    return fn({ path: url, json });
  }
  if (type !== 'application/octet-stream') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the plugin file as application/octet-stream (with X-Warden-Filename), or JSON {"url": "https://…"}');
  const given = ctx.req.headers['x-warden-filename'];
  if (given !== undefined && (typeof given !== 'string' || !UPLOAD_NAME.test(given))) {
    throw new ApiError('INVALID_ARGUMENT', 'X-Warden-Filename must be a plain file name ending in .wasm, .zip, .tgz, .tar.gz or .tar');
  }
  const root = join(ctx.warden.options.dataDir, 'uploads');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, 'upload-'));
  try {
    const saved = join(dir, 'upload');
    await saveBody(ctx.req, saved);
    const path = join(dir, given ?? ((await startsWithWasm(saved)) ? 'plugin.wasm' : 'plugin.bin'));
    await rename(saved, path);
    return await fn({ path, json: undefined });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function startsWithWasm(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4), 0, 4, 0);
    return bytesRead === 4 && WASM_MAGIC.every((b, i) => buffer[i] === b);
  } finally {
    await handle.close();
  }
}

/** The grants asked for: `?grant=` (repeatable) and, from JSON, `"grant": [...]`. */
function grantsOf(ctx: RouteContext, json: Record<string, unknown> | undefined): string[] {
  const fromQuery = ctx.query.getAll('grant');
  const fromJson = json && Object.hasOwn(json, 'grant') ? stringList(json, 'grant') : [];
  return [...new Set([...fromQuery, ...fromJson])];
}

function enableOf(ctx: RouteContext, json: Record<string, unknown> | undefined): boolean {
  const fromJson = json && Object.hasOwn(json, 'enable') ? json['enable'] : undefined;
  if (fromJson !== undefined && typeof fromJson !== 'boolean') throw new ApiError('INVALID_ARGUMENT', '"enable" must be true or false');
  return fromJson ?? boolQuery(ctx.query, 'enable', true);
}

export const installRoutes: Route[] = [
  {
    method: 'POST', path: '/api/plugins/inspect', body: 'json-or-upload',
    summary: 'Read and check a plugin without installing it: manifest, requested capabilities with risk, scan findings, signature, whether it would be refused.',
    handle: (ctx) => withSource(ctx, async ({ path }) => {
      const { manifest, inspection } = await ctx.warden.inspect(path);
      const refused = inspection.scan.refused || !signaturePolicy(ctx.warden.options.securityLevel, inspection.signature).allowed;
      const capabilities = requestedGrants(manifest.capabilities);
      return { body: { id: manifest.name, version: manifest.version, description: manifest.description, refused, risk: inspection.scan.risk, capabilities, manifest, ...inspection } };
    }),
  },
  {
    method: 'POST', path: '/api/plugins', body: 'json-or-upload', query: ['grant', 'enable'],
    summary: 'Install or upgrade a plugin with the grants named (none by default). 201 installed, 200 upgraded, 202 waiting for consent.',
    handle: (ctx) => withSource(ctx, async ({ path, json }) => {
      const result = await ctx.warden.install(path, { grant: grantsOf(ctx, json), enable: enableOf(ctx, json) });
      return { status: result.pendingConsent ? 202 : result.upgraded ? 200 : 201, body: result };
    }),
  },
];
