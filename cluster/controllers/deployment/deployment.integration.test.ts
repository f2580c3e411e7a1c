/**
 * Deployment, ReplicaSet and ReplicationController controllers against the real API
 * server, driven by the real kubectl. No kubelet runs: a stand-in in this test marks
 * pods Running/Ready through the status subresource, as a kubelet would.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1.js';
import type { Event, Pod, ReplicationController } from 'kubernetes-types/core/v1.js';
import { DEPLOYMENTS, EVENTS, PODS, REPLICASETS, REPLICATIONCONTROLLERS } from '../../client/index.js';
import type { SharedInformer } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { CONTROLLERS } from '../manager.js';
import { eventually, getOrUndefined, startHarness, type Harness } from '../testing/harness.js';
import { startReplicaSetController, startReplicationControllerController } from '../replicaset/index.js';
import { startDeploymentController } from './controller.js';

let h: Harness;
let pods: SharedInformer<Pod>;
let rsInformer: SharedInformer<ReplicaSet>;
/** Apps whose pods the stand-in kubelet makes ready as soon as they appear. */
const autoReady = new Set<string>();
const ns = 'default';

const kubectl = async (...args: string[]) => {
  const r = await runKubectl(args, { kubeconfig: h.cluster.kubeconfig });
  return r;
};
const ok = async (...args: string[]) => {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
};

/** What a kubelet does when a pod's containers start and pass readiness. */
async function makeReady(pod: Pod): Promise<void> {
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  for (let attempt = 0; attempt < 5; attempt++) {
    const fresh = await getOrUndefined(h.client.get<Pod>(PODS, pod.metadata!.name!, { namespace: ns }));
    if (!fresh || fresh.metadata?.deletionTimestamp || fresh.status?.phase === 'Running') return;
    const next: Pod = { ...fresh, status: { ...fresh.status, phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } };
    try {
      await h.client.updateStatus(PODS, next);
      return;
    } catch {
      // conflict: read again
    }
  }
}

const podsOf = (app: string) => pods.indexer.listInNamespace(ns).filter((p) => p.metadata?.labels?.app === app && !p.metadata?.deletionTimestamp);
const rsOf = (deploy: string) => rsInformer.indexer.listInNamespace(ns).filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.kind === 'Deployment' && o.name === deploy));
const getDeploy = (name: string) => h.client.get<Deployment>(DEPLOYMENTS, name, { namespace: ns });
const rolloutStatus = (name: string) => kubectl('rollout', 'status', `deployment/${name}`, '--timeout=40s');

/**
 * The launcher runs the controller manager; ours must be the only deployment and
 * replicaset loops, so the cluster runs every other controller (the garbage collector
 * included) but not these.
 */
const mine = /^(deployment|replicaset|replicationcontroller)-controller$/;
const OTHERS_ONLY = { args: ['--no-scheduler', '--controllers', ['*', ...CONTROLLERS.map((c) => c.name).filter((n) => mine.test(n)).map((n) => `-${n}`)].join(',')] };

before(async () => {
  h = await startHarness(OTHERS_ONLY);
  pods = h.informers.informerFor<Pod>(PODS);
  rsInformer = h.informers.informerFor<ReplicaSet>(REPLICASETS);
  pods.addEventHandler({
    onAdd: (p) => {
      if (autoReady.has(p.metadata?.labels?.app ?? '')) void makeReady(p);
    },
  });
  await h.start(['deployment-controller', startDeploymentController], ['replicaset-controller', startReplicaSetController], ['replication-controller', startReplicationControllerController]);
});
after(async () => {
  await h?.stop();
});

