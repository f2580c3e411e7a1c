/**
 * A KubariumBridge for component tests: every call is a vi.fn the test can answer, and
 * watches and store watches hand their listeners to the test to push events through.
 * Installed as `window.kubarium`, so the views reach it exactly as they reach the preload's.
 */
import { vi } from 'vitest';
import type { ClusterStatus, KubeContext, ExecEvent, ExecOptions, ExplorerWatchEvent, KubariumBridge, LogEvent, LogOptions, ResourceRef, StoreEvent } from '../../../electron/preload/api';

/** A log stream the test feeds. */
export interface FakeLogStream {
  namespace: string;
  pod: string;
  options: LogOptions;
  push(event: LogEvent): void;
  stopped: boolean;
}

/** An exec session the test plays the container of. */
export interface FakeExecSession {
  namespace: string;
  pod: string;
  options: ExecOptions;
  emit(event: ExecEvent): void;
  input: string[];
  sizes: [number, number][];
  closed: boolean;
}

export interface FakeBridge extends KubariumBridge {
  /** Watch listeners by resource (`pods`, `events`, …). */
  watchers: Map<string, (event: ExplorerWatchEvent) => void>;
  storeWatchers: ((events: StoreEvent[]) => void)[];
  logStreams: FakeLogStream[];
  execSessions: FakeExecSession[];
}

const OWN_CONTEXT: KubeContext = { id: 'kubarium', name: 'kubarium', cluster: 'kubarium', user: 'kubarium-admin', namespace: null, server: 'https://127.0.0.1:6443', own: true, file: null };

const RUNNING: ClusterStatus = { state: 'running', apiServerUrl: 'https://127.0.0.1:6443', kubeconfigPath: '/tmp/kubeconfig', dataDir: '/tmp', error: null };

export function fakeBridge(): FakeBridge {
  const watchers = new Map<string, (event: ExplorerWatchEvent) => void>();
  const storeWatchers: ((events: StoreEvent[]) => void)[] = [];
  const logStreams: FakeLogStream[] = [];
  const execSessions: FakeExecSession[] = [];
  return {
    watchers,
    storeWatchers,
    logStreams,
    execSessions,
    status: vi.fn(async () => RUNNING),
    onStatus: vi.fn(() => () => undefined),
    copyText: vi.fn(async () => undefined),
    pasteText: vi.fn(async () => ''),
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
    streamLogs: vi.fn((namespace: string, pod: string, options: LogOptions, onEvent: (event: LogEvent) => void) => {
      const stream: FakeLogStream = { namespace, pod, options, stopped: false, push: (e) => !stream.stopped && onEvent(e) };
      logStreams.push(stream);
      return () => void (stream.stopped = true);
    }),
    exec: vi.fn((namespace: string, pod: string, options: ExecOptions, onEvent: (event: ExecEvent) => void) => {
      const session: FakeExecSession = { namespace, pod, options, emit: (e) => !session.closed && onEvent(e), input: [], sizes: [], closed: false };
      execSessions.push(session);
      return {
        send: (data: string) => void session.input.push(data),
        resize: (cols: number, rows: number) => void session.sizes.push([cols, rows]),
        close: () => void (session.closed = true),
      };
    }),
    nodeControls: vi.fn(async () => ({ containers: null, hollowNodes: false })),
    cordonNode: vi.fn(async () => undefined),
    drainNode: vi.fn(async () => ({ evicted: [], skipped: [], failed: [] })),
    stopNode: vi.fn(async () => undefined),
    startNode: vi.fn(async () => undefined),
    addNode: vi.fn(async () => 'node-2'),
    removeNode: vi.fn(async () => undefined),
    addHollowNodes: vi.fn(async (n: number) => Array.from({ length: n }, (_, i) => `hollow-node-${i}`)),
    listContexts: vi.fn(async () => ({ contexts: [OWN_CONTEXT], active: 'kubarium', currentContext: null, error: null })),
    useContext: vi.fn(async () => OWN_CONTEXT),
    mergeKubeconfig: vi.fn(async (setCurrent: boolean) => ({ path: '/home/me/.kube/config', backupPath: null, currentContext: setCurrent ? 'kubarium' : null })),
    resetCluster: vi.fn(async () => undefined),
    nodeProxyGet: vi.fn(async () => ({ contentType: 'text/plain', body: '' })),
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
