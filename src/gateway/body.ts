/**
 * Reading request bodies with a cap, and parsing JSON with clear 400s. A body over its cap is
 * refused as soon as the cap is passed (or at once, from Content-Length), never held whole.
 */
import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ApiError } from './status.js';
import { WardenError } from '../errors.js';

/** Decodes UTF-8, throwing on malformed bytes. */
export const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The cap on a JSON body. */
export const JSON_BODY_MAX_BYTES = 1024 * 1024;
/** The cap on an uploaded plugin file: the install cap. */
export const UPLOAD_MAX_BYTES = 64 * 1024 * 1024;

/** The media type of the request, lower case, without parameters ('' when absent). */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function tooLarge(max: number): WardenError {
  return new WardenError('INPUT_TOO_LARGE', `the request body exceeds ${max} bytes`);
}

function checkDeclaredLength(req: IncomingMessage, max: number): void {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw tooLarge(max);
}

/** The whole body, at most `max` bytes. */
export function readBody(req: IncomingMessage, max = JSON_BODY_MAX_BYTES): Promise<Buffer> {
  checkDeclaredLength(req, max);
  if (req.readableEnded) return Promise.reject(new Error('the request body was already read'));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: Error): void => {
      req.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) settle(tooLarge(max));
      else chunks.push(chunk);
    };
    const onEnd = (): void => settle();
    const onClose = (): void => settle(new ApiError('INVALID_ARGUMENT', 'the request body was cut short'));
    req.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}

/** Streams the body into `file` (mode 0600), at most `max` bytes; returns its size. */
export async function saveBody(req: IncomingMessage, file: string, max = UPLOAD_MAX_BYTES): Promise<number> {
  checkDeclaredLength(req, max);
  let size = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      done(size > max ? tooLarge(max) : null, chunk);
    },
  });
  await pipeline(req, cap, createWriteStream(file, { mode: 0o600, flags: 'wx' }));
  return size;
}

/**
 * The JSON body (`undefined` when empty). Only `application/json` is read: a form post or a
 * `text/plain` body from another site never reaches a handler.
 */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  return (await readJsonBody(req))?.value;
}

/**
 * The JSON body parsed, with its bytes (without a byte-order mark) for a caller that passes them
 * on as they came; undefined when the body is empty.
 */
export async function readJsonBody(req: IncomingMessage): Promise<{ value: unknown; bytes: Uint8Array } | undefined> {
  const bytes = await readBody(req);
  if (bytes.length === 0) return undefined;
  if (mediaType(req) !== 'application/json') throw new ApiError('UNSUPPORTED_MEDIA_TYPE', 'send the body as Content-Type: application/json');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new ApiError('INVALID_ARGUMENT', 'the body is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ApiError('INVALID_ARGUMENT', `the body is not valid JSON (${(e as Error).message})`);
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return { value, bytes: bom ? bytes.subarray(3) : bytes };
}

/** The JSON body, which must be an object (not an array, not null). */
export async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJson(req);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError('INVALID_ARGUMENT', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** `body[key]` as a list of non-empty strings. */
export function stringList(body: Record<string, unknown>, key: string): string[] {
  const value = Object.hasOwn(body, key) ? body[key] : undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 1024)) {
    throw new ApiError('INVALID_ARGUMENT', `"${key}" must be a list of non-empty strings`);
  }
  return value as string[];
}
