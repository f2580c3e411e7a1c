/**
 * Resetting a cluster to a fresh one, as `kind delete cluster && kind create cluster` or `minikube delete` do,
 * in steps a host (Electron's ClusterHost, the launcher's web mode) runs around its own stop and start: stop
 * the control plane with a deadline, remove the node containers, their volumes and network (`kubarium down`),
 * then delete the store, the PKI and the kubeconfig so the next start mints a new CA and an empty store.
 * The data dir's cluster id stays (the next nodes reuse its names).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { connectDocker, dockerSkipReason } from '../nodes/docker.js';
import { downAll } from '../nodes/node-manager.js';
import { openEtcdStore } from '../store/etcd/index.js';

/** How long a reset waits for a graceful stop before it carries on without it. */
export const RESET_STOP_DEADLINE_MS = 20_000;

/**
 * Stops the control plane; resolves true when it stopped within `deadlineMs`, false when it gave up waiting
 * (a stuck stop is left to finish, or not, on its own: the reset carries on regardless).
 */
export async function stopWithDeadline(stop: () => Promise<void>, deadlineMs = RESET_STOP_DEADLINE_MS): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), deadlineMs);
  });
  const stopped = stop().then(
    () => true as const,
    () => true as const, // a stop that failed is over too
  );
  try {
    return await Promise.race([stopped, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

/** The data dir's node containers, volumes and network (none when it never ran nodes, or no Docker engine answers). */
export async function removeClusterNodes(dataDir: string, log: (line: string) => void = () => {}): Promise<void> {
  const idFile = join(dataDir, 'cluster-id');
  if (!existsSync(idFile)) return;
  const clusterId = readFileSync(idFile, 'utf8').trim();
  const noEngine = await dockerSkipReason();
  if (noEngine) {
    log(`reset: node containers not removed (${noEngine})`);
    return;
  }
  const removed = await downAll(connectDocker(), clusterId);
  log(`reset: removed ${removed.containers.length} container(s), ${removed.volumes.length} volume(s), ${removed.networks.length} network(s)`);
}

/** Store files (SQLite and its WAL), PKI and kubeconfig of the data dir. */
export const CLUSTER_STATE_FILES = ['store.db', 'store.db-wal', 'store.db-shm', 'pki', 'kubeconfig'];

/** Deletes the cluster's state: the data dir's store, PKI and kubeconfig, or with etcd every key under /registry/. */
export async function deleteClusterState(dataDir: string, etcdServers?: string[]): Promise<void> {
  for (const name of CLUSTER_STATE_FILES) rmSync(join(dataDir, name), { recursive: true, force: true });
  if (!etcdServers?.length) return;
  const store = await openEtcdStore({ endpoints: etcdServers });
  try {
    for (;;) {
      const { kvs } = await store.range('/registry/', { limit: 500 });
      if (kvs.length === 0) break;
      for (const kv of kvs) await store.delete(kv.key);
    }
  } finally {
    await store.close();
  }
}

/** Everything after the stop: nodes removed, state deleted. */
export async function wipeCluster(opts: { dataDir: string; etcdServers?: string[]; log?: (line: string) => void }): Promise<void> {
  await removeClusterNodes(opts.dataDir, opts.log);
  await deleteClusterState(opts.dataDir, opts.etcdServers);
}
