/**
 * Low-level certificate helpers on @peculiar/x509 + Node's WebCrypto: ECDSA P-256 keys,
 * a self-signed CA, and leaf certificates signed by it. Everything else in cluster/pki
 * speaks PEM strings; this file is the only place that touches CryptoKeys.
 */
import { webcrypto, randomBytes } from 'node:crypto';
// @peculiar/x509 v2 (via tsyringe) needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

// Node's webcrypto is a full WebCrypto implementation; @peculiar/x509 needs it as provider.
const crypto = webcrypto;
x509.cryptoProvider.set(crypto);

const EC_KEY: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const EC_SIGN: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const DAY_MS = 24 * 60 * 60 * 1000;

/** A certificate and its private key, both PEM (key is PKCS#8 "PRIVATE KEY", which Go's tls package accepts). */
export interface CertKeyPair {
  cert: string;
  key: string;
}

export interface SubjectAltNames {
  dnsNames: string[];
  ips: string[];
}

export interface LeafCertificateRequest {
  commonName: string;
  organizations?: string[];
  days: number;
  usage: 'server' | 'client';
  sans?: SubjectAltNames;
}

/** Positive, minimally-encoded serial (Go ≥1.23 rejects negative serials). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function subjectName(commonName: string, organizations: string[] = []): x509.JsonName {
  // One RDN per attribute, O values first like Go's pkix.Name ordering (O before CN).
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

async function generateKeyPair(): Promise<CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importSigningKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return crypto.subtle.importKey('pkcs8', der, EC_KEY, false, ['sign']);
}

/** A new self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign). */
export async function createCertificateAuthority(commonName: string, days: number): Promise<CertKeyPair> {
  const keys = await generateKeyPair();
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: subjectName(commonName),
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + days * DAY_MS),
    keys,
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** A new leaf certificate + key signed by `ca`. */
export async function issueLeafCertificate(ca: CertKeyPair, req: LeafCertificateRequest): Promise<CertKeyPair> {
  const caCert = new x509.X509Certificate(ca.cert);
  const signingKey = await importSigningKey(ca.key);
  const keys = await generateKeyPair();
  const now = new Date();
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      [req.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
  ];
  if (req.sans && (req.sans.dnsNames.length > 0 || req.sans.ips.length > 0)) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...req.sans.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...req.sans.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  }
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: subjectName(req.commonName, req.organizations),
    issuer: caCert.subject,
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + req.days * DAY_MS),
    publicKey: keys.publicKey,
    signingKey,
    signingAlgorithm: EC_SIGN,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

/** Canonical text form of an IP so SAN sets compare equal however they were written. */
export function canonicalIP(ip: string): string {
  if (!ip.includes(':')) return ip;
  return new URL(`http://[${ip}]/`).hostname.slice(1, -1);
}

/** The DNS names and IPs a certificate's subjectAltName extension carries. */
export function readSubjectAltNames(certPem: string): SubjectAltNames {
  const cert = new x509.X509Certificate(certPem);
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  const items = ext?.names.items ?? [];
  return {
    dnsNames: items.filter((n) => n.type === 'dns').map((n) => n.value),
    ips: items.filter((n) => n.type === 'ip').map((n) => canonicalIP(n.value)),
  };
}

/** A new key and a PKCS#10 request for it (the kubelet's TLS bootstrap): both PEM. */
export async function createCertificateRequest(commonName: string, organizations: string[] = []): Promise<{ csr: string; key: string }> {
  const keys = await generateKeyPair();
  const req = await x509.Pkcs10CertificateRequestGenerator.create({ name: subjectName(commonName, organizations), keys, signingAlgorithm: EC_SIGN });
  return { csr: req.toString('pem'), key: await privateKeyPem(keys.privateKey) };
}

export interface SignRequestOptions {
  /** CSR spec.usages: 'digital signature', 'key encipherment', 'client auth', 'server auth'. */
  usages: readonly string[];
  validitySeconds: number;
  now?: number;
}

/** Signs a PEM PKCS#10 request with `ca`, keeping its subject and SANs; throws if the request's own signature is bad. */
export async function signCertificateRequest(ca: CertKeyPair, csrPem: string, opts: SignRequestOptions): Promise<string> {
  const req = new x509.Pkcs10CertificateRequest(csrPem);
  if (!(await req.verify())) throw new Error('the request is not signed by its own key');
  const caCert = new x509.X509Certificate(ca.cert);
  const now = opts.now ?? Date.now();
  const usages = new Set(opts.usages);
  let keyUsage = 0;
  if (usages.has('digital signature')) keyUsage |= x509.KeyUsageFlags.digitalSignature;
  if (usages.has('key encipherment')) keyUsage |= x509.KeyUsageFlags.keyEncipherment;
  const eku = [...(usages.has('client auth') ? [x509.ExtendedKeyUsage.clientAuth] : []), ...(usages.has('server auth') ? [x509.ExtendedKeyUsage.serverAuth] : [])];
  const sans = req.extensions.find((e) => e.type === '2.5.29.17' /* subjectAltName */);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: req.subject,
    issuer: caCert.subject,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + opts.validitySeconds * 1000),
    publicKey: await req.publicKey.export(),
    signingKey: await importSigningKey(ca.key),
    signingAlgorithm: EC_SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      ...(keyUsage ? [new x509.KeyUsagesExtension(keyUsage, true)] : []),
      ...(eku.length ? [new x509.ExtendedKeyUsageExtension(eku, false)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
      ...(sans ? [sans] : []),
    ],
  });
  return cert.toString('pem');
}

/** CN and O values of a PEM PKCS#10 request. */
export function certificateRequestSubject(csrPem: string): { commonName: string; organizations: string[] } {
  const name = new x509.Name(new x509.Pkcs10CertificateRequest(csrPem).subject);
  return { commonName: name.getField('CN')[0] ?? '', organizations: name.getField('O') };
}
