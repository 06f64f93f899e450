/**
 * Confines guest paths to the mounted host directory. Node has no `openat2(RESOLVE_IN_ROOT)`, so
 * this resolves paths itself, one component at a time from the root's real path:
 *
 * 1. the guest path is normalised lexically against its directory fd (`a/../b` is fine, a `..`
 *    above the root or an absolute path is ENOTCAPABLE);
 * 2. each existing component is `lstat`ed; a symlink is expanded in place, and its target must
 *    stay below the root (an absolute target outside it, or a `..` climbing above it, is
 *    ENOTCAPABLE — whether or not that outside target exists, so there is no existence oracle);
 * 3. `realpathSync` re-checks the parent of the result as a second, independent line.
 *
 * The final component is resolved too when the call follows symlinks; otherwise callers act on it
 * with O_NOFOLLOW / lstat / lutimes semantics. Known limit: between this check and the host call,
 * another process that can write the directory could swap a checked component for a symlink.
 * Guests cannot create symlinks here (path_symlink is refused), so that needs a host-side actor.
 */
import { lstatSync, readlinkSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, sep } from 'node:path';
import { Errno, fail } from './errno.js';

/** Symlinks one resolution may expand before giving up with ELOOP (Linux's MAXSYMLINKS). */
const MAX_SYMLINK_HOPS = 40;

/** A guest path resolved to a location below the root. */
export interface ResolvedPath {
  /** Real path components below the root; empty for the root itself. */
  parts: string[];
  /** Absolute host path (never shown to the guest). */
  host: string;
  /** The guest wrote a trailing slash, so the result must be a directory. */
  dirOnly: boolean;
}

/** The mounted host directory, fixed to its real path when the shim is created. */
export class SandboxRoot {
  /** Real absolute host path of the root. */
  readonly real: string;

  /** @throws Error if `dir` does not exist or is not a directory (an operator mistake). */
  constructor(dir: string) {
    const real = realpathSync(dir);
    if (!statSync(real).isDirectory()) throw new Error('WASI dir must be a directory');
    this.real = real;
  }

  /** Host path of real components below the root. */
  hostOf(parts: readonly string[]): string {
    return join(this.real, ...parts);
  }

  /**
   * Resolves `path` relative to the directory at `base` (real components below the root).
   * `followFinal` expands a symlink in the last component as well.
   */
  resolve(base: readonly string[], path: string, followFinal: boolean): ResolvedPath {
    if (path === '') fail(Errno.NOENT);
    // wasi-libc strips the preopen prefix itself; an absolute path here is an attempt to name
    // the host's own root.
    if (path.startsWith('/')) fail(Errno.NOTCAPABLE);
    const dirOnly = path.endsWith('/');
    const lexical = [...base];
    for (const part of path.split('/')) {
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (lexical.length === 0) fail(Errno.NOTCAPABLE);
        lexical.pop();
      } else {
        lexical.push(part);
      }
    }
    // A trailing slash makes POSIX follow a final symlink.
    const parts = this.walk(lexical, followFinal || dirOnly);
    this.assertInside(parts.slice(0, -1));
    return { parts, host: this.hostOf(parts), dirOnly };
  }

  /**
   * What `path_readlink` may show for the link at `linkParts`: relative targets as they are,
   * absolute targets below the root rewritten as guest paths. A target that leads outside the
   * root is ENOTCAPABLE, so a link can never reveal host paths.
   */
  guestLinkTarget(linkParts: readonly string[], target: string): string {
    if (isAbsolute(target)) {
      if (target === this.real) return '/';
      if (!target.startsWith(this.real + sep)) fail(Errno.NOTCAPABLE);
      return target.slice(this.real.length);
    }
    let depth = linkParts.length - 1;
    for (const part of target.split('/')) {
      if (part === '..') depth--;
      else if (part !== '' && part !== '.') depth++;
      if (depth < 0) fail(Errno.NOTCAPABLE);
    }
    return target;
  }

  private walk(lexical: readonly string[], followFinal: boolean): string[] {
    const out: string[] = [];
    const pending = [...lexical].reverse();
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      const last = pending.length === 0;
      if (part === '..') {
        // Only symlink targets can still hold `..`; `out` is real, so popping is the physical
        // parent.
        if (out.length === 0) fail(Errno.NOTCAPABLE);
        out.pop();
        continue;
      }
      if (last && !followFinal) {
        out.push(part);
        break;
      }
      const host = join(this.real, ...out, part);
      const st = lstatSync(host, { throwIfNoEntry: false });
      if (st === undefined) {
        if (!last) fail(Errno.NOENT);
        out.push(part);
        break;
      }
      if (st.isSymbolicLink()) {
        if (++hops > MAX_SYMLINK_HOPS) fail(Errno.LOOP);
        let target = readlinkSync(host, 'utf8');
        if (isAbsolute(target)) {
          if (target !== this.real && !target.startsWith(this.real + sep)) fail(Errno.NOTCAPABLE);
          out.length = 0;
          target = target.slice(this.real.length);
        }
        const expanded = target.split('/').filter((p) => p !== '' && p !== '.');
        for (let i = expanded.length - 1; i >= 0; i--) pending.push(expanded[i] as string);
        continue;
      }
      if (!last && !st.isDirectory()) fail(Errno.NOTDIR);
      out.push(part);
    }
    return out;
  }

  /** Second line of defence: the OS's own resolution of an existing directory must agree. */
  private assertInside(dirParts: readonly string[]): void {
    let real: string;
    try {
      real = realpathSync(this.hostOf(dirParts));
    } catch {
      return fail(Errno.NOENT);
    }
    if (real !== this.real && !real.startsWith(this.real + sep)) fail(Errno.NOTCAPABLE);
  }
}