test('kubectl create deployment → a ReplicaSet <name>-<hash> and 3 pods; ready pods → rollout status succeeds', async () => {
  await ok('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
  const rs = await eventually(() => rsOf('web')[0], 'ReplicaSet of web');
  const hash = rs.metadata!.labels!['pod-template-hash'];
  assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  assert.equal(rs.metadata!.name, `web-${hash}`);
  assert.equal(rs.spec!.selector.matchLabels!['pod-template-hash'], hash);
  assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
  assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '3');
  assert.equal(rs.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '4');
  const ref = rs.metadata!.ownerReferences![0];
  assert.equal(ref.controller, true);
  assert.equal(ref.blockOwnerDeletion, true);
  const created = await eventually(() => podsOf('web').length === 3 && podsOf('web'), '3 pods');
  for (const p of created) {
    assert.match(p.metadata!.name!, new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
    assert.equal(p.metadata!.ownerReferences![0].name, rs.metadata!.name);
  }
  const events = await eventually(async () => {
    const list = await h.client.list<Event>(EVENTS, { namespace: ns });
    const msgs = list.items.map((e) => `${e.reason}: ${e.message}`);
    return msgs.filter((m) => m.startsWith('SuccessfulCreate: Created pod: web-')).length >= 3 && msgs.includes(`ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`) && msgs;
  }, 'SuccessfulCreate and ScalingReplicaSet events');
  assert.equal(events.filter((m) => m.startsWith('SuccessfulCreate')).length, 3, events.join('\n'));

  const d0 = await getDeploy('web');
  assert.equal(d0.status?.observedGeneration, d0.metadata?.generation);
  assert.equal(d0.metadata?.annotations?.['deployment.kubernetes.io/revision'], '1');
  for (const p of created) await makeReady(p);
  const r = await rolloutStatus('web');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /successfully rolled out/);
  const d = await getDeploy('web');
  assert.equal(d.status?.availableReplicas, 3);
  assert.equal(d.status?.updatedReplicas, 3);
  const conds = Object.fromEntries((d.status?.conditions ?? []).map((c) => [c.type, c.reason]));
  assert.equal(conds.Available, 'MinimumReplicasAvailable');
  assert.equal(conds.Progressing, 'NewReplicaSetAvailable');
});

test('kubectl set image rolls out within maxSurge/maxUnavailable; history; undo reuses the first ReplicaSet as revision 3', async () => {
  autoReady.add('web');
  await ok('scale', 'deployment/web', '--replicas=4');
  await eventually(async () => (await getDeploy('web')).status?.availableReplicas === 4 || undefined, '4 available');
  await ok('patch', 'deployment/web', '-p', JSON.stringify({ spec: { strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } } }));
  const first = rsOf('web')[0];
  // Check the invariants on every ReplicaSet change the cache sees.
  const violations: string[] = [];
  const check = () => {
    const all = rsOf('web');
    const total = all.reduce((n, rs) => n + (rs.spec?.replicas ?? 0), 0);
    const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
    if (total > 5) violations.push(`total ${total} > 4 + maxSurge 1`);
    if (available < 3) violations.push(`available ${available} < 4 - maxUnavailable 1`);
  };
  const stop = rsInformer.addEventHandler({ onAdd: check, onUpdate: check });
  await ok('set', 'image', 'deployment/web', 'nginx=nginx:2');
  const r = await rolloutStatus('web');
  stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(violations, []);
  const all = rsOf('web');
  assert.equal(all.length, 2);
  const second = all.find((rs) => rs.metadata!.uid !== first.metadata!.uid)!;
  assert.equal(second.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
  await eventually(() => (rsInformer.indexer.get(`${ns}/${first.metadata!.name}`)?.spec?.replicas === 0) || undefined, 'old RS scaled to 0');

  const history = await ok('rollout', 'history', 'deployment/web');
  assert.match(history, /^1\s/m);
  assert.match(history, /^2\s/m);

  await ok('rollout', 'undo', 'deployment/web');
  const back = await rolloutStatus('web');
  assert.equal(back.code, 0, back.stdout + back.stderr);
  const reused = await eventually(() => {
    const rs = rsInformer.indexer.get(`${ns}/${first.metadata!.name}`);
    return rs?.metadata?.annotations?.['deployment.kubernetes.io/revision'] === '3' && rs;
  }, 'first RS is revision 3');
  assert.equal(reused.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '1');
  assert.equal(reused.spec!.replicas, 4);
  assert.equal(rsOf('web').length, 2, 'no third ReplicaSet');
  const d = await getDeploy('web');
  assert.equal(d.spec!.template!.spec!.containers[0].image, 'nginx');
  assert.equal(d.metadata!.annotations!['deployment.kubernetes.io/revision'], '3');
});

