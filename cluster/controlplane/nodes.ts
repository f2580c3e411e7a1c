/**
 * Docker-container nodes for a control plane (`up --nodes N`): the node image (built once,
 * cached by content), the cluster's network, a bootstrap token the nodes join with (as
 * `kubeadm token create` + the kubeadm TLS-bootstrap bindings), and the node containers
 * themselves — created, or adopted and started when a previous run left them — and the
 * cluster DNS addon. The API
 * server listens on loopback; a TCP forwarder on the network's gateway address lets node
 * agents (and pods, through the `kubernetes` Service) reach it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Node, Secret } from 'kubernetes-types/core/v1.js';
import type { ClusterRoleBinding } from 'kubernetes-types/rbac/v1.js';
import { StatusError } from '../api/status.js';
import { ensureDnsAddon } from '../addons/dns/manifest.js';
import { nodeBootstrapBindings } from '../apiserver/auth/rbac/index.js';
import { CLUSTERROLEBINDINGS, NODES, SECRETS } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { ensureAgentBundle } from '../nodes/agent/bundle.js';
import { connectDocker, dockerSkipReason } from '../nodes/docker.js';
import { ensureClusterImages } from '../nodes/image/index.js';
import { NodeManager } from '../nodes/node-manager.js';
import type { ClusterNetwork } from '../nodes/network.js';
import { startHostPorts } from './host-ports.js';
import { startImageSideloader } from './image-sideloader.js';
import { noProgress, type ProgressHandle, type ProgressSink } from './progress.js';
import { closeServer, forwardTcp } from './tcp-forward.js';

export const BOOTSTRAP_GROUP = 'system:bootstrappers:kubeadm:default-node-token';
const CLUSTER_CIDR_PREFIX = '10.244.';

/** The cluster's id on the Docker engine (names and labels of its containers), kept in the data dir. */
export function clusterIdFor(dataDir: string): string {
  const file = join(dataDir, 'cluster-id');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const id = `k${randomBytes(4).toString('hex')}`;
  writeFileSync(file, `${id}\n`, { mode: 0o600 });
  return id;
}

/** `[a-z0-9]{6}.[a-z0-9]{16}`, kept in the data dir so restarted nodes can rejoin. */
function bootstrapTokenFor(dataDir: string): { id: string; secret: string } {
  const file = join(dataDir, 'pki', 'bootstrap-token');
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  const m = /^([a-z0-9]{6})\.([a-z0-9]{16})$/.exec(stored);
  if (m) return { id: m[1], secret: m[2] };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const pick = (n: number) => [...randomBytes(n)].map((b) => alphabet[b % alphabet.length]).join('');
  const token = { id: pick(6), secret: pick(16) };
  writeFileSync(file, `${token.id}.${token.secret}\n`, { mode: 0o600 });
  return token;
}

async function createIfMissing(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (!(err instanceof StatusError && err.code === 409)) throw err;
  }
}

/** The token's Secret in kube-system and the bindings that let its holders request node certificates. */
async function ensureBootstrapToken(client: RestClient, token: { id: string; secret: string }): Promise<void> {
  await createIfMissing(
    client.create<Secret>(SECRETS, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: `bootstrap-token-${token.id}`, namespace: 'kube-system' },
      type: 'bootstrap.kubernetes.io/token',
      stringData: {
        'token-id': token.id,
        'token-secret': token.secret,
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': BOOTSTRAP_GROUP,
        description: 'Kubarium node bootstrap token',
      },
    }),
  );
  for (const b of nodeBootstrapBindings(BOOTSTRAP_GROUP)) await createIfMissing(client.create<ClusterRoleBinding>(CLUSTERROLEBINDINGS, b));
  // kube-proxy runs inside each node agent with the node's identity (kubeadm gives it the
  // kube-system/kube-proxy service account instead): the nodes group gets its role.
  await createIfMissing(
    client.create<ClusterRoleBinding>(CLUSTERROLEBINDINGS, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'kubarium:node-proxier' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:node-proxier' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:nodes' }],
    }),
  );
}

