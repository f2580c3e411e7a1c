export { startDisruptionController } from './controller.js';
export type { DisruptionControllerOptions } from './controller.js';
export {
  computeBudgetStatus,
  countHealthyPods,
  expectedPods,
  failSafeStatus,
  needsControllerScale,
  pruneDisruptedPods,
  sameStatus,
  setStatusCondition,
  DELETION_TIMEOUT_MS,
  DISRUPTION_ALLOWED,
} from './budget.js';
export type { BudgetInput, BudgetResult, Condition, DisruptedPods, ExpectedPods } from './budget.js';
export { getExpectedScale } from './expected-scale.js';
export type { ControllerScale, ExpectedScale, ScaleReader, WorkloadCaches } from './expected-scale.js';
