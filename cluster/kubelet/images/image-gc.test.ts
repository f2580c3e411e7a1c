/**
 * Image garbage collection against a fake runtime and clock: nothing happens below the
 * high threshold; above it, unused images go least recently used first until the low
 * threshold is reached, never an image in use, a pinned one (pause) or one first seen
 * less than the minimum age ago; FreeDiskSpaceFailed when not enough can be freed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ImageFsStats, ImageGCRuntime, RuntimeImage } from '../runtime/types.js';
import { bytesToFree, ImageGCManager, imagesToFree } from './image-gc.js';
import type { ImageRecord } from './image-gc.js';

const MB = 1024 * 1024;

class FakeImages implements ImageGCRuntime {
  images: RuntimeImage[] = [];
  inUse = new Set<string>();
  fs: ImageFsStats = { capacityBytes: 1000 * MB, availableBytes: 500 * MB };
  removed: string[] = [];
  async listImages() {
    return this.images.map((i) => ({ ...i }));
  }
  async removeImage(id: string) {
    this.removed.push(id);
    const img = this.images.find((i) => i.id === id);
    this.images = this.images.filter((i) => i.id !== id);
    if (img) this.fs.availableBytes += img.sizeBytes;
  }
  async imageFsStats() {
    return { ...this.fs };
  }
  async imagesInUse() {
    return new Set(this.inUse);
  }
}

const img = (id: string, mb: number, pinned = false): RuntimeImage => ({ id, repoTags: [`${id}:1`], sizeBytes: mb * MB, pinned });

test('bytesToFree: zero below the high threshold, else down to the low one', () => {
  const policy = { highThresholdPercent: 85, lowThresholdPercent: 80, minAgeMs: 0 };
  assert.equal(bytesToFree(1000, 160, policy), 0, '84 % used');
  assert.equal(bytesToFree(1000, 151, policy), 49, '84.9 % counts as 85 (integer percent, as upstream)');
  assert.equal(bytesToFree(1000, 150, policy), 50, '85 % used: free to 80 %');
  assert.equal(bytesToFree(1000, 20, policy), 180);
  assert.equal(bytesToFree(0, 0, policy), 0);
});

test('imagesToFree: unused, unpinned, old enough, least recently used first, only as many as needed', () => {
  const r = (id: string, lastUsedMs: number, firstDetectedMs: number, size = 10, pinned = false): ImageRecord => ({ id, tags: [], lastUsedMs, firstDetectedMs, sizeBytes: size, pinned });
  const records = [r('recent', 900, 0), r('never-used', 0, 100), r('older', 500, 0), r('used', 0, 0), r('pause', 0, 0, 10, true), r('young', 0, 950), r('never-used-earlier', 0, 50)];
  const pick = (bytes: number) => imagesToFree(records, new Set(['used']), 1000, bytes, 100).map((x) => x.id);
  assert.deepEqual(pick(1000), ['never-used-earlier', 'never-used', 'older', 'recent']);
  assert.deepEqual(pick(15), ['never-used-earlier', 'never-used']);
  assert.deepEqual(pick(0), []);
});

test('the manager: collects above the threshold, in order, until below the low threshold; ages count from first detection', async () => {
  let now = 0;
  const rt = new FakeImages();
  rt.images = [img('pause', 1, true), img('a', 40), img('b', 40), img('c', 40), img('web', 40)];
  rt.inUse = new Set(['web', 'b']);
  rt.fs = { capacityBytes: 1000 * MB, availableBytes: 100 * MB }; // 90 % used
  const events: string[] = [];
  const gc = new ImageGCManager({ runtime: rt, now: () => now, onEvent: (type, reason) => events.push(`${type} ${reason}`) });
  await gc.detect();
  now = 60_000;
  let r = await gc.garbageCollect();
  assert.equal(r.usagePercent, 90);
  assert.deepEqual(r.removed, [], 'nothing is older than 2 minutes yet');
  assert.deepEqual(events, ['Warning FreeDiskSpaceFailed']);

  // b stops being used; a was never used; c was used a bit after b last was.
  now = 100_000;
  rt.inUse = new Set(['web', 'c']);
  await gc.detect();
  now = 110_000;
  rt.inUse = new Set(['web']);
  now = 130_000;
  r = await gc.garbageCollect();
  // 100 MB must go (to 80 %): a (never used), then b (last used at 60 s), then c (100 s) — but after a and b it is 80 MB, so c goes too.
  assert.equal(r.bytesToFree, 100 * MB);
  assert.deepEqual(rt.removed, ['a', 'b', 'c']);
  assert.ok(!rt.removed.includes('pause') && !rt.removed.includes('web'));
  assert.equal(gc.imageRecords().length, 2);

  // Below the high threshold: nothing more.
  rt.images.push(img('d', 40));
  now = 400_000;
  r = await gc.garbageCollect();
  assert.equal(r.bytesToFree, 0);
  assert.deepEqual(rt.removed, ['a', 'b', 'c']);
});
