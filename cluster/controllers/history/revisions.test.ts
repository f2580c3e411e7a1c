import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ControllerRevision } from 'kubernetes-types/apps/v1.js';
import { hashRevisionData } from './hash.js';
import { equalRevision, newRevision, revisionsToPrune, templateOfRevision } from './revisions.js';

const parent = (image: string) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'd', namespace: 'default', uid: 'u1' }, spec: { template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image }] } } } });

describe('controller revisions', () => {
  it('hash data deterministically, whatever the key order, and vary with collisionCount', () => {
    assert.equal(hashRevisionData({ a: 1, b: 2 }), hashRevisionData({ b: 2, a: 1 }));
    assert.notEqual(hashRevisionData({ a: 1 }), hashRevisionData({ a: 1 }, 1));
    assert.match(hashRevisionData({ a: 1 }), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });

  it('names, labels and owns a revision; the template round-trips', () => {
    const r = newRevision(parent('nginx:1'), 3);
    assert.equal(r.revision, 3);
    assert.equal(r.metadata?.name, `d-${r.metadata?.labels?.['controller-revision-hash']}`);
    assert.equal(r.metadata?.ownerReferences?.[0].controller, true);
    assert.deepEqual(templateOfRevision(r), parent('nginx:1').spec.template);
    assert.ok(equalRevision(r, newRevision(parent('nginx:1'), 7)));
    assert.ok(!equalRevision(r, newRevision(parent('nginx:2'), 4)));
  });

  it('prunes the oldest unused revisions beyond the limit', () => {
    const revs: ControllerRevision[] = [1, 2, 3, 4].map((n) => ({ ...newRevision(parent(`img:${n}`), n) }));
    const live = new Set([revs[0].metadata!.labels!['controller-revision-hash']]);
    const pruned = revisionsToPrune(revs, new Set([revs[3].metadata!.name!]), live, 1);
    assert.deepEqual(pruned.map((r) => r.revision), [2]);
  });
});
