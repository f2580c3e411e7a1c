import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseSelector } from '../api/labels.js';
import { Indexer, metaNamespaceKey, NAMESPACE_INDEX, NODE_NAME_INDEX, namespaceIndexFunc, podNodeNameIndexFunc, splitMetaNamespaceKey } from './indexer.js';

const pod = (ns: string, name: string, node?: string, labels?: Record<string, string>): Pod => ({ metadata: { namespace: ns, name, labels }, spec: { containers: [], nodeName: node } });

test('keys', () => {
  assert.equal(metaNamespaceKey(pod('a', 'p')), 'a/p');
  assert.equal(metaNamespaceKey({ metadata: { name: 'node1' } }), 'node1');
  assert.deepEqual(splitMetaNamespaceKey('a/p'), { namespace: 'a', name: 'p' });
  assert.deepEqual(splitMetaNamespaceKey('node1'), { name: 'node1' });
});

test('indices follow set, update, delete and replace', () => {
  const ix = new Indexer<Pod>({ [NAMESPACE_INDEX]: namespaceIndexFunc, [NODE_NAME_INDEX]: podNodeNameIndexFunc });
  ix.set(pod('a', 'p1', 'n1', { app: 'web' }));
  ix.set(pod('a', 'p2'));
  ix.set(pod('b', 'p3', 'n1'));
  assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, 'n1').sort(), ['a/p1', 'b/p3']);
  assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, ''), ['a/p2']);
  // Binding p2 moves it between index values.
  const old = ix.set(pod('a', 'p2', 'n2'));
  assert.equal(old?.spec?.nodeName, undefined);
  assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, ''), []);
  assert.deepEqual(ix.byIndex(NODE_NAME_INDEX, 'n2').map((p) => p.metadata?.name), ['p2']);
  assert.deepEqual(ix.listInNamespace('a').map((p) => p.metadata?.name).sort(), ['p1', 'p2']);
  assert.deepEqual(ix.listInNamespace('a', parseSelector('app=web')).map((p) => p.metadata?.name), ['p1']);
  ix.delete('b/p3');
  assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, 'n1'), ['a/p1']);
  assert.deepEqual(ix.indexValues(NAMESPACE_INDEX), ['a']);
  ix.replace([pod('c', 'p9', 'n9')]);
  assert.deepEqual(ix.listKeys(), ['c/p9']);
  assert.deepEqual(ix.indexValues(NODE_NAME_INDEX), ['n9']);
  assert.equal(ix.getByName('c', 'p9')?.metadata?.name, 'p9');
});

test('indexers added later index existing items; unknown index throws', () => {
  const ix = new Indexer<Pod>();
  ix.set(pod('a', 'p1', 'n1'));
  ix.addIndexers({ [NODE_NAME_INDEX]: podNodeNameIndexFunc });
  assert.deepEqual(ix.indexKeys(NODE_NAME_INDEX, 'n1'), ['a/p1']);
  assert.throws(() => ix.byIndex('nope', 'x'), /does not exist/);
});
