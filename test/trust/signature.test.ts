// Plugin signatures: sign → verify round trips, what the signature covers (capabilities exactly,
// not the YAML's spelling), every way a signature file can be tampered with, trusted and
// untrusted keys, the policy table of security levels × statuses, and key parsing.
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SecurityLevel } from '../../src/capabilities/grants.js';
import { WardenError } from '../../src/errors.js';
import { parseManifest, type Manifest } from '../../src/manifest/index.js';
import {
  assertSignatureAllowed, generateSigningKey, keyId, parsePublicKey, readPrivateKey, signaturePayload, signaturePolicy,
  signPlugin, verifyPlugin, type ModuleHash, type SignatureCheck, type SignatureFile, type SignatureStatus,
} from '../../src/trust/index.js';
import { EXAMPLE } from '../manifest/helpers.js';
import { throwsWithCode } from '../helpers/errors.js';

const ALICE = generateSigningKey();
const MALLORY = generateSigningKey();
const sha = (text: string): string => createHash('sha256').update(text).digest('hex');
const MODULES: ModuleHash[] = [{ name: 'main', sha256: sha('main bytes') }];
const manifestOf = (yaml: string): Manifest => parseManifest(yaml, 'test.yaml').manifest;
const MANIFEST = manifestOf(EXAMPLE);
const SIGNED = signPlugin(MANIFEST, MODULES, ALICE.privateKeyPem);

/** Verifies against Alice's key unless told otherwise. */
const check = (
  manifest: Manifest = MANIFEST,
  sig: SignatureFile | undefined = SIGNED,
  modules: readonly ModuleHash[] = MODULES,
  trusted: readonly string[] = [ALICE.publicKey],
): SignatureCheck => verifyPlugin(manifest, modules, sig, trusted);

const statusOf = (...args: Parameters<typeof check>): SignatureStatus => check(...args).status;
const pem = (key: KeyObject): string => key.export({ type: 'spki', format: 'pem' }).toString();

