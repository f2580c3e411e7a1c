/**
 * A pod as the scheduler works with it (framework.PodInfo): the API object plus what
 * every cycle would otherwise re-derive from it — requests, host ports, parsed
 * (anti-)affinity terms, priority. Built once per pod version.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from 'kubernetes-types/core/v1.js';
import { Selector, selectorFromLabelSelector } from '../api/labels.js';
import { podRequests } from './resources.js';
import type { Resource } from './resources.js';

export interface HostPort {
  protocol: string;
  ip: string;
  port: number;
}

/** A PodAffinityTerm with its selector parsed (framework.AffinityTerm). */
export interface AffinityTerm {
  /** Namespaces the term selects pods in; undefined = all namespaces (namespaceSelector: {}). */
  namespaces?: ReadonlySet<string>;
  selector: Selector;
  topologyKey: string;
}

export interface WeightedAffinityTerm extends AffinityTerm {
  weight: number;
}

export class PodInfo {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly requests: Resource;
  /** cpu/memory with the defaults for containers that request none (scoring only). */
  readonly nonZeroCPU: number;
  readonly nonZeroMemory: number;
  readonly hostPorts: readonly HostPort[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];

  constructor(
    readonly pod: Pod,
    /** spec.priority, or resolved from its PriorityClass. */
    readonly priority = pod.spec?.priority ?? 0,
  ) {
    const m = pod.metadata ?? {};
    this.namespace = m.namespace ?? 'default';
    this.name = m.name ?? '';
    this.key = `${this.namespace}/${this.name}`;
    this.requests = podRequests(pod);
    const nz = podRequests(pod, true);
    this.nonZeroCPU = nz.milliCPU;
    this.nonZeroMemory = nz.memory;
    const ports: HostPort[] = [];
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])])
      for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) ports.push({ protocol: p.protocol ?? 'TCP', ip: p.hostIP || '0.0.0.0', port: p.hostPort });
    this.hostPorts = ports;
    const aff = pod.spec?.affinity;
    this.requiredAffinity = (aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => this.term(t));
    this.requiredAntiAffinity = (aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).map((t) => this.term(t));
    this.preferredAffinity = (aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => this.weighted(w));
    this.preferredAntiAffinity = (aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => this.weighted(w));
  }

  get labels(): Readonly<Record<string, string>> {
    return this.pod.metadata?.labels ?? {};
  }

  get hasAffinity(): boolean {
    return this.requiredAffinity.length + this.requiredAntiAffinity.length + this.preferredAffinity.length + this.preferredAntiAffinity.length > 0;
  }

  /** Namespaces: the listed ones, else the pod's own; a namespaceSelector (any) widens to all namespaces (simplified). */
  private term(t: PodAffinityTerm): AffinityTerm {
    let namespaces: Set<string> | undefined = new Set(t.namespaces?.length ? t.namespaces : [this.namespace]);
    if (t.namespaceSelector) namespaces = undefined;
    return { namespaces, selector: t.labelSelector ? selectorFromLabelSelector(t.labelSelector) : Selector.nothing(), topologyKey: t.topologyKey };
  }

  private weighted(w: WeightedPodAffinityTerm): WeightedAffinityTerm {
    return { ...this.term(w.podAffinityTerm), weight: w.weight };
  }
}

/** Whether `target` is selected by `term` (namespace and labels). */
export function termMatches(term: AffinityTerm, target: PodInfo): boolean {
  return (!term.namespaces || term.namespaces.has(target.namespace)) && term.selector.matches(target.labels);
}

/** Repository/name[:tag] with `:latest` when no tag or digest is given, as ImageLocality normalizes. */
export function normalizedImageName(image: string): string {
  const lastSlash = image.lastIndexOf('/');
  if (image.includes('@') || image.lastIndexOf(':') > lastSlash) return image;
  return `${image}:latest`;
}
