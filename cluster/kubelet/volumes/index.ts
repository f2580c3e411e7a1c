/** Pod volumes on a node: see volume-manager.ts. */
export { VolumeManager, PLUGIN_DIRS } from './volume-manager.js';
export type { PodVolumes, VolumeManagerOptions, VolumeSetUpResult } from './volume-manager.js';
export { TokenManager } from './token-manager.js';
export { writeAtomically, DATA_DIR_NAME } from './atomic-writer.js';
export type { Payload, FileProjection } from './atomic-writer.js';
export { VolumeSetupError } from './payload.js';
export type { VolumeApiClient } from './types.js';
