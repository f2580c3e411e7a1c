import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap, Pod, Secret } from 'kubernetes-types/core/v1.js';
import { containerConfig, pullPolicy, resourceConfig } from './container-config.js';
import { ContainerConfigError, expand, resolveEnv } from './env.js';
import type { EnvSources } from './env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const sources: EnvSources = {
  configMap: async (ns, name) => (ns === 'app' && name === 'cfg' ? ({ data: { MODE: 'fast', LEVEL: '3' } } as ConfigMap) : undefined),
  secret: async (ns, name) => (ns === 'app' && name === 'creds' ? ({ data: { PASSWORD: b64('s3cret') } } as Secret) : undefined),
};

const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'app', uid: 'u-1', labels: { tier: 'front' } },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'default',
    containers: [{ name: 'web', image: 'kubarium/busybox:1', resources: { limits: { cpu: '1500m', memory: '128Mi' }, requests: { cpu: '1' } } }],
  },
  status: { podIP: '10.244.1.7', hostIP: '172.18.0.3' },
};

test('env: envFrom, then env in order, with valueFrom and $(VAR) expansion', async () => {
  const container = {
    ...pod.spec!.containers[0],
    envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
    env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
      { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
      { name: 'CPU_MILLIS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1m' } } },
      { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'URL', value: 'http://$(IP):80/$(POD)/$(MISSING)/$$(POD)' },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x', optional: true } } },
    ],
  };
  const env = await resolveEnv(pod, container, sources);
  assert.deepEqual(Object.fromEntries(env.map((e) => [e.name, e.value])), {
    CFG_MODE: 'fast',
    CFG_LEVEL: '3',
    POD: 'web-1',
    TIER: 'front',
    IP: '10.244.1.7',
    NODE: 'node-a',
    MODE: 'fast',
    PASSWORD: 's3cret',
    CPU_MILLIS: '1500',
    MEM_MI: '128',
    URL: 'http://10.244.1.7:80/web-1/$(MISSING)/$(POD)',
  });
});

test('env: a missing configMap or key is a CreateContainerConfigError', async () => {
  const c = pod.spec!.containers[0];
  await assert.rejects(resolveEnv(pod, { ...c, env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'x' } } }] }, sources), (e: unknown) => e instanceof ContainerConfigError && /configmap "nope" not found/.test(e.message));
  await assert.rejects(resolveEnv(pod, { ...c, env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'nokey' } } }] }, sources), ContainerConfigError);
});

test('expand', () => {
  const vars = new Map([['A', 'x']]);
  assert.equal(expand('$(A)-$$(A)-$(B)-$$', vars), 'x-$(A)-$(B)-$');
});

test('resources as cgroup limits', () => {
  assert.deepEqual(resourceConfig(pod.spec!.containers[0]), { cpuShares: 1024, cpuPeriod: 100_000, cpuQuota: 150_000, memoryLimitBytes: 128 * 2 ** 20 });
  assert.deepEqual(resourceConfig({ name: 'a' }), {});
  assert.deepEqual(resourceConfig({ name: 'a', resources: { requests: { cpu: '1m' } } }), { cpuShares: 2 });
});

test('containerConfig: command/args expanded, pod securityContext under the container\'s', () => {
  const p: Pod = { ...pod, spec: { ...pod.spec!, securityContext: { runAsUser: 1000, runAsGroup: 3000 } } };
  const cfg = containerConfig(p, { name: 'web', image: 'img:1', command: ['sh', '-c'], args: ['echo $(GREETING)'], securityContext: { runAsUser: 2000, privileged: true, capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] } } }, { env: [{ name: 'GREETING', value: 'hi' }], restartCount: 2, init: false });
  assert.deepEqual(cfg.command, ['sh', '-c']);
  assert.deepEqual(cfg.args, ['echo hi']);
  assert.deepEqual(cfg.security, { runAsUser: 2000, runAsGroup: 3000, privileged: true, capAdd: ['CAP_NET_ADMIN'], capDrop: ['ALL'] });
  assert.deepEqual(cfg.pod, { uid: 'u-1', namespace: 'app', name: 'web-1' });
  assert.equal(cfg.restartCount, 2);
});

test('imagePullPolicy defaults', () => {
  assert.equal(pullPolicy({ name: 'a', image: 'busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox:latest' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'localhost:5000/busybox' }), 'Always');
  assert.equal(pullPolicy({ name: 'a', image: 'kubarium/busybox:1' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox@sha256:abc' }), 'IfNotPresent');
  assert.equal(pullPolicy({ name: 'a', image: 'busybox', imagePullPolicy: 'Never' }), 'Never');
});
