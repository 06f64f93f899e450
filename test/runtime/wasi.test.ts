// Warden's WASI shim: driven through real wasi-libc (test/fixtures/c/wasi_probe.c) and through
// the raw ABI, on the test thread. Covers THREATS.md #14 (no WASI powers unless configured),
// #16 (nothing but errno values reach the guest) and the path-escape cases of #27/#31.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { closeWasiFiles, createWasiImports, MAX_OPEN_FDS, WasiExit, type WasiConfig } from '../../src/runtime/worker/wasi.js';

const probe = new WebAssembly.Module(readFileSync(new URL('../../fixtures/wasi_probe.wasm', import.meta.url)));
const text = new TextDecoder();
const E = { BADF: 8, FAULT: 21, INVAL: 28, LOOP: 32, MFILE: 33, NOENT: 44, NOTDIR: 54, NOTSUP: 58, NOTCAPABLE: 76 };
const FD_READ = 1n << 1n;
const FD_WRITE = 1n << 6n;

interface Run { code: number; stdout: string; stderr: string }

/** Runs the probe's `_start` with WASI configured as given (no args, env or dir by default). */
function run(config: Partial<WasiConfig>): Run {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  let instance: WebAssembly.Instance | undefined;
  const wasi = createWasiImports(
    { args: [], env: {}, clockGranularityMs: 1, ...config },
    { stdout: (b) => out.push(b), stderr: (b) => err.push(b) },
    () => instance?.exports.memory as WebAssembly.Memory,
  );
  instance = new WebAssembly.Instance(probe, { wasi_snapshot_preview1: wasi });
  let code = 0;
  try {
    (instance.exports._start as () => void)();
  } catch (e) {
    if (!(e instanceof WasiExit)) throw e;
    code = e.code;
  } finally {
    closeWasiFiles(wasi);
  }
  return { code, stdout: text.decode(Buffer.concat(out)), stderr: text.decode(Buffer.concat(err)) };
}

let tmp: string;
let root: string;
const cmd = (...args: string[]): Run => run({ args: ['probe', ...args], dir: root });

