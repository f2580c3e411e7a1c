/**
 * The overview's node actions: cordon / uncordon and drain through the API (as kubectl does them), and — when
 * the host runs the control plane with node containers (`--nodes`) — stop, start, add and remove a node
 * container through its NodeManager, plus hollow nodes.
 */
import type { Pod } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../api/status.js';
import { NODES, PODS } from '../client/gvr.js';
import type { RestClient } from '../client/rest-client.js';
import type { NodeManager } from '../nodes/node-manager.js';
import type { DrainResult, NodeActionsApi, NodeControls } from './explorer-api.js';

/** What the host hands over: the control plane's node manager and hollow nodes, when it runs them. */
export interface NodeHost {
  readonly nodeManager?: NodeManager;
  addNode?(): Promise<string>;
  removeNode?(name: string): Promise<void>;
  addHollowNodes?(count: number): Promise<string[]>;
}

/** How long drain keeps retrying an eviction a PodDisruptionBudget refuses (429), as kubectl drain does. */
const EVICTION_RETRY_MS = 20_000;

function unavailable(what: string): StatusError {
  return new StatusError(503, 'ServiceUnavailable', `${what}: this cluster runs no node containers (start it with --nodes N)`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pods `kubectl drain --ignore-daemonsets` leaves alone: DaemonSet pods (their controller ignores unschedulable) and mirror pods. */
export function drainSkips(pod: Pod): boolean {
  if (pod.metadata?.annotations?.['kubernetes.io/config.mirror']) return true;
  return (pod.metadata?.ownerReferences ?? []).some((o) => o.controller && o.kind === 'DaemonSet');
}

export class NodeActions implements NodeActionsApi {
  constructor(
    private readonly client: RestClient,
    private readonly host: NodeHost | undefined,
  ) {}

  private manager(what: string): NodeManager {
    const manager = this.host?.nodeManager;
    if (!manager) throw unavailable(what);
    return manager;
  }

  async nodeControls(): Promise<NodeControls> {
    const manager = this.host?.nodeManager;
    const containers = manager ? (await manager.list()).map((n) => ({ name: n.name, state: n.state })) : null;
    return { containers, hollowNodes: typeof this.host?.addHollowNodes === 'function' };
  }

  async cordonNode(name: string, unschedulable: boolean): Promise<void> {
    await this.client.patch(NODES, name, { spec: { unschedulable: unschedulable || null } }, { type: 'merge' });
  }

  async drainNode(name: string): Promise<DrainResult> {
    await this.cordonNode(name, true);
    const { items } = await this.client.listAll<Pod>(PODS, { fieldSelector: `spec.nodeName=${name}` });
    const result: DrainResult = { evicted: [], skipped: [], failed: [] };
    await Promise.all(
      items.map(async (pod) => {
        const id = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
        if (drainSkips(pod)) return void result.skipped.push(id);
        const deadline = Date.now() + EVICTION_RETRY_MS;
        for (;;) {
          try {
            await this.client.evict({ metadata: { name: pod.metadata?.name, namespace: pod.metadata?.namespace } });
            return void result.evicted.push(id);
          } catch (err) {
            if (err instanceof StatusError && err.code === 404) return void result.evicted.push(id);
            if (err instanceof StatusError && err.code === 429 && Date.now() < deadline) {
              await sleep(1000);
              continue;
            }
            return void result.failed.push({ pod: id, message: err instanceof Error ? err.message : String(err) });
          }
        }
      }),
    );
    return result;
  }

  async stopNode(name: string): Promise<void> {
    await this.manager('stop a node').stop(name);
  }

  async startNode(name: string): Promise<void> {
    await this.manager('start a node').start(name);
  }

  /** Joins like the nodes started with the cluster: the stored bootstrap token, a free pod CIDR, the next free name. */
  addNode(): Promise<string> {
    if (!this.host?.addNode) return Promise.reject(unavailable('add a node'));
    return this.host.addNode();
  }

  removeNode(name: string): Promise<void> {
    if (!this.host?.removeNode) return Promise.reject(unavailable('remove a node'));
    return this.host.removeNode(name);
  }

  async addHollowNodes(count: number): Promise<string[]> {
    if (!this.host?.addHollowNodes) throw new StatusError(503, 'ServiceUnavailable', 'add hollow nodes: the control plane does not run in this process');
    if (!Number.isInteger(count) || count < 1 || count > 100) throw new StatusError(400, 'BadRequest', 'add hollow nodes: count must be 1 to 100');
    return this.host.addHollowNodes(count);
  }
}
