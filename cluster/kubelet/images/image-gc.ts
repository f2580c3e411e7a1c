/**
 * Image garbage collection, simplified from pkg/kubelet/images/image_gc_manager.go: the
 * kubelet remembers when it first saw each image and when one was last used by a
 * container; every 5 minutes, when the image filesystem is at or above
 * imageGCHighThresholdPercent (85) used, it removes unused images — least recently used
 * first, never pinned ones (the pause image) nor ones first seen less than
 * imageMinimumGCAge (2 min) ago — until usage is down to imageGCLowThresholdPercent (80).
 */
import type { ImageGCRuntime } from '../runtime/types.js';

export interface ImageGCPolicy {
  highThresholdPercent: number;
  lowThresholdPercent: number;
  minAgeMs: number;
}

export const DEFAULT_IMAGE_GC_POLICY: ImageGCPolicy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 2 * 60_000 };
/** ImageGCPeriod. */
export const IMAGE_GC_PERIOD_MS = 5 * 60_000;

/** What the kubelet knows of an image (imageRecord). */
export interface ImageRecord {
  id: string;
  tags: string[];
  firstDetectedMs: number;
  /** When a container was last seen using it (0: never). */
  lastUsedMs: number;
  sizeBytes: number;
  pinned: boolean;
}

/**
 * The images to remove to free `bytesToFree` (freeSpace): unused and unpinned, least
 * recently used first (then first detected), skipping those younger than `minAgeMs`,
 * until enough is freed. Pure.
 */
export function imagesToFree(records: readonly ImageRecord[], inUse: ReadonlySet<string>, nowMs: number, bytesToFree: number, minAgeMs: number): ImageRecord[] {
  const candidates = records
    .filter((r) => !inUse.has(r.id) && !r.pinned)
    .sort((a, b) => a.lastUsedMs - b.lastUsedMs || a.firstDetectedMs - b.firstDetectedMs);
  const out: ImageRecord[] = [];
  let freed = 0;
  for (const r of candidates) {
    if (freed >= bytesToFree) break;
    if (r.lastUsedMs >= nowMs) continue;
    if (nowMs - r.firstDetectedMs < minAgeMs) continue;
    out.push(r);
    freed += r.sizeBytes;
  }
  return out;
}

/** Bytes to free to get from `available` of `capacity` down to `lowPercent` used; 0 below `highPercent`. */
export function bytesToFree(capacity: number, available: number, policy: ImageGCPolicy): number {
  if (capacity <= 0) return 0;
  const avail = Math.min(available, capacity);
  const usagePercent = 100 - Math.floor((avail * 100) / capacity);
  if (usagePercent < policy.highThresholdPercent) return 0;
  return Math.max(0, Math.floor((capacity * (100 - policy.lowThresholdPercent)) / 100) - avail);
}

export interface ImageGCManagerOptions {
  runtime: ImageGCRuntime;
  policy?: Partial<ImageGCPolicy>;
  now?: () => number;
  /** Node events: FreeDiskSpaceFailed when not enough could be freed. */
  onEvent?: (type: 'Normal' | 'Warning', reason: string, message: string) => void;
  log?: (line: string) => void;
}

export interface GCResult {
  usagePercent: number;
  bytesToFree: number;
  freedBytes: number;
  removed: string[];
}

export class ImageGCManager {
  private readonly records = new Map<string, ImageRecord>();
  private readonly policy: ImageGCPolicy;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(private readonly opts: ImageGCManagerOptions) {
    this.policy = { ...DEFAULT_IMAGE_GC_POLICY, ...opts.policy };
    if (this.policy.lowThresholdPercent > this.policy.highThresholdPercent) throw new Error('imageGCLowThresholdPercent must not exceed imageGCHighThresholdPercent');
    this.now = opts.now ?? Date.now;
  }

  /** Refreshes the records (detectImages): new images get firstDetected now, used ones lastUsed now. Returns the ids in use. */
  async detect(): Promise<Set<string>> {
    const now = this.now();
    const [images, inUse] = await Promise.all([this.opts.runtime.listImages(), this.opts.runtime.imagesInUse()]);
    const present = new Set<string>();
    for (const img of images) {
      present.add(img.id);
      const r = this.records.get(img.id) ?? { id: img.id, tags: [], firstDetectedMs: now, lastUsedMs: 0, sizeBytes: 0, pinned: false };
      r.tags = img.repoTags;
      r.sizeBytes = img.sizeBytes;
      r.pinned = img.pinned ?? false;
      if (inUse.has(img.id)) r.lastUsedMs = now;
      this.records.set(img.id, r);
    }
    for (const id of [...this.records.keys()]) if (!present.has(id)) this.records.delete(id);
    return inUse;
  }

  /** A copy of the records (tests, /configz-like views). */
  imageRecords(): ImageRecord[] {
    return [...this.records.values()].map((r) => ({ ...r }));
  }

  /** One collection (GarbageCollect): frees space when usage is at or above the high threshold. */
  async garbageCollect(): Promise<GCResult> {
    const inUse = await this.detect();
    const fs = await this.opts.runtime.imageFsStats();
    const avail = Math.min(fs.availableBytes, fs.capacityBytes);
    const usagePercent = fs.capacityBytes > 0 ? 100 - Math.floor((avail * 100) / fs.capacityBytes) : 0;
    const toFree = bytesToFree(fs.capacityBytes, fs.availableBytes, this.policy);
    const result: GCResult = { usagePercent, bytesToFree: toFree, freedBytes: 0, removed: [] };
    if (toFree <= 0) return result;
    this.opts.log?.(`kubelet: image filesystem ${usagePercent}% used (high threshold ${this.policy.highThresholdPercent}%): freeing ${toFree} bytes`);
    for (const r of imagesToFree([...this.records.values()], inUse, this.now(), toFree, this.policy.minAgeMs)) {
      try {
        await this.opts.runtime.removeImage(r.id);
        this.records.delete(r.id);
        result.removed.push(r.id);
        result.freedBytes += r.sizeBytes;
        this.opts.log?.(`kubelet: removed image ${r.tags[0] ?? r.id} (${r.sizeBytes} bytes)`);
      } catch (err) {
        this.opts.log?.(`kubelet: removing image ${r.id}: ${(err as Error).message}`);
      }
    }
    if (result.freedBytes < toFree) {
      this.opts.onEvent?.('Warning', 'FreeDiskSpaceFailed', `Failed to garbage collect required amount of images. Attempted to free ${toFree} bytes, but only found ${result.freedBytes} bytes eligible to free.`);
    }
    return result;
  }

  /** Detects images now (so ages count from start-up) and collects every `periodMs`. */
  start(periodMs = IMAGE_GC_PERIOD_MS): void {
    const log = (err: Error) => this.opts.log?.(`kubelet: image garbage collection: ${err.message}`);
    this.running = this.detect().catch(log);
    this.timer = setInterval(() => {
      this.running = this.garbageCollect().catch(log);
    }, periodMs);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
