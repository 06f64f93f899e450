/**
 * The web UI's static files: `index.html` at `/` and the scripts and styles under `/ui/`. The
 * files are listed once, at start, from the `static` folder beside this module (copied there by
 * scripts/build-wasm.mjs; the source tree's folder when running uncompiled or uncopied), and a
 * request is answered only when its path names one of them exactly — so no request path, however
 * encoded, reaches the filesystem.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A file the UI serves. */
export interface StaticFile {
  contentType: string;
  body: Buffer;
}

/** Where UI assets live in URL space. */
export const UI_PREFIX = '/ui/';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
};

/** The static folder: beside the compiled module, else in the source tree (dist/src/gateway/ui → src/gateway/ui). */
export function defaultStaticDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, 'static');
  return existsSync(beside) ? beside : join(here, '..', '..', '..', '..', 'src', 'gateway', 'ui', 'static');
}

/**
 * Reads every file of `dir` (recursively) with a known content type into a map from URL path
 * (`/`, `/index.html`, `/ui/app.js`, `/ui/views/audit.js`) to file.
 */
export function loadStaticFiles(dir: string = defaultStaticDir()): Map<string, StaticFile> {
  const files = new Map<string, StaticFile>();
  const walk = (folder: string, rel: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const abs = join(folder, name);
      if (statSync(abs).isDirectory()) {
        walk(abs, `${rel}${name}/`);
        continue;
      }
      const contentType = CONTENT_TYPES[extname(name)];
      if (contentType) files.set(`${UI_PREFIX}${rel}${name}`, { contentType, body: readFileSync(abs) });
    }
  };
  if (existsSync(dir)) walk(dir, '');
  const index = files.get(`${UI_PREFIX}index.html`);
  if (index) {
    files.set('/', index);
    files.set('/index.html', index);
  }
  return files;
}

/** True for paths the static handler owns (answered from the map or 404). */
export function isUiPath(path: string): boolean {
  return path === '/' || path === '/index.html' || path.startsWith(UI_PREFIX);
}
