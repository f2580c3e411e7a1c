/**
 * The kubelet's volume manager, reduced to what a node without attachable storage needs
 * (pkg/kubelet/volumemanager + the in-tree plugins): before a pod's containers are
 * created, each of its volumes is made under `<rootDir>/pods/<uid>/volumes/<plugin>/<name>`
 * (emptyDir, configMap, secret, downwardAPI, projected) or found on the node (hostPath, a
 * claim bound to a hostPath or local PersistentVolume); each container gets its
 * volumeMounts as runtime mounts. The API-backed volumes are written again on later pod
 * syncs (WaitForAttachAndMount remounts them), so ConfigMap and Secret updates, new
 * labels and refreshed service-account tokens reach running pods.
 */
import { existsSync, mkdirSync, chmodSync, realpathSync, rmdirSync, rmSync } from 'node:fs';
import { join, posix } from 'node:path';
import type { ConfigMap, Container, PersistentVolume, PersistentVolumeClaim, Pod, Secret, Volume } from 'kubernetes-types/core/v1.js';
import { parseQuantity } from '../../api/quantity.js';
import { CONFIGMAPS, getOrUndefined, PERSISTENTVOLUMECLAIMS, PERSISTENTVOLUMES, SECRETS } from '../../client/index.js';
import type { GVR } from '../../client/index.js';
import { ContainerConfigError, expand } from '../env.js';
import type { ResolvedEnvVar } from '../env.js';
import type { ContainerMount } from '../runtime/types.js';
import { writeAtomically } from './atomic-writer.js';
import type { Payload } from './atomic-writer.js';
import { checkHostPath } from './host-path.js';
import { configMapData, DEFAULT_MODE, downwardPayload, keyPayload, secretData, VolumeSetupError } from './payload.js';
import { isMountPoint, mountTmpfs, unmountUnder } from './tmpfs.js';
import { TokenManager } from './token-manager.js';
import type { VolumeApiClient } from './types.js';

/** The plugins' directory names under a pod's volumes directory, as upstream escapes them. */
export const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;

/** Repeats of the same FailedMount event are recorded at most this often. */
const FAILED_MOUNT_EVENT_INTERVAL_MS = 60_000;

export interface VolumeManagerOptions {
  client: VolumeApiClient;
  /** The kubelet's root directory (the runtime's, so the engine can bind-mount what is under it). */
  rootDir: string;
  /** Node allocatable, for downwardAPI resourceFieldRefs of containers without a limit. */
  nodeAllocatable?: Record<string, string>;
  /** A pod's API-backed volumes are read and written again at most this often (failures are retried as often). Default 2 s. */
  resyncMs?: number;
  now?: () => number;
  /** FailedMount events (Warning), as the kubelet records them. */
  onEvent?: (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string) => void;
}

export type VolumeSetUpResult = { ok: true } | { ok: false; volume: string; message: string };

/** What PodSyncer needs of a volume manager. */
export interface PodVolumes {
  /** Makes (or refreshes) every volume of the pod; a failed one leaves the pod's new containers uncreated. */
  setUpPod(pod: Pod): Promise<VolumeSetUpResult>;
  /** The container's volumeMounts as runtime mounts; throws ContainerConfigError (a bad subPath, an unknown volume). */
  mountsFor(pod: Pod, container: Container, env?: readonly ResolvedEnvVar[]): ContainerMount[];
  /** Removes the pod's volume directories and forgets it. */
  removePod(podUid: string): Promise<void>;
}

/** A set-up volume as containers mount it. */
type Prepared = { kind: 'dir'; path: string; readOnly: boolean; managed: boolean } | { kind: 'tmpfs'; sizeBytes?: number };

interface PodState {
  volumes: Map<string, Prepared>;
  syncedMs: number;
}

interface Failure {
  result: VolumeSetUpResult & { ok: false };
  atMs: number;
  reportedMs: number;
}


