/**
 * pods/{name}[:port]/proxy and services/{[scheme:]name[:port]}/proxy: where the request
 * goes is upstream's ResourceLocation (pkg/registry/core/pod/strategy.go,
 * core/service/storage/storage.go), a pod IP and port; the connection to it is tunnelled
 * through the pod's kubelet (pod-tunnel.ts) and the HTTP request, any method with its
 * body, runs over it, its answer streamed back. `https:` speaks TLS over the tunnel
 * without verifying the pod (kube-apiserver's proxy transport: InsecureSkipVerify).
 * Authorization needs nothing here: the verb of pods/proxy follows the HTTP method
 * (get, create, update, patch, delete) in request-info, as upstream's RequestInfoFactory.
 */
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1.js';
import { parseSelector } from '../../api/labels.js';
import { badRequest, notFound, StatusError } from '../../api/status.js';
import type { HandlerContext } from '../handlers/context.js';
import type { ApiRequest } from '../handlers/request.js';
import type { KubeletConnection } from './connection.js';
import { kubeletAddress, splitSchemeNamePort } from './node-address.js';
import { openPodTunnel } from './pod-tunnel.js';
import type { PodTunnel } from './pod-tunnel.js';
import { forwardedHeaders, responseHeaders, writeHead101 } from './stream-proxy.js';
import { upgradeOf } from './upgrade-requests.js';

/** Where a proxied request goes: a pod's port, reached through its node. */
export interface PodProxyLocation {
  scheme: 'http' | 'https';
  namespace: string;
  pod: string;
  nodeName: string;
  podIP: string;
  port: number;
}

const serviceUnavailable = (message: string) => new StatusError(503, 'ServiceUnavailable', message);

/** IsGlobalUnicast for IPv4 (and any IPv6 that is not loopback, link-local or multicast). */
function proxyableIP(ip: string | undefined): boolean {
  if (!ip) return false;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return !(a === 0 || a === 127 || a >= 224 || (a === 169 && b === 254) || ip === '255.255.255.255');
  }
  const low = ip.toLowerCase();
  return ip.includes(':') && low !== '::' && low !== '::1' && !low.startsWith('fe80:') && !low.startsWith('ff');
}

function podLocation(pod: Pod, scheme: 'http' | 'https', port: number): PodProxyLocation {
  const podIP = pod.status?.podIP;
  if (!proxyableIP(podIP)) throw badRequest('address not allowed');
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${pod.metadata?.name} does not have a host assigned`);
  return { scheme, namespace: pod.metadata!.namespace!, pod: pod.metadata!.name!, nodeName, podIP: podIP!, port };
}

/** pods/{[scheme:]name[:port]}/proxy: without a port, the first declared container port, else the scheme's default. */
export async function podProxyLocation(ctx: HandlerContext, namespace: string, id: string): Promise<PodProxyLocation> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid pod request "${id}"`);
  const pod = (await ctx.registry.storeFor('', 'pods')!.get(namespace, parsed.name)) as Pod;
  const scheme = parsed.scheme || 'http';
  let port = parsed.port;
  if (!port) port = String(pod.spec?.containers.find((c) => c.ports?.length)?.ports?.[0].containerPort ?? '');
  return podLocation(pod, scheme, port ? Number(port) : scheme === 'https' ? 443 : 80);
}

/** `[scheme:]name[:port]` where the port may be a name (SplitSchemeNamePort does not insist on a number). */
function splitServiceId(id: string): { scheme: '' | 'http' | 'https'; name: string; port: string } | undefined {
  const parts = id.split(':');
  const [scheme, name, port] = parts.length === 3 ? parts : parts.length === 2 ? ['', ...parts] : ['', parts[0], ''];
  if (parts.length > 3 || !name || (parts.length > 1 && !port) || (scheme !== '' && scheme !== 'http' && scheme !== 'https')) return undefined;
  return { scheme, name, port };
}

