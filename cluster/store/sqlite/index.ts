import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../types.js';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

export type { SqliteStoreOptions } from './sqlite-store.js';

/** Opens (creating if needed) the embedded SQLite store at `opts.path`. */
export async function openSqliteStore(opts: SqliteStoreOptions): Promise<Store> {
  fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  return new SqliteStore(opts);
}
