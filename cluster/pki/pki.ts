/**
 * The cluster's PKI, kubeadm-style: one CA, the API server's serving certificate, the
 * admin client certificate, the service-account signing key pair and the key that
 * encrypts Secrets at rest. Everything lives in one folder (files 0600, folder 0700)
 * and is reused on restart; pieces that are missing, broken, not signed by the current
 * CA, close to expiry or (serving cert) missing a wanted SAN are reissued.
 */
import { X509Certificate, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writePrivateFile } from './files.js';
import type { CertKeyPair, SubjectAltNames } from './x509.js';
import { canonicalIP, createCertificateAuthority, issueLeafCertificate, readSubjectAltNames } from './x509.js';

export type { CertKeyPair } from './x509.js';
export { writePrivateFile } from './files.js';

export const CA_COMMON_NAME = 'kubarium-ca';
const CA_DAYS = 3650;
const LEAF_DAYS = 365;
/** Leaves with less than this left are reissued at start-up. */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

/** SANs kube-apiserver's serving cert always carries (kubeadm adds the same set; 10.96.0.1 = first IP of the default service CIDR). */
export const DEFAULT_SERVER_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
export const DEFAULT_SERVER_IPS = ['127.0.0.1', '::1', '10.96.0.1'];

export const ADMIN_COMMON_NAME = 'kubernetes-admin';
export const ADMIN_ORGANIZATION = 'system:masters';
/** The API server's identity towards kubelets (kubeadm's apiserver-kubelet-client). */
export const KUBELET_CLIENT_COMMON_NAME = 'kube-apiserver-kubelet-client';

/** File names inside the PKI folder (kubeadm's names where it has one). */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  kubeletClientCert: 'apiserver-kubelet-client.crt',
  kubeletClientKey: 'apiserver-kubelet-client.key',
  serviceAccountKey: 'sa.key',
  serviceAccountPub: 'sa.pub',
  encryptionKey: 'encryption.key',
} as const;

export interface ServiceAccountKeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface ClusterPKIOptions {
  /** Extra DNS names for the serving cert (IP literals given here are treated as IPs). */
  serverNames: string[];
  /** Extra IPs for the serving cert. */
  serverIPs: string[];
}

export interface ClusterPKI {
  dir: string;
  /** CA certificate + key (PEM). */
  ca: CertKeyPair;
  /** Parsed CA certificate, for verifying client certificates. */
  caCertificate: X509Certificate;
  /** API server serving certificate + key (PEM). */
  serving: CertKeyPair;
  /** `kubernetes-admin` / `system:masters` client certificate + key (PEM). */
  admin: CertKeyPair;
  /** The client certificate the API server presents to kubelets (`kube-apiserver-kubelet-client` / `system:masters`). */
  apiserverKubeletClient: CertKeyPair;
  serviceAccountKeys: ServiceAccountKeyPair;
  /** 32 random bytes for encrypting Secrets at rest (aescbc/aesgcm key size). */
  encryptionKey: Buffer;
  /** Ready for `https.createServer(...)`: client certs requested but optional so anonymous requests still reach /healthz and /version. */
  httpsOptions: { ca: string; cert: string; key: string; requestCert: true; rejectUnauthorized: false };
}

export interface ClientCertificateRequest {
  commonName: string;
  organizations?: string[];
  days?: number;
}

function readIfExists(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  chmodSync(path, 0o600);
  return readFileSync(path, 'utf8');
}

function loadPair(dir: string, certFile: string, keyFile: string): CertKeyPair | undefined {
  const cert = readIfExists(join(dir, certFile));
  const key = readIfExists(join(dir, keyFile));
  return cert && key ? { cert, key } : undefined;
}

function savePair(dir: string, certFile: string, keyFile: string, pair: CertKeyPair): void {
  writePrivateFile(join(dir, keyFile), pair.key);
  writePrivateFile(join(dir, certFile), pair.cert);
}

