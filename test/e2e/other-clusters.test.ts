/**
 * Other clusters: a launcher with `--ui` opens a *second* Kubarium launcher (a real Kubernetes API server on its
 * own data dir) through a kubeconfig file — a client-certificate context with file references, and an exec
 * credential plugin context — and lists its namespaces through the bridge; then switches back.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { NAMESPACES, RestClient } from '../../cluster/client/index.js';
import type { ApiObject, ContextList, KubeContext, NodeControls } from '../../cluster/ui/explorer-api.js';
import { BridgeClient } from '../support/bridge-client.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { credentialsOf } from './helpers.js';

const NS_REF = { group: '', version: 'v1', resource: 'namespaces', namespaced: false, kind: 'Namespace' };
const names = (items: ApiObject[]) => items.map((o) => o.metadata?.name ?? '');

describe('other clusters: a kubeconfig context of another API server, through the bridge', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubarium-other-'));
  let second: LaunchedCluster;
  let first: LaunchedCluster;
  let client: BridgeClient;

  before(async () => {
    second = await launchCluster();
    const creds = credentialsOf(second.kubeconfig);
    // The second cluster's admin identity as files beside the kubeconfig (relative references), and as an exec plugin.
    writeFileSync(join(dir, 'ca.crt'), creds.ca);
    writeFileSync(join(dir, 'admin.crt'), creds.cert!);
    writeFileSync(join(dir, 'admin.key'), creds.key!);
    const plugin = join(dir, 'cred-plugin.mjs');
    writeFileSync(
      plugin,
      `#!/usr/bin/env node
import { readFileSync } from 'node:fs';
const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO);
if (process.env.WANT_CLUSTER !== 'yes') { console.error('env from the kubeconfig is missing'); process.exit(1); }
process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: 'ExecCredential', status: {
  clientCertificateData: readFileSync(${JSON.stringify(join(dir, 'admin.crt'))}, 'utf8'),
  clientKeyData: readFileSync(${JSON.stringify(join(dir, 'admin.key'))}, 'utf8'),
  expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));
`,
    );
    chmodSync(plugin, 0o755);
    const kubeconfig = join(dir, 'config');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'second-certs',
        clusters: [
          { name: 'second', cluster: { server: second.url, 'certificate-authority': 'ca.crt' } },
          { name: 'nowhere', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } },
        ],
        users: [
          { name: 'admin-files', user: { 'client-certificate': 'admin.crt', 'client-key': 'admin.key' } },
          { name: 'admin-exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: './cred-plugin.mjs', env: [{ name: 'WANT_CLUSTER', value: 'yes' }], interactiveMode: 'Never' } } },
          { name: 'broken-exec', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: 'kubarium-test-no-such-plugin', installHint: 'install the test plugin', interactiveMode: 'Never' } } },
        ],
        contexts: [
          { name: 'second-certs', context: { cluster: 'second', user: 'admin-files' } },
          { name: 'second-exec', context: { cluster: 'second', user: 'admin-exec', namespace: 'kube-system' } },
          { name: 'second-broken', context: { cluster: 'second', user: 'broken-exec' } },
          { name: 'unreachable', context: { cluster: 'nowhere', user: 'admin-files' } },
        ],
      }),
    );
    const admin = RestClient.fromKubeconfig(second.kubeconfig);
    await admin.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'only-in-second' } });
    admin.close();

    first = await launchCluster({ args: ['--ui'], env: { KUBECONFIG: kubeconfig } });
    client = await BridgeClient.forLauncher(first);
  });
  after(async () => {
    client?.close();
    await first?.stop();
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists our kubarium cluster first, then the kubeconfig contexts', async () => {
    const list = await client.call<ContextList>('listContexts');
    assert.deepEqual(list.contexts.map((c) => c.id), ['kubarium', 'kubeconfig:second-certs', 'kubeconfig:second-exec', 'kubeconfig:second-broken', 'kubeconfig:unreachable']);
    assert.equal(list.contexts[0].own, true);
    assert.equal(list.contexts[1].server, second.url);
    assert.equal(list.active, 'kubarium');
    assert.equal(list.currentContext, 'second-certs');
    assert.equal(list.error, null);
  });

  it('opens a client-certificate context (files) and lists the second cluster\'s namespaces; store and node controls are not there', async () => {
    const ctx = await client.call<KubeContext>('useContext', 'kubeconfig:second-certs');
    assert.equal(ctx.name, 'second-certs');
    assert.ok(names(await client.call<ApiObject[]>('list', NS_REF)).includes('only-in-second'));
    assert.equal((await client.call<ContextList>('listContexts')).active, 'kubeconfig:second-certs');
    await assert.rejects(client.call('storeInfo'), /no store view/);
    assert.deepEqual(await client.call<NodeControls>('nodeControls'), { containers: null, hollowNodes: false });
  });

  it('opens an exec-plugin context (run with the kubeconfig env, relative command)', async () => {
    await client.call<KubeContext>('useContext', 'kubeconfig:second-exec');
    assert.ok(names(await client.call<ApiObject[]>('list', NS_REF)).includes('only-in-second'));
  });

  it('refuses broken contexts with readable messages and keeps the open one', async () => {
    await assert.rejects(client.call('useContext', 'kubeconfig:second-broken'), /exec plugin "kubarium-test-no-such-plugin" not found: install the test plugin/);
    await assert.rejects(client.call('useContext', 'kubeconfig:unreachable'), /context "unreachable": .*ECONNREFUSED/);
    await assert.rejects(client.call('useContext', 'kubeconfig:nope'), /context "nope" is not in/);
    assert.equal((await client.call<ContextList>('listContexts')).active, 'kubeconfig:second-exec');
  });

  it('switches back to our own cluster', async () => {
    await client.call<KubeContext>('useContext', 'kubarium');
    const ours = names(await client.call<ApiObject[]>('list', NS_REF));
    assert.ok(ours.includes('default'));
    assert.ok(!ours.includes('only-in-second'));
    assert.equal((await client.call<{ backend: string }>('storeInfo')).backend, 'sqlite');
  });
});
