import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeKubernetesProtobuf, encodeKubernetesProtobuf, isKubernetesProtobuf, PROTOBUF_MAGIC } from './index.js';
import { lookupMessage, messageNameFor } from './schema.js';
import { formatGoDuration, parseGoDuration } from './well-known.js';

function roundTrip(obj: Record<string, unknown>, apiVersion: string, kind: string): Record<string, unknown> {
  return decodeKubernetesProtobuf(encodeKubernetesProtobuf(obj, apiVersion, kind));
}

describe('isKubernetesProtobuf', () => {
  it('matches the protobuf media type with parameters, not JSON or the watch stream', () => {
    assert.equal(isKubernetesProtobuf('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isKubernetesProtobuf('Application/VND.kubernetes.protobuf; charset=utf-8'), true);
    assert.equal(isKubernetesProtobuf('application/vnd.kubernetes.protobuf;stream=watch'), false);
    assert.equal(isKubernetesProtobuf('application/json'), false);
    assert.equal(isKubernetesProtobuf(''), false);
  });
});

describe('message types for (apiVersion, kind)', () => {
  it('maps groups to the proto packages', () => {
    assert.equal(messageNameFor('v1', 'Pod'), 'k8s.io.api.core.v1.Pod');
    assert.equal(messageNameFor('apps/v1', 'Deployment'), 'k8s.io.api.apps.v1.Deployment');
    assert.equal(messageNameFor('rbac.authorization.k8s.io/v1', 'ClusterRole'), 'k8s.io.api.rbac.v1.ClusterRole');
    assert.equal(messageNameFor('networking.k8s.io/v1', 'Ingress'), 'k8s.io.api.networking.v1.Ingress');
    assert.equal(messageNameFor('internal.apiserver.k8s.io/v1alpha1', 'StorageVersion'), 'k8s.io.api.apiserverinternal.v1alpha1.StorageVersion');
    assert.equal(messageNameFor('metrics.k8s.io/v1beta1', 'PodMetrics'), 'k8s.io.metrics.pkg.apis.metrics.v1beta1.PodMetrics');
    assert.equal(messageNameFor('meta.k8s.io/v1', 'Status'), 'k8s.io.apimachinery.pkg.apis.meta.v1.Status');
    assert.equal(messageNameFor('apps/v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    assert.equal(messageNameFor('v1', 'DeleteOptions'), 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions');
  });

  it('has no types for kinds without protobuf (CRDs: apiextensions is not in kubectl)', () => {
    assert.equal(messageNameFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition'), undefined);
    assert.equal(messageNameFor('example.com/v1', 'Widget'), undefined);
    assert.equal(messageNameFor('apps/v1', 'Pod'), undefined);
  });
});

describe('round trips (encode -> decode)', () => {
  it('metav1.Time: RFC 3339 in seconds; MicroTime with 6 digits', () => {
    const event = {
      metadata: { name: 'e', namespace: 'default', creationTimestamp: '2024-01-02T03:04:05Z' },
      eventTime: '2024-01-02T03:04:05.123456Z',
      reportingController: 'c',
      reportingInstance: 'i',
      action: 'A',
      reason: 'R',
      regarding: { kind: 'Pod', name: 'p' },
      type: 'Normal',
      deprecatedFirstTimestamp: '1999-12-31T23:59:59Z',
      deprecatedCount: 0, // int32 value field with omitempty: dropped, as Go's JSON would
    };
    const out = roundTrip(event, 'events.k8s.io/v1', 'Event');
    const { deprecatedCount: _dropped, ...expected } = event;
    assert.deepEqual(out, { apiVersion: 'events.k8s.io/v1', kind: 'Event', ...expected, regarding: { kind: 'Pod', name: 'p' } });
  });

  it('metav1.Time: an offset time comes back in UTC, fractions are dropped like Go does', () => {
    const out = roundTrip({ metadata: { name: 'x', creationTimestamp: '2024-01-02T05:04:05.9+02:00' } }, 'v1', 'ConfigMap');
    assert.equal((out.metadata as { creationTimestamp: string }).creationTimestamp, '2024-01-02T03:04:05Z');
  });

  it('Quantity maps, IntOrString both ways, Secret bytes', () => {
    const pod = {
      metadata: { name: 'p', labels: { a: '1', empty: '' }, annotations: { 'x/y': 'z' } },
      spec: {
        containers: [{
          name: 'c',
          image: 'nginx',
          args: ['', 'x'],
          resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '0' } },
          readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 3 },
          livenessProbe: { tcpSocket: { port: 8080 } },
        }],
        volumes: [{ name: 'v', emptyDir: { sizeLimit: '1Gi' } }, { name: 's', secret: { secretName: 's', defaultMode: 420 } }],
      },
    };
    const out = roundTrip(pod, 'v1', 'Pod');
    assert.deepEqual(out, { apiVersion: 'v1', kind: 'Pod', ...pod });

    const secret = { metadata: { name: 's' }, type: 'Opaque', data: { bin: Buffer.from([0, 255, 1]).toString('base64'), empty: '' } };
    assert.deepEqual(roundTrip(secret, 'v1', 'Secret'), { apiVersion: 'v1', kind: 'Secret', ...secret });
  });

  it('pointer fields keep their zero, value omitempty fields drop it, value fields without omitempty keep it', () => {
    const d = {
      metadata: { name: 'd' },
      spec: {
        replicas: 0, // *int32
        minReadySeconds: 0, // int32,omitempty
        paused: false, // bool,omitempty
        selector: { matchLabels: { app: 'd' } },
        template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 0 }] }] } }, // containerPort: no omitempty
      },
    };
    const out = roundTrip(d, 'apps/v1', 'Deployment');
    assert.deepEqual(out.spec, {
      replicas: 0,
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: {}, spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 0 }] }] } },
    });
  });

  it('JSON names that differ from the proto names (Webhooks, uid), FieldsV1, slice wrappers, Duration', () => {
    const cfg = {
      metadata: {
        name: 'w',
        managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', time: '2024-01-02T03:04:05Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:webhooks': {} } }],
      },
      webhooks: [{ name: 'a.b.c', clientConfig: { url: 'https://x' }, sideEffects: 'None', admissionReviewVersions: ['v1'], timeoutSeconds: 5 }],
    };
    assert.deepEqual(roundTrip(cfg, 'admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'), {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', ...cfg,
    });

    const sar = { spec: { user: 'u', uid: 'x', extra: { scopes: ['a', 'b'] }, resourceAttributes: { verb: 'get', resource: 'pods' } }, status: { allowed: true } };
    assert.deepEqual(roundTrip(sar, 'authorization.k8s.io/v1', 'SubjectAccessReview'), {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', ...sar,
    });

    const list = { groupVersion: 'v1', resources: [{ name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'] }] };
    assert.deepEqual(roundTrip(list, 'v1', 'APIResourceList'), { apiVersion: 'v1', kind: 'APIResourceList', ...list });

    const metrics = {
      metadata: { name: 'n1' },
      timestamp: '2024-01-02T03:04:05Z',
      window: '1m30.5s',
      usage: { cpu: '250m', memory: '1Gi' },
    };
    assert.deepEqual(roundTrip(metrics, 'metrics.k8s.io/v1beta1', 'NodeMetrics'), { apiVersion: 'metrics.k8s.io/v1beta1', kind: 'NodeMetrics', ...metrics });
  });

  it('RawExtension holds the embedded JSON', () => {
    const rev = { metadata: { name: 'r' }, data: { spec: { template: { x: [1, 'a', null] } } }, revision: 3 };
    assert.deepEqual(roundTrip(rev, 'apps/v1', 'ControllerRevision'), { apiVersion: 'apps/v1', kind: 'ControllerRevision', ...rev });
  });

  it('DeleteOptions (meta types in any group version)', () => {
    const opts = { gracePeriodSeconds: 0, propagationPolicy: 'Foreground', preconditions: { uid: 'u' }, dryRun: ['All'] };
    assert.deepEqual(roundTrip(opts, 'v1', 'DeleteOptions'), { apiVersion: 'v1', kind: 'DeleteOptions', ...opts });
  });
});

describe('Go duration strings', () => {
  it('formats like time.Duration.String()', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(3723e9), '1h2m3s');
    assert.equal(formatGoDuration(3600e9), '1h0m0s');
    assert.equal(formatGoDuration(90e9), '1m30s');
    assert.equal(formatGoDuration(1.5e9), '1.5s');
    assert.equal(formatGoDuration(2e6), '2ms');
    assert.equal(formatGoDuration(-5e9), '-5s');
    assert.equal(parseGoDuration('1m30s', 'x'), 90e9);
    assert.throws(() => parseGoDuration('soon', 'x'), /invalid duration/);
  });
});

