export { startResourceQuotaController } from './controller.js';
export type { ResourceQuotaControllerOptions } from './controller.js';
export { calculateUsage, isBinaryName, quotaStatus, quotaStatusChanged } from './calculate.js';
export type { ObjectsOf } from './calculate.js';
export { ResourceResolver, resourceForName, resourcesForNames } from './tracked.js';
export type { GroupResource } from './tracked.js';
export {
  countName,
  isBestEffort,
  isPodCharged,
  isPodName,
  objectUsage,
  podMatchesScope,
  podResourceList,
  podUsage,
  pvcUsage,
  quotaScopes,
  scopedNames,
  serviceUsage,
} from './usage.js';
export type { Usage } from './usage.js';
