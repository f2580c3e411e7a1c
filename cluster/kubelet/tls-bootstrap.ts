/**
 * The kubelet's TLS bootstrap (pkg/kubelet/certificate/bootstrap): a node joins with a
 * bootstrap token, asks for its client certificate with a CertificateSigningRequest
 * (CN `system:node:<name>`, O `system:nodes`, signer
 * kubernetes.io/kube-apiserver-client-kubelet), waits for the controller manager to
 * approve and sign it, and from then on talks to the API server as that node. The
 * certificate and key are kept in one file, kubelet-client-current.pem, so a restarted
 * kubelet reuses them until they near expiry.
 */
import { createHash } from 'node:crypto';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import { StatusError } from '../api/status.js';
import { CERTIFICATESIGNINGREQUESTS, RestClient } from '../client/index.js';
import { createCertificateRequest } from '../pki/index.js';

export const KUBELET_CLIENT_CERT_FILE = 'kubelet-client-current.pem';

export interface TLSBootstrapOptions {
  server: string;
  /** The cluster CA (PEM). */
  ca: string;
  /** `<token-id>.<token-secret>`. */
  bootstrapToken: string;
  nodeName: string;
  /** Where the certificate is kept (upstream /var/lib/kubelet/pki). */
  certDir: string;
  /** How long to wait for approval and signing. Default 5 minutes. */
  timeoutMs?: number;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

export interface ClientCredentials {
  cert: string;
  key: string;
}

/** A stored pair still usable: parses, names this node, and has more than a fifth of its life left. */
function usable(pem: string, nodeName: string, now = Date.now()): ClientCredentials | undefined {
  const cert = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/)?.[0];
  const key = pem.match(/-----BEGIN (?:EC |RSA )?PRIVATE KEY-----[\s\S]+?-----END (?:EC |RSA )?PRIVATE KEY-----\n?/)?.[0];
  if (!cert || !key) return undefined;
  try {
    const x = new X509Certificate(cert);
    if (!x.subject.split('\n').includes(`CN=system:node:${nodeName}`)) return undefined;
    const from = Date.parse(x.validFrom);
    const to = Date.parse(x.validTo);
    return now < to - (to - from) / 5 ? { cert, key } : undefined;
  } catch {
    return undefined;
  }
}

/** The node's client credentials: the stored ones if still good, else a new certificate through a CSR. */
export async function bootstrapClientCertificate(o: TLSBootstrapOptions): Promise<ClientCredentials> {
  const file = join(o.certDir, KUBELET_CLIENT_CERT_FILE);
  if (existsSync(file)) {
    const stored = usable(readFileSync(file, 'utf8'), o.nodeName);
    if (stored) return stored;
  }
  const log = o.log ?? (() => {});
  const { csr, key } = await createCertificateRequest(`system:node:${o.nodeName}`, ['system:nodes']);
  const client = new RestClient({ server: o.server, ca: o.ca, token: o.bootstrapToken, userAgent: `kubelet/${o.nodeName}` });
  try {
    // Named after the request's content, as the kubelet's digestedName (node-csr-<hash>).
    const name = `node-csr-${createHash('sha256').update(csr).digest('hex').slice(0, 40)}`;
    await client.create<CertificateSigningRequest>(
      CERTIFICATESIGNINGREQUESTS,
      {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        metadata: { name },
        spec: { request: Buffer.from(csr).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
      },
      { signal: o.signal },
    );
    log(`kubelet: requested a client certificate (${name}); waiting for approval`);
    const deadline = Date.now() + (o.timeoutMs ?? 300_000);
    for (;;) {
      const cur = await client.get<CertificateSigningRequest>(CERTIFICATESIGNINGREQUESTS, name, { signal: o.signal });
      const denied = cur.status?.conditions?.find((c) => (c.type === 'Denied' || c.type === 'Failed') && c.status !== 'False');
      if (denied) throw new Error(`certificate request ${name} ${denied.type.toLowerCase()}: ${denied.message ?? denied.reason ?? ''}`);
      if (cur.status?.certificate) {
        const cert = Buffer.from(cur.status.certificate, 'base64').toString('utf8');
        mkdirSync(o.certDir, { recursive: true, mode: 0o700 });
        writeFileSync(`${file}.tmp`, cert + key, { mode: 0o600 });
        renameSync(`${file}.tmp`, file);
        log(`kubelet: client certificate issued for system:node:${o.nodeName}`);
        return { cert, key };
      }
      if (Date.now() > deadline) throw new Error(`certificate request ${name} was not approved and signed in time`);
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    if (err instanceof StatusError && err.code === 401) throw new Error(`the bootstrap token was refused: ${err.message}`);
    throw err;
  } finally {
    client.close();
  }
}
