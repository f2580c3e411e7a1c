/** The terminal tabs: exec sessions into containers and (Electron only) the local shell; one is active. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

export interface TerminalTab {
  id: number;
  kind: 'exec' | 'local';
  title: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

export const useTerminalsStore = defineStore('terminals', () => {
  const tabs = ref<TerminalTab[]>([]);
  const activeId = ref<number | null>(null);
  let nextId = 1;

  const active = computed(() => tabs.value.find((t) => t.id === activeId.value) ?? null);

  function add(tab: Omit<TerminalTab, 'id'>): TerminalTab {
    const created = { ...tab, id: nextId++ };
    tabs.value.push(created);
    activeId.value = created.id;
    return created;
  }
  /** A new tab with a shell in the pod's container. */
  function openExec(namespace: string, pod: string, container?: string): TerminalTab {
    return add({ kind: 'exec', namespace, pod, container, title: `${pod}${container ? `/${container}` : ''}` });
  }
  function openLocal(): TerminalTab {
    return add({ kind: 'local', title: 'Local shell' });
  }
  function close(id: number): void {
    const i = tabs.value.findIndex((t) => t.id === id);
    if (i === -1) return;
    tabs.value.splice(i, 1);
    if (activeId.value === id) activeId.value = tabs.value[Math.min(i, tabs.value.length - 1)]?.id ?? null;
  }
  return { tabs, activeId, active, openExec, openLocal, close };
});