describe('signPlugin and verifyPlugin', () => {
  it('round trip: a signature by a trusted key is valid', () => {
    assert.equal(SIGNED.format, 'warden-signature/1');
    assert.equal(SIGNED.publicKey, ALICE.publicKey);
    assert.equal(SIGNED.keyId, keyId(ALICE.publicKey));
    assert.match(SIGNED.keyId, /^[0-9a-f]{16}$/);
    assert.deepEqual(check(), { status: 'valid', keyId: SIGNED.keyId, message: `plugin "hello-world" is signed by trusted key ${SIGNED.keyId}` });
  });

  it('still verifies after the manifest went through JSON (as the registry stores it)', () => {
    assert.equal(statusOf(JSON.parse(JSON.stringify(MANIFEST)) as Manifest), 'valid');
  });

  it('ignores how the YAML is written: key order, flow style, quoting, comments, JSON', () => {
    const rewritten = `# the same plugin, written differently
capabilities:
  - network: ['API.example.com']
  - storage: "kv"
  - vault: [example_api_key]
tools:
  - parameters:
      name: { required: true, type: string }
    description: Say hello to someone
    name: hello
wasm: [{ path: hello.wasm }]
description: "Example plugin"
author: you@example.com
version: "0.1.0"
name: hello-world
`;
    assert.equal(statusOf(manifestOf(rewritten)), 'valid');
    const json = JSON.stringify({
      version: '0.1.0', name: 'hello-world', description: 'Example plugin', author: 'you@example.com', wasm: 'hello.wasm',
      capabilities: [{ network: 'api.example.com' }, { storage: 'kv' }, { vault: ['example_api_key'] }],
      tools: [{ description: 'Say hello to someone', name: 'hello', parameters: { name: { type: 'string', required: true } } }],
    });
    assert.equal(statusOf(manifestOf(json)), 'valid');
  });

  it('treats the order of list items as part of the manifest (documented)', () => {
    const swapped = EXAMPLE.replace('  - storage: kv\n  - vault: ["example_api_key"]', '  - vault: ["example_api_key"]\n  - storage: kv');
    assert.notEqual(swapped, EXAMPLE);
    assert.equal(statusOf(manifestOf(swapped)), 'invalid');
  });

  it('breaks when any capability is widened, narrowed or added', () => {
    const NET = '- network: ["api.example.com"]';
    const VAULT = '- vault: ["example_api_key"]';
    const edits: [string, string, string][] = [
      ['another network host', NET, '- network: ["api.example.com", "evil.example.net"]'],
      ['the same host listed again with another', NET, `${NET}\n  - network: ["evil.example.net"]`],
      ['a wildcard host', NET, '- network: ["*.example.com"]'],
      ['a port', NET, '- network: ["api.example.com:8443"]'],
      ['another vault key', VAULT, '- vault: ["example_api_key", "aws_secret"]'],
      ['a new capability', VAULT, `${VAULT}\n  - cli: [{ command: /bin/sh }]`],
      ['a capability dropped', `  ${VAULT}\n`, ''],
    ];
    for (const [what, from, to] of edits) {
      const yaml = EXAMPLE.replace(from, to);
      assert.notEqual(yaml, EXAMPLE, what);
      assert.equal(statusOf(manifestOf(yaml)), 'invalid', what);
    }
  });

  it('breaks when the version, a limit, a tool or a config key changes', () => {
    for (const yaml of [
      EXAMPLE.replace('version: 0.1.0', 'version: 0.1.1'),
      `${EXAMPLE}limits: { timeout: 1h }\n`,
      `${EXAMPLE}config:\n  url: { type: string }\n`,
      EXAMPLE.replace('required: true', 'required: false'),
      EXAMPLE.replace('Say hello', 'Say goodbye'),
    ]) assert.equal(statusOf(manifestOf(yaml)), 'invalid', yaml);
  });

  it('covers every module hash and name, in any order', () => {
    const two: ModuleHash[] = [{ name: 'main', sha256: sha('a') }, { name: 'lib', sha256: sha('b') }];
    const sig = signPlugin(MANIFEST, two, ALICE.privateKeyPem);
    assert.equal(statusOf(MANIFEST, sig, [...two].reverse()), 'valid');
    assert.equal(statusOf(MANIFEST, sig, two.map((m) => ({ ...m, sha256: m.sha256.toUpperCase() }))), 'valid');
    assert.equal(statusOf(MANIFEST, SIGNED, [{ name: 'main', sha256: sha('other bytes') }]), 'invalid');
    assert.equal(statusOf(MANIFEST, sig, [two[0]!]), 'invalid', 'a module dropped');
    assert.equal(statusOf(MANIFEST, sig, [...two, { name: 'extra', sha256: sha('c') }]), 'invalid', 'a module added');
    assert.equal(statusOf(MANIFEST, sig, [two[0]!, { name: 'lib2', sha256: sha('b') }]), 'invalid', 'a module renamed');
    assert.equal(statusOf(MANIFEST, sig, [two[0]!, { name: 'lib', sha256: sha('a') }]), 'invalid', 'hashes swapped');
  });

  it('refuses tampered signature bytes', () => {
    const bytes = Buffer.from(SIGNED.signature, 'base64');
    for (const i of [0, 31, 32, 63]) {
      const flipped = Buffer.from(bytes);
      flipped[i]! ^= 0x01;
      assert.equal(statusOf(MANIFEST, { ...SIGNED, signature: flipped.toString('base64') }), 'invalid', `byte ${i}`);
    }
  });

  it('refuses a swapped public key, and calls a re-signature by another key untrusted', () => {
    const onlyKey = check(MANIFEST, { ...SIGNED, publicKey: MALLORY.publicKey });
    assert.equal(onlyKey.status, 'invalid', 'publicKey no longer matches keyId');
    assert.equal(onlyKey.keyId, keyId(MALLORY.publicKey));
    assert.equal(statusOf(MANIFEST, { ...SIGNED, publicKey: MALLORY.publicKey, keyId: keyId(MALLORY.publicKey) }), 'invalid', 'the signature is not by that key');
    assert.equal(statusOf(MANIFEST, { ...SIGNED, publicKey: MALLORY.publicKey }, MODULES, [ALICE.publicKey, MALLORY.publicKey]), 'invalid', 'even when that key is trusted');
    // Mallory widens the manifest and signs it herself: a correct signature, but not by a trusted key.
    const widened = manifestOf(EXAMPLE.replace('example_api_key', 'example_api_key", "aws_secret'));
    const forged = signPlugin(widened, MODULES, MALLORY.privateKeyPem);
    const result = check(widened, forged);
    assert.equal(result.status, 'untrusted');
    assert.equal(result.keyId, forged.keyId);
    assert.ok(result.message.includes(MALLORY.publicKey), 'names the key so an operator can choose to trust it');
  });

  it('calls a correct signature by an unlisted key untrusted, and a missing one missing', () => {
    assert.equal(statusOf(MANIFEST, SIGNED, MODULES, []), 'untrusted');
    assert.equal(statusOf(MANIFEST, SIGNED, MODULES, [MALLORY.publicKey]), 'untrusted');
    assert.deepEqual(verifyPlugin(MANIFEST, MODULES, undefined, [ALICE.publicKey]), { status: 'missing', message: 'plugin "hello-world" is not signed (no warden.sig)' });
  });

  it('reports a malformed signature object as invalid instead of throwing', () => {
    const bad: unknown[] = [
      { ...SIGNED, format: 'warden-signature/2' },
      { ...SIGNED, extra: true },
      { ...SIGNED, signature: `${SIGNED.signature.slice(0, -4)}!!==` },
      { ...SIGNED, signature: Buffer.alloc(63).toString('base64') },
      { ...SIGNED, keyId: SIGNED.keyId.toUpperCase() },
      { ...SIGNED, publicKey: 'ed25519:AAAA' },
      { ...SIGNED, publicKey: 42 },
      null,
      [],
    ];
    for (const sig of bad) assert.equal(statusOf(MANIFEST, sig as SignatureFile), 'invalid', JSON.stringify(sig));
  });

  it('accepts trusted keys in compact and PEM form alike', () => {
    const spki = pem(parsePublicKey(ALICE.publicKey).key);
    assert.match(spki, /^-----BEGIN PUBLIC KEY-----/);
    assert.equal(statusOf(MANIFEST, SIGNED, MODULES, [spki]), 'valid');
    assert.equal(statusOf(MANIFEST, SIGNED, MODULES, [`  ${ALICE.publicKey}\n`]), 'valid');
    assert.equal(keyId(spki), keyId(ALICE.publicKey));
    assert.equal(parsePublicKey(spki).text, ALICE.publicKey);
  });

  it('throws INVALID_ARGUMENT for the host\'s own malformed inputs', async () => {
    await throwsWithCode(() => check(MANIFEST, SIGNED, MODULES, ['not a key']), 'INVALID_ARGUMENT', 'trusted_keys[0]');
    await throwsWithCode(() => check(MANIFEST, SIGNED, []), 'INVALID_ARGUMENT');
    await throwsWithCode(() => check(MANIFEST, SIGNED, [MODULES[0]!, MODULES[0]!]), 'INVALID_ARGUMENT', 'twice');
    await throwsWithCode(() => check(MANIFEST, SIGNED, [{ name: 'main', sha256: 'abc' }]), 'INVALID_ARGUMENT', 'sha256');
  });
});

