/**
 * The explorer's window on a node's own endpoints: a GET through the API server's
 * nodes/{node}[:{port}]/proxy/{path} (as `kubectl get --raw` does), so RBAC and the API
 * server's kubelet client certificate apply exactly as for kubectl. Bodies are capped
 * (a large node's /metrics/cadvisor is megabytes) and the call times out.
 */
import type { RestClient } from '../client/rest-client.js';
import type { NodeProxyResponse } from './explorer-api.js';

const MAX_BYTES = 8 * 1024 * 1024;
const TIMEOUT_MS = 20_000;

/** `/api/v1/nodes/{node}[:{port}]/proxy{path}`; the path keeps its query. */
export function nodeProxyPath(node: string, path: string, port?: number | null): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(node)) throw new Error(`not a node name: ${node}`);
  if (port != null && !(Number.isInteger(port) && port > 0 && port < 65536)) throw new Error(`not a port: ${port}`);
  const rel = path.startsWith('/') ? path : `/${path}`;
  return `/api/v1/nodes/${node}${port ? `:${port}` : ''}/proxy${rel}`;
}

export async function nodeProxyGet(client: RestClient, node: string, path: string, port?: number | null): Promise<NodeProxyResponse> {
  const res = await client.stream(nodeProxyPath(node, path, port), { signal: AbortSignal.timeout(TIMEOUT_MS) });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of res) {
    chunks.push(c as Buffer);
    size += (c as Buffer).length;
    if (size > MAX_BYTES) {
      res.destroy();
      break;
    }
  }
  let body = Buffer.concat(chunks).toString('utf8');
  if (size > MAX_BYTES) body = `${body.slice(0, MAX_BYTES)}\n… (truncated at ${MAX_BYTES} bytes)`;
  return { contentType: String(res.headers['content-type'] ?? 'text/plain'), body };
}
