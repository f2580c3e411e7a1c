/**
 * Node containers of one cluster on the host's Docker engine: `kubarium-<cluster>-<node>`
 * on the network `kubarium-<cluster>`, each running its own Docker engine (the node's
 * container runtime, its data on a named volume) and the node agent. Everything is
 * labelled with the cluster, so a new NodeManager (a restarted app) adopts the nodes
 * it finds, and `downAll` removes all of it.
 */
import type Docker from 'dockerode';
import { connectDocker, execIn, isNotFound, statusCode } from './docker.js';
import type { ExecOptions, ExecResult } from './docker.js';
import { POD_IMAGES } from './image/pod-images.js';
import {
  CLUSTER_LABEL,
  labelFilter,
  NODE_LABEL,
  nodeContainerName,
  nodeLabels,
  nodeVolumeName,
  POD_CIDR_LABEL,
  networkName,
  validateClusterId,
  validateNodeName,
} from './names.js';
import { loadImagesIntoNode, waitForNodeEngine } from './nested-engine.js';
import type { WaitForEngineOptions } from './nested-engine.js';
import { ensureClusterNetwork, inspectClusterNetwork } from './network.js';
import type { ClusterNetwork } from './network.js';
import { detectPrivilegeMode, privilegeHostConfig } from './privilege.js';

export interface NodeManagerOptions {
  clusterId: string;
  /** The node image (ensureNodeImage().ref). Needed to create nodes, not to adopt, stop or delete them. */
  image?: string;
  /** The host's engine; default connectDocker(). */
  docker?: Docker;
  /** Loaded into each new node's engine from the host's. Default POD_IMAGES (pause, busybox, http-echo). */
  preloadImages?: readonly string[];
  /** The API server's port on the host: agents get `https://<network gateway>:<port>`. */
  apiServerPort?: number;
  /** Or the API server's URL as seen from a node, verbatim. */
  apiServerUrl?: string;
  /** The cluster CA (PEM), handed to agents as KUBARIUM_CA_DATA (base64, like kubeconfig's certificate-authority-data). */
  caCertPem?: string;
  log?: (line: string) => void;
}

export interface NodeSpec {
  /** The Kubernetes Node name and the container's host name (a DNS-1123 label). */
  name: string;
  /** The node's pod range, e.g. 10.244.1.0/24: the node engine's bridge takes its first address. */
  podCIDR?: string;
  /** The bootstrap token the agent joins with (`<id>.<secret>`). */
  bootstrapToken?: string;
  /** Extra environment for the agent. */
  env?: Record<string, string>;
}

export type NodeState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface NodeInfo {
  name: string;
  clusterId: string;
  containerName: string;
  containerId: string;
  image: string;
  state: NodeState;
  /** The node's address on the cluster network (while it runs). */
  ip?: string;
  podCIDR?: string;
}

export interface CreateNodeOptions {
  /** Wait until the node's engine answers and preload images (default true). */
  waitForEngine?: boolean;
  engineTimeoutMs?: number;
  /** Hears each step as it begins: `creating the container`, `starting its engine`, `loading pod images`. */
  onPhase?: (phase: string) => void;
}

export interface DownResult {
  containers: string[];
  volumes: string[];
  networks: string[];
}

const NODE_STOP_TIMEOUT_S = 10;

export class NodeManager {
  readonly clusterId: string;
  readonly docker: Docker;
  private readonly opts: NodeManagerOptions;
  private networkPromise?: Promise<ClusterNetwork>;

  constructor(opts: NodeManagerOptions) {
    validateClusterId(opts.clusterId);
    this.clusterId = opts.clusterId;
    this.docker = opts.docker ?? connectDocker();
    this.opts = opts;
  }

  private log(line: string): void {
    this.opts.log?.(line);
  }

  /** The cluster's network, created on first use; the first creation also finds the privilege mode. */
  network(): Promise<ClusterNetwork> {
    this.networkPromise ??= this.setUpNetwork().catch((err: unknown) => {
      this.networkPromise = undefined;
      throw err;
    });
    return this.networkPromise;
  }

  private async setUpNetwork(): Promise<ClusterNetwork> {
    const existing = await inspectClusterNetwork(this.docker, this.clusterId);
    if (existing?.privilegeMode) return existing;
    const mode = await detectPrivilegeMode(this.docker, this.requireImage(), this.clusterId);
    this.log(`nodes: node containers run ${mode === 'privileged' ? 'privileged' : 'with the explicit capability set (this host refuses --privileged)'}`);
    return existing ?? ensureClusterNetwork(this.docker, this.clusterId, mode);
  }

