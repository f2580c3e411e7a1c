/**
 * The kubelet's core: the container runtime (CRI-shaped, over a Docker engine), the
 * level-triggered pod sync, the pod status as the kubelet computes it, and the writes
 * of its results to the API server.
 */
export * from './runtime/index.js';
export { PodSyncer, formatPod, RELIST_PERIOD_MS, DEFAULT_GRACE_PERIOD_SECONDS } from './pod-sync.js';
export type { PodSyncerOptions, PodSyncResult, PodEventType } from './pod-sync.js';
export { computePodStatus, podPhase, qosClass, terminatedReason, instancesByName, CONTAINER_ID_PREFIX } from './pod-status.js';
export type { PodStatusInput, ContainerWaiting } from './pod-status.js';
export { Backoff, goDuration, INITIAL_BACKOFF_MS, MAX_BACKOFF_MS } from './backoff.js';
export { resolveEnv, expand, podFieldValue, resourceFieldValue, ContainerConfigError } from './env.js';
export type { EnvSources, ResolvedEnvVar } from './env.js';
export { containerConfig, resourceConfig, securityConfig, pullPolicy, podRef, CPU_PERIOD_US } from './container-config.js';
export type { ContainerConfigOptions } from './container-config.js';
export { writePodStatus, deletePodObject, syncPodToApi } from './pod-api.js';
export { HookRunner } from './lifecycle.js';
export type { HookTarget, HookRunnerOptions } from './lifecycle.js';
export { StaticPodSource, staticPodFromManifest, isStaticPod, DEFAULT_STATIC_POD_PATH, FILE_CHECK_PERIOD_MS, CONFIG_SOURCE_ANNOTATION, CONFIG_HASH_ANNOTATION, CONFIG_MIRROR_ANNOTATION, CONFIG_SEEN_ANNOTATION } from './static-pods.js';
export type { StaticPodSourceOptions } from './static-pods.js';
export { MirrorPodClient, isMirrorPod, isMirrorPodOf } from './mirror-pods.js';
export { PodSources, podKey } from './pod-sources.js';
export type { PodSourcesOptions } from './pod-sources.js';
export * from './images/index.js';
