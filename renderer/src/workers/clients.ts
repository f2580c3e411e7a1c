/**
 * The renderer's workers (issue #5), each behind lib/worker-rpc: Vite bundles `new Worker(new URL(…), { type: 'module' })`
 * into its own chunk. Without Worker (Vitest/happy-dom) the same methods run in the page's thread.
 */
import { createLogSearch, type LogSearchMethods } from '../lib/log-search';
import { createTraceMethods, type TraceMethods } from '../lib/trace-session';
import { createRpcClient, type RpcClient } from '../lib/worker-rpc';
import { createYamlMethods, type YamlMethods } from '../lib/yaml-render';

let yaml: RpcClient<YamlMethods> | undefined;

/** Stateless YAML work, one worker shared by the detail pane, the editor's apply and the trace view. */
export function yamlWorker(): RpcClient<YamlMethods> {
  return (yaml ??= createRpcClient(createYamlMethods, () => new Worker(new URL('./yaml.worker.ts', import.meta.url), { type: 'module', name: 'yaml' })));
}

/** A log's lines and search: one worker per open logs view (it holds that stream's lines); terminate it on unmount. */
export function spawnLogSearch(): RpcClient<LogSearchMethods> {
  return createRpcClient(createLogSearch, () => new Worker(new URL('./log-search.worker.ts', import.meta.url), { type: 'module', name: 'log-search' }));
}

/** The trace's recorded inputs and correlation: one worker per trace store; terminate it when the trace is dropped. */
export function spawnTraceWorker(): RpcClient<TraceMethods> {
  return createRpcClient(createTraceMethods, () => new Worker(new URL('./trace.worker.ts', import.meta.url), { type: 'module', name: 'trace' }));
}
