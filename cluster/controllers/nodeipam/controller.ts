/**
 * The node IPAM controller with the range allocator (pkg/controller/nodeipam,
 * ipam/range_allocator.go): each node gets `spec.podCIDR`/`podCIDRs`, a /24 of the
 * cluster CIDR (10.244.0.0/16 by default), released when the node is deleted. Existing
 * assignments are read from the cache before any allocation, so a restart never hands
 * out a subnet twice.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { StatusError } from '../../api/status.js';
import { NODES, RateLimitingQueue, runController } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { CidrSet } from './cidr-set.js';

export interface NodeIpamOptions {
  clusterCIDR?: string;
  nodeCIDRMaskSize?: number;
  workers?: number;
}

export function startNodeIpamController(ctx: ControllerContext, opts: NodeIpamOptions = {}): RunningController {
  const name = 'node-ipam';
  const cidrs = new CidrSet(opts.clusterCIDR ?? '10.244.0.0/16', opts.nodeCIDRMaskSize ?? 24);
  const nodes = ctx.informers.informerFor<Node>(NODES);
  const queue = new RateLimitingQueue<string>();
  const recorder = ctx.recorder('cidrAllocator');
  /** node name → the CIDR we know it holds. */
  const held = new Map<string, string>();
  let seeded = false;

  const seed = () => {
    if (seeded) return;
    seeded = true;
    for (const n of nodes.indexer.list()) if (n.spec?.podCIDR && cidrs.occupy(n.spec.podCIDR)) held.set(n.metadata!.name!, n.spec.podCIDR);
  };
  nodes.addEventHandler({
    onAdd: (n) => queue.add(n.metadata!.name!),
    onUpdate: (_o, n) => queue.add(n.metadata!.name!),
    onDelete: (n) => queue.add(n.metadata!.name!),
  });

  async function reconcile(nodeName: string): Promise<void> {
    seed();
    const node = nodes.indexer.get(nodeName);
    if (!node) {
      const cidr = held.get(nodeName);
      if (cidr) cidrs.release(cidr);
      held.delete(nodeName);
      return;
    }
    if (node.spec?.podCIDR) {
      if (!held.has(nodeName) && cidrs.occupy(node.spec.podCIDR)) held.set(nodeName, node.spec.podCIDR);
      return;
    }
    let cidr = held.get(nodeName);
    if (!cidr) {
      cidr = cidrs.allocateNext();
      if (!cidr) {
        recorder.event(node, 'Normal', 'CIDRNotAvailable', `Node ${nodeName} status is now: CIDRNotAvailable`);
        throw new Error(`no CIDR left for node ${nodeName}`);
      }
      held.set(nodeName, cidr);
    }
    try {
      await ctx.client.patch<Node>(NODES, nodeName, { spec: { podCIDR: cidr, podCIDRs: [cidr] } }, { signal: ctx.signal });
    } catch (err) {
      if (err instanceof StatusError && err.code === 404) {
        cidrs.release(cidr);
        held.delete(nodeName);
        return;
      }
      throw err;
    }
  }

  const c = runController({ name, queue, workers: 1, reconcile, waitFor: [nodes], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}
