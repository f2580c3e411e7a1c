import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaValidator, causeText, patchMetaFor, unknownFieldMessage } from './validator.js';
import type { CustomResourceSchema } from '../openapi/definitions.js';

const POD = { group: '', version: 'v1', kind: 'Pod' };
const DEPLOYMENT = { group: 'apps', version: 'v1', kind: 'Deployment' };
const WIDGET = { group: 'example.com', version: 'v1', kind: 'Widget' };

function pod(container: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'nginx', ...container }] } };
}

const widgetCRD: CustomResourceSchema = {
  ...WIDGET,
  plural: 'widgets',
  namespaced: true,
  openAPIV3Schema: {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        required: ['size'],
        properties: {
          size: { type: 'integer', minimum: 1, maximum: 10 },
          color: { type: 'string', enum: ['red', 'blue'] },
          port: { 'x-kubernetes-int-or-string': true },
          tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { a: { type: 'string' } } } } },
          owners: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, role: { type: 'string' } } },
          },
        },
      },
      status: { type: 'object', properties: { ready: { type: 'boolean' } } },
    },
  },
};

test('a valid Pod validates clean', () => {
  const r = new SchemaValidator().validate(POD, pod({ ports: [{ containerPort: 80 }], resources: { limits: { cpu: '500m', memory: 128 } } }), 'Strict');
  assert.deepEqual(r, { causes: [], unknownFields: [] });
});

test('unknown fields are reported with upstream paths, and not with Ignore', () => {
  const v = new SchemaValidator();
  const obj = pod({ imagee: 'nginx' });
  assert.deepEqual(v.validate(POD, obj, 'Strict').unknownFields, ['spec.containers[0].imagee']);
  assert.deepEqual(v.validate(POD, obj, 'Warn').unknownFields, ['spec.containers[0].imagee']);
  assert.deepEqual(v.validate(POD, obj, 'Ignore').unknownFields, []);
  assert.equal(unknownFieldMessage('spec.containers[0].imagee'), 'unknown field "spec.containers[0].imagee"');
  assert.deepEqual(v.validate(POD, { ...obj, metadata: { name: 'p', bogus: 1 } }, 'Strict').unknownFields, ['metadata.bogus', 'spec.containers[0].imagee']);
});

test('type mismatches give FieldValueInvalid causes worded as upstream', () => {
  const v = new SchemaValidator();
  const r = v.validate(DEPLOYMENT, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 'string', selector: { matchLabels: { a: 'b' } }, template: {} } }, 'Strict');
  assert.equal(r.causes.length, 1);
  assert.equal(r.causes[0].type, 'FieldValueTypeInvalid');
  assert.equal(r.causes[0].field, 'spec.replicas');
  assert.equal(causeText(r.causes[0]), 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"');

  const r2 = v.validate(POD, pod({ ports: [{ containerPort: 1.5 }], tty: 'yes', args: 'x' }), 'Strict');
  assert.deepEqual(r2.causes.map((c) => c.field).sort(), ['spec.containers[0].args', 'spec.containers[0].ports[0].containerPort', 'spec.containers[0].tty']);
});

test('required, int-or-string and quantity', () => {
  const v = new SchemaValidator();
  const missing = v.validate(POD, { spec: { containers: [{ image: 'x' }] } }, 'Strict');
  assert.deepEqual(missing.causes, [{ type: 'FieldValueRequired', field: 'spec.containers[0].name', message: 'Required value' }]);
  assert.deepEqual(v.validate(POD, { spec: { containers: [{ image: 'x' }] } }, 'Strict', { skipRequired: true }).causes, []);

  const probe = (port: unknown) => pod({ livenessProbe: { httpGet: { port } } });
  assert.deepEqual(v.validate(POD, probe(8080), 'Strict').causes, []);
  assert.deepEqual(v.validate(POD, probe('http'), 'Strict').causes, []);
  assert.equal(v.validate(POD, probe(true), 'Strict').causes[0].field, 'spec.containers[0].livenessProbe.httpGet.port');

  const q = v.validate(POD, pod({ resources: { requests: { memory: '12 parsecs' } } }), 'Strict');
  assert.equal(q.causes.length, 1);
  assert.match(q.causes[0].message, /quantities must match the regular expression/);
});

