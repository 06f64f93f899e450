/**
 * `warden plugin keygen` and `warden plugin sign`: ed25519 keys and `warden.sig` files.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WardenError } from '../../errors.js';
import { readPluginPackage } from '../../install/package.js';
import { SIGNATURE_FILE, generateSigningKey, signPlugin, writeSignatureFile } from '../../trust/index.js';
import { str, type Command } from '../command.js';
import { UsageError, out } from '../output.js';
import { lstat } from 'node:fs/promises';

export const keygenCommand: Command = {
  name: 'plugin keygen',
  args: '<private-key-file>',
  summary: 'Generate an ed25519 signing key: the private key goes to the file (mode 0600), the public key to stdout for trusted_keys.',
  positionals: { min: 1, max: 1 },
  example: 'warden plugin keygen ~/.warden-signing.pem',
  async run(args) {
    const key = generateSigningKey();
    try {
      await writeFile(args.positionals[0]!, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new UsageError(`${args.positionals[0]} exists: choose another file (an existing key is never overwritten)`);
      throw e;
    }
    out(key.publicKey);
    return 0;
  },
};

export const signCommand: Command = {
  name: 'plugin sign',
  args: '<plugin-dir>',
  summary: `Sign a plugin directory: its module hashes and its manifest, capabilities included, into ${SIGNATURE_FILE}.`,
  details: 'Re-sign after any change to the manifest or a module; an edited manifest no longer verifies.',
  positionals: { min: 1, max: 1 },
  options: { key: { type: 'string', help: '<file>  the private key (PEM) from `warden plugin keygen`' } },
  example: 'warden plugin sign ./hello-world --key ~/.warden-signing.pem',
  async run(args) {
    const dir = args.positionals[0]!;
    const keyFile = str(args, 'key');
    if (!keyFile) throw new UsageError('--key <file> is required: the private key from `warden plugin keygen`');
    if (!(await lstat(dir).then((s) => s.isDirectory(), () => false))) throw new UsageError(`${dir} is not a plugin directory (the signature is written beside its manifest)`);
    const pkg = await readPluginPackage(dir);
    const pem = await readFile(keyFile, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new WardenError('NOT_FOUND', `cannot read the key ${keyFile} (${e.code ?? e.message})`);
    });
    const signature = signPlugin(pkg.manifest.manifest, pkg.modules.map((m) => ({ name: m.name, sha256: m.sha256 })), pem);
    await writeSignatureFile(join(dir, SIGNATURE_FILE), signature);
    out(`signed ${pkg.manifest.manifest.name} ${pkg.manifest.manifest.version} with key ${signature.keyId} → ${join(dir, SIGNATURE_FILE)}`);
    return 0;
  },
};
