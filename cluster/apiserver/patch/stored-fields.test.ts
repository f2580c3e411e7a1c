import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './fieldpath.js';
import type { JsonObject } from './json.js';
import { isEncodedForm, ownsAnyOf, preferShared, withMembers } from './stored-fields.js';

const tree = (): JsonObject => ({
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:image': {}, 'f:name': {} } }, 'f:ports': { 'i:2': {}, 'i:10': {} } },
});

test('isEncodedForm accepts exactly what toFieldsV1 writes', () => {
  const t = tree();
  assert.equal(isEncodedForm(t), true);
  assert.equal(JSON.stringify(FieldSet.fromFieldsV1(t).toFieldsV1()), JSON.stringify(t));
  // An empty set (its entry is dropped) and incomparable `i:` elements are refused too.
  assert.equal(isEncodedForm({}), false);
  assert.equal(isEncodedForm({ 'f:a': { 'i:x': {}, 'i:y': {} } }), false);
  const refused: JsonObject[] = [
    { '.': {}, 'f:a': {} },
    { 'f:b': {}, 'f:a': {} },
    { 'k:{"x":1}': {}, 'f:a': {} },
    { 'f:a': { '.': {} } },
    { 'f:a': { 'f:b': {}, '.': {} } },
    { 'f:a': { '.': { x: {} }, 'f:b': {} } },
    { 'f:a': 1 },
    { 'f:a': { 'i:10': {}, 'i:2': {} } },
    JSON.parse('{"f:a":{"__proto__":{}}}') as JsonObject,
  ];
  for (const r of refused) {
    assert.equal(isEncodedForm(r), false, JSON.stringify(r));
    assert.notEqual(JSON.stringify(FieldSet.fromFieldsV1(r).toFieldsV1()), JSON.stringify(r), 'the encoder would change it');
  }
});

test('ownsAnyOf and withMembers read members as FieldSet.fromFieldsV1 does', () => {
  const t = tree();
  const set = (...paths: string[][]): FieldSet => FieldSet.fromPaths(paths);
  assert.equal(ownsAnyOf(t, set(['f:metadata', 'f:labels'])), true, 'a node with "." is a member');
  assert.equal(ownsAnyOf(t, set(['f:spec'])), false, 'a node without "." is not');
  assert.equal(ownsAnyOf(t, set(['f:spec', 'f:ports', 'i:2'], ['f:x'])), true);
  assert.equal(ownsAnyOf(t, set(['f:metadata', 'f:labels', 'f:other'])), false);
  assert.equal(ownsAnyOf({ 'f:a': 1 }, set(['f:a'])), false, 'not an object: no member');
  // withMembers gives the tree itself exactly when it owns every member already.
  assert.equal(withMembers(t, set(['f:metadata', 'f:labels', 'f:app'], ['f:spec', 'f:ports', 'i:10']), undefined), t);
  assert.notEqual(withMembers(t, set(['f:metadata', 'f:labels', 'f:app'], ['f:spec']), undefined), t);
  assert.equal(withMembers(t, set(['f:metadata', 'f:labels', 'f:app'], ['f:kind']), set(['f:kind'])), t, 'excepted members need not be owned');
});

test('preferShared takes the previous tree only when it is frozen, encoded and equal', () => {
  const deepFreeze = (v: JsonObject): JsonObject => {
    for (const k of Object.keys(v)) deepFreeze(v[k] as JsonObject);
    return Object.freeze(v);
  };
  const previous = deepFreeze(tree());
  assert.equal(preferShared(tree(), previous), previous);
  const reordered = { 'f:spec': tree()['f:spec'], 'f:metadata': tree()['f:metadata'] };
  assert.equal(preferShared(reordered, previous), previous, 'same set: the encoder would write `previous`');
  const other = tree();
  (other['f:metadata'] as JsonObject)['f:name'] = {};
  assert.equal(preferShared(other, previous), other);
  const mutable = tree();
  const fields = tree();
  assert.equal(preferShared(fields, mutable), fields, 'not frozen: not shared');
});

test('withMembers gives the tree toFieldsV1 gives for the union, sharing what it leaves alone', () => {
  const t = tree();
  const set = (...paths: string[][]): FieldSet => FieldSet.fromPaths(paths);
  const except = set(['f:kind'], ['f:metadata'], ['f:metadata', 'f:name']);
  const union = (s: FieldSet) => {
    const u = FieldSet.fromFieldsV1(t).union(s.difference(except));
    return JSON.stringify(u.toFieldsV1());
  };
  const cases = [
    set(['f:metadata', 'f:labels', 'f:tier']),
    set(['f:metadata', 'f:annotations', 'f:a']),
    set(['f:metadata', 'f:labels']),
    set(['f:spec', 'f:ports', 'i:3']),
    set(['f:spec', 'f:ports', 'i:2', 'f:x']),
    set(['f:kind'], ['f:metadata'], ['f:metadata', 'f:name']),
    set(['f:spec', 'f:containers', 'k:{"name":"a"}', 'f:image']),
    set(['f:apiVersion'], ['f:status', 'f:phase'], ['f:metadata', 'f:finalizers', 'v:"x"']),
  ];
  for (const s of cases) {
    const grown = withMembers(t, s, except);
    assert.equal(JSON.stringify(grown), union(s), JSON.stringify(s.paths()));
    assert.equal(isEncodedForm(grown), true);
  }
  const grown = withMembers(t, set(['f:metadata', 'f:annotations', 'f:a']), except);
  assert.equal(grown['f:spec'], t['f:spec'], 'an untouched subtree is the same object');
  assert.equal((grown['f:metadata'] as JsonObject)['f:labels'], (t['f:metadata'] as JsonObject)['f:labels']);
  assert.equal(withMembers(t, set(['f:metadata', 'f:labels', 'f:app']), except), t, 'nothing new: the tree itself');
});

test('withMembers agrees with decode, union, encode on random sets', () => {
  const elements = ['f:a', 'f:b', 'f:c', 'k:{"n":"x"}', 'v:"y"', 'i:2', 'i:10'];
  const randomSet = (n: number): FieldSet => {
    const paths: string[][] = [];
    for (let i = 0; i < n; i++) paths.push(Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => elements[Math.floor(Math.random() * elements.length)]));
    return FieldSet.fromPaths(paths);
  };
  for (let i = 0; i < 2000; i++) {
    const base = randomSet(1 + Math.floor(Math.random() * 6));
    const fields = base.toFieldsV1();
    if (!isEncodedForm(fields)) continue;
    const add = randomSet(Math.floor(Math.random() * 4));
    const except = randomSet(Math.floor(Math.random() * 2));
    const want = FieldSet.fromFieldsV1(fields).union(add.difference(except)).toFieldsV1();
    assert.equal(JSON.stringify(withMembers(fields, add, except)), JSON.stringify(want), JSON.stringify({ fields, add: add.paths(), except: except.paths() }));
  }
});