/** The lowest /24 of the cluster CIDR (10.244.0.0/16) held by no Node and no node container (.0 stays for nodeipam's first). */
export function freePodCIDR(taken: Iterable<string>): string {
  const held = new Set(taken);
  for (let i = 1; i < 256; i++) {
    const cidr = `${CLUSTER_CIDR_PREFIX}${i}.0/24`;
    if (!held.has(cidr)) return cidr;
  }
  throw new Error('no free /24 left in the cluster CIDR 10.244.0.0/16');
}

/** `node-N` for the lowest N no Node and no container uses. */
export function nextNodeName(taken: Iterable<string>): string {
  const used = new Set(taken);
  for (let i = 1; ; i++) if (!used.has(`node-${i}`)) return `node-${i}`;
}

export interface PreparedNodes {
  clusterId: string;
  network: ClusterNetwork;
  /** Starts (or adopts) the N nodes once the API server answers; resolves when they are Ready. Owns `client` from then on (closed by stop()). */
  start(o: { count: number; apiPort: number; caCert: string; client: RestClient; readyTimeoutMs?: number }): Promise<ClusterNodes>;
}

export interface ClusterNodes {
  manager: NodeManager;
  names: string[];
  /** Creates one more node (the next free `node-N`, a free pod CIDR) and waits until it is Ready. */
  add(): Promise<string>;
  /** As `kubeadm reset` on the node, then `kubectl delete node`: the container goes, then the Node object. */
  remove(name: string): Promise<void>;
  /** Stops the node containers (they are adopted and started again by the next run). */
  stop(): Promise<void>;
}

/**
 * Before the API server starts (its serving certificate must name the network's gateway):
 * images built or found, the network created, the privilege mode detected.
 */
