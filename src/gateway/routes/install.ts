/**
 * Install in two steps, as the CLI does: `inspect` reads and checks the package and reports what
 * it requests (with risk) and what the scan found, for the consent dialog, and keeps the package
 * as a stage (see stages.ts); `install` commits that stage with the grants chosen — nothing is
 * granted unless named — so the bytes installed are the bytes consented to. The package is the
 * raw body (`application/octet-stream`, named by `X-Warden-Filename`), or from JSON an `https://`
 * URL or, for the install, the `stage` an inspect answered.
 */
import { mkdir, mkdtemp, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { requestedGrants } from '../../capabilities/grants.js';
import { isRemoteSource } from '../../install/download.js';
import { signaturePolicy } from '../../trust/index.js';
import { mediaType, readJsonObject, saveBody, stringList } from '../body.js';
import type { Route, RouteContext } from '../router.js';
import type { PackageStages } from '../stages.js';
import { ApiError } from '../status.js';
import { boolQuery } from './params.js';

const UPLOAD_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(wasm|zip|tgz|tar\.gz|tar)$/;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];
const SHA256_HEX = /^[0-9a-f]{64}$/;

const URL_BODY = { type: 'object', required: ['url'], properties: { url: { type: 'string', format: 'uri', description: 'an https:// URL of a plugin file' } } };
const INSTALL_OPTIONS = { grant: { type: 'array', items: { type: 'string' } }, enable: { type: 'boolean' } };
const INSTALL_BODY = {
  oneOf: [
    { type: 'object', required: ['stage'], properties: { stage: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$', description: 'the stage an inspect answered' }, sha256: { type: 'string', pattern: SHA256_HEX.source, description: 'the package sha256 the inspect answered; refused when the stage holds another' }, ...INSTALL_OPTIONS } },
    { ...URL_BODY, properties: { ...URL_BODY.properties, ...INSTALL_OPTIONS } },
  ],
};

/** The JSON body, or undefined for an upload (whose headers are checked before it is read). */
async function readRequest(ctx: RouteContext): Promise<Record<string, unknown> | undefined> {
  const type = mediaType(ctx.req);
  if (type === 'application/json') return readJsonObject(ctx.req);
  if (type !== 'application/octet-stream') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the plugin file as application/octet-stream (with X-Warden-Filename), or JSON {"url": "https://…"} or {"stage": "…"}');
  const given = ctx.req.headers['x-warden-filename'];
  if (given !== undefined && (typeof given !== 'string' || !UPLOAD_NAME.test(given))) {
    throw new ApiError('INVALID_ARGUMENT', 'X-Warden-Filename must be a plain file name ending in .wasm, .zip, .tgz, .tar.gz or .tar');
  }
  return undefined;
}

/**
 * Runs `fn` on a local copy of the request's package: the upload saved to a private folder, or
 * the URL downloaded once (`remote`). The copy is removed after, unless `fn` moved it away.
 */
async function withPackage<T>(ctx: RouteContext, json: Record<string, unknown> | undefined, fn: (path: string, remote: boolean) => Promise<T>): Promise<T> {
  if (json) {
    const url = json['url'];
    if (typeof url !== 'string' || !isRemoteSource(url)) throw new ApiError('INVALID_ARGUMENT', '"url" must be an https:// URL of a plugin file (upload a local file as application/octet-stream)');
    const copy = await ctx.warden.fetchRemote(url);
    try {
      return await fn(copy.path, true);
    } finally {
      await copy.cleanup();
    }
  }
  const root = join(ctx.warden.options.dataDir, 'uploads');
  await mkdir(root, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(root, 'upload-'));
  try {
    const saved = join(dir, 'upload');
    await saveBody(ctx.req, saved);
    const given = ctx.req.headers['x-warden-filename'] as string | undefined;
    const path = join(dir, given ?? ((await startsWithWasm(saved)) ? 'plugin.wasm' : 'plugin.bin'));
    await rename(saved, path);
    return await fn(path, false);
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

/** The consent dialog's data for the package at `path`. */
async function inspectReport(ctx: RouteContext, path: string): Promise<Record<string, unknown> & { refused: boolean }> {
  const { manifest, inspection } = await ctx.warden.inspect(path);
  const refused = inspection.scan.refused || !signaturePolicy(ctx.warden.options.securityLevel, inspection.signature).allowed;
  const capabilities = requestedGrants(manifest.capabilities);
  return { id: manifest.name, version: manifest.version, description: manifest.description, refused, risk: inspection.scan.risk, capabilities, manifest, ...inspection };
}

/** Installs the package at `path`; a package from the network lands disabled, as with the CLI. */
async function install(ctx: RouteContext, path: string, remote: boolean, json: Record<string, unknown> | undefined): Promise<{ status: number; body: unknown }> {
  const result = await ctx.warden.install(path, { grant: grantsOf(ctx, json), enable: !remote && enableOf(ctx, json) });
  return { status: result.pendingConsent ? 202 : result.upgraded ? 200 : 201, body: result };
}

/** `{"stage": "…", "sha256"?: "…"}`: the stage's id, and the hash the caller saw if it sends one. */
function stageOf(json: Record<string, unknown>): { id: string; sha256: string | undefined } {
  const { stage, sha256 } = json;
  if (Object.hasOwn(json, 'url')) throw new ApiError('INVALID_ARGUMENT', 'give "stage" or "url", not both');
  if (typeof stage !== 'string') throw new ApiError('INVALID_ARGUMENT', '"stage" must be the id an inspect answered');
  if (sha256 !== undefined && (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256))) throw new ApiError('INVALID_ARGUMENT', '"sha256" must be 64 lowercase hex digits');
  return { id: stage, sha256 };
}

/** The install routes, which keep inspected packages in `stages`. */
export function installRoutes(stages: PackageStages): Route[] {
  return [
    {
      method: 'POST', path: '/api/plugins/inspect', body: 'json-or-upload', jsonSchema: URL_BODY,
      summary: 'Read and check a plugin without installing it: manifest, requested capabilities with risk, scan findings, signature, whether it would be refused; and the stage that installs exactly these bytes (stage, sha256, stageExpiresAt).',
      handle: async (ctx) => withPackage(ctx, await readRequest(ctx), async (path, remote) => {
        const staged = await stages.add(path, remote);
        try {
          const report = await inspectReport(ctx, staged.path);
          if (report.refused) {
            await stages.discard(staged.id);
            return { body: report };
          }
          return { body: { ...report, stage: staged.id, sha256: staged.sha256, bytes: staged.bytes, stageExpiresAt: new Date(staged.expiresAt).toISOString() } };
        } catch (e) {
          await stages.discard(staged.id);
          throw e;
        }
      }),
    },
    {
      method: 'POST', path: '/api/plugins', body: 'json-or-upload', jsonSchema: INSTALL_BODY, query: ['grant', 'enable'],
      summary: 'Install or upgrade a plugin with the grants named (none by default): a stage from inspect, an upload or an https URL. 201 installed, 200 upgraded, 202 waiting for consent.',
      handle: async (ctx) => {
        const json = await readRequest(ctx);
        if (json && Object.hasOwn(json, 'stage')) {
          const wanted = stageOf(json);
          return stages.use(wanted.id, async (staged) => {
            if (wanted.sha256 !== undefined && wanted.sha256 !== staged.sha256) throw new ApiError('HASH_MISMATCH', `stage ${staged.id} holds a package with another sha256 than the one given`);
            return install(ctx, staged.path, staged.remote, json);
          });
        }
        return withPackage(ctx, json, (path, remote) => install(ctx, path, remote, json));
      },
    },
  ];
}
