/**
 * `npm run bench [-- NAME...] [--quick] [--cpu-prof DIR]`: runs the named benchmarks (all
 * when none is named), prints the machine they ran on and a table per benchmark, and
 * writes bench/results/<name>-<date>.json plus bench/results/latest.json (the newest
 * result of every benchmark). Benchmarks measure and report; they never fail on numbers.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { benchApiServer } from './apiserver.js';
import { benchCluster } from './cluster.js';
import { benchHollow } from './hollow.js';
import { benchNodes } from './nodes.js';
import { benchScheduler } from './scheduler.js';
import { benchSchedulingLoad } from './scheduling-load.js';
import { describeMachine, machineInfo, type MachineInfo } from './lib/machine.js';
import { benchStore } from './store.js';
import { benchUi } from './ui.js';

interface RunOptions {
  quick: boolean;
  cpuProfileDir?: string;
  heapSnapshotDir?: string;
  backends?: Array<'sqlite' | 'etcd'>;
}

const BENCHMARKS: Record<string, { what: string; run: (o: RunOptions) => Promise<object> }> = {
  store: { what: 'the storage layer alone: SQLite vs etcd puts, ranges, watch', run: () => benchStore() },
  apiserver: { what: 'the API server over HTTPS: verb latency, 5,000-pod list, watch fan-out, RSS', run: (o) => benchApiServer(o) },
  scheduler: { what: 'the scheduling framework in-process: 10,000 pods on 1,000 nodes', run: (o) => benchScheduler(o) },
  nodes: { what: 'node image build (cold and cached), 3 node engines up, docker run inside a node', run: (o) => benchNodes(o) },
  cluster: { what: 'up --nodes 3 in time-to-k8s phases, pod start latency vs docker run, node agent memory', run: (o) => benchCluster(o) },
  hollow: { what: '1,000 hollow nodes Ready and 10,000 pods Running through the control plane', run: (o) => benchHollow(o) },
  'scheduling-load': { what: 'the scheduler binding 10,000 pods on 1,000 hollow nodes, and API GET p99 meanwhile', run: (o) => benchSchedulingLoad(o) },
  ui: { what: 'the explorer in Chromium: launch to interactive, overview frame rate and memory with 100 nodes / 1,000 pods', run: (o) => benchUi(o) },
};

const RESULTS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'results');

const USAGE = `Usage: npm run bench [-- NAME...] [--quick] [--cpu-prof DIR] [--heap-snapshot DIR] [--backends sqlite,etcd]

Benchmarks (all when none is named):
${Object.entries(BENCHMARKS)
  .map(([n, b]) => `  ${n.padEnd(16)} ${b.what}`)
  .join('\n')}

Options:
  --quick          small counts (a smoke run; figures not comparable)
  --cpu-prof DIR   write V8 CPU profiles of the API server processes into DIR (ui: of the page while pods arrive)
  --heap-snapshot DIR  write a V8 heap snapshot of the API server process after the load into DIR
  --backends LIST  stores the apiserver benchmark runs on (default sqlite,etcd)
`;

interface ResultFile {
  name: string;
  startedAt: string;
  durationS: number;
  machine: MachineInfo;
  result: object;
}

/** 2026-01-31T14-05-09: sortable and safe in file names. */
const stamp = (d: Date) => d.toISOString().slice(0, 19).replace(/:/g, '-');

function writeResults(files: ResultFile[]): void {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const latestPath = path.join(RESULTS_DIR, 'latest.json');
  let latest: Record<string, ResultFile> = {};
  try {
    latest = (JSON.parse(fs.readFileSync(latestPath, 'utf8')) as { benchmarks?: Record<string, ResultFile> }).benchmarks ?? {};
  } catch {
    // first run, or unreadable: start afresh
  }
  for (const f of files) {
    const file = path.join(RESULTS_DIR, `${f.name}-${stamp(new Date(f.startedAt))}.json`);
    fs.writeFileSync(file, JSON.stringify(f, null, 2) + '\n');
    console.log(`wrote ${path.relative(process.cwd(), file)}`);
    latest[f.name] = f;
  }
  fs.writeFileSync(latestPath, JSON.stringify({ updatedAt: new Date().toISOString(), benchmarks: latest }, null, 2) + '\n');
  console.log(`wrote ${path.relative(process.cwd(), latestPath)}`);
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { quick: { type: 'boolean' }, 'cpu-prof': { type: 'string' }, 'heap-snapshot': { type: 'string' }, backends: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  const names = parsed.positionals.length ? parsed.positionals : Object.keys(BENCHMARKS);
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}\n\n${USAGE}`);
    return 2;
  }
  const backends = parsed.values.backends?.split(',').map((b) => b.trim());
  if (backends?.some((b) => b !== 'sqlite' && b !== 'etcd')) {
    console.error(`--backends takes sqlite and/or etcd, got "${parsed.values.backends}"`);
    return 2;
  }
  const opts: RunOptions = {
    quick: parsed.values.quick ?? false,
    cpuProfileDir: parsed.values['cpu-prof'] && path.resolve(parsed.values['cpu-prof']),
    heapSnapshotDir: parsed.values['heap-snapshot'] && path.resolve(parsed.values['heap-snapshot']),
    backends: backends as RunOptions['backends'],
  };
  const machine = machineInfo();
  console.log(describeMachine(machine));

  const done: ResultFile[] = [];
  let failed = false;
  for (const name of names) {
    console.log(`\n== ${name}: ${BENCHMARKS[name].what}`);
    const startedAt = new Date();
    try {
      const result = await BENCHMARKS[name].run(opts);
      done.push({ name, startedAt: startedAt.toISOString(), durationS: Math.round((Date.now() - startedAt.getTime()) / 1000), machine, result });
      // A benchmark that could not measure something (an error, not a slow figure) lists it in `failures`.
      const failures = (result as { failures?: unknown }).failures;
      if (Array.isArray(failures) && failures.length) failed = true;
      console.log(`(${name} took ${Math.round((Date.now() - startedAt.getTime()) / 1000)} s)`);
    } catch (err) {
      failed = true;
      console.error(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  if (done.length) writeResults(done);
  if (opts.cpuProfileDir) console.log(`CPU profiles of the API server: ${opts.cpuProfileDir}`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
