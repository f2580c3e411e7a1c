import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DaemonSet } from 'kubernetes-types/apps/v1.js';
import type { Node, Pod, PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/index.js';
import { newDaemonPod } from './controller.js';
import { nodeShouldRunDaemonPod, targetNodeName } from './eligibility.js';
import { planDaemonSet, scaledValue } from './plan.js';

const node = (name: string, labels: Record<string, string> = {}, taints: NonNullable<Node['spec']>['taints'] = []): Node => ({ metadata: { name, labels }, spec: { taints } });
const tpl = (spec: Partial<NonNullable<PodTemplateSpec['spec']>> = {}): PodTemplateSpec => ({ metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });

describe('nodeShouldRunDaemonPod', () => {
  it('honours nodeSelector and required node affinity', () => {
    assert.equal(nodeShouldRunDaemonPod(node('a', { disk: 'ssd' }), tpl({ nodeSelector: { disk: 'ssd' } })).shouldRun, true);
    assert.deepEqual(nodeShouldRunDaemonPod(node('b', { disk: 'hdd' }), tpl({ nodeSelector: { disk: 'ssd' } })), { shouldRun: false, shouldContinueRunning: false });
    const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['special'] }] }] } } };
    assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z1' }), tpl({ affinity })).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('special'), tpl({ affinity })).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', { zone: 'z2' }), tpl({ affinity })).shouldRun, false);
  });

  it('tolerates the default daemon taints but not others', () => {
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), tpl()).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), tpl()).shouldRun, true);
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]), tpl()), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoExecute' }]), tpl()), { shouldRun: false, shouldContinueRunning: false });
    const tolerating = tpl({ tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] });
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]), tolerating).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('a', {}, [{ key: 'x', effect: 'NoSchedule' }]), tpl({ tolerations: [{ operator: 'Exists' }] })).shouldRun, true);
  });
});

describe('planDaemonSet', () => {
  const ds = (strategy: NonNullable<DaemonSet['spec']>['updateStrategy'] = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }): DaemonSet => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'd', namespace: 'default', uid: 'ds-uid', generation: 2 },
    spec: { selector: { matchLabels: { app: 'd' } }, template: tpl({ nodeSelector: { role: 'worker' } }), updateStrategy: strategy },
  });
  const nodes = [node('n1', { role: 'worker' }), node('n2', { role: 'worker' }), node('n3', { role: 'master' })];
  let i = 0;
  const podOn = (nodeName: string, hash: string, ready = true): Pod => {
    const p = newDaemonPod(ds(), nodeName, hash);
    i++;
    return { ...p, metadata: { ...p.metadata, name: `d-${i}`, uid: `u${i}`, creationTimestamp: `2024-01-01T00:00:${String(i).padStart(2, '0')}Z` }, status: { phase: 'Running', conditions: ready ? [{ type: 'Ready', status: 'True' }] : [] } };
  };

  it('creates one pod per eligible node and reports status', () => {
    const misplaced = podOn('n3', 'h1');
    const plan = planDaemonSet({ ds: ds(), nodes, pods: [podOn('n1', 'h1'), misplaced], hash: 'h1', nowMs: Date.now() });
    assert.deepEqual(plan.createOn, ['n2']);
    assert.deepEqual(plan.deletePods, [misplaced]);
    assert.equal(plan.status.desiredNumberScheduled, 2);
    assert.equal(plan.status.currentNumberScheduled, 1);
    assert.equal(plan.status.numberMisscheduled, 1);
    assert.equal(plan.status.numberReady, 1);
    assert.equal(plan.status.updatedNumberScheduled, 1);
    assert.equal(plan.status.observedGeneration, 2);
  });

  it('rolls one old pod at a time with maxUnavailable 1', () => {
    const old1 = podOn('n1', 'old');
    const old2 = podOn('n2', 'old');
    const plan = planDaemonSet({ ds: ds(), nodes, pods: [old1, old2], hash: 'new', nowMs: Date.now() });
    assert.deepEqual(plan.deletePods, [old1]);
    assert.deepEqual(plan.createOn, []);
    // While the new pod on n1 is not ready, n2 waits.
    const wait = planDaemonSet({ ds: ds(), nodes, pods: [podOn('n1', 'new', false), old2], hash: 'new', nowMs: Date.now() });
    assert.deepEqual(wait.deletePods, []);
  });

  it('surges new pods first with maxSurge, then deletes the old once the new is available', () => {
    const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const old1 = podOn('n1', 'old');
    const old2 = podOn('n2', 'old');
    const first = planDaemonSet({ ds: surge, nodes, pods: [old1, old2], hash: 'new', nowMs: Date.now() });
    assert.deepEqual(first.createOn, ['n1']);
    assert.deepEqual(first.deletePods, []);
    const second = planDaemonSet({ ds: surge, nodes, pods: [old1, podOn('n1', 'new'), old2], hash: 'new', nowMs: Date.now() });
    assert.deepEqual(second.deletePods, [old1]);
    assert.deepEqual(second.createOn, ['n2']);
  });

  it('pins pods to their node with required node affinity and scales percentages up', () => {
    const p = newDaemonPod(ds(), 'n1', 'h');
    assert.equal(targetNodeName(p), 'n1');
    assert.equal(p.spec?.nodeName, undefined);
    assert.equal(p.metadata?.labels?.[CONTROLLER_REVISION_HASH_LABEL], 'h');
    assert.ok(p.spec?.tolerations?.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoExecute'));
    assert.equal(scaledValue('25%', 5, 1), 2);
    assert.equal(scaledValue(undefined, 5, 1), 1);
  });
});
