/**
 * Where a node's kubelet listens, and the `[scheme:]name[:port]` ids of the proxy
 * subresources (apimachinery's utilnet.SplitSchemeNamePort).
 */
import type { Node } from 'kubernetes-types/core/v1.js';

export const DEFAULT_KUBELET_PORT = 10250;

/** Where a node's kubelet listens: the InternalIP (else another address) and status.daemonEndpoints. */
export function kubeletAddress(node: Node): { host: string; port: number } | undefined {
  const addrs = node.status?.addresses ?? [];
  const host = (['InternalIP', 'ExternalIP', 'Hostname'] as const).map((t) => addrs.find((a) => a.type === t)?.address).find(Boolean);
  if (!host) return undefined;
  return { host, port: node.status?.daemonEndpoints?.kubeletEndpoint?.Port || DEFAULT_KUBELET_PORT };
}

/**
 * `[scheme:]name[:port]` of nodes/<id>/proxy (apimachinery's utilnet.SplitSchemeNamePort):
 * `node-1`, `node-1:10249`, `https:node-1:10250`. Undefined when malformed.
 */
export function splitSchemeNamePort(id: string): { scheme: '' | 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  let scheme = '';
  let name: string;
  let port = '';
  if (parts.length === 1) name = parts[0];
  else if (parts.length === 2) [name, port] = parts;
  else if (parts.length === 3) [scheme, name, port] = parts;
  else return undefined;
  if (!name || (parts.length > 1 && !port) || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  if (port && !/^\d+$/.test(port)) return undefined;
  return { scheme: scheme as '' | 'http' | 'https', name, port };
}