  private requireImage(): string {
    if (!this.opts.image) throw new Error('NodeManager: no node image given (options.image, from ensureNodeImage())');
    return this.opts.image;
  }

  /** The dockerode handle of a node's container (whether or not it exists). */
  container(name: string): Docker.Container {
    return this.docker.getContainer(nodeContainerName(this.clusterId, name));
  }

  private agentEnv(spec: NodeSpec, net: ClusterNetwork): string[] {
    const env: Record<string, string> = { KUBARIUM_CLUSTER: this.clusterId, KUBARIUM_NODE_NAME: spec.name };
    const api = this.opts.apiServerUrl ?? (this.opts.apiServerPort ? `https://${net.gateway}:${this.opts.apiServerPort}` : undefined);
    if (api) env.KUBARIUM_API_SERVER = api;
    if (spec.bootstrapToken) env.KUBARIUM_BOOTSTRAP_TOKEN = spec.bootstrapToken;
    if (spec.podCIDR) env.KUBARIUM_POD_CIDR = spec.podCIDR;
    if (this.opts.caCertPem) env.KUBARIUM_CA_DATA = Buffer.from(this.opts.caCertPem).toString('base64');
    Object.assign(env, spec.env);
    return Object.entries(env).map(([k, v]) => `${k}=${v}`);
  }

