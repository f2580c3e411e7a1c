/**
 * The scheduler against the real API server (`kubarium up` via test/support/cluster.ts):
 * three Node objects (two workers with 2 CPUs, one tainted control-plane node), then
 * pods — binding and Scheduled events, spreading, taints, the Insufficient cpu
 * message + FailedScheduling event + decision annotation, and preemption.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Event, Node, Pod } from 'kubernetes-types/core/v1.js';
import type { PriorityClass } from 'kubernetes-types/scheduling/v1.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { launchCluster } from '../../test/support/cluster.js';
import { PKI_FILES, issueClientCertificate } from '../pki/index.js';
import type { LaunchedCluster } from '../../test/support/cluster.js';
import { EventRecorder, EVENTS, NODES, PODS, PRIORITYCLASSES, RestClient, SharedInformerFactory } from '../client/index.js';
import { DECISION_ANNOTATION, startScheduler } from './index.js';
import type { RunningScheduler } from './index.js';

let cluster: LaunchedCluster;
let client: RestClient;
let schedulerClient: RestClient;
let factory: SharedInformerFactory;
let scheduler: RunningScheduler;
const abort = new AbortController();

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, limitMs = 15_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createNode(name: string, cpu: string, extra: Partial<Node['spec']> = {}, labels: Record<string, string> = {}): Promise<void> {
  await client.create<Node>(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: { ...extra } });
  const status: Node['status'] = {
    capacity: { cpu, memory: '8Gi', pods: '110' },
    allocatable: { cpu, memory: '8Gi', pods: '110' },
    conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'test node', lastHeartbeatTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') }],
  };
  // A merge patch of the status subresource: no resourceVersion to race with other writers.
  await client.patch(NODES, name, { status }, { subresource: 'status', type: 'merge' });
}

function pod(name: string, cpu: string, o: { labels?: Record<string, string>; priorityClassName?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: o.labels },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27', resources: { requests: { cpu, memory: '64Mi' } } }], ...(o.priorityClassName ? { priorityClassName: o.priorityClassName } : {}) },
  };
}

const getPod = (name: string) => client.get<Pod>(PODS, name, { namespace: 'default' });
const boundNode = (name: string) => eventually(`${name} bound`, async () => (await getPod(name)).spec?.nodeName || undefined);
const eventsFor = async (name: string) => (await client.list<Event>(EVENTS, { namespace: 'default' })).items.filter((e) => e.involvedObject.name === name);

before(async () => {
  // This test runs its own scheduler: the launched control plane must not run one too.
  cluster = await launchCluster({ args: ['--no-scheduler'] });
  client = RestClient.fromKubeconfig(cluster.kubeconfig, { userAgent: 'scheduler-integration-test' });
  await createNode('node-1', '2');
  await createNode('node-2', '2');
  await createNode('control-plane', '4', { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }, { 'node-role.kubernetes.io/control-plane': '' });
  // The scheduler acts as system:kube-scheduler, as the control plane runs it: only its bootstrap roles.
  const pki = join(cluster.dataDir, 'pki');
  const ca = { cert: readFileSync(join(pki, PKI_FILES.caCert), 'utf8'), key: readFileSync(join(pki, PKI_FILES.caKey), 'utf8') };
  const id = await issueClientCertificate({ ca }, { commonName: 'system:kube-scheduler' });
  schedulerClient = new RestClient({ server: cluster.url, ca: ca.cert, cert: id.cert, key: id.key, userAgent: 'kube-scheduler' });
  factory = new SharedInformerFactory(schedulerClient, { log: () => {} });
  const recorder = new EventRecorder({ client: schedulerClient, component: 'default-scheduler', log: () => {} });
  scheduler = startScheduler({ client: schedulerClient, informers: factory, recorder, log: () => {}, signal: abort.signal, podInitialBackoffMs: 200, podMaxBackoffMs: 1000 });
  factory.start();
  assert.equal(await scheduler.ready, true);
});

after(async () => {
  abort.abort();
  await scheduler?.stop();
  await factory?.shutdown();
  client?.close();
  schedulerClient?.close();
  await cluster?.stop();
});

test('binds pods, spreads them over the untainted nodes, records Scheduled events and the decision', async () => {
  for (let i = 1; i <= 4; i++) await client.create(PODS, pod(`web-${i}`, '100m', { labels: { app: 'web' } }));
  const placed: string[] = [];
  for (let i = 1; i <= 4; i++) placed.push(await boundNode(`web-${i}`));
  assert.ok(!placed.includes('control-plane'), `tainted node used: ${placed.join(',')}`);
  assert.equal(placed.filter((n) => n === 'node-1').length, 2, `not spread: ${placed.join(',')}`);
  const p = await getPod('web-1');
  assert.equal(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status, 'True');
  const decision = JSON.parse(p.metadata?.annotations?.[DECISION_ANNOTATION] ?? '{}') as { result?: string; node?: string; filtered?: Record<string, string> };
  assert.equal(decision.result, 'Scheduled');
  assert.equal(decision.node, placed[0]);
  assert.match(decision.filtered?.['control-plane'] ?? '', /^TaintToleration: node\(s\) had untolerated taint/);
  assert.equal(scheduler.decisionFor('default', 'web-1')?.node, placed[0]);
  const ev = await eventually('Scheduled event', async () => (await eventsFor('web-1')).find((e) => e.reason === 'Scheduled'));
  assert.equal(ev.message, `Successfully assigned default/web-1 to ${placed[0]}`);
  assert.equal(ev.source?.component, 'default-scheduler');
});

test('an unschedulable pod gets PodScheduled=False with upstream message, a FailedScheduling event, and retries when the cluster changes', async () => {
  await client.create(PODS, pod('big', '3'));
  const want =
    '0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.';
  const cond = await eventually('PodScheduled=False', async () => (await getPod('big')).status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'));
  assert.equal(cond.reason, 'Unschedulable');
  assert.equal(cond.message, want);
  const ev = await eventually('FailedScheduling', async () => (await eventsFor('big')).find((e) => e.reason === 'FailedScheduling'));
  assert.equal(ev.type, 'Warning');
  assert.equal(ev.message, want);
  const annotation = JSON.parse((await getPod('big')).metadata?.annotations?.[DECISION_ANNOTATION] ?? '{}') as { result?: string; filtered?: Record<string, string> };
  assert.equal(annotation.result, 'Unschedulable');
  assert.equal(annotation.filtered?.['node-1'], 'NodeResourcesFit: Insufficient cpu');
  assert.ok(scheduler.metrics().attempts.unschedulable >= 1);
  assert.match(scheduler.renderPrometheus(), /scheduler_pending_pods\{queue="unschedulable"\} 1/);
  // A bigger node arrives: the parked pod is retried and lands there.
  await createNode('node-big', '8');
  assert.equal(await boundNode('big'), 'node-big');
  await client.delete(PODS, 'big', { namespace: 'default', gracePeriodSeconds: 0 });
  await client.delete(NODES, 'node-big');
});

test('a higher-priority pod preempts a lower-priority one and is scheduled once it is gone', async () => {
  await client.create<PriorityClass>(PRIORITYCLASSES, { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 });
  // Fill both workers (1.7 of 2 CPUs each, counting web-*).
  await client.create(PODS, pod('low-1', '1500m'));
  await client.create(PODS, pod('low-2', '1500m'));
  await boundNode('low-1');
  await boundNode('low-2');
  await client.create(PODS, pod('urgent', '1', { priorityClassName: 'high' }));
  const nominated = await eventually('nominatedNodeName', async () => (await getPod('urgent')).status?.nominatedNodeName || undefined);
  // Act as the kubelet: finish the graceful deletion of the victim.
  const victim = await eventually('a victim being deleted', async () => {
    for (const n of ['low-1', 'low-2']) {
      const p = await getPod(n).catch(() => undefined);
      if (!p || p.metadata?.deletionTimestamp) return n;
    }
    return undefined;
  });
  await client.delete(PODS, victim, { namespace: 'default', gracePeriodSeconds: 0 }).catch(() => undefined);
  assert.equal(await boundNode('urgent'), nominated);
  const ev = await eventually('Preempted event', async () => (await eventsFor(victim)).find((e) => e.reason === 'Preempted'));
  assert.match(ev.message ?? '', new RegExp(`^Preempted by pod .+ on node ${nominated}$`));
  assert.ok(scheduler.metrics().preemptionVictims >= 1);
});
