export { startGarbageCollector } from './controller.js';
export type { GarbageCollectorOptions } from './controller.js';
export { DependencyGraph, FINALIZER_FOREGROUND, FINALIZER_ORPHAN } from './graph.js';
export { classifyOwners, decide } from './classify.js';
