export { startNodeIpamController } from './controller.js';
export type { NodeIpamOptions } from './controller.js';
export { CidrSet, parseCidr, formatIPv4 } from './cidr-set.js';
