export { BURST_REPLICAS, startReplicaSetController, startReplicationControllerController } from './controller.js';
export type { ReplicaSetControllerOptions } from './controller.js';
export { calculateStatus, statusChanged, REPLICA_FAILURE } from './status.js';
export type { ManageError } from './status.js';
export { REPLICA_SET_KIND, REPLICATION_CONTROLLER_KIND } from './kinds.js';
export type { ReplicaSetKind, ReplicaSetLike } from './kinds.js';
