/**
 * Two control planes on one real etcd (Debian's etcd-server), as an HA kubeadm cluster
 * runs them: both API servers serve the same objects and watches; the schedulers and the
 * controller managers elect one leader each on the Leases kube-system/kube-scheduler and
 * kube-system/kube-controller-manager, so a Deployment is reconciled once; SIGKILL of the
 * leader hands its Leases to the other once they expire (leaseDuration 15 s, retry 2 s).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { etcdUnavailableReason, startEtcd } from '../../cluster/store/testing/etcd-harness.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl, type RunResult } from '../support/kubectl.js';
import { eventually, spawnKubectl } from './helpers.js';

interface LeaseLite {
  spec?: { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
}
interface ListLite {
  items: { metadata: { name: string; ownerReferences?: { kind: string; name: string }[]; deletionTimestamp?: string } }[];
}

/** client-go's defaults, which the components use: leaseDuration 15 s, retryPeriod 2 s (with up to 1.2× jitter). */
const LEASE_DURATION_MS = 15_000;
const RETRY_PERIOD_MS = 2_000;
const LEASES = ['kube-scheduler', 'kube-controller-manager'] as const;

const unavailable = etcdUnavailableReason();

describe('two control planes on one etcd', { skip: unavailable }, () => {
  let etcd: Awaited<ReturnType<typeof startEtcd>> | undefined;
  const planes: LaunchedCluster[] = [];
  const k = (c: LaunchedCluster, args: string[]) => runKubectl(args, { kubeconfig: c.kubeconfig });
  const ok = (r: RunResult, what: string): RunResult => {
    assert.equal(r.code, 0, `${what} failed (exit ${r.code})\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
    return r;
  };
  const holder = async (c: LaunchedCluster, lease: string): Promise<string> => {
    const r = await k(c, ['get', 'lease', lease, '-n', 'kube-system', '-o', 'json', '--ignore-not-found']);
    if (r.code !== 0 || !r.stdout.trim()) return '';
    return (JSON.parse(r.stdout) as LeaseLite).spec?.holderIdentity ?? '';
  };
  /** The plane whose components hold `lease` (its log names the identity it leads with). */
  const leaderOf = (lease: string, id: string) => planes.filter((p) => p.logs().includes(`${lease}: became leader (${id})`));
  const list = async (c: LaunchedCluster, kind: string, selector: string) =>
    (JSON.parse(ok(await k(c, ['get', kind, '-l', selector, '-o', 'json']), `get ${kind}`).stdout) as ListLite).items.filter((o) => !o.metadata.deletionTimestamp);

  before(async () => {
    etcd = await startEtcd();
    // One after the other: the first's bootstrap (namespaces, RBAC policy) is in place for the second.
    planes.push(await launchCluster({ etcdServers: etcd.endpoints }));
    planes.push(await launchCluster({ etcdServers: etcd.endpoints }));
  });
  after(async () => {
    for (const p of planes) await p.stop();
    await etcd?.stop();
  });

  it('both API servers serve the same objects and watches', async () => {
    const [a, b] = planes;
    assert.notEqual(a.url, b.url);
    await eventually(async () => (await k(b, ['get', 'configmap', 'kube-root-ca.crt', '-o', 'name'])).code === 0, 'kube-root-ca.crt published', 30_000);
    const watch = spawnKubectl(['get', 'configmaps', '-n', 'default', '-w', '-o', 'name'], b.kubeconfig);
    try {
      // The watch is established once the initial list (kube-root-ca.crt) is printed.
      await watch.waitForLine(/configmap\/kube-root-ca\.crt/, 20_000);
      ok(await k(a, ['create', 'configmap', 'shared', '--from-literal=k=v']), 'create through A');
      await watch.waitForLine(/configmap\/shared/, 10_000);
    } finally {
      await watch.stop();
    }
    const viaB = JSON.parse(ok(await k(b, ['get', 'configmap', 'shared', '-o', 'json']), 'get through B').stdout) as { data: Record<string, string> };
    assert.deepEqual(viaB.data, { k: 'v' });
    ok(await k(b, ['delete', 'configmap', 'shared']), 'delete through B');
    assert.match((await k(a, ['get', 'configmap', 'shared'])).stderr, /NotFound/);
  });

  it('one scheduler and one controller manager lead; a Deployment is reconciled once', async () => {
    const [a, b] = planes;
    for (const lease of LEASES) {
      const id = await eventually(() => holder(a, lease), `${lease} Lease held`, 30_000);
      assert.equal(await holder(b, lease), id, 'both API servers show the same holder');
      assert.equal(leaderOf(lease, id).length, 1, `exactly one plane leads ${lease} (${id})`);
      const follower = planes.find((p) => !leaderOf(lease, id).includes(p))!;
      assert.doesNotMatch(follower.logs(), new RegExp(`${lease}: became leader`), `the other plane never led ${lease}`);
    }

    ok(await k(a, ['create', 'deployment', 'web', '--image=nginx', '--replicas=3']), 'create deployment through A');
    await eventually(async () => (await list(b, 'pods', 'app=web')).length >= 3, '3 pods seen through B', 30_000);
    // Let a second manager, were one acting, show itself: the Deployment's status settles first.
    await eventually(async () => {
      const r = await k(b, ['get', 'deployment', 'web', '-o', 'jsonpath={.status.observedGeneration}/{.status.replicas}']);
      return r.stdout.trim() === '1/3';
    }, 'deployment status observed', 30_000);
    const rs = await list(b, 'replicasets', 'app=web');
    assert.equal(rs.length, 1, `one ReplicaSet: ${rs.map((r) => r.metadata.name).join(', ')}`);
    const pods = await list(a, 'pods', 'app=web');
    assert.equal(pods.length, 3, `three pods: ${pods.map((p) => p.metadata.name).join(', ')}`);
    for (const p of pods) assert.equal(p.metadata.ownerReferences?.[0]?.name, rs[0].metadata.name);
    const creates = ok(await k(a, ['get', 'events', '--field-selector', `involvedObject.name=${rs[0].metadata.name},reason=SuccessfulCreate`, '-o', 'name']), 'events').stdout.trim().split('\n').filter(Boolean);
    assert.ok(creates.length >= 1 && creates.length <= 3, `SuccessfulCreate events: ${creates.length}`);
  });

  it('killing the leader hands both Leases to the other plane within the lease duration', async (t) => {
    const [a] = planes;
    const kcmHolder = await holder(a, 'kube-controller-manager');
    const [leader] = leaderOf('kube-controller-manager', kcmHolder);
    const survivor = planes.find((p) => p !== leader)!;
    const leaseSpec = JSON.parse(ok(await k(survivor, ['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'json']), 'get lease').stdout) as LeaseLite;
    assert.equal(leaseSpec.spec?.leaseDurationSeconds, LEASE_DURATION_MS / 1000);

    const killedAt = Date.now();
    await leader.kill9();
    const took = new Map<string, number>();
    await eventually(async () => {
      for (const lease of LEASES) {
        if (took.has(lease)) continue;
        const id = await holder(survivor, lease);
        if (id && survivor.logs().includes(`${lease}: became leader (${id})`)) took.set(lease, Date.now() - killedAt);
      }
      return took.size === LEASES.length;
    }, 'the survivor to hold both Leases', LEASE_DURATION_MS + 20_000, 200);
    // The survivor takes over once the lease it last *observed* is leaseDuration old: that observation
    // lags the old holder's last renew by up to one retry period, and its own tries come every retry
    // period (×1.2 jitter) — plus the API's latency on a loaded machine. Not a second lease duration.
    t.diagnostic(`handover after SIGKILL: ${[...took].map(([l, ms]) => `${l} ${ms} ms`).join(', ')}`);
    for (const [lease, ms] of took) assert.ok(ms <= LEASE_DURATION_MS + 2 * 1.2 * RETRY_PERIOD_MS + 5000, `${lease} handed over after ${ms} ms`);

    // The survivor's controller manager now reconciles: scale to 5, still one ReplicaSet.
    ok(await k(survivor, ['scale', 'deployment/web', '--replicas=5']), 'scale through the survivor');
    await eventually(async () => (await list(survivor, 'pods', 'app=web')).length === 5, '5 pods after the handover', 30_000);
    assert.equal((await list(survivor, 'replicasets', 'app=web')).length, 1);
  });
});
