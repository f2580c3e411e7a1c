export { startVolumeController } from './controller.js';
export type { VolumeControllerOptions } from './controller.js';
export { findBestMatch, volumeMatches, defaultStorageClass, provisionedVolume, PROVISIONER, SELECTED_NODE_ANNOTATION } from './matching.js';
