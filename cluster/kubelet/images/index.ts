/** Image garbage collection: see image-gc.ts. */
export { ImageGCManager, imagesToFree, bytesToFree, DEFAULT_IMAGE_GC_POLICY, IMAGE_GC_PERIOD_MS } from './image-gc.js';
export type { ImageGCPolicy, ImageRecord, ImageGCManagerOptions, GCResult } from './image-gc.js';
