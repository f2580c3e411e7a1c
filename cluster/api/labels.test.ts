import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSelector, selectorFromLabelSelector } from './labels.js';
import { StatusError } from './status.js';

test('label selector syntax as kubectl sends it', () => {
  const s = parseSelector('app=web,tier!=db,env in (prod, staging),!legacy,track');
  assert.equal(s.requirements.length, 5);
  assert.ok(s.matches({ app: 'web', tier: 'fe', env: 'prod', track: 'stable' }));
  assert.ok(!s.matches({ app: 'web', tier: 'db', env: 'prod', track: 'x' }));
  assert.ok(!s.matches({ app: 'web', env: 'prod', track: 'x', legacy: 'true' }));
  assert.ok(!s.matches({ app: 'web', env: 'dev', track: 'x' }));
  assert.ok(!s.matches({ app: 'web', env: 'prod' }));
  assert.ok(parseSelector('').matches(undefined));
  assert.ok(parseSelector('a==b').matches({ a: 'b' }));
  assert.ok(parseSelector('x notin (a,b)').matches({}));
  assert.ok(parseSelector('n>3').matches({ n: '4' }) && !parseSelector('n>3').matches({ n: '3' }));
});

test('bad selectors are 400s', () => {
  for (const bad of ['app in (a', 'a b', '=x', 'n>x']) {
    assert.throws(() => parseSelector(bad), (e: unknown) => e instanceof StatusError && e.code === 400, bad);
  }
});

test('metav1.LabelSelector: matchLabels and matchExpressions; absent matches nothing', () => {
  const s = selectorFromLabelSelector({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] });
  assert.ok(s.matches({ app: 'web', env: 'prod' }));
  assert.ok(!s.matches({ app: 'web', env: 'dev' }));
  assert.ok(!selectorFromLabelSelector(undefined).matches({ app: 'web' }));
  assert.ok(selectorFromLabelSelector({}).matches({ any: 'thing' }));
});
