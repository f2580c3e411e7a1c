/**
 * The control plane as one unit — the store, the API server and (as they land) the
 * scheduler and controller manager — started the same way by the Electron main
 * process and by the headless launcher. It writes the admin kubeconfig into the data
 * dir and reports ready once /readyz answers.
 */
import { mkdirSync } from 'node:fs';
import { request } from 'node:https';
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { startKubeAPIServer } from '../apiserver/index.js';
import { AesGcmTransformer } from '../apiserver/storage/transformer.js';
import { loadOrCreateClusterPKI, writeKubeconfig } from '../pki/index.js';
import { openEtcdStore } from '../store/etcd/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/types.js';
import { startComponentsInProcess, startComponentsThread } from './components-thread.js';
import { prepareNodes } from './nodes.js';
import { ProgressFeed, type ProgressHandle } from './progress.js';
import type { ClusterNodes } from './nodes.js';
import { RestClient } from '../client/index.js';
import type { ComponentsThread } from './components-thread.js';
import type { ControlPlane, ControlPlaneHealth, ControlPlaneOptions } from './types.js';

export type { ControlPlane, ControlPlaneHealth, ControlPlaneOptions } from './types.js';

/** The platform's app-data folder, as Electron's app.getPath('userData') would pick it. */
export function defaultDataDir(): string {
  if (process.env.KUBARIUM_DATA_DIR) return process.env.KUBARIUM_DATA_DIR;
  switch (process.platform) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Kubarium');
    case 'win32':
      return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kubarium');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Kubarium');
  }
}

/** This host's own addresses, for the serving certificate (node containers reach the API server on one of them). */
function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) out.push(a.address);
  return out;
}

async function openStore(opts: ControlPlaneOptions): Promise<Store> {
  if (opts.etcdServers?.length) return openEtcdStore({ endpoints: opts.etcdServers });
  return openSqliteStore({ path: join(opts.dataDir, 'store.db') });
}

