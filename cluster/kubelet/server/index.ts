/** The kubelet's HTTPS server (10250): health, pods, logs, exec, attach, port-forward; auth through the API server. */
export { startKubeletServer } from './server.js';
export type { KubeletServer, KubeletServerOptions, KubeletPodSource, KubeletRequest, KubeletRouteHandler } from './server.js';
export { webhookAuth, subresourcesFor, verbOf, certificateUser } from './auth.js';
export type { KubeletAuth, KubeletUser, KubeletAuthorizationAttributes } from './auth.js';
export { KubeletHttpError } from './http-error.js';
export { parseLogQuery } from './logs.js';
