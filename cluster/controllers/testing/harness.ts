/**
 * Integration-test harness shared by the controllers in cluster/controllers: a real
 * control plane (`kubarium up`), a client and shared informers against it, and a
 * ControllerContext to start controllers with. Each controller runs as its own service
 * account (kube-system/<sa>, bound to system:controller:<sa>), as the controller manager
 * runs it, so a missing RBAC rule fails the test. Test support only.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventRecorder, RestClient, SharedInformerFactory } from '../../client/index.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import { PKI_FILES, issueClientCertificate } from '../../pki/index.js';
import { launchCluster } from '../../../test/support/cluster.js';
import type { LaunchedCluster, LaunchOptions } from '../../../test/support/cluster.js';
import type { ControllerContext, ControllerStarter, RunningController } from '../context.js';

/** A controller to start and the service account in kube-system it runs as. */
export type HarnessController = readonly [serviceAccount: string, start: ControllerStarter];

export interface Harness {
  cluster: LaunchedCluster;
  /** Admin client, for the test's own reads and writes. */
  client: RestClient;
  /** Shared informers (admin client); the controllers register on them. */
  informers: SharedInformerFactory;
  /** Context with the admin client, for controllers a test builds by hand. */
  ctx: ControllerContext;
  /** The cluster CA PEM (from the kubeconfig's certificate-authority-data). */
  caCert: string;
  /** What the controllers under test logged. */
  logLines: string[];
  /** A client authenticated as system:serviceaccount:kube-system:<serviceAccount>. */
  clientAs(serviceAccount: string): Promise<RestClient>;
  /** Starts controllers, each with its service account's client, then the shared informers (as the manager does). */
  start(...controllers: HarnessController[]): Promise<RunningController[]>;
  stop(): Promise<void>;
}

/**
 * The cluster runs its own controller manager too; pass launch options such as
 * `QUIET` (only the namespace controller, no scheduler) to keep the cluster's own
 * loops from writing the test's objects behind its back.
 */
export const QUIET: LaunchOptions = { args: ['--controllers', 'namespace-controller', '--no-scheduler'] };

export async function startHarness(launch: LaunchOptions = {}): Promise<Harness> {
  const cluster = await launchCluster(launch);
  const client = RestClient.fromKubeconfig(cluster.kubeconfig, { userAgent: 'kube-controller-manager-test' });
  const informers = new SharedInformerFactory(client, { log: () => {} });
  const abort = new AbortController();
  const recorders: EventRecorder[] = [];
  const lines: string[] = [];
  const ctx: ControllerContext = {
    client,
    informers,
    recorder(component) {
      const r = new EventRecorder({ client, component, log: () => {} });
      recorders.push(r);
      return r;
    },
    log: (line) => {
      lines.push(line);
      if (process.env.KUBARIUM_TEST_VERBOSE) process.stderr.write(`[controllers] ${line}\n`);
    },
    signal: abort.signal,
  };
  const running: RunningController[] = [];
  const pki = join(cluster.dataDir, 'pki');
  const ca = { cert: readFileSync(join(pki, PKI_FILES.caCert), 'utf8'), key: readFileSync(join(pki, PKI_FILES.caKey), 'utf8') };
  const saClients: RestClient[] = [];
  /** The identity controlplane/components.ts gives the controller manager's loops. */
  const clientAs = async (serviceAccount: string) => {
    const pair = await issueClientCertificate(
      { ca },
      { commonName: `system:serviceaccount:kube-system:${serviceAccount}`, organizations: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
    );
    const c = new RestClient({ server: cluster.url, ca: ca.cert, cert: pair.cert, key: pair.key, userAgent: `kube-controller-manager-test/${serviceAccount}` });
    saClients.push(c);
    return c;
  };
  return {
    cluster,
    client,
    informers,
    ctx,
    caCert: loadKubeconfig(cluster.kubeconfig).ca ?? '',
    logLines: lines,
    clientAs,
    async start(...controllers) {
      const started: RunningController[] = [];
      for (const [serviceAccount, start] of controllers) {
        const own = await clientAs(serviceAccount);
        const r = start({
          ...ctx,
          client: own,
          recorder(component) {
            const rec = new EventRecorder({ client: own, component, log: () => {} });
            recorders.push(rec);
            return rec;
          },
        });
        started.push(...(Array.isArray(r) ? r : [r]));
      }
      running.push(...started);
      informers.start();
      return started;
    },
    async stop() {
      abort.abort();
      await Promise.all(running.map((r) => r.stop()));
      await informers.shutdown();
      await Promise.all(recorders.map((r) => r.flush()));
      client.close();
      for (const c of saClients) c.close();
      await cluster.stop();
    },
  };
}

/**
 * Polls `fn` until it returns a value other than undefined/false, or fails after `limitMs`.
 * `fn` may call `seen(x)` to have the last state it saw named in the timeout's message.
 */
export async function eventually<T>(
  fn: (seen: (state: unknown) => void) => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  limitMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  let lastErr: unknown;
  let last: unknown;
  const seen = (state: unknown) => {
    last = state;
  };
  for (;;) {
    try {
      const v = await fn(seen);
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const state = last === undefined ? '' : `; last seen: ${JSON.stringify(last).slice(0, 2000)}`;
      throw new Error(`timed out waiting for ${what}${lastErr ? `: ${(lastErr as Error).message}` : ''}${state}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves the object, or undefined on 404. */
export { getOrUndefined } from '../../client/index.js';
