/**
 * Watching the plugins directory for changes: events are gathered until the directory has been
 * quiet for a moment (an editor or `cp` writes a file in several steps), then handed over in one
 * batch. Changes under hidden folders (`.cache`, `.pending`) are ignored.
 */
import { watch, type FSWatcher } from 'node:fs';

/** Stops watching. */
export type StopWatching = () => void;

/**
 * Calls `onChange` with the relative paths that changed, once `quietMs` passed without a change.
 * Only one `onChange` runs at a time; changes during it are batched for the next one.
 */
export function watchPluginsDir(dir: string, onChange: (paths: string[]) => Promise<void>, quietMs = 250): StopWatching {
  let pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const flush = (): void => {
    timer = undefined;
    if (running) {
      timer = setTimeout(flush, quietMs);
      return;
    }
    const batch = [...pending];
    pending = new Set();
    if (batch.length === 0) return;
    running = onChange(batch).catch(() => undefined).finally(() => {
      running = undefined;
    });
  };
  const watcher: FSWatcher = watch(dir, { recursive: true }, (_event, name) => {
    const path = name?.toString().replaceAll('\\', '/') ?? '';
    if (path.split('/').some((seg) => seg.startsWith('.'))) return;
    pending.add(path);
    if (timer) clearTimeout(timer);
    timer = setTimeout(flush, quietMs);
  });
  watcher.on('error', () => undefined);
  return () => {
    if (timer) clearTimeout(timer);
    watcher.close();
  };
}
