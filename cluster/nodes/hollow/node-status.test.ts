import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocatableFor, buildNode, buildNodeLease, CONTAINER_RUNTIME_VERSION, DEFAULT_CAPACITY, KUBELET_VERSION, reportConditions, validateCapacity } from './node-status.js';

const spec = { name: 'hollow-node-7', capacity: DEFAULT_CAPACITY, internalIP: '198.18.0.8', arch: 'arm64', labels: { zone: 'a' } };
const T0 = Date.parse('2026-01-01T00:00:00Z');

describe('hollow node status', () => {
  it('registers a Node with the kubelet labels, nodeInfo, addresses and healthy conditions', () => {
    const node = buildNode(spec, T0);
    const labels = node.metadata!.labels!;
    assert.equal(labels['kubernetes.io/hostname'], 'hollow-node-7');
    assert.equal(labels['kubernetes.io/os'], 'linux');
    assert.equal(labels['kubernetes.io/arch'], 'arm64');
    assert.equal(labels['node.kubernetes.io/instance-type'], 'hollow');
    assert.equal(labels.zone, 'a');
    const info = node.status!.nodeInfo!;
    assert.equal(info.kubeletVersion, KUBELET_VERSION);
    assert.equal(info.kubeletVersion, 'v1.34.0-kubarium');
    assert.equal(info.containerRuntimeVersion, CONTAINER_RUNTIME_VERSION);
    assert.equal(info.containerRuntimeVersion, 'hollow://1.0');
    assert.equal(info.operatingSystem, 'linux');
    assert.deepEqual(node.status!.addresses, [
      { type: 'InternalIP', address: '198.18.0.8' },
      { type: 'Hostname', address: 'hollow-node-7' },
    ]);
    const conds = Object.fromEntries(node.status!.conditions!.map((c) => [c.type, c]));
    assert.deepEqual(Object.keys(conds).sort(), ['DiskPressure', 'MemoryPressure', 'NetworkUnavailable', 'PIDPressure', 'Ready']);
    assert.equal(conds.Ready.status, 'True');
    assert.equal(conds.Ready.reason, 'KubeletReady');
    assert.equal(conds.Ready.message, 'kubelet is posting ready status');
    for (const t of ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'NetworkUnavailable']) assert.equal(conds[t].status, 'False', t);
    assert.equal(conds.MemoryPressure.reason, 'KubeletHasSufficientMemory');
    assert.equal(conds.Ready.lastHeartbeatTime, '2026-01-01T00:00:00Z');
  });

  it('derives allocatable as capacity minus the default eviction thresholds', () => {
    assert.deepEqual(allocatableFor({ cpu: '4', memory: '16Gi', pods: '110', 'ephemeral-storage': '100Gi' }), {
      cpu: '4',
      memory: '16284Mi',
      pods: '110',
      'ephemeral-storage': '90Gi',
    });
  });

  it('keeps the same machine identifiers for the same node name', () => {
    assert.deepEqual(buildNode(spec, T0).status!.nodeInfo, buildNode(spec, T0 + 5000).status!.nodeInfo);
    assert.notEqual(buildNode({ ...spec, name: 'other' }, T0).status!.nodeInfo!.machineID, buildNode(spec, T0).status!.nodeInfo!.machineID);
  });

  it('moves lastHeartbeatTime on every report but lastTransitionTime only on a transition', () => {
    const first = reportConditions(undefined, T0);
    const same = reportConditions(first, T0 + 60_000);
    const ready = same.find((c) => c.type === 'Ready')!;
    assert.equal(ready.lastHeartbeatTime, '2026-01-01T00:01:00Z');
    assert.equal(ready.lastTransitionTime, '2026-01-01T00:00:00Z');
    const unknown = first.map((c) => (c.type === 'Ready' ? { ...c, status: 'Unknown', reason: 'NodeStatusUnknown' } : c));
    const recovered = reportConditions(unknown, T0 + 120_000).find((c) => c.type === 'Ready')!;
    assert.equal(recovered.status, 'True');
    assert.equal(recovered.lastTransitionTime, '2026-01-01T00:02:00Z');
  });

  it('rejects capacities that are not positive quantities', () => {
    assert.throws(() => validateCapacity({ ...DEFAULT_CAPACITY, cpu: 'lots' }), /cpu/);
    assert.throws(() => validateCapacity({ ...DEFAULT_CAPACITY, pods: '1.5' }), /pods/);
    validateCapacity({ ...DEFAULT_CAPACITY, cpu: '500m' });
  });

  it('builds the node Lease owned by its Node, with microsecond renewTime', () => {
    const lease = buildNodeLease({ metadata: { name: 'n1', uid: 'u-1' } }, T0);
    assert.equal(lease.metadata!.namespace, 'kube-node-lease');
    assert.deepEqual(lease.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u-1' }]);
    assert.equal(lease.spec!.holderIdentity, 'n1');
    assert.equal(lease.spec!.leaseDurationSeconds, 40);
    assert.equal(lease.spec!.renewTime, '2026-01-01T00:00:00.000000Z');
  });
});
