/**
 * Child process of the crash test: commits numbered transactions of KV writes and an audit
 * record as fast as it can, printing each number once it is committed, until it is killed.
 * With `holdAt`, it stops inside transaction `holdAt` (one write done, one to go), prints
 * `hold` and waits to be killed there.
 * Usage: node crash-writer.js <dataDir> <full|normal> [holdAt]
 */
import { writeSync } from 'node:fs';
import { createSqliteStore, type Durability } from '../../src/storage/index.js';

/** The value written under `a/<i>` and `b/<i>`: 4 KiB that encode `i`. */
export function crashValue(i: number): Uint8Array {
  const value = new Uint8Array(4096).fill(i & 0xff);
  new DataView(value.buffer).setUint32(0, i);
  return value;
}

async function main(dataDir: string, durability: Durability, holdAt: number): Promise<void> {
  const store = createSqliteStore({ dataDir, durability, limits: { kvQuota: { maxKeys: 1e9, maxTotalBytes: 2 ** 40 } } });
  for (let i = 0; ; i++) {
    await store.transaction(async (tx) => {
      await tx.kv.set('crash', `a/${i}`, crashValue(i));
      if (i === holdAt) {
        writeSync(1, 'hold\n');
        setInterval(() => {}, 1000);
        await new Promise(() => {});
      }
      await tx.kv.set('crash', `b/${i}`, crashValue(i));
      await tx.audit.append({ plugin: 'crash', capability: 'kv', detail: `commit ${i}`, decision: 'allow' });
    });
    writeSync(1, `${i}\n`);
  }
}

const [dataDir, durability, holdAt] = process.argv.slice(2);
if (dataDir) await main(dataDir, durability === 'normal' ? 'normal' : 'full', holdAt === undefined ? -1 : Number(holdAt));
