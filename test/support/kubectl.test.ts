import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runHelm, runKubectl } from './kubectl.js';

describe('kubectl and helm binaries', () => {
  let dir = '';
  let kubeconfig = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubarium-kubectl-'));
    kubeconfig = join(dir, 'kubeconfig');
    // Nothing listens on port 1: enough for client-only commands.
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\ncurrent-context: c\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\ncontexts:\n- name: c\n  context: {cluster: c, user: u}\nusers:\n- name: u\n  user: {token: t}\n',
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('kubectl is v1.34', async () => {
    const r = await runKubectl(['version', '--client', '-o', 'json'], { kubeconfig });
    assert.equal(r.code, 0, r.stderr);
    const version = JSON.parse(r.stdout) as { clientVersion: { major: string; minor: string } };
    assert.deepEqual([version.clientVersion.major, version.clientVersion.minor], ['1', '34']);
  });

  it('kubectl reads stdin and reports failure through the exit code', async () => {
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n';
    const r = await runKubectl(['label', '-f', '-', '--local', 'from=stdin', '-o', 'jsonpath={.metadata.labels.from}'], {
      kubeconfig,
      input: manifest,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'stdin');
    const down = await runKubectl(['get', 'pods', '--request-timeout=2s'], { kubeconfig });
    assert.notEqual(down.code, 0);
    assert.match(down.stderr, /127\.0\.0\.1:1/);
  });

  it('helm runs with its homes beside the kubeconfig', async () => {
    const r = await runHelm(['version', '--short'], { kubeconfig });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^v\d+\./);
    const env = await runHelm(['env'], { kubeconfig });
    assert.match(env.stdout, new RegExp(`HELM_CACHE_HOME="${dir}/.helm/cache"`));
  });
});
