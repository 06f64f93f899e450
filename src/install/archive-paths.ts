/**
 * Entry names, checked before anything is written: an accepted name is a relative path made of
 * portable segments, so joining it to the staging directory can never leave it, on POSIX or on
 * Windows. Also the duplicate check, which folds case and Unicode normalization the way
 * case-insensitive file systems (macOS, Windows) do, so two entries can never land on one file.
 */

/** Longest accepted path, in UTF-16 units. */
export const MAX_PATH_LENGTH = 1024;
/** Longest accepted segment (most file systems stop at 255 bytes). */
export const MAX_SEGMENT_LENGTH = 255;

/** An accepted name as a normalized `/`-separated relative path (`''` is the archive root), or why not. */
export type NameCheck = { ok: true; path: string } | { ok: false; reason: string };

const CONTROL = /[\p{Cc}\p{Cf}]/u;
const UNPORTABLE = /[:*?"<>|]/;
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** Checks one entry name; a trailing `/` (a directory) and `.` segments are allowed and dropped. */
export function checkEntryName(name: string): NameCheck {
  const refuse = (reason: string): NameCheck => ({ ok: false, reason });
  if (name === '') return refuse('the name is empty');
  if (name.includes('\0')) return refuse('the name contains a NUL byte');
  if (/^([/\\]|[a-z]:)/i.test(name)) return refuse('the path is absolute; only relative paths are allowed');
  if (name.includes('\\')) return refuse('the name contains a backslash (a Windows path separator)');
  if (CONTROL.test(name)) return refuse('the name contains control or invisible formatting characters');
  if (name.length > MAX_PATH_LENGTH) return refuse(`the path is longer than ${MAX_PATH_LENGTH} characters`);
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  for (const seg of segments) {
    if (seg === '..') return refuse('the path contains a ".." segment (path traversal)');
    if (UNPORTABLE.test(seg)) return refuse('the name contains one of : * ? " < > |, which are not allowed in Windows file names');
    if (/[. ]$/.test(seg)) return refuse('a path segment ends with a dot or a space, which Windows drops');
    if (WINDOWS_DEVICE.test(seg)) return refuse(`"${seg}" is a reserved device name on Windows`);
    if (seg.length > MAX_SEGMENT_LENGTH) return refuse(`a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`);
  }
  return { ok: true, path: segments.join('/') };
}

/** A name quoted for messages: control and invisible characters escaped, long names clipped. */
export function showName(name: string): string {
  const clipped = name.length > 120 ? `${name.slice(0, 120)}…` : name;
  const escaped = clipped.replace(/[\p{C}"\\]/gu, (ch) => (ch === '"' || ch === '\\' ? `\\${ch}` : `\\u{${ch.codePointAt(0)!.toString(16)}}`));
  return `"${escaped}"`;
}

/** How a case-insensitive, normalizing file system would see a path. */
function fold(path: string): string {
  return path.normalize('NFC').toUpperCase().toLowerCase();
}

/**
 * The tree of accepted paths. A second file at the same folded path, a file where a directory is
 * (or the other way round) are refused; a directory may be named again.
 */
export class PathTree {
  readonly #nodes = new Map<string, { kind: 'file' | 'dir'; path: string }>();

  /** Adds `path`; returns why it clashes with an earlier entry, or undefined. */
  add(path: string, kind: 'file' | 'dir'): string | undefined {
    const segments = path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const parent = segments.slice(0, i).join('/');
      const clash = this.#place(parent, 'dir');
      if (clash) return clash;
    }
    return this.#place(path, kind);
  }

  #place(path: string, kind: 'file' | 'dir'): string | undefined {
    const key = fold(path);
    const known = this.#nodes.get(key);
    if (!known) {
      this.#nodes.set(key, { kind, path });
      return undefined;
    }
    if (kind === 'dir' && known.kind === 'dir') return undefined;
    const same = known.path === path ? '' : ' (they differ only in case or Unicode form)';
    if (kind === 'file' && known.kind === 'file') return `duplicate of an earlier entry ${showName(known.path)}${same}`;
    return `${showName(path)} is both a file and a directory${same}`;
  }
}