export class VolumeManager implements PodVolumes {
  private readonly pods = new Map<string, PodState>();
  private readonly failures = new Map<string, Failure>();
  private readonly now: () => number;
  private readonly resyncMs: number;
  readonly tokens: TokenManager;

  constructor(private readonly opts: VolumeManagerOptions) {
    this.now = opts.now ?? Date.now;
    this.resyncMs = opts.resyncMs ?? 2000;
    this.tokens = new TokenManager(opts.client, this.now);
  }

  /** `<rootDir>/pods/<uid>/volumes/<plugin>/<name>`. */
  volumeDir(podUid: string, plugin: string, name: string): string {
    return join(this.opts.rootDir, 'pods', podUid, 'volumes', plugin, name);
  }

  async setUpPod(pod: Pod): Promise<VolumeSetUpResult> {
    const uid = pod.metadata?.uid ?? '';
    const now = this.now();
    const prev = this.pods.get(uid);
    // Recently written and still on disk (a replaced sandbox takes the pod directory with it): nothing to do.
    if (prev && now - prev.syncedMs < this.resyncMs && [...prev.volumes.values()].every((v) => v.kind === 'tmpfs' || !v.managed || existsSync(v.path))) return { ok: true };
    const failed = this.failures.get(uid);
    if (failed && now - failed.atMs < this.resyncMs) return failed.result;
    const volumes = new Map<string, Prepared>();
    for (const v of pod.spec?.volumes ?? []) {
      try {
        volumes.set(v.name, await this.setUpVolume(pod, v));
      } catch (err) {
        const message = `MountVolume.SetUp failed for volume "${v.name}" : ${(err as Error).message}`;
        const result = { ok: false as const, volume: v.name, message };
        const report = !failed || failed.result.message !== message || now - failed.reportedMs >= FAILED_MOUNT_EVENT_INTERVAL_MS;
        if (report) this.opts.onEvent?.(pod, 'Warning', 'FailedMount', message);
        this.failures.set(uid, { result, atMs: now, reportedMs: report ? now : failed!.reportedMs });
        return result;
      }
    }
    this.pods.set(uid, { volumes, syncedMs: now });
    this.failures.delete(uid);
    return { ok: true };
  }

  private get<T>(r: GVR, name: string, namespace?: string): Promise<T | undefined> {
    return getOrUndefined(this.opts.client.get<T & { metadata?: object }>(r, name, namespace ? { namespace } : {}));
  }

