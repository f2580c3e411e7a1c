/**
 * Child process for the crash test: opens the SQLite store at argv[2] and writes keys
 * with 16 writes in flight forever, printing "ack <key> <revision>" for every write the
 * store acknowledged. The parent kills it with SIGKILL and checks that nothing acked is lost.
 */
import { openSqliteStore } from '../sqlite/index.js';

const store = await openSqliteStore({ path: process.argv[2], compactIntervalMs: 0 });
let n = 0;
async function writer(): Promise<void> {
  for (;;) {
    const key = `/crash/${n++}`;
    const res = await store.create(key, new TextEncoder().encode(`value-${key}`));
    if (!res.succeeded) throw new Error(`create ${key} failed`);
    process.stdout.write(`ack ${key} ${res.revision}\n`);
  }
}
await Promise.all(Array.from({ length: 16 }, writer));
