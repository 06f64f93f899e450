/** Process RSS per loaded plugin: the RSS growth of loading (and calling once) several `echo` plugins. */
import type { Runner, Runtime } from '../peers.js';
import { collect, ECHO, IN_16, rss, TableBuilder } from '../harness.js';
import type { Table } from '../report.js';
import { RSS_PLUGINS } from '../sample-counts.js';
import { fmtMiB } from '../stats.js';

/** The "Memory per loaded plugin" table (no target: nothing recorded for Warden). */
export async function rssPerPlugin(runtimes: Runtime[]): Promise<Table> {
  const t = new TableBuilder(
    'Memory per loaded plugin',
    `${RSS_PLUGINS} separate loads of \`echo\` (each called once), process RSS after minus RSS before, divided by ${RSS_PLUGINS}; \`global.gc()\` before both readings. ` +
      `RSS is the whole process, so worker threads count.`,
    ['RSS per plugin', `RSS delta for ${RSS_PLUGINS}`],
  );
  for (const rt of runtimes) {
    await t.run(rt.id, async () => {
      await collect();
      const before = rss();
      const runners: Runner[] = [];
      try {
        for (let i = 0; i < RSS_PLUGINS; i++) {
          const r = await rt.load(ECHO);
          runners.push(r);
          await r.callBytes('echo', IN_16);
        }
        await collect();
        const delta = rss() - before;
        t.set('RSS per plugin', rt.id, fmtMiB(delta / RSS_PLUGINS));
        t.set(`RSS delta for ${RSS_PLUGINS}`, rt.id, fmtMiB(delta));
      } finally {
        await Promise.all(runners.map((r) => r.close()));
        await collect();
      }
    });
  }
  t.notes.push("Warden's figure includes the spare worker(s) it keeps booted for the next load.");
  return t.build();
}
