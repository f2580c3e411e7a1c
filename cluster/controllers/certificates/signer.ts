/**
 * The CSR signing controller (pkg/controller/certificates/signer): an approved request
 * to one of the built-in client signers (kubernetes.io/kube-apiserver-client-kubelet,
 * kubernetes.io/kube-apiserver-client) or to kubernetes.io/kubelet-serving is signed with
 * the cluster CA (kube-controller-manager --cluster-signing-cert-file/key-file) and the
 * certificate written to status.certificate. Validity: spec.expirationSeconds, at least
 * 10 minutes, at most a year (--cluster-signing-duration).
 */
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import { StatusError } from '../../api/status.js';
import { CERTIFICATESIGNINGREQUESTS, RateLimitingQueue, runController } from '../../client/index.js';
import { signCertificateRequest } from '../../pki/index.js';
import type { CertKeyPair } from '../../pki/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { APISERVER_CLIENT_SIGNER, isApproved, isFailed, isIssued, KUBELET_CLIENT_SIGNER, KUBELET_SERVING_SIGNER, nowTime, requestPem } from './csr.js';

const SIGNERS = new Set([KUBELET_CLIENT_SIGNER, APISERVER_CLIENT_SIGNER, KUBELET_SERVING_SIGNER]);
const MAX_SECONDS = 365 * 24 * 3600;
const MIN_SECONDS = 600;

export interface CSRSigningOptions {
  /** The cluster CA (PEM certificate and PKCS#8 key). */
  ca: CertKeyPair;
}

/** The PEM certificate for an approved request. */
export function signRequest(csr: CertificateSigningRequest, ca: CertKeyPair): Promise<string> {
  const validitySeconds = Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, csr.spec.expirationSeconds ?? MAX_SECONDS));
  return signCertificateRequest(ca, requestPem(csr), { usages: csr.spec.usages ?? [], validitySeconds });
}

export function startCSRSigningController(ctx: ControllerContext, opts: CSRSigningOptions): RunningController {
  const name = 'csrsigning';
  const queue = new RateLimitingQueue<string>();
  const csrs = ctx.informers.informerFor<CertificateSigningRequest>(CERTIFICATESIGNINGREQUESTS);
  csrs.addEventHandler({ onAdd: (c) => queue.add(c.metadata!.name!), onUpdate: (_, c) => queue.add(c.metadata!.name!) });

  async function reconcile(key: string): Promise<void> {
    const csr = csrs.indexer.get(key);
    if (!csr || !isApproved(csr) || isIssued(csr) || isFailed(csr) || !SIGNERS.has(csr.spec.signerName)) return;
    let status: CertificateSigningRequest['status'];
    try {
      status = { ...csr.status, certificate: Buffer.from(await signRequest(csr, opts.ca)).toString('base64') };
    } catch (err) {
      // An unusable request fails for good (upstream sets condition Failed, reason SignerValidationFailure).
      const now = nowTime();
      status = { ...csr.status, conditions: [...(csr.status?.conditions ?? []), { type: 'Failed', status: 'True', reason: 'SignerValidationFailure', message: (err as Error).message, lastUpdateTime: now, lastTransitionTime: now }] };
    }
    try {
      await ctx.client.updateStatus<CertificateSigningRequest>(CERTIFICATESIGNINGREQUESTS, { ...csr, status }, { signal: ctx.signal });
      ctx.log(`csrsigning: ${status?.certificate ? 'signed' : 'failed'} ${key} (${csr.spec.signerName})`);
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) return queue.add(key);
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }

  const c = runController({ name, queue, workers: 1, reconcile, waitFor: [csrs], log: ctx.log });
  return { name, health: c.health, stop: () => c.stop() };
}
