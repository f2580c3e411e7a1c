// End-to-end flows as kubectl drives them against kube-apiserver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyJsonPatch, builtinPatchMeta, recordUpdate, serverSideApply, strategicMergePatch, type JsonObject } from './index.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function liveDeployment(): JsonObject {
  const lastApplied = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'fe' } },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u-1',
      resourceVersion: '10',
      generation: 1,
      labels: { app: 'web', tier: 'fe' },
      annotations: { 'deployment.kubernetes.io/revision': '1', [LAST_APPLIED]: JSON.stringify(lastApplied) },
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'nginx', image: 'nginx:1.25', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' }],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
        },
      },
    },
    status: { replicas: 2, observedGeneration: 1 },
  };
}

test('client-side apply: the 3-way patch kubectl sends yields what upstream stores', () => {
  const newLastApplied = '{"apiVersion":"apps/v1","kind":"Deployment",...}';
  // kubectl apply: image bump, replicas 3, label tier dropped, sidecar added after nginx.
  const patch: JsonObject = {
    metadata: { annotations: { [LAST_APPLIED]: newLastApplied }, labels: { tier: null } },
    spec: {
      replicas: 3,
      template: {
        spec: {
          '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'log' }],
          containers: [
            { image: 'nginx:1.26', name: 'nginx' },
            { image: 'busybox', name: 'log', command: ['sleep', '3600'] },
          ],
        },
      },
    },
  };
  const live = liveDeployment();
  const out = strategicMergePatch(live, patch, builtinPatchMeta('apps/v1', 'Deployment'));
  const want = liveDeployment();
  (want.metadata as JsonObject).labels = { app: 'web' };
  ((want.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED] = newLastApplied;
  (want.spec as JsonObject).replicas = 3;
  const podSpec = ((want.spec as JsonObject).template as JsonObject).spec as JsonObject;
  podSpec.containers = [
    { name: 'nginx', image: 'nginx:1.26', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' },
    { image: 'busybox', name: 'log', command: ['sleep', '3600'] },
  ];
  assert.deepEqual(out, want);

  // managedFields then credit kubectl-client-side-apply with exactly what changed.
  const recorded = recordUpdate({ before: live, after: out, manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1' });
  const [entry] = (recorded.metadata as { managedFields: JsonObject[] }).managedFields;
  assert.equal(entry.manager, 'kubectl-client-side-apply');
  assert.deepEqual((entry.fieldsV1 as JsonObject)['f:spec'], {
    'f:replicas': {},
    'f:template': {
      'f:spec': {
        'f:containers': {
          'k:{"name":"log"}': { '.': {}, 'f:command': {}, 'f:image': {}, 'f:name': {} },
          'k:{"name":"nginx"}': { 'f:image': {} },
        },
      },
    },
  });
});

test('kubectl rollout undo: JSON patch replacing /spec/template and /metadata/annotations', () => {
  const live = liveDeployment();
  const rsTemplate = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.24', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
  };
  const annotations = { 'deployment.kubernetes.io/revision': '1', [LAST_APPLIED]: ((live.metadata as JsonObject).annotations as JsonObject)[LAST_APPLIED] };
  const out = applyJsonPatch(live, [
    { op: 'replace', path: '/spec/template', value: rsTemplate },
    { op: 'replace', path: '/metadata/annotations', value: annotations },
  ]) as JsonObject;
  assert.deepEqual(((out.spec as JsonObject).template as JsonObject), rsTemplate);
  assert.deepEqual((out.metadata as JsonObject).annotations, annotations);
  assert.equal((out.spec as JsonObject).replicas, 2);
});

test('server-side apply after client-side apply: conflict, then --force-conflicts', () => {
  const created = recordUpdate({ before: undefined, after: liveDeployment(), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1' });
  const applied = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 4, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
  };
  const refused = serverSideApply({ live: created, applied, manager: 'kubectl', force: false });
  assert.deepEqual(refused.conflicts.map((c) => `${c.manager} ${c.apiVersion} ${c.field}`), ['kubectl-client-side-apply apps/v1 .spec.replicas']);
  const forced = serverSideApply({ live: created, applied, manager: 'kubectl', force: true });
  assert.equal((forced.object.spec as JsonObject).replicas, 4);
  assert.equal(((forced.object.metadata as JsonObject).managedFields as JsonObject[]).length, 2);
});
