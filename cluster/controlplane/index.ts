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
import { loadOrCreateClusterPKI, writeKubeconfig } from '../pki/index.js';
import { openEtcdStore } from '../store/etcd/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/types.js';
import type { ControlPlane, ControlPlaneOptions } from './types.js';

export type { ControlPlane, ControlPlaneOptions } from './types.js';

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

function waitReady(url: string, ca: string, cert: string, key: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const req = request(`${url}/readyz`, { ca, cert, key }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else retry(new Error(`/readyz answered ${res.statusCode}`));
      });
      req.on('error', retry);
      req.end();
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
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  const addresses = hostAddresses();
  const extra = opts.extraSANs ?? [];
  const pki = await loadOrCreateClusterPKI(join(opts.dataDir, 'pki'), {
    serverNames: extra.filter((s) => !/^[\d.:]+$/.test(s)),
    serverIPs: [...addresses, ...extra.filter((s) => /^[\d.:]+$/.test(s)), ...(host !== '0.0.0.0' ? [host] : [])],
  });
  const store = await openStore(opts);
  let apiserver;
  try {
    apiserver = await startKubeAPIServer({
      store,
      pki,
      host,
      port: opts.port ?? 6443,
      advertiseAddress: addresses[0] ?? '127.0.0.1',
      log,
    });
  } catch (err) {
    await store.close();
    throw err;
  }
  const url = `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${apiserver.port}`;
  const kubeconfigPath = join(opts.dataDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, { server: url, ca: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
  await waitReady(url, pki.ca.cert, pki.admin.cert, pki.admin.key);
  log(`control plane up: ${url} (store: ${store.backend})`);
  let stopped: Promise<void> | undefined;
  return {
    url,
    port: apiserver.port,
    kubeconfigPath,
    dataDir: opts.dataDir,
    stop: () =>
      (stopped ??= (async () => {
        await apiserver.stop();
        await store.close();
      })()),
  };
}
