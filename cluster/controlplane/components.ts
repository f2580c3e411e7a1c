/**
 * The control-plane components that run beside the API server in the same process —
 * scheduler, controller manager, and optionally hollow nodes — each as its own API
 * client with its own identity (a client certificate from the cluster CA, as kubeadm
 * writes scheduler.conf and controller-manager.conf), each under its own leader-election
 * Lease where upstream has one. They reach the cluster only through the API server.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { EventRecorder, RestClient, SharedInformerFactory } from '../client/index.js';
import type { ControllerHealth, Loopback } from '../client/index.js';
import { renderControllerMetrics, renderLeaderMetrics, runLeaderElected, startControllerManager } from '../controllers/manager.js';
import type { ControllerManager, ControllerManagerStatus, LeaderElected } from '../controllers/manager.js';
import { startHollowNodes } from '../nodes/hollow/index.js';
import type { HollowNodePool, HollowNodesOptions } from '../nodes/hollow/index.js';
import { issueClientCertificate } from '../pki/index.js';
import type { CertKeyPair, ClientCertificateRequest } from '../pki/index.js';
import { startScheduler } from '../scheduler/index.js';
import type { RunningScheduler } from '../scheduler/index.js';

export interface ComponentsOptions {
  /** https URL of the API server. */
  url: string;
  ca: CertKeyPair;
  log: (line: string) => void;
  /** Run the scheduler (default true). */
  scheduler?: boolean;
  /** `--controllers` of the controller manager; [] or `['-*']`-style lists allowed. Default all. */
  controllers?: string[];
  /** Run the controller manager (default true). */
  controllerManager?: boolean;
  nodeMonitorGracePeriodMs?: number;
  hollowNodes?: number;
  hollowNodeOptions?: Partial<Omit<HollowNodesOptions, 'client' | 'count' | 'log' | 'signal'>>;
  /**
   * The API server beside us, for a component's user (cluster/client/loopback.ts): its watches
   * in-process, its requests over in-memory connections; without it (a worker thread, another
   * process) every request goes over HTTPS.
   */
  loopback?: (user: { name: string; groups: string[] }) => Loopback;
}

export interface SchedulerStatus {
  leading: boolean;
  leader: string;
  /** The scheduler's own figures (cluster/scheduler metrics()). */
  metrics?: ReturnType<RunningScheduler['metrics']>;
}

export interface ComponentsHealth {
  scheduler?: SchedulerStatus;
  controllerManager?: ControllerManagerStatus;
  hollowNodes?: { nodes: number; podWorker: ControllerHealth };
}

export interface Components {
  health(): ComponentsHealth;
  /** Prometheus text of scheduler, controllers and hollow-node worker. */
  metrics(): string;
  /** Registers `n` more hollow nodes (starting the pool if none ran yet). */
  addHollowNodes(n: number): Promise<string[]>;
  readonly hollowNodes: HollowNodePool | undefined;
  /** Stops hollow nodes, controllers and scheduler, in that order. */
  stop(): Promise<void>;
}

/**
 * Identities follow kubeadm's component kubeconfigs (the user name shows in audit and
 * RBAC decisions), with only their bootstrap roles: system:kube-scheduler (plus
 * system:volume-scheduler) and system:kube-controller-manager. No system:masters.
 */
export const IDENTITIES: Readonly<Record<'scheduler' | 'controllerManager' | 'hollowNodes', ClientCertificateRequest>> = {
  scheduler: { commonName: 'system:kube-scheduler' },
  controllerManager: { commonName: 'system:kube-controller-manager' },
  hollowNodes: { commonName: 'system:node:kubarium-hollow-nodes', organizations: ['system:nodes'] },
};

/**
 * kube-controller-manager --use-service-account-credentials: each controller acts as
 * system:serviceaccount:kube-system:<sa> (bound to system:controller:<sa>). Upstream mints
 * that identity as a TokenRequest token and rotates it; here the control plane, which
 * holds the cluster CA, issues a client certificate naming the same user and the groups
 * the service-account authenticator would give, so RBAC sees exactly upstream's subject
 * with no token expiry to refresh.
 */
export function controllerIdentity(serviceAccount: string): ClientCertificateRequest {
  return { commonName: `system:serviceaccount:kube-system:${serviceAccount}`, organizations: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] };
}

async function clientFor(o: ComponentsOptions, who: ClientCertificateRequest, userAgent: string): Promise<RestClient> {
  const pair = await issueClientCertificate({ ca: o.ca }, who);
  // The same user the certificate names (CN, O → groups), as the server's x509 authenticator reads it.
  const loopback = o.loopback?.({ name: who.commonName, groups: who.organizations ?? [] });
  // In-memory connections carry only requests (and the odd virtual-resource watch).
  const maxSockets = loopback ? LOOPBACK_CLIENT_SOCKETS : undefined;
  return new RestClient({ server: o.url, ca: o.ca.cert, cert: pair.cert, key: pair.key, userAgent, loopback, maxSockets });
}

