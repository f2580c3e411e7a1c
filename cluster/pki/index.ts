export * from './pki.js';
export * from './kubeconfig.js';
export { canonicalIP, readSubjectAltNames, createCertificateRequest, signCertificateRequest, certificateRequestSubject } from './x509.js';
export type { SubjectAltNames, SignRequestOptions } from './x509.js';