export async function prepareNodes(o: { dataDir: string; log: (line: string) => void; progress?: ProgressSink }): Promise<PreparedNodes> {
  const progress = o.progress ?? noProgress;
  const docker = connectDocker();
  const why = await dockerSkipReason();
  if (why) throw new Error(`--nodes needs a Docker engine: ${why}`);
  const clusterId = clusterIdFor(o.dataDir);
  o.log('nodes: preparing the node image (built once, then cached)');
  const agentDir = await ensureAgentBundle();
  const images = await ensureClusterImages(docker, { agentDir, log: o.log, progress });
  const base = new NodeManager({ clusterId, docker, image: images.preloaded.ref, log: o.log });
  const network = await base.network();
  return {
    clusterId,
    network,
    async start({ count, apiPort, caCert, client, readyTimeoutMs = 120_000 }) {
      const forwarder = await forwardTcp(network.gateway, apiPort, () => ({ host: '127.0.0.1', port: apiPort }));
      const manager = new NodeManager({
        clusterId,
        docker,
        image: images.preloaded.ref,
        preloadImages: images.pod.refs,
        apiServerUrl: `https://${network.gateway}:${apiPort}`,
        caCertPem: caCert,
        log: o.log,
      });
      const token = bootstrapTokenFor(o.dataDir);
      await ensureBootstrapToken(client, token);
      // Nodes a previous run left: started again, engines awaited (a task only when there are some).
      const adopting = (await manager.list()).length ? progress.start('Start the existing nodes', { phase: 'starting their containers and engines' }) : undefined;
      const existing = await manager.adopt({ start: true }).catch((err: unknown) => {
        adopting?.fail(err);
        throw err;
      });
      const names = existing.map((n) => n.name);
      adopting?.finish(`started ${names.join(', ')}`);
      const claimed: string[] = [];
      // One node at a time takes a name and a pod CIDR; the containers then start in parallel.
      const claim = async (): Promise<{ name: string; podCIDR: string }> => {
        const [containers, apiNodes] = await Promise.all([manager.list(), client.list<Node>(NODES)]);
        const name = nextNodeName([...names, ...containers.map((c) => c.name), ...apiNodes.items.map((n) => n.metadata?.name ?? '')]);
        const podCIDR = freePodCIDR([
          ...containers.flatMap((c) => (c.podCIDR ? [c.podCIDR] : [])),
          ...apiNodes.items.flatMap((n) => n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])),
          ...claimed,
        ]);
        names.push(name);
        claimed.push(podCIDR);
        return { name, podCIDR };
      };
      // A node's start, step by step: container, engine, pod images (NodeManager), then TLS bootstrap and Ready (the API).
      const tasks = new Map<string, ProgressHandle>();
      const create = async (c: { name: string; podCIDR: string }) => {
        const task = progress.start(`Start node ${c.name}`, { total: NODE_START_PHASES.length, phase: NODE_START_PHASES[0] });
        tasks.set(c.name, task);
        const step = (phase: string) => task.phase(phase, Math.max(0, (NODE_START_PHASES as readonly string[]).indexOf(phase)));
        try {
          return await manager.create({ ...c, bootstrapToken: `${token.id}.${token.secret}` }, { onPhase: step });
        } catch (err) {
          task.fail(err);
          throw err;
        }
      };
      const untilReady = async (which: string[]) => {
        const seen = new Map<string, string>();
        try {
          await waitReady(client, which, readyTimeoutMs, (name, phase) => {
            if (seen.get(name) === phase) return;
            seen.set(name, phase);
            tasks.get(name)?.phase(phase, NODE_START_PHASES.indexOf(phase));
          });
          for (const name of which) tasks.get(name)?.finish('Ready');
        } catch (err) {
          for (const name of which) tasks.get(name)?.fail(err);
          throw err;
        } finally {
          for (const name of which) tasks.delete(name);
        }
      };
      const fresh = [];
      while (names.length < count) fresh.push(await claim());
      // Addons first (as kubeadm applies CoreDNS at init): their pods are scheduled as soon as a node is Ready.
      await ensureDnsAddon(client, { image: images.pod.dns });
      await Promise.all(fresh.map(create));
      await untilReady(names);
      o.log(`nodes: ${names.join(', ')} Ready`);
      const sideloader = startImageSideloader({ client, docker, manager, nodeNames: () => names, log: o.log, progress });
      const hostPorts = startHostPorts({ client, log: o.log });
      return {
        manager,
        names,
        async add() {
          const c = await claim();
          await create(c);
          await untilReady([c.name]);
          return c.name;
        },
        async remove(name) {
          await manager.delete(name);
          if (names.includes(name)) names.splice(names.indexOf(name), 1);
          await client.delete(NODES, name).catch((err: unknown) => {
            if (!(err instanceof StatusError && err.code === 404)) throw err;
          });
        },
        async stop() {
          await Promise.all(names.map((n) => manager.stop(n).catch((err: Error) => o.log(`nodes: stopping ${n}: ${err.message}`))));
          await sideloader.stop();
          await hostPorts.stop();
          await closeServer(forwarder);
          client.close();
        },
      };
    },
  };
}

/**
 * The steps of a node start as its progress task shows them. The agent's kubelet first gets its client certificate
 * (the bootstrap token's CSR, approved and signed by the controller manager) and only then registers its Node:
 * until the Node exists the node is in TLS bootstrap.
 */
export const NODE_START_PHASES = ['creating the container', 'starting its engine', 'loading pod images', 'TLS bootstrap', 'waiting for Ready'] as const;

async function waitReady(client: RestClient, names: string[], timeoutMs: number, onPhase?: (name: string, phase: (typeof NODE_START_PHASES)[number]) => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const nodes = (await client.list<Node>(NODES)).items;
    const ready = new Set(nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).map((n) => n.metadata!.name!));
    const missing = names.filter((n) => !ready.has(n));
    const registered = new Set(nodes.map((n) => n.metadata?.name));
    for (const name of missing) onPhase?.(name, registered.has(name) ? 'waiting for Ready' : 'TLS bootstrap');
    if (missing.length === 0) return;
    if (Date.now() > deadline) throw new Error(`nodes not Ready within ${Math.round(timeoutMs / 1000)} s: ${missing.join(', ')}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
