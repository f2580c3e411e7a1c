import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strategicMergePatch } from './strategic-merge-patch.js';
import { builtinPatchMeta } from './builtin-schema.js';
import { PatchError } from './errors.js';
import type { JsonObject } from './json.js';

const deploymentMeta = builtinPatchMeta('apps/v1', 'Deployment');

function deployment(): JsonObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' }, finalizers: ['a', 'b'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: 'nginx:1.25',
              imagePullPolicy: 'IfNotPresent',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }],
            },
            { name: 'log', image: 'busybox', imagePullPolicy: 'Always' },
          ],
          tolerations: [{ key: 'x', operator: 'Exists' }],
        },
      },
    },
  };
}

type Containers = { name: string; image: string; imagePullPolicy?: string; ports?: unknown[]; env?: unknown[] }[];
const containersOf = (o: JsonObject): Containers => ((o.spec as JsonObject).template as { spec: { containers: Containers } }).spec.containers;

test('container image change by name keeps the other containers and defaulted fields', () => {
  const out = strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox:1.36' }] } } } }, deploymentMeta);
  assert.deepEqual(
    containersOf(out).map((c) => [c.name, c.image, c.imagePullPolicy]),
    [
      ['nginx', 'nginx:1.25', 'IfNotPresent'],
      ['log', 'busybox:1.36', 'Always'],
    ],
  );
});

test('$patch: delete removes a container by merge key', () => {
  const out = strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'log', $patch: 'delete' }] } } } }, deploymentMeta);
  assert.deepEqual(containersOf(out).map((c) => c.name), ['nginx']);
});

test('$patch: replace on a list and on a map', () => {
  const out = strategicMergePatch(
    deployment(),
    { metadata: { labels: { $patch: 'replace', only: 'this' } }, spec: { template: { spec: { containers: [{ name: 'solo', image: 's' }, { $patch: 'replace' }] } } } },
    deploymentMeta,
  );
  assert.deepEqual((out.metadata as JsonObject).labels, { only: 'this' });
  assert.deepEqual(containersOf(out), [{ name: 'solo', image: 's' }]);
});

test('nested merge lists: ports by containerPort, env by name, null deletes', () => {
  const out = strategicMergePatch(
    deployment(),
    {
      metadata: { labels: { tier: null } },
      spec: {
        replicas: null,
        template: { spec: { containers: [{ name: 'nginx', ports: [{ containerPort: 443 }], env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }] }] } },
      },
    },
    deploymentMeta,
  );
  const nginx = containersOf(out)[0];
  // Without $setElementOrder a new item not in the live list sorts before server-only items
  // (strategicpatch mergeSortedSlice only interleaves by live order when both are known).
  assert.deepEqual(nginx.ports, [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP' }]);
  assert.deepEqual(nginx.env, [{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
  assert.deepEqual((out.metadata as JsonObject).labels, { app: 'web' });
  assert.equal('replicas' in (out.spec as JsonObject), false);
});

test('lists without a merge strategy (tolerations) are replaced', () => {
  const out = strategicMergePatch(deployment(), { spec: { template: { spec: { tolerations: [{ key: 'y', operator: 'Exists' }] } } } }, deploymentMeta);
  assert.deepEqual(((out.spec as JsonObject).template as { spec: { tolerations: unknown } }).spec.tolerations, [{ key: 'y', operator: 'Exists' }]);
});

test('finalizers merge as a set; $deleteFromPrimitiveList removes', () => {
  const out = strategicMergePatch(deployment(), { metadata: { finalizers: ['b', 'c'], '$deleteFromPrimitiveList/finalizers': ['a'] } }, deploymentMeta);
  assert.deepEqual((out.metadata as JsonObject).finalizers, ['b', 'c']);
});

test('$retainKeys on strategy drops rollingUpdate when switching to Recreate', () => {
  const out = strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploymentMeta);
  assert.deepEqual((out.spec as JsonObject).strategy, { type: 'Recreate' });
  assert.throws(
    () => strategicMergePatch(deployment(), { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, deploymentMeta),
    (e: unknown) => e instanceof PatchError && e.status === 400 && e.message === 'invalid patch format of retainKeys',
  );
});

test('$setElementOrder orders patch items and interleaves server-only items by live order', () => {
  const live = deployment();
  // A server-side injected container ahead of nginx, as a mutating webhook would add it.
  containersOf(live).unshift({ name: 'proxy', image: 'envoy' });
  const out = strategicMergePatch(
    live,
    {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'log' }, { name: 'nginx' }, { name: 'new' }],
            containers: [{ name: 'new', image: 'new:1' }],
          },
        },
      },
    },
    deploymentMeta,
  );
  assert.deepEqual(containersOf(out).map((c) => c.name), ['proxy', 'log', 'nginx', 'new']);
});

test('Service ports merge by port', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] } };
  const out = strategicMergePatch(svc, { spec: { ports: [{ port: 443, targetPort: 9443 }] } }, builtinPatchMeta('v1', 'Service'));
  assert.deepEqual((out.spec as JsonObject).ports, [{ port: 80, targetPort: 8080 }, { port: 443, targetPort: 9443 }]);
});

test('bad directives are errors', () => {
  assert.throws(
    () => strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ name: 'x', $patch: 'frob' }] } } } }, deploymentMeta),
    (e: unknown) => e instanceof PatchError && e.message === 'unknown patch type: frob in map: map[$patch:frob name:x]',
  );
  assert.throws(
    () => strategicMergePatch(deployment(), { metadata: { '$deleteFromPrimitiveList': ['a'] } }, deploymentMeta),
    (e: unknown) => e instanceof PatchError && e.status === 400 && e.message === 'invalid patch format of primitive list',
  );
  assert.throws(
    () => strategicMergePatch(deployment(), { spec: { template: { spec: { containers: [{ image: 'no-name' }] } } } }, deploymentMeta),
    (e: unknown) => e instanceof PatchError && /does not contain declared merge key: name/.test(e.message),
  );
});

test('inputs are not modified', () => {
  const live = deployment();
  const before = JSON.stringify(live);
  const patch = { spec: { template: { spec: { containers: [{ name: 'log', $patch: 'delete' }] } } } };
  strategicMergePatch(live, patch, deploymentMeta);
  assert.equal(JSON.stringify(live), before);
  assert.deepEqual(patch.spec.template.spec.containers, [{ name: 'log', $patch: 'delete' }]);
});
