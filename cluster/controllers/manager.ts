/**
 * The controller manager (kube-controller-manager's app/controllermanager.go in small):
 * under leader election on Lease kube-system/kube-controller-manager it builds one
 * ControllerContext — a shared informer factory, an EventRecorder per controller — calls
 * every enabled starter of the registry below, then starts the informers (so every
 * controller's handlers are in before the first list, as upstream's
 * InformerFactory.Start after StartControllers). Losing the lease stops every loop and
 * campaigns again, so two control planes on one store never both act. Health and a
 * Prometheus text of the loops (workqueue_* as client-go's workqueue metrics name them)
 * are for the UI and /metrics.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { EventRecorder, LeaderElector, SharedInformerFactory } from '../client/index.js';
import type { ControllerHealth, RestClient } from '../client/index.js';
import type { ControllerContext, ControllerStarter, RunningController } from './context.js';
import { startCSRApprovingController, startCSRSigningController } from './certificates/index.js';
import { startCronJobController } from './cronjob/index.js';
import { startDaemonSetController } from './daemonset/index.js';
import { startDeploymentController } from './deployment/index.js';
import { startDisruptionController } from './disruption/index.js';
import { startEndpointsController } from './endpoints/index.js';
import { startEndpointSliceController } from './endpointslice/index.js';
import { startGarbageCollector } from './garbagecollector/index.js';
import { startJobController, startTTLAfterFinishedController } from './job/index.js';
import { startNamespaceController } from './namespace/index.js';
import { startNodeIpamController } from './nodeipam/index.js';
import { startNodeLifecycleController } from './nodelifecycle/index.js';
import { startHorizontalPodAutoscalerController } from './podautoscaler/index.js';
import { startReplicaSetController, startReplicationControllerController } from './replicaset/index.js';
import { startResourceQuotaController } from './resourcequota/index.js';
import { startRootCACertController } from './rootcacert/index.js';
import { startServiceAccountController } from './serviceaccount/index.js';
import { startStatefulSetController } from './statefulset/index.js';

/** What the manager knows that some controllers need beyond the context. */
export interface ControllerEnv {
  /** The cluster CA certificate (PEM), published into every namespace as kube-root-ca.crt. */
  caCert: string;
  /** The cluster CA's private key (--cluster-signing-key-file): without it the CSR signer does not run. */
  caKey?: string;
  /** kube-controller-manager --node-monitor-grace-period (default 40 s upstream). */
  nodeMonitorGracePeriodMs?: number;
}

export interface ControllerRegistration {
  /** Upstream's --controllers name, e.g. `job-controller` (also accepted without `-controller`). */
  name: string;
  /**
   * The service account in kube-system it runs as (upstream ClientBuilder.ClientOrDie(name)
   * with --use-service-account-credentials), bound to ClusterRole system:controller:<name>.
   */
  serviceAccount: string;
  start: (ctx: ControllerContext, env: ControllerEnv) => ReturnType<ControllerStarter>;
}

