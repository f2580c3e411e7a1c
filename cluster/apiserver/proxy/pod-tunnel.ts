/**
 * A TCP connection to a port of a pod, tunnelled through its node's kubelet. kube-apiserver
 * dials pod IPs directly for pods/proxy and services/proxy; ours cannot reach the pod
 * network, so it opens a port-forward to the kubelet (`/portForward/{ns}/{pod}`, SPDY/3.1,
 * portforward.k8s.io, as client-go's portforward does) and uses the data stream of one
 * forwarded connection as the socket. What the kubelet writes on the error stream (it
 * could not dial the port) is kept for the error message.
 */
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { PORT_FORWARD_PROTOCOL_V1 } from '../../streaming/portforward.js';
import { SpdySession } from '../../streaming/spdy/session.js';
import { SPDY_UPGRADE, STREAM_PROTOCOL_HEADER } from '../../streaming/upgrade.js';
import { StatusError } from '../../api/status.js';
import { statusFromKubelet } from './stream-proxy.js';
import type { KubeletTLS } from './stream-proxy.js';

export interface PodTunnel {
  /** The bytes to and from the pod's port. */
  socket: Duplex;
  /** The kubelet's error for this connection (empty when none), once its error stream ends or after `waitMs`. */
  failure(waitMs?: number): Promise<string>;
  /** Ends the port-forward connection to the kubelet. */
  close(): void;
}

export interface PodTunnelTarget {
  /** The kubelet of the pod's node. */
  kubelet: { host: string; port: number };
  tls: KubeletTLS;
  namespace: string;
  pod: string;
  port: number;
}

const enc = encodeURIComponent;

/** Upgrades a request to the kubelet's port-forward endpoint to a client SPDY session. */
function openSession(t: PodTunnelTarget): Promise<SpdySession> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest({
      host: t.kubelet.host,
      port: t.kubelet.port,
      path: `/portForward/${enc(t.namespace)}/${enc(t.pod)}`,
      method: 'POST',
      headers: { Connection: 'Upgrade', Upgrade: SPDY_UPGRADE, [STREAM_PROTOCOL_HEADER]: PORT_FORWARD_PROTOCOL_V1 },
      cert: t.tls.cert,
      key: t.tls.key,
      ca: t.tls.ca,
      rejectUnauthorized: t.tls.ca !== undefined,
      agent: false,
    });
    req.on('upgrade', (_res, socket: Duplex, head: Buffer) => resolve(new SpdySession(socket, 'client', head)));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => reject(statusFromKubelet(res.statusCode ?? 502, Buffer.concat(chunks).toString('utf8').slice(0, 64 * 1024))));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new StatusError(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${t.kubelet.host}:${t.kubelet.port}: ${err.message}`)));
    req.end();
  });
}

/** Opens one forwarded connection to `port` of the pod: an error stream, then a data stream (client-go's order). */
export async function openPodTunnel(t: PodTunnelTarget): Promise<PodTunnel> {
  const session = await openSession(t);
  session.on('error', () => session.close());
  try {
    const headers = { port: [String(t.port)], requestid: ['0'] };
    const errorStream = await session.openStream({ ...headers, streamtype: ['error'] });
    // We never write on the error stream (client-go closes it at once).
    errorStream.end();
    let failure = '';
    errorStream.setEncoding('utf8').on('data', (c: string) => (failure += c));
    const errorEnded = new Promise<void>((resolve) => {
      errorStream.on('end', resolve);
      errorStream.on('close', resolve);
    });
    const socket = await session.openStream({ ...headers, streamtype: ['data'] });
    const close = () => void session.shutdown();
    socket.on('close', close);
    socket.on('error', close);
    return {
      socket,
      close,
      async failure(waitMs = 1000) {
        await Promise.race([errorEnded, new Promise((r) => setTimeout(r, waitMs).unref())]);
        return failure.trim();
      },
    };
  } catch (err) {
    session.close();
    throw new StatusError(503, 'ServiceUnavailable', `error trying to reach service: ${(err as Error).message}`);
  }
}
