export * from './pki.js';
export * from './kubeconfig.js';
export { canonicalIP, readSubjectAltNames } from './x509.js';
export type { SubjectAltNames } from './x509.js';
