/**
 * The Job, TTL-after-finished, CronJob, DaemonSet and StatefulSet controllers against
 * the real API server, driven by the real kubectl. The launched control plane runs its
 * own controller manager with these loops switched off (`--controllers *,-job,...`), so
 * only the instances started here act. No kubelet runs: a stand-in here moves pods to
 * Running/Ready/Succeeded/Failed through the status subresource; Nodes are created by the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DaemonSet, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { Event, Node, PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1.js';
import { CRONJOBS, EVENTS, JOBS, NODES, PERSISTENTVOLUMECLAIMS, PODS } from '../../client/index.js';
import type { RestClient, SharedInformer, SharedInformerFactory } from '../../client/index.js';
import type { LaunchedCluster } from '../../../test/support/cluster.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { CONTROLLERS } from '../manager.js';
import { eventually, getOrUndefined, startHarness, type Harness } from '../testing/harness.js';
import { startCronJobController, type CronJobController } from '../cronjob/index.js';
import { startDaemonSetController } from '../daemonset/index.js';
import { JOB_TRACKING_FINALIZER, startJobController, startTTLAfterFinishedController } from '../job/index.js';
import { startStatefulSetController } from '../statefulset/index.js';

const MINE = ['job-controller', 'ttl-after-finished-controller', 'cronjob-controller', 'daemonset-controller', 'statefulset-controller'];
const ns = 'default';

let cluster: LaunchedCluster;
let client: RestClient;
let informers: SharedInformerFactory;
let pods: SharedInformer<Pod>;
let cron: CronJobController;
let h: Harness;
/** The CronJob controller's clock. */
let fakeNow = Date.now();
/** Label app values whose pods the stand-in kubelet makes Running and Ready. */
const autoReady = new Set<string>();

const kubectl = (...args: string[]) => runKubectl(args, { kubeconfig: cluster.kubeconfig });
async function ok(...args: string[]): Promise<string> {
  const r = await kubectl(...args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}
const stamp = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');

/** What a kubelet would report: a new phase (and Ready for Running). */
async function setPhase(name: string, phase: 'Running' | 'Succeeded' | 'Failed'): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const pod = await getOrUndefined(client.get<Pod>(PODS, name, { namespace: ns }));
    if (!pod) return;
    const ready = phase === 'Running' ? 'True' : 'False';
    try {
      await client.updateStatus<Pod>(PODS, { ...pod, status: { ...pod.status, phase, conditions: [{ type: 'Ready', status: ready, lastTransitionTime: stamp() }] } });
      return;
    } catch {
      // conflict: read again
    }
  }
}

const podsWith = (pred: (p: Pod) => boolean) => pods.indexer.listInNamespace(ns).filter((p) => pred(p) && !p.metadata?.deletionTimestamp);
const ownedBy = (kind: string, name: string) => (p: Pod) => p.metadata?.ownerReferences?.some((o) => o.kind === kind && o.name === name) ?? false;
const events = async (name: string) => (await client.list<Event>(EVENTS, { namespace: ns })).items.filter((e) => e.involvedObject.name === name).map((e) => e.reason);

before(async () => {
  const known = new Set(CONTROLLERS.map((c) => c.name));
  const off = MINE.filter((n) => known.has(n)).map((n) => `-${n}`);
  h = await startHarness({ args: ['--controllers', ['*', ...off].join(',')] });
  ({ cluster, client, informers } = h);
  pods = informers.informerFor<Pod>(PODS);
  pods.addEventHandler({
    onAdd: (p) => {
      const app = p.metadata?.labels?.app;
      if (app && autoReady.has(app) && !p.status?.phase?.match(/Running/)) void setPhase(p.metadata!.name!, 'Running');
    },
  });
  await h.start(
    ['cronjob-controller', (ctx) => (cron = startCronJobController(ctx, { now: () => fakeNow }))],
    ['job-controller', startJobController],
    ['ttl-after-finished-controller', startTTLAfterFinishedController],
    ['daemon-set-controller', startDaemonSetController],
    ['statefulset-controller', startStatefulSetController],
  );
});

after(async () => {
  await h?.stop();
});

