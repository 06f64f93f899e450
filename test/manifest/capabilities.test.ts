// The capabilities list: every form, unknown names as warnings, wildcards refused, risk levels.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cliArgsAllowed, parseCapabilities, parseManifest, riskOf, type Capability } from '../../src/manifest/index.js';
import { minimal, refused } from './helpers.js';

function caps(yaml: string): { capabilities: Capability[]; warnings: string[] } {
  const { manifest, warnings } = parseManifest(minimal(`capabilities:\n${yaml}\n`));
  return { capabilities: manifest.capabilities, warnings: warnings.map((w) => `${w.path}: ${w.message}`) };
}

describe('capabilities', () => {
  it('parses every capability kind into its normalised form', () => {
    const { capabilities, warnings } = caps(`  - network: ["API.Example.com", "*.cdn.example.com:8443"]
  - storage: kv
  - vault: [example_api_key]
  - tool: [other.tool, search]
  - memory: read
  - channel: send
  - context
  - config:
  - wasi
  - filesystem: true
  - cli: [{ command: /usr/bin/git, args: ["status", "log *"] }]`);
    assert.deepEqual(warnings, []);
    assert.deepEqual(capabilities, [
      { kind: 'network', risk: 'medium', hosts: [
        { host: 'api.example.com', wildcard: false, text: 'api.example.com' },
        { host: 'cdn.example.com', wildcard: true, port: 8443, text: '*.cdn.example.com:8443' },
      ] },
      { kind: 'storage', risk: 'medium', store: 'kv' },
      { kind: 'vault', risk: 'high', keys: ['example_api_key'] },
      { kind: 'tool', risk: 'medium', names: ['other.tool', 'search'] },
      { kind: 'memory', risk: 'medium', access: 'read' },
      { kind: 'channel', risk: 'medium', access: 'send' },
      { kind: 'context', risk: 'low' },
      { kind: 'config', risk: 'low' },
      { kind: 'wasi', risk: 'medium' },
      { kind: 'filesystem', risk: 'medium' },
      { kind: 'cli', risk: 'high', commands: [{ command: '/usr/bin/git', args: [['status'], ['log', '*']] }] },
    ]);
  });

  it('ignores unknown capabilities with a warning', () => {
    const { capabilities, warnings } = caps('  - teleport: [moon]\n  - context\n  - gpu');
    assert.deepEqual(capabilities.map((c) => c.kind), ['context']);
    assert.deepEqual(warnings, ['capabilities[0]: unknown capability "teleport" ignored', 'capabilities[2]: unknown capability "gpu" ignored']);
  });

  it('does not take inherited property names for capabilities', () => {
    const r = parseCapabilities(['constructor', 'toString', '__proto__', { hasOwnProperty: 1 }]);
    assert.deepEqual(r.capabilities, []);
    assert.equal(r.warnings.length, 4);
  });

  it('refuses tool wildcards and names the entry', () => {
    for (const name of ['*', 'other.*', 'oth*r', '*.tool']) {
      const errors = refused(minimal(`capabilities:\n  - tool: ["ok", "${name}"]\n`));
      assert.deepEqual(errors, [{ path: 'capabilities[0].tool[1]', message: 'wildcards are refused: list each tool by its exact name' }]);
    }
  });

  it('refuses malformed values of known capabilities with their paths', () => {
    const errors = refused(minimal(`capabilities:
  - storage: sql
  - memory: write
  - channel: receive
  - vault: []
  - vault: ["*"]
  - context: yes
  - network
  - cli: [{ command: git }, { command: /usr/bin/../bin/sh }, { command: /bin/ls, args: ["-l*"] }, { command: /bin/ls, shell: true }]
  - { network: [a.com], storage: kv }
  - 42
`));
    assert.deepEqual(errors.map((e) => e.path), [
      'capabilities[0].storage', 'capabilities[1].memory', 'capabilities[2].channel', 'capabilities[3].vault',
      'capabilities[4].vault[0]', 'capabilities[5].context', 'capabilities[6].network', 'capabilities[7].cli[0]',
      'capabilities[7].cli[1]', 'capabilities[7].cli[2]', 'capabilities[7].cli[3]', 'capabilities[8]', 'capabilities[9]',
    ]);
  });

  it('merges a kind listed twice and drops duplicates', () => {
    const { capabilities } = caps('  - network: [a.example.com]\n  - network: [A.example.com, b.example.com]\n  - tool: [x, x]\n  - context\n  - context');
    assert.deepEqual(capabilities.map((c) => c.kind), ['network', 'tool', 'context']);
    assert.deepEqual((capabilities[0] as Extract<Capability, { kind: 'network' }>).hosts.map((h) => h.text), ['a.example.com', 'b.example.com']);
    assert.deepEqual((capabilities[1] as Extract<Capability, { kind: 'tool' }>).names, ['x']);
  });

  it('reports the highest risk', () => {
    assert.equal(riskOf([]), 'low');
    assert.equal(riskOf(caps('  - context\n  - config').capabilities), 'low');
    assert.equal(riskOf(caps('  - context\n  - storage: kv').capabilities), 'medium');
    assert.equal(riskOf(caps('  - storage: kv\n  - vault: [k]\n  - context').capabilities), 'high');
  });

  it('matches cli arguments word by word', () => {
    const git = { command: '/usr/bin/git', args: [['status'], ['log', '*'], ['show', '*', '--stat']] };
    const table: [string[], boolean][] = [
      [['status'], true], [['status', '-s'], false], [['log'], true], [['log', '--oneline', '-5'], true],
      [['show', 'HEAD', '--stat'], true], [['show', 'HEAD'], false], [['show', 'HEAD', '--stat', 'x'], false],
      [['push'], false], [[], false],
    ];
    for (const [argv, allowed] of table) assert.equal(cliArgsAllowed(git, argv), allowed, argv.join(' '));
    assert.equal(cliArgsAllowed({ command: '/bin/date', args: [] }, []), true);
    assert.equal(cliArgsAllowed({ command: '/bin/date', args: [] }, ['-u']), false);
  });
});
