import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyDefaults } from '../defaults/index.js';
import { causeToString, invalidMessage, validateCreate, validateUpdate, type FieldCause } from './index.js';

type Obj = Record<string, unknown>;

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function pod(overrides: Obj = {}, container: Obj = {}): Obj {
  return applyDefaults('', 'v1', 'Pod', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', ...overrides },
    spec: { containers: [{ name: 'nginx', image: 'nginx', ...container }] },
  });
}

function deployment(templateLabels: Record<string, string>, selector: Record<string, string> = { app: 'x' }): Obj {
  return applyDefaults('apps', 'v1', 'Deployment', {
    metadata: { name: 'web', namespace: 'default' },
    spec: { selector: { matchLabels: selector }, template: { metadata: { labels: templateLabels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  });
}

const strings = (causes: FieldCause[]) => causes.map(causeToString);

describe('validateCreate', () => {
  it('accepts a valid defaulted Pod', () => {
    assert.deepEqual(validateCreate('', 'v1', 'Pod', pod()), []);
  });

  it('rejects an invalid name with the upstream message', () => {
    const causes = validateCreate('', 'v1', 'Pod', pod({ name: 'Foo_bar' }));
    assert.deepEqual(causes, [{ type: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}` }]);
    assert.equal(invalidMessage('', 'Pod', 'Foo_bar', causes), `Pod "Foo_bar" is invalid: metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`);
  });

  it('requires name or generateName, and masks the trailing dash of generateName', () => {
    assert.deepEqual(strings(validateCreate('', 'v1', 'ConfigMap', { metadata: { namespace: 'default' } })), ['metadata.name: Required value: name or generateName is required']);
    assert.deepEqual(validateCreate('', 'v1', 'ConfigMap', { metadata: { generateName: 'cm-', name: 'cm-abcde', namespace: 'default' } }), []);
  });

  it('uses DNS-1035 labels for Service names and DNS-1123 labels for Namespaces', () => {
    const svc = applyDefaults('', 'v1', 'Service', { metadata: { name: '1svc', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Service', svc)), [
      `metadata.name: Invalid value: "1svc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ]);
    const ns = applyDefaults('', 'v1', 'Namespace', { metadata: { name: 'a.b' } });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Namespace', ns)), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  });

  it('reports a missing image and bad container fields', () => {
    assert.deepEqual(strings(validateCreate('', 'v1', 'Pod', pod({}, { image: '' }))), ['spec.containers[0].image: Required value']);
    const p = pod({}, { ports: [{ containerPort: 70000, protocol: 'HTTP' }] });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Pod', p)), [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"',
    ]);
    const noContainers = applyDefaults('', 'v1', 'Pod', { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [] } });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Pod', noContainers)), ['spec.containers: Required value']);
  });

  it('reports duplicate container names, unknown volume mounts and requests above limits', () => {
    const p = applyDefaults('', 'v1', 'Pod', {
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        restartPolicy: 'Sometimes',
        containers: [
          { name: 'a', image: 'x', volumeMounts: [{ name: 'data', mountPath: '/data' }], resources: { requests: { cpu: '2' }, limits: { cpu: '500m' } } },
          { name: 'a', image: 'x' },
        ],
      },
    });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Pod', p)), [
      'spec.containers[0].volumeMounts[0].name: Not found: "data"',
      'spec.containers[0].resources.requests[cpu]: Invalid value: "2": must be less than or equal to cpu limit of 500m',
      'spec.containers[1].name: Duplicate value: "a"',
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
    ]);
  });

  it('rejects bad label keys and values', () => {
    const causes = strings(validateCreate('', 'v1', 'ConfigMap', { metadata: { name: 'cm', namespace: 'default', labels: { 'bad key': 'v', ok: 'bad value!' } } }));
    assert.deepEqual(causes, [
      `metadata.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      `metadata.labels: Invalid value: "bad value!": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ]);
    const big = { metadata: { name: 'cm', namespace: 'default', annotations: { a: 'x'.repeat(256 * 1024) } } };
    assert.deepEqual(validateCreate('', 'v1', 'ConfigMap', big), [{ type: 'FieldValueTooLong', field: 'metadata.annotations', message: 'Too long: must have at most 262144 bytes' }]);
  });

  it('rejects a Deployment whose selector does not match the template labels', () => {
    const causes = validateCreate('apps', 'v1', 'Deployment', deployment({ app: 'y' }));
    assert.deepEqual(strings(causes), ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`']);
    assert.equal(
      invalidMessage('apps', 'Deployment', 'web', causes),
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"y"}: `selector` does not match template `labels`',
    );
    assert.deepEqual(validateCreate('apps', 'v1', 'Deployment', deployment({ app: 'x', tier: 'web' })), []);
    const neg = deployment({ app: 'x' });
    (neg.spec as Obj).replicas = -1;
    assert.deepEqual(strings(validateCreate('apps', 'v1', 'Deployment', neg)), ['spec.replicas: Invalid value: -1: must be greater than or equal to 0']);
  });

  it('rejects duplicate Service ports and port names, and out-of-range node ports', () => {
    const svc = applyDefaults('', 'v1', 'Service', {
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 80 }, { name: 'http', port: 80 }] },
    });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Service', svc)), [
      'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
      'spec.ports[1].name: Duplicate value: "http"',
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ]);
    const noPorts = applyDefaults('', 'v1', 'Service', { metadata: { name: 'web', namespace: 'default' }, spec: {} });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Service', noPorts)), ['spec.ports: Required value']);
    const headless = applyDefaults('', 'v1', 'Service', { metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: 'None' } });
    assert.deepEqual(validateCreate('', 'v1', 'Service', headless), []);
  });

  it('checks Secret type-specific keys and ConfigMap keys', () => {
    const tls = applyDefaults('', 'v1', 'Secret', { metadata: { name: 's', namespace: 'default' }, type: 'kubernetes.io/tls', data: { 'tls.crt': 'eA==' } });
    assert.deepEqual(strings(validateCreate('', 'v1', 'Secret', tls)), ['data[tls.key]: Required value']);
    const cm = { metadata: { name: 'cm', namespace: 'default' }, data: { 'a/b': 'x' } };
    assert.deepEqual(strings(validateCreate('', 'v1', 'ConfigMap', cm)), [
      `data[a/b]: Invalid value: "a/b": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
    ]);
  });

  it('validates RBAC rules, StorageClass and PriorityClass', () => {
    assert.deepEqual(strings(validateCreate('rbac.authorization.k8s.io', 'v1', 'Role', { metadata: { name: 'r', namespace: 'default' }, rules: [{ apiGroups: [''], resources: ['pods'] }] })), [
      'rules[0].verbs: Required value: verbs must contain at least one value',
    ]);
    assert.deepEqual(strings(validateCreate('storage.k8s.io', 'v1', 'StorageClass', { metadata: { name: 'sc' } })), ['provisioner: Required value']);
    assert.deepEqual(strings(validateCreate('scheduling.k8s.io', 'v1', 'PriorityClass', { metadata: { name: 'high' }, value: 2000000000 })), [
      'value: Forbidden: maximum allowed value of a user defined priority is 1000000000',
    ]);
    assert.deepEqual(strings(validateCreate('', 'v1', 'Namespace', { metadata: { name: 'x', namespace: 'y' } })), ['metadata.namespace: Forbidden: not allowed on this type']);
  });

  it('validates CRDs', () => {
    const crd = {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }],
      },
    };
    assert.deepEqual(validateCreate('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', crd), []);
    const bad = structuredClone(crd);
    bad.spec.scope = 'Global';
    bad.spec.versions[0].storage = false;
    assert.deepEqual(strings(validateCreate('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', bad)), [
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      'spec.versions: Invalid value: []apiextensions.CustomResourceDefinitionVersion{{Name:"v1", Served:true, Storage:false}}: must have exactly one version marked as storage version',
    ]);
  });
});

