/**
 * The node-backed subresources, proxied to the pod's kubelet as kube-apiserver does
 * (pkg/registry/core/pod/strategy.go LogLocation / ExecLocation / AttachLocation /
 * PortForwardLocation, node/strategy.go ResourceLocation): the container is validated
 * against the pod spec here, the kubelet is found at the node's InternalIP and
 * daemonEndpoints port, and the request goes there with the API server's kubelet
 * client certificate. pods/log streams; exec, attach and portforward are upgrades
 * passed through to the kubelet.
 */
import type { Node, Pod } from 'kubernetes-types/core/v1.js';
import { badRequest, forbidden, notFound, StatusError } from '../../api/status.js';
import type { HandlerContext } from '../handlers/context.js';
import type { ApiRequest } from '../handlers/request.js';
import { kubeletStreamQuery, parseStreamOptions } from '../../streaming/remotecommand.js';
import { upgradeKind } from '../../streaming/upgrade.js';
import { proxyHttp, proxyUpgrade } from './stream-proxy.js';
import type { KubeletTarget } from './stream-proxy.js';
import type { KubeletConnection } from './connection.js';

export type { KubeletConnection } from './connection.js';
import { upgradeOf } from './upgrade-requests.js';
import { proxyToPod } from './pod-proxy.js';
import { kubeletAddress, splitSchemeNamePort } from './node-address.js';

export { DEFAULT_KUBELET_PORT, kubeletAddress, splitSchemeNamePort } from './node-address.js';

const names = (cs: Array<{ name: string }> | undefined) => (cs ?? []).map((c) => c.name);

/** The container a request means (validateContainer in pod/strategy.go), with upstream's messages. */
export function validateContainer(pod: Pod, container: string | null): string {
  const podName = pod.metadata?.name ?? '';
  if (!container) {
    const cs = names(pod.spec?.containers);
    if (cs.length === 1) return cs[0];
    if (cs.length === 0) throw badRequest(`a container name must be specified for pod ${podName}`);
    const inits = names(pod.spec?.initContainers);
    let message = `a container name must be specified for pod ${podName}, choose one of: [${cs.join(' ')}]`;
    if (inits.length) message += ` or one of the init containers: [${inits.join(' ')}]`;
    throw badRequest(message);
  }
  const all = [...names(pod.spec?.containers), ...names(pod.spec?.initContainers), ...names(pod.spec?.ephemeralContainers)];
  if (!all.includes(container)) throw badRequest(`container ${container} is not valid for pod ${podName}`);
  return container;
}

const LOG_PARAMS = ['follow', 'previous', 'sinceSeconds', 'sinceTime', 'timestamps', 'tailLines', 'limitBytes'];

function logQuery(url: URL): string {
  const q = new URLSearchParams();
  for (const p of LOG_PARAMS) {
    const v = url.searchParams.get(p);
    if (v !== null && v !== '') q.set(p, v);
  }
  for (const p of ['sinceSeconds', 'tailLines', 'limitBytes']) {
    const v = q.get(p);
    if (v !== null && !/^\d+$/.test(v)) throw badRequest(`${p}: Invalid value: "${v}": must be greater than or equal to 0`);
  }
  if (q.has('sinceSeconds') && q.has('sinceTime')) throw badRequest('at most one of sinceTime or sinceSeconds may be specified');
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function nodeTarget(ctx: HandlerContext, nodeName: string): Promise<{ host: string; port: number }> {
  const node = (await ctx.registry.storeFor('', 'nodes')!.tryGet(undefined, nodeName)) as Node | undefined;
  if (!node) throw notFound('', 'nodes', nodeName);
  const addr = kubeletAddress(node);
  if (!addr) throw new StatusError(503, 'ServiceUnavailable', `no address for node "${nodeName}"`);
  return addr;
}

/**
 * Where nodes/<id>/proxy goes (node/strategy.go ResourceLocation): no port, or the
 * kubelet's, is the kubelet over HTTPS with the kubelet client certificate; any other
 * port is the node's address on that port, plain HTTP unless asked `https:`.
 */
async function nodeProxyTarget(ctx: HandlerContext, id: string): Promise<{ host: string; port: number; scheme: 'http' | 'https' }> {
  const parsed = splitSchemeNamePort(id);
  if (!parsed) throw badRequest(`invalid node request "${id}"`);
  const kubelet = await nodeTarget(ctx, parsed.name);
  if (!parsed.port || Number(parsed.port) === kubelet.port) return { ...kubelet, scheme: 'https' };
  return { host: kubelet.host, port: Number(parsed.port), scheme: parsed.scheme === 'https' ? 'https' : 'http' };
}

const enc = encodeURIComponent;
const STREAMING = new Set(['exec', 'attach', 'portforward']);

/** Serves log, exec, attach, portforward (pods) and proxy (nodes; pods and services via pod-proxy.ts) through the kubelet. */
export async function proxyToKubelet(ctx: HandlerContext, kubelet: KubeletConnection, r: ApiRequest): Promise<void> {
  const sub = r.info.subresource!;
  const name = r.info.name!;
  // pods/proxy and services/proxy reach a pod's port, tunnelled through its kubelet's port-forward.
  if (sub === 'proxy' && r.served.info.resource !== 'nodes') return proxyToPod(ctx, kubelet, r);
  const up = upgradeOf(r.req);
  let target: KubeletTarget;
  if (r.served.info.resource === 'nodes') {
    if (sub !== 'proxy') throw notFound('', `nodes/${sub}`, name);
    const addr = await nodeProxyTarget(ctx, name);
    const rest = r.info.rest.map(enc).join('/');
    target = { ...addr, path: `/${rest}${r.url.search}` };
  } else {
    const ns = r.info.namespace!;
    if (STREAMING.has(sub)) {
      // WebSocket upgrades are GETs; they need `create` like the SPDY POSTs (AuthorizePodWebsocketUpgradeCreatePermission).
      if (r.req.method === 'GET') {
        const ok = await kubelet.authorize(r.user, { verb: 'create', apiGroup: '', resource: 'pods', subresource: sub, namespace: ns, name });
        if (!ok) throw forbidden(r.user.name, 'create', '', `pods/${sub}`, name, ns);
      }
      if (!up || !upgradeKind(r.req)) throw badRequest('Upgrade request required');
    } else if (sub !== 'log') {
      throw notFound('', `pods/${sub}`, name);
    }
    const pod = (await ctx.registry.storeFor('', 'pods')!.get(ns, name)) as Pod;
    const podName = pod.metadata?.name ?? name;
    const nodeName = pod.spec?.nodeName;
    const container = sub === 'portforward' ? '' : validateContainer(pod, r.url.searchParams.get('container'));
    if (!nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
    const addr = await nodeTarget(ctx, nodeName);
    let path: string;
    if (sub === 'log') path = `/containerLogs/${enc(ns)}/${enc(podName)}/${enc(container)}${logQuery(r.url)}`;
    else if (sub === 'portforward') path = `/portForward/${enc(ns)}/${enc(podName)}`;
    else {
      const q = kubeletStreamQuery(parseStreamOptions(r.url.searchParams));
      if (sub === 'attach') q.delete('command');
      const qs = q.toString();
      path = `/${sub}/${enc(ns)}/${enc(podName)}/${enc(container)}${qs ? `?${qs}` : ''}`;
    }
    target = { ...addr, path };
  }
  if (up && upgradeKind(r.req)) return proxyUpgrade(r.req, r.res, up, target, kubelet.tls);
  return proxyHttp(r.req, r.res, target, kubelet.tls, { errorsAsStatus: r.served.info.resource === 'pods' });
}
