import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { ExecCredentialSource, parseExecConfig } from './exec-credential.js';
import { kubeconfigPaths, loadKubeconfigSet, resolveContext } from './kubeconfig-set.js';
import { RestClient } from './rest-client.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-kubeconfig-set-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** A plugin script printing an ExecCredential; counts its runs in `<dir>/runs-<name>`. */
function plugin(name: string, status: Record<string, unknown>, apiVersion = 'client.authentication.k8s.io/v1'): string {
  const path = join(dir, `plugin-${name}.mjs`);
  const runs = join(dir, `runs-${name}`);
  writeFileSync(
    path,
    `#!/usr/bin/env node
import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(runs)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env.PLUGIN_ENV, info: JSON.parse(process.env.KUBERNETES_EXEC_INFO) }) + '\\n');
process.stdout.write(JSON.stringify({ apiVersion: ${JSON.stringify(apiVersion)}, kind: 'ExecCredential', status: ${JSON.stringify(status)} }));
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function write(name: string, doc: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : stringify(doc));
  return path;
}

describe('kubeconfigPaths', () => {
  it('splits $KUBECONFIG, dropping empty entries and duplicates', () => {
    assert.deepEqual(kubeconfigPaths({ KUBECONFIG: ['/a/one', '', '/b/two', '/a/one'].join(delimiter) }), ['/a/one', '/b/two']);
  });
  it('falls back to ~/.kube/config', () => {
    assert.deepEqual(kubeconfigPaths({ HOME: '/home/x' }), ['/home/x/.kube/config']);
  });
});

describe('loadKubeconfigSet: merging files as clientcmd does', () => {
  const sub = join(dir, 'sub');
  mkdirSync(sub);
  writeFileSync(join(sub, 'ca.crt'), 'CA-FROM-FILE');
  writeFileSync(join(sub, 'token'), 'file-token\n');
  const first = write('first.yaml', {
    'current-context': 'a',
    clusters: [{ name: 'c', cluster: { server: 'https://first:6443/' } }],
    users: [{ name: 'u', user: { token: 'first-token' } }],
    contexts: [{ name: 'a', context: { cluster: 'c', user: 'u', namespace: 'apps' } }],
  });
  const second = write('sub/second.yaml', {
    'current-context': 'b',
    clusters: [
      { name: 'c', cluster: { server: 'https://second:6443' } },
      { name: 'proxied', cluster: { server: 'https://rancher.example/k8s/clusters/c-1', 'certificate-authority': 'ca.crt', 'insecure-skip-tls-verify': true } },
    ],
    users: [
      { name: 'u', user: { token: 'second-token' } },
      { name: 'tf', user: { tokenFile: 'token' } },
      { name: 'cert', user: { 'client-certificate-data': b64('CERT'), 'client-key-data': b64('KEY') } },
      { name: 'half', user: { 'client-certificate-data': b64('CERT') } },
      { name: 'legacy', user: { 'auth-provider': { name: 'gcp' } } },
    ],
    contexts: [
      { name: 'a', context: { cluster: 'c', user: 'tf' } },
      { name: 'b', context: { cluster: 'proxied', user: 'tf' } },
      { name: 'certs', context: { cluster: 'c', user: 'cert' } },
      { name: 'half', context: { cluster: 'c', user: 'half' } },
      { name: 'legacy', context: { cluster: 'c', user: 'legacy' } },
      { name: 'nocluster', context: { cluster: 'gone', user: 'u' } },
    ],
  });
  const set = loadKubeconfigSet([first, join(dir, 'missing'), second]);

  it('the first file to define a name wins; current-context from the first file that sets one; missing files skipped', async () => {
    assert.deepEqual(set.files, [first, second]);
    assert.equal(set.currentContext, 'a');
    assert.deepEqual(set.contexts.map((c) => c.name), ['a', 'b', 'certs', 'half', 'legacy', 'nocluster']);
    const a = await resolveContext(set);
    assert.deepEqual(a, { server: 'https://first:6443', namespace: 'apps', token: 'first-token' });
  });

  it('resolves file references against the folder of the file that defined them; keeps the server path prefix', async () => {
    const b = await resolveContext(set, 'b');
    assert.equal(b.server, 'https://rancher.example/k8s/clusters/c-1');
    assert.equal(b.ca, 'CA-FROM-FILE');
    assert.equal(b.insecureSkipTLSVerify, true);
    assert.equal(b.token, 'file-token');
    assert.equal(await b.tokenSource?.(), 'file-token');
  });

  it('decodes client certificate data', async () => {
    const c = await resolveContext(set, 'certs');
    assert.equal(c.cert, 'CERT');
    assert.equal(c.key, 'KEY');
    assert.equal(c.server, 'https://first:6443');
  });

  it('says what is wrong in readable messages', async () => {
    await assert.rejects(resolveContext(set, 'nope'), /context "nope" not found/);
    await assert.rejects(resolveContext(set, 'nocluster'), /cluster "gone" of context "nocluster" not found/);
    await assert.rejects(resolveContext(set, 'half'), /client certificate without its key/);
    await assert.rejects(resolveContext(set, 'legacy'), /auth-provider "gcp".*exec credential plugin/);
    assert.throws(() => loadKubeconfigSet([write('broken.yaml', 'clusters: [\n')]), /broken\.yaml/);
  });

  it('names a missing CA file', async () => {
    const f = write('badca.yaml', { clusters: [{ name: 'c', cluster: { server: 'https://x', 'certificate-authority': 'nope.crt' } }], contexts: [{ name: 'x', context: { cluster: 'c' } }] });
    await assert.rejects(resolveContext(loadKubeconfigSet([f]), 'x'), /certificate-authority .*nope\.crt: no such file/);
  });
});

describe('exec credential plugins', () => {
  it('runs the plugin with the kubeconfig args and env, and uses its token', async () => {
    const cmd = plugin('token', { token: 'exec-token' });
    const f = write('exec.yaml', {
      'current-context': 'e',
      clusters: [{ name: 'c', cluster: { server: 'https://x:1', 'certificate-authority-data': b64('CA') } }],
      users: [{ name: 'e', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: cmd, args: ['--flag', 'v'], env: [{ name: 'PLUGIN_ENV', value: 'set' }], interactiveMode: 'Never', provideClusterInfo: true } } }],
      contexts: [{ name: 'e', context: { cluster: 'c', user: 'e' } }],
    });
    const conn = await resolveContext(loadKubeconfigSet([f]));
    assert.equal(conn.token, 'exec-token');
    assert.equal(await conn.tokenSource?.(), 'exec-token');
    const runs = readFileSync(join(dir, 'runs-token'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; env: string; info: { kind: string; spec: { cluster?: { server: string } } } });
    assert.equal(runs.length, 1, 'cached: one run');
    assert.deepEqual(runs[0].argv, ['--flag', 'v']);
    assert.equal(runs[0].env, 'set');
    assert.equal(runs[0].info.kind, 'ExecCredential');
    assert.equal(runs[0].info.spec.cluster?.server, 'https://x:1');
  });

  it('caches until expirationTimestamp, then runs again', async () => {
    const cmd = plugin('expiring', { token: 't', expirationTimestamp: '2030-01-01T00:00:00Z' });
    let now = Date.parse('2029-12-31T23:00:00Z');
    const source = new ExecCredentialSource(parseExecConfig({ apiVersion: 'client.authentication.k8s.io/v1', command: cmd }, 'u', dir), undefined, () => now);
    await source.credential();
    await source.credential();
    const count = () => readFileSync(join(dir, 'runs-expiring'), 'utf8').trim().split('\n').length;
    assert.equal(count(), 1);
    now = Date.parse('2030-01-01T00:00:01Z');
    await source.credential();
    assert.equal(count(), 2);
  });

  it('takes a client certificate from the plugin', async () => {
    const cmd = plugin('cert', { clientCertificateData: 'PCERT', clientKeyData: 'PKEY' }, 'client.authentication.k8s.io/v1beta1');
    const f = write('exec-cert.yaml', {
      'current-context': 'e',
      clusters: [{ name: 'c', cluster: { server: 'https://x:1' } }],
      users: [{ name: 'e', user: { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command: cmd } } }],
      contexts: [{ name: 'e', context: { cluster: 'c', user: 'e' } }],
    });
    const conn = await resolveContext(loadKubeconfigSet([f]));
    assert.equal(conn.cert, 'PCERT');
    assert.equal(conn.key, 'PKEY');
    assert.equal(conn.tokenSource, undefined);
  });

  it('reports missing commands, failures, wrong output and bad apiVersions readably', async () => {
    const run = (exec: Record<string, unknown>) => new ExecCredentialSource(parseExecConfig({ apiVersion: 'client.authentication.k8s.io/v1', ...exec }, 'u', dir)).credential();
    await assert.rejects(run({ command: 'kubarium-no-such-plugin', installHint: 'install it from example.com' }), /exec plugin "kubarium-no-such-plugin" not found: install it from example\.com/);
    const failing = write('fail.sh', '#!/bin/sh\necho "token expired, log in again" >&2\nexit 3\n');
    chmodSync(failing, 0o755);
    await assert.rejects(run({ command: failing }), /failed: token expired, log in again/);
    const junk = write('junk.sh', '#!/bin/sh\necho hello\n');
    chmodSync(junk, 0o755);
    await assert.rejects(run({ command: junk }), /printed no ExecCredential JSON/);
    await assert.rejects(run({ command: plugin('wrongver', { token: 't' }, 'client.authentication.k8s.io/v1beta1') }), /printed apiVersion .*v1beta1.*asks for client\.authentication\.k8s\.io\/v1/);
    await assert.rejects(run({ command: plugin('empty', {}) }), /neither a token nor a client certificate/);
    assert.throws(() => parseExecConfig({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'x' }, 'u', dir), /v1alpha1" is not supported/);
  });

  it('resolves a relative command with a slash against the kubeconfig folder', async () => {
    plugin('relative', { token: 'rel' });
    const source = new ExecCredentialSource(parseExecConfig({ apiVersion: 'client.authentication.k8s.io/v1', command: './plugin-relative.mjs' }, 'u', dir));
    assert.equal((await source.credential()).token, 'rel');
  });
});

describe('RestClient tokenSource', () => {
  it('asks for the token on every request', async () => {
    const seen: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers);
      res.setHeader('Content-Type', 'application/json');
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    let n = 0;
    const client = new RestClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`, token: 'static', tokenSource: async () => `rotating-${++n}` });
    try {
      await client.request('GET', '/api');
      await client.request('GET', '/api');
    } finally {
      client.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
    assert.deepEqual(seen.map((h) => h.authorization), ['Bearer rotating-1', 'Bearer rotating-2']);
  });
});
