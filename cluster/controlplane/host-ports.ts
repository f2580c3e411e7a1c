/**
 * Services reachable from the host on 127.0.0.1, as Docker Desktop's Kubernetes and k3s's
 * servicelb make them: for every NodePort or LoadBalancer Service, the host listens on
 * 127.0.0.1:<nodePort> and forwards to that NodePort on a Ready node (where kube-proxy
 * takes over); a LoadBalancer Service also gets 127.0.0.1:<port> and `127.0.0.1` as its
 * status.loadBalancer ingress, so `kubectl get svc` shows an EXTERNAL-IP to open in a
 * browser. TCP only. A port already taken on the host is logged and skipped.
 */
import type { Server } from 'node:net';
import type { Node, Service } from 'kubernetes-types/core/v1.js';
import { NODES, SERVICES, SharedInformerFactory } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { closeServer, forwardTcp } from './tcp-forward.js';

const HOST = '127.0.0.1';

export interface HostPorts {
  /** host port → `namespace/name:port`, for what is listening now. */
  listening(): Map<number, string>;
  stop(): Promise<void>;
}

/** The host ports a Service wants: nodePort → nodePort; for LoadBalancer also port → nodePort. */
export function wantedHostPorts(svc: Service): Array<{ hostPort: number; nodePort: number }> {
  const type = svc.spec?.type;
  if (type !== 'NodePort' && type !== 'LoadBalancer') return [];
  const out: Array<{ hostPort: number; nodePort: number }> = [];
  for (const p of svc.spec?.ports ?? []) {
    if ((p.protocol ?? 'TCP') !== 'TCP' || !p.nodePort) continue;
    out.push({ hostPort: p.nodePort, nodePort: p.nodePort });
    if (type === 'LoadBalancer' && p.port !== p.nodePort) out.push({ hostPort: p.port, nodePort: p.nodePort });
  }
  return out;
}

export function startHostPorts(o: { client: RestClient; log: (line: string) => void }): HostPorts {
  const informers = new SharedInformerFactory(o.client, { log: () => {} });
  const services = informers.informerFor<Service>(SERVICES);
  const nodes = informers.informerFor<Node>(NODES);
  const open = new Map<number, { server: Server; owner: string; nodePort: number }>();
  const failed = new Set<string>();
  let next = 0;

  const readyNodeIPs = () =>
    nodes.indexer
      .list()
      .filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') && !n.spec?.unschedulable)
      .map((n) => n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address)
      .filter((ip): ip is string => !!ip);
  const target = (nodePort: number) => () => {
    const ips = readyNodeIPs();
    return ips.length ? { host: ips[next++ % ips.length], port: nodePort } : undefined;
  };

  let syncing = Promise.resolve();
  const sync = () =>
    (syncing = syncing.then(async () => {
      const wanted = new Map<number, { owner: string; nodePort: number }>();
      for (const svc of services.indexer.list()) {
        const owner = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
        for (const w of wantedHostPorts(svc)) if (!wanted.has(w.hostPort)) wanted.set(w.hostPort, { owner, nodePort: w.nodePort });
      }
      for (const [port, cur] of open) {
        const w = wanted.get(port);
        if (w && w.owner === cur.owner && w.nodePort === cur.nodePort) continue;
        open.delete(port);
        await closeServer(cur.server);
      }
      for (const [port, w] of wanted) {
        if (open.has(port)) continue;
        try {
          open.set(port, { server: await forwardTcp(HOST, port, target(w.nodePort)), owner: w.owner, nodePort: w.nodePort });
          o.log(`host ports: ${HOST}:${port} → ${w.owner} (NodePort ${w.nodePort})`);
        } catch (err) {
          const key = `${port}/${w.owner}`;
          if (!failed.has(key)) o.log(`host ports: cannot listen on ${HOST}:${port} for ${w.owner}: ${(err as Error).message}`);
          failed.add(key);
        }
      }
      // LoadBalancer ingress: the host's loopback, once its ports are open.
      for (const svc of services.indexer.list()) {
        if (svc.spec?.type !== 'LoadBalancer' || svc.status?.loadBalancer?.ingress?.some((i) => i.ip === HOST)) continue;
        await o.client
          .updateStatus<Service>(SERVICES, { ...svc, status: { ...svc.status, loadBalancer: { ingress: [{ ip: HOST, ipMode: 'VIP' }] } } })
          .catch((err: Error) => o.log(`host ports: ${svc.metadata?.namespace}/${svc.metadata?.name} status: ${err.message}`));
      }
    }));
  services.addEventHandler({ onAdd: () => void sync(), onUpdate: () => void sync(), onDelete: () => void sync() });
  informers.start();
  return {
    listening: () => new Map([...open].map(([port, v]) => [port, v.owner])),
    async stop() {
      await informers.shutdown();
      await syncing;
      await Promise.all([...open.values()].map((v) => closeServer(v.server)));
      open.clear();
    },
  };
}
