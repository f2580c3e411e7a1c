/** cluster/controllers/statefulset: the StatefulSet controller. */
export { startStatefulSetController } from './controller.js';
export type { StatefulSetControllerOptions } from './controller.js';
export { planStatefulSet, revisionForOrdinal } from './plan.js';
export type { PodToCreate, StatefulSetPlan, StatefulSetPlanInput } from './plan.js';
export { claimName, claimsFor, newStatefulSetPod, ordinalOf, podName, POD_INDEX_LABEL, STATEFULSET_POD_NAME_LABEL } from './identity.js';