beforeEach(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'warden-wasi-')));
  root = join(tmp, 'root');
  mkdirSync(join(root, 'sub'), { recursive: true });
  writeFileSync(join(tmp, 'outside.txt'), 'secret');
  writeFileSync(join(root, 'inside.txt'), 'inside');
  symlinkSync('../outside.txt', join(root, 'escape'));
  symlinkSync(join(tmp, 'outside.txt'), join(root, 'abs-escape'));
  symlinkSync(tmp, join(root, 'dir-escape'));
  symlinkSync('inside.txt', join(root, 'ok-link'));
  symlinkSync(join(root, 'inside.txt'), join(root, 'abs-ok'));
  symlinkSync('../inside.txt', join(root, 'sub', 'up'));
  symlinkSync('loop', join(root, 'loop'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('WASI shim through wasi-libc', () => {
  it('sends stdout and stderr to io, and exit(3) ends with WasiExit code 3', () => {
    assert.deepEqual(run({ args: ['probe', 'hello'] }), { code: 0, stdout: 'hello stdout\n', stderr: 'hello stderr\n' });
    assert.equal(run({ args: ['probe', 'exit'] }).code, 3);
  });

  it('gives the guest no args and no environment unless configured', () => {
    assert.equal(run({}).stdout, 'argc=0\n');
    const configured = run({ args: ['p', 'env', 'x y'], env: { A: '1', CMD: 'env' } });
    assert.equal(configured.stdout, 'argc=3\narg=p\narg=env\narg=x y\nenv=A=1\nenv=CMD=env\n');
    assert.equal(run({ env: { CMD: 'hello' } }).stdout, 'hello stdout\n');
  });

  it('has no filesystem at all without dir', () => {
    const r = run({ args: ['probe', 'read', '/inside.txt'] });
    assert.match(r.stdout, /^err open \d+\n$/);
    assert.match(run({ args: ['probe', 'list', '/'] }).stdout, /^err opendir/);
  });

  it('writes, appends, seeks, reads, renames and removes files under /', () => {
    assert.equal(cmd('write', '/note.txt', 'from guest').stdout, 'wrote /note.txt\n');
    assert.equal(readFileSync(join(root, 'note.txt'), 'utf8'), 'from guest');
    assert.equal(cmd('read', '/note.txt').stdout, 'read from guest\n');
    rmSync(join(root, 'sub'), { recursive: true });
    const r = cmd('roundtrip');
    assert.equal(r.stdout, [
      'wrote /sub/a.txt', 'tail world', 'head hello', 'size 11 regular 1', 'read hello world', 'done', '',
    ].join('\n'));
    assert.equal(r.code, 0);
  });

  it('lists a directory with . and .. and file types', () => {
    const lines = cmd('list', '/').stdout.trim().split('\n').sort();
    for (const expected of ['entry . 1', 'entry .. 1', 'entry inside.txt 0', 'entry sub 1', 'entry escape 0']) {
      assert.ok(lines.includes(expected), `${expected} missing from ${lines.join(', ')}`);
    }
    assert.equal(cmd('list', '/sub').stdout.trim().split('\n').sort().join(','), 'entry . 1,entry .. 1,entry up 0');
  });

  it('follows symlinks that stay inside the root, and reports them as guest paths', () => {
    assert.equal(cmd('read', '/ok-link').stdout, 'read inside\n');
    assert.equal(cmd('read', '/abs-ok').stdout, 'read inside\n');
    assert.equal(cmd('read', '/sub/up').stdout, 'read inside\n');
    assert.equal(cmd('readlink', '/ok-link').stdout, 'target inside.txt\n');
    assert.equal(cmd('readlink', '/abs-ok').stdout, 'target /inside.txt\n');
  });

  it('refuses every way out of the root, and leaves the outside untouched', () => {
    for (const path of ['../outside.txt', '/../../etc/passwd', '/escape', '/abs-escape', '/dir-escape/outside.txt']) {
      assert.equal(cmd('read', path).stdout, `err open ${E.NOTCAPABLE}\n`, path);
      assert.equal(cmd('write', path, 'pwned').stdout, `err open ${E.NOTCAPABLE}\n`, path);
    }
    assert.equal(cmd('list', '/dir-escape').stdout, `err opendir ${E.NOTCAPABLE}\n`);
    assert.equal(cmd('stat', '/dir-escape').stdout, `err stat ${E.NOTCAPABLE}\n`);
    assert.equal(cmd('readlink', '/escape').stdout, `err readlink ${E.NOTCAPABLE}\n`);
    assert.equal(cmd('read', '/loop').stdout, `err open ${E.LOOP}\n`);
    assert.equal(cmd('read', '/inside.txt/x').stdout, `err open ${E.NOTDIR}\n`);
    // Moving a relative link changes where it points: it is checked again when used.
    assert.equal(cmd('rename', '/sub/up', '/up').stdout, 'renamed\n');
    assert.equal(cmd('read', '/up').stdout, `err open ${E.NOTCAPABLE}\n`);
    // Removing a link removes the link, never its target.
    assert.equal(cmd('unlink', '/escape').stdout, 'unlinked\n');
    assert.equal(readFileSync(join(tmp, 'outside.txt'), 'utf8'), 'secret');
    assert.deepEqual(readdirSync(tmp).sort(), ['outside.txt', 'root']);
  });

  it('never lets the guest create links', () => {
    const before = readdirSync(root).sort();
    assert.equal(cmd('symlink', '/etc/passwd', '/mine').stdout, `err symlink ${E.NOTSUP}\n`);
    assert.equal(cmd('symlink', 'inside.txt', '/mine').stdout, `err symlink ${E.NOTSUP}\n`);
    assert.equal(cmd('link', '/inside.txt', '/hard').stdout, `err link ${E.NOTSUP}\n`);
    assert.deepEqual(readdirSync(root).sort(), before);
  });

  it('refuses FIFOs instead of blocking the worker on them', () => {
    execFileSync('mkfifo', [join(root, 'fifo')]);
    assert.equal(cmd('read', '/fifo').stdout, `err open ${E.NOTSUP}\n`);
    assert.equal(cmd('write', '/fifo', 'x').stdout, `err open ${E.NOTSUP}\n`);
  });

  it('coarsens clocks to the configured granularity', () => {
    const before = Date.now();
    const r = run({ args: ['probe', 'clock'], clockGranularityMs: 50 });
    const value = (name: string): bigint => BigInt(new RegExp(`^${name} (\\d+)`, "m").exec(r.stdout)?.[1] ?? -1);
    const realtime = value('realtime');
    const monotonic = value('monotonic');
    assert.equal(realtime % 50_000_000n, 0n);
    assert.equal(monotonic % 50_000_000n, 0n);
    assert.equal(value('resolution'), 50_000_000n);
    const ms = Number(realtime / 1_000_000n);
    assert.ok(ms >= before - 50 && ms <= Date.now(), `realtime ${ms} not near ${before}`);
    assert.equal(BigInt(value('time')), realtime / 1_000_000_000n);
  });

  it('sleeps through poll_oneoff for nanosleep', () => {
    const start = performance.now();
    const slept = BigInt(/slept (\d+)/.exec(run({ args: ['probe', 'sleep'] }).stdout)?.[1] ?? -1);
    assert.ok(performance.now() - start >= 59, 'nanosleep returned early');
    assert.ok(slept >= 59_000_000n, `monotonic advanced only ${slept} ns`);
  });

  it('returns random bytes', () => {
    const lines = run({ args: ['probe', 'random'] }).stdout.split('\n');
    assert.match(lines[0] ?? '', /^random [0-9a-f]{64}$/);
    assert.match(lines[1] ?? '', /^random [0-9a-f]{64}$/);
    assert.notEqual(lines[0], lines[1]);
    assert.match(lines[2] ?? '', /^arc4random \d+$/);
  });
});

describe('WASI shim at the raw ABI', () => {
  const encoder = new TextEncoder();
  type Fn = (...args: unknown[]) => number | void;

  /** A shim over a bare memory, so tests can pass any pointer they like. */
  function raw(config: Partial<WasiConfig> = {}, memory = new WebAssembly.Memory({ initial: 1 })) {
    const out: string[] = [];
    const wasi = createWasiImports(
      { args: [], env: {}, clockGranularityMs: 1, ...config },
      { stdout: (b) => out.push(text.decode(b)), stderr: () => {} },
      () => memory,
    );
    const call = (name: string, ...args: unknown[]): number | void => (wasi[name] as Fn)(...args);
    const put = (ptr: number, s: string): number => {
      const bytes = encoder.encode(s);
      new Uint8Array(memory.buffer).set(bytes, ptr);
      return bytes.length;
    };
    const u32 = (ptr: number): number => new DataView(memory.buffer).getUint32(ptr, true);
    const setU32 = (ptr: number, v: number): void => new DataView(memory.buffer).setUint32(ptr, v, true);
    /** path_open relative to fd 3; returns [errno, new fd]. */
    const open = (path: string, oflags = 0, rights = FD_READ, follow = 1): [number | void, number] => {
      const errno = call('path_open', 3, follow, 1024, put(1024, path), oflags, rights, 0n, 0, 2048);
      return [errno, u32(2048)];
    };
    return { wasi, memory, out, call, put, u32, setU32, open };
  }

  it('implements exactly wasi_snapshot_preview1, with no inherited properties', () => {
    const names = ['args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_res_get',
      'clock_time_get', 'fd_advise', 'fd_allocate', 'fd_close', 'fd_datasync', 'fd_fdstat_get',
      'fd_fdstat_set_flags', 'fd_fdstat_set_rights', 'fd_filestat_get', 'fd_filestat_set_size',
      'fd_filestat_set_times', 'fd_pread', 'fd_prestat_get', 'fd_prestat_dir_name', 'fd_pwrite', 'fd_read',
      'fd_readdir', 'fd_renumber', 'fd_seek', 'fd_sync', 'fd_tell', 'fd_write', 'path_create_directory',
      'path_filestat_get', 'path_filestat_set_times', 'path_link', 'path_open', 'path_readlink',
      'path_remove_directory', 'path_rename', 'path_symlink', 'path_unlink_file', 'poll_oneoff', 'proc_exit',
      'proc_raise', 'random_get', 'sched_yield', 'sock_accept', 'sock_recv', 'sock_send', 'sock_shutdown'];
    const { wasi } = raw();
    assert.deepEqual(Object.keys(wasi).sort(), names.sort());
    assert.equal(Object.getPrototypeOf(wasi), null);
    assert.equal('constructor' in wasi, false);
  });

  it('preopens fd 3 as "/" only when dir is set', () => {
    const none = raw();
    assert.equal(none.call('fd_prestat_get', 3, 0), E.BADF);
    assert.equal(none.open('inside.txt')[0], E.BADF);
    const r = raw({ dir: root });
    assert.equal(r.call('fd_prestat_get', 3, 0), 0);
    assert.deepEqual([r.u32(0), r.u32(4)], [0, 1]);
    assert.equal(r.call('fd_prestat_dir_name', 3, 100, 1), 0);
    assert.equal(text.decode(new Uint8Array(r.memory.buffer, 100, 1)), '/');
    assert.equal(r.call('fd_prestat_get', 4, 0), E.BADF);
  });

  it('returns EFAULT for every out-of-range pointer, before any side effect', () => {
    const r = raw({ dir: root });
    const end = 65536;
    r.setU32(0, 16);
    r.setU32(4, 5);
    r.put(16, 'hello');
    assert.equal(r.call('fd_write', 1, end - 4, 1, 100), E.FAULT); // iovec array straddles the end
    assert.equal(r.call('fd_write', 1, 0, 1, end - 2), E.FAULT); // result pointer
    assert.equal(r.call('fd_write', 1, 0, 1, -4), E.FAULT); // i32 -4 is 0xfffffffc
    r.setU32(8, end - 2);
    r.setU32(12, 10);
    assert.equal(r.call('fd_write', 1, 0, 2, 100), E.FAULT); // second buffer out of range
    assert.deepEqual(r.out, []);
    assert.equal(r.call('args_sizes_get', end - 1, 0), E.FAULT);
    assert.equal(r.call('clock_time_get', 0, 0n, end - 7), E.FAULT);
    assert.equal(r.call('random_get', end - 10, 11), E.FAULT);
    assert.equal(r.call('path_open', 3, 0, end - 5, 10, 0, FD_READ, 0n, 0, 0), E.FAULT);
    assert.equal(r.call('fd_readdir', 3, end - 10, 100, 0n, 0), E.FAULT);
    assert.equal(r.call('poll_oneoff', 0, end - 10, 1, 0), E.FAULT);
    assert.equal(r.call('fd_write', 1, 0, 1, 100), 0);
    assert.deepEqual(r.out, ['hello']);
  });

  it('answers unknown or unsuitable descriptors with errno values', () => {
    const r = raw({ dir: root });
    assert.equal(r.call('fd_write', 99, 0, 0, 0), E.BADF);
    assert.equal(r.call('fd_close', 99), E.BADF);
    assert.equal(r.call('fd_read', 1, 0, 0, 0), E.BADF);
    assert.equal(r.call('fd_seek', 1, 0n, 0, 0), 70); // ESPIPE
    assert.equal(r.call('fd_read', 0, 0, 0, 8), 0); // stdin: EOF
    assert.equal(r.u32(8), 0);
    assert.equal(r.call('sock_recv', 1, 0, 0, 0, 0, 0), 57); // ENOTSOCK
    assert.equal(r.call('sock_send', 99, 0, 0, 0, 0), E.BADF);
    assert.equal(r.call('proc_raise', 9), 52); // ENOSYS
    assert.equal(r.call('path_symlink', 0, 0, 3, 0, 0), E.NOTSUP);
    assert.equal(r.call('path_link', 3, 0, 0, 0, 3, 0, 0), E.NOTSUP);
  });

  it('resolves .. lexically inside the root and refuses it above', () => {
    const r = raw({ dir: root });
    assert.equal(r.open('/etc/passwd')[0], E.NOTCAPABLE);
    assert.equal(r.open('../outside.txt')[0], E.NOTCAPABLE);
    assert.equal(r.open('sub/../../outside.txt')[0], E.NOTCAPABLE);
    assert.equal(r.open('sub/../inside.txt')[0], 0);
    assert.equal(r.open('missing/../inside.txt')[0], 0);
    assert.equal(r.open('escape', 0, FD_READ, 0)[0], E.LOOP); // not following: the link itself
    assert.equal(r.open('')[0], E.NOENT);
    assert.equal(r.open('nul\0byte')[0], E.INVAL);
  });

  it('re-checks an open directory on every use, so a swapped-in symlink does not escape', () => {
    const r = raw({ dir: root });
    const [errno, subFd] = r.open('sub', 2);
    assert.equal(errno, 0);
    rmSync(join(root, 'sub'), { recursive: true });
    symlinkSync(tmp, join(root, 'sub')); // a host-side actor replaces the directory
    const len = r.put(1024, 'outside.txt');
    assert.equal(r.call('path_open', subFd, 1, 1024, len, 0, FD_READ, 0n, 0, 2048), E.NOTCAPABLE);
    assert.equal(r.call('fd_readdir', subFd, 4096, 1024, 0n, 2048), E.NOTCAPABLE);
  });

  it('lists directories in pieces when the buffer is small, with stable cookies', () => {
    const r = raw({ dir: root });
    assert.equal(r.call('fd_readdir', 3, 4096, 30, 0n, 2048), 0);
    assert.equal(r.u32(2048), 30); // a full buffer: the caller must retry with a larger one
    const names: string[] = [];
    let cookie = 0n;
    for (;;) {
      assert.equal(r.call('fd_readdir', 3, 4096, 64, cookie, 2048), 0);
      const used = r.u32(2048);
      if (used < 24) break;
      const dv = new DataView(r.memory.buffer, 4096);
      const nameLen = dv.getUint32(16, true);
      assert.ok(24 + nameLen <= used, 'one whole entry fits in 64 bytes');
      names.push(text.decode(new Uint8Array(r.memory.buffer, 4096 + 24, nameLen).slice()));
      cookie = dv.getBigUint64(0, true);
    }
    assert.deepEqual(names.sort(), ['.', '..', ...readdirSync(root)].sort());
  });

  it('refuses a bad configuration before any guest code runs', () => {
    const io = { stdout: () => {}, stderr: () => {} };
    const mem = () => new WebAssembly.Memory({ initial: 1 });
    const base = { args: [], env: {}, clockGranularityMs: 1 };
    assert.throws(() => createWasiImports({ ...base, dir: join(tmp, 'missing') }, io, mem));
    assert.throws(() => createWasiImports({ ...base, dir: join(root, 'inside.txt') }, io, mem));
    assert.throws(() => createWasiImports({ ...base, args: ['a\0b'] }, io, mem));
    assert.throws(() => createWasiImports({ ...base, env: { 'A=B': 'c' } }, io, mem));
    assert.throws(() => createWasiImports({ ...base, clockGranularityMs: -1 }, io, mem));
    // A dir given through a symlink is mounted at its real location.
    symlinkSync(root, join(tmp, 'root-link'));
    const r = raw({ dir: join(tmp, 'root-link') });
    assert.equal(r.open('inside.txt')[0], 0);
    rmSync(join(tmp, 'root-link'));
  });

  it('enforces rights: read-only stays read-only, rights only shrink', () => {
    const r = raw({ dir: root });
    const [errno, fd] = r.open('inside.txt');
    assert.equal(errno, 0);
    r.setU32(0, 16);
    r.setU32(4, 1);
    assert.equal(r.call('fd_write', fd, 0, 1, 8), E.NOTCAPABLE);
    assert.equal(r.call('fd_fdstat_set_rights', fd, FD_READ | FD_WRITE, 0n), E.NOTCAPABLE);
    assert.equal(r.call('fd_fdstat_set_rights', fd, 0n, 0n), 0);
    assert.equal(r.call('fd_read', fd, 0, 1, 8), E.NOTCAPABLE);
    assert.equal(readFileSync(join(root, 'inside.txt'), 'utf8'), 'inside');
  });

  it(`caps open descriptors at ${MAX_OPEN_FDS} (EMFILE) and closes them on request`, () => {
    const r = raw({ dir: root });
    const fds: number[] = [];
    for (;;) {
      const [errno, fd] = r.open('inside.txt');
      if (errno !== 0) {
        assert.equal(errno, E.MFILE);
        break;
      }
      fds.push(fd);
    }
    assert.equal(fds.length, MAX_OPEN_FDS - 4);
    assert.equal(r.call('fd_close', fds[0]), 0);
    assert.equal(r.open('inside.txt')[0], 0);
    closeWasiFiles(r.wasi);
    assert.equal(r.call('fd_read', fds[1], 0, 0, 8), E.BADF);
  });

  it('sees memory growth and works on shared memories', () => {
    const r = raw();
    r.memory.grow(1);
    assert.equal(r.call('random_get', 65536, 65536), 0);
    const shared = raw({ dir: root }, new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }));
    assert.equal(shared.call('random_get', 0, 65536), 0);
    const [, fd] = shared.open('inside.txt');
    shared.setU32(0, 100);
    shared.setU32(4, 64);
    assert.equal(shared.call('fd_read', fd, 0, 1, 8), 0);
    assert.equal(text.decode(new Uint8Array(shared.memory.buffer, 100, shared.u32(8)).slice()), 'inside');
  });

  it('fills large random_get requests in chunks', () => {
    const r = raw({}, new WebAssembly.Memory({ initial: 4 }));
    assert.equal(r.call('random_get', 0, 200_000), 0);
    const bytes = new Uint8Array(r.memory.buffer, 0, 200_000);
    assert.ok(bytes.subarray(190_000).some((b) => b !== 0));
  });

  it('coarsens every clock and rejects unknown ones', () => {
    const r = raw({ clockGranularityMs: 7 });
    for (const id of [0, 1, 2, 3]) {
      assert.equal(r.call('clock_time_get', id, 1n, 0), 0);
      assert.equal(new DataView(r.memory.buffer).getBigUint64(0, true) % 7_000_000n, 0n, `clock ${id}`);
      assert.equal(r.call('clock_res_get', id, 0), 0);
      assert.equal(new DataView(r.memory.buffer).getBigUint64(0, true), 7_000_000n);
    }
    assert.equal(r.call('clock_time_get', 4, 0n, 0), E.INVAL);
    const fs = raw({ dir: root, clockGranularityMs: 7 });
    assert.equal(fs.call('path_filestat_get', 3, 1, 1024, fs.put(1024, 'inside.txt'), 0), 0);
    const stat = new DataView(fs.memory.buffer);
    assert.equal(stat.getBigUint64(32, true), 6n); // size
    for (const at of [40, 48, 56]) assert.equal(stat.getBigUint64(at, true) % 7_000_000n, 0n, 'file times are coarsened');
  });

  it('poll_oneoff sleeps for clocks and reports fds ready at once', () => {
    const r = raw();
    const dv = () => new DataView(r.memory.buffer);
    const clock = (at: number, userdata: bigint, timeoutNs: bigint, flags = 0): void => {
      dv().setBigUint64(at, userdata, true);
      dv().setUint8(at + 8, 0);
      dv().setUint32(at + 16, 1, true);
      dv().setBigUint64(at + 24, timeoutNs, true);
      dv().setUint16(at + 40, flags, true);
    };
    clock(0, 42n, 30_000_000n);
    let start = performance.now();
    assert.equal(r.call('poll_oneoff', 0, 1000, 1, 2000), 0);
    assert.ok(performance.now() - start >= 29);
    assert.equal(r.u32(2000), 1);
    assert.equal(dv().getBigUint64(1000, true), 42n);
    // stdin readable (at EOF) next to a 10 s timer: returns at once with the fd event only.
    clock(0, 1n, 10_000_000_000n);
    dv().setBigUint64(48, 2n, true);
    dv().setUint8(56, 1);
    dv().setUint32(64, 0, true);
    start = performance.now();
    assert.equal(r.call('poll_oneoff', 0, 1000, 2, 2000), 0);
    assert.ok(performance.now() - start < 1000);
    assert.equal(r.u32(2000), 1);
    assert.equal(dv().getBigUint64(1000, true), 2n);
    assert.equal(dv().getUint16(1024, true), 1); // HANGUP
    clock(0, 3n, 0n, 1); // absolute time 0: already past
    assert.equal(r.call('poll_oneoff', 0, 1000, 1, 2000), 0);
    assert.equal(r.u32(2000), 1);
    assert.equal(r.call('poll_oneoff', 0, 1000, 0, 2000), E.INVAL);
  });

  it('proc_exit throws WasiExit, and so does every call after it', () => {
    const r = raw();
    assert.throws(() => r.call('proc_exit', 7), (e) => e instanceof WasiExit && e.code === 7);
    assert.throws(() => r.call('fd_write', 1, 0, 0, 0), (e) => e instanceof WasiExit && e.code === 7);
  });

  it('survives random arguments to every function without throwing or leaving the root', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    let r = raw({ dir: root, args: ['a'], env: { B: 'c' } }, memory);
    // Which parameters are i64 (the guest passes those as bigint).
    const i64 = new Map<string, number[]>([
      ['clock_time_get', [1]], ['fd_advise', [1, 2]], ['fd_allocate', [1, 2]], ['fd_fdstat_set_rights', [1, 2]],
      ['fd_filestat_set_size', [1]], ['fd_filestat_set_times', [1, 2]], ['fd_pread', [3]], ['fd_pwrite', [3]],
      ['fd_readdir', [3]], ['fd_seek', [1]], ['path_filestat_set_times', [4, 5]], ['path_open', [5, 6]],
    ]);
    let seed = 12345; // mulberry32: reproducible
    const rand = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n);
    };
    const bytes = new Uint8Array(r.memory.buffer);
    for (let i = 0; i < 65536; i++) bytes[i] = rand(3) === 0 ? 0x61 + rand(3) : rand(256);
    r.put(4000, 'sub/fuzz.txt');
    r.put(4100, '../outside.txt');
    const small = (): number => [0, 1, 2, 3, 3, 3, 4, 5, 4000, 4100, 12, 14, -1][rand(13)] as number;
    const int = (): number => (rand(2) === 0 ? small() : rand(3) === 0 ? -rand(1 << 30) : rand(70000));
    const big = (): bigint => (rand(2) === 0 ? BigInt(rand(100)) : BigInt(rand(1 << 30)) * BigInt(rand(1 << 30)) * BigInt(rand(3) - 1));
    const names = Object.keys(r.wasi).filter((n) => n !== 'proc_exit' && n !== 'poll_oneoff');
    const seen = new Set<number>();
    for (let i = 0; i < 30000; i++) {
      // Fresh sessions now and then: random fd_close/fd_renumber soon lose the preopen.
      if (i % 100 === 0) {
        closeWasiFiles(r.wasi);
        r = raw({ dir: root, args: ['a'], env: { B: 'c' } }, memory);
      }
      const name = names[rand(names.length)] as string;
      const wide = i64.get(name) ?? [];
      // Now and then the wrong JS type, as a module importing with a wrong signature would pass.
      const args = Array.from({ length: 9 }, (_, k) => (wide.includes(k) !== (rand(20) === 0) ? big() : int()));
      const result = r.call(name, ...args);
      assert.ok(typeof result === 'number' && result >= 0 && result <= 76, `${name} returned ${String(result)}`);
      seen.add(result);
    }
    assert.ok(seen.size > 10, `only errno values ${[...seen].join(',')} seen: the fuzz is too shallow`);
    closeWasiFiles(r.wasi);
    assert.equal(readFileSync(join(tmp, 'outside.txt'), 'utf8'), 'secret');
    assert.deepEqual(readdirSync(tmp).sort(), ['outside.txt', 'root']);
  });
});