test('kubectl create job: one pod with the tracking finalizer; success completes the Job and releases the pod', async () => {
  await ok('create', 'job', 'pi', '--image=busybox', '--', 'echo', 'hi');
  const [pod] = await eventually(() => {
    const ps = podsWith(ownedBy('Job', 'pi'));
    return ps.length ? ps : undefined;
  }, 'the job pod');
  assert.match(pod.metadata!.name!, /^pi-/);
  assert.ok(pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER));
  assert.equal(pod.metadata?.ownerReferences?.[0].controller, true);
  await setPhase(pod.metadata!.name!, 'Succeeded');
  await ok('wait', '--for=condition=complete', 'job/pi', '--timeout=20s');
  const job = await client.get<Job>(JOBS, 'pi', { namespace: ns });
  assert.equal(job.status?.succeeded, 1);
  assert.ok(job.status?.completionTime);
  assert.deepEqual(job.status?.conditions?.filter((c) => c.status === 'True').map((c) => c.type).sort(), ['Complete', 'SuccessCriteriaMet']);
  await eventually(async () => !(await client.get<Pod>(PODS, pod.metadata!.name!, { namespace: ns })).metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER), 'finalizer removed');
  await eventually(async () => (await events('pi')).includes('Completed'), 'Completed event');
  assert.match(await ok('get', 'job', 'pi'), /Complete\s+1\/1/);
});

test('Indexed Job: pods per index, completedIndexes; backoffLimit 0 fails on the first failure', async () => {
  await client.create<Job>(JOBS, { metadata: { name: 'idx', namespace: ns }, spec: { completionMode: 'Indexed', completions: 3, parallelism: 3, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  const idx = await eventually(() => {
    const ps = podsWith(ownedBy('Job', 'idx'));
    return ps.length === 3 ? ps : undefined;
  }, 'three indexed pods');
  assert.deepEqual(idx.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort(), ['0', '1', '2']);
  for (const p of idx) assert.match(p.metadata!.name!, new RegExp(`^idx-${p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']}-`));
  for (const p of idx) await setPhase(p.metadata!.name!, 'Succeeded');
  await eventually(async () => (await client.get<Job>(JOBS, 'idx', { namespace: ns })).status?.completedIndexes === '0-2', 'completedIndexes 0-2');

  await client.create<Job>(JOBS, { metadata: { name: 'boom', namespace: ns }, spec: { backoffLimit: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  const [p] = await eventually(() => {
    const ps = podsWith(ownedBy('Job', 'boom'));
    return ps.length ? ps : undefined;
  }, 'boom pod');
  await setPhase(p.metadata!.name!, 'Failed');
  const failed = await eventually(async () => {
    const j = await client.get<Job>(JOBS, 'boom', { namespace: ns });
    return j.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  }, 'Failed condition');
  assert.equal(failed.reason, 'BackoffLimitExceeded');
  assert.equal((await client.get<Job>(JOBS, 'boom', { namespace: ns })).status?.failed, 1);
});

test('ttlSecondsAfterFinished deletes a finished Job', async () => {
  await client.create<Job>(JOBS, { metadata: { name: 'short', namespace: ns }, spec: { ttlSecondsAfterFinished: 0, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } });
  const [p] = await eventually(() => {
    const ps = podsWith(ownedBy('Job', 'short'));
    return ps.length ? ps : undefined;
  }, 'short pod');
  await setPhase(p.metadata!.name!, 'Succeeded');
  await eventually(async () => (await getOrUndefined(client.get<Job>(JOBS, 'short', { namespace: ns }))) === undefined, 'the Job deleted by TTL');
});

test('kubectl create cronjob: a fake clock past the schedule starts `<cronjob>-<minutes>`, completion updates status', async () => {
  await ok('create', 'cronjob', 'hello', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date');
  const cj = await client.get<CronJob>(CRONJOBS, 'hello', { namespace: ns });
  const created = Date.parse(cj.metadata!.creationTimestamp!);
  const scheduled = (Math.floor(created / 300_000) + 1) * 300_000;
  fakeNow = scheduled + 20_000;
  cron.enqueue(`${ns}/hello`);
  const jobName = `hello-${scheduled / 60_000}`;
  const job = await eventually(() => getOrUndefined(client.get<Job>(JOBS, jobName, { namespace: ns })), `job ${jobName}`);
  assert.equal(job.metadata?.ownerReferences?.[0].kind, 'CronJob');
  const withActive = await eventually(async () => {
    const c = await client.get<CronJob>(CRONJOBS, 'hello', { namespace: ns });
    return c.status?.active?.length === 1 ? c : undefined;
  }, 'status.active');
  assert.equal(withActive.status?.lastScheduleTime, new Date(scheduled).toISOString().replace(/\.\d+Z$/, 'Z'));
  const [p] = await eventually(() => {
    const ps = podsWith(ownedBy('Job', jobName));
    return ps.length ? ps : undefined;
  }, 'cron job pod');
  await setPhase(p.metadata!.name!, 'Succeeded');
  const done = await eventually(async () => {
    const c = await client.get<CronJob>(CRONJOBS, 'hello', { namespace: ns });
    return !c.status?.active?.length && c.status?.lastSuccessfulTime ? c : undefined;
  }, 'lastSuccessfulTime');
  assert.ok(done.status?.lastSuccessfulTime);
  await eventually(async () => (await events('hello')).includes('SawCompletedJob'), 'SawCompletedJob event');
  // Same scheduled time again: nothing new.
  cron.enqueue(`${ns}/hello`);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await client.list<Job>(JOBS, { namespace: ns })).items.filter((j) => j.metadata?.name?.startsWith('hello-')).length, 1);
});

test('DaemonSet: one pod per eligible node, pinned by node affinity; kubectl rollout status succeeds', async () => {
  const node = (name: string, taints: NonNullable<Node['spec']>['taints'] = []): Node => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: { taints }, status: { conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: stamp(), lastTransitionTime: stamp(), reason: 'KubeletReady', message: 'ready' }] } });
  for (const n of [node('n1'), node('n2'), node('n3', [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }])]) {
    await client.create<Node>(NODES, n);
    await client.patch<Node>(NODES, n.metadata!.name!, { status: n.status }, { subresource: 'status', type: 'merge' });
  }
  autoReady.add('agent');
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: ns },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
  };
  const r = await runKubectl(['apply', '-f', '-'], { kubeconfig: cluster.kubeconfig, input: JSON.stringify(manifest) });
  assert.equal(r.code, 0, r.stderr);
  const dsPods = await eventually(() => {
    const ps = podsWith(ownedBy('DaemonSet', 'agent'));
    return ps.length === 2 ? ps : undefined;
  }, 'two daemon pods');
  const targets = dsPods.map((p) => p.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0].matchFields?.[0].values?.[0]).sort();
  assert.deepEqual(targets, ['n1', 'n2']);
  assert.ok(dsPods.every((p) => p.metadata?.labels?.['controller-revision-hash']));
  await ok('rollout', 'status', 'ds/agent', '--timeout=30s');
  const ds = await client.get<DaemonSet>({ group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true }, 'agent', { namespace: ns });
  assert.equal(ds.status?.desiredNumberScheduled, 2);
  assert.equal(ds.status?.numberReady, 2);
  assert.equal(ds.status?.updatedNumberScheduled, 2);
  assert.match(await ok('get', 'controllerrevisions', '-l', 'app=agent', '-o', 'name'), /controllerrevision.apps\/agent-/);
});

