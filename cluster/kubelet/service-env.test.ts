import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, Service } from 'kubernetes-types/core/v1.js';
import { serviceEnv } from './service-env.js';

const svc = (ns: string, name: string, clusterIP: string, ports: NonNullable<Service['spec']>['ports'] = []): Service => ({ metadata: { namespace: ns, name }, spec: { clusterIP, ports } });
const pod = (ns: string, enableServiceLinks?: boolean): Pod => ({ metadata: { namespace: ns, name: 'p' }, spec: { containers: [], enableServiceLinks } });
const services = [
  svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
  svc('web', 'my-api', '10.96.3.4', [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090, protocol: 'TCP' }]),
  svc('web', 'headless', 'None', [{ port: 80 }]),
  svc('other', 'elsewhere', '10.96.9.9', [{ port: 1 }]),
];

test('the kubernetes Service is always there, as in-cluster clients expect', () => {
  const env = Object.fromEntries(serviceEnv(pod('web', false), services).map((v) => [v.name, v.value]));
  assert.equal(env.KUBERNETES_SERVICE_HOST, '10.96.0.1');
  assert.equal(env.KUBERNETES_SERVICE_PORT, '443');
  assert.equal(env.KUBERNETES_SERVICE_PORT_HTTPS, '443');
  assert.equal(env.KUBERNETES_PORT, 'tcp://10.96.0.1:443');
  assert.equal(env.KUBERNETES_PORT_443_TCP_ADDR, '10.96.0.1');
  assert.equal(env.MY_API_SERVICE_HOST, undefined, 'no links with enableServiceLinks: false');
});

test('links for every ClusterIP Service of the namespace, none for headless or other namespaces', () => {
  const env = Object.fromEntries(serviceEnv(pod('web'), services).map((v) => [v.name, v.value]));
  assert.equal(env.MY_API_SERVICE_HOST, '10.96.3.4');
  assert.equal(env.MY_API_SERVICE_PORT, '80');
  assert.equal(env.MY_API_SERVICE_PORT_METRICS, '9090');
  assert.equal(env.MY_API_PORT_9090_TCP, 'tcp://10.96.3.4:9090');
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined);
  assert.equal(env.ELSEWHERE_SERVICE_HOST, undefined);
});
