/** Liveness, readiness and startup probes: see probe-manager.ts. */
export { ProbeManager } from './probe-manager.js';
export type { Clock, ProbeManagerOptions } from './probe-manager.js';
export { execVia, httpGet, httpProbe, runProbe, tcpProbe, resolvePort } from './probes.js';
export type { HttpGetResult, ProbeTarget } from './probes.js';
export { grpcHealthCheck } from './grpc-health.js';
export type { ExecFn, ProbeOutcome, ProbeResults, ProbeType } from './types.js';
