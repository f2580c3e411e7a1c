/**
 * The headless launcher: `npm run cluster -- up|down|kubeconfig|load-image [--data-dir DIR] [--port PORT] [--nodes N]
 * [--hollow-nodes N] [--controllers LIST] [--etcd-servers URLS] [--ui]`. The same control plane the Electron main process runs, in the
 * foreground: it prints `ready <kubeconfig>` once /readyz answers and stops cleanly on
 * SIGINT/SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CONTROLLERS, selectControllers } from '../controllers/manager.js';
import { defaultDataDir, startControlPlane } from '../controlplane/index.js';
import { clusterIdFor } from '../controlplane/nodes.js';
import { ProgressFeed } from '../controlplane/progress.js';
import { connectDocker, downAll, NodeManager } from '../nodes/index.js';
import { removeCachedImages } from '../nodes/image/remove-cached.js';
import { startUi } from '../ui/launch-ui.js';
import type { ClusterState } from '../ui/explorer-api.js';
import { kubeconfigPaths } from '../client/kubeconfig-set.js';
import { RESET_STOP_DEADLINE_MS, stopWithDeadline, wipeCluster } from '../controlplane/reset.js';
import type { ControlPlaneOptions } from '../controlplane/types.js';
import { mergeKubeconfig } from '../pki/kubeconfig-merge.js';

const MAX_HOLLOW_NODES = 10_000;

const USAGE = `Usage: npm run cluster -- <command> [options]

Commands:
  up        Start the control plane (and its nodes) in the foreground
  down      Remove the cluster's node containers, their volumes and network (the data dir stays);
            with --images also Kubarium's cached images (node, preloaded node, pod images)
  kubeconfig --merge [--set-current]
            Merge a \`kubarium\` cluster, user and context into your kubeconfig (the first file of
            $KUBECONFIG, else ~/.kube/config), after copying it to <file>.kubarium-backup
  load-image IMAGE...
            Copy images from the host's Docker engine into every running node (like kind load
            docker-image); pods that failed to pull them start at their next retry

Options for up:
  --data-dir DIR         Where the store, certificates and kubeconfig live (default: ${defaultDataDir()})
  --port PORT            API server port (default 6443; 0 picks a free one)
  --host ADDR            Address to listen on (default 127.0.0.1)
  --nodes N              Docker-container nodes to run (default 0; needs a Docker engine): each a
                         container with its own engine, our kubelet and kube-proxy; adopted on restart
  --hollow-nodes N       Simulated nodes without containers (like kwok) to register (default 0, at most ${MAX_HOLLOW_NODES})
  --controllers LIST     Controller loops to run, as kube-controller-manager --controllers:
                         '*' all (default), 'name' one, '-name' all but that one (comma-separated)
  --no-scheduler         Run no scheduler (pods stay unbound unless spec.nodeName is set, or another scheduler runs)
  --node-monitor-grace-period DURATION
                         How long a node may miss heartbeats before it turns Unknown (default 40s; e.g. 15s, 2m)
  --etcd-servers URLS    Comma-separated etcd v3 endpoints instead of the embedded store
  --ui                   Also serve the explorer (built renderer, \`npm run build\`) on 127.0.0.1 and print \`ui <url>\`

Options for down, kubeconfig and load-image:
  --data-dir DIR         The cluster's data dir (default: as for up)
  --set-current          kubeconfig --merge: also make \`kubarium\` the current-context
  --images               down: also remove the cached images (the next start rebuilds them)
`;

/** A Go-style duration of one unit (`500ms`, `15s`, `2m`, `1h`), in ms; NaN if it is not one. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return NaN;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

function fail(message: string): never {
  process.stderr.write(`kubarium: ${message}\n`);
  process.exit(2);
}

async function up(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        nodes: { type: 'string' },
        'hollow-nodes': { type: 'string' },
        controllers: { type: 'string' },
        'no-scheduler': { type: 'boolean' },
        'node-monitor-grace-period': { type: 'string' },
        'etcd-servers': { type: 'string' },
        ui: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const port = values.port === undefined ? 6443 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a port number, got "${values.port}"`);
  const nodes = values.nodes === undefined ? 0 : Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0) fail(`--nodes must be a whole number, got "${values.nodes}"`);
  const hollowText = values['hollow-nodes'];
  const hollowNodes = hollowText === undefined ? 0 : /^\d+$/.test(hollowText) ? Number(hollowText) : NaN;
  if (!Number.isInteger(hollowNodes) || hollowNodes < 0 || hollowNodes > MAX_HOLLOW_NODES) {
    fail(`--hollow-nodes must be a whole number from 0 to ${MAX_HOLLOW_NODES}, got "${hollowText}"`);
  }
  const controllers = values.controllers?.split(',').map((s) => s.trim()).filter(Boolean);
  if (controllers) {
    try {
      selectControllers(CONTROLLERS, controllers);
    } catch (err) {
      fail(`--controllers: ${(err as Error).message}`);
    }
  }
  const graceText = values['node-monitor-grace-period'];
  const nodeMonitorGracePeriodMs = graceText === undefined ? undefined : parseDuration(graceText);
  if (nodeMonitorGracePeriodMs !== undefined && !(nodeMonitorGracePeriodMs >= 1000)) fail(`--node-monitor-grace-period must be a duration of at least 1s (e.g. 40s, 2m), got "${graceText}"`);
  const etcdServers = values['etcd-servers']?.split(',').map((s) => s.trim()).filter(Boolean);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const options: ControlPlaneOptions = {
    dataDir: values['data-dir'] ?? defaultDataDir(),
    port,
    host: values.host,
    etcdServers,
    nodes,
    hollowNodes,
    controllers,
    scheduler: !values['no-scheduler'],
    nodeMonitorGracePeriodMs,
    log,
    // One feed across resets, so the explorer's progress area keeps its history.
    progress: new ProgressFeed(),
  };
  let cp = await startControlPlane(options).catch((err: Error) => fail(err.message));
  // The explorer's reset: stop (past a deadline, carry on), remove nodes and state, start again on the same port.
  const reset = async (progress: (state: ClusterState) => void) => {
    progress('stopping');
    if (!(await stopWithDeadline(() => cp.stop()))) log(`reset: the control plane did not stop within ${RESET_STOP_DEADLINE_MS / 1000}s, carrying on`);
    await wipeCluster({ dataDir: options.dataDir, etcdServers, log });
    progress('starting');
    cp = await startControlPlane({ ...options, port: cp.port });
    return cp;
  };
  const ui = values.ui ? await startUi(cp, log, { reset }).catch((err: Error) => fail(`--ui: ${err.message}`)) : undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping`);
    Promise.resolve(ui?.close()).then(() => cp.stop()).then(
      () => process.exit(0),
      (err: Error) => {
        log(`stop failed: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (ui) process.stdout.write(`ui ${ui.url}\n`);
  process.stdout.write(`ready ${cp.kubeconfigPath}\n`);
  log(`API server ${cp.url}; export KUBECONFIG=${cp.kubeconfigPath}`);
}

async function down(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, images: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (!existsSync(join(dataDir, 'cluster-id'))) {
    process.stdout.write(`no nodes: ${dataDir} has no cluster id\n`);
  } else {
    const removed = await downAll(connectDocker(), clusterIdFor(dataDir)).catch((err: Error) => fail(`down: ${err.message}`));
    process.stdout.write(`removed ${removed.containers.length} container(s), ${removed.volumes.length} volume(s), ${removed.networks.length} network(s)\n`);
  }
  if (values.images) {
    const images = await removeCachedImages(connectDocker()).catch((err: Error) => fail(`down --images: ${err.message}`));
    process.stdout.write(`removed ${images.removed.length} cached image tag(s)${images.inUse.length ? `; kept ${images.inUse.join(', ')} (in use)` : ''}\n`);
  }
}

async function kubeconfig(argv: string[]): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { merge: { type: 'boolean' }, 'set-current': { type: 'boolean' }, 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true }));
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return void process.stdout.write(USAGE);
  const source = join(values['data-dir'] ?? defaultDataDir(), 'kubeconfig');
  if (!values.merge) return void process.stdout.write(`${source}\n`);
  let result;
  try {
    result = mergeKubeconfig({ source, target: kubeconfigPaths()[0], setCurrent: values['set-current'] });
  } catch (err) {
    fail(`kubeconfig --merge: ${(err as Error).message}`);
  }
  process.stdout.write(`merged context "kubarium" into ${result.path}${result.backupPath ? ` (backup: ${result.backupPath})` : ''}; current-context: ${result.currentContext ?? '(none)'}\n`);
}

async function loadImage(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    fail(`${(err as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(USAGE);
  if (positionals.length === 0) fail('load-image: name at least one image (as the host engine knows it, e.g. myapp:dev)');
  const dataDir = values['data-dir'] ?? defaultDataDir();
  if (!existsSync(join(dataDir, 'cluster-id'))) fail(`load-image: ${dataDir} has no nodes (start it with up --nodes N)`);
  const manager = new NodeManager({ clusterId: clusterIdFor(dataDir) });
  const loaded = await manager.loadImageAll(positionals).catch((err: Error) => fail(`load-image: ${err.message}`));
  if (Object.keys(loaded).length === 0) fail('load-image: no running nodes');
  for (const [node, refs] of Object.entries(loaded)) process.stdout.write(`${node}: ${refs.length ? `loaded ${refs.join(', ')}` : 'already present'}\n`);
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'up':
      return up(rest);
    case 'down':
      return down(rest);
    case 'load-image':
      return loadImage(rest);
    case 'kubeconfig':
      return kubeconfig(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      fail(`unknown command "${command}"\n\n${USAGE}`);
  }
}

void main();