/** Every controller the manager can run; adding one is one line. Upstream names (NewControllerDescriptors). */
export const CONTROLLERS: readonly ControllerRegistration[] = [
  { name: 'certificatesigningrequest-approving-controller', serviceAccount: 'certificate-controller', start: (ctx) => startCSRApprovingController(ctx) },
  {
    name: 'certificatesigningrequest-signing-controller',
    serviceAccount: 'certificate-controller',
    start: (ctx, env) => (env.caKey ? startCSRSigningController(ctx, { ca: { cert: env.caCert, key: env.caKey } }) : []),
  },
  { name: 'cronjob-controller', serviceAccount: 'cronjob-controller', start: (ctx) => startCronJobController(ctx) },
  { name: 'daemonset-controller', serviceAccount: 'daemon-set-controller', start: (ctx) => startDaemonSetController(ctx) },
  { name: 'deployment-controller', serviceAccount: 'deployment-controller', start: (ctx) => startDeploymentController(ctx) },
  { name: 'disruption-controller', serviceAccount: 'disruption-controller', start: (ctx) => startDisruptionController(ctx) },
  { name: 'endpoints-controller', serviceAccount: 'endpoint-controller', start: (ctx) => startEndpointsController(ctx) },
  { name: 'endpointslice-controller', serviceAccount: 'endpointslice-controller', start: (ctx) => startEndpointSliceController(ctx) },
  { name: 'garbage-collector-controller', serviceAccount: 'generic-garbage-collector', start: (ctx) => startGarbageCollector(ctx) },
  { name: 'horizontal-pod-autoscaler-controller', serviceAccount: 'horizontal-pod-autoscaler', start: (ctx) => startHorizontalPodAutoscalerController(ctx) },
  { name: 'job-controller', serviceAccount: 'job-controller', start: (ctx) => startJobController(ctx) },
  { name: 'ttl-after-finished-controller', serviceAccount: 'ttl-after-finished-controller', start: (ctx) => startTTLAfterFinishedController(ctx) },
  { name: 'namespace-controller', serviceAccount: 'namespace-controller', start: (ctx) => startNamespaceController(ctx) },
  { name: 'node-ipam-controller', serviceAccount: 'node-controller', start: (ctx) => startNodeIpamController(ctx) },
  { name: 'node-lifecycle-controller', serviceAccount: 'node-controller', start: (ctx, env) => startNodeLifecycleController(ctx, { nodeMonitorGracePeriodMs: env.nodeMonitorGracePeriodMs }) },
  { name: 'replicaset-controller', serviceAccount: 'replicaset-controller', start: (ctx) => startReplicaSetController(ctx) },
  { name: 'replicationcontroller-controller', serviceAccount: 'replication-controller', start: (ctx) => startReplicationControllerController(ctx) },
  { name: 'resourcequota-controller', serviceAccount: 'resourcequota-controller', start: (ctx) => startResourceQuotaController(ctx) },
  { name: 'root-ca-certificate-publisher-controller', serviceAccount: 'root-ca-cert-publisher', start: (ctx, env) => startRootCACertController(ctx, { caCert: env.caCert }) },
  { name: 'serviceaccount-controller', serviceAccount: 'service-account-controller', start: (ctx) => startServiceAccountController(ctx) },
  { name: 'statefulset-controller', serviceAccount: 'statefulset-controller', start: (ctx) => startStatefulSetController(ctx) },
];

/**
 * Which registrations `--controllers` selects: `*` all, `name` one, `-name` not that one
 * (upstream IsControllerEnabled); names may omit the `-controller` suffix. Unknown names throw.
 */
export function selectControllers(all: readonly ControllerRegistration[], spec: readonly string[] = ['*']): ControllerRegistration[] {
  const canonical = (n: string) => (n.endsWith('-controller') ? n : `${n}-controller`);
  const known = new Set(all.map((c) => c.name));
  const on = new Set<string>();
  const off = new Set<string>();
  let star = false;
  for (const raw of spec) {
    const s = raw.trim();
    if (!s) continue;
    if (s === '*') {
      star = true;
      continue;
    }
    const neg = s.startsWith('-');
    const name = canonical(neg ? s.slice(1) : s);
    if (!known.has(name)) throw new Error(`unknown controller "${s}"; known: ${[...known].join(', ')}`);
    (neg ? off : on).add(name);
  }
  return all.filter((c) => !off.has(c.name) && (on.has(c.name) || star));
}

