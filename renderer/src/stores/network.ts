/**
 * The Network view's data: Services and Nodes live from watches, and for the selected
 * Service the rules kube-proxy programmed on each node, read from its /rules endpoint
 * (port 10249) through the API server's nodes/<node>:10249/proxy — one request per node.
 */
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import { useBridge } from '../bridge';
import { KUBE_PROXY_METRICS_PORT } from '../lib/node-endpoints';
import type { ProxyRulesReport } from '../../../electron/preload/api';
import { watchCollection, type WatchedCollection } from './watched-collection';

const SERVICES = { group: '', version: 'v1', resource: 'services', namespaced: true, kind: 'Service' };
const NODES = { group: '', version: 'v1', resource: 'nodes', namespaced: false, kind: 'Node' };

/** One node's answer for the selected Service: its ports' rules, or why they could not be read. */
export interface NodeRules {
  node: string;
  mode?: ProxyRulesReport['mode'];
  lastSync?: string | null;
  ports: ProxyRulesReport['servicePorts'];
  error?: string;
}

export const useNetworkStore = defineStore('network', () => {
  const services = shallowRef<WatchedCollection | null>(null);
  const nodes = shallowRef<WatchedCollection | null>(null);
  /** `namespace/name` of the selected Service. */
  const selected = ref<string | null>(null);
  const rules = ref<NodeRules[]>([]);
  const loading = ref(false);

  async function start(): Promise<void> {
    if (services.value) return;
    const bridge = await useBridge();
    if (!bridge) return;
    services.value = watchCollection(bridge, SERVICES);
    nodes.value = watchCollection(bridge, NODES);
  }
  function stop(): void {
    services.value?.stop();
    nodes.value?.stop();
    services.value = nodes.value = null;
  }

  const serviceList = computed(() =>
    [...(services.value?.items.values() ?? [])].sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`)),
  );
  const nodeNames = computed(() => [...(nodes.value?.items.values() ?? [])].map((n) => n.metadata?.name ?? '').filter(Boolean).sort());
  const error = computed(() => services.value?.state.error ?? nodes.value?.state.error ?? null);

  /** Reads every node's /rules and keeps the selected Service's ports. */
  async function refresh(): Promise<void> {
    const bridge = await useBridge();
    const key = selected.value;
    if (!bridge || !key) return;
    const [namespace, name] = key.split('/');
    loading.value = true;
    try {
      rules.value = await Promise.all(
        nodeNames.value.map(async (node): Promise<NodeRules> => {
          try {
            const r = await bridge.nodeProxyGet(node, '/rules', KUBE_PROXY_METRICS_PORT);
            const report = JSON.parse(r.body) as ProxyRulesReport;
            const ports = (report.servicePorts as ProxyRulesReport['servicePorts'][number][]).filter((p) => p.namespace === namespace && p.name === name);
            return { node, mode: report.mode, lastSync: report.lastSync, ports: ports as ProxyRulesReport['servicePorts'] };
          } catch (err) {
            return { node, ports: [], error: err instanceof Error ? err.message : String(err) };
          }
        }),
      );
    } finally {
      loading.value = false;
    }
  }
  async function select(key: string): Promise<void> {
    selected.value = key;
    rules.value = [];
    await refresh();
  }

  return { start, stop, serviceList, nodeNames, error, selected, rules, loading, select, refresh };
});
