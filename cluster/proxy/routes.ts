/**
 * Cross-node pod networking, as kindnet does it for kind: every node routes each other
 * node's podCIDR via that node's InternalIP (the node containers share one Docker
 * network, so these are direct next hops), pod traffic between pods is forwarded
 * without NAT, and only pod traffic leaving the cluster CIDR is masqueraded (the
 * ip-masq-agent rule). The nested Docker engine runs with --ip-masq=false so that its
 * own bridge MASQUERADE does not hide pod addresses from other nodes.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { NODES, SharedInformerFactory } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { ensureJumps } from './iptables-proxier.js';
import { execRunner, mustRun } from './runner.js';
import type { CommandRunner } from './runner.js';
import { BoundedFrequencyRunner } from './sync-runner.js';

export interface PodRoute {
  /** The other node's pod range. */
  cidr: string;
  /** Its InternalIP, the next hop. */
  via: string;
  node: string;
}

/** Routes we add carry this protocol number, so stale ones are found after a restart. */
export const ROUTE_PROTOCOL = '77';
export const MASQ_CHAIN = 'KUBARIUM-POD-MASQ';
export const FORWARD_CHAIN = 'KUBARIUM-POD-FORWARD';

const isV4Cidr = (c: string) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(c);

/** One route per other node that has an IPv4 podCIDR and an InternalIP. Pure. */
export function desiredPodRoutes(nodes: Node[], self: string): PodRoute[] {
  const routes: PodRoute[] = [];
  for (const n of nodes) {
    const name = n.metadata?.name ?? '';
    if (!name || name === self) continue;
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP' && /^\d+\.\d+\.\d+\.\d+$/.test(a.address))?.address;
    const cidrs = [...(n.spec?.podCIDRs ?? []), ...(n.spec?.podCIDR ? [n.spec.podCIDR] : [])].filter(isV4Cidr);
    if (!ip || cidrs.length === 0) continue;
    for (const cidr of new Set(cidrs)) routes.push({ cidr, via: ip, node: name });
  }
  return routes.sort((a, b) => a.cidr.localeCompare(b.cidr));
}

/** The nat and filter rules (iptables-restore input) for pod masquerade and forwarding. Pure. */
export function renderPodNetworkRules(clusterCIDR: string): string {
  return [
    '*filter',
    `:${FORWARD_CHAIN} - [0:0]`,
    // The nested engine's FORWARD policy is DROP; pods on other nodes reach ours through eth0.
    `-A ${FORWARD_CHAIN} -s ${clusterCIDR} -m comment --comment "pod traffic is forwarded" -j ACCEPT`,
    `-A ${FORWARD_CHAIN} -d ${clusterCIDR} -m comment --comment "pod traffic is forwarded" -j ACCEPT`,
    'COMMIT',
    '*nat',
    `:${MASQ_CHAIN} - [0:0]`,
    `-A ${MASQ_CHAIN} -d ${clusterCIDR} -m comment --comment "pod-to-pod traffic is not masqueraded" -j RETURN`,
    `-A ${MASQ_CHAIN} -m comment --comment "pod traffic leaving the cluster CIDR" -j MASQUERADE`,
    'COMMIT',
    '',
  ].join('\n');
}

export const podNetworkJumps = (clusterCIDR: string) => [
  { table: 'filter' as const, chain: 'FORWARD', args: ['-m', 'comment', '--comment', 'kubarium pod forwarding', '-j', FORWARD_CHAIN] },
  { table: 'nat' as const, chain: 'POSTROUTING', args: ['-s', clusterCIDR, '-m', 'comment', '--comment', 'kubarium pod masquerade', '-j', MASQ_CHAIN] },
];

/** Parses `ip -4 route show proto 77` lines: `10.244.2.0/24 via 172.18.0.3 dev eth0 ...`. */
export function parseRoutes(text: string): Array<{ cidr: string; via?: string }> {
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((w) => w[0] && isV4Cidr(w[0]))
    .map((w) => ({ cidr: w[0], via: w[w.indexOf('via') + 1] && w.includes('via') ? w[w.indexOf('via') + 1] : undefined }));
}

