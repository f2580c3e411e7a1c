/**
 * Reading a kubelet endpoint with the API server's kubelet client certificate — the same
 * connection the node proxy uses (proxy/ KubeletConnection, kubeletAddress): the node's
 * InternalIP and daemonEndpoints port.
 */
import { request } from 'node:https';
import type { Node } from 'kubernetes-types/core/v1.js';
import { kubeletAddress } from '../proxy/kubelet-proxy.js';
import type { KubeletTLS } from '../proxy/stream-proxy.js';

const MAX_BODY = 64 << 20;

/** GETs `path` on the node's kubelet; rejects on a dial error, a timeout or a non-200 answer. */
export function scrapeKubelet(node: Node, path: string, tls: KubeletTLS, timeoutMs = 10_000): Promise<string> {
  const addr = kubeletAddress(node);
  if (!addr) return Promise.reject(new Error(`no address for node "${node.metadata?.name ?? ''}"`));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: addr.host, port: addr.port, path, method: 'GET', cert: tls.cert, key: tls.key, ca: tls.ca, rejectUnauthorized: tls.ca !== undefined, agent: false, timeout: timeoutMs, headers: { Accept: 'text/plain' } },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new Error(`kubelet ${addr.host}:${addr.port}${path}: answer larger than ${MAX_BODY} bytes`));
          else chunks.push(c);
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode === 200) resolve(body);
          else reject(new Error(`kubelet ${addr.host}:${addr.port}${path}: ${res.statusCode} ${body.trim().slice(0, 200)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`kubelet ${addr.host}:${addr.port}${path}: timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
