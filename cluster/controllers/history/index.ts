/** cluster/controllers/history: ControllerRevision helpers for the DaemonSet and StatefulSet controllers, plus small workload helpers. */
export * from './hash.js';
export * from './revisions.js';
export * from './workload-helpers.js';
