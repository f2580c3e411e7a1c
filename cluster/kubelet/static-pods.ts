/**
 * Static pods from a manifest directory (pkg/kubelet/config/file.go + common.go
 * applyDefaults): each file (YAML or JSON, one Pod; names starting with "." ignored) is a
 * pod the kubelet runs without the API server. Its name gets `-<nodeName>`, its uid is the
 * md5 of the manifest, the node and the file path (so an edit makes a new pod), and its
 * annotations say where it came from (kubernetes.io/config.source=file, config.hash = the
 * uid). The directory is read again every 20 s and, when fs.watch works, soon after a change.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, watch } from 'node:fs';
import type { FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parse } from 'yaml';

export const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_SEEN_ANNOTATION = 'kubernetes.io/config.seen';
/** On a mirror pod: the hash of the static pod it stands for (kubetypes.ConfigMirrorAnnotationKey). */
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
/** --file-check-frequency. */
export const FILE_CHECK_PERIOD_MS = 20_000;
/** Where kubeadm puts control-plane manifests (--pod-manifest-path / staticPodPath). */
export const DEFAULT_STATIC_POD_PATH = '/etc/kubernetes/manifests';

/** JSON with sorted keys: the same manifest hashes the same whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .filter((k) => o[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

export function isStaticPod(pod: Pod): boolean {
  const source = pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION];
  return source !== undefined && source !== 'api';
}

/** A manifest file's content as the static pod the kubelet runs (applyDefaults). Throws when it is not a valid Pod. */
export function staticPodFromManifest(manifest: unknown, file: string, nodeName: string, seen = new Date()): Pod {
  if (!manifest || typeof manifest !== 'object' || Array.isArray(manifest)) throw new Error(`${file}: not a Pod manifest`);
  const m = manifest as Pod;
  if (m.kind !== undefined && m.kind !== 'Pod') throw new Error(`${file}: kind ${m.kind}, want Pod`);
  if (!m.metadata?.name) throw new Error(`${file}: metadata.name is required`);
  if (!m.spec?.containers?.length) throw new Error(`${file}: spec.containers is required`);
  const { status: _status, ...copy } = structuredClone(m);
  let uid = m.metadata.uid;
  if (!uid) {
    const h = createHash('md5');
    h.update(canonical(m));
    h.update(`host:${nodeName}`);
    h.update(`file:${file}`);
    uid = h.digest('hex');
  }
  const spec = { ...copy.spec!, nodeName };
  // Static pods tolerate every NoExecute taint, so node problems do not evict their mirrors.
  const tolerations = [...(spec.tolerations ?? [])];
  if (!tolerations.some((t) => t.operator === 'Exists' && t.effect === 'NoExecute' && !t.key)) tolerations.push({ operator: 'Exists', effect: 'NoExecute' });
  return {
    ...copy,
    metadata: {
      ...copy.metadata,
      uid,
      name: `${m.metadata.name}-${nodeName.toLowerCase()}`,
      namespace: m.metadata.namespace || 'default',
      annotations: { ...copy.metadata?.annotations, [CONFIG_HASH_ANNOTATION]: uid, [CONFIG_SOURCE_ANNOTATION]: 'file', [CONFIG_SEEN_ANNOTATION]: seen.toISOString() },
    },
    spec: { ...spec, tolerations },
    status: { phase: 'Pending' },
  };
}

export interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  periodMs?: number;
  log?: (line: string) => void;
}

interface FileEntry {
  mtimeMs: number;
  size: number;
  pod?: Pod;
}

/** The static pods of one directory, read periodically and on changes. */
export class StaticPodSource {
  private readonly files = new Map<string, FileEntry>();
  private readonly listeners: Array<() => void> = [];
  private readonly seen = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private watcher: FSWatcher | undefined;
  private synced = false;

  constructor(private readonly opts: StaticPodSourceOptions) {}

  /** Called after a read that changed the set of pods. */
  onChange(fn: () => void): void {
    this.listeners.push(fn);
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Every static pod; one name from two files: the first file in name order wins, as config merging keeps the first. */
  pods(): Pod[] {
    const byKey = new Map<string, Pod>();
    for (const name of [...this.files.keys()].sort()) {
      const pod = this.files.get(name)?.pod;
      const key = pod && `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      if (pod && key && !byKey.has(key)) byKey.set(key, pod);
    }
    return [...byKey.values()];
  }

  start(): void {
    try {
      mkdirSync(this.opts.dir, { recursive: true });
    } catch {
      // Not ours to create (read-only): read it when it appears.
    }
    this.read();
    this.timer = setInterval(() => this.read(), this.opts.periodMs ?? FILE_CHECK_PERIOD_MS);
    this.timer.unref?.();
  }

  stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.debounce);
    this.watcher?.close();
    this.watcher = undefined;
  }

  private watchDir(): void {
    if (this.watcher) return;
    try {
      this.watcher = watch(this.opts.dir, () => {
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => this.read(), 100);
      });
      this.watcher.unref();
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.watcher = undefined;
      });
    } catch {
      // Periodic reads only.
    }
  }

  /** Reads the directory now; files unchanged since the last read are not parsed again. */
  read(): void {
    const log = this.opts.log ?? (() => {});
    let names: string[];
    try {
      names = readdirSync(this.opts.dir).filter((n) => !n.startsWith('.'));
      this.watchDir();
    } catch {
      names = [];
    }
    let changed = false;
    const present = new Set<string>();
    for (const name of names) {
      const path = join(this.opts.dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue;
      }
      if (!st.isFile()) continue;
      present.add(name);
      const prev = this.files.get(name);
      if (prev && prev.mtimeMs === st.mtimeMs && prev.size === st.size) continue;
      let pod: Pod | undefined;
      try {
        const text = readFileSync(path, 'utf8');
        if (!text.trim()) throw new Error(`${path}: file was empty`);
        const manifest: unknown = parse(text);
        const uid = staticPodFromManifest(manifest, path, this.opts.nodeName).metadata!.uid!;
        // config.seen: when this version was first read, kept across reads so the pod stays the same.
        if (!this.seen.has(uid)) this.seen.set(uid, new Date());
        pod = staticPodFromManifest(manifest, path, this.opts.nodeName, this.seen.get(uid));
      } catch (err) {
        // A half-written file keeps the pod it had (upstream drops it; an editor's save would restart it).
        log(`kubelet: static pod manifest ${path}: ${(err as Error).message}`);
        this.files.set(name, { mtimeMs: st.mtimeMs, size: st.size, pod: prev?.pod });
        continue;
      }
      if (prev?.pod?.metadata?.uid !== pod.metadata?.uid) changed = true;
      this.files.set(name, { mtimeMs: st.mtimeMs, size: st.size, pod });
    }
    for (const name of [...this.files.keys()]) {
      if (present.has(name)) continue;
      if (this.files.get(name)?.pod) changed = true;
      this.files.delete(name);
    }
    const first = !this.synced;
    this.synced = true;
    if (changed || first) for (const fn of this.listeners) fn();
  }
}