export interface LeaderElectedOptions<R> {
  client: RestClient;
  /** Lease name in kube-system, e.g. `kube-scheduler`. */
  lease: string;
  identity?: string;
  log: (line: string) => void;
  /** Starts the component once leading; `signal` aborts when leadership ends. */
  start: (signal: AbortSignal) => R | Promise<R>;
  /** Stops what `start` returned. */
  stop: (running: R) => Promise<void>;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface LeaderElected<R> {
  readonly identity: string;
  isLeader(): boolean;
  /** The holder last seen on the Lease. */
  leader(): string;
  /** What `start` returned while leading. */
  current(): R | undefined;
  /** Stops the component (if leading), then releases the Lease. */
  stop(): Promise<void>;
}

/**
 * Runs a component only while holding a Lease (client-go leaderelection.RunOrDie, except
 * that losing the lease stops the component and campaigns again instead of exiting).
 */
export function runLeaderElected<R>(opts: LeaderElectedOptions<R>): LeaderElected<R> {
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  let elector: LeaderElector | undefined;
  let running: R | undefined;
  let starting: Promise<void> = Promise.resolve();
  let stopped = false;
  let lastLeader = '';

  const stopComponent = async () => {
    await starting;
    const r = running;
    running = undefined;
    if (r !== undefined) await opts.stop(r);
  };

  const campaign = async () => {
    while (!stopped) {
      const e = new LeaderElector({
        client: opts.client,
        name: opts.lease,
        identity,
        releaseOnCancel: true,
        // Only the periods given: an explicit undefined would override LeaderElector's defaults.
        ...(opts.leaseDurationMs !== undefined && { leaseDurationMs: opts.leaseDurationMs }),
        ...(opts.renewDeadlineMs !== undefined && { renewDeadlineMs: opts.renewDeadlineMs }),
        ...(opts.retryPeriodMs !== undefined && { retryPeriodMs: opts.retryPeriodMs }),
        log: opts.log,
        onNewLeader: (id) => {
          lastLeader = id;
          if (id !== identity) opts.log(`${opts.lease}: leader is ${id}`);
        },
        onStartedLeading: (signal) => {
          // The component's informers and loops all listen on it.
          setMaxListeners(0, signal);
          opts.log(`${opts.lease}: became leader (${identity})`);
          starting = (async () => {
            try {
              const r = await opts.start(signal);
              if (signal.aborted) await opts.stop(r);
              else running = r;
            } catch (err) {
              opts.log(`${opts.lease}: failed to start: ${(err as Error).stack ?? String(err)}`);
            }
          })();
        },
        onStoppedLeading: () => opts.log(`${opts.lease}: stopped leading`),
      });
      elector = e;
      await e.run();
      // Leadership lost (or stop()): the component must be down before anyone campaigns again.
      await stopComponent();
    }
  };
  const done = campaign().catch((err: Error) => opts.log(`${opts.lease}: leader election failed: ${err.stack ?? err.message}`));

  return {
    identity,
    isLeader: () => elector?.isLeader() ?? false,
    leader: () => elector?.getLeader() || lastLeader,
    current: () => running,
    async stop() {
      if (stopped) return done;
      stopped = true;
      // The component first, so it never acts after the Lease is released to a successor.
      await stopComponent();
      await elector?.stop();
      await done;
    },
  };
}

/** Makes the client a controller acts with, for its service account in kube-system. */
export type ControllerClientFactory = (serviceAccount: string) => RestClient | Promise<RestClient>;

export interface ControllerManagerOptions {
  /**
   * The manager's own client (system:kube-controller-manager): leader election and the
   * shared informers, as upstream's root client builder.
   */
  client: RestClient;
  /**
   * `--use-service-account-credentials`: each controller writes (and records Events)
   * through its own client, made once per service account. Without it every controller
   * uses `client`.
   */
  controllerClient?: ControllerClientFactory;
  log: (line: string) => void;
  /** Stops the manager when aborted. */
  signal?: AbortSignal;
  /** `--controllers`: default all (`*`). */
  controllers?: string[];
  caCert: string;
  /** The CA's private key, for the CSR signer. */
  caKey?: string;
  /** kube-controller-manager --node-monitor-grace-period; default the controller's (40 s). */
  nodeMonitorGracePeriodMs?: number;
  /** Extra or replacement registrations (tests). Default CONTROLLERS. */
  registry?: readonly ControllerRegistration[];
  /** Leader election; default on. Off runs the loops at once (single-process tests). */
  leaderElection?: boolean;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface ControllerManagerStatus {
  leading: boolean;
  leader: string;
  identity: string;
  controllers: ControllerHealth[];
}

export interface ControllerManager {
  /** Health of every running loop (empty while another instance leads). */
  health(): ControllerHealth[];
  status(): ControllerManagerStatus;
  /** Prometheus text exposition of the loops. */
  renderPrometheus(): string;
  stop(): Promise<void>;
}

interface RunningSet {
  controllers: RunningController[];
  failed: ControllerHealth[];
  informers: SharedInformerFactory;
  abort: AbortController;
  recorders: EventRecorder[];
}

function failedHealth(name: string, err: unknown): ControllerHealth {
  const message = err instanceof Error ? err.message : String(err);
  return { name, running: false, workers: 0, queueDepth: 0, inFlight: 0, reconciles: 0, failures: 1, dropped: 0, lastError: { key: '', message: `failed to start: ${message}`, at: new Date().toISOString() } };
}

/** One client per service account, made on first use and kept across leadership terms. */
class ControllerClients {
  private readonly made = new Map<string, Promise<RestClient>>();
  constructor(private readonly opts: ControllerManagerOptions) {}
  get(serviceAccount: string): Promise<RestClient> {
    const factory = this.opts.controllerClient;
    if (!factory) return Promise.resolve(this.opts.client);
    let c = this.made.get(serviceAccount);
    if (!c) this.made.set(serviceAccount, (c = Promise.resolve(factory(serviceAccount))));
    return c;
  }
  async close(): Promise<void> {
    for (const c of this.made.values()) (await c.catch(() => undefined))?.close();
    this.made.clear();
  }
}

/** Builds a context per controller (its own client and recorders), calls the starters, then starts the informers. */
async function startLoops(opts: ControllerManagerOptions, selected: readonly ControllerRegistration[], leadership: AbortSignal, clients: ControllerClients): Promise<RunningSet> {
  const abort = new AbortController();
  const signal = AbortSignal.any([abort.signal, leadership]);
  // Every controller listens on it: more than the default 10 listeners is expected.
  setMaxListeners(0, signal, leadership);
  const informers = new SharedInformerFactory(opts.client, { log: opts.log });
  const recorders = new Map<string, EventRecorder>();
  const controllers: RunningController[] = [];
  const failed: ControllerHealth[] = [];
  for (const reg of selected) {
    try {
      const client = await clients.get(reg.serviceAccount);
      const ctx: ControllerContext = {
        client,
        informers,
        recorder: (component) => {
          const key = `${reg.serviceAccount}\0${component}`;
          let r = recorders.get(key);
          if (!r) recorders.set(key, (r = new EventRecorder({ client, component, log: opts.log })));
          return r;
        },
        log: opts.log,
        signal,
      };
      const started = reg.start(ctx, { caCert: opts.caCert, caKey: opts.caKey, nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs });
      controllers.push(...(Array.isArray(started) ? started : [started]));
    } catch (err) {
      opts.log(`controller-manager: ${reg.name} failed to start: ${(err as Error).stack ?? String(err)}`);
      failed.push(failedHealth(reg.name, err));
    }
  }
  informers.start();
  opts.log(`controller-manager: started ${controllers.length} loops (${selected.map((r) => r.name.replace(/-controller$/, '')).join(', ')})`);
  return { controllers, failed, informers, abort, recorders: [...recorders.values()] };
}

async function stopLoops(set: RunningSet, log: (line: string) => void): Promise<void> {
  set.abort.abort();
  await Promise.all(
    set.controllers.map((c) => c.stop().catch((err: Error) => log(`controller-manager: stopping ${c.name}: ${err.message}`))),
  );
  await set.informers.shutdown();
  await Promise.all(set.recorders.map((r) => r.flush()));
}

const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** leader_election_master_status for each named lease (client-go's leader election metric). */
export function renderLeaderMetrics(entries: ReadonlyArray<{ name: string; leading: boolean }>): string {
  if (!entries.length) return '';
  const out = [
    '# HELP leader_election_master_status Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master.',
    '# TYPE leader_election_master_status gauge',
    ...entries.map((e) => `leader_election_master_status{name="${esc(e.name)}"} ${e.leading ? 1 : 0}`),
  ];
  return `${out.join('\n')}\n`;
}

/** Prometheus text of loop health: client-go's workqueue_* names plus kubarium_controller_* for the rest. */
export function renderControllerMetrics(health: readonly ControllerHealth[]): string {
  if (!health.length) return '';
  const out: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string, value: (h: ControllerHealth) => number) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const h of health) out.push(`${name}{name="${esc(h.name)}"} ${value(h)}`);
  };
  family('workqueue_depth', 'gauge', 'Current depth of workqueue', (h) => h.queueDepth);
  family('workqueue_adds_total', 'counter', 'Total number of adds handled by workqueue (lower bound: processed keys plus queued ones)', (h) => h.reconciles + h.queueDepth + h.inFlight);
  family('workqueue_retries_total', 'counter', 'Total number of retries handled by workqueue', (h) => h.failures - h.dropped);
  family('workqueue_unfinished_work', 'gauge', 'Keys being processed right now', (h) => h.inFlight);
  family('kubarium_controller_workers', 'gauge', 'Worker count of the loop', (h) => h.workers);
  family('kubarium_controller_running', 'gauge', '1 when the loop has synced caches and runs its workers', (h) => (h.running ? 1 : 0));
  family('kubarium_controller_reconciles_total', 'counter', 'Reconciles run by the loop', (h) => h.reconciles);
  family('kubarium_controller_reconcile_errors_total', 'counter', 'Reconciles that returned an error', (h) => h.failures);
  family('kubarium_controller_dropped_total', 'counter', 'Keys dropped after too many retries', (h) => h.dropped);
  return `${out.join('\n')}\n`;
}

