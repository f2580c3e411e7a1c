/**
 * kube-proxy: informers on Services and EndpointSlices; every change asks the
 * bounded-frequency runner for a sync, which rebuilds the service ports from the
 * caches and hands them to the mode's proxier (iptables, or the userspace fallback).
 * Like kube-proxy, nothing is programmed before both caches have synced (an empty
 * view would wipe every service), and rules stay in place when it stops so traffic
 * keeps flowing across agent restarts.
 */
import type { Service } from 'kubernetes-types/core/v1.js';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1.js';
import { ENDPOINTSLICES, SERVICES, SharedInformerFactory } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { IptablesProxier, iptablesUsable } from './iptables-proxier.js';
import { ProxyMetrics } from './metrics.js';
import { parseIptablesSave, programmedRules, userspaceRules } from './programmed-rules.js';
import { execRunner, mustRun } from './runner.js';
import type { CommandRunner } from './runner.js';
import { buildServicePorts } from './service-ports.js';
import type { ServicePortInfo } from './service-ports.js';
import { BoundedFrequencyRunner } from './sync-runner.js';
import { UserspaceProxier } from './userspace-proxier.js';
import type { UserspaceProxierOptions } from './userspace-proxier.js';

export type ProxyMode = 'iptables' | 'userspace';

export interface KubeProxyOptions {
  client: RestClient;
  /** Share the node agent's factory (its start() is called); a private one otherwise. */
  informers?: SharedInformerFactory;
  nodeName: string;
  /** The node's primary address (reported in logs and status). */
  nodeIP?: string;
  /** Pod range of the whole cluster (--cluster-cidr); default 10.244.0.0/16. */
  clusterCIDR?: string;
  /** Default 'auto': iptables when `iptables` and `iptables-restore` work, else userspace. */
  mode?: ProxyMode | 'auto';
  /** Runs iptables/iptables-save/iptables-restore (and `ip` for the userspace mode); default: spawn here. */
  run?: CommandRunner;
  /**
   * SNAT all ClusterIP traffic. Default: only when bridged traffic skips iptables
   * (no br_netfilter), where a pod reaching a same-bridge pod through a ClusterIP
   * would get replies from the pod's own address and drop them.
   */
  masqueradeAll?: boolean;
  /** --iptables-min-sync-period; default 1000 ms. */
  minSyncPeriodMs?: number;
  /** --iptables-sync-period (full resync); default 30 000 ms. */
  syncPeriodMs?: number;
  /** Userspace mode: where NodePorts listen, the dummy interface for ClusterIPs, UDP idle timeout. */
  userspace?: Pick<UserspaceProxierOptions, 'nodePortAddress' | 'interfaceName' | 'udpIdleTimeoutMs'> & {
    /** Add ClusterIPs to the dummy interface (default true). */
    manageAddresses?: boolean;
  };
  log?: (line: string) => void;
  signal?: AbortSignal;
}

import type { ProxyRulesReport } from './rules-report.js';
export type { ProxyRulesReport } from './rules-report.js';

/** kube-proxy's /healthz state (pkg/proxy/healthcheck/proxy_health.go). */
export interface ProxyHealth {
  /** The last successful sync. */
  lastUpdated?: Date;
  /** The oldest change not yet synced. */
  oldestPending?: Date;
  /** No change has waited longer than the health timeout (2 × --iptables-sync-period). */
  healthy: boolean;
}

export interface KubeProxy {
  readonly mode: ProxyMode;
  readonly metrics: ProxyMetrics;
  health(): ProxyHealth;
  /** Reads the rules back (iptables-save) or the listeners, per Service port. */
  rules(): Promise<ProxyRulesReport>;
  /** The effective settings, as KubeProxyConfiguration fields (/configz). */
  configuration(): Record<string, unknown>;
  /** Resolves once the caches synced and the first sync was applied; false if stopped first. */
  waitForFirstSync(signal?: AbortSignal): Promise<boolean>;
  /** Runs a full sync now and waits for it (tests, debugging). */
  syncNow(): Promise<void>;
  /** The service ports as last synced. */
  servicePorts(): ServicePortInfo[];
  /** The last iptables-restore input ('' in userspace mode). */
  lastRules(): string;
  /** Completed syncs. */
  syncCount(): number;
  /** Stops watching and syncing; iptables rules stay (userspace listeners close). */
  stop(): Promise<void>;
}

/** Headless Services and ones another proxy serves are not ours (kube-proxy's informer selector). */
export const PROXY_LABEL_SELECTOR = '!service.kubernetes.io/service-proxy-name,!service.kubernetes.io/headless';

