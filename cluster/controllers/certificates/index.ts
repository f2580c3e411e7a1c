export { startCSRApprovingController, isNodeClientRequest } from './approver.js';
export { startCSRSigningController, signRequest } from './signer.js';
export type { CSRSigningOptions } from './signer.js';
export { KUBELET_CLIENT_SIGNER, APISERVER_CLIENT_SIGNER, KUBELET_SERVING_SIGNER } from './csr.js';
