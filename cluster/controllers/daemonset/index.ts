/** cluster/controllers/daemonset: the DaemonSet controller. */
export { startDaemonSetController, newDaemonPod, DAEMONSET_TEMPLATE_GENERATION_LABEL } from './controller.js';
export type { DaemonSetControllerOptions } from './controller.js';
export { nodeShouldRunDaemonPod, defaultDaemonTolerations, withDaemonTolerations, nodeSelectorMatches, pinToNode, targetNodeName } from './eligibility.js';
export type { NodeFit } from './eligibility.js';
export { planDaemonSet, scaledValue } from './plan.js';
export type { DaemonSetPlan, DaemonSetPlanInput } from './plan.js';
