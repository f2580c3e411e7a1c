/**
 * A test-only "node" for streaming tests: the kubelet HTTPS server in this process over the
 * host's Docker engine (DockerRuntime), registered as a Ready Node whose InternalIP is
 * 127.0.0.1; its pods are run by the PodSyncer in a reduced sync loop that writes their
 * status. Every container is labelled io.kubarium.test=<testId> and removed by stop().
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { NODES, PODS } from '../../cluster/client/index.js';
import type { RestClient } from '../../cluster/client/index.js';
import { syncPodToApi } from '../../cluster/kubelet/pod-api.js';
import { PodSyncer } from '../../cluster/kubelet/pod-sync.js';
import { DockerRuntime } from '../../cluster/kubelet/runtime/docker-runtime.js';
import { startKubeletServer } from '../../cluster/kubelet/server/index.js';
import { connectDocker } from '../../cluster/nodes/docker.js';
import { issueKubeletServingCertificate } from '../../cluster/pki/index.js';
import type { LaunchedCluster } from './cluster.js';

const TEST_LABEL = 'io.kubarium.test';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TestNode {
  readonly name: string;
  /** The kubelet server's port on 127.0.0.1. */
  readonly port: number;
  /** Pods bound here, by name. */
  readonly pods: Map<string, Pod>;
  /** Creates the pod bound to this node and (with `start`) waits until every container runs. */
  addPod(pod: Pod, start?: boolean): Promise<Pod>;
  stop(): Promise<void>;
}

export async function startTestNode(o: {
  cluster: LaunchedCluster;
  client: RestClient;
  name: string;
  namespace: string;
  testId: string;
  /** Pods the sync loop leaves alone (e.g. never started). */
  skipSync?: (pod: Pod) => boolean;
}): Promise<TestNode> {
  const { client, name, namespace } = o;
  const docker = connectDocker();
  const rootDir = mkdtempSync(join(tmpdir(), 'kubarium-kubelet-'));
  const labels = { [TEST_LABEL]: o.testId };
  const runtime = new DockerRuntime({ docker, labels, rootDir });
  const syncer = new PodSyncer({ runtime, hostIP: '127.0.0.1', labels, backoffInitialMs: 300, backoffMaxMs: 1000 });
  const pods = new Map<string, Pod>();
  const pki = join(o.cluster.dataDir, 'pki');
  const ca = { cert: readFileSync(join(pki, 'ca.crt'), 'utf8'), key: readFileSync(join(pki, 'ca.key'), 'utf8') };
  const kubelet = await startKubeletServer({
    host: '127.0.0.1',
    port: 0,
    nodeName: name,
    tls: await issueKubeletServingCertificate({ ca }, name, ['127.0.0.1']),
    clientCA: ca.cert,
    runtime,
    client,
    pods: { get: (ns, n) => (ns === namespace ? pods.get(n) : undefined), list: () => [...pods.values()] },
    config: () => ({ kind: 'KubeletConfiguration', apiVersion: 'kubelet.config.k8s.io/v1beta1' }),
  });
  await client.create(NODES, { metadata: { name } });
  const now = new Date().toISOString();
  await client.patch(
    NODES,
    name,
    {
      status: {
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
        daemonEndpoints: { kubeletEndpoint: { Port: kubelet.port } },
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test kubelet', lastHeartbeatTime: now, lastTransitionTime: now }],
      },
    },
    { subresource: 'status', type: 'merge' },
  );
  // The kubelet's sync loop, reduced: every pod synced and its status written, over and over.
  let syncing = true;
  const syncLoop = (async () => {
    while (syncing) {
      for (const pod of [...pods.values()]) {
        if (o.skipSync?.(pod)) continue;
        await syncPodToApi(client, syncer, pod).catch(() => undefined);
      }
      await sleep(300);
    }
  })();

  return {
    name,
    port: kubelet.port,
    pods,
    async addPod(pod, start = true) {
      const created = await client.create<Pod>(PODS, { ...pod, spec: { ...pod.spec!, nodeName: name, terminationGracePeriodSeconds: 1 } }, { namespace });
      pods.set(created.metadata!.name!, created);
      if (!start) return created;
      for (let i = 0; i < 300; i++) {
        const cur = await client.get<Pod>(PODS, created.metadata!.name!, { namespace });
        const statuses = cur.status?.containerStatuses ?? [];
        if (statuses.length === (cur.spec?.containers.length ?? 0) && statuses.every((s) => s.state?.running)) return cur;
        await sleep(200);
      }
      throw new Error(`pod ${created.metadata?.name} never ran`);
    },
    async stop() {
      syncing = false;
      await syncLoop;
      await kubelet.close();
      for (const p of pods.values()) await syncer.removePod(p.metadata!.uid!).catch(() => undefined);
      const left = await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${o.testId}`] } });
      await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
      rmSync(rootDir, { recursive: true, force: true });
    },
  };
}
