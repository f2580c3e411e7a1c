/**
 * The cluster's own bridge network, `kubarium-<cluster>`: node containers reach each
 * other by name and IP on it, and reach the host (the API server) at its gateway
 * address, as kind's nodes sit on the `kind` network. Labelled with the cluster, and
 * with the privilege mode this host accepted (so restarts skip the probe).
 */
import type Docker from 'dockerode';
import { isNotFound, statusCode } from './docker.js';
import { clusterLabels, networkName, PRIVILEGE_LABEL } from './names.js';
import type { PrivilegeMode } from './privilege.js';

export interface ClusterNetwork {
  name: string;
  id: string;
  /** e.g. 172.18.0.0/16, chosen by the engine from its address pools. */
  subnet: string;
  /** The host's address on this network: where node agents reach the API server. */
  gateway: string;
  privilegeMode?: PrivilegeMode;
}

/** The first host address of an IPv4 CIDR (the bridge's address when the engine reports none). */
export function firstHost(cidr: string): string {
  const [ip, bitsText] = cidr.split('/');
  const bits = Number(bitsText);
  const n = ip.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  const host = (((n & mask) >>> 0) + 1) >>> 0;
  return [24, 16, 8, 0].map((s) => (host >>> s) & 255).join('.');
}

function describe(info: Docker.NetworkInspectInfo): ClusterNetwork {
  const ipam = (info.IPAM?.Config ?? []).find((c) => c.Subnet && !c.Subnet.includes(':'));
  if (!ipam?.Subnet) throw new Error(`network ${info.Name} has no IPv4 subnet`);
  const mode = info.Labels?.[PRIVILEGE_LABEL];
  return {
    name: info.Name,
    id: info.Id,
    subnet: ipam.Subnet,
    gateway: ipam.Gateway || firstHost(ipam.Subnet),
    privilegeMode: mode === 'privileged' || mode === 'explicit' ? mode : undefined,
  };
}

export async function inspectClusterNetwork(docker: Docker, clusterId: string): Promise<ClusterNetwork | undefined> {
  try {
    return describe(await docker.getNetwork(networkName(clusterId)).inspect());
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The cluster's network, created when missing. */
export async function ensureClusterNetwork(docker: Docker, clusterId: string, privilegeMode: PrivilegeMode): Promise<ClusterNetwork> {
  const existing = await inspectClusterNetwork(docker, clusterId);
  if (existing) return existing;
  try {
    await docker.createNetwork({
      Name: networkName(clusterId),
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: { ...clusterLabels(clusterId), [PRIVILEGE_LABEL]: privilegeMode },
      Options: { 'com.docker.network.bridge.enable_ip_masquerade': 'true' },
    });
  } catch (err) {
    if (statusCode(err) !== 409) throw err; // created meanwhile by another caller
  }
  const created = await inspectClusterNetwork(docker, clusterId);
  if (!created) throw new Error(`network ${networkName(clusterId)} vanished after creation`);
  return created;
}

export async function removeClusterNetwork(docker: Docker, clusterId: string): Promise<void> {
  await docker
    .getNetwork(networkName(clusterId))
    .remove()
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
}
