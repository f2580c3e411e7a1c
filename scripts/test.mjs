/**
 * `npm test`: prepare what the tests need, then run every test with Node's runner.
 *
 *   npm test                                   all *.test.ts under cluster/, electron/ and test/
 *   npm test -- test/e2e/x.test.ts cluster/store   a subset (files or folders)
 *   npm test -- --test-name-pattern=watch      extra flags go to `node --test`
 *   npm test -- renderer                       the renderer's component tests (Vitest, *.spec.ts; also `npm run test:ui`)
 *
 * A full run (no selectors) runs the renderer's Vitest suite first, then the node tests.
 *
 * Prerequisites: missing Debian packages (scripts/prereqs.mjs) are installed when
 * we are root with apt-get, otherwise named; kubectl and helm are extracted into
 * .cache/bin and exported as KUBARIUM_KUBECTL / KUBARIUM_HELM; native addons
 * built for Electron by `npm start` are rebuilt for Node (scripts/native.mjs); when no
 * Docker engine answers, dockerd is started if installed and we are root, and stopped
 * after the tests by the last run using it (scripts/docker.mjs) — tests that need
 * Docker skip without one.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { acquireDockerEngine } from './docker.mjs';
import { ensureNativeForNode } from './native.mjs';
import { ensureDebianPackages } from './prereqs.mjs';
import { ensureKubeTools, repoRoot } from './tools.mjs';

const TEST_ROOTS = ['cluster', 'electron', 'test'];
const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', '.cache']);

function findTests(dir, found = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) findTests(path, found);
    } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
      found.push(path);
    }
  }
  return found;
}

function testFiles(selectors) {
  const roots = selectors.length > 0 ? selectors.map((s) => resolve(s)) : TEST_ROOTS.map((r) => join(repoRoot, r));
  const files = [];
  for (const root of roots) {
    if (!existsSync(root)) {
      if (selectors.length > 0) throw new Error(`no such test file or folder: ${relative(process.cwd(), root)}`);
      continue;
    }
    if (statSync(root).isDirectory()) findTests(root, files);
    else files.push(root);
  }
  return [...new Set(files)].sort().map((f) => relative(repoRoot, f));
}

function prepare() {
  // The API server freezes the objects its watch cache shares (storage/object.ts deepFreeze): a change to one throws.
  const env = { KUBARIUM_FREEZE_SHARED: '1', ...process.env };
  const { missing } = ensureDebianPackages((line) => console.log(line));
  if (missing.length > 0) console.log(`prereqs: still missing: ${missing.map((p) => p.name).join(' ')}`);
  if (!ensureNativeForNode()) console.log('prereqs: better-sqlite3 does not load in this Node (see the rebuild output above)');
  try {
    if (!env.KUBARIUM_KUBECTL || !env.KUBARIUM_HELM) {
      const tools = ensureKubeTools();
      env.KUBARIUM_KUBECTL ||= tools.kubectl;
      env.KUBARIUM_HELM ||= tools.helm;
    }
    console.log(`prereqs: KUBARIUM_KUBECTL=${env.KUBARIUM_KUBECTL}`);
    console.log(`prereqs: KUBARIUM_HELM=${env.KUBARIUM_HELM}`);
  } catch (err) {
    console.log(`prereqs: kubectl/helm unavailable: ${err instanceof Error ? err.message : err}`);
  }
  return env;
}

const args = process.argv.slice(2);
const nodeFlags = args.filter((a) => a.startsWith('--'));
const allSelectors = args.filter((a) => !a.startsWith('--'));
// The renderer's tests run under Vitest (a DOM and .vue files), not node --test.
const isRendererPath = (s) => relative(repoRoot, resolve(s)).split(/[\\/]/)[0] === 'renderer';
const uiSelectors = allSelectors.filter(isRendererPath);
const selectors = allSelectors.filter((s) => !isRendererPath(s));
const runUi = allSelectors.length === 0 || uiSelectors.length > 0;
const runNode = allSelectors.length === 0 || selectors.length > 0;

/** Vitest over renderer/ (all of it, or the named files and folders); resolves to its exit code. */
function runVitest() {
  const vitest = join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs');
  const filters = uiSelectors.map((s) => relative(join(repoRoot, 'renderer'), resolve(s))).filter((s) => s !== '');
  console.log(`test: renderer components (vitest${filters.length ? ` ${filters.join(' ')}` : ''})`);
  const ui = spawn(process.execPath, [vitest, 'run', '--config', join(repoRoot, 'renderer', 'vitest.config.ts'), ...filters], { cwd: repoRoot, stdio: 'inherit' });
  return new Promise((done) => ui.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0))));
}

const uiCode = runUi ? await runVitest() : 0;
if (!runNode) process.exit(uiCode);

let files;
try {
  files = testFiles(selectors);
} catch (err) {
  console.error(`test: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
}
const env = prepare();
const docker = await acquireDockerEngine((line) => console.log(line));
if (files.length === 0) {
  await docker.release();
  console.log('test: no *.test.ts files found');
  process.exit(uiCode || (selectors.length > 0 ? 1 : 0));
}
// Test files start API servers and etcd: one per core keeps a 2-core CI box responsive.
const concurrency = Math.max(1, Math.min(availableParallelism(), 4));
const runnerArgs = [
  '--import',
  'tsx',
  '--test',
  '--test-reporter=spec',
  `--test-concurrency=${concurrency}`,
  ...nodeFlags,
  ...files,
];
console.log(`test: ${files.length} file(s), concurrency ${concurrency}`);
const child = spawn(process.execPath, runnerArgs, { cwd: repoRoot, env, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', async (code, signal) => {
  // A dockerd started for tests goes with the last run using it; its images (the node image cache) stay on disk.
  await docker.release();
  process.exit(uiCode || (code ?? (signal ? 1 : 0)));
});
