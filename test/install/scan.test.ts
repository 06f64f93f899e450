// The install-time scan: one test per rule, a clean plugin that passes, and a plugin with many
// problems whose every reason is listed. Fixture modules are built here from WAT.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import wabtInit from 'wabt';
import { WardenError } from '../../src/errors.js';
import { assertScanPassed, resolveScanLimits, scanPlugin, type ScanFinding, type ScanLimits, type ScanReport } from '../../src/install/scan.js';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import { encodeU32 } from '../../src/runtime/wasm/reader.js';

const wabt = await wabtInit();
const FEATURES = { threads: true, memory64: true, multi_value: true, bulk_memory: true, reference_types: true };

function wat(source: string): Uint8Array {
  const mod = wabt.parseWat('scan.wat', source, FEATURES);
  try {
    return mod.toBinary({}).buffer;
  } finally {
    mod.destroy();
  }
}

interface ManifestParts {
  tools?: string[];
  capabilities?: string[];
  limits?: string;
}

/** A manifest with the given tools (names), capabilities (YAML list items) and limits. */
function manifest({ tools = [], capabilities = [], limits }: ManifestParts = {}): Manifest {
  const lines = ['name: p', 'version: 1.0.0', 'description: d', 'wasm: p.wasm'];
  if (tools.length > 0) lines.push('tools:', ...tools.map((t) => `  - { name: ${t}, description: d }`));
  if (capabilities.length > 0) lines.push('capabilities:', ...capabilities.map((c) => `  - ${c}`));
  if (limits !== undefined) lines.push(`limits: ${limits}`);
  return parseManifest(lines.join('\n'), 'scan-test.yaml').manifest;
}

/** Scans one module named main. */
function scan(parts: ManifestParts, source: string | Uint8Array, limits?: Partial<ScanLimits>): ScanReport {
  const bytes = typeof source === 'string' ? wat(source) : source;
  return scanPlugin(manifest(parts), [{ name: 'main', bytes }], limits);
}

/** The findings with `code`. */
function withCode(report: ScanReport, code: string): ScanFinding[] {
  return report.findings.filter((f) => f.code === code);
}

/** The one finding with `code`, which must have `severity`. */
function one(report: ScanReport, code: string, severity: ScanFinding['severity']): ScanFinding {
  const found = withCode(report, code);
  assert.equal(found.length, 1, `expected one ${code} finding, got ${JSON.stringify(report.findings, null, 1)}`);
  assert.equal(found[0]!.severity, severity);
  assert.equal(report.refused, report.findings.some((f) => f.severity === 'refuse'));
  return found[0]!;
}

function codes(report: ScanReport): string[] {
  return report.findings.map((f) => f.code);
}

/** A module with nothing but a memory and a `run` export. */
const PLAIN = '(module (memory (export "memory") 1 2) (func (export "run") (result i32) i32.const 0))';

describe('scanPlugin: a clean plugin', () => {
  const source = `(module
    (import "extism:host/env" "input_length" (func (result i64)))
    (import "extism:host/env" "output_set" (func (param i64 i64)))
    (import "extism:host/user" "warden_kv_get" (func (param i64) (result i64)))
    (import "extism:host/user" "warden_context_get" (func (result i64)))
    (memory (export "memory") 1 16)
    (func (export "greet") (result i32) i32.const 0)
    (func (export "_initialize"))
    (func (export "on_enable") (result i32) i32.const 0))`;

  it('passes with no finding at all, and summarises the module', () => {
    const bytes = wat(source);
    const report = scanPlugin(manifest({ tools: ['greet'], capabilities: ['storage: kv'] }), [{ name: 'main', bytes }]);
    assert.deepEqual(report.findings, []);
    assert.equal(report.refused, false);
    assert.equal(report.risk, 'medium');
    assert.deepEqual(report.modules, [{
      name: 'main', sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length, functions: 3,
      exports: ['memory', 'greet', '_initialize', 'on_enable'],
    }]);
    assertScanPassed(report);
  });

  it('reports low risk for a plugin that declares nothing', () => {
    assert.equal(scan({ tools: ['run'] }, PLAIN).risk, 'low');
  });
});