/**
 * services/{[scheme:]name[:port]}/proxy: a port number is turned into the service port's
 * name, then a random ready endpoint of the EndpointSlices serving that port name is
 * chosen; its pod (targetRef, else the pod with that IP) is where the tunnel goes.
 */
export async function serviceProxyLocation(ctx: HandlerContext, namespace: string, id: string): Promise<PodProxyLocation> {
  const parsed = splitServiceId(id);
  if (!parsed) throw badRequest(`invalid service request "${id}"`);
  const { name } = parsed;
  let portName = parsed.port;
  const svc = (await ctx.registry.storeFor('', 'services')!.get(namespace, name)) as Service;
  if (/^\d+$/.test(portName)) {
    const found = svc.spec?.ports?.find((p) => p.port === Number(portName));
    if (!found) throw serviceUnavailable(`no service port ${portName} found for service "${name}"`);
    portName = found.name ?? '';
  }
  const slices = (await ctx.registry.storeFor('discovery.k8s.io', 'endpointslices')!.list(namespace, { labelSelector: parseSelector(`kubernetes.io/service-name=${name}`) })).items as unknown as EndpointSlice[];
  if (slices.length === 0) throw serviceUnavailable(`no endpoints available for service "${name}"`);
  for (const slice of slices) {
    for (const p of slice.ports ?? []) {
      if ((p.name ?? '') !== portName || !p.port) continue;
      const ready = (slice.endpoints ?? []).filter((e) => e.conditions?.ready !== false && e.addresses.length > 0);
      if (ready.length === 0) continue;
      const ep = ready[Math.floor(Math.random() * ready.length)];
      const ip = ep.addresses[0];
      if (!proxyableIP(ip)) throw badRequest('address not allowed');
      const pods = ctx.registry.storeFor('', 'pods')!;
      let pod: Pod | undefined;
      if (ep.targetRef?.kind === 'Pod' && ep.targetRef.name) pod = (await pods.tryGet(ep.targetRef.namespace ?? namespace, ep.targetRef.name)) as Pod | undefined;
      pod ??= ((await pods.list(namespace)).items as Pod[]).find((x) => x.status?.podIPs?.some((a) => a.ip === ip) || x.status?.podIP === ip);
      if (!pod) throw serviceUnavailable(`error trying to reach service: no pod has the endpoint address ${ip}`);
      return { ...podLocation(pod, parsed.scheme || 'http', p.port), podIP: ip };
    }
  }
  throw serviceUnavailable(`no endpoints available for service "${id}"`);
}

/** The request path up to and including `/proxy` (`/api/v1/namespaces/ns/pods/p:80/proxy`) and the rest, raw. */
function splitProxyPath(pathname: string): { base: string; rest: string } {
  const parts = pathname.split('/');
  const at = parts.indexOf('proxy', 7);
  return { base: parts.slice(0, at + 1).join('/'), rest: parts.length > at + 1 ? `/${parts.slice(at + 1).join('/')}` : '' };
}

/** A redirect to the pod itself is rewritten to go through the proxy again (apimachinery proxy/transport.go). */
function rewriteLocation(headers: IncomingHttpHeaders, loc: PodProxyLocation, base: string): void {
  const location = headers.location;
  if (!location) return;
  const self = `${loc.scheme}://${loc.podIP.includes(':') ? `[${loc.podIP}]` : loc.podIP}:${loc.port}`;
  let url: URL;
  try {
    url = new URL(location, `${self}/`);
  } catch {
    return;
  }
  if (url.origin !== new URL(self).origin) return;
  headers.location = `${base}${url.pathname}${url.search}${url.hash}`;
}

function nodeKubelet(node: Node | undefined, nodeName: string): { host: string; port: number } {
  if (!node) throw notFound('', 'nodes', nodeName);
  const addr = kubeletAddress(node);
  if (!addr) throw serviceUnavailable(`no address for node "${nodeName}"`);
  return addr;
}