test('custom resources: types, bounds, enums, int-or-string, preserve-unknown, embedded, duplicates', () => {
  const v = new SchemaValidator();
  v.setCustomResources([widgetCRD]);
  const ok = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec: { size: 3, color: 'red', port: 'http', tags: ['a'], config: { anything: { goes: 1 } }, template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' }, spec: { a: 'b' } }, owners: [{ name: 'a' }] },
  };
  assert.deepEqual(v.validate(WIDGET, ok, 'Strict'), { causes: [], unknownFields: [] });

  const bad = v.validate(WIDGET, { spec: { size: 11, color: 'green', port: 1.5, tags: ['a', 'a'], owners: [{ name: 'a' }, { name: 'a' }], template: { spec: { b: 1 } }, extra: true } }, 'Strict');
  const byField = Object.fromEntries(bad.causes.map((c) => [c.field, c]));
  assert.equal(byField['spec.size'].message, 'Invalid value: 11: spec.size in body should be less than or equal to 10');
  assert.equal(byField['spec.color'].type, 'FieldValueNotSupported');
  assert.equal(byField['spec.color'].message, 'Unsupported value: "green": supported values: "red", "blue"');
  assert.equal(byField['spec.port'].message, 'Invalid value: "float64": spec.port in body must be of type integer,string: "number"');
  assert.equal(byField['spec.tags[1]'].type, 'FieldValueDuplicate');
  assert.equal(byField['spec.owners[1]'].type, 'FieldValueDuplicate');
  assert.deepEqual(bad.unknownFields.sort(), ['spec.extra', 'spec.template.spec.b']);

  const missing = v.validate(WIDGET, { spec: {} }, 'Strict');
  assert.deepEqual(missing.causes, [{ type: 'FieldValueRequired', field: 'spec.size', message: 'Required value' }]);
  // CRDs need nullable for null values
  assert.equal(v.validate(WIDGET, { spec: { size: null } }, 'Strict').causes[0].message, 'Invalid value: "": spec.size in body must be of type integer: "null"');
  // Built-in kinds are unaffected by the custom set
  assert.equal(v.validate(POD, pod({ imagee: 1 }), 'Strict').unknownFields.length, 1);
});

test('prune drops unknown fields of custom resources only', () => {
  const v = new SchemaValidator();
  v.setCustomResources([widgetCRD]);
  const obj = {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w', junk: 1 },
    spec: { size: 1, extra: 1, config: { keep: 1 }, owners: [{ name: 'a', nope: 2 }], template: { apiVersion: 'v1', kind: 'X', metadata: { name: 'n', junk: 2 }, other: 1 } },
    status: { ready: true, bogus: 'x' },
    top: 1,
  };
  const removed = v.prune(WIDGET, obj);
  assert.deepEqual(removed.sort(), ['metadata.junk', 'spec.extra', 'spec.owners[0].nope', 'spec.template.metadata.junk', 'spec.template.other', 'status.bogus', 'top']);
  assert.deepEqual(obj.spec.config, { keep: 1 });
  assert.deepEqual(obj.spec.template, { apiVersion: 'v1', kind: 'X', metadata: { name: 'n' } });
  const podObj = pod({ imagee: 'x' });
  assert.deepEqual(v.prune(POD, podObj), []);
});

test('patch metadata from schema extensions', () => {
  const meta = patchMetaFor(DEPLOYMENT)!;
  assert.deepEqual(meta('spec.template.spec.containers'), { patchStrategy: 'merge', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] });
  assert.deepEqual(meta(['spec', 'template', 'spec', 'containers', 'ports']), { patchStrategy: 'merge', patchMergeKey: 'containerPort', listType: 'map', listMapKeys: ['containerPort', 'protocol'] });
  assert.deepEqual(meta('spec.template.spec.volumes'), { patchStrategy: 'merge,retainKeys', patchMergeKey: 'name', listType: 'map', listMapKeys: ['name'] });
  assert.deepEqual(meta('metadata.finalizers'), { patchStrategy: 'merge', listType: 'set' });
  assert.deepEqual(meta('spec.template.spec.tolerations'), { listType: 'atomic' });
  assert.deepEqual(meta('spec.replicas'), {});
  assert.equal(meta('spec.nope'), undefined);
  assert.equal(patchMetaFor({ group: 'x', version: 'v1', kind: 'Nope' }), undefined);
  const v = new SchemaValidator();
  v.setCustomResources([widgetCRD]);
  assert.deepEqual(v.patchMeta(WIDGET)!('spec.owners'), { listType: 'map', listMapKeys: ['name'] });
});

test('string lengths count code points, as Go counts runes', () => {
  const crd: CustomResourceSchema = {
    ...WIDGET,
    plural: 'widgets',
    namespaced: true,
    openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { name: { type: 'string', minLength: 2, maxLength: 3 } } } } },
  };
  const v = new SchemaValidator();
  v.setCustomResources([crd]);
  const widget = (name: string) => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { name } });
  const fields = (name: string) => v.validate(WIDGET, widget(name), 'Strict').causes.map((c) => `${c.type} ${c.field}`);
  assert.deepEqual(fields('😀😀😀'), [], 'three emoji are three runes (six UTF-16 units)');
  assert.deepEqual(fields('😀😀😀😀'), ['FieldValueTooLong spec.name']);
  assert.deepEqual(fields('😀'), ['FieldValueInvalid spec.name']);
  assert.deepEqual(fields('\ud800\ud800'), [], 'lone surrogates count one each');
});
