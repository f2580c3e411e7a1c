/**
 * The CSR approving controller (pkg/controller/certificates/approver/sarapprove.go):
 * a kubelet client certificate request — signer kubernetes.io/kube-apiserver-client-kubelet,
 * subject `system:node:<name>` in `system:nodes`, client usages only — is approved when a
 * SubjectAccessReview says its requester may create certificatesigningrequests/nodeclient
 * (a bootstrap token's group, via system:certificates.k8s.io:certificatesigningrequests:nodeclient)
 * or, for a node renewing its own, .../selfnodeclient. Anything else is left for a person
 * (`kubectl certificate approve`).
 */
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import type { SubjectAccessReview } from 'kubernetes-types/authorization/v1.js';
import { StatusError } from '../../api/status.js';
import { CERTIFICATESIGNINGREQUESTS, RateLimitingQueue, runController, SUBJECTACCESSREVIEWS } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { isDecided, isIssued, KUBELET_CLIENT_SIGNER, nowTime, subjectOf } from './csr.js';

const CLIENT_USAGES = new Set(['digital signature', 'key encipherment', 'client auth']);

/** Is this a well-formed kubelet client certificate request (isNodeClientCert)? */
export function isNodeClientRequest(csr: CertificateSigningRequest): boolean {
  if (csr.spec.signerName !== KUBELET_CLIENT_SIGNER) return false;
  if (!(csr.spec.usages ?? []).includes('client auth') || !(csr.spec.usages ?? []).every((u) => CLIENT_USAGES.has(u))) return false;
  try {
    const s = subjectOf(csr);
    return s.commonName.startsWith('system:node:') && s.organizations.length === 1 && s.organizations[0] === 'system:nodes';
  } catch {
    return false;
  }
}

export function startCSRApprovingController(ctx: ControllerContext): RunningController {
  const name = 'csrapproving';
  const queue = new RateLimitingQueue<string>();
  const csrs = ctx.informers.informerFor<CertificateSigningRequest>(CERTIFICATESIGNINGREQUESTS);
  csrs.addEventHandler({ onAdd: (c) => queue.add(c.metadata!.name!), onUpdate: (_, c) => queue.add(c.metadata!.name!) });

  async function allowed(csr: CertificateSigningRequest, subresource: string): Promise<boolean> {
    const review = await ctx.client.create<SubjectAccessReview>(SUBJECTACCESSREVIEWS, {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: csr.spec.username,
        uid: csr.spec.uid,
        groups: csr.spec.groups,
        extra: csr.spec.extra,
        resourceAttributes: { group: 'certificates.k8s.io', resource: 'certificatesigningrequests', verb: 'create', subresource },
      },
    });
    return review.status?.allowed === true;
  }

  async function reconcile(key: string): Promise<void> {
    const csr = csrs.indexer.get(key);
    if (!csr || isDecided(csr) || isIssued(csr) || !isNodeClientRequest(csr)) return;
    const self = subjectOf(csr).commonName === csr.spec.username;
    if (!((self && (await allowed(csr, 'selfnodeclient'))) || (await allowed(csr, 'nodeclient')))) return;
    const now = nowTime();
    const approved: CertificateSigningRequest = {
      ...csr,
      status: {
        ...csr.status,
        conditions: [...(csr.status?.conditions ?? []), { type: 'Approved', status: 'True', reason: 'AutoApproved', message: 'Auto approving kubelet client certificate after SubjectAccessReview.', lastUpdateTime: now, lastTransitionTime: now }],
      },
    };
    try {
      await ctx.client.update<CertificateSigningRequest>(CERTIFICATESIGNINGREQUESTS, approved, { subresource: 'approval', signal: ctx.signal });
      ctx.log(`csrapproving: approved ${key} for ${csr.spec.username}`);
    } catch (err) {
      if (err instanceof StatusError && err.code === 409) return queue.add(key);
      if (!(err instanceof StatusError && err.code === 404)) throw err;
    }
  }

  const c = runController({ name, queue, workers: 1, reconcile, waitFor: [csrs], log: ctx.log });
  return { name, health: c.health, stop: () => c.stop() };
}
