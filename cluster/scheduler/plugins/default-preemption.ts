/**
 * DefaultPreemption (PostFilter): when no node fits, look for a node where evicting
 * lower-priority pods makes the pod fit. Per node: remove every lower-priority pod,
 * check the filters, then reprieve victims from the most important down while the pod
 * still fits. Choose the node whose victims have the lowest highest priority, then the
 * lowest priority sum, then the fewest victims; delete the victims and nominate the
 * node (status.nominatedNodeName). Nodes rejected as UnschedulableAndUnresolvable are
 * "not helpful" and skipped. PodDisruptionBudgets are not consulted (yet).
 */
import type { Framework } from '../framework.js';
import { reasonHistogram } from '../fit-error.js';
import type { NodeInfo } from '../node-info.js';
import type { PodInfo } from '../pod-info.js';
import { CycleState, status } from '../types.js';
import type { PostFilterPlugin, PostFilterResult, Snapshot, Status } from '../types.js';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_VICTIMS = 'No preemption victims found for incoming pod';

export interface PreemptionHandle {
  framework(): Framework;
  snapshot: Snapshot;
  nominatedPods(nodeName: string): readonly PodInfo[];
  /** Deletes a victim (and records the Preempted event). */
  evict(victim: PodInfo, preemptor: PodInfo, nodeName: string): Promise<void>;
}

export interface Candidate {
  node: string;
  victims: PodInfo[];
}

const startTime = (p: PodInfo) => Date.parse(p.pod.status?.startTime ?? p.pod.metadata?.creationTimestamp ?? '') || 0;
/** MoreImportantPod: higher priority first, then the one that started earlier. */
const moreImportant = (a: PodInfo, b: PodInfo) => b.priority - a.priority || startTime(a) - startTime(b);

export class DefaultPreemption implements PostFilterPlugin {
  readonly name = 'DefaultPreemption';
  constructor(private readonly h: PreemptionHandle) {}

  async postFilter(_state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult> {
    if (pod.pod.spec?.preemptionPolicy === 'Never') return { status: status('Unschedulable', 'not eligible due to preemptionPolicy=Never.') };
    const nominated = pod.pod.status?.nominatedNodeName;
    if (nominated) {
      const n = this.h.snapshot.get(nominated);
      if (n && [...n.pods.values()].some((p) => p.pod.metadata?.deletionTimestamp && p.priority < pod.priority))
        return { status: status('Unschedulable', 'not eligible due to a terminating pod on the nominated node.') };
    }
    const { candidates, nodeStatuses } = this.findCandidates(pod, statuses);
    const all = this.h.snapshot.list().length;
    if (!candidates.length) {
      const hist = reasonHistogram(nodeStatuses.values());
      return { status: status('Unschedulable', `preemption: 0/${all} nodes are available: ${hist.join(', ')}.`) };
    }
    const best = pickCandidate(candidates);
    await Promise.all(best.victims.map((v) => this.h.evict(v, pod, best.node)));
    return { nominatedNodeName: best.node, status: null };
  }

  /** Dry-runs preemption on every node where it might help (nodesWherePreemptionMightHelp). */
  findCandidates(pod: PodInfo, statuses: ReadonlyMap<string, Status>): { candidates: Candidate[]; nodeStatuses: Map<string, Status> } {
    const nodeStatuses = new Map<string, Status>();
    const candidates: Candidate[] = [];
    for (const n of this.h.snapshot.list()) {
      const s = statuses.get(n.name);
      if (s?.code === 'UnschedulableAndUnresolvable') {
        nodeStatuses.set(n.name, status('UnschedulableAndUnresolvable', NOT_HELPFUL));
        continue;
      }
      const r = this.selectVictimsOnNode(pod, n);
      if ('victims' in r) candidates.push({ node: n.name, victims: r.victims });
      else nodeStatuses.set(n.name, r.status);
    }
    return { candidates, nodeStatuses };
  }

  /** Victims on one node, or why preempting there cannot help. The node is restored afterwards. */
  selectVictimsOnNode(pod: PodInfo, node: NodeInfo): { victims: PodInfo[] } | { status: Status } {
    const lower = [...node.pods.values()].filter((p) => p.priority < pod.priority).sort(moreImportant);
    if (!lower.length) return { status: status('UnschedulableAndUnresolvable', NO_VICTIMS) };
    const fw = this.h.framework();
    for (const p of lower) node.removePod(p.key);
    const fits = () => {
      const state = new CycleState();
      if (fw.runPreFilter(state, pod, this.h.snapshot)) return false;
      return !fw.runFiltersWithNominated(state, pod, node, this.h.nominatedPods(node.name));
    };
    const victims: PodInfo[] = [];
    try {
      const state = new CycleState();
      const pre = fw.runPreFilter(state, pod, this.h.snapshot);
      const s = pre ?? fw.runFiltersWithNominated(state, pod, node, this.h.nominatedPods(node.name));
      if (s) return { status: s };
      // Reprieve as many as possible, most important first.
      for (const p of lower) {
        node.addPod(p);
        if (!fits()) {
          node.removePod(p.key);
          victims.push(p);
        }
      }
      return { victims };
    } finally {
      for (const p of victims) node.addPod(p);
      for (const p of lower) if (!node.pods.has(p.key)) node.addPod(p);
    }
  }
}

/** pickOneNodeForPreemption without PDBs: lowest highest victim priority, lowest sum, fewest victims, then first. */
export function pickCandidate(cs: readonly Candidate[]): Candidate {
  const key = (c: Candidate) => {
    const prios = c.victims.map((v) => v.priority);
    return [Math.max(...prios), prios.reduce((a, b) => a + b, 0), c.victims.length];
  };
  let best = cs[0];
  let bestKey = key(best);
  for (const c of cs.slice(1)) {
    const k = key(c);
    for (let i = 0; i < k.length; i++) {
      if (k[i] < bestKey[i]) {
        best = c;
        bestKey = k;
        break;
      }
      if (k[i] > bestKey[i]) break;
    }
  }
  return best;
}