export function startControllerManager(opts: ControllerManagerOptions): ControllerManager {
  const selected = selectControllers(opts.registry ?? CONTROLLERS, opts.controllers);
  const identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
  const clients = new ControllerClients(opts);
  let direct: RunningSet | undefined;
  let directStart: Promise<void> | undefined;
  let elected: LeaderElected<RunningSet> | undefined;
  if (opts.leaderElection === false) {
    directStart = startLoops(opts, selected, new AbortController().signal, clients).then((set) => {
      direct = set;
    });
  } else {
    elected = runLeaderElected<RunningSet>({
      client: opts.client,
      lease: 'kube-controller-manager',
      identity,
      log: opts.log,
      start: (signal) => startLoops(opts, selected, signal, clients),
      stop: (set) => stopLoops(set, opts.log),
      leaseDurationMs: opts.leaseDurationMs,
      renewDeadlineMs: opts.renewDeadlineMs,
      retryPeriodMs: opts.retryPeriodMs,
    });
  }
  const current = () => direct ?? elected?.current();
  const health = () => {
    const set = current();
    return set ? [...set.controllers.map((c) => c.health()), ...set.failed] : [];
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      await directStart?.catch(() => undefined);
      if (direct) await stopLoops(direct, opts.log);
      await elected?.stop();
      await clients.close();
    })());
  opts.signal?.addEventListener('abort', () => void stop(), { once: true });
  const leading = () => (directStart ? true : (elected?.isLeader() ?? false));
  return {
    health,
    status: () => ({ leading: leading(), leader: directStart ? identity : (elected?.leader() ?? ''), identity, controllers: health() }),
    renderPrometheus: () => renderLeaderMetrics([{ name: 'kube-controller-manager', leading: leading() }]) + renderControllerMetrics(health()),
    stop,
  };
}
