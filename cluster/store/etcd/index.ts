import type { Store } from '../types.js';
import { EtcdStore, type EtcdStoreOptions } from './etcd-store.js';

export type { EtcdStoreOptions } from './etcd-store.js';

/** Connects to an etcd v3 cluster; resolves once a member answered. */
export async function openEtcdStore(opts: EtcdStoreOptions): Promise<Store> {
  const store = new EtcdStore(opts);
  try {
    await store.currentRevision();
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
