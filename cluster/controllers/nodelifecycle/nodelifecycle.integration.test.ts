/** Node lifecycle, taint eviction and node IPAM against the real API server (Nodes and Leases made by the test). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { LEASES, NODES, PODS } from '../../client/index.js';
import { startNodeIpamController } from '../nodeipam/controller.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { startNodeLifecycleController } from './controller.js';

let h: Harness;
let renewing: NodeJS.Timeout | undefined;
let renewingLost: NodeJS.Timeout | undefined;
before(async () => {
  // Only this test's node controllers act on its nodes (the cluster runs just the namespace controller).
  h = await startHarness(QUIET);
  await h.start(['node-controller', (ctx) => startNodeLifecycleController(ctx, { nodeMonitorGracePeriodMs: 1500, nodeMonitorPeriodMs: 200 })], ['node-controller', startNodeIpamController]);
});
after(async () => {
  clearInterval(renewing);
  clearInterval(renewingLost);
  await h?.stop();
});

const micro = () => new Date().toISOString().replace('Z', '000Z');

async function makeNode(name: string): Promise<void> {
  await h.client.create<Node>(NODES, { metadata: { name } });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  // A merge patch of status, as a kubelet's: the node IPAM controller may write spec.podCIDR meanwhile.
  await h.client.patch<Node>(NODES, name, { status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] } }, { subresource: 'status' });
  await h.client.create<Lease>(LEASES, { metadata: { name, namespace: 'kube-node-lease' }, spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: micro() } });
}

async function renew(name: string): Promise<void> {
  const l = await h.client.get<Lease>(LEASES, name, { namespace: 'kube-node-lease' });
  await h.client.update<Lease>(LEASES, { ...l, spec: { ...l.spec, renewTime: micro() } });
}

const readyOf = (n?: Node) => n?.status?.conditions?.find((c) => c.type === 'Ready');
const taintKeys = (n?: Node) => (n?.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`).sort();

async function makePod(name: string, node: string, tolerationSeconds?: number | null): Promise<void> {
  const tolerations = tolerationSeconds === undefined ? undefined : [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', ...(tolerationSeconds === null ? {} : { tolerationSeconds }) }];
  await h.client.create<Pod>(PODS, { metadata: { name, namespace: 'default' }, spec: { nodeName: node, tolerations, containers: [{ name: 'c', image: 'nginx' }] } });
}
const deleting = async (name: string) => !!(await getOrUndefined(h.client.get<Pod>(PODS, name, { namespace: 'default' })))?.metadata?.deletionTimestamp;

test('a node whose lease stops is Unknown and tainted unreachable; pods evicted per their tolerations; all undone when Ready again', async () => {
  await makeNode('alive');
  await makeNode('lost');
  renewing = setInterval(() => void renew('alive').catch(() => {}), 300);
  await makePod('short', 'lost', 2);
  await makePod('forever', 'lost', null);

  const lost = await eventually(async () => {
    const n = await h.client.get<Node>(NODES, 'lost');
    return readyOf(n)?.status === 'Unknown' && taintKeys(n).length === 2 && n;
  }, 'lost node Unknown and tainted', 10_000);
  assert.equal(readyOf(lost)?.reason, 'NodeStatusUnknown');
  assert.equal(readyOf(lost)?.message, 'Kubelet stopped posting node status.');
  assert.deepEqual(taintKeys(lost), ['node.kubernetes.io/unreachable:NoExecute', 'node.kubernetes.io/unreachable:NoSchedule']);
  assert.ok(lost.spec?.taints?.find((t) => t.effect === 'NoExecute')?.timeAdded);
  const alive = await h.client.get<Node>(NODES, 'alive');
  assert.equal(readyOf(alive)?.status, 'True');
  assert.deepEqual(taintKeys(alive), []);

  assert.equal(await deleting('short'), false, 'tolerated for 2 s');
  await eventually(() => deleting('short'), 'short-toleration pod evicted', 8000);
  assert.equal(await deleting('forever'), false);

  // A NoExecute taint nothing tolerates evicts at once.
  await makeNode('bad');
  await makePod('victim', 'bad');
  const bad = await h.client.get<Node>(NODES, 'bad');
  await h.client.update<Node>(NODES, { ...bad, spec: { ...bad.spec, taints: [{ key: 'example.com/broken', effect: 'NoExecute' }] } });
  await eventually(() => deleting('victim'), 'victim evicted at once', 3000);

  // Back to life: lease renewed and Ready posted.
  await renew('lost');
  const cur = await h.client.get<Node>(NODES, 'lost');
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await h.client.updateStatus<Node>(NODES, { ...cur, status: { conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: now, lastTransitionTime: now }] } });
  renewingLost = setInterval(() => void renew('lost').catch(() => {}), 300);
  await eventually(async () => taintKeys(await h.client.get<Node>(NODES, 'lost')).length === 0, 'taints removed');
});

test('nodes get distinct /24 pod CIDRs from 10.244.0.0/16', async () => {
  await h.client.create<Node>(NODES, { metadata: { name: 'ipam-a' } });
  await h.client.create<Node>(NODES, { metadata: { name: 'ipam-b' } });
  const cidrOf = (n: string) => eventually(async () => (await h.client.get<Node>(NODES, n)).spec?.podCIDR, `${n} podCIDR`);
  const [a, b] = [await cidrOf('ipam-a'), await cidrOf('ipam-b')];
  assert.match(a, /^10\.244\.\d+\.0\/24$/);
  assert.notEqual(a, b);
  assert.deepEqual((await h.client.get<Node>(NODES, 'ipam-a')).spec?.podCIDRs, [a]);
  const all = (await h.client.list<Node>(NODES)).items.map((n) => n.spec?.podCIDR);
  assert.equal(new Set(all).size, all.length);
});