describe('validateUpdate', () => {
  it('keeps apps/v1 selectors immutable', () => {
    const old = deployment({ app: 'x' });
    const next = deployment({ app: 'y' }, { app: 'y' });
    assert.deepEqual(strings(validateUpdate('apps', 'v1', 'Deployment', next, old)), [
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"y"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('allows Pod image updates but not other spec changes', () => {
    const old = pod();
    // As `kubectl set image` does: the stored object with only the image changed.
    const patched = structuredClone(old) as { spec: { containers: Obj[] } };
    patched.spec.containers[0].image = 'nginx:1.27';
    assert.deepEqual(validateUpdate('', 'v1', 'Pod', patched, old), []);
    const causes = validateUpdate('', 'v1', 'Pod', pod({}, { ports: [{ containerPort: 81 }] }), old);
    assert.equal(causes.length, 1);
    assert.equal(causes[0].field, 'spec');
    assert.equal(causes[0].type, 'FieldValueForbidden');
    assert.match(causes[0].message, /^Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
  });

  it('checks a Pod update that leaves the spec alone by its metadata, and a changed spec in full', () => {
    const old = pod();
    const relabelled = structuredClone(old) as { metadata: { labels?: Record<string, string> } };
    relabelled.metadata.labels = { 'bad label': 'x' };
    assert.deepEqual(
      validateUpdate('', 'v1', 'Pod', relabelled, old).map((c) => c.field),
      ['metadata.labels'],
    );
    const badImage = structuredClone(old) as { spec: { containers: Obj[] } };
    badImage.spec.containers[0].image = '';
    assert.deepEqual(
      validateUpdate('', 'v1', 'Pod', badImage, old).map((c) => c.field),
      ['spec.containers[0].image'],
    );
  });

  it('keeps the Service cluster IP and names immutable', () => {
    const old = applyDefaults('', 'v1', 'Service', { metadata: { name: 's', namespace: 'default' }, spec: { clusterIP: '10.96.0.5', ports: [{ port: 80 }] } });
    const next = applyDefaults('', 'v1', 'Service', { metadata: { name: 's', namespace: 'default' }, spec: { clusterIP: '10.96.0.6', clusterIPs: ['10.96.0.6'], ports: [{ port: 80 }] } });
    assert.deepEqual(strings(validateUpdate('', 'v1', 'Service', next, old)), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.6"}: may not change once set']);
    const renamed = { metadata: { name: 'other', namespace: 'default' } };
    assert.deepEqual(strings(validateUpdate('', 'v1', 'ConfigMap', renamed, { metadata: { name: 'cm', namespace: 'default' } })), ['metadata.name: Invalid value: "other": field is immutable']);
  });

  it('forbids data changes of immutable ConfigMaps', () => {
    const old = { metadata: { name: 'cm', namespace: 'default' }, immutable: true, data: { a: '1' } };
    const next = { metadata: { name: 'cm', namespace: 'default' }, immutable: true, data: { a: '2' } };
    assert.deepEqual(strings(validateUpdate('', 'v1', 'ConfigMap', next, old)), ['data: Forbidden: field is immutable when `immutable` is set']);
  });
});