describe('decoding special wire cases and errors', () => {
  const timeType = () => {
    const t = lookupMessage('k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.ok(t);
    return t;
  };
  const envelope = (apiVersion: string, kind: string, raw: Uint8Array): Buffer => {
    const unknown = lookupMessage('k8s.io.apimachinery.pkg.runtime.Unknown');
    assert.ok(unknown);
    return Buffer.concat([PROTOBUF_MAGIC, unknown.encode({ typeMeta: { apiVersion, kind }, raw }).finish()]);
  };

  it('the Go zero time (empty message or 0001-01-01) is left out', () => {
    const meta = timeType();
    const cm = lookupMessage('k8s.io.api.core.v1.ConfigMap');
    assert.ok(cm);
    for (const creationTimestamp of [{}, { seconds: -62135596800, nanos: 0 }]) {
      const raw = cm.encode({ metadata: meta.fromObject({ name: 'x', creationTimestamp }) }).finish();
      assert.deepEqual(decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    }
  });

  it('rejects bodies without the magic, truncated messages and unknown kinds with clear errors', () => {
    assert.throws(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')), /does not appear to be a protobuf message/);
    assert.throws(() => decodeKubernetesProtobuf(Buffer.from([0x6b, 0x38, 0x73])), /does not appear to be a protobuf message/);
    const good = encodeKubernetesProtobuf({ metadata: { name: 'x' }, data: { a: 'b' } }, 'v1', 'ConfigMap');
    assert.throws(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 3)), /error decoding/);
    assert.throws(() => decodeKubernetesProtobuf(envelope('example.com/v1', 'Widget', new Uint8Array())), /no kind "Widget" is registered for version "example.com\/v1"/);
    assert.throws(() => decodeKubernetesProtobuf(envelope('v1', '', new Uint8Array())), /Kind' is missing/);
  });

  it('rejects JSON of the wrong shape when encoding', () => {
    assert.throws(() => encodeKubernetesProtobuf({ spec: { replicas: 'three' } }, 'apps/v1', 'Deployment'), /spec\.replicas: expected an integer/);
    assert.throws(() => encodeKubernetesProtobuf({ data: { a: 'not base64!' } }, 'v1', 'Secret'), /data\[a\]: expected a base64 string/);
  });
});
