/**
 * Names and labels of what a cluster owns on the host engine. Everything carries
 * `io.kubarium.cluster=<id>`, so a restarted app finds its nodes again (as kind finds
 * its nodes by the `io.x-k8s.kind.cluster` label) and `downAll` removes all of it.
 */
export const CLUSTER_LABEL = 'io.kubarium.cluster';
export const NODE_LABEL = 'io.kubarium.node';
/** Set on the network: which privilege mode this host accepted, so restarts skip the probe. */
export const PRIVILEGE_LABEL = 'io.kubarium.privilege';
/** Set on node containers: the node's pod CIDR, so an adopted node reports it. */
export const POD_CIDR_LABEL = 'io.kubarium.pod-cidr';

// Docker's rule for container, network and volume names.
const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// Node names become host names and Kubernetes Node names: DNS-1123 labels.
const NODE_NAME_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateClusterId(id: string): void {
  if (!NAME_RE.test(id) || id.length > 40) throw new Error(`invalid cluster id ${JSON.stringify(id)}: letters, digits, '_', '.', '-', at most 40`);
}

export function validateNodeName(name: string): void {
  if (!NODE_NAME_RE.test(name) || name.length > 63) throw new Error(`invalid node name ${JSON.stringify(name)}: a DNS-1123 label (lower case, digits, '-')`);
}

/** The cluster's bridge network: `kubarium-<cluster>`. */
export const networkName = (clusterId: string): string => `kubarium-${clusterId}`;
/** A node's container: `kubarium-<cluster>-<node>`. */
export const nodeContainerName = (clusterId: string, node: string): string => `kubarium-${clusterId}-${node}`;
/** The named volume holding a node engine's /var/lib/docker. */
export const nodeVolumeName = (clusterId: string, node: string): string => `kubarium-${clusterId}-${node}-docker`;

export const clusterLabels = (clusterId: string): Record<string, string> => ({ [CLUSTER_LABEL]: clusterId });
export const nodeLabels = (clusterId: string, node: string): Record<string, string> => ({ [CLUSTER_LABEL]: clusterId, [NODE_LABEL]: node });

/** A Docker list filter selecting what belongs to the cluster (and, given, one node). */
export function labelFilter(clusterId: string, node?: string): { label: string[] } {
  const label = [`${CLUSTER_LABEL}=${clusterId}`];
  if (node !== undefined) label.push(`${NODE_LABEL}=${node}`);
  return { label };
}
