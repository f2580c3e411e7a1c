import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'kubarium-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const b64 = (s: string) => Buffer.from(s).toString('base64');

const doc = {
  apiVersion: 'v1',
  kind: 'Config',
  'current-context': 'main',
  clusters: [
    { name: 'c1', cluster: { server: 'https://127.0.0.1:6443/', 'certificate-authority-data': b64('CA-PEM') } },
    { name: 'c2', cluster: { server: 'https://10.0.0.1:443', 'certificate-authority': 'ca.crt', 'tls-server-name': 'kubernetes' } },
  ],
  users: [
    { name: 'admin', user: { 'client-certificate-data': b64('CERT-PEM'), 'client-key-data': b64('KEY-PEM') } },
    { name: 'bot', user: { token: 'abc.def' } },
  ],
  contexts: [
    { name: 'main', context: { cluster: 'c1', user: 'admin' } },
    { name: 'other', context: { cluster: 'c2', user: 'bot', namespace: 'kube-system' } },
  ],
};

test('current-context with embedded *-data fields', () => {
  assert.deepEqual(parseKubeconfig(stringify(doc), dir), { server: 'https://127.0.0.1:6443', ca: 'CA-PEM', cert: 'CERT-PEM', key: 'KEY-PEM' });
});

test('explicit context, file references relative to the kubeconfig, token and namespace', () => {
  writeFileSync(join(dir, 'ca.crt'), 'FILE-CA');
  writeFileSync(join(dir, 'config'), stringify(doc));
  assert.deepEqual(loadKubeconfig(join(dir, 'config'), 'other'), {
    server: 'https://10.0.0.1:443',
    ca: 'FILE-CA',
    tlsServerName: 'kubernetes',
    token: 'abc.def',
    namespace: 'kube-system',
  });
});

test('clear errors for a missing context or cluster', () => {
  assert.throws(() => parseKubeconfig(stringify(doc), dir, 'nope'), /context "nope" not found/);
  assert.throws(() => parseKubeconfig(stringify({ ...doc, 'current-context': undefined }), dir), /no current-context/);
});
