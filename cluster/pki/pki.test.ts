import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PKI_FILES, issueClientCertificate, issueNodeClientCertificate, loadOrCreateClusterPKI } from './pki.js';
import type { ClusterPKI } from './pki.js';
import { kubeconfigYaml, writeKubeconfig } from './kubeconfig.js';
import { readSubjectAltNames } from './x509.js';

const YEAR_MS = 365 * 24 * 3600 * 1000;

describe('cluster PKI', () => {
  let root: string;
  let dir: string;
  let pki: ClusterPKI;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'kubarium-pki-'));
    dir = join(root, 'pki');
    pki = await loadOrCreateClusterPKI(dir, { serverNames: ['kubarium-control-plane'], serverIPs: ['172.18.0.2'] });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('creates every file, owner-only', () => {
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, Object.values(PKI_FILES).sort());
    for (const f of files) assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f);
  });

  test('CA is self-signed kubarium-ca valid for ~10 years', () => {
    const ca = new X509Certificate(pki.ca.cert);
    assert.equal(ca.subject, 'CN=kubarium-ca');
    assert.equal(ca.ca, true);
    assert.ok(ca.verify(ca.publicKey));
    const years = (Date.parse(ca.validTo) - Date.now()) / YEAR_MS;
    assert.ok(years > 9.9 && years < 10.1, `CA valid for ${years} years`);
  });

  test('serving cert carries the default and extra SANs and chains to the CA', () => {
    const cert = new X509Certificate(pki.serving.cert);
    assert.ok(cert.checkIssued(pki.caCertificate) && cert.verify(pki.caCertificate.publicKey));
    assert.equal(cert.ca, false);
    const sans = readSubjectAltNames(pki.serving.cert);
    for (const name of ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'kubarium-control-plane']) {
      assert.ok(sans.dnsNames.includes(name), name);
    }
    for (const ip of ['127.0.0.1', '::1', '10.96.0.1', '172.18.0.2']) assert.ok(sans.ips.includes(ip), ip);
    assert.ok(cert.checkIP('127.0.0.1') && cert.checkIP('::1') && cert.checkHost('kubernetes.default.svc'));
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.1'));
  });

  test('admin cert is kubernetes-admin in system:masters, for client auth', () => {
    const cert = new X509Certificate(pki.admin.cert);
    const subject = cert.toLegacyObject().subject as unknown as Record<string, string>;
    assert.equal(subject.CN, 'kubernetes-admin');
    assert.equal(subject.O, 'system:masters');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.ok(cert.verify(pki.caCertificate.publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(pki.admin.key)));
  });

  test('service-account key pair and 32-byte encryption key', () => {
    assert.equal(pki.serviceAccountKeys.privateKey.type, 'private');
    assert.equal(pki.serviceAccountKeys.publicKey.type, 'public');
    assert.equal(pki.encryptionKey.length, 32);
  });

  test('restart reuses everything', async () => {
    const again = await loadOrCreateClusterPKI(dir, { serverNames: ['kubarium-control-plane'], serverIPs: ['172.18.0.2'] });
    assert.equal(again.ca.cert, pki.ca.cert);
    assert.equal(again.serving.cert, pki.serving.cert);
    assert.equal(again.admin.cert, pki.admin.cert);
    assert.equal(again.admin.key, pki.admin.key);
    assert.equal(again.serviceAccountKeys.privateKeyPem, pki.serviceAccountKeys.privateKeyPem);
    assert.ok(again.encryptionKey.equals(pki.encryptionKey));
  });

  test('IP literals among serverNames count as IPs (no needless reissue)', async () => {
    const again = await loadOrCreateClusterPKI(dir, { serverNames: ['kubarium-control-plane', '172.18.0.2'], serverIPs: [] });
    assert.equal(again.serving.cert, pki.serving.cert);
  });

  test('changed SANs reissue only the serving cert', async () => {
    const other = join(root, 'pki-sans');
    const first = await loadOrCreateClusterPKI(other, { serverNames: [], serverIPs: [] });
    const second = await loadOrCreateClusterPKI(other, { serverNames: ['node-1.local'], serverIPs: ['fd00::10'] });
    assert.equal(second.ca.cert, first.ca.cert);
    assert.equal(second.admin.cert, first.admin.cert);
    assert.notEqual(second.serving.cert, first.serving.cert);
    const sans = readSubjectAltNames(second.serving.cert);
    assert.ok(sans.dnsNames.includes('node-1.local'));
    assert.ok(sans.ips.includes('fd00::10'));
    // And back again: the extra names go away.
    const third = await loadOrCreateClusterPKI(other, { serverNames: [], serverIPs: [] });
    assert.ok(!readSubjectAltNames(third.serving.cert).dnsNames.includes('node-1.local'));
  });

  test('a broken admin cert is reissued; a new CA reissues all leaves', async () => {
    const other = join(root, 'pki-broken');
    const first = await loadOrCreateClusterPKI(other, { serverNames: [], serverIPs: [] });
    writeFileSync(join(other, PKI_FILES.adminCert), 'garbage');
    const second = await loadOrCreateClusterPKI(other, { serverNames: [], serverIPs: [] });
    assert.notEqual(second.admin.cert, first.admin.cert);
    assert.equal(second.serving.cert, first.serving.cert);
    assert.ok(new X509Certificate(second.admin.cert).verify(second.caCertificate.publicKey));

    rmSync(join(other, PKI_FILES.caKey));
    const third = await loadOrCreateClusterPKI(other, { serverNames: [], serverIPs: [] });
    assert.notEqual(third.ca.cert, second.ca.cert);
    assert.ok(new X509Certificate(third.serving.cert).verify(third.caCertificate.publicKey));
    assert.ok(new X509Certificate(third.admin.cert).verify(third.caCertificate.publicKey));
  });

  test('issueClientCertificate signs with the cluster CA', async () => {
    const node = await issueNodeClientCertificate(pki, 'worker-1');
    const cert = new X509Certificate(node.cert);
    assert.ok(cert.verify(pki.caCertificate.publicKey));
    assert.match(cert.subject, /O=system:nodes/);
    assert.match(cert.subject, /CN=system:node:worker-1/);

    const multi = await issueClientCertificate(pki, { commonName: 'jane', organizations: ['dev', 'ops'], days: 2 });
    const subject = new X509Certificate(multi.cert).toLegacyObject().subject as unknown as Record<string, string | string[]>;
    assert.deepEqual(subject.O, ['dev', 'ops']);
    const days = (Date.parse(new X509Certificate(multi.cert).validTo) - Date.now()) / (24 * 3600 * 1000);
    assert.ok(days > 1.9 && days <= 2.01, `valid for ${days} days`);
  });

  test('writeKubeconfig embeds the credentials, mode 0600', () => {
    const path = join(root, 'kube', 'config');
    const opts = { server: 'https://127.0.0.1:6443', ca: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key, clusterName: 'kubarium', user: 'kubarium-admin', context: 'kubarium' };
    writeKubeconfig(path, opts);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const text = readFileSync(path, 'utf8');
    assert.equal(text, kubeconfigYaml(opts));
    const doc = parse(text) as {
      kind: string;
      'current-context': string;
      clusters: Array<{ name: string; cluster: Record<string, string> }>;
      contexts: Array<{ name: string; context: Record<string, string> }>;
      users: Array<{ name: string; user: Record<string, string> }>;
    };
    assert.equal(doc.kind, 'Config');
    assert.equal(doc['current-context'], 'kubarium');
    assert.deepEqual(doc.contexts[0], { name: 'kubarium', context: { cluster: 'kubarium', user: 'kubarium-admin' } });
    assert.equal(doc.clusters[0].cluster.server, 'https://127.0.0.1:6443');
    const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');
    assert.equal(unb64(doc.clusters[0].cluster['certificate-authority-data']), pki.ca.cert);
    assert.equal(unb64(doc.users[0].user['client-certificate-data']), pki.admin.cert);
    assert.equal(unb64(doc.users[0].user['client-key-data']), pki.admin.key);
  });
});