test('StatefulSet: pods come up in order with stable names and claims; kubectl rollout status succeeds', async () => {
  const order: string[] = [];
  pods.addEventHandler({ onAdd: (p) => p.metadata?.labels?.app === 'web' && !order.includes(p.metadata.name!) && order.push(p.metadata.name!) });
  const manifest = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: ns },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
    },
  };
  const r = await runKubectl(['apply', '-f', '-'], { kubeconfig: cluster.kubeconfig, input: JSON.stringify(manifest) });
  assert.equal(r.code, 0, r.stderr);
  // Ordered: web-1 must not exist before web-0 is Running and Ready.
  await eventually(() => podsWith(ownedBy('StatefulSet', 'web')).length === 1 || undefined, 'web-0');
  await new Promise((res) => setTimeout(res, 300));
  assert.deepEqual(podsWith(ownedBy('StatefulSet', 'web')).map((p) => p.metadata?.name), ['web-0']);
  assert.ok(await getOrUndefined(client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'data-web-0', { namespace: ns })), 'claim made before the pod');
  autoReady.add('web');
  await setPhase('web-0', 'Running');
  await ok('rollout', 'status', 'sts/web', '--timeout=30s');
  assert.deepEqual(order, ['web-0', 'web-1', 'web-2']);
  const web2 = await client.get<Pod>(PODS, 'web-2', { namespace: ns });
  assert.equal(web2.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-2');
  assert.equal(web2.metadata?.labels?.['apps.kubernetes.io/pod-index'], '2');
  assert.equal(web2.spec?.hostname, 'web-2');
  const sts = await client.get<StatefulSet>({ group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true }, 'web', { namespace: ns });
  assert.equal(sts.status?.readyReplicas, 3);
  assert.equal(sts.status?.currentRevision, sts.status?.updateRevision);
  // Scale down: the highest ordinal goes first; claims are retained.
  await ok('scale', 'sts/web', '--replicas=2');
  await eventually(async () => (await getOrUndefined(client.get<Pod>(PODS, 'web-2', { namespace: ns }))) === undefined, 'web-2 deleted');
  assert.ok(await getOrUndefined(client.get<Pod>(PODS, 'web-1', { namespace: ns })));
  assert.ok(await getOrUndefined(client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, 'data-web-2', { namespace: ns })), 'Retain keeps the claim');
});
