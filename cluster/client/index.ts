/** cluster/client: how components (scheduler, controllers, kubelet, nodes) reach the API server. */
export * from './gvr.js';
export * from './kubeconfig.js';
export * from './rest-client.js';
export type * from './loopback.js';
export * from './indexer.js';
export * from './informer.js';
export * from './informer-factory.js';
export * from './workqueue.js';
export * from './controller.js';
export * from './leader-election.js';
export * from './events.js';
export { TokenBucket, sleep } from './token-bucket.js';
export type { TokenBucketOptions } from './token-bucket.js';
export { getOrUndefined } from './not-found.js';
