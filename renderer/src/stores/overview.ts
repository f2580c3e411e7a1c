/** The cluster overview's data: every node and every pod, live from two watches; and the node actions. */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { ApiObject, KubariumBridge, NodeControls } from '../../../electron/preload/api';
import { useBridge } from '../bridge';
import { controlPlaneHealth, type ComponentHealth } from '../lib/control-plane-health';
import { metricsUsage, type Resources } from '../lib/node-usage';
import { watchCollection, type WatchedCollection } from './watched-collection';

const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };
const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const NODE_METRICS = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'nodes', namespaced: false, kind: 'NodeMetrics' };
const LEASES = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true, kind: 'Lease' };

/** localeCompare order, with one shared collator (localeCompare builds one per call). */
const compareNames = new Intl.Collator().compare;

export const useOverviewStore = defineStore('overview', () => {
  const nodes = shallowRef<WatchedCollection | null>(null);
  const pods = shallowRef<WatchedCollection | null>(null);

  /** What the host can do with nodes (container nodes, hollow nodes); refreshed after each action and every few seconds. */
  const controls = ref<NodeControls | null>(null);
  /** The action under way per node ('' for the cluster-wide ones: add node, add hollow nodes). */
  const busy = ref<Record<string, string>>({});
  /** The last action's outcome, for people to read. */
  const notice = ref<{ text: string; error: boolean } | null>(null);
  /** Live usage per node from metrics.k8s.io (empty when the metrics API does not answer, e.g. on hollow nodes). */
  const usage = shallowRef(new Map<string, Resources>());
  /** The control-plane components' health, from their leader-election Leases. */
  const components = shallowRef<ComponentHealth[]>([]);
  let poll: ReturnType<typeof setInterval> | undefined;

  async function refreshControls(): Promise<void> {
    const bridge = await useBridge();
    controls.value = (await bridge?.nodeControls().catch(() => null)) ?? null;
    const leases = await bridge?.list(LEASES, 'kube-system').catch(() => null);
    if (leases) components.value = controlPlaneHealth(leases, Date.now());
  }
  // metrics.k8s.io refreshes every 15 s (the kubelet scrape interval), so polling faster shows nothing new.
  let metricsPoll: ReturnType<typeof setInterval> | undefined;
  async function refreshUsage(): Promise<void> {
    const bridge = await useBridge();
    const items = await bridge?.list(NODE_METRICS).catch(() => null);
    usage.value = new Map((items ?? []).map((m) => [m.metadata?.name ?? '', metricsUsage(m)]));
  }

  async function start(): Promise<void> {
    if (nodes.value) return;
    const bridge = await useBridge();
    if (!bridge) return;
    // Batched per frame: 1,000 pods arriving (about four events each) render once a frame, not once an event.
    nodes.value = watchCollection(bridge, NODES, undefined, { batch: 'frame' });
    pods.value = watchCollection(bridge, PODS, undefined, { batch: 'frame' });
    void refreshControls();
    void refreshUsage();
    poll = setInterval(() => void refreshControls(), 5000);
    metricsPoll = setInterval(() => void refreshUsage(), 15_000);
  }
  function stop(): void {
    nodes.value?.stop();
    pods.value?.stop();
    nodes.value = pods.value = null;
    clearInterval(poll);
    clearInterval(metricsPoll);
  }

  /** Runs one node action, marking `target` busy meanwhile and reporting the outcome. */
  async function run(target: string, label: string, action: (bridge: KubariumBridge) => Promise<string>): Promise<void> {
    const bridge = await useBridge();
    if (!bridge || busy.value[target]) return;
    busy.value = { ...busy.value, [target]: label };
    try {
      notice.value = { text: await action(bridge), error: false };
    } catch (err) {
      notice.value = { text: `${label} ${target}: ${err instanceof Error ? err.message : String(err)}`, error: true };
    } finally {
      const { [target]: _done, ...rest } = busy.value;
      busy.value = rest;
      void refreshControls();
    }
  }
  const cordon = (name: string, unschedulable: boolean) =>
    run(name, unschedulable ? 'Cordoning' : 'Uncordoning', async (b) => (await b.cordonNode(name, unschedulable), `${name} ${unschedulable ? 'cordoned' : 'uncordoned'}`));
  const drain = (name: string) =>
    run(name, 'Draining', async (b) => {
      const r = await b.drainNode(name);
      const failed = r.failed.map((f) => `${f.pod} (${f.message})`).join(', ');
      return `${name} drained: ${r.evicted.length} evicted, ${r.skipped.length} left (DaemonSet or mirror)${failed ? `; failed: ${failed}` : ''}`;
    });
  const stopNode = (name: string) => run(name, 'Stopping', async (b) => (await b.stopNode(name), `${name} stopped: its kubelet no longer posts status`));
  const startNode = (name: string) => run(name, 'Starting', async (b) => (await b.startNode(name), `${name} started`));
  const removeNode = (name: string) => run(name, 'Removing', async (b) => (await b.removeNode(name), `${name} removed`));
  const addNode = () => run('', 'Adding a node', async (b) => `${await b.addNode()} added`);
  const addHollowNodes = (count: number) => run('', 'Adding hollow nodes', async (b) => `added ${(await b.addHollowNodes(count)).join(', ')}`);

  const nodeList = computed(() =>
    [...(nodes.value?.items.values() ?? [])].sort((a, b) => compareNames(a.metadata?.name ?? '', b.metadata?.name ?? '')),
  );
  /**
   * Pods by spec.nodeName; '' holds the ones not scheduled yet. A node whose pods are the same
   * objects as last time keeps its previous array, so only the cards whose pods changed re-render.
   */
  let previousByNode = new Map<string, ApiObject[]>();
  const podsByNode = computed(() => {
    const byNode = new Map<string, ApiObject[]>();
    for (const pod of pods.value?.items.values() ?? []) {
      const node = ((pod.spec as { nodeName?: string } | undefined)?.nodeName) ?? '';
      const list = byNode.get(node);
      if (list) list.push(pod);
      else byNode.set(node, [pod]);
    }
    for (const [node, list] of byNode) {
      list.sort((a, b) => compareNames(a.metadata?.name ?? '', b.metadata?.name ?? ''));
      const before = previousByNode.get(node);
      if (before && before.length === list.length && before.every((pod, i) => pod === list[i])) byNode.set(node, before);
    }
    previousByNode = byNode;
    return byNode;
  });
  const error = computed(() => nodes.value?.state.error ?? pods.value?.state.error ?? null);

  /** Node containers by node name (container nodes only). */
  const containers = computed(() => new Map((controls.value?.containers ?? []).map((c) => [c.name, c])));

  return { start, stop, nodeList, podsByNode, error, controls, containers, usage, components, busy, notice, cordon, drain, stopNode, startNode, removeNode, addNode, addHollowNodes };
});
