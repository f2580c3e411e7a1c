/**
 * The node agent's settings, from the environment cluster/nodes gives each node
 * container (see resources/node-image/entrypoint.sh). Pure: tested without a node.
 */
import { networkInterfaces } from 'node:os';

export interface AgentConfig {
  nodeName: string;
  apiServer: string;
  /** The cluster CA, PEM. */
  ca: string;
  bootstrapToken?: string;
  podCIDR?: string;
  cgroupParent?: string;
  /** The kubelet's state directory (pods/, pki/). */
  rootDir: string;
  /** This node's address on the cluster network. */
  hostIP: string;
  /** kube-proxy's servers (--healthz-bind-address / --metrics-bind-address): address and ports. */
  proxyBindAddress: string;
  proxyHealthzPort: number;
  proxyMetricsPort: number;
}

export type Env = Record<string, string | undefined>;

/** The node's own address: the first IPv4 that is not loopback and not the node engine's pod bridge. */
export function nodeAddress(interfaces = networkInterfaces(), podCIDR?: string): string | undefined {
  const podPrefix = podCIDR ? podCIDR.split('.').slice(0, 3).join('.') + '.' : undefined;
  const preferred = ['eth0', ...Object.keys(interfaces).filter((n) => n !== 'eth0')];
  for (const name of preferred) {
    if (name === 'docker0' || name.startsWith('veth') || name.startsWith('br-')) continue;
    for (const a of interfaces[name] ?? []) {
      if (a.family !== 'IPv4' || a.internal) continue;
      if (podPrefix && a.address.startsWith(podPrefix)) continue;
      return a.address;
    }
  }
  return undefined;
}

export function agentConfig(env: Env, interfaces = networkInterfaces()): AgentConfig {
  const need = (k: string): string => {
    const v = env[k];
    if (!v) throw new Error(`${k} is not set: the node agent runs inside a Kubarium node container`);
    return v;
  };
  const podCIDR = env.KUBARIUM_POD_CIDR || undefined;
  const hostIP = env.KUBARIUM_NODE_IP || nodeAddress(interfaces, podCIDR);
  if (!hostIP) throw new Error('no IPv4 address found for this node');
  return {
    nodeName: need('KUBARIUM_NODE_NAME'),
    apiServer: need('KUBARIUM_API_SERVER'),
    ca: Buffer.from(need('KUBARIUM_CA_DATA'), 'base64').toString('utf8'),
    bootstrapToken: env.KUBARIUM_BOOTSTRAP_TOKEN || undefined,
    podCIDR,
    cgroupParent: env.KUBARIUM_CGROUP_PARENT || undefined,
    rootDir: env.KUBARIUM_KUBELET_DIR || '/var/lib/kubelet',
    hostIP,
    // The node network is private to the cluster: kube-proxy serves on every address, as its defaults do.
    proxyBindAddress: env.KUBARIUM_PROXY_BIND_ADDRESS || '0.0.0.0',
    proxyHealthzPort: port(env.KUBARIUM_PROXY_HEALTHZ_PORT, 10256),
    proxyMetricsPort: port(env.KUBARIUM_PROXY_METRICS_PORT, 10249),
  };
}

function port(value: string | undefined, fallback: number): number {
  if (!value) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`not a port: ${value}`);
  return n;
}
