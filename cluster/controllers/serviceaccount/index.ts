export { startServiceAccountController, missingServiceAccounts } from './controller.js';
export type { ServiceAccountControllerOptions } from './controller.js';
