/**
 * Static pods: a manifest as the pod the kubelet runs (name, uid, annotations,
 * toleration), the manifest directory read (YAML and JSON, dot files and bad files
 * skipped, changes seen), and the pod sources merging them with the API's pods (mirror
 * pods never run; a removed static pod lingers as a terminating pod; orphaned mirrors).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { Indexer } from '../client/indexer.js';
import type { EventHandler, SharedInformer } from '../client/index.js';
import { isMirrorPodOf } from './mirror-pods.js';
import { PodSources } from './pod-sources.js';
import { CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SOURCE_ANNOTATION, StaticPodSource, staticPodFromManifest } from './static-pods.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-manifests-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const manifest = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'kubarium/busybox:1' }] } };

test('a manifest becomes <name>-<node> with a uid from its content, node and path, and the source annotations', () => {
  const p = staticPodFromManifest(manifest, '/m/web.yaml', 'Node-1');
  assert.equal(p.metadata?.name, 'web-node-1');
  assert.equal(p.metadata?.namespace, 'default');
  assert.match(p.metadata?.uid ?? '', /^[0-9a-f]{32}$/);
  assert.equal(p.metadata?.annotations?.[CONFIG_HASH_ANNOTATION], p.metadata?.uid);
  assert.equal(p.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION], 'file');
  assert.equal(p.spec?.nodeName, 'Node-1');
  assert.deepEqual(p.spec?.tolerations, [{ operator: 'Exists', effect: 'NoExecute' }]);
  assert.equal(p.status?.phase, 'Pending');
  const reordered = { spec: manifest.spec, metadata: { labels: { a: 'b' }, name: 'web' }, kind: 'Pod', apiVersion: 'v1' };
  assert.equal(staticPodFromManifest(reordered, '/m/web.yaml', 'Node-1').metadata?.uid, p.metadata?.uid, 'key order does not matter');
  assert.notEqual(staticPodFromManifest(manifest, '/m/web.yaml', 'node-2').metadata?.uid, p.metadata?.uid);
  assert.notEqual(staticPodFromManifest(manifest, '/m/other.yaml', 'Node-1').metadata?.uid, p.metadata?.uid);
  assert.notEqual(staticPodFromManifest({ ...manifest, spec: { containers: [{ name: 'c', image: 'x:2' }] } }, '/m/web.yaml', 'Node-1').metadata?.uid, p.metadata?.uid);
  assert.throws(() => staticPodFromManifest({ kind: 'Deployment', metadata: { name: 'x' } }, 'f', 'n'), /kind Deployment/);
  assert.throws(() => staticPodFromManifest({ kind: 'Pod', metadata: { name: 'x' }, spec: {} }, 'f', 'n'), /spec.containers/);
});

test('the manifest directory: YAML and JSON files, dot files and directories ignored, a bad file skipped, changes and removals seen', () => {
  const src = new StaticPodSource({ dir, nodeName: 'n1' });
  let changes = 0;
  src.onChange(() => changes++);
  writeFileSync(join(dir, 'web.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: kube-system\nspec:\n  containers:\n  - name: c\n    image: kubarium/busybox:1\n');
  writeFileSync(join(dir, 'api.json'), JSON.stringify({ ...manifest, metadata: { name: 'api' } }));
  writeFileSync(join(dir, '.swp'), 'garbage');
  writeFileSync(join(dir, 'bad.yaml'), 'kind: Pod\nmetadata: {}\n');
  src.read();
  assert.deepEqual(src.pods().map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).sort(), ['default/api-n1', 'kube-system/web-n1']);
  assert.equal(changes, 1);
  assert.equal(src.hasSynced(), true);
  src.read();
  assert.equal(changes, 1, 'nothing changed, nothing reported');
  const before = src.pods().find((p) => p.metadata?.name === 'api-n1')!;
  writeFileSync(join(dir, 'api.json'), JSON.stringify({ ...manifest, metadata: { name: 'api', labels: { v: '2' } } }));
  src.read();
  assert.equal(changes, 2);
  assert.notEqual(src.pods().find((p) => p.metadata?.name === 'api-n1')?.metadata?.uid, before.metadata?.uid, 'an edit makes a new pod');
  writeFileSync(join(dir, 'api.json'), '{"kind": "Pod", "metad');
  src.read();
  assert.ok(src.pods().some((p) => p.metadata?.name === 'api-n1'), 'a half-written file keeps the pod it had');
  unlinkSync(join(dir, 'api.json'));
  unlinkSync(join(dir, 'bad.yaml'));
  src.read();
  assert.deepEqual(src.pods().map((p) => p.metadata?.name), ['web-n1']);
  assert.equal(changes, 3);
  src.stop();
  unlinkSync(join(dir, 'web.yaml'));
  unlinkSync(join(dir, '.swp'));
});

/** An informer over an indexer the test fills. */
function fakeInformer(): { informer: SharedInformer<Pod>; set(p: Pod): void; remove(p: Pod): void } {
  const indexer = new Indexer<Pod>();
  const handlers: EventHandler<Pod>[] = [];
  const informer = {
    indexer,
    hasSynced: () => true,
    addEventHandler: (h: EventHandler<Pod>) => {
      handlers.push(h);
      return () => undefined;
    },
  } as unknown as SharedInformer<Pod>;
  return {
    informer,
    set: (p) => {
      const old = indexer.set(p);
      for (const h of handlers) {
        if (old) h.onUpdate?.(old, p);
        else h.onAdd?.(p, false);
      }
    },
    remove: (p) => {
      indexer.delete(`${p.metadata?.namespace}/${p.metadata?.name}`);
      for (const h of handlers) h.onDelete?.(p, false);
    },
  };
}