test('kubectl scale, and pause/resume: paused makes no new ReplicaSet, resume rolls out', async () => {
  await ok('scale', 'deployment/web', '--replicas=2');
  await eventually(() => podsOf('web').length === 2 || undefined, '2 pods');
  await ok('rollout', 'pause', 'deployment/web');
  await ok('set', 'image', 'deployment/web', 'nginx=nginx:3');
  await eventually(async () => {
    const d = await getDeploy('web');
    return d.status?.observedGeneration === d.metadata?.generation && d.status?.conditions?.some((c) => c.reason === 'DeploymentPaused');
  }, 'paused observed');
  assert.equal(rsOf('web').length, 2, 'no new ReplicaSet while paused');
  // Scaling while paused still works (proportionally; here one active ReplicaSet).
  await ok('scale', 'deployment/web', '--replicas=3');
  await eventually(() => podsOf('web').length === 3 || undefined, '3 pods while paused');
  await ok('rollout', 'resume', 'deployment/web');
  const r = await rolloutStatus('web');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(rsOf('web').length, 3);
  assert.ok(podsOf('web').every((p) => p.spec?.containers[0].image === 'nginx:3'));
});

test('Recreate scales the old ReplicaSet to zero before the new one gets pods', async () => {
  autoReady.add('rec');
  await ok('create', 'deployment', 'rec', '--image=nginx', '--replicas=2');
  await ok('patch', 'deployment/rec', '-p', JSON.stringify({ spec: { strategy: { type: 'Recreate', rollingUpdate: null } } }));
  assert.equal((await rolloutStatus('rec')).code, 0);
  const overlap: string[] = [];
  const check = () => {
    const active = rsOf('rec').filter((rs) => (rs.spec?.replicas ?? 0) > 0);
    if (active.length > 1) overlap.push(active.map((rs) => rs.metadata?.name).join(','));
  };
  const stop = rsInformer.addEventHandler({ onAdd: check, onUpdate: check });
  await ok('set', 'image', 'deployment/rec', 'nginx=nginx:2');
  const r = await rolloutStatus('rec');
  stop();
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(overlap, []);
  assert.equal(rsOf('rec').length, 2);
});

test('progressDeadlineSeconds: pods that never become ready → ProgressDeadlineExceeded, rollout status fails', async () => {
  await ok('create', 'deployment', 'stuck', '--image=nginx', '--replicas=1');
  await ok('patch', 'deployment/stuck', '-p', JSON.stringify({ spec: { progressDeadlineSeconds: 2 } }));
  const d = await eventually(async () => {
    const x = await getDeploy('stuck');
    return x.status?.conditions?.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded') && x;
  }, 'deadline exceeded', 15_000);
  assert.equal(d.status?.conditions?.find((c) => c.type === 'Available')?.reason, 'MinimumReplicasUnavailable');
  const r = await rolloutStatus('stuck');
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /exceeded its progress deadline/);
});

test('revisionHistoryLimit deletes the oldest idle ReplicaSets', async () => {
  autoReady.add('hist');
  await ok('create', 'deployment', 'hist', '--image=nginx', '--replicas=1');
  await ok('patch', 'deployment/hist', '-p', JSON.stringify({ spec: { revisionHistoryLimit: 1 } }));
  for (const tag of ['2', '3']) {
    await ok('set', 'image', 'deployment/hist', `nginx=nginx:${tag}`);
    assert.equal((await rolloutStatus('hist')).code, 0);
  }
  const left = await eventually(() => rsOf('hist').length === 2 && rsOf('hist'), 'history trimmed to 1 old RS');
  const revisions = left.map((rs) => rs.metadata!.annotations!['deployment.kubernetes.io/revision']).sort();
  assert.deepEqual(revisions, ['2', '3']);
});