describe('the signed payload', () => {
  it('is canonical JSON with the documented fields', () => {
    const manifest = manifestOf('name: p\nversion: 1.0.0\ndescription: d\nwasm: p.wasm\ncapabilities: [context, { network: [Example.COM] }]\n');
    const text = signaturePayload(manifest, [{ name: 'z', sha256: 'F'.repeat(64) }, { name: 'main', sha256: '0'.repeat(64) }]).toString('utf8');
    assert.equal(text, '{"format":"warden-signature/1","manifest":{"capabilities":[{"kind":"context","risk":"low"},'
      + '{"hosts":[{"host":"example.com","text":"example.com","wildcard":false}],"kind":"network","risk":"medium"}],'
      + '"config":{},"description":"d","limits":{},"name":"p","tools":[],"version":"1.0.0","wasm":[{"path":"p.wasm"}]},'
      + `"modules":[{"name":"main","sha256":"${'0'.repeat(64)}"},{"name":"z","sha256":"${'f'.repeat(64)}"}],"plugin":"p","version":"1.0.0"}`);
  });
});

describe('signaturePolicy', () => {
  const EXPECTED: Record<SecurityLevel, Record<SignatureStatus, 'allow' | 'warn' | 'refuse'>> = {
    paranoid: { valid: 'allow', missing: 'refuse', untrusted: 'refuse', invalid: 'refuse' },
    strict: { valid: 'allow', missing: 'warn', untrusted: 'warn', invalid: 'refuse' },
    relaxed: { valid: 'allow', missing: 'allow', untrusted: 'allow', invalid: 'refuse' },
  };
  for (const [level, row] of Object.entries(EXPECTED) as [SecurityLevel, Record<SignatureStatus, string>][]) {
    for (const [status, expected] of Object.entries(row) as [SignatureStatus, string][]) {
      it(`${level} × ${status} → ${expected}`, async () => {
        const c: SignatureCheck = { status, keyId: 'abcdef0123456789', message: `plugin "p": ${status}` };
        const decision = signaturePolicy(level, c);
        assert.equal(decision.allowed, expected !== 'refuse');
        assert.equal(decision.warning !== undefined, expected === 'warn');
        if (expected === 'warn') assert.ok(decision.warning!.includes(c.message));
        if (expected === 'refuse') {
          const e = await throwsWithCode(() => assertSignatureAllowed(level, c), 'SIGNATURE_INVALID', c.message);
          assert.deepEqual(e.data, { status, keyId: 'abcdef0123456789', level });
        } else assert.deepEqual(assertSignatureAllowed(level, c), decision);
      });
    }
  }

  it('refuses an unknown level or status (fail closed)', () => {
    assert.equal(signaturePolicy('lenient' as SecurityLevel, { status: 'missing', message: 'm' }).allowed, false);
    assert.equal(signaturePolicy('relaxed', { status: 'unknown' as SignatureStatus, message: 'm' }).allowed, false);
    assert.equal(signaturePolicy('relaxed', { status: 'toString' as SignatureStatus, message: 'm' }).allowed, false);
  });
});

