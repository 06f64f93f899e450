// The download progress bar on a fake terminal: one line redrawn in place, throttled, the last
// state always drawn, nothing at all when the stream is not a TTY.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressBar, formatBytes, progressLine, type ProgressStream } from '../../src/cli/progress.js';

function fakeStream(isTTY: boolean, columns = 120): ProgressStream & { writes: string[] } {
  const writes: string[] = [];
  return { isTTY, columns, writes, write: (s: string) => writes.push(s) };
}

/** A clock the test moves by hand. */
function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

describe('createProgressBar', () => {
  it('redraws one line with received / total and the percentage, then ends the line', () => {
    const stream = fakeStream(true);
    const c = clock();
    const bar = createProgressBar(stream, { label: 'hello.wasm', now: c.now });
    bar.onProgress(512, 2048);
    c.advance(200);
    bar.onProgress(1024, 2048);
    c.advance(200);
    bar.onProgress(2048, 2048);
    bar.done();
    assert.deepEqual(stream.writes, [
      '\rhello.wasm [#####...............]  25% 512 B / 2.0 KiB\u001b[K',
      '\rhello.wasm [##########..........]  50% 1.0 KiB / 2.0 KiB\u001b[K',
      '\rhello.wasm [####################] 100% 2.0 KiB / 2.0 KiB\u001b[K',
      '\n',
    ]);
  });

  it('draws at most once per interval, but always the last state on done()', () => {
    const stream = fakeStream(true);
    const c = clock();
    const bar = createProgressBar(stream, { now: c.now, intervalMs: 100 });
    for (let i = 1; i <= 50; i++) {
      bar.onProgress(i * 1000, 100_000);
      c.advance(10);
    }
    assert.equal(stream.writes.length, 5, 'one redraw per 100 ms over 500 ms');
    bar.done();
    assert.match(stream.writes.at(-2)!, / 50% 48\.8 KiB \/ 97\.7 KiB/);
    assert.equal(stream.writes.at(-1), '\n');
    bar.onProgress(100_000, 100_000);
    bar.done();
    assert.equal(stream.writes.at(-1), '\n', 'nothing after done()');
  });

  it('shows only the byte count when the total is unknown', () => {
    const stream = fakeStream(true);
    const bar = createProgressBar(stream, { label: 'dl' });
    bar.onProgress(3 * 1024 * 1024, undefined);
    assert.deepEqual(stream.writes, ['\rdl 3.0 MiB\u001b[K']);
  });

  it('writes nothing when the stream is not a terminal, nor on done() without progress', () => {
    const pipe = fakeStream(false);
    const bar = createProgressBar(pipe);
    bar.onProgress(10, 20);
    bar.done();
    assert.deepEqual(pipe.writes, []);
    const tty = fakeStream(true);
    createProgressBar(tty).done();
    assert.deepEqual(tty.writes, []);
  });

  it('fits the terminal width and neutralises control characters in the label', () => {
    const stream = fakeStream(true, 30);
    createProgressBar(stream, { label: 'evil\u001b[2Jname' }).onProgress(1, 2);
    const line = stream.writes[0]!.slice(1, -3);
    assert.equal(line.length, 29);
    assert.ok(!line.includes('\u001b'), line);
  });
});

describe('formatting', () => {
  it('formatBytes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1536), '1.5 KiB');
    assert.equal(formatBytes(64 * 1024 * 1024), '64.0 MiB');
  });

  it('a total of 0 is complete, and a count past the total stays at 100%', () => {
    assert.match(progressLine('x', 0, 0), /100%/);
    assert.match(progressLine('x', 30, 20), /\[#{20}\] 100%/);
  });
});