  private async setUpVolume(pod: Pod, v: Volume): Promise<Prepared> {
    const uid = pod.metadata?.uid ?? '';
    const ns = pod.metadata?.namespace ?? 'default';
    const managed = (plugin: string, payload: Payload): Prepared => {
      const path = this.volumeDir(uid, plugin, v.name);
      writeAtomically(path, payload, this.now());
      // API data volumes are always mounted read-only (since 1.10).
      return { kind: 'dir', path, readOnly: true, managed: true };
    };
    if (v.emptyDir) {
      const size = v.emptyDir.sizeLimit !== undefined ? parseQuantity(v.emptyDir.sizeLimit) : undefined;
      const path = this.volumeDir(uid, PLUGIN_DIRS.emptyDir, v.name);
      const sizeBytes = size ? Math.floor(size) : undefined;
      const fresh = !existsSync(path);
      if (fresh) {
        mkdirSync(path, { recursive: true });
        // Writable by whatever user the containers run as (emptyDir's 0777).
        chmodSync(path, 0o777);
      }
      if (v.emptyDir.medium === 'Memory' && !isMountPoint(path) && (!fresh || !mountTmpfs(path, sizeBytes))) {
        // Not allowed to mount here: the runtime's tmpfs (shared only while a container uses it).
        return sizeBytes ? { kind: 'tmpfs', sizeBytes } : { kind: 'tmpfs' };
      }
      return { kind: 'dir', path, readOnly: false, managed: true };
    }
    if (v.configMap) {
      const src = v.configMap;
      const cm = await this.get<ConfigMap>(CONFIGMAPS, src.name ?? '', ns);
      if (!cm && !src.optional) throw new VolumeSetupError(`configmap "${src.name}" not found`);
      const payload = cm ? keyPayload(configMapData(cm), src.items, src.defaultMode ?? DEFAULT_MODE, !!src.optional, 'configmap') : new Map();
      return managed(PLUGIN_DIRS.configMap, payload);
    }
    if (v.secret) {
      const src = v.secret;
      const secret = await this.get<Secret>(SECRETS, src.secretName ?? '', ns);
      if (!secret && !src.optional) throw new VolumeSetupError(`secret "${src.secretName}" not found`);
      const payload = secret ? keyPayload(secretData(secret), src.items, src.defaultMode ?? DEFAULT_MODE, !!src.optional, 'secret') : new Map();
      return managed(PLUGIN_DIRS.secret, payload);
    }
    if (v.downwardAPI) {
      return managed(PLUGIN_DIRS.downwardAPI, downwardPayload(pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, this.opts.nodeAllocatable));
    }
    if (v.projected) return managed(PLUGIN_DIRS.projected, await this.projectedPayload(pod, v));
    if (v.hostPath) {
      checkHostPath(v.hostPath.path, v.hostPath.type);
      return { kind: 'dir', path: v.hostPath.path, readOnly: false, managed: false };
    }
    if (v.persistentVolumeClaim) return this.claimVolume(ns, v.persistentVolumeClaim.claimName, !!v.persistentVolumeClaim.readOnly);
    throw new VolumeSetupError(`no volume plugin matched for volume "${v.name}" (kubarium supports emptyDir, configMap, secret, downwardAPI, projected, hostPath and persistentVolumeClaim)`);
  }

  /** projected: every source into one payload (pkg/volume/projected collectData). */
  private async projectedPayload(pod: Pod, v: Volume): Promise<Payload> {
    const ns = pod.metadata?.namespace ?? 'default';
    const mode = v.projected?.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    for (const src of v.projected?.sources ?? []) {
      if (src.configMap) {
        const cm = await this.get<ConfigMap>(CONFIGMAPS, src.configMap.name ?? '', ns);
        if (!cm) {
          if (src.configMap.optional) continue;
          throw new VolumeSetupError(`configmap "${src.configMap.name}" not found`);
        }
        keyPayload(configMapData(cm), src.configMap.items, mode, !!src.configMap.optional, 'configmap', payload);
      } else if (src.secret) {
        const secret = await this.get<Secret>(SECRETS, src.secret.name ?? '', ns);
        if (!secret) {
          if (src.secret.optional) continue;
          throw new VolumeSetupError(`secret "${src.secret.name}" not found`);
        }
        keyPayload(secretData(secret), src.secret.items, mode, !!src.secret.optional, 'secret', payload);
      } else if (src.downwardAPI) {
        downwardPayload(pod, src.downwardAPI.items, mode, this.opts.nodeAllocatable, payload);
      } else if (src.serviceAccountToken) {
        const t = src.serviceAccountToken;
        let token: string;
        try {
          token = await this.tokens.token(pod, t.audience, t.expirationSeconds);
        } catch (err) {
          throw new VolumeSetupError(`failed to fetch token: ${(err as Error).message}`);
        }
        payload.set(t.path, { data: Buffer.from(token, 'utf8'), mode });
      }
    }
    return payload;
  }

