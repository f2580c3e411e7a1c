/**
 * The scheduling framework's vocabulary (pkg/scheduler/framework/interface.go): a
 * Status with a code and reasons, the per-cycle CycleState, the extension-point
 * interfaces plugins implement, and the Snapshot of node infos a cycle reads.
 */
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';

/** framework.Code. Unschedulable may be fixed by preemption; UnschedulableAndUnresolvable cannot. */
export type Code = 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

/** A non-success result; success is `null` everywhere (framework.Status nil). */
export interface Status {
  code: Code;
  reasons: string[];
  /** The plugin that produced it (filled by the framework). */
  plugin?: string;
}

export function status(code: Code, ...reasons: string[]): Status {
  return { code, reasons };
}

export const SKIP: Status = Object.freeze({ code: 'Skip', reasons: [] }) as Status;

export const isUnschedulable = (s: Status | null): boolean => !!s && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');

/** Per scheduling cycle scratch space plugins share between extension points. */
export class CycleState {
  private readonly data = new Map<string, unknown>();
  /** Plugins whose PreFilter said Skip: their Filter is not run. */
  readonly skipFilter = new Set<string>();
  /** Plugins whose PreScore said Skip: their Score is not run. */
  readonly skipScore = new Set<string>();
  read<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  write(key: string, value: unknown): void {
    this.data.set(key, value);
  }
}

/** What a cycle sees of the cluster: every node's info, plus fast lists the affinity plugins need. */
export interface Snapshot {
  /** Nodes in a stable order (the order a rotating start index walks). */
  list(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** Nodes hosting at least one pod with (anti-)affinity. */
  havePodsWithAffinity(): readonly NodeInfo[];
  /** Nodes hosting at least one pod with required anti-affinity. */
  havePodsWithRequiredAntiAffinity(): readonly NodeInfo[];
  /** How many nodes report having pulled `image` (normalized name). */
  imageNodeCount(image: string): number;
}

/** Cluster changes that can make an unschedulable pod schedulable (framework.ClusterEvent, simplified). */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeUpdate'
  | 'NodeTaintChange'
  | 'NodeLabelChange'
  | 'NodeAllocatableChange'
  | 'PodAdd'
  | 'PodUpdate'
  | 'PodDelete'
  | 'PvcChange'
  | 'PvChange'
  | 'StorageClassChange'
  | 'ServiceChange';

export interface Plugin {
  readonly name: string;
  /** Events after which a pod this plugin rejected is worth retrying (EventsToRegister). */
  events?(): readonly ClusterEvent[];
}

export interface PreFilterPlugin extends Plugin {
  /** May return SKIP (its Filter is then not run for this pod) or a failure for the whole cycle. */
  preFilter(state: CycleState, pod: PodInfo, snapshot: Snapshot): Status | null;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status | null;
}

export interface PostFilterResult {
  nominatedNodeName?: string;
  status: Status | null;
}

export interface PostFilterPlugin extends Plugin {
  /** Called when no node fits; `statuses` has every rejected node's status. */
  postFilter(state: CycleState, pod: PodInfo, statuses: ReadonlyMap<string, Status>): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: PodInfo, feasible: readonly NodeInfo[], snapshot: Snapshot): Status | null;
}

export interface ScorePlugin extends Plugin {
  /** A raw score; NormalizeScore (if any) maps the scores of all feasible nodes to 0..100. */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], scores: Float64Array): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  permit(state: CycleState, pod: PodInfo, nodeName: string): Status | null;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: PodInfo, nodeName: string, annotations?: Record<string, string>): Promise<Status | null>;
}

export const MAX_NODE_SCORE = 100;
