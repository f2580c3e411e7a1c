import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { kubeconfigPaths } from '../client/kubeconfig-set.js';
import { kubeconfigYaml } from './kubeconfig.js';
import { mergeKubeconfig } from './kubeconfig-merge.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-merge-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const source = join(dir, 'kubarium-kubeconfig');
writeFileSync(source, kubeconfigYaml({ server: 'https://127.0.0.1:6443', ca: 'CA', clientCert: 'CERT', clientKey: 'KEY' }));

const USER_CONFIG = `apiVersion: v1
kind: Config
preferences: {}
clusters:
  - name: prod
    cluster:
      server: https://prod:443
  - name: kubarium
    cluster:
      server: https://stale:1
  - name: staging
    cluster:
      server: https://staging:443
users:
  - name: alice
    user:
      token: secret
contexts:
  - name: prod
    context:
      cluster: prod
      user: alice
current-context: prod
`;

describe('mergeKubeconfig', () => {
  it('creates ~/.kube/config (temp HOME) with the kubarium entries when there is none', () => {
    const home = join(dir, 'home1');
    const [target] = kubeconfigPaths({ HOME: home });
    const result = mergeKubeconfig({ source, target });
    assert.equal(result.path, join(home, '.kube', 'config'));
    assert.equal(result.backupPath, null);
    assert.equal(result.currentContext, null, 'current-context only when asked');
    const doc = parse(readFileSync(target, 'utf8')) as Record<string, { name: string; [k: string]: unknown }[]>;
    assert.deepEqual(doc.clusters.map((c) => c.name), ['kubarium']);
    assert.deepEqual(doc.users.map((c) => c.name), ['kubarium']);
    assert.deepEqual(doc.contexts, [{ name: 'kubarium', context: { cluster: 'kubarium', user: 'kubarium' } }]);
    assert.equal(statSync(target).mode & 0o777, 0o600);
  });

  it('merges into the first $KUBECONFIG file: replaces kubarium entries in place, keeps the rest and their order, backs up first', () => {
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    writeFileSync(first, USER_CONFIG, { mode: 0o644 });
    writeFileSync(second, 'clusters: []\n');
    const [target] = kubeconfigPaths({ KUBECONFIG: [first, second].join(delimiter) });
    assert.equal(target, first);

    const result = mergeKubeconfig({ source, target });
    assert.equal(result.backupPath, `${first}.kubarium-backup`);
    assert.equal(readFileSync(result.backupPath, 'utf8'), USER_CONFIG, 'the backup is the old file');
    assert.equal(readFileSync(second, 'utf8'), 'clusters: []\n', 'other files untouched');
    assert.equal(result.currentContext, 'prod');

    const text = readFileSync(first, 'utf8');
    const doc = parse(text) as Record<string, unknown> & Record<'clusters' | 'users' | 'contexts', { name: string; [k: string]: unknown }[]>;
    assert.deepEqual(Object.keys(doc), ['apiVersion', 'kind', 'preferences', 'clusters', 'users', 'contexts', 'current-context'], 'key order kept');
    assert.deepEqual(doc.clusters.map((c) => c.name), ['prod', 'kubarium', 'staging'], 'replaced in place');
    assert.deepEqual(doc.clusters[1], { name: 'kubarium', cluster: { server: 'https://127.0.0.1:6443', 'certificate-authority-data': Buffer.from('CA').toString('base64') } });
    assert.deepEqual(doc.users.map((c) => c.name), ['alice', 'kubarium']);
    assert.deepEqual(doc.users[0], { name: 'alice', user: { token: 'secret' } });
    assert.deepEqual(doc.contexts.map((c) => c.name), ['prod', 'kubarium']);
    assert.equal(doc['current-context'], 'prod');
    assert.equal(statSync(first).mode & 0o777, 0o600);
  });

  it('sets current-context when asked, and is idempotent', () => {
    const target = join(dir, 'again.yaml');
    writeFileSync(target, USER_CONFIG);
    mergeKubeconfig({ source, target });
    const result = mergeKubeconfig({ source, target, setCurrent: true });
    assert.equal(result.currentContext, 'kubarium');
    const doc = parse(readFileSync(target, 'utf8')) as { clusters: { name: string }[]; 'current-context': string };
    assert.deepEqual(doc.clusters.map((c) => c.name), ['prod', 'kubarium', 'staging']);
    assert.equal(doc['current-context'], 'kubarium');
  });

  it('leaves no temp files behind and refuses a broken target without touching it', () => {
    const target = join(dir, 'broken.yaml');
    writeFileSync(target, 'clusters: [\n');
    assert.throws(() => mergeKubeconfig({ source, target }), /broken\.yaml/);
    assert.equal(readFileSync(target, 'utf8'), 'clusters: [\n');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  });

  it('refuses to merge our kubeconfig into itself (KUBECONFIG pointing at the data dir)', () => {
    assert.throws(() => mergeKubeconfig({ source, target: source }), /Kubarium's own kubeconfig/);
  });

  it('needs our kubeconfig', () => {
    assert.throws(() => mergeKubeconfig({ source: join(dir, 'none'), target: join(dir, 'x') }), /start the cluster first/);
  });
});
