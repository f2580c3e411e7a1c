/**
 * The node agent: the program each node container runs beside its Docker engine (as a
 * systemd unit runs the kubelet on a kubeadm node). It joins the cluster with the
 * bootstrap token (TLS bootstrap → a `system:node:<name>` client certificate), then
 * runs the kubelet over the node's own engine, the pod routes to the other nodes (a
 * kindnet-like CNI) and kube-proxy. Bundled into one file for the node
 * image (bundle.ts); started and restarted by resources/node-image/entrypoint.sh.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { DEFAULT_CLUSTER_DNS_IP } from '../../addons/dns/manifest.js';
import { RestClient } from '../../client/index.js';
import { parseResolvConf } from '../../kubelet/dns-config.js';
import { startKubelet } from '../../kubelet/kubelet.js';
import { machineCapacity, systemInfo } from '../../kubelet/machine-info.js';
import { KUBELET_PORT } from '../../kubelet/node-status.js';
import { DockerRuntime } from '../../kubelet/runtime/docker-runtime.js';
import { PAUSE_IMAGE } from '../image/pod-images.js';
import { DEFAULT_STATIC_POD_PATH } from '../../kubelet/static-pods.js';
import { startKubeletServer } from '../../kubelet/server/index.js';
import { statsHandlers } from '../../kubelet/stats/index.js';
import { bootstrapClientCertificate } from '../../kubelet/tls-bootstrap.js';
import { selfSignedKubeletServingCertificate } from '../../pki/index.js';
import { startKubeProxy, startPodRoutes, startProxyServers } from '../../proxy/index.js';
import { agentConfig } from './config.js';

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);

/** Resolves once the engine has `ref`, or after `timeoutMs` (the kubelet then pulls it as usual). */
async function waitForImage(docker: Docker, ref: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let logged = false; Date.now() < deadline; ) {
    try {
      await docker.getImage(ref).inspect();
      return;
    } catch {
      if (!logged) log(`kubarium node agent: waiting for the pod images (${ref}) to be loaded`);
      logged = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

async function main(): Promise<void> {
  const cfg = agentConfig(process.env);
  const stop = new AbortController();
  log(`kubarium node agent: node ${cfg.nodeName}, address ${cfg.hostIP}, API server ${cfg.apiServer}, pod CIDR ${cfg.podCIDR ?? 'none'}`);
  if (!cfg.bootstrapToken) throw new Error('KUBARIUM_BOOTSTRAP_TOKEN is not set: the node cannot join');
  const creds = await bootstrapClientCertificate({
    server: cfg.apiServer,
    ca: cfg.ca,
    bootstrapToken: cfg.bootstrapToken,
    nodeName: cfg.nodeName,
    certDir: join(cfg.rootDir, 'pki'),
    signal: stop.signal,
    log,
  });
  const client = new RestClient({ server: cfg.apiServer, ca: cfg.ca, cert: creds.cert, key: creds.key, userAgent: `kubelet/${cfg.nodeName}` });
  // Routes first: pods reach other nodes' pods and, masqueraded, the API server through them.
  const routes = await startPodRoutes({ client, nodeName: cfg.nodeName, log, signal: stop.signal });
  const proxy = await startKubeProxy({ client, nodeName: cfg.nodeName, nodeIP: cfg.hostIP, log, signal: stop.signal });
  log(`kube-proxy: ${proxy.mode} mode`);
  // kube-proxy's health (10256) and metrics (10249, with /proxyMode, /configz and Kubarium's /rules) servers.
  const proxyServers = await startProxyServers({ proxy, host: cfg.proxyBindAddress, healthzPort: cfg.proxyHealthzPort, metricsPort: cfg.proxyMetricsPort, log });
  const docker = new Docker();
  const version = await docker.version();
  // A new node gets the pod images (pause, busybox, DNS…) loaded by the host just after its engine
  // starts: registering before they are there would send pods to a node that cannot run them yet.
  await waitForImage(docker, PAUSE_IMAGE, 60_000);
  const runtime = new DockerRuntime({ docker, rootDir: cfg.rootDir });
  const kubelet = await startKubelet({
    client,
    nodeName: cfg.nodeName,
    runtime,
    rootDir: cfg.rootDir,
    hostIP: cfg.hostIP,
    capacity: machineCapacity('/var/lib/docker'),
    nodeInfo: systemInfo(cfg.nodeName, `docker://${version.Version}`),
    cgroupParent: cfg.cgroupParent,
    podCIDR: cfg.podCIDR,
    clusterDNS: [DEFAULT_CLUSTER_DNS_IP],
    hostDNS: parseResolvConf(readFileSync('/etc/resolv.conf', 'utf8')),
    // Static pods from the manifest directory (kubeadm's), mirrored into the API.
    staticPodPath: DEFAULT_STATIC_POD_PATH,
    // Image garbage collection over the node's own engine (85 % / 80 %, images at least 2 min old).
    imageGC: { runtime },
    log,
  });

  // The kubelet's HTTPS endpoint (10250): logs, exec, attach, port-forward, /pods, /configz, stats — reached through the API server.
  const server = await startKubeletServer({
    port: KUBELET_PORT,
    nodeName: cfg.nodeName,
    tls: await selfSignedKubeletServingCertificate(cfg.nodeName, [cfg.hostIP, cfg.nodeName]),
    clientCA: cfg.ca,
    runtime,
    pods: { get: (ns, name) => kubelet.pod(ns, name), list: () => kubelet.pods() },
    client,
    // /stats/summary, /metrics/resource, /metrics/cadvisor, /metrics (metrics.k8s.io and `kubectl top` read them).
    handlers: statsHandlers({ nodeName: cfg.nodeName, docker, pods: { get: (ns, name) => kubelet.pod(ns, name), list: () => kubelet.pods() }, cgroupParent: cfg.cgroupParent }),
    log,
  });

  const shutdown = async (sig: string) => {
    log(`kubarium node agent: ${sig}, stopping`);
    stop.abort();
    await server.close();
    await kubelet.stop();
    await proxyServers.close();
    await proxy.stop();
    await routes.stop();
    client.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: Error) => {
  log(`kubarium node agent failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
