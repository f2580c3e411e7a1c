/**
 * A KubariumBridge for component tests: every call is a vi.fn the test can answer, and
 * watches and store watches hand their listeners to the test to push events through.
 * Installed as `window.kubarium`, so the views reach it exactly as they reach the preload's.
 */
import { vi } from 'vitest';
import type { ClusterStatus, ExplorerWatchEvent, KubariumBridge, ResourceRef, StoreEvent } from '../../../electron/preload/api';

export interface FakeBridge extends KubariumBridge {
  /** Watch listeners by resource (`pods`, `events`, …). */
  watchers: Map<string, (event: ExplorerWatchEvent) => void>;
  storeWatchers: ((events: StoreEvent[]) => void)[];
}

const RUNNING: ClusterStatus = { state: 'running', apiServerUrl: 'https://127.0.0.1:6443', kubeconfigPath: '/tmp/kubeconfig', dataDir: '/tmp', error: null };

export function fakeBridge(): FakeBridge {
  const watchers = new Map<string, (event: ExplorerWatchEvent) => void>();
  const storeWatchers: ((events: StoreEvent[]) => void)[] = [];
  return {
    watchers,
    storeWatchers,
    status: vi.fn(async () => RUNNING),
    onStatus: vi.fn(() => () => undefined),
    copyText: vi.fn(async () => undefined),
    listResources: vi.fn(async () => []),
    list: vi.fn(async () => []),
    get: vi.fn(async () => ({})),
    watch: vi.fn((ref: ResourceRef, _ns: string | undefined, onEvent: (event: ExplorerWatchEvent) => void) => {
      watchers.set(ref.resource, onEvent);
      return () => void watchers.delete(ref.resource);
    }),
    apply: vi.fn(async () => []),
    delete: vi.fn(async () => undefined),
    storeInfo: vi.fn(async () => ({ backend: 'sqlite' as const, revision: 10, compactRevision: 0 })),
    storeKeys: vi.fn(async () => ({ revision: 10, keys: [] })),
    storeValue: vi.fn(async () => null),
    storeHistory: vi.fn(async () => []),
    watchStore: vi.fn((_prefix: string, onEvents: (events: StoreEvent[]) => void) => {
      storeWatchers.push(onEvents);
      return () => undefined;
    }),
  };
}

/** Makes `bridge` the page's `window.kubarium` (as Electron's preload would). */
export function installBridge(bridge: KubariumBridge): void {
  Object.defineProperty(window, 'kubarium', { value: bridge, configurable: true, writable: true });
}

/** Lets pending promises and Vue's scheduler run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}
