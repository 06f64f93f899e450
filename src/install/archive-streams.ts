/**
 * Decompression with the bytes counted on both sides: a compressed stream is refused as soon as it
 * inflates more than `maxCompressionRatio` times what it has consumed, so a bomb is stopped after a
 * few MiB instead of being inflated in full. Shared by zip entries (raw deflate) and tar.gz.
 */
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import { RATIO_GRACE_BYTES, Refusal } from './archive-limits.js';

/** How the bytes of a stream are encoded. */
export type Codec = 'stored' | 'deflate-raw' | 'gzip';

/** Small reads keep the ratio check fine-grained: a 16 KiB read can inflate to 16 MiB at most. */
export const READ_CHUNK_BYTES = 16 * 1024;

/** A pass-through stream that shows each chunk to `onChunk` and calls `onEnd` at the end; either may throw. */
export function tap(onChunk: (chunk: Buffer) => void, onEnd?: () => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        onChunk(chunk);
        done(null, chunk);
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      try {
        onEnd?.();
        done();
      } catch (e) {
        done(e as Error);
      }
    },
  });
}

/** Counts compressed bytes in and decompressed bytes out, and refuses a bomb. */
export class RatioMeter {
  #in = 0;
  #out = 0;

  constructor(readonly maxRatio: number, readonly what: string) {}

  input(n: number): void {
    this.#in += n;
  }

  output(n: number): void {
    this.#out += n;
    if (this.#out > RATIO_GRACE_BYTES && this.#out > this.#in * this.maxRatio) {
      throw new Refusal(
        `${this.what}: ${this.#in} compressed bytes have already inflated to ${this.#out}, more than ${this.maxRatio} times as many ` +
          '(the maxCompressionRatio cap): a decompression bomb',
      );
    }
  }
}

/**
 * The decoded bytes of `source`, passed through `after` (checks of the decoded bytes). Any error,
 * a refusal included, destroys every stage and surfaces on the returned stream; a consumer that
 * stops reading early destroys `source` too.
 */
export function decoded(source: Readable, codec: Codec, maxRatio: number, what: string, ...after: Transform[]): Readable {
  const stages: NodeJS.ReadWriteStream[] = [];
  if (codec !== 'stored') {
    const meter = new RatioMeter(maxRatio, what);
    stages.push(tap((c) => meter.input(c.length)), codec === 'gzip' ? createGunzip() : createInflateRaw(), tap((c) => meter.output(c.length)));
  }
  stages.push(...after);
  if (stages.length === 0) return source;
  // Errors reach the consumer through the last stage, which pipeline destroys with them.
  return pipeline([source, ...stages], () => {}) as unknown as Readable;
}