  /** A claim → its bound PersistentVolume → the node path (hostPath or local). */
  private async claimVolume(ns: string, claimName: string, readOnly: boolean): Promise<Prepared> {
    const claim = await this.get<PersistentVolumeClaim>(PERSISTENTVOLUMECLAIMS, claimName, ns);
    if (!claim) throw new VolumeSetupError(`persistentvolumeclaim "${claimName}" not found`);
    const pvName = claim.spec?.volumeName;
    if (claim.status?.phase !== 'Bound' || !pvName) throw new VolumeSetupError(`PVC ${ns}/${claimName} is not bound`);
    const pv = await this.get<PersistentVolume>(PERSISTENTVOLUMES, pvName);
    if (!pv) throw new VolumeSetupError(`persistentvolume "${pvName}" not found`);
    if (pv.spec?.hostPath) {
      checkHostPath(pv.spec.hostPath.path, pv.spec.hostPath.type);
      return { kind: 'dir', path: pv.spec.hostPath.path, readOnly, managed: false };
    }
    if (pv.spec?.local) {
      if (!existsSync(pv.spec.local.path)) throw new VolumeSetupError(`path "${pv.spec.local.path}" does not exist`);
      return { kind: 'dir', path: pv.spec.local.path, readOnly, managed: false };
    }
    throw new VolumeSetupError(`PersistentVolume "${pvName}" is neither hostPath nor local; kubarium's nodes mount only node-local volumes`);
  }

  mountsFor(pod: Pod, container: Container, env: readonly ResolvedEnvVar[] = []): ContainerMount[] {
    const state = this.pods.get(pod.metadata?.uid ?? '');
    const vars = new Map(env.map((e) => [e.name, e.value]));
    const mounts: ContainerMount[] = [];
    for (const m of container.volumeMounts ?? []) {
      const vol = state?.volumes.get(m.name);
      if (!vol) throw new ContainerConfigError(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
      const subPath = m.subPathExpr ? expand(m.subPathExpr, vars) : m.subPath;
      if (vol.kind === 'tmpfs') {
        if (subPath) throw new ContainerConfigError(`failed to prepare subPath for volumeMount "${m.name}" of container "${container.name}": subPath of a memory-backed emptyDir is not supported`);
        mounts.push({ type: 'tmpfs', name: m.name, containerPath: m.mountPath, readOnly: !!m.readOnly, ...(vol.sizeBytes ? { sizeBytes: vol.sizeBytes } : {}) });
        continue;
      }
      const readOnly = !!m.readOnly || vol.readOnly;
      mounts.push({ type: 'bind', hostPath: subPath ? subPathSource(vol.path, subPath, m.name, container.name) : vol.path, containerPath: m.mountPath, readOnly });
    }
    return mounts;
  }

  async removePod(podUid: string): Promise<void> {
    const podDir = join(this.opts.rootDir, 'pods', podUid);
    unmountUnder(join(podDir, 'volumes'));
    rmSync(join(podDir, 'volumes'), { recursive: true, force: true });
    // The pod directory goes with its last contents (the runtime removes its own part with the last sandbox).
    try {
      rmdirSync(podDir);
    } catch {
      // not empty, or gone
    }
    this.pods.delete(podUid);
    this.failures.delete(podUid);
    this.tokens.forgetPod(podUid);
  }
}

/**
 * The host path a subPath mount binds (pkg/volume/util/subpath doSafeMakeDir + the escape
 * check): created as a directory when missing, and never outside the volume.
 */
function subPathSource(volumePath: string, subPath: string, volume: string, container: string): string {
  const fail = (why: string) => new ContainerConfigError(`failed to prepare subPath for volumeMount "${volume}" of container "${container}": ${why}`);
  if (posix.isAbsolute(subPath) || subPath.split('/').includes('..')) throw fail(`invalid subPath "${subPath}": must be a relative path without '..'`);
  const target = join(volumePath, subPath);
  if (!existsSync(target)) {
    mkdirSync(target, { recursive: true });
    chmodSync(target, 0o777);
  }
  const real = realpathSync(target);
  const base = realpathSync(volumePath);
  if (real !== base && !real.startsWith(`${base}/`)) throw fail(`subpath "${subPath}" resolves outside the volume`);
  return real;
}