function clientAddress(req: IncomingMessage): string {
  const prior = req.headers['x-forwarded-for'];
  const remote = req.socket.remoteAddress ?? '';
  return prior ? `${String(prior)}, ${remote}` : remote;
}

/** Serves pods/proxy and services/proxy. Rejects with a Status until the pod has answered. */
export async function proxyToPod(ctx: HandlerContext, kubelet: KubeletConnection, r: ApiRequest): Promise<void> {
  const ns = r.info.namespace!;
  const id = r.info.name!;
  const loc = r.served.info.resource === 'services' ? await serviceProxyLocation(ctx, ns, id) : await podProxyLocation(ctx, ns, id);
  const { base, rest } = splitProxyPath(r.url.pathname);
  // An empty path is redirected to one ending in '/' (UpgradeAwareHandler, issue 4958).
  if (rest === '') {
    r.res.writeHead(301, { Location: `${r.url.pathname}/${r.url.search}` });
    r.res.end();
    return;
  }
  const node = (await ctx.registry.storeFor('', 'nodes')!.tryGet(undefined, loc.nodeName)) as Node | undefined;
  const tunnel = await openPodTunnel({ kubelet: nodeKubelet(node, loc.nodeName), tls: kubelet.tls, namespace: loc.namespace, pod: loc.pod, port: loc.port });
  return forward(r, tunnel, loc, `${rest}${r.url.search}`, base);
}

function forward(r: ApiRequest, tunnel: PodTunnel, loc: PodProxyLocation, path: string, base: string): Promise<void> {
  const { req, res } = r;
  // An upgrade (a WebSocket to the pod) is passed through, as UpgradeAwareHandler's tryUpgrade does.
  const up = upgradeOf(req);
  return new Promise((resolve, reject) => {
    let answered = false;
    const headers = { ...forwardedHeaders(req, up !== undefined), 'x-forwarded-for': clientAddress(req) };
    const socket = loc.scheme === 'https' ? tlsConnect({ socket: tunnel.socket, rejectUnauthorized: false }) : tunnel.socket;
    const request = loc.scheme === 'https' ? httpsRequest : httpRequest;
    const preq = request({ host: loc.podIP, port: loc.port, method: req.method, path, headers, createConnection: () => socket as never });
    preq.on('upgrade', (pres, psocket: Duplex, phead: Buffer) => {
      answered = true;
      const client = up!.socket;
      writeHead101(client, pres);
      if (phead.length) client.write(phead);
      if (up!.head.length) psocket.write(up!.head);
      psocket.pipe(client);
      client.pipe(psocket);
      const teardown = () => {
        psocket.destroy();
        client.destroy();
        tunnel.close();
      };
      for (const s of [psocket, client]) {
        s.on('error', teardown);
        s.on('close', teardown);
      }
      resolve();
    });
    preq.on('response', (pres) => {
      answered = true;
      const out = { ...pres.headers };
      rewriteLocation(out, loc, base);
      res.writeHead(pres.statusCode ?? 502, responseHeaders(out));
      res.flushHeaders();
      // Streamed as it comes (each chunk written at once, with backpressure): a pod's long answer or event stream is not buffered.
      pres.pipe(res);
      pres.on('end', () => {
        tunnel.close();
        resolve();
      });
      pres.on('error', () => {
        res.destroy();
        tunnel.close();
        resolve();
      });
    });
    preq.on('error', (err) => {
      if (answered) {
        tunnel.close();
        res.destroy();
        resolve();
        return;
      }
      // The kubelet could not dial the port: its message is on the error stream.
      void tunnel.failure().then((why) => {
        tunnel.close();
        reject(serviceUnavailable(`error trying to reach service: ${why || err.message}`));
      });
    });
    if (up) {
      up.socket.on('close', () => {
        if (!answered) tunnel.close();
      });
      preq.end();
      return;
    }
    res.on('close', () => {
      preq.destroy();
      tunnel.close();
    });
    req.pipe(preq);
  });
}