describe('scanPlugin: refusals', () => {
  it('invalid-wasm: bytes the reader cannot parse', () => {
    const f = one(scan({}, Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9, 1])), 'invalid-wasm', 'refuse');
    assert.equal(f.module, 'main');
    assert.match(f.message, /not valid WebAssembly \(malformed module/);
    one(scan({}, new TextEncoder().encode('#!/bin/sh\nrm -rf /')), 'invalid-wasm', 'refuse');
  });

  it('invalid-wasm: a module the reader accepts but WebAssembly.validate rejects', () => {
    const f = one(scan({}, '(module (func (result i32) i64.const 1))'), 'invalid-wasm', 'refuse');
    assert.match(f.message, /validator rejects it/);
  });

  it('unknown-import-module: unknown namespaces, env functions, and a module importing itself', () => {
    const report = scan({}, `(module
      (import "foo" "bar" (func))
      (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
      (import "main" "x" (func))
      (import "env" "printf" (func (param i32) (result i32)))
      (import "env" "memory" (memory 1 2)))`);
    const found = withCode(report, 'unknown-import-module');
    assert.equal(found.length, 2);
    assert.match(found[0]!.message, /imports from "foo", "wasi_unstable", "main", which no one provides/);
    assert.match(found[1]!.message, /imports "printf" from "env", which provides only an imported memory/);
    assert.ok(found.every((f) => f.severity === 'refuse'));
  });

  it('accepts a memory imported from env', () => {
    assert.deepEqual(scan({}, '(module (import "env" "memory" (memory 1 2)))').findings, []);
  });

  it('unknown-kernel-import and kernel-import-signature: extism:host/env is the ABI, exactly', () => {
    const report = scan({}, `(module
      (import "extism:host/env" "exec" (func (param i64)))
      (import "extism:host/env" "alloc" (func (param i32) (result i32))))`);
    assert.match(one(report, 'unknown-kernel-import', 'refuse').message, /"exec" from extism:host\/env, which are not functions of the Extism ABI/);
    assert.match(one(report, 'kernel-import-signature', 'refuse').message, /"alloc" with the wrong signature: imported as \(i:i\) but it is \(I:I\)/);
  });

  it('capability-not-declared: a Warden function or http_request without its capability', () => {
    const source = `(module
      (import "extism:host/user" "warden_kv_get" (func (param i64) (result i64)))
      (import "extism:host/user" "warden_kv_set" (func (param i64 i64)))
      (import "extism:host/user" "warden_vault_get" (func (param i64) (result i64)))
      (import "extism:host/env" "http_request" (func (param i64 i64) (result i64)))
      (import "extism:host/env" "http_status_code" (func (result i32))))`;
    const report = scan({}, source);
    const found = withCode(report, 'capability-not-declared');
    assert.deepEqual(found.map((f) => f.severity), ['refuse', 'refuse', 'refuse']);
    assert.match(found[0]!.message, /"warden_kv_get", "warden_kv_set" but the manifest does not declare the storage capability; add "- storage: kv"/);
    assert.match(found[1]!.message, /"warden_vault_get" .* vault capability/);
    assert.match(found[2]!.message, /"http_request", "http_status_code" .* network capability; add "- network: \[api.example.com\]"/);
    const declared = scan({ capabilities: ['storage: kv', 'vault: [k]', 'network: [api.example.com]'] }, source);
    assert.deepEqual(withCode(declared, 'capability-not-declared'), []);
  });

  it('capability-not-declared: baseline capabilities (context, config) need no declaration', () => {
    const report = scan({}, `(module
      (import "extism:host/user" "warden_context_get" (func (result i64)))
      (import "extism:host/env" "config_get" (func (param i64) (result i64))))`);
    assert.deepEqual(report.findings, []);
  });

  it('host-import-signature: a Warden function with the wrong signature', () => {
    const report = scan({ capabilities: ['storage: kv'] }, '(module (import "extism:host/user" "warden_kv_get" (func (param i32) (result i32))))');
    assert.match(one(report, 'host-import-signature', 'refuse').message, /warden_kv_get" with the wrong signature: imported as \(i:i\) but it is \(I:I\)/);
  });

  it('unsupported-import-kind: only functions come from the Extism, Warden and WASI namespaces', () => {
    const report = scan({}, '(module (import "extism:host/env" "memory" (memory 1)) (import "extism:host/user" "g" (global i32)))');
    const found = withCode(report, 'unsupported-import-kind');
    assert.equal(found.length, 2);
    assert.match(found[0]!.message, /"memory \(memory\)" from extism:host\/env, which provides only functions/);
  });

  describe('WASI', () => {
    const fdWrite = '(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))';
    const pathOpen = '(import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))';
    const prestat = '(import "wasi_snapshot_preview1" "fd_prestat_get" (func (param i32 i32) (result i32)))';

    it('wasi-not-declared: any WASI import needs wasi or filesystem', () => {
      const report = scan({}, `(module ${fdWrite} ${pathOpen})`);
      assert.match(one(report, 'wasi-not-declared', 'refuse').message, /WASI functions \("fd_write"\) but the manifest declares neither wasi nor filesystem/);
      assert.match(one(report, 'filesystem-not-declared', 'refuse').message, /\("path_open"\) but the manifest does not declare filesystem/);
      assert.deepEqual(scan({ capabilities: ['wasi'] }, `(module ${fdWrite})`).findings, []);
      assert.deepEqual(scan({ capabilities: ['filesystem'] }, `(module ${fdWrite})`).findings, []);
    });

    it('filesystem-not-declared: path_* and fd_prestat_* need filesystem, wasi is not enough', () => {
      const f = one(scan({ capabilities: ['wasi'] }, `(module ${fdWrite} ${pathOpen} ${prestat})`), 'filesystem-not-declared', 'refuse');
      assert.match(f.message, /\("path_open", "fd_prestat_get"\) but the manifest does not declare filesystem/);
      assert.deepEqual(scan({ capabilities: ['wasi', 'filesystem'] }, `(module ${fdWrite} ${pathOpen} ${prestat})`).findings, []);
    });

    it('unknown-wasi-import and wasi-import-signature', () => {
      const report = scan({ capabilities: ['wasi'] }, `(module
        (import "wasi_snapshot_preview1" "fd_teleport" (func))
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32) (result i64))))`);
      assert.match(one(report, 'unknown-wasi-import', 'refuse').message, /"fd_teleport" from wasi_snapshot_preview1, which are not WASI preview 1 functions/);
      assert.match(one(report, 'wasi-import-signature', 'refuse').message, /"fd_write" with the wrong signature/);
    });
  });

  it('tool-not-exported: a declared tool the entry module does not export as a function', () => {
    const report = scan({ tools: ['run', 'missing', 'memory'] }, PLAIN);
    const found = withCode(report, 'tool-not-exported');
    assert.deepEqual(found.map((f) => /tool "(\w+)"/.exec(f.message)?.[1]), ['missing', 'memory']);
  });

  it('tool-export-signature: a tool exported with parameters Warden cannot pass', () => {
    const report = scan({ tools: ['add'] }, '(module (func (export "add") (param i32 i32) (result i32) local.get 0))');
    one(report, 'tool-export-signature', 'refuse');
  });

  it('the entry is the module named main, or else the last one', () => {
    const lib = wat('(module (func (export "helper") (result i32) i32.const 1))');
    const main = wat(PLAIN);
    const m = manifest({ tools: ['run'] });
    assert.deepEqual(withCode(scanPlugin(m, [{ name: 'main', bytes: main }, { name: 'lib', bytes: lib }]), 'tool-not-exported'), []);
    assert.equal(withCode(scanPlugin(m, [{ name: 'a', bytes: main }, { name: 'b', bytes: lib }]), 'tool-not-exported').length, 1);
  });

  it('module-import-missing: imports between modules must match an export', () => {
    const lib = wat('(module (func (export "helper") (result i32) i32.const 1))');
    const main = wat(`(module
      (import "lib" "helper" (func (result i32)))
      (import "lib" "nothing" (func))
      (func (export "run") (result i32) i32.const 0))`);
    const report = scanPlugin(manifest({ tools: ['run'] }), [{ name: 'lib', bytes: lib }, { name: 'main', bytes: main }]);
    assert.match(one(report, 'module-import-missing', 'refuse').message, /imports "nothing" from module "lib", which does not export them/);
  });

  it('no-modules and duplicate-module-name', () => {
    one(scanPlugin(manifest(), []), 'no-modules', 'refuse');
    const bytes = wat(PLAIN);
    one(scanPlugin(manifest(), [{ name: 'a', bytes }, { name: 'a', bytes }]), 'duplicate-module-name', 'refuse');
  });

  describe('size and complexity caps', () => {
    const big = `(module
      (import "extism:host/env" "alloc" (func (param i64) (result i64)))
      (import "extism:host/env" "free" (func (param i64)))
      (table 2 funcref) (table 50 funcref)
      (memory (export "memory") 4 8)
      (data (i32.const 0) "aaaaaaaaaaaaaaaaaaaaaaaa") (data (i32.const 100) "b") (data (i32.const 200) "c")
      (func (export "a") (result i32) i32.const 0) (func (export "b")) (func (export "c")))`;
    const cases: [keyof ScanLimits, number, string][] = [
      ['moduleMaxBytes', 64, 'module-too-large'],
      ['maxFunctions', 2, 'too-many-functions'],
      ['codeMaxBytes', 4, 'code-too-large'],
      ['maxDataSegments', 2, 'too-many-data-segments'],
      ['dataMaxBytes', 16, 'data-too-large'],
      ['maxTables', 1, 'too-many-tables'],
      ['tableMaxElements', 10, 'table-too-large'],
      ['maxImports', 1, 'too-many-imports'],
      ['maxExports', 3, 'too-many-exports'],
      ['memoryMaxBytes', 3 * 65536, 'memory-too-large'],
    ];

    it('passes with the default limits', () => {
      assert.deepEqual(withCode(scan({}, big), 'undeclared-export').length, 1);
      assert.ok(!scan({}, big).refused);
    });

    for (const [limit, value, code] of cases) {
      it(`${code}: over the ${limit} cap`, () => {
        const f = one(scan({}, big, { [limit]: value }), code, 'refuse');
        assert.equal(f.module, 'main');
        assert.match(f.message, new RegExp(`raise the scan limit ${limit}|raise the cap`));
      });
    }

    it("memory-too-large: the manifest's own limits.memory lowers the cap", () => {
      const f = one(scan({ limits: '{ memory: 128KiB }' }, big), 'memory-too-large', 'refuse');
      assert.match(f.message, /minimum is above the manifest's limits.memory \(2 pages of 64 KiB\): "memory 0 \(4 pages\)"/);
    });

    it('hostile counts yield one finding per reason, quickly, and never a raw exception', () => {
      const n = 1_000_000;
      const section = (id: number, count: number, item: number[]): number[] => {
        const body = [...encodeU32(count), ...Array.from({ length: count }, () => item).flat()];
        return [id, ...encodeU32(body.length), ...body];
      };
      const str = (s: string): number[] => [s.length, ...new TextEncoder().encode(s)];
      const bytes = Uint8Array.from([
        0, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
        ...section(1, 1, [0x60, 0, 0]),
        ...section(2, 100_000, [...str('evil'), ...str('f'), 0, 0]),
        ...section(3, n, [0]),
        ...section(5, 100_000, [0x03, 1, 1]),
      ]);
      const started = performance.now();
      const report = scan({}, bytes);
      assert.ok(performance.now() - started < 5000, 'the scan took more than 5 s');
      assert.deepEqual(codes(report), ['invalid-wasm', 'too-many-functions', 'too-many-imports', 'shared-memory', 'unknown-import-module']);
      assert.equal(report.modules[0]!.functions, n);
    });

    it('an over-size module is still read, so its other refusals are listed too', () => {
      const report = scan({}, `(module (import "foo" "bar" (func)) ${PLAIN.slice(8)}`, { moduleMaxBytes: 16 });
      assert.deepEqual(codes(report).filter((c) => c !== 'undeclared-export'), ['module-too-large', 'unknown-import-module']);
    });
  });

  it('shared-memory: defined or imported', () => {
    const report = scan({}, '(module (import "env" "memory" (memory 1 2 shared)) (memory 1 2 shared))');
    assert.match(one(report, 'shared-memory', 'refuse').message, /has shared memory \("imported memory env\.memory", "memory 0"\)/);
  });

  it('memory64', () => {
    const report = scan({}, '(module (memory i64 1 2))');
    assert.match(one(report, 'memory64', 'refuse').message, /64-bit memory/);
  });

  it('wildcard-tool-delegation: refused by the manifest parser, and by the scan for a hand-built manifest', () => {
    assert.throws(() => manifest({ capabilities: ['tool: ["other.*"]'] }), (e) => e instanceof WardenError && e.code === 'MANIFEST_INVALID');
    const m = manifest({ capabilities: ['tool: [other.tool]'] });
    const handBuilt: Manifest = { ...m, capabilities: [{ kind: 'tool', risk: 'medium', names: ['other.tool', 'other.*', '*'] }] };
    const report = scanPlugin(handBuilt, [{ name: 'main', bytes: wat(PLAIN) }]);
    assert.match(one(report, 'wildcard-tool-delegation', 'refuse').message, /lists "other\.\*", "\*": delegation to wildcard tool names is refused/);
  });
});

describe('scanPlugin: flags that do not refuse', () => {
  it('start-function (high)', () => {
    const report = scan({}, '(module (func $s) (start $s))');
    one(report, 'start-function', 'high');
    assert.equal(report.refused, false);
  });

  it('vault-with-network (high) and high-risk-capability (medium), naming each', () => {
    const report = scan({ capabilities: ['vault: [api_key]', 'network: [api.example.com]', 'cli: [{ command: /usr/bin/git }]'] }, PLAIN);
    one(report, 'vault-with-network', 'high');
    const risky = withCode(report, 'high-risk-capability');
    assert.deepEqual(risky.map((f) => f.severity), ['medium', 'medium']);
    assert.match(risky[0]!.message, /high-risk capability vault \(secrets "api_key"\)/);
    assert.match(risky[1]!.message, /high-risk capability cli \(programs "\/usr\/bin\/git"\)/);
    assert.equal(report.risk, 'high');
    assert.equal(report.refused, false);
    assert.deepEqual(withCode(scan({ capabilities: ['vault: [api_key]'] }, PLAIN), 'vault-with-network'), []);
  });

  it('unknown-host-function (medium): extism:host/user functions only an embedding application serves', () => {
    const report = scan({}, '(module (import "extism:host/user" "lookup" (func (param i64) (result i64))))');
    assert.match(one(report, 'unknown-host-function', 'medium').message, /"lookup" from extism:host\/user, which are not Warden functions/);
    assert.equal(report.refused, false);
  });

  it('undeclared-export (info): exports that are neither tools nor lifecycle hooks', () => {
    const report = scan({ tools: ['run'] }, `(module (memory (export "memory") 1)
      (func (export "run") (result i32) i32.const 0) (func (export "debug_dump") (result i32) i32.const 0)
      (func (export "_start")) (func (export "on_disable") (result i32) i32.const 0))`);
    assert.match(one(report, 'undeclared-export', 'info').message, /\("debug_dump"\)/);
  });
});

describe('scanPlugin: reporting', () => {
  const messy = `(module
    (import "extism:host/env" "exec" (func))
    (import "extism:host/user" "warden_kv_get" (func (param i64) (result i64)))
    (import "extism:host/user" "lookup" (func))
    (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (import "evil" "x" (func))
    (memory 1 2 shared)
    (func $s) (start $s)
    (func (export "extra") (result i32) i32.const 0))`;

  it('lists every reason, refusals first, then by severity', () => {
    const report = scan({ tools: ['run'], capabilities: ['vault: [k]', 'network: [api.example.com]'] }, messy);
    assert.ok(report.refused);
    assert.deepEqual(codes(report), [
      'shared-memory', 'unknown-kernel-import', 'capability-not-declared', 'filesystem-not-declared', 'unknown-import-module',
      'tool-not-exported', 'start-function', 'vault-with-network', 'unknown-host-function', 'high-risk-capability',
      'undeclared-export',
    ]);
  });

  it('assertScanPassed throws INSTALL_REFUSED listing every refusal', () => {
    const report = scan({ tools: ['run'] }, messy);
    const refusals = report.findings.filter((f) => f.severity === 'refuse');
    assert.equal(refusals.length, 6);
    assert.throws(() => assertScanPassed(report), (e) => {
      assert.ok(e instanceof WardenError);
      assert.equal(e.code, 'INSTALL_REFUSED');
      assert.deepEqual(e.data['reasons'], refusals.map((f) => f.message));
      assert.deepEqual(e.data['findings'], report.findings);
      assert.match(e.message, /failed the install scan \(6 reasons\)/);
      for (const f of refusals) assert.ok(e.message.includes(f.message), `message misses: ${f.message}`);
      return true;
    });
  });

  it('collects reasons across modules: one bad module does not hide another', () => {
    const report = scanPlugin(manifest(), [
      { name: 'junk', bytes: Uint8Array.from([1, 2, 3]) },
      { name: 'main', bytes: wat('(module (import "evil" "x" (func)))') },
    ]);
    assert.deepEqual(report.findings.map((f) => `${f.module}:${f.code}`), ['junk:invalid-wasm', 'main:unknown-import-module']);
    assert.deepEqual(report.modules.map((m) => [m.name, m.functions, m.exports]), [['junk', 0, []], ['main', 0, []]]);
  });

  it('escapes control and bidirectional characters in names chosen by the module', () => {
    const report = scan({}, '(module (import "ev\\u{202e}il\\n" "x" (func)))');
    const f = one(report, 'unknown-import-module', 'refuse');
    assert.ok(f.message.includes('"ev\\u202eil\\n"'), f.message);
    assert.ok(!/[\u202e\n]/.test(f.message));
  });

  it('resolveScanLimits refuses unknown keys and non-positive values', () => {
    assert.equal(resolveScanLimits({ maxFunctions: 10 }).maxFunctions, 10);
    for (const bad of [{ maxFunctionz: 1 }, { maxFunctions: 0 }, { maxFunctions: Number.NaN }]) {
      assert.throws(() => resolveScanLimits(bad as Partial<ScanLimits>), (e) => e instanceof WardenError && e.code === 'INVALID_ARGUMENT');
    }
  });
});
