import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaults } from '../defaults/index.js';
import { validateCreate } from '../validation/index.js';
import { computePodQOS, prepareForCreate, prepareForStatusUpdate, prepareForUpdate } from './index.js';

type Obj = Record<string, unknown>;

function job(extra: Obj = {}): Obj {
  return applyDefaults('batch', 'v1', 'Job', {
    metadata: { name: 'pi', namespace: 'default', uid: '3f1c1c9e-0000-4000-8000-000000000001' },
    spec: { template: { spec: { containers: [{ name: 'pi', image: 'perl' }], restartPolicy: 'Never' } }, ...extra },
  });
}

describe('prepareForCreate', () => {
  it("generates a Job's selector and pod labels from its uid", () => {
    const j = job();
    prepareForCreate('batch', 'v1', 'Job', j);
    const uid = '3f1c1c9e-0000-4000-8000-000000000001';
    const spec = j.spec as { selector: Obj; template: { metadata: { labels: Obj } } };
    assert.deepEqual(spec.selector, { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } });
    assert.deepEqual(spec.template.metadata.labels, {
      'batch.kubernetes.io/controller-uid': uid,
      'batch.kubernetes.io/job-name': 'pi',
      'controller-uid': uid,
      'job-name': 'pi',
    });
    assert.deepEqual((j.metadata as Obj).labels, spec.template.metadata.labels);
    assert.notEqual((j.metadata as Obj).labels, spec.template.metadata.labels, 'a copy, not a shared reference');
    assert.equal((j.metadata as Obj).generation, 1);
    assert.deepEqual(j.status, {});
    assert.deepEqual(validateCreate('batch', 'v1', 'Job', j), []);
  });

  it('leaves a manual Job selector alone', () => {
    const j = job({ manualSelector: true, selector: { matchLabels: { app: 'pi' } } });
    ((j.spec as Obj).template as Obj).metadata = { labels: { app: 'pi' } };
    prepareForCreate('batch', 'v1', 'Job', j);
    assert.deepEqual((j.spec as Obj).selector, { matchLabels: { app: 'pi' } });
    assert.deepEqual(validateCreate('batch', 'v1', 'Job', j), []);
  });

  it('sets Pod phase, QoS class and generation, dropping client status', () => {
    const p = applyDefaults('', 'v1', 'Pod', {
      metadata: { name: 'p', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'x', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
      status: { phase: 'Running' },
    });
    prepareForCreate('', 'v1', 'Pod', p);
    assert.deepEqual(p.status, { phase: 'Pending', qosClass: 'Guaranteed' });
    assert.equal((p.metadata as Obj).generation, 1);
  });

  it('adds the kubernetes finalizer to Namespaces', () => {
    const ns: Obj = { metadata: { name: 'dev' } };
    prepareForCreate('', 'v1', 'Namespace', ns);
    assert.deepEqual(ns.spec, { finalizers: ['kubernetes'] });
    assert.deepEqual(ns.status, { phase: 'Active' });
  });

  it('merges Secret stringData into data', () => {
    const s: Obj = { metadata: { name: 's' }, data: { a: 'eA==' }, stringData: { b: 'hi' } };
    prepareForCreate('', 'v1', 'Secret', s);
    assert.deepEqual(s, { metadata: { name: 's' }, data: { a: 'eA==', b: 'aGk=' } });
  });
});

describe('prepareForUpdate', () => {
  it('bumps generation only when the spec changes and keeps status', () => {
    const old = applyDefaults('apps', 'v1', 'Deployment', {
      metadata: { name: 'd', generation: 3 },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
      status: { replicas: 1, observedGeneration: 3 },
    });
    const same: Obj = structuredClone(old);
    same.status = {};
    prepareForUpdate('apps', 'v1', 'Deployment', same, old);
    assert.equal((same.metadata as Obj).generation, 3);
    assert.deepEqual(same.status, { replicas: 1, observedGeneration: 3 });
    const scaled = structuredClone(old);
    (scaled.spec as Obj).replicas = 5;
    prepareForUpdate('apps', 'v1', 'Deployment', scaled, old);
    assert.equal((scaled.metadata as Obj).generation, 4);
  });

  it('keeps allocated Service cluster IPs and node ports the client omitted', () => {
    const old = applyDefaults('', 'v1', 'Service', {
      metadata: { name: 's' },
      spec: { type: 'NodePort', clusterIP: '10.96.0.7', ports: [{ name: 'http', port: 80, nodePort: 31000 }] },
    });
    const next = applyDefaults('', 'v1', 'Service', { metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] } });
    prepareForUpdate('', 'v1', 'Service', next, old);
    const spec = next.spec as Obj;
    assert.equal(spec.clusterIP, '10.96.0.7');
    assert.deepEqual(spec.clusterIPs, ['10.96.0.7']);
    assert.equal((spec.ports as Obj[])[0].nodePort, 31000);
  });

  it('keeps the spec on status updates', () => {
    const old: Obj = { metadata: { name: 'd', generation: 2 }, spec: { replicas: 1 }, status: {} };
    const next: Obj = { metadata: { name: 'd' }, spec: { replicas: 9 }, status: { replicas: 1 } };
    prepareForStatusUpdate('apps', 'v1', 'Deployment', next, old);
    assert.deepEqual(next, { metadata: { name: 'd', generation: 2 }, spec: { replicas: 1 }, status: { replicas: 1 } });
  });
});

describe('computePodQOS', () => {
  const withResources = (resources: Obj) => ({ spec: { containers: [{ name: 'c', resources }] } });
  it('classifies pods', () => {
    assert.equal(computePodQOS(withResources({})), 'BestEffort');
    assert.equal(computePodQOS(withResources({ requests: { cpu: '100m' } })), 'Burstable');
    assert.equal(computePodQOS(withResources({ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1000m', memory: '1024Mi' } })), 'Guaranteed');
    assert.equal(computePodQOS(withResources({ requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } })), 'Burstable');
  });
});
