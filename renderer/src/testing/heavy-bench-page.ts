/**
 * In-page side of bench/ui-heavy.ts (bundled by esbuild with the workers, run in Chromium; not part of the app): each workload once on the main thread
 * (as the views did before issue #5) and once through the worker RPC, with the long tasks (> 50 ms) and the longest
 * frame gap the main thread showed meanwhile.
 */
import { findMatches } from '../lib/log-lines';
import { createLogSearch, type LogSearchMethods } from '../lib/log-search';
import { createTraceMethods, type TraceMethods } from '../lib/trace-session';
import { buildKeyTree } from '../lib/store-tree';
import { buildTrace } from '../lib/trace';
import { createRpcClient, type RpcClient } from '../lib/worker-rpc';
import { highlightLine, highlightYaml } from '../lib/yaml-highlight';
import { createYamlMethods, objectYaml, type YamlMethods } from '../lib/yaml-render';
import { draftToSend } from '../lib/apply-draft';
import type { ApiObject } from '../../../electron/preload/api';
import type { TraceInput } from '../lib/trace';
import { bigConfigMap, bigCrd, logLines, storeKeys, traceInputs } from './heavy-fixtures';
import type { RunResult } from './heavy-run-result';


const longTasks: [number, number][] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push([e.startTime, e.duration]);
}).observe({ type: 'longtask', buffered: true });
const frames: number[] = [];
const tick = (t: number) => {
  frames.push(t);
  requestAnimationFrame(tick);
};
requestAnimationFrame(tick);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const N_LINES = Number(new URLSearchParams(location.search).get('lines') ?? 100_000);
const CM_BYTES = Number(new URLSearchParams(location.search).get('bytes') ?? 2 ** 20);
const N_KEYS = Number(new URLSearchParams(location.search).get('keys') ?? 10_000);
const REPLICAS = Number(new URLSearchParams(location.search).get('replicas') ?? 1000);

let logClient: RpcClient<LogSearchMethods> | undefined;
let yamlClient: RpcClient<YamlMethods> | undefined;
let traceRpc: RpcClient<TraceMethods> | undefined;
const lines = logLines(N_LINES);
const cm = bigConfigMap(CM_BYTES) as ApiObject;
const cmText = objectYaml(cm);
const crd = bigCrd(CM_BYTES) as ApiObject;
const crdText = objectYaml(crd);
const keys = storeKeys(N_KEYS);
const recorded = traceInputs(REPLICAS);
const trace = { inputs: recorded.inputs as TraceInput[], since: recorded.since };

async function logsClient(): Promise<RpcClient<LogSearchMethods>> {
  if (!logClient) {
    logClient = createRpcClient(createLogSearch, () => new Worker(new URL('./log-search.worker.js', location.href), { type: 'module' }));
    for (let i = 0; i < lines.length; i += 1000) void logClient.call('append', [lines.slice(i, i + 1000), 500_000]);
    await logClient.call('search', ['warm-up']);
  }
  return logClient;
}
async function traceClient(): Promise<RpcClient<TraceMethods>> {
  if (!traceRpc) {
    traceRpc = createRpcClient(createTraceMethods, () => new Worker(new URL('./trace.worker.js', location.href), { type: 'module' }));
    await traceRpc.call('record', [trace.inputs, trace.inputs.length]);
  }
  return traceRpc;
}
function yamlRpc(): RpcClient<YamlMethods> {
  return (yamlClient ??= createRpcClient(createYamlMethods, () => new Worker(new URL('./yaml.worker.js', location.href), { type: 'module' })));
}

/** `main`: as the views did before issue #5, on the page's thread; `worker`: what they do now (worker RPC, plus the in-view lines' highlighting). */
const IN_VIEW = 60;
const workloads: Record<string, { size: string; main: () => unknown; worker?: () => Promise<unknown>; prepare?: () => Promise<unknown> }> = {
  'logs: search': { size: `${N_LINES} lines`, main: () => findMatches(lines, 'web-42'), prepare: logsClient, worker: async () => (await logsClient()).call('search', ['web-42']) },
  'yaml: detail pane, ConfigMap (stringify + highlight)': {
    size: `${(CM_BYTES / 2 ** 20).toFixed(1)} MiB ConfigMap, ${cmText.split('\n').length} lines`,
    main: () => highlightYaml(objectYaml(cm)),
    prepare: () => yamlRpc().call('objectYaml', [{}, false]),
    worker: async () => (await yamlRpc().call('objectYaml', [cm, false])).split('\n').slice(0, IN_VIEW).map(highlightLine),
  },
  'yaml: detail pane, CRD (stringify + highlight)': {
    size: `${(JSON.stringify(crd).length / 2 ** 20).toFixed(1)} MiB CRD, ${crdText.split('\n').length} lines`,
    main: () => highlightYaml(objectYaml(crd)),
    prepare: () => yamlRpc().call('objectYaml', [{}, false]),
    worker: async () => (await yamlRpc().call('objectYaml', [crd, false])).split('\n').slice(0, IN_VIEW).map(highlightLine),
  },
  'yaml: apply draft, ConfigMap (parse + strip)': { size: 'ConfigMap draft', main: () => draftToSend(cmText, 'apply'), worker: () => yamlRpc().call('draftToSend', [cmText, 'apply']) },
  'yaml: apply draft, CRD (parse + strip)': { size: 'CRD draft', main: () => draftToSend(crdText, 'apply'), worker: () => yamlRpc().call('draftToSend', [crdText, 'apply']) },
  'yaml: editor backdrop per keystroke (all lines / in view)': {
    size: `${crdText.split('\n').length} lines`,
    main: () => crdText.split('\n').map(highlightLine),
    worker: async () => crdText.split('\n').slice(0, IN_VIEW).map(highlightLine),
  },
  'store: key tree': { size: `${N_KEYS} keys`, main: () => buildKeyTree(keys) },
  'trace: correlate': {
    size: `${trace.inputs.length} inputs (${REPLICAS} pods)`,
    main: () => buildTrace({ kind: 'Deployment', namespace: 'default', name: 'web' }, trace.inputs, trace.since),
    prepare: traceClient,
    worker: async () => (await traceClient()).call('build', [{ kind: 'Deployment', namespace: 'default', name: 'web' }, trace.since]),
  },
};

async function measure(fn: () => unknown): Promise<Omit<RunResult, 'size'>> {
  await sleep(100);
  const t0 = performance.now();
  await fn();
  const t1 = performance.now();
  await sleep(150); // long-task entries arrive after the task
  const tasks = longTasks.filter(([s, d]) => s + d >= t0 - 1 && s <= t1 + 1).map(([, d]) => d);
  const fr = frames.filter((t) => t >= t0 - 20 && t <= t1 + 20);
  const gaps = fr.slice(1).map((t, i) => t - fr[i]);
  return { ms: Math.round(t1 - t0), longTasks: tasks.length, longestTaskMs: Math.round(Math.max(0, ...tasks)), maxFrameGapMs: Math.round(Math.max(0, ...gaps)) };
}

async function run(name: string, mode: 'main' | 'worker'): Promise<RunResult | null> {
  const w = workloads[name];
  if (mode === 'worker' && !w.worker) return null;
  if (mode === 'worker') await w.prepare?.();
  const r = await measure(mode === 'main' ? w.main : w.worker!);
  return { ...r, size: w.size };
}

(window as unknown as { __heavy: unknown }).__heavy = { names: Object.keys(workloads), run };