/** One GET /readyz: undefined when ready, else why not. */
function probeReady(url: string, ca: string, cert: string, key: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = request(`${url}/readyz`, { ca, cert, key, timeout: 5000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? undefined : `/readyz answered ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('/readyz timed out')));
    req.on('error', (err) => resolve(err.message));
    req.end();
  });
}

function waitReady(url: string, ca: string, cert: string, key: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      void probeReady(url, ca, cert, key).then((why) => (why === undefined ? resolve() : retry(new Error(why))));
    };
    const retry = (err: Error) => {
      if (Date.now() > deadline) reject(new Error(`API server not ready: ${err.message}`));
      else setTimeout(attempt, 50);
    };
    attempt();
  });
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const host = opts.host ?? '127.0.0.1';
  const progress = opts.progress ?? new ProgressFeed();
  // Phases of the start as the explorer's progress area shows them; node images and node starts report their own tasks.
  const startTask = progress.start('Start the control plane', { total: opts.nodes ? 5 : 4, phase: 'preparing the data folder' });
  try {
    const plane = await startPlane(opts, log, host, progress, startTask);
    startTask.finish('running');
    return plane;
  } catch (err) {
    startTask.fail(err);
    throw err;
  }
}

async function startPlane(opts: ControlPlaneOptions, log: (line: string) => void, host: string, progress: ProgressFeed, startTask: ProgressHandle): Promise<ControlPlane> {
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  // Node containers reach the API server at their network's gateway: that address goes into the serving certificate.
  if (opts.nodes) startTask.phase('node images and network', 0);
  const prepared = opts.nodes ? await prepareNodes({ dataDir: opts.dataDir, log, progress }) : undefined;
  startTask.phase('certificates and store');
  const addresses = hostAddresses();
  const extra = [...(opts.extraSANs ?? []), ...(prepared ? [prepared.network.gateway] : [])];
  const pki = await loadOrCreateClusterPKI(join(opts.dataDir, 'pki'), {
    serverNames: extra.filter((s) => !/^[\d.:]+$/.test(s)),
    serverIPs: [...addresses, ...extra.filter((s) => /^[\d.:]+$/.test(s)), ...(host !== '0.0.0.0' ? [host] : [])],
  });
  const store = await openStore(opts);
  let apiserver;
  startTask.phase('API server');
  // The scheduler's and controllers' own metrics join the API server's /metrics once they run.
  let componentMetrics: (() => Promise<string>) | undefined;
  try {
    apiserver = await startKubeAPIServer({
      store,
      pki,
      host,
      port: opts.port ?? 6443,
      advertiseAddress: prepared?.network.gateway ?? addresses[0] ?? '127.0.0.1',
      extraMetrics: () => componentMetrics?.().catch(() => '') ?? '',
      log,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${apiserver.port}`;
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, ca: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
  let components: ComponentsThread;
  let nodes: ClusterNodes | undefined;
  try {
    await waitReady(url, pki.ca.cert, pki.admin.cert, pki.admin.key);
    startTask.phase('scheduler and controllers');
    // Scheduler, controller manager and hollow nodes: API clients of their own, started once the API answers.
    // On this event loop by default; KUBARIUM_COMPONENTS_THREAD=1 runs them in a worker thread (see components-thread.ts
    // for why that is not the default yet).
    const start = process.env.KUBARIUM_COMPONENTS_THREAD === '1' ? startComponentsThread : startComponentsInProcess;
    components = await start({
      url,
      ca: pki.ca,
      log,
      scheduler: opts.scheduler,
      controllerManager: opts.controllerManager,
      controllers: opts.controllers,
      nodeMonitorGracePeriodMs: opts.nodeMonitorGracePeriodMs,
      hollowNodes: opts.hollowNodes,
      hollowNodeOptions: opts.hollowNodeOptions,
      loopback: (user) => apiserver.loopback(user),
    });
    componentMetrics = () => components.metrics();
  } catch (err) {
    await apiserver.stop();
    await store.close();
    throw err;
  }
  if (prepared) {
    const admin = new RestClient({ server: url, ca: pki.ca.cert, cert: pki.admin.cert, key: pki.admin.key, userAgent: 'kubarium-nodes' });
    startTask.phase(`${opts.nodes} node${opts.nodes === 1 ? '' : 's'}`);
    try {
      nodes = await prepared.start({ count: opts.nodes ?? 0, apiPort: apiserver.port, caCert: pki.ca.cert, client: admin });
    } catch (err) {
      admin.close();
      await components.stop().catch(() => undefined);
      await apiserver.stop();
      await store.close();
      throw err;
    }
  }
  log(`control plane up: ${url} (store: ${store.backend})`);
  let stopped: Promise<void> | undefined;
  return {
    url,
    port: apiserver.port,
    kubeconfigPath,
    dataDir: opts.dataDir,
    nodeManager: nodes?.manager,
    clusterId: prepared?.clusterId,
    progress,
    addNode: nodes && (() => nodes!.add()),
    removeNode: nodes && ((name: string) => nodes!.remove(name)),
    storeView: {
      backend: store.backend,
      currentRevision: () => store.currentRevision(),
      compactRevision: () => store.compactRevision(),
      get: (key, revision) => store.get(key, revision),
      range: (prefix, rangeOpts) => store.range(prefix, rangeOpts),
      watch: (watchOpts, handlers) => store.watch(watchOpts, handlers),
      decrypt: (key, value) => (key.startsWith('/registry/secrets/') ? new AesGcmTransformer(pki.encryptionKey).fromStorage(key, value) : value),
    },
    async health(): Promise<ControlPlaneHealth> {
      const why = await probeReady(url, pki.ca.cert, pki.admin.cert, pki.admin.key);
      return { apiserver: why === undefined ? { ready: true } : { ready: false, message: why }, ...(await components.health()) };
    },
    metrics: () => components.metrics(),
    addHollowNodes: (n) =>
      progress.track(`Add ${n} hollow node${n === 1 ? '' : 's'}`, async (task) => {
        const names = await components.addHollowNodes(n);
        task.finish(`registered ${names.join(', ')}`);
        return names;
      }, { phase: 'registering' }),
    hollowNodes: () => components.hollowNodeStatus(),
    stop: () =>
      (stopped ??= (async () => {
        // Clients before the server they talk to, as a node shutdown stops kubelets and controllers first.
        await nodes?.stop();
        await components.stop().catch((err: Error) => log(`stopping components: ${err.message}`));
        await apiserver.stop();
        await store.close();
      })()),
  };
}
