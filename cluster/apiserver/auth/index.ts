export * from './user.js';
export * from './authn.js';
export * from './serviceaccount-token.js';
export * from './bootstrap-token.js';
export { keyIdForPublicKey } from './jwt.js';
export * from './rbac/index.js';
