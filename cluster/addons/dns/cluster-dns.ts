/**
 * The cluster DNS addon's process: informers on the API (in-cluster, or a kubeconfig
 * when run outside a pod), the DNS listeners, and the probe/metrics endpoints —
 * CoreDNS with kubeadm's Corefile (`errors`, `health`, `ready`, `kubernetes cluster.local
 * in-addr.arpa ip6.arpa`, `prometheus :9153`), minus `forward`: nothing leaves the cluster.
 */
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { inClusterClient } from '../../client/in-cluster.js';
import { RestClient } from '../../client/rest-client.js';
import { DnsMetrics, startHttpEndpoints } from './http-endpoints.js';
import { informerDnsSource } from './informer-source.js';
import { DEFAULT_LOOKUP_CONFIG } from './lookup.js';
import type { LookupConfig } from './lookup.js';
import { startDnsServer } from './server.js';

export interface ClusterDnsOptions extends Partial<LookupConfig> {
  /** Out-of-cluster use; default: in-cluster config (service-account token, KUBERNETES_SERVICE_HOST). */
  kubeconfig?: string;
  client?: RestClient;
  host?: string;
  dnsPort?: number;
  healthPort?: number;
  readyPort?: number;
  metricsPort?: number;
  log?: (line: string) => void;
}

export interface ClusterDns {
  readonly dnsPort: number;
  readonly healthPort: number;
  readonly readyPort: number;
  readonly metricsPort: number;
  /** Resolves once the informers have synced (what /ready reports). */
  synced(): Promise<boolean>;
  close(): Promise<void>;
}

export async function startClusterDns(opts: ClusterDnsOptions = {}): Promise<ClusterDns> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const config: LookupConfig = {
    zone: (opts.zone ?? DEFAULT_LOOKUP_CONFIG.zone).replace(/\.$/, '').toLowerCase(),
    ttl: opts.ttl ?? DEFAULT_LOOKUP_CONFIG.ttl,
    pods: opts.pods ?? DEFAULT_LOOKUP_CONFIG.pods,
    nameserverIPs: opts.nameserverIPs,
  };
  const ownClient = !opts.client;
  const client = opts.client ?? (opts.kubeconfig ? RestClient.fromKubeconfig(opts.kubeconfig, { userAgent: 'coredns' }) : inClusterClient({ userAgent: 'coredns' }));
  // Short retries: cluster DNS is Ready only once its caches sync, and a pod started before the
  // node's Service rules are in place should not wait out a long back-off.
  const factory = new SharedInformerFactory(client, { log, backoff: { initialMs: 200, maxMs: 5000 } });
  const source = informerDnsSource(factory, { watchPods: config.pods === 'verified' });
  const metrics = new DnsMetrics();
  const notReady = () => (source.informers.every((i) => i.hasSynced()) ? [] : ['kubernetes']);

  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => {});
    closers.length = 0;
  };
  try {
    factory.start();
    closers.push(async () => {
      await factory.shutdown();
      if (ownClient) client.close();
    });
    const http = await startHttpEndpoints({ host: opts.host, healthPort: opts.healthPort, readyPort: opts.readyPort, metricsPort: opts.metricsPort, notReady, metrics });
    closers.push(() => http.close());
    const dns = await startDnsServer({ source, config, host: opts.host, port: opts.dnsPort, onQuery: (q, t) => metrics.record(q, t) });
    closers.push(() => dns.close());
    log(`cluster DNS: serving ${config.zone} on :${dns.port} (udp, tcp); health :${http.healthPort}, ready :${http.readyPort}, metrics :${http.metricsPort}`);
    const synced = factory.waitForCacheSync().then((ok) => {
      if (ok) log('cluster DNS: caches synced, ready');
      return ok;
    });
    return {
      dnsPort: dns.port,
      healthPort: http.healthPort,
      readyPort: http.readyPort,
      metricsPort: http.metricsPort,
      synced: () => synced,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
