import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { claimsFor, newStatefulSetPod, ordinalOf } from './identity.js';
import { planStatefulSet } from './plan.js';

function sts(spec: Partial<NonNullable<StatefulSet['spec']>> = {}, status?: StatefulSet['status']): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'sts-uid', generation: 1 },
    spec: {
      replicas: 3,
      serviceName: 'web',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      ...spec,
    },
    status: status ?? { replicas: 0 },
  };
}

function pod(set: StatefulSet, ordinal: number, revision = 'rev1', healthy = true, extra: Partial<Pod['metadata']> = {}): Pod {
  const p = newStatefulSetPod(set, set.spec!.template, ordinal, revision);
  return { ...p, metadata: { ...p.metadata, uid: `u${ordinal}`, ...extra }, status: healthy ? { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } : { phase: 'Pending' } };
}

const plan = (set: StatefulSet, pods: Pod[], update = 'rev1', current = 'rev1') => planStatefulSet({ set, pods, currentRevision: current, updateRevision: update, nowMs: Date.now() });

describe('planStatefulSet (OrderedReady)', () => {
  it('creates ordinal 0 first, then waits for it to be Running and Ready', () => {
    const set = sts();
    assert.deepEqual(plan(set, []).create, [{ ordinal: 0, revision: 'rev1' }]);
    assert.deepEqual(plan(set, [pod(set, 0, 'rev1', false)]).create, []);
    assert.deepEqual(plan(set, [pod(set, 0)]).create, [{ ordinal: 1, revision: 'rev1' }]);
  });

  it('scales down from the highest ordinal, one at a time, only when all are healthy', () => {
    const set = sts({ replicas: 1 });
    const pods = [pod(set, 0), pod(set, 1), pod(set, 2)];
    assert.deepEqual(plan(set, pods).deletePods.map((p) => p.metadata?.name), ['web-2']);
    assert.deepEqual(plan(set, [pod(set, 0, 'rev1', false), pod(set, 1)]).deletePods, []);
    assert.deepEqual(plan(set, [pod(set, 0), pod(set, 1), pod(set, 2, 'rev1', true, { deletionTimestamp: '2024-01-01T00:00:00Z' })]).deletePods, []);
  });

  it('replaces failed pods', () => {
    const set = sts();
    const failed = { ...pod(set, 0), status: { phase: 'Failed' } };
    assert.deepEqual(plan(set, [failed]).deletePods, [failed]);
  });

  it('rolls from the highest ordinal down to the partition', () => {
    const set = sts({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } });
    const pods = [pod(set, 0), pod(set, 1), pod(set, 2)];
    assert.deepEqual(plan(set, pods, 'rev2').deletePods.map((p) => p.metadata?.name), ['web-2']);
    const rolled = [pod(set, 0), pod(set, 1), pod(set, 2, 'rev2')];
    assert.deepEqual(plan(set, rolled, 'rev2').deletePods.map((p) => p.metadata?.name), ['web-1']);
    const done = [pod(set, 0), pod(set, 1, 'rev2'), pod(set, 2, 'rev2')];
    assert.deepEqual(plan(set, done, 'rev2').deletePods, [], 'ordinal 0 is below the partition');
    // A recreated pod below the partition keeps the current revision.
    assert.deepEqual(plan(set, [], 'rev2').create, [{ ordinal: 0, revision: 'rev1' }]);
  });

  it('reports status and completes the rollout when every pod is updated and ready', () => {
    const set = sts({ replicas: 2 });
    const s = plan(set, [pod(set, 0, 'rev2'), pod(set, 1, 'rev2')], 'rev2').status;
    assert.equal(s.replicas, 2);
    assert.equal(s.readyReplicas, 2);
    assert.equal(s.updatedReplicas, 2);
    assert.equal(s.currentRevision, 'rev2');
    assert.equal(s.currentReplicas, 2);
    assert.equal(s.observedGeneration, 1);
  });
});

describe('planStatefulSet (Parallel)', () => {
  it('creates all missing pods and deletes all condemned at once', () => {
    const set = sts({ podManagementPolicy: 'Parallel' });
    assert.deepEqual(plan(set, []).create.map((c) => c.ordinal), [0, 1, 2]);
    const small = sts({ podManagementPolicy: 'Parallel', replicas: 1 });
    assert.deepEqual(plan(small, [pod(small, 0), pod(small, 1, 'rev1', false), pod(small, 2)]).deletePods.map((p) => p.metadata?.name), ['web-2', 'web-1']);
  });
});

describe('statefulset identity', () => {
  it('names pods and claims, labels and wires volumes', () => {
    const set = sts({ volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }] });
    const p = newStatefulSetPod(set, set.spec!.template, 2, 'web-abc');
    assert.equal(p.metadata?.name, 'web-2');
    assert.equal(p.metadata?.labels?.['statefulset.kubernetes.io/pod-name'], 'web-2');
    assert.equal(p.metadata?.labels?.['apps.kubernetes.io/pod-index'], '2');
    assert.equal(p.metadata?.labels?.['controller-revision-hash'], 'web-abc');
    assert.equal(p.spec?.hostname, 'web-2');
    assert.equal(p.spec?.subdomain, 'web');
    assert.deepEqual(p.spec?.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-2' } }]);
    const [claim] = claimsFor(set, 2);
    assert.equal(claim.metadata?.name, 'data-web-2');
    assert.deepEqual(claim.metadata?.labels, { app: 'web' });
    assert.equal(ordinalOf(set, p), 2);
    assert.equal(ordinalOf(set, { metadata: { name: 'web-x' } }), undefined);
  });
});
