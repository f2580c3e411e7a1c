/**
 * Docker-container nodes: the images they run (./image) and their life cycle
 * (NodeManager). The kubelet and the launcher build on this; hollow nodes (./hollow)
 * are the container-less alternative.
 */
export { NodeManager, downAll } from './node-manager.js';
export type { NodeManagerOptions, NodeSpec, NodeInfo, NodeState, CreateNodeOptions, DownResult } from './node-manager.js';
export { connectDocker, engineReachable, dockerSkipReason, execIn, saveImages, demuxLogs } from './docker.js';
export type { ExecOptions, ExecResult } from './docker.js';
export { loadImagesIntoNode, waitForNodeEngine, nodeImageIds } from './nested-engine.js';
export type { WaitForEngineOptions } from './nested-engine.js';
export { detectPrivilegeMode, privilegeHostConfig } from './privilege.js';
export type { PrivilegeMode, NodeHostConfig } from './privilege.js';
export { ensureClusterNetwork, inspectClusterNetwork, removeClusterNetwork } from './network.js';
export type { ClusterNetwork } from './network.js';
export { CLUSTER_LABEL, NODE_LABEL, POD_CIDR_LABEL, PRIVILEGE_LABEL, networkName, nodeContainerName, nodeVolumeName } from './names.js';
export * from './image/index.js';