/** True when the pair parses, the key matches, it is (if `issuer` given) signed by it, and it is not about to expire. */
function pairIsUsable(pair: CertKeyPair, issuer: X509Certificate | undefined, renewBeforeMs: number): boolean {
  try {
    const cert = new X509Certificate(pair.cert);
    if (!cert.checkPrivateKey(createPrivateKey(pair.key))) return false;
    if (issuer && !(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) return false;
    return Date.parse(cert.validTo) - Date.now() > renewBeforeMs;
  } catch {
    return false;
  }
}

function sameSet(a: string[], b: string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/** The serving cert's wanted SANs: the defaults plus the caller's names and IPs, deduplicated. */
export function wantedServingSANs(opts: ClusterPKIOptions): SubjectAltNames {
  const dns = new Set(DEFAULT_SERVER_NAMES);
  const ips = new Set(DEFAULT_SERVER_IPS.map(canonicalIP));
  for (const n of opts.serverNames) {
    if (isIP(n)) ips.add(canonicalIP(n));
    else if (n) dns.add(n);
  }
  for (const ip of opts.serverIPs) if (ip) ips.add(canonicalIP(ip));
  return { dnsNames: [...dns], ips: [...ips] };
}

function loadOrCreateServiceAccountKeys(dir: string): ServiceAccountKeyPair {
  const privPath = join(dir, PKI_FILES.serviceAccountKey);
  let privateKeyPem = readIfExists(privPath);
  let privateKey: KeyObject | undefined;
  try {
    if (privateKeyPem) privateKey = createPrivateKey(privateKeyPem);
  } catch {
    privateKey = undefined;
  }
  if (!privateKey || !privateKeyPem) {
    // ES256: an ECDSA P-256 key; the token code also accepts RSA (RS256) keys placed here by hand.
    privateKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writePrivateFile(privPath, privateKeyPem);
  }
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pubPath = join(dir, PKI_FILES.serviceAccountPub);
  if (readIfExists(pubPath) !== publicKeyPem) writePrivateFile(pubPath, publicKeyPem);
  return { privateKey, publicKey, privateKeyPem, publicKeyPem };
}

function loadOrCreateEncryptionKey(dir: string): Buffer {
  const path = join(dir, PKI_FILES.encryptionKey);
  const stored = readIfExists(path);
  if (stored) {
    const key = Buffer.from(stored.trim(), 'base64');
    if (key.length === 32) return key;
  }
  const key = randomBytes(32);
  writePrivateFile(path, `${key.toString('base64')}\n`);
  return key;
}

/** Loads the cluster PKI from `dir`, creating or reissuing whatever is missing or stale. */
export async function loadOrCreateClusterPKI(dir: string, opts: ClusterPKIOptions): Promise<ClusterPKI> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);

  let ca = loadPair(dir, PKI_FILES.caCert, PKI_FILES.caKey);
  let caRenewed = false;
  if (!ca || !pairIsUsable(ca, undefined, 0)) {
    ca = await createCertificateAuthority(CA_COMMON_NAME, CA_DAYS);
    savePair(dir, PKI_FILES.caCert, PKI_FILES.caKey, ca);
    caRenewed = true;
  }
  const caCertificate = new X509Certificate(ca.cert);

  const wanted = wantedServingSANs(opts);
  let serving = loadPair(dir, PKI_FILES.servingCert, PKI_FILES.servingKey);
  const servingOk =
    !caRenewed &&
    serving !== undefined &&
    pairIsUsable(serving, caCertificate, RENEW_BEFORE_MS) &&
    (() => {
      const have = readSubjectAltNames(serving.cert);
      return sameSet(have.dnsNames, wanted.dnsNames) && sameSet(have.ips, wanted.ips);
    })();
  if (!serving || !servingOk) {
    serving = await issueLeafCertificate(ca, { commonName: 'kube-apiserver', days: LEAF_DAYS, usage: 'server', sans: wanted });
    savePair(dir, PKI_FILES.servingCert, PKI_FILES.servingKey, serving);
  }

  let admin = loadPair(dir, PKI_FILES.adminCert, PKI_FILES.adminKey);
  if (!admin || caRenewed || !pairIsUsable(admin, caCertificate, RENEW_BEFORE_MS)) {
    admin = await issueLeafCertificate(ca, {
      commonName: ADMIN_COMMON_NAME,
      organizations: [ADMIN_ORGANIZATION],
      days: LEAF_DAYS,
      usage: 'client',
    });
    savePair(dir, PKI_FILES.adminCert, PKI_FILES.adminKey, admin);
  }

  let kubeletClient = loadPair(dir, PKI_FILES.kubeletClientCert, PKI_FILES.kubeletClientKey);
  if (!kubeletClient || caRenewed || !pairIsUsable(kubeletClient, caCertificate, RENEW_BEFORE_MS)) {
    kubeletClient = await issueLeafCertificate(ca, { commonName: KUBELET_CLIENT_COMMON_NAME, organizations: [ADMIN_ORGANIZATION], days: LEAF_DAYS, usage: 'client' });
    savePair(dir, PKI_FILES.kubeletClientCert, PKI_FILES.kubeletClientKey, kubeletClient);
  }

  return {
    dir,
    ca,
    caCertificate,
    serving,
    admin,
    apiserverKubeletClient: kubeletClient,
    serviceAccountKeys: loadOrCreateServiceAccountKeys(dir),
    encryptionKey: loadOrCreateEncryptionKey(dir),
    httpsOptions: { ca: ca.cert, cert: serving.cert, key: serving.key, requestCert: true, rejectUnauthorized: false },
  };
}

