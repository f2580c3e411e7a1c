/** The kubelet's container runtime: the CRI-shaped interface and its Docker implementation. */
export * from './types.js';
export * from './labels.js';
export { DockerRuntime, MAX_TERMINATION_MESSAGE_BYTES } from './docker-runtime.js';
export type { DockerRuntimeOptions } from './docker-runtime.js';