test('pod sources: static and API pods by key, mirrors never run, a removed static pod terminates under its own key', () => {
  const api = fakeInformer();
  const sdir = mkdtempSync(join(dir, 'src-'));
  const statics = new StaticPodSource({ dir: sdir, nodeName: 'n1' });
  const sources = new PodSources({ api: api.informer, staticPods: statics, now: () => Date.parse('2026-01-01T00:00:00Z') });
  const keys: string[] = [];
  sources.onChange((k) => keys.push(k));
  writeFileSync(join(sdir, 'web.yaml'), JSON.stringify(manifest));
  statics.read();
  const web = sources.get('default/web-n1')!;
  assert.equal(sources.isStatic(web), true);
  assert.deepEqual(keys, ['default/web-n1']);

  const mirror: Pod = { metadata: { name: 'web-n1', namespace: 'default', uid: 'api-uid', annotations: { [CONFIG_MIRROR_ANNOTATION]: web.metadata!.uid! } }, spec: web.spec };
  api.set(mirror);
  assert.deepEqual(keys, ['default/web-n1', 'default/web-n1'], "a mirror's change wakes its static pod");
  assert.equal(sources.get('default/web-n1')?.metadata?.uid, web.metadata?.uid, 'the key resolves to the static pod, not its mirror');
  assert.equal(sources.mirrorPod(web)?.metadata?.uid, 'api-uid');
  assert.ok(isMirrorPodOf(sources.mirrorPod(web)!, web));
  assert.deepEqual(sources.orphanedMirrorPods(), []);
  const regular: Pod = { metadata: { name: 'app', namespace: 'default', uid: 'app-uid' }, spec: { nodeName: 'n1', containers: [] } };
  api.set(regular);
  const stray: Pod = { metadata: { name: 'old-n1', namespace: 'default', uid: 'stray', annotations: { [CONFIG_MIRROR_ANNOTATION]: 'abc' } }, spec: { containers: [] } };
  api.set(stray);
  assert.equal(sources.get('default/old-n1'), undefined, 'a mirror pod is never a pod to run');
  assert.deepEqual(sources.orphanedMirrorPods().map((p) => p.metadata?.uid), ['stray']);
  assert.deepEqual(sources.list().map((p) => p.metadata?.uid).sort(), ['app-uid', web.metadata!.uid!].sort());

  keys.length = 0;
  unlinkSync(join(sdir, 'web.yaml'));
  statics.read();
  const removedKey = `static-removed/${web.metadata?.uid}`;
  assert.deepEqual(keys, [removedKey]);
  const terminating = sources.get(removedKey)!;
  assert.equal(terminating.metadata?.deletionTimestamp, '2026-01-01T00:00:00.000Z');
  assert.equal(terminating.metadata?.deletionGracePeriodSeconds, 30);
  assert.equal(sources.get('default/web-n1'), undefined);
  assert.ok(sources.list().some((p) => p.metadata?.uid === web.metadata?.uid), 'still known to housekeeping while it stops');
  assert.deepEqual(sources.orphanedMirrorPods().map((p) => p.metadata?.uid).sort(), ['api-uid', 'stray']);
  sources.finished(terminating);
  assert.equal(sources.get(removedKey), undefined);
  assert.deepEqual(sources.list().map((p) => p.metadata?.uid), ['app-uid']);
  statics.stop();
});
