import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { desiredEndpoints, desiredSubsets, MAX_CAPACITY, truncate } from './desired.js';
import { findPort, shouldPodBeInEndpoints } from './pod-endpoints.js';

const svc: Service = { metadata: { name: 's', namespace: 'n', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'web' }] } };
const pod = (name: string, ip: string, ready: boolean, port = 8080): Pod => ({
  metadata: { name, namespace: 'n', uid: `u-${name}`, labels: { app: 'web' } },
  spec: { nodeName: 'node1', containers: [{ name: 'c', image: 'i', ports: [{ name: 'web', containerPort: port }] }] },
  status: { podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});

test('named target ports resolve per pod; pods group into subsets by ports', () => {
  assert.equal(findPort(pod('a', '1', true), { port: 80, targetPort: 'web' }), 8080);
  assert.equal(findPort(pod('a', '1', true), { port: 80, targetPort: 'nope' }), undefined);
  assert.equal(findPort(pod('a', '1', true), { port: 80 }), 80);
  const subsets = desiredSubsets(svc, [pod('b', '10.0.0.2', true), pod('a', '10.0.0.10', false), pod('c', '10.0.0.3', true, 9090)]);
  assert.equal(subsets.length, 2);
  const s8080 = subsets.find((s) => s.ports?.[0].port === 8080)!;
  assert.deepEqual(s8080.addresses?.map((a) => a.ip), ['10.0.0.2']);
  assert.deepEqual(s8080.notReadyAddresses?.map((a) => a.ip), ['10.0.0.10']);
  assert.deepEqual(s8080.addresses?.[0].targetRef, { kind: 'Pod', namespace: 'n', name: 'b', uid: 'u-b' });
  assert.equal(s8080.addresses?.[0].nodeName, 'node1');
  assert.deepEqual(s8080.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});

test('pods without IPs, finished or terminating are left out; publishNotReadyAddresses makes all ready', () => {
  const noIP = pod('x', '', true);
  assert.equal(shouldPodBeInEndpoints(noIP, false), false);
  const done = { ...pod('y', '1.1.1.1', true), spec: { ...pod('y', '1', true).spec!, restartPolicy: 'Never' }, status: { podIP: '1.1.1.1', phase: 'Succeeded' } };
  assert.equal(shouldPodBeInEndpoints(done, false), false);
  const term = { ...pod('z', '1.1.1.2', true), metadata: { ...pod('z', '1', true).metadata, deletionTimestamp: '2020-01-01T00:00:00Z' } };
  assert.equal(shouldPodBeInEndpoints(term, false), false);
  const pub = desiredSubsets({ ...svc, spec: { ...svc.spec, publishNotReadyAddresses: true } }, [pod('a', '10.0.0.1', false)]);
  assert.equal(pub[0].addresses?.length, 1);
});

test('headless: hostname for pods in the subdomain, and the headless label', () => {
  const headless: Service = { ...svc, spec: { ...svc.spec, clusterIP: 'None' } };
  const p = pod('a', '10.0.0.1', true);
  p.spec = { ...p.spec!, hostname: 'a', subdomain: 's' };
  const ep = desiredEndpoints(headless, [p]);
  assert.equal(ep.subsets?.[0].addresses?.[0].hostname, 'a');
  assert.equal(ep.metadata?.labels?.['service.kubernetes.io/headless'], '');
});

test('truncation keeps 1000 addresses, ready first', () => {
  const subsets = [{ addresses: Array.from({ length: 900 }, (_, i) => ({ ip: `a${i}` })), notReadyAddresses: Array.from({ length: 200 }, (_, i) => ({ ip: `b${i}` })) }];
  assert.equal(truncate(subsets), true);
  assert.equal(subsets[0].addresses.length + subsets[0].notReadyAddresses.length, MAX_CAPACITY);
  assert.equal(subsets[0].addresses.length, 900);
});
