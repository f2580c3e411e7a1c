/**
 * The node's heartbeat Lease in kube-node-lease (pkg/kubelet/nodelease controller):
 * renewed with an update of the cached copy; on a conflict or when it is gone, read
 * again, then updated or created. Owned by the Node, so it goes when the Node does.
 */
import type { Lease } from 'kubernetes-types/coordination/v1.js';
import { StatusError } from '../api/status.js';
import { LEASES, microTime } from '../client/index.js';
import type { RestClient } from '../client/index.js';
import { buildNodeLease, NODE_LEASE_DURATION_SECONDS, NODE_LEASE_NAMESPACE } from './node-status.js';

export class NodeLease {
  private lease?: Lease;
  /** The Node's uid, for the owner reference (set once registered). */
  ownerUid?: string;

  constructor(
    private readonly client: RestClient,
    private readonly nodeName: string,
    private readonly durationSeconds = NODE_LEASE_DURATION_SECONDS,
    private readonly now: () => number = Date.now,
  ) {}

  async renew(signal?: AbortSignal): Promise<void> {
    const { client, nodeName } = this;
    const now = this.now();
    if (this.lease) {
      try {
        this.lease = await client.update<Lease>(LEASES, { ...this.lease, spec: { ...this.lease.spec, holderIdentity: nodeName, renewTime: microTime(now) } }, { signal });
        return;
      } catch (err) {
        if (!(err instanceof StatusError && (err.code === 409 || err.code === 404))) throw err;
        this.lease = undefined;
      }
    }
    const fresh = buildNodeLease({ metadata: { name: nodeName, uid: this.ownerUid } }, now, this.durationSeconds);
    try {
      const current = await client.get<Lease>(LEASES, nodeName, { namespace: NODE_LEASE_NAMESPACE, signal });
      const owners = fresh.metadata?.ownerReferences ?? current.metadata?.ownerReferences;
      this.lease = await client.update<Lease>(LEASES, { ...current, metadata: { ...current.metadata, ownerReferences: owners }, spec: fresh.spec }, { signal });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 404)) throw err;
      this.lease = await client.create<Lease>(LEASES, fresh, { signal });
    }
  }
}
