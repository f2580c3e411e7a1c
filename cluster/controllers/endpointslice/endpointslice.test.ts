import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { desiredSlices, planSlices, sliceLabels } from './desired.js';

const svc: Service = { metadata: { name: 's', namespace: 'n', uid: 'svc' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } };
const pod = (i: number, ready = true, terminating = false): Pod => ({
  metadata: { name: `p${i}`, namespace: 'n', uid: `u${i}`, labels: { app: 'web' }, ...(terminating ? { deletionTimestamp: '2020-01-01T00:00:00Z' } : {}) },
  spec: { containers: [{ name: 'c', image: 'i' }] },
  status: { podIP: `10.0.0.${i}`, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('conditions ready/serving/terminating as podToEndpoint', () => {
  const [s] = desiredSlices(svc, [pod(1), pod(2, false), pod(3, true, true)]);
  const c = Object.fromEntries(s.endpoints.map((e) => [e.targetRef!.name, e.conditions]));
  assert.deepEqual(c.p1, { ready: true, serving: true, terminating: false });
  assert.deepEqual(c.p2, { ready: false, serving: false, terminating: false });
  assert.deepEqual(c.p3, { ready: false, serving: true, terminating: true });
  assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('at most N endpoints per slice; a placeholder when nothing is selected', () => {
  const pods = Array.from({ length: 250 }, (_, i) => pod(i + 1));
  assert.deepEqual(desiredSlices(svc, pods).map((s) => s.endpoints.length), [100, 100, 50]);
  assert.deepEqual(desiredSlices(svc, []), [{ addressType: 'IPv4', ports: [], endpoints: [] }]);
});

test('planSlices reuses matching slices and makes no writes in a steady state', () => {
  const want = desiredSlices(svc, [pod(1)]);
  const labels = sliceLabels(svc);
  const current: EndpointSlice = { metadata: { name: 's-abc', labels }, addressType: 'IPv4', endpoints: want[0].endpoints, ports: want[0].ports };
  const stale: EndpointSlice = { metadata: { name: 's-old', labels }, addressType: 'IPv4', endpoints: [], ports: [] };
  const plan = planSlices([current, stale], want, labels);
  assert.deepEqual(plan.create, []);
  assert.deepEqual(plan.update, []);
  assert.deepEqual(plan.delete.map((s) => s.metadata?.name), ['s-old']);
  const changed = planSlices([current], desiredSlices(svc, [pod(1), pod(2)]), labels);
  assert.equal(changed.update.length, 1);
});
