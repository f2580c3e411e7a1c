/** Endpoints and EndpointSlice controllers against the real API server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ENDPOINTS, ENDPOINTSLICES, PODS, SERVICES } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { startEndpointsController } from '../endpoints/controller.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { startEndpointSliceController } from './controller.js';

let h: Harness;
before(async () => {
  h = await startHarness(QUIET);
  await h.start(['endpoint-controller', startEndpointsController], ['endpointslice-controller', (ctx) => startEndpointSliceController(ctx, { maxEndpointsPerSlice: 2 })]);
});
after(async () => {
  await h?.stop();
});

async function makePod(name: string, ip: string, ready: boolean): Promise<void> {
  const pod = await h.client.create<Pod>(PODS, {
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'web', containerPort: 8080 }] }] },
  });
  await h.client.updateStatus<Pod>(PODS, { ...pod, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
}

const slicesOf = async (svc: string) =>
  (await h.client.list<EndpointSlice>(ENDPOINTSLICES, { namespace: 'default', labelSelector: `kubernetes.io/service-name=${svc}` })).items;

test('a selecting service gets Endpoints and EndpointSlices that follow pod readiness', async () => {
  await h.client.create<Service>(SERVICES, { metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } });
  await makePod('web-1', '10.244.0.11', true);
  await makePod('web-2', '10.244.0.12', false);
  await makePod('web-3', '10.244.0.13', true);
  const ep = await eventually(async () => {
    const e = await getOrUndefined(h.client.get<Endpoints>(ENDPOINTS, 'web', { namespace: 'default' }));
    return e?.subsets?.[0]?.addresses?.length === 2 && e;
  }, 'endpoints with two ready addresses');
  assert.deepEqual(ep.subsets![0].notReadyAddresses?.map((a) => a.ip), ['10.244.0.12']);
  assert.deepEqual(ep.subsets![0].ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.equal(ep.subsets![0].addresses![0].targetRef?.name, 'web-1');

  const slices = await eventually(async () => {
    const s = await slicesOf('web');
    return s.reduce((n, x) => n + (x.endpoints?.length ?? 0), 0) === 3 && s;
  }, 'slices with three endpoints');
  assert.equal(slices.length, 2, 'two endpoints per slice at most');
  for (const s of slices) {
    assert.match(s.metadata!.name!, /^web-[a-z0-9]+$/);
    assert.equal(s.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
    assert.equal(s.metadata?.ownerReferences?.[0].kind, 'Service');
  }
  const notReady = slices.flatMap((s) => s.endpoints ?? []).find((e) => e.targetRef?.name === 'web-2');
  assert.deepEqual(notReady?.conditions, { ready: false, serving: false, terminating: false });

  // Readiness flips; a deleted pod disappears.
  const p2 = await h.client.get<Pod>(PODS, 'web-2', { namespace: 'default' });
  await h.client.updateStatus<Pod>(PODS, { ...p2, status: { ...p2.status, conditions: [{ type: 'Ready', status: 'True' }] } });
  await h.client.delete(PODS, 'web-3', { namespace: 'default', gracePeriodSeconds: 0 });
  await eventually(async () => {
    const e = await h.client.get<Endpoints>(ENDPOINTS, 'web', { namespace: 'default' });
    return JSON.stringify(e.subsets?.[0]?.addresses?.map((a) => a.ip)) === '["10.244.0.11","10.244.0.12"]' && !e.subsets?.[0]?.notReadyAddresses;
  }, 'endpoints updated');
  await eventually(async () => {
    const eps = (await slicesOf('web')).flatMap((s) => s.endpoints ?? []);
    return eps.length === 2 && eps.every((e) => e.conditions?.ready);
  }, 'slices updated');

  const kubectl = await runKubectl(['get', 'endpoints', 'web', '-o', 'jsonpath={.subsets[0].addresses[*].ip}'], { kubeconfig: h.cluster.kubeconfig });
  assert.equal(kubectl.stdout, '10.244.0.11 10.244.0.12');
});

test('the kubernetes service is left alone; a deleted service loses its endpoints', async () => {
  const k = await h.client.get<Endpoints>(ENDPOINTS, 'kubernetes', { namespace: 'default' }).catch(() => undefined);
  await h.client.create<Service>(SERVICES, { metadata: { name: 'tmp', namespace: 'default' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
  await eventually(() => getOrUndefined(h.client.get<Endpoints>(ENDPOINTS, 'tmp', { namespace: 'default' })), 'tmp endpoints');
  const placeholder = await eventually(async () => (await slicesOf('tmp'))[0], 'placeholder slice');
  assert.deepEqual(placeholder.endpoints ?? [], []);
  await h.client.delete(SERVICES, 'tmp', { namespace: 'default' });
  await eventually(async () => !(await getOrUndefined(h.client.get<Endpoints>(ENDPOINTS, 'tmp', { namespace: 'default' }))), 'tmp endpoints deleted');
  await eventually(async () => (await slicesOf('tmp')).length === 0, 'tmp slices deleted');
  const k2 = await h.client.get<Endpoints>(ENDPOINTS, 'kubernetes', { namespace: 'default' }).catch(() => undefined);
  assert.deepEqual(k2?.subsets, k?.subsets);
});
