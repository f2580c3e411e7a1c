import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFields } from './duplicate-fields.js';

test('finds duplicate keys with their paths, ignoring keys inside strings', () => {
  assert.deepEqual(duplicateFields('{"a":1,"b":{"c":1,"c":2},"a":"x"}'), ['b.c', 'a']);
  assert.deepEqual(duplicateFields('{"spec":{"containers":[{"name":"a","name":"b"},{"name":"c"}]}}'), ['spec.containers[0].name']);
  assert.deepEqual(duplicateFields('{"data":{"k":"{\\"k\\":1,\\"k\\":2}"}}'), []);
  assert.deepEqual(duplicateFields('{"a":[1,2,{"x":1}],"b":{"x":1}}'), []);
});