export interface PodRoutesOptions {
  client: RestClient;
  informers?: SharedInformerFactory;
  nodeName: string;
  /** Default 10.244.0.0/16. */
  clusterCIDR?: string;
  /** Also program the pod masquerade and forwarding rules (default true). */
  masquerade?: boolean;
  run?: CommandRunner;
  /** Minimum time between syncs (default 500 ms) and full resync period (default 30 s). */
  minSyncPeriodMs?: number;
  syncPeriodMs?: number;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface PodRoutes {
  /** The routes programmed by the last sync. */
  routes(): PodRoute[];
  syncNow(): Promise<void>;
  /** Resolves after the first sync with the Node cache filled; false if stopped first. */
  waitForFirstSync(): Promise<boolean>;
  /** Stops watching; routes and rules stay, as kindnet leaves them. */
  stop(): Promise<void>;
}

export async function startPodRoutes(opts: PodRoutesOptions): Promise<PodRoutes> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const run = opts.run ?? execRunner();
  const clusterCIDR = opts.clusterCIDR ?? '10.244.0.0/16';
  const ownFactory = !opts.informers;
  const factory = opts.informers ?? new SharedInformerFactory(opts.client, { log });
  const nodes = factory.informerFor<Node & { metadata: object }>(NODES);
  let programmed: PodRoute[] = [];
  let synced = false;
  let stopped = false;
  let firstResolve: (ok: boolean) => void = () => undefined;
  const first = new Promise<boolean>((r) => (firstResolve = r));

  const runner = new BoundedFrequencyRunner(
    async (full) => {
      if (full && opts.masquerade !== false) {
        await mustRun(run, 'iptables-restore', ['-w', '--noflush'], renderPodNetworkRules(clusterCIDR));
        await ensureJumps(run, podNetworkJumps(clusterCIDR));
      }
      if (!nodes.hasSynced()) return;
      const want = desiredPodRoutes(nodes.indexer.list(), opts.nodeName);
      const have = parseRoutes(await mustRun(run, 'ip', ['-4', 'route', 'show', 'proto', ROUTE_PROTOCOL]));
      const wanted = new Set(want.map((r) => r.cidr));
      for (const r of have) if (!wanted.has(r.cidr)) await run('ip', ['route', 'del', r.cidr, 'proto', ROUTE_PROTOCOL]);
      const haveKey = new Set(have.map((r) => `${r.cidr} ${r.via}`));
      for (const r of want) {
        if (haveKey.has(`${r.cidr} ${r.via}`)) continue;
        await mustRun(run, 'ip', ['route', 'replace', r.cidr, 'via', r.via, 'proto', ROUTE_PROTOCOL]);
        log(`pod-routes: ${r.cidr} via ${r.via} (${r.node})`);
      }
      programmed = want;
      if (!synced) {
        synced = true;
        firstResolve(true);
      }
    },
    { minIntervalMs: opts.minSyncPeriodMs ?? 500, maxIntervalMs: opts.syncPeriodMs ?? 30_000, log: (l) => log(`pod-routes: ${l}`) },
  );
  const changed = () => runner.run();
  const remove = nodes.addEventHandler({ onAdd: changed, onUpdate: changed, onDelete: changed });
  factory.start();
  runner.runFull(); // masquerade rules at once, before the Node list arrives
  const abort = new AbortController();
  void nodes.waitForSync(abort.signal).then((ok) => ok && runner.run());

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    abort.abort();
    remove();
    await runner.stop();
    firstResolve(false);
    if (ownFactory) await factory.shutdown();
  };
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  return {
    routes: () => programmed,
    async syncNow() {
      runner.runFull();
      await runner.idle();
    },
    waitForFirstSync: () => first,
    stop,
  };
}