export async function startKubeProxy(opts: KubeProxyOptions): Promise<KubeProxy> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const run = opts.run ?? execRunner();
  const clusterCIDR = opts.clusterCIDR ?? '10.244.0.0/16';
  let mode: ProxyMode;
  if (opts.mode === 'iptables' || opts.mode === 'userspace') mode = opts.mode;
  else mode = (await iptablesUsable(run)) ? 'iptables' : 'userspace';
  if (opts.mode === undefined || opts.mode === 'auto') log(`kube-proxy: using the ${mode} mode${mode === 'userspace' ? ' (iptables is not usable here)' : ''}`);

  const masqueradeAll = opts.masqueradeAll ?? (mode === 'iptables' && !(await bridgeNetfilter(run, log)));
  const proxier =
    mode === 'iptables'
      ? new IptablesProxier({ run, clusterCIDR, masqueradeAll })
      : new UserspaceProxier({
          ...opts.userspace,
          addressRunner: opts.userspace?.manageAddresses === false ? undefined : run,
          log,
        });

  const ownFactory = !opts.informers;
  const factory = opts.informers ?? new SharedInformerFactory(opts.client, { log });
  const services = factory.informerFor<Service & { metadata: object }>(SERVICES, { labelSelector: PROXY_LABEL_SELECTOR });
  const slices = factory.informerFor<EndpointSlice & { metadata: object }>(ENDPOINTSLICES, { labelSelector: PROXY_LABEL_SELECTOR });

  let current: ServicePortInfo[] = [];
  let firstSynced = false;
  const metrics = new ProxyMetrics();
  let lastUpdated: Date | undefined;
  let oldestPending: Date | undefined = new Date();
  const syncPeriodMs = opts.syncPeriodMs ?? 30_000;
  const firstWaiters = new Set<(ok: boolean) => void>();
  const runner = new BoundedFrequencyRunner(
    async (full) => {
      const started = performance.now();
      const ports = buildServicePorts(services.indexer.list(), slices.indexer.list(), opts.nodeName);
      try {
        await proxier.sync(ports, full);
      } catch (err) {
        metrics.restoreFailures++;
        throw err;
      }
      current = ports;
      metrics.observeSync((performance.now() - started) / 1000, full);
      if (proxier instanceof IptablesProxier) metrics.countRules(proxier.lastRules);
      lastUpdated = new Date();
      oldestPending = undefined;
      if (!firstSynced) {
        firstSynced = true;
        log(`kube-proxy: ${opts.nodeName}${opts.nodeIP ? ` (${opts.nodeIP})` : ''}: first sync done, ${ports.length} service ports (${mode})`);
        for (const w of [...firstWaiters]) w(true);
      }
    },
    { minIntervalMs: opts.minSyncPeriodMs ?? 1000, maxIntervalMs: syncPeriodMs, log: (l) => log(`kube-proxy: ${l}`) },
  );

  let cachesSynced = false;
  const changed = () => {
    metrics.queued();
    oldestPending ??= new Date();
    if (cachesSynced) runner.run();
  };
  const counting = (count: () => void) => {
    const on = () => (count(), changed());
    return { onAdd: on, onUpdate: on, onDelete: on };
  };
  const removers = [services.addEventHandler(counting(() => metrics.serviceChanges++)), slices.addEventHandler(counting(() => metrics.endpointChanges++))];
  const abort = new AbortController();
  let stopped = false;
  factory.start();
  void Promise.all([services.waitForSync(abort.signal), slices.waitForSync(abort.signal)]).then(([a, b]) => {
    if (!a || !b || stopped) return;
    cachesSynced = true;
    runner.runFull();
  });

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    abort.abort();
    for (const r of removers) r();
    await runner.stop();
    for (const w of [...firstWaiters]) w(false);
    if (ownFactory) await factory.shutdown();
    if (proxier instanceof UserspaceProxier) await proxier.stop();
  };
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });

  const rules = async (): Promise<ProxyRulesReport> => {
    const base = { node: opts.nodeName, lastSync: lastUpdated?.toISOString() ?? null };
    if (proxier instanceof UserspaceProxier) {
      return { ...base, mode: 'userspace', servicePorts: userspaceRules(current, proxier.listening(), opts.userspace?.nodePortAddress) };
    }
    // Read back what the kernel holds, not what was written: another writer may have changed it.
    const saved = (await mustRun(run, 'iptables-save', ['-t', 'nat'])) + (await mustRun(run, 'iptables-save', ['-t', 'filter']));
    return { ...base, mode: 'iptables', servicePorts: programmedRules(parseIptablesSave(saved), current) };
  };

  return {
    mode,
    metrics,
    health: () => ({ lastUpdated, oldestPending, healthy: !oldestPending || Date.now() - oldestPending.getTime() < 2 * syncPeriodMs }),
    rules,
    configuration: () => ({
      kind: 'KubeProxyConfiguration',
      apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
      hostnameOverride: opts.nodeName,
      bindAddress: opts.nodeIP ?? '0.0.0.0',
      clusterCIDR,
      mode,
      iptables: { masqueradeAll, masqueradeBit: 14, minSyncPeriod: `${(opts.minSyncPeriodMs ?? 1000) / 1000}s`, syncPeriod: `${syncPeriodMs / 1000}s` },
    }),
    waitForFirstSync(signal?: AbortSignal) {
      if (firstSynced) return Promise.resolve(true);
      if (stopped || signal?.aborted) return Promise.resolve(false);
      return new Promise((resolve) => {
        const done = (ok: boolean) => {
          firstWaiters.delete(done);
          resolve(ok);
        };
        firstWaiters.add(done);
        signal?.addEventListener('abort', () => done(false), { once: true });
      });
    },
    async syncNow() {
      runner.runFull();
      await runner.idle();
    },
    servicePorts: () => current,
    lastRules: () => (proxier instanceof IptablesProxier ? proxier.lastRules : ''),
    syncCount: () => runner.syncCount,
    stop,
  };
}

/** Makes bridged pod traffic pass through iptables (net.bridge.bridge-nf-call-iptables=1); false when it cannot. */
async function bridgeNetfilter(run: CommandRunner, log: (line: string) => void): Promise<boolean> {
  const key = 'net.bridge.bridge-nf-call-iptables';
  if ((await run('sysctl', ['-n', key])).stdout.trim() === '1') return true;
  if ((await run('sysctl', ['-qw', `${key}=1`])).code === 0) return true;
  log(`kube-proxy: ${key} is not available (br_netfilter not loaded): masquerading all ClusterIP traffic`);
  return false;
}
