/** PV/PVC binding and local-path provisioning against the real API server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1.js';
import type { StorageClass } from 'kubernetes-types/storage/v1.js';
import type { ClusterRole, ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import { PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, STORAGECLASSES } from '../../client/index.js';
import type { GVR } from '../../client/index.js';
import { eventually, getOrUndefined, QUIET, startHarness } from '../testing/harness.js';
import type { Harness } from '../testing/harness.js';
import { startVolumeController } from './controller.js';
import { findBestMatch } from './matching.js';

test('findBestMatch picks the smallest fitting volume of the same class', () => {
  const pv = (name: string, size: string, cls = 'slow', modes = ['ReadWriteOnce']): PersistentVolume => ({ metadata: { name }, spec: { capacity: { storage: size }, accessModes: modes, storageClassName: cls } });
  const claim: PersistentVolumeClaim = { metadata: { name: 'c', namespace: 'n', uid: 'u' }, spec: { storageClassName: 'slow', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } };
  assert.equal(findBestMatch([pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '500Mi'), pv('other', '1Gi', 'fast'), pv('rox', '1Gi', 'slow', ['ReadOnlyMany'])], claim)?.metadata?.name, 'small');
});

const rbac = (resource: string, kind: string): GVR => ({ group: 'rbac.authorization.k8s.io', version: 'v1', resource, kind, namespaced: false });
const CLUSTERROLES = rbac('clusterroles', 'ClusterRole');
const CLUSTERROLEBINDINGS = rbac('clusterrolebindings', 'ClusterRoleBinding');

let h: Harness;
before(async () => {
  h = await startHarness(QUIET);
  // The controller is the binder, the local-path provisioner and the default-class addon in
  // one; upstream the last two have their own identities. Grant the binder's service account
  // what they need, as a deployer running them together would.
  await h.client.create<ClusterRole>(CLUSTERROLES, { metadata: { name: 'kubarium:default-storage-class' }, rules: [{ apiGroups: ['storage.k8s.io'], resources: ['storageclasses'], verbs: ['create'] }] });
  for (const role of ['system:persistent-volume-provisioner', 'kubarium:default-storage-class']) {
    await h.client.create<ClusterRoleBinding>(CLUSTERROLEBINDINGS, {
      metadata: { name: `${role}:persistent-volume-binder`.replace(/^system:/, 'kubarium:') },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [{ kind: 'ServiceAccount', name: 'persistent-volume-binder', namespace: 'kube-system' }],
    });
  }
  await h.start(['persistent-volume-binder', startVolumeController]);
});
after(async () => {
  await h?.stop();
});

const claimOf = (name: string) => h.client.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, name, { namespace: 'default' });

test('the default StorageClass standard exists', async () => {
  const sc = await eventually(() => getOrUndefined(h.client.get<StorageClass>(STORAGECLASSES, 'standard')), 'standard class');
  assert.equal(sc.provisioner, 'kubarium.io/local-path');
  assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
  assert.equal(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'], 'true');
});

test('a claim binds to a matching volume; deleting the claim releases (Retain) the volume', async () => {
  await h.client.create<PersistentVolume>(PERSISTENTVOLUMES, { metadata: { name: 'pv-small', labels: { tier: 'gold' } }, spec: { capacity: { storage: '2Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', persistentVolumeReclaimPolicy: 'Retain', hostPath: { path: '/tmp/pv-small' } } });
  await h.client.create<PersistentVolume>(PERSISTENTVOLUMES, { metadata: { name: 'pv-big' }, spec: { capacity: { storage: '20Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: '/tmp/pv-big' } } });
  await h.client.create<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, { metadata: { name: 'data', namespace: 'default' }, spec: { storageClassName: 'manual', accessModes: ['ReadWriteOnce'], selector: { matchLabels: { tier: 'gold' } }, resources: { requests: { storage: '1Gi' } } } });
  const bound = await eventually(async () => {
    const c = await claimOf('data');
    return c.status?.phase === 'Bound' && c;
  }, 'claim Bound');
  assert.equal(bound.spec?.volumeName, 'pv-small');
  assert.equal(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
  const pv = await eventually(async () => {
    const v = await h.client.get<PersistentVolume>(PERSISTENTVOLUMES, 'pv-small');
    return v.status?.phase === 'Bound' && v;
  }, 'volume Bound');
  assert.equal(pv.spec?.claimRef?.uid, bound.metadata?.uid);
  assert.equal((await h.client.get<PersistentVolume>(PERSISTENTVOLUMES, 'pv-big')).status?.phase, 'Available');
  await h.client.delete(PERSISTENTVOLUMECLAIMS, 'data', { namespace: 'default' });
  await eventually(async () => (await h.client.get<PersistentVolume>(PERSISTENTVOLUMES, 'pv-small')).status?.phase === 'Released', 'volume Released');
});

test('WaitForFirstConsumer: Pending until a node is selected, then a local-path PV pinned to it', async () => {
  await h.client.create<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, { metadata: { name: 'wffc', namespace: 'default' }, spec: { storageClassName: 'standard', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } });
  const c = await eventually(async () => {
    const x = await claimOf('wffc');
    return x.status?.phase === 'Pending' && !!x.spec?.storageClassName && x;
  }, 'claim Pending');
  assert.equal(c.spec?.volumeName, undefined);
  await h.client.patch(PERSISTENTVOLUMECLAIMS, 'wffc', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'node-1' } } }, { namespace: 'default' });
  const bound = await eventually(async () => {
    const x = await claimOf('wffc');
    return x.status?.phase === 'Bound' && x;
  }, 'provisioned and Bound');
  const pv = await h.client.get<PersistentVolume>(PERSISTENTVOLUMES, bound.spec!.volumeName!);
  assert.equal(pv.metadata?.name, `pvc-${bound.metadata?.uid}`);
  assert.deepEqual(pv.spec?.nodeAffinity?.required?.nodeSelectorTerms?.[0].matchExpressions?.[0].values, ['node-1']);
  assert.equal(pv.spec?.persistentVolumeReclaimPolicy, 'Delete');
  await h.client.delete(PERSISTENTVOLUMECLAIMS, 'wffc', { namespace: 'default' });
  await eventually(async () => !(await getOrUndefined(h.client.get(PERSISTENTVOLUMES, pv.metadata!.name!))), 'provisioned PV deleted with its claim');
});