/**
 * In-memory connections of each component identity to the API server beside it: more
 * requests in flight than this (a scheduler with hundreds of binds under way) wait for one
 * to be free. Without loopback every watch holds a socket (the garbage collector watches
 * every resource), so that pool stays unbounded.
 */
const LOOPBACK_CLIENT_SOCKETS = 64;

interface SchedulerRun {
  scheduler: RunningScheduler;
  informers: SharedInformerFactory;
  recorder: EventRecorder;
}

export async function startComponents(o: ComponentsOptions): Promise<Components> {
  const log = o.log;
  const identity = `${hostname()}_${randomUUID()}`;
  const clients: RestClient[] = [];
  let sched: LeaderElected<SchedulerRun> | undefined;
  let cm: ControllerManager | undefined;
  let pool: HollowNodePool | undefined;
  let poolStarting: Promise<HollowNodePool> | undefined;
  let stopped = false;

  if (o.scheduler !== false) {
    const client = await clientFor(o, IDENTITIES.scheduler, 'kube-scheduler');
    clients.push(client);
    sched = runLeaderElected<SchedulerRun>({
      client,
      lease: 'kube-scheduler',
      identity,
      log,
      start: (signal) => {
        const informers = new SharedInformerFactory(client, { log });
        const recorder = new EventRecorder({ client, component: 'default-scheduler', log });
        const scheduler = startScheduler({ client, informers, recorder, log, signal });
        informers.start();
        return { scheduler, informers, recorder };
      },
      stop: async (r) => {
        await r.scheduler.stop();
        await r.informers.shutdown();
        await r.recorder.flush();
      },
    });
  }
  if (o.controllerManager !== false) {
    const client = await clientFor(o, IDENTITIES.controllerManager, 'kube-controller-manager');
    clients.push(client);
    cm = startControllerManager({
      client,
      controllerClient: (sa) => clientFor(o, controllerIdentity(sa), `kube-controller-manager/${sa}`),
      log,
      controllers: o.controllers,
      caCert: o.ca.cert,
      caKey: o.ca.key,
      identity,
      nodeMonitorGracePeriodMs: o.nodeMonitorGracePeriodMs,
    });
  }

  let hollowClient: RestClient | undefined;
  const ensurePool = async (n: number): Promise<HollowNodePool> => {
    if (pool) return pool;
    if (!poolStarting) {
      poolStarting = (async () => {
        hollowClient = await clientFor(o, IDENTITIES.hollowNodes, 'kubelet/hollow');
        clients.push(hollowClient);
        const recorder = new EventRecorder({ client: hollowClient, component: 'kubelet', log });
        return startHollowNodes({ ...o.hollowNodeOptions, client: hollowClient, count: n, log, recorder });
      })();
      pool = await poolStarting;
      return pool;
    }
    return poolStarting;
  };
  const addHollowNodes = async (n: number): Promise<string[]> => {
    if (stopped) throw new Error('control plane is stopped');
    if (!Number.isInteger(n) || n < 0) throw new Error(`hollow nodes: need a whole number, got ${n}`);
    if (!pool && !poolStarting) {
      const p = await ensurePool(n);
      return p.nodes;
    }
    return (await ensurePool(0)).add(n);
  };
  if (o.hollowNodes) await addHollowNodes(o.hollowNodes);

  const schedulerStatus = (): SchedulerStatus | undefined => {
    if (!sched) return undefined;
    const run = sched.current();
    return { leading: sched.isLeader(), leader: sched.leader(), metrics: run?.scheduler.metrics() };
  };

  return {
    get hollowNodes() {
      return pool;
    },
    health: () => ({
      scheduler: schedulerStatus(),
      controllerManager: cm?.status(),
      hollowNodes: pool ? { nodes: pool.nodes.length, podWorker: pool.health() } : undefined,
    }),
    metrics: () => {
      const run = sched?.current();
      const leases = [
        ...(sched ? [{ name: 'kube-scheduler', leading: sched.isLeader() }] : []),
        ...(cm ? [{ name: 'kube-controller-manager', leading: cm.status().leading }] : []),
      ];
      const loops = [...(cm?.health() ?? []), ...(pool ? [pool.health()] : [])];
      const schedulerText = run?.scheduler.renderPrometheus() ?? '';
      return renderLeaderMetrics(leases) + renderControllerMetrics(loops) + (schedulerText && !schedulerText.endsWith('\n') ? `${schedulerText}\n` : schedulerText);
    },
    addHollowNodes,
    async stop() {
      if (stopped) return;
      stopped = true;
      await (poolStarting?.catch(() => undefined) ?? Promise.resolve());
      await pool?.stop();
      await cm?.stop();
      await sched?.stop();
      for (const c of clients) c.close();
    },
  };
}
