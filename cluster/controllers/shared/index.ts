/** Helpers the workload controllers share (upstream's pkg/controller/controller_utils.go and friends). */
export * from './controller-ref.js';
export * from './expectations.js';
export * from './hash.js';
export * from './int-or-percent.js';
export * from './pod-ranking.js';
export * from './pod-status.js';
export * from './pod-template.js';
export * from './slow-start.js';
export * from './sort.js';
