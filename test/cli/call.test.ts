// `warden call` as a child process: output on stdout, errors on stderr with a code and a
// non-zero exit status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePath as fixture } from '../helpers/fixture.js';
import { runWarden } from '../helpers/cli.js';

const warden = (args: string[], stdin?: string) => runWarden(args, stdin === undefined ? {} : { stdin });

describe('warden call', () => {
  it('prints the output of --input', async () => {
    const r = await warden(['call', fixture('echo'), 'echo', '--input', 'hello']);
    assert.deepEqual([r.code, r.stdout], [0, 'hello']);
  });

  it('reads standard input when no --input is given', async () => {
    const r = await warden(['call', fixture('echo'), 'echo'], 'from stdin');
    assert.deepEqual([r.code, r.stdout], [0, 'from stdin']);
  });

  it('reads --input-file', async () => {
    const r = await warden(['call', fixture('echo'), 'echo', '--input-file', fixture('echo')]);
    assert.equal(r.code, 0);
    assert.ok(r.stdout.length > 0);
  });

  it('passes --config values', async () => {
    const r = await warden(['call', fixture('config_get'), 'get', '--input', 'greeting', '--config', 'greeting=hola', '--config', 'x=y=z']);
    assert.deepEqual([r.code, r.stdout], [0, 'hola']);
    const eq = await warden(['call', fixture('config_get'), 'get', '--input', 'x', '--config', 'x=y=z']);
    assert.equal(eq.stdout, 'y=z');
    const missing = await warden(['call', fixture('config_get'), 'get', '--input', 'nope']);
    assert.match(missing.stderr, /\[PLUGIN_ERROR\]: missing/);
  });

  it('reports a plugin error on stderr with its code and exits 1', async () => {
    const r = await warden(['call', fixture('fail'), 'fail_msg']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /error \[PLUGIN_ERROR\]: boom from plugin/);
  });

  it('enforces --timeout', async () => {
    const r = await warden(['call', fixture('spin'), 'spin', '--timeout', '100']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[TIMEOUT\]/);
  });

  it('enforces --memory-max', async () => {
    const r = await warden(['call', fixture('grow'), 'grow_forever', '--memory-max', '1MiB']);
    assert.deepEqual([r.code, r.stdout], [0, '16']);
  });

  it('prints plugin logs at --log-level on stderr, with control characters escaped', async () => {
    const r = await warden(['call', fixture('as_kitchen'), 'log_all', '--log-level', 'warn'], '');
    // as_kitchen imports a host function the CLI cannot provide: a clear link error.
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[LINK_ERROR\].*reverse/s);
  });

  it('refuses a wrong --sha256', async () => {
    const r = await warden(['call', fixture('echo'), 'echo', '--sha256', '0'.repeat(64)]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\[HASH_MISMATCH\]/);
  });

  it('explains usage errors with exit code 2', async () => {
    for (const args of [['call'], ['call', fixture('echo'), 'echo', '--timeout', 'soon'], ['frobnicate'], ['call', fixture('echo'), 'echo', '--bogus']]) {
      const r = await warden(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.ok(r.stderr.length > 0);
    }
  });

  it('names a missing export and a missing file', async () => {
    const missingFn = await warden(['call', fixture('echo'), 'nope']);
    assert.match(missingFn.stderr, /\[NOT_FOUND\].*echo/s);
    const missingFile = await warden(['call', '/nonexistent/plugin.wasm', 'run']);
    assert.match(missingFile.stderr, /\[NOT_FOUND\]/);
  });

  it('shows help', async () => {
    const r = await warden(['call', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: warden call/);
  });
});
