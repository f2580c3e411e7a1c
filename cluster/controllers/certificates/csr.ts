/** What the certificate controllers read off a CertificateSigningRequest. */
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1.js';
import { certificateRequestSubject } from '../../pki/index.js';

export const KUBELET_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client-kubelet';
export const APISERVER_CLIENT_SIGNER = 'kubernetes.io/kube-apiserver-client';
export const KUBELET_SERVING_SIGNER = 'kubernetes.io/kubelet-serving';

/** spec.request is base64 of the PEM request. */
export const requestPem = (csr: CertificateSigningRequest): string => Buffer.from(csr.spec.request, 'base64').toString('utf8');

/** The request's subject (CN, O values); throws when it does not parse. */
export const subjectOf = (csr: CertificateSigningRequest) => certificateRequestSubject(requestPem(csr));

const hasCondition = (csr: CertificateSigningRequest, type: string) => (csr.status?.conditions ?? []).some((c) => c.type === type && c.status !== 'False');
export const isApproved = (csr: CertificateSigningRequest) => hasCondition(csr, 'Approved') && !hasCondition(csr, 'Denied');
export const isDecided = (csr: CertificateSigningRequest) => hasCondition(csr, 'Approved') || hasCondition(csr, 'Denied');
export const isIssued = (csr: CertificateSigningRequest) => !!csr.status?.certificate;
export const isFailed = (csr: CertificateSigningRequest) => hasCondition(csr, 'Failed');

/** metav1.Time now. */
export const nowTime = () => new Date().toISOString().replace(/\.\d+Z$/, 'Z');
