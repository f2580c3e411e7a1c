import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaults } from './index.js';
import { defaultPullPolicy } from './pod.js';

// What `kubectl get -o yaml` shows for these objects on a real cluster, minus admission-plugin
// additions (serviceAccountName, kube-api-access volume, default tolerations, priority).
const containerDefaults = {
  imagePullPolicy: 'Always',
  resources: {},
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};
const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  schedulerName: 'default-scheduler',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
};

describe('applyDefaults', () => {
  it('defaults a bare Pod like the real API server', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nginx' }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } };
    applyDefaults('', 'v1', 'Pod', pod);
    assert.deepEqual(pod.spec, {
      containers: [{ name: 'nginx', image: 'nginx', ...containerDefaults }],
      ...podSpecDefaults,
      enableServiceLinks: true,
    });
  });

  it('defaults a bare Deployment like the real API server', () => {
    const d = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
    };
    applyDefaults('apps', 'v1', 'Deployment', d);
    assert.deepEqual(d.spec, {
      progressDeadlineSeconds: 600,
      replicas: 1,
      revisionHistoryLimit: 10,
      selector: { matchLabels: { app: 'web' } },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: {
        metadata: { labels: { app: 'web' } },
        // Templates get no enableServiceLinks: that default is Pod-only.
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', ...containerDefaults, imagePullPolicy: 'IfNotPresent' }], ...podSpecDefaults },
      },
    });
  });

  it('is idempotent and keeps unknown fields', () => {
    const make = () => ({
      metadata: { name: 'p', ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'x', uid: 'u' }] },
      spec: {
        futureField: { keep: true },
        containers: [{ name: 'c', image: 'busybox', ports: [{ containerPort: 80 }], livenessProbe: { httpGet: { port: 80 } }, resources: { limits: { cpu: '1' } } }],
        volumes: [{ name: 'a' }, { name: 'b', configMap: { name: 'cm' } }],
      },
    });
    const once = applyDefaults('', 'v1', 'Pod', make());
    const twice = applyDefaults('', 'v1', 'Pod', applyDefaults('', 'v1', 'Pod', make()));
    assert.deepEqual(twice, once);
    assert.deepEqual(once.spec.futureField, { keep: true });
    assert.equal(once.metadata.ownerReferences.length, 1);
    const c = once.spec.containers[0] as Record<string, unknown>;
    assert.deepEqual(c.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.deepEqual(c.livenessProbe, { httpGet: { port: 80, path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    assert.deepEqual(c.resources, { limits: { cpu: '1' }, requests: { cpu: '1' } });
    assert.deepEqual(once.spec.volumes, [{ name: 'a', emptyDir: {} }, { name: 'b', configMap: { name: 'cm', defaultMode: 420 } }]);
  });

  it('defaults Services, including ipFamilies on every read', () => {
    const svc = { metadata: { name: 's' }, spec: { type: 'NodePort', selector: { app: 'x' }, ports: [{ port: 80 }], clusterIP: '10.96.0.10' } };
    applyDefaults('', 'v1', 'Service', svc);
    assert.deepEqual(svc.spec, {
      type: 'NodePort',
      selector: { app: 'x' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      sessionAffinity: 'None',
      externalTrafficPolicy: 'Cluster',
      internalTrafficPolicy: 'Cluster',
      ipFamilyPolicy: 'SingleStack',
      ipFamilies: ['IPv4'],
    });
    assert.deepEqual((svc as Record<string, unknown>).status, { loadBalancer: {} });
  });

  it('defaults other workloads and cluster objects', () => {
    const job = applyDefaults('batch', 'v1', 'Job', { metadata: { name: 'j' }, spec: { template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }], restartPolicy: 'Never' } } } });
    assert.equal((job.spec as Record<string, unknown>).completions, 1);
    assert.equal((job.spec as Record<string, unknown>).parallelism, 1);
    assert.equal((job.spec as Record<string, unknown>).backoffLimit, 6);
    assert.equal((job.spec as Record<string, unknown>).completionMode, 'NonIndexed');
    assert.equal((job.spec as Record<string, unknown>).podReplacementPolicy, 'TerminatingOrFailed');
    assert.deepEqual((job.metadata as Record<string, unknown>).labels, { a: 'b' });
    const sts = applyDefaults('apps', 'v1', 'StatefulSet', { spec: {} }) as { spec: Record<string, unknown> };
    assert.deepEqual(sts.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
    assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
    const ds = applyDefaults('apps', 'v1', 'DaemonSet', { spec: {} }) as { spec: Record<string, unknown> };
    assert.deepEqual(ds.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
    const cj = applyDefaults('batch', 'v1', 'CronJob', { spec: {} }) as { spec: Record<string, unknown> };
    assert.deepEqual(cj.spec, { concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    const ns = applyDefaults('', 'v1', 'Namespace', { metadata: { name: 'dev' } }) as Record<string, Record<string, unknown>>;
    assert.deepEqual(ns.metadata.labels, { 'kubernetes.io/metadata.name': 'dev' });
    assert.deepEqual(ns.status, { phase: 'Active' });
    assert.equal(ns.spec, undefined, 'the kubernetes finalizer is a create-time rule, not a default');
    assert.equal(applyDefaults('', 'v1', 'Secret', {} as Record<string, unknown>).type, 'Opaque');
    const rb = applyDefaults('rbac.authorization.k8s.io', 'v1', 'RoleBinding', { subjects: [{ kind: 'User', name: 'u' }, { kind: 'ServiceAccount', name: 's' }] });
    assert.deepEqual(rb.subjects, [{ kind: 'User', name: 'u', apiGroup: 'rbac.authorization.k8s.io' }, { kind: 'ServiceAccount', name: 's', apiGroup: '' }]);
    const sc = applyDefaults('storage.k8s.io', 'v1', 'StorageClass', { provisioner: 'p' } as Record<string, unknown>);
    assert.equal(sc.reclaimPolicy, 'Delete');
    assert.equal(sc.volumeBindingMode, 'Immediate');
    const rc = applyDefaults('', 'v1', 'ReplicationController', { metadata: {}, spec: { template: { metadata: { labels: { app: 'r' } } } } }) as Record<string, Record<string, unknown>>;
    assert.deepEqual(rc.spec.selector, { app: 'r' });
    assert.equal(rc.spec.replicas, 1);
    const hpa = applyDefaults('autoscaling', 'v2', 'HorizontalPodAutoscaler', { spec: { behavior: {} } }) as { spec: Record<string, Record<string, Record<string, unknown>>> };
    assert.equal(hpa.spec.minReplicas as unknown, 1);
    assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 300);
    assert.equal((hpa.spec.behavior.scaleUp.policies as unknown[]).length, 2);
  });

  it('leaves unknown kinds and non-objects alone', () => {
    const cr = { spec: { a: 1 } };
    assert.deepEqual(applyDefaults('example.com', 'v1', 'Widget', cr), { spec: { a: 1 } });
    assert.equal(applyDefaults('', 'v1', 'Pod', null), null);
  });

  it('picks imagePullPolicy from the tag', () => {
    assert.equal(defaultPullPolicy('nginx'), 'Always');
    assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
    assert.equal(defaultPullPolicy('nginx:1.27'), 'IfNotPresent');
    assert.equal(defaultPullPolicy('localhost:5000/app'), 'Always');
    assert.equal(defaultPullPolicy('localhost:5000/app:v1'), 'IfNotPresent');
    assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
  });
});
