// Pins managedFields bookkeeping on realistic write sequences (testdata/sequences.ts) to the
// output of the implementation before its performance rewrite (testdata/managed-fields.golden.json).
// Regenerate the golden file only for an intended change of behaviour.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { builtinFieldTypes } from './builtin-schema.js';
import type { JsonObject, JsonValue } from './json.js';
import { recordUpdate, serverSideApply } from './managed-fields.js';
import { createdPod, runningPod, scheduledPod } from './testdata/objects.js';
import { runSequences } from './testdata/sequences.js';

const golden = JSON.parse(fs.readFileSync(new URL('./testdata/managed-fields.golden.json', import.meta.url), 'utf8')) as Record<string, JsonValue>;

test('realistic Pod and Deployment write sequences record the pinned managedFields', async (t) => {
  const actual = runSequences({ recordUpdate, serverSideApply, builtinFieldTypes });
  assert.deepEqual(Object.keys(actual), Object.keys(golden));
  for (const step of Object.keys(golden)) {
    await t.test(step, () => {
      assert.deepEqual(actual[step], golden[step]);
      // Same key order too: the stored and served JSON must not change.
      assert.equal(JSON.stringify(actual[step]), JSON.stringify(golden[step]));
    });
  }
});

test('recordUpdate leaves its inputs alone and changes nothing but managedFields', () => {
  const types = builtinFieldTypes('v1', 'Pod');
  const now = new Date('2025-01-02T03:04:05Z');
  const created = recordUpdate({ before: undefined, after: createdPod(), manager: 'kube-controller-manager', apiVersion: 'v1', fieldTypes: types, now });
  const scheduled = recordUpdate({ before: created, after: scheduledPod(created), manager: 'kube-scheduler', apiVersion: 'v1', subresource: 'status', fieldTypes: types, now });
  const after = runningPod(scheduled, true);
  const [beforeText, afterText] = [JSON.stringify(scheduled), JSON.stringify(after)];
  const out = recordUpdate({ before: scheduled, after, manager: 'kubelet', apiVersion: 'v1', subresource: 'status', fieldTypes: types, now });
  assert.equal(JSON.stringify(scheduled), beforeText);
  assert.equal(JSON.stringify(after), afterText);
  const strip = (o: JsonObject): JsonObject => ({ ...o, metadata: { ...(o.metadata as JsonObject), managedFields: null } });
  assert.equal(JSON.stringify(strip(out)), JSON.stringify(strip(after)), 'same object, same key order');
  // A deep copy: changing the result does not reach `after`.
  ((out.spec as { containers: JsonObject[] }).containers[0]).image = 'changed';
  assert.equal(JSON.stringify(after), afterText);
  const kubelet = ((out.metadata as JsonObject).managedFields as JsonObject[]).find((e) => e.manager === 'kubelet');
  assert.ok(kubelet && 'f:containerStatuses' in ((kubelet.fieldsV1 as JsonObject)['f:status'] as JsonObject));
});