test('kubectl delete --cascade=orphan keeps the ReplicaSet and its pods, without the owner reference', async () => {
  const rsName = rsOf('rec').find((rs) => (rs.spec?.replicas ?? 0) > 0)!.metadata!.name!;
  await ok('delete', 'deployment', 'rec', '--cascade=orphan');
  const rs = await eventually(async () => {
    const x = await getOrUndefined(h.client.get<ReplicaSet>(REPLICASETS, rsName, { namespace: ns }));
    return x && !(x.metadata?.ownerReferences ?? []).length && x;
  }, 'orphaned RS');
  assert.equal(rs.spec?.replicas, 2);
  assert.equal(await getOrUndefined(getDeploy('rec')), undefined);
  assert.equal(podsOf('rec').length, 2);
});

test('ReplicaSet: adopts a matching orphan, releases a pod whose labels stop matching, deletes not-ready pods first', async () => {
  const orphan = await h.client.create<Pod>(PODS, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'lonely', namespace: ns, labels: { app: 'solo' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
  await makeReady(orphan);
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: 'solo', namespace: ns },
    spec: { replicas: 3, selector: { matchLabels: { app: 'solo' } }, template: { metadata: { labels: { app: 'solo' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  const r = await runKubectl(['apply', '-f', '-'], { kubeconfig: h.cluster.kubeconfig, input: JSON.stringify(manifest) });
  assert.equal(r.code, 0, r.stderr);
  await eventually(() => podsOf('solo').length === 3 || undefined, '3 solo pods');
  const adopted = await eventually(async () => {
    const p = await h.client.get<Pod>(PODS, 'lonely', { namespace: ns });
    return p.metadata?.ownerReferences?.[0]?.name === 'solo' && p;
  }, 'orphan adopted');
  assert.equal(adopted.metadata!.ownerReferences![0].controller, true);
  // Two new pods are not ready; the adopted one is: scaling to 1 keeps it.
  await ok('scale', 'rs/solo', '--replicas=1');
  await eventually(() => (podsOf('solo').length === 1 && podsOf('solo')[0].metadata!.name === 'lonely') || undefined, 'not-ready pods deleted first');
  await ok('label', 'pod/lonely', 'app=elsewhere', '--overwrite');
  const released = await eventually(async () => {
    const p = await h.client.get<Pod>(PODS, 'lonely', { namespace: ns });
    return !(p.metadata?.ownerReferences ?? []).length && p;
  }, 'pod released');
  assert.equal(released.metadata!.labels!.app, 'elsewhere');
  await eventually(() => podsOf('solo').length === 1 || undefined, 'a replacement pod');
  const rs = await eventually(async () => {
    const x = await h.client.get<ReplicaSet>(REPLICASETS, 'solo', { namespace: ns });
    return x.status?.replicas === 1 && x.status.observedGeneration === x.metadata?.generation && x;
  }, 'RS status');
  assert.equal(rs.status?.fullyLabeledReplicas, 1);
});

test('ReplicationController: same code, v1 map selector', async () => {
  const rc: ReplicationController = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'legacy', namespace: ns },
    spec: { replicas: 2, selector: { app: 'legacy' }, template: { metadata: { labels: { app: 'legacy' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  const r = await runKubectl(['create', '-f', '-'], { kubeconfig: h.cluster.kubeconfig, input: JSON.stringify(rc) });
  assert.equal(r.code, 0, r.stderr);
  const created = await eventually(() => podsOf('legacy').length === 2 && podsOf('legacy'), '2 legacy pods');
  assert.ok(created.every((p) => p.metadata!.name!.startsWith('legacy-') && p.metadata!.ownerReferences![0].kind === 'ReplicationController'));
  for (const p of created) await makeReady(p);
  await eventually(async () => (await h.client.get<ReplicationController>(REPLICATIONCONTROLLERS, 'legacy', { namespace: ns })).status?.readyReplicas === 2 || undefined, 'RC ready');
});
