import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CustomResourceColumnDefinition } from 'kubernetes-types/apiextensions/v1.js';
import { goFloatString, goJson, printCustomResourceTable } from './custom.js';
import { compileJsonPath, JsonPathError } from './jsonpath.js';

const NOW = new Date('2025-03-01T12:00:00Z');

const certificate = (name: string, ready: string | undefined, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name, namespace: 'default', creationTimestamp: '2025-03-01T11:00:00Z', resourceVersion: '5' },
  spec: { secretName: `${name}-tls`, dnsNames: ['a.example.com', 'b.example.com'], replicas: 3, ratio: 0.75, renew: true },
  status: {
    notAfter: '2025-02-27T12:00:00Z',
    conditions: [
      { type: 'Issuing', status: 'False' },
      ...(ready ? [{ type: 'Ready', status: ready, message: 'Certificate is up to date and has not expired' }] : []),
    ],
  },
  ...extra,
});

const columns: CustomResourceColumnDefinition[] = [
  { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
  { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
  { name: 'Replicas', type: 'integer', jsonPath: '.spec.replicas' },
  { name: 'Ratio', type: 'number', jsonPath: '.spec.ratio' },
  { name: 'Renew', type: 'boolean', jsonPath: '.spec.renew' },
  { name: 'Expires', type: 'date', jsonPath: '.status.notAfter' },
  { name: 'DNS', type: 'string', jsonPath: '.spec.dnsNames', priority: 1, description: 'Names' },
  { name: 'Status', type: 'string', jsonPath: ".status.conditions[?(@.type=='Ready')].message", priority: 1 },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

test('custom resource columns evaluate JSONPath with typed cells', () => {
  const t = printCustomResourceTable(columns, [certificate('site', 'True'), certificate('pending', undefined, { spec: { replicas: '3' } })], {
    includeObject: 'Object',
    withColumns: true,
    now: NOW,
    resourceVersion: '77',
  });
  assert.deepEqual(
    t.columnDefinitions?.map((c) => [c.name, c.type, c.format, c.priority, c.description]),
    [
      ['Name', 'string', 'name', 0, t.columnDefinitions?.[0].description],
      ['Ready', 'string', '', 0, ''],
      ['Secret', 'string', '', 0, ''],
      ['Replicas', 'integer', '', 0, ''],
      ['Ratio', 'number', '', 0, ''],
      ['Renew', 'boolean', '', 0, ''],
      ['Expires', 'date', '', 0, ''],
      ['DNS', 'string', '', 1, 'Names'],
      ['Status', 'string', '', 1, ''],
      ['Age', 'date', '', 0, ''],
    ],
  );
  assert.deepEqual(t.rows[0].cells, ['site', 'True', 'site-tls', 3, 0.75, true, '2d', '["a.example.com","b.example.com"]', 'Certificate is up to date and has not expired', '60m']);
  // Missing values are null; a string where an integer is declared is null too.
  assert.deepEqual(t.rows[1].cells, ['pending', null, null, null, null, null, '2d', null, null, '60m']);
  assert.equal(t.rows[0].object?.constructor, Object);
  assert.deepEqual(t.metadata, { resourceVersion: '77' });
});

test('a CRD without printer columns gets Name and Age', () => {
  const t = printCustomResourceTable(undefined, [{ metadata: { name: 'w', creationTimestamp: '2025-03-01T11:58:30Z' } }], { includeObject: 'None', withColumns: true, now: NOW });
  assert.deepEqual(
    t.columnDefinitions?.map((c) => [c.name, c.type, c.format]),
    [
      ['Name', 'string', 'name'],
      ['Age', 'date', ''],
    ],
  );
  assert.deepEqual(t.rows[0].cells, ['w', '90s']);
  const noHeaders = printCustomResourceTable([], [], { includeObject: 'None', withColumns: false, now: NOW });
  assert.equal(noHeaders.columnDefinitions, null);
});

test('date cells: zero and invalid timestamps', () => {
  const cols: CustomResourceColumnDefinition[] = [{ name: 'When', type: 'date', jsonPath: '.spec.when' }];
  const cells = (when: unknown) => printCustomResourceTable(cols, [{ metadata: { name: 'x' }, spec: { when } }], { includeObject: 'None', withColumns: false, now: NOW }).rows[0].cells[1];
  assert.equal(cells(''), '<unknown>');
  assert.equal(cells('yesterday'), '<invalid>');
  assert.equal(cells('2025-03-01T11:59:00+00:00'), '60s');
  assert.equal(cells(5), null);
});

test('string cells print like jsonpath.PrintResults', () => {
  const cols: CustomResourceColumnDefinition[] = [{ name: 'V', type: 'string', jsonPath: '.v' }];
  const cell = (v: unknown) => printCustomResourceTable(cols, [{ metadata: { name: 'x' }, v }], { includeObject: 'None', withColumns: false, now: NOW }).rows[0].cells[1];
  assert.equal(cell(12), '12');
  assert.equal(cell(1.5), '1.5');
  assert.equal(cell(false), 'false');
  assert.equal(cell(null), '<no value>');
  assert.equal(cell({ b: 1, a: '<x>' }), '{"a":"\\u003cx\\u003e","b":1}');
});

test('goFloatString and goJson follow Go formatting', () => {
  assert.equal(goFloatString(0.5), '0.5');
  assert.equal(goFloatString(1234567.5), '1.2345675e+06');
  assert.equal(goFloatString(0.00001), '1e-05');
  assert.equal(goFloatString(123456.25), '123456.25');
  assert.equal(goJson({ z: [1, { y: 2, x: 'a&b' }] }), '{"z":[1,{"x":"a\\u0026b","y":2}]}');
});

test('jsonpath subset: fields, indices, slices, wildcards, recursion, filters', () => {
  const doc = {
    spec: { 'dotted.key': 'dk', items: [{ n: 'a', v: 1 }, { n: 'b', v: 2 }, { n: 'c', v: 3 }] },
    status: { conditions: [{ type: 'Ready', status: 'False' }, { type: 'Synced', status: 'True', reason: 'OK' }] },
  };
  const find = (p: string) => compileJsonPath(p).find(doc);
  assert.deepEqual(find('.spec.items[0].n'), ['a']);
  assert.deepEqual(find('.spec.items[-1].n'), ['c']);
  assert.deepEqual(find('.spec.items[0:2].v'), [1, 2]);
  assert.deepEqual(find('.spec.items[*].n'), ['a', 'b', 'c']);
  assert.deepEqual(find(".spec['dotted.key']"), ['dk']);
  assert.deepEqual(find('{.status.conditions[?(@.type=="Synced")].reason}'), ['OK']);
  assert.deepEqual(find('.status.conditions[?(@.status!="True")].type'), ['Ready']);
  assert.deepEqual(find('.status.conditions[?(@.reason)].type'), ['Synced']);
  assert.deepEqual(find('.spec.items[?(@.v>=2)].n'), ['b', 'c']);
  assert.deepEqual(find('..reason'), ['OK']);
  assert.deepEqual(find('$.spec.missing.deeper'), []);
  assert.deepEqual(find('.spec.items.n'), []); // a field of a list is not found
  assert.throws(() => compileJsonPath('.spec.items[0'), JsonPathError);
});
