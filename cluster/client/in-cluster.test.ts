import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inClusterClient, inClusterConfig } from './in-cluster.js';
import { FakeApiServer } from './testing/fake-apiserver.js';
import { NAMESPACES } from './gvr.js';
import { createCertificateAuthority, issueLeafCertificate } from '../pki/x509.js';

describe('in-cluster config', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kubarium-sa-'));
    writeFileSync(join(dir, 'token'), 'the-token\n');
    writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nx\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'namespace'), 'kube-system');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the service-account files and the kubernetes Service address', () => {
    const cfg = inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir });
    assert.equal(cfg.server, 'https://10.96.0.1:443');
    assert.equal(cfg.token, 'the-token');
    assert.match(cfg.ca ?? '', /BEGIN CERTIFICATE/);
    assert.equal(cfg.namespace, 'kube-system');
    assert.equal(inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' }, serviceAccountDir: dir }).server, 'https://[fd00::1]:443');
  });

  it('fails clearly outside a pod', () => {
    assert.throws(() => inClusterConfig({ env: {}, serviceAccountDir: dir }), /KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be defined/);
    assert.throws(() => inClusterConfig({ env: { KUBERNETES_SERVICE_HOST: 'h', KUBERNETES_SERVICE_PORT: '1' }, serviceAccountDir: join(dir, 'none') }), /no service-account token/);
  });

  it('builds a client that trusts the cluster CA and sends the token as a bearer', async () => {
    const ca = await createCertificateAuthority('test-ca', 1);
    const serving = await issueLeafCertificate(ca, { commonName: 'apiserver', days: 1, usage: 'server', sans: { dnsNames: [], ips: ['127.0.0.1'] } });
    const saDir = mkdtempSync(join(tmpdir(), 'kubarium-sa-'));
    writeFileSync(join(saDir, 'token'), 'pod-token');
    writeFileSync(join(saDir, 'ca.crt'), ca.cert);
    const api = new FakeApiServer({ tls: { cert: serving.cert, key: serving.key } });
    const port = new URL(await api.start()).port;
    const client = inClusterClient({ env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: port }, serviceAccountDir: saDir });
    try {
      await client.list(NAMESPACES);
      assert.equal(api.requests.at(-1)?.authorization, 'Bearer pod-token');
      assert.equal(client.namespace, 'default', 'no namespace file');
    } finally {
      client.close();
      await api.stop();
      rmSync(saDir, { recursive: true, force: true });
    }
  });
});
