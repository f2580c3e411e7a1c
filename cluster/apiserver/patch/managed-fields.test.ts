import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyConflictStatus, recordUpdate, serverSideApply } from './managed-fields.js';
import { FieldSet, pathToString } from './fieldpath.js';
import type { JsonObject } from './json.js';

const now = new Date('2025-01-02T03:04:05.678Z');

function config(image: string, replicas?: number): JsonObject {
  const spec: JsonObject = {
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }] }] },
    },
  };
  if (replicas !== undefined) spec.replicas = replicas;
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } }, spec };
}

const entries = (o: JsonObject): JsonObject[] => (o.metadata as { managedFields: JsonObject[] }).managedFields;

test('apply creates the object and records FieldsV1 as upstream encodes it', () => {
  const { object, conflicts } = serverSideApply({ live: undefined, applied: config('nginx:1.25', 2), manager: 'kubectl', force: false, now });
  assert.deepEqual(conflicts, []);
  assert.deepEqual(entries(object), [
    {
      manager: 'kubectl',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      time: '2025-01-02T03:04:05Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { 'f:app': {} } },
        'f:spec': {
          'f:replicas': {},
          'f:selector': {},
          'f:template': {
            'f:metadata': { 'f:labels': { 'f:app': {} } },
            'f:spec': {
              'f:containers': {
                'k:{"name":"nginx"}': {
                  '.': {},
                  'f:image': {},
                  'f:name': {},
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
    },
  ]);
  assert.equal((object.spec as JsonObject).replicas, 2);
});

test('two appliers conflict on a changed field; force takes ownership', () => {
  const first = serverSideApply({ live: undefined, applied: config('nginx:1.25', 2), manager: 'alice', force: false, now }).object;
  // Same value: shared ownership, no conflict.
  const shared = serverSideApply({ live: first, applied: config('nginx:1.25', 2), manager: 'bob', force: false, now });
  assert.deepEqual(shared.conflicts, []);
  // Different replicas: conflict with alice.
  const refused = serverSideApply({ live: shared.object, applied: config('nginx:1.25', 5), manager: 'bob', force: false, now });
  assert.deepEqual(refused.conflicts.map((c) => [c.manager, c.field]), [['alice', '.spec.replicas']]);
  assert.equal((refused.object.spec as JsonObject).replicas, 2, 'live object returned unchanged');
  const status = applyConflictStatus(refused.conflicts);
  assert.equal(status.message, 'Apply failed with 1 conflict: conflict with "alice": .spec.replicas');
  assert.deepEqual(status.causes, [{ type: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.spec.replicas' }]);

  const forced = serverSideApply({ live: shared.object, applied: config('nginx:1.25', 5), manager: 'bob', force: true, now });
  assert.deepEqual(forced.conflicts, []);
  assert.equal((forced.object.spec as JsonObject).replicas, 5);
  const alice = entries(forced.object).find((e) => e.manager === 'alice')!;
  assert.equal(FieldSet.fromFieldsV1(alice.fieldsV1).has(['f:spec', 'f:replicas']), false, 'alice lost replicas');
  assert.equal(FieldSet.fromFieldsV1(alice.fieldsV1).has(['f:spec', 'f:selector']), true, 'alice keeps the rest');
});

test('conflict with an Update manager names its apiVersion', () => {
  const created = recordUpdate({ before: undefined, after: config('nginx:1.25', 2), manager: 'kubectl-client-side-apply', apiVersion: 'apps/v1', now });
  const r = serverSideApply({ live: created, applied: config('nginx:1.26', 2), manager: 'kubectl', force: false, now });
  assert.deepEqual(r.conflicts.map((c) => c.field), ['.spec.template.spec.containers[name="nginx"].image']);
  assert.equal(
    applyConflictStatus(r.conflicts).message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.template.spec.containers[name="nginx"].image',
  );
});

test('several conflicts are grouped by manager', () => {
  const msg = applyConflictStatus([
    { manager: 'b', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.replicas' },
    { manager: 'a', operation: 'Update', apiVersion: 'apps/v1', field: '.metadata.labels.x' },
    { manager: 'b', operation: 'Apply', apiVersion: 'apps/v1', field: '.spec.paused' },
  ]).message;
  assert.equal(msg, 'Apply failed with 3 conflicts: conflicts with "a" using apps/v1:\n- .metadata.labels.x\nconflicts with "b":\n- .spec.replicas\n- .spec.paused');
});

test('applying without a field removes it when nobody else owns it', () => {
  const first = serverSideApply({ live: undefined, applied: config('nginx:1.25', 2), manager: 'kubectl', force: false, now }).object;
  const withSidecar = config('nginx:1.25', 2);
  ((withSidecar.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers.push({ name: 'log', image: 'busybox' });
  const second = serverSideApply({ live: first, applied: withSidecar, manager: 'kubectl', force: false, now }).object;
  // Someone else labels the object; the applier then drops replicas, the sidecar and its own label.
  const labelled = recordUpdate({
    before: second,
    after: { ...second, metadata: { ...(second.metadata as JsonObject), labels: { app: 'web', team: 'x' } } },
    manager: 'kubectl-label',
    apiVersion: 'apps/v1',
    now,
  });
  const applied = config('nginx:1.25');
  delete (applied.metadata as JsonObject).labels;
  const third = serverSideApply({ live: labelled, applied, manager: 'kubectl', force: false, now }).object;
  const spec = third.spec as JsonObject;
  assert.equal('replicas' in spec, false);
  assert.deepEqual(((spec.template as JsonObject).spec as { containers: JsonObject[] }).containers.map((c) => c.name), ['nginx']);
  assert.deepEqual((third.metadata as JsonObject).labels, { team: 'x' });
});

test('recordUpdate for a create owns defaulted fields, with "." only on added maps', () => {
  const after = config('nginx:1.25', 1);
  const c = (((after.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] }).containers[0];
  c.resources = {};
  const out = recordUpdate({ before: undefined, after, manager: 'kubectl-create', apiVersion: 'apps/v1', now });
  const [e] = entries(out);
  assert.equal(e.operation, 'Update');
  assert.equal(e.manager, 'kubectl-create');
  const f = e.fieldsV1 as JsonObject;
  assert.deepEqual((f['f:metadata'] as JsonObject)['f:labels'], { '.': {}, 'f:app': {} });
  assert.equal('.' in (f['f:spec'] as JsonObject), false);
  const container = ((((f['f:spec'] as JsonObject)['f:template'] as JsonObject)['f:spec'] as JsonObject)['f:containers'] as JsonObject)[
    'k:{"name":"nginx"}'
  ] as JsonObject;
  assert.deepEqual(container['f:resources'], {});
  assert.deepEqual(container['.'], {});
});

test('an update takes fields from other managers; empty managedFields resets', () => {
  const created = recordUpdate({ before: undefined, after: config('nginx:1.25', 2), manager: 'kubectl-create', apiVersion: 'apps/v1', now });
  const edited = recordUpdate({
    before: created,
    after: { ...created, spec: { ...(created.spec as JsonObject), replicas: 4 } },
    manager: 'kubectl-edit',
    apiVersion: 'apps/v1',
    now,
  });
  const byName = Object.fromEntries(entries(edited).map((e) => [e.manager as string, FieldSet.fromFieldsV1(e.fieldsV1)]));
  assert.equal(byName['kubectl-edit'].has(['f:spec', 'f:replicas']), true);
  assert.equal(byName['kubectl-create'].has(['f:spec', 'f:replicas']), false);
  const reset = recordUpdate({ before: edited, after: { ...edited, metadata: { ...(edited.metadata as JsonObject), managedFields: [] } }, manager: 'x', apiVersion: 'apps/v1' });
  assert.equal('managedFields' in (reset.metadata as JsonObject), false);
});

test('path strings follow structured-merge-diff', () => {
  assert.equal(pathToString(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:targetPort']), '.spec.ports[port=80,protocol="TCP"].targetPort');
  assert.equal(pathToString(['f:metadata', 'f:finalizers', 'v:"x"']), '.metadata.finalizers[="x"]');
});