/** A client certificate signed by the cluster CA (CN = user, O = groups), e.g. `system:node:<name>` in `system:nodes`. Not persisted. */
export async function issueClientCertificate(pki: Pick<ClusterPKI, 'ca'>, req: ClientCertificateRequest): Promise<CertKeyPair> {
  return issueLeafCertificate(pki.ca, {
    commonName: req.commonName,
    organizations: req.organizations ?? [],
    days: req.days ?? LEAF_DAYS,
    usage: 'client',
  });
}

/** The client certificate a node's kubelet uses (upstream: CN `system:node:<name>`, O `system:nodes`). */
export function issueNodeClientCertificate(pki: Pick<ClusterPKI, 'ca'>, nodeName: string, days = LEAF_DAYS): Promise<CertKeyPair> {
  return issueClientCertificate(pki, { commonName: `system:node:${nodeName}`, organizations: ['system:nodes'], days });
}

/**
 * A kubelet's serving certificate for its HTTPS server (10250), signed by the cluster CA
 * so the API server can verify it: CN `system:node:<name>`, O `system:nodes`, SANs the
 * node's name and addresses (what a kubelet-serving CSR asks for). Not persisted.
 */
export function issueKubeletServingCertificate(pki: Pick<ClusterPKI, 'ca'>, nodeName: string, addresses: string[], days = LEAF_DAYS): Promise<CertKeyPair> {
  const ips = addresses.filter((a) => isIP(a)).map(canonicalIP);
  const dnsNames = [nodeName, ...addresses.filter((a) => a && !isIP(a))];
  return issueLeafCertificate(pki.ca, {
    commonName: `system:node:${nodeName}`,
    organizations: ['system:nodes'],
    days,
    usage: 'server',
    sans: { dnsNames: [...new Set(dnsNames)], ips: [...new Set(ips)] },
  });
}

/**
 * The kubelet's own serving certificate when no CSR is used (upstream's default): signed by
 * a throwaway CA named `<node>-ca@<unix time>`, as the kubelet's self-signed pair. The API
 * server does not verify kubelet serving certificates unless told to (--kubelet-certificate-authority).
 */
export async function selfSignedKubeletServingCertificate(nodeName: string, addresses: string[]): Promise<CertKeyPair> {
  const ca = await createCertificateAuthority(`${nodeName}-ca@${Math.floor(Date.now() / 1000)}`, LEAF_DAYS);
  return issueKubeletServingCertificate({ ca }, nodeName, addresses);
}