describe('keys', () => {
  it('generates ed25519 keys in PKCS8 PEM and compact form', () => {
    assert.match(ALICE.privateKeyPem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.match(ALICE.publicKey, /^ed25519:[A-Za-z0-9+/]{43}=$/);
    assert.equal(readPrivateKey(ALICE.privateKeyPem).asymmetricKeyType, 'ed25519');
    assert.equal(keyId(ALICE.publicKey), createHash('sha256').update(Buffer.from(ALICE.publicKey.slice(8), 'base64')).digest('hex').slice(0, 16));
    assert.notEqual(keyId(ALICE.publicKey), keyId(MALLORY.publicKey));
  });

  it('refuses malformed and foreign public keys clearly', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const x25519 = generateKeyPairSync('x25519');
    const b64 = ALICE.publicKey.slice(8);
    // The last base64 digit of 32 bytes carries 2 padding bits that must be zero; set one.
    const digits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const nonCanonical = `${b64.slice(0, 42)}${digits[digits.indexOf(b64[42]!) | 1]}=`;
    assert.equal(Buffer.from(nonCanonical, 'base64').toString('base64'), b64, 'decodes to the same bytes');
    const cases: [unknown, string | RegExp][] = [
      ['', /must be ed25519:<base64 of 32 bytes> or a PEM block/],
      ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5', /must be ed25519:/],
      ['ed25519:AAAA', /44 characters/],
      [`ed25519:${b64.slice(0, -1)}`, /44 characters/],
      [`ed25519:${nonCanonical}`, /44 characters/],
      [`ed448:${b64}`, /must be ed25519:/],
      [pem(ec.publicKey), /type ec/],
      [pem(x25519.publicKey), /type x25519/],
      [ALICE.privateKeyPem, /is a private key/],
      ['-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----', /must be ed25519:/],
      ['-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----', /cannot be read as a key/],
      [42, /must be ed25519:/],
    ];
    for (const [text, message] of cases) {
      const e = await throwsWithCode(() => parsePublicKey(text as string), 'INVALID_ARGUMENT', message);
      assert.ok(!e.message.includes(ALICE.privateKeyPem.split('\n')[1]!), 'never repeats a private key');
    }
  });

  it('refuses private keys that are not unencrypted ed25519 PKCS8', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const encrypted = readPrivateKey(ALICE.privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
    const cases: [string, string | RegExp][] = [
      [ec.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), /type ec/],
      [ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(), /found a PEM block EC PRIVATE KEY/],
      [encrypted, /an encrypted key/],
      [ALICE.publicKey, /found no PEM block/],
      [pem(parsePublicKey(ALICE.publicKey).key), /found a PEM block PUBLIC KEY/],
      ['-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----', /cannot be read as a key/],
    ];
    for (const [text, message] of cases) {
      const e = await throwsWithCode(() => signPlugin(MANIFEST, MODULES, text), 'INVALID_ARGUMENT', message);
      assert.ok(e instanceof WardenError && e.cause === undefined, 'no OpenSSL detail that could carry key material');
      for (const line of text.split('\n').filter((l) => l.length > 20)) assert.ok(!e.message.includes(line), 'never repeats the key');
    }
  });
});