  /** Creates and starts a node; by default waits for its engine and preloads the pod images. */
  async create(spec: NodeSpec, opts: CreateNodeOptions = {}): Promise<NodeInfo> {
    validateNodeName(spec.name);
    const image = this.requireImage();
    const net = await this.network();
    const mode = net.privilegeMode ?? 'explicit';
    const labels = { ...nodeLabels(this.clusterId, spec.name), ...(spec.podCIDR ? { [POD_CIDR_LABEL]: spec.podCIDR } : {}) };
    const volume = nodeVolumeName(this.clusterId, spec.name);
    opts.onPhase?.('creating the container');
    await this.docker.createVolume({ Name: volume, Labels: labels });
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        name: nodeContainerName(this.clusterId, spec.name),
        Image: image,
        Hostname: spec.name,
        Labels: labels,
        Env: this.agentEnv(spec, net),
        StopTimeout: NODE_STOP_TIMEOUT_S,
        HostConfig: {
          ...privilegeHostConfig(mode),
          NetworkMode: net.name,
          Mounts: [{ Type: 'volume', Source: volume, Target: '/var/lib/docker' }],
          // Fresh /run on every start: a stale dockerd pid file would stop the engine from starting.
          Tmpfs: { '/run': 'rw,nosuid,nodev', '/tmp': 'rw,nosuid,nodev' },
          RestartPolicy: { Name: 'no' },
        },
        NetworkingConfig: { EndpointsConfig: { [net.name]: { Aliases: [spec.name] } } },
      });
    } catch (err) {
      if (statusCode(err) === 409) throw new Error(`node ${spec.name} already exists in cluster ${this.clusterId}`);
      await this.docker.getVolume(volume).remove().catch(() => {});
      throw err;
    }
    await container.start();
    if (opts.waitForEngine !== false) {
      opts.onPhase?.('starting its engine');
      await this.waitForEngine(spec.name, { timeoutMs: opts.engineTimeoutMs });
      const preload = [...(this.opts.preloadImages ?? POD_IMAGES)];
      opts.onPhase?.('loading pod images');
      if (preload.length > 0) await this.loadImage(spec.name, preload);
    }
    this.log(`nodes: created node ${spec.name}`);
    return this.require(spec.name);
  }

  async start(name: string, opts: { waitForEngine?: boolean; engineTimeoutMs?: number } = {}): Promise<NodeInfo> {
    await this.container(name)
      .start()
      .catch((err: unknown) => {
        if (statusCode(err) !== 304) throw err; // 304: already running
      });
    if (opts.waitForEngine !== false) await this.waitForEngine(name, { timeoutMs: opts.engineTimeoutMs });
    return this.require(name);
  }

  /** docker stop: SIGTERM to the node (its agent and engine stop their work), SIGKILL after `timeoutS`. */
  async stop(name: string, opts: { timeoutS?: number } = {}): Promise<NodeInfo> {
    await this.container(name)
      .stop({ t: opts.timeoutS ?? NODE_STOP_TIMEOUT_S })
      .catch((err: unknown) => {
        if (statusCode(err) !== 304) throw err; // 304: already stopped
      });
    return this.require(name);
  }

  async restart(name: string, opts: { timeoutS?: number; waitForEngine?: boolean; engineTimeoutMs?: number } = {}): Promise<NodeInfo> {
    await this.stop(name, opts);
    return this.start(name, opts);
  }

  /** Removes the node's container and its engine's volume. Absent nodes are fine. */
  async delete(name: string): Promise<void> {
    await this.container(name)
      .remove({ force: true, v: true })
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    await this.docker
      .getVolume(nodeVolumeName(this.clusterId, name))
      .remove()
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    this.log(`nodes: deleted node ${name}`);
  }

  async get(name: string): Promise<NodeInfo | undefined> {
    try {
      return this.describe(await this.container(name).inspect());
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async require(name: string): Promise<NodeInfo> {
    const info = await this.get(name);
    if (!info) throw new Error(`node ${name} of cluster ${this.clusterId} does not exist`);
    return info;
  }

  private describe(info: Docker.ContainerInspectInfo): NodeInfo {
    const labels = info.Config.Labels ?? {};
    return {
      name: labels[NODE_LABEL],
      clusterId: labels[CLUSTER_LABEL],
      containerName: info.Name.replace(/^\//, ''),
      containerId: info.Id,
      image: info.Config.Image,
      state: info.State.Status as NodeState,
      ip: info.NetworkSettings.Networks?.[networkName(this.clusterId)]?.IPAddress || undefined,
      podCIDR: labels[POD_CIDR_LABEL],
    };
  }

  /** The cluster's nodes found on the engine by label, in name order, whatever their state. */
  async list(): Promise<NodeInfo[]> {
    const summaries = await this.docker.listContainers({ all: true, filters: { label: [`${CLUSTER_LABEL}=${this.clusterId}`, NODE_LABEL] } });
    const nodes: NodeInfo[] = [];
    for (const s of summaries) {
      const info = await this.get(s.Labels[NODE_LABEL]);
      if (info) nodes.push(info);
    }
    return nodes.sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Takes over the nodes a previous run left (a restarted app): lists them by label and,
   * with `start`, starts the stopped ones and waits for their engines.
   */
  async adopt(opts: { start?: boolean } = {}): Promise<NodeInfo[]> {
    const nodes = await this.list();
    if (!opts.start) return nodes;
    return Promise.all(nodes.map((n) => (n.state === 'running' ? n : this.start(n.name))));
  }

  waitForEngine(name: string, opts: WaitForEngineOptions = {}): Promise<void> {
    return waitForNodeEngine(this.container(name), opts);
  }

  /** Loads images from the host's engine into the node's (skipping those it has); returns the refs loaded. */
  loadImage(name: string, refs: string | readonly string[]): Promise<string[]> {
    return loadImagesIntoNode(this.docker, this.container(name), typeof refs === 'string' ? [refs] : [...refs]);
  }

  /**
   * `kind load docker-image` for the whole cluster: loads the images into every running
   * node (what `npm run cluster -- load-image IMAGE...` does). Returns the refs loaded per node.
   */
  async loadImageAll(refs: string | readonly string[]): Promise<Record<string, string[]>> {
    const running = (await this.list()).filter((n) => n.state === 'running');
    const loaded = await Promise.all(running.map((n) => this.loadImage(n.name, refs)));
    return Object.fromEntries(running.map((n, i) => [n.name, loaded[i]]));
  }

  /** Runs a command in the node container (e.g. `docker run ...` against its engine). */
  exec(name: string, cmd: string[], opts?: ExecOptions): Promise<ExecResult> {
    return execIn(this.container(name), cmd, opts);
  }

  /** Removes every container, volume and network of this cluster. */
  async downAll(): Promise<DownResult> {
    this.networkPromise = undefined;
    return downAll(this.docker, this.clusterId);
  }
}

/** Removes everything labelled with the cluster: containers (nodes, probes), volumes, the network. */
export async function downAll(docker: Docker, clusterId: string): Promise<DownResult> {
  validateClusterId(clusterId);
  const filters = labelFilter(clusterId);
  const result: DownResult = { containers: [], volumes: [], networks: [] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(
    containers.map(async (c) => {
      await docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
      result.containers.push((c.Names[0] ?? c.Id).replace(/^\//, ''));
    }),
  );
  const { Volumes } = await docker.listVolumes({ filters });
  for (const v of Volumes ?? []) {
    await docker
      .getVolume(v.Name)
      .remove()
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    result.volumes.push(v.Name);
  }
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch((err: unknown) => {
        if (!isNotFound(err)) throw err;
      });
    result.networks.push(n.Name);
  }
  return result;
}
