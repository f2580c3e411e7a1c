/**
 * The explorer in Debian's Chromium (playwright-core) against the headless launcher
 * (`kubarium up --ui`, no Docker nodes), issue #5:
 *  1. launch to interactive — spawn → `ui <url>` line → page loaded → the overview shows every
 *     hollow node → a click on Resources renders its table; several runs, p50/max;
 *  2. the overview at scale — 100 hollow nodes, then 10 Deployments of 100 replicas created
 *     through the API: frame rate (requestAnimationFrame), long tasks, JS heap and renderer
 *     memory while idle and while the 1,000 pods arrive, and the time until all are shown.
 * The browser is started once, before the runs (a user's browser is already open); each run
 * opens a new page. The renderer is built (`electron-vite build`) when out/renderer is missing
 * or older than renderer/src. Alone: `npx tsx bench/ui.ts [--quick]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { DEPLOYMENTS, PODS, RestClient, SharedInformerFactory } from '../cluster/client/index.js';
import { launchControlPlane, type ControlPlaneProcess } from './lib/control-plane-process.js';
import { percentile, round } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import { chromiumMemoryMiB, chromiumMissing, ensureRendererBuilt, launchChromium } from './ui/chromium.js';
import { summarizeProfile, type HotFunction } from './ui/cpu-profile.js';
import { frameStats, installProbe, pageMetrics, pageNow, type FrameStats, type PageMetrics } from './ui/page-probe.js';

export interface UiBenchOptions {
  quick?: boolean;
  /** Write a CDP CPU profile of the page while the pods arrive into this folder. */
  cpuProfileDir?: string;
}

export interface LaunchRun {
  uiLineMs: number;
  /** Of pageLoadedMs: navigation start → load event, as the page's Navigation Timing has it (the rest is opening the tab). */
  loadInPageMs?: number;
  pageLoadedMs: number;
  nodesShownMs: number;
  interactiveMs: number;
}

export interface WindowStats extends FrameStats {
  /** Main-thread task time ÷ wall time over the window (CDP Performance TaskDuration). */
  mainThreadBusy: number;
}

interface Memory {
  page: PageMetrics;
  chromium?: { rendererRss: number; allChromiumRss: number };
}

export interface UiBenchResult {
  config: { launchRuns: number; launchHollowNodes: number; nodes: number; deployments: number; replicas: number; windowS: number };
  launch: { runs: LaunchRun[]; p50: LaunchRun; max: LaunchRun };
  scale?: {
    nodesShownS: number;
    idle: WindowStats;
    arriving: WindowStats;
    idleAfter: WindowStats;
    /** Seconds from the first Deployment create: all pods exist / all Running (a watch in this process) / all on node cards / all Running on cards. */
    apiAllCreatedS?: number;
    apiAllRunningS?: number;
    uiAllShownS?: number;
    uiAllRunningS?: number;
    memory: { idle: Memory; afterPods: Memory; end: Memory };
    hotFunctions?: HotFunction[];
  };
  failures: string[];
}

const NS = 'default';
const NODE_CARDS = 'article.node-card:not([data-node="Pending pods"])';
const count = (selector: string) => `document.querySelectorAll(${JSON.stringify(selector)}).length`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function openPage(browser: Browser, url: string): Promise<Page> {
  // bypassCSP: the app's CSP (script-src 'self') forbids the string predicates evaluated below.
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
  await installProbe(page);
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** One launch: spawn → ui line → page loaded → N node cards → Resources table after a click, in ms from the spawn. */
async function launchOnce(browser: Browser, hollowNodes: number): Promise<LaunchRun> {
  const t0 = performance.now();
  const cp = await launchControlPlane({ args: ['--hollow-nodes', String(hollowNodes), '--ui'], readyTimeoutMs: 120_000 });
  let page: Page | undefined;
  try {
    if (!cp.ui) throw new Error('the launcher printed no "ui <url>" line');
    page = await openPage(browser, cp.ui.url);
    const pageLoadedMs = performance.now() - t0;
    const loadInPageMs = (await page.evaluate(`performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? NaN`)) as number;
    await page.waitForFunction(`${count(NODE_CARDS)} >= ${hollowNodes}`, undefined, { polling: 'raf', timeout: 60_000 });
    const nodesShownMs = performance.now() - t0;
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.locator('table.objects').waitFor({ timeout: 30_000 });
    const interactiveMs = performance.now() - t0;
    return { uiLineMs: round(cp.ui.lineMs, 0), loadInPageMs: round(loadInPageMs, 0), pageLoadedMs: round(pageLoadedMs, 0), nodesShownMs: round(nodesShownMs, 0), interactiveMs: round(interactiveMs, 0) };
  } finally {
    await page?.close();
    await cp.stop();
  }
}

function deployment(name: string, replicas: number): Deployment {
  const labels = { app: name, bench: 'ui' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: NS },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] } } },
  };
}

async function memory(page: Page, cdp: CDPSession): Promise<Memory> {
  await page.evaluate('void 0'); // let a pending render finish first
  return { page: await pageMetrics(cdp), chromium: chromiumMemoryMiB() };
}

/** The start of a measured window: the page's clock and its cumulative main-thread time. */
async function mark(page: Page, cdp: CDPSession): Promise<{ pageMs: number; taskS: number }> {
  return { pageMs: await pageNow(page), taskS: (await pageMetrics(cdp)).taskS };
}

/** Frames and long tasks since `from`, and the share of that time the page's main thread was busy. */
async function measured(page: Page, cdp: CDPSession, from: { pageMs: number; taskS: number }): Promise<WindowStats> {
  const to = await mark(page, cdp);
  const frames = await frameStats(page, from.pageMs, to.pageMs);
  return { ...frames, mainThreadBusy: round((to.taskS - from.taskS) / ((to.pageMs - from.pageMs) / 1000), 2) };
}

async function benchScale(browser: Browser, cfg: UiBenchResult['config'], opts: UiBenchOptions, failures: string[]): Promise<UiBenchResult['scale']> {
  const total = cfg.deployments * cfg.replicas;
  const windowMs = cfg.windowS * 1000;
  const cp: ControlPlaneProcess = await launchControlPlane({ args: ['--hollow-nodes', String(cfg.nodes), '--ui'], readyTimeoutMs: 180_000 });
  const client = RestClient.fromKubeconfig(cp.kubeconfigPath);
  const informers = new SharedInformerFactory(client, { log: () => {} });
  let page: Page | undefined;
  try {
    if (!cp.ui) throw new Error('the launcher printed no "ui <url>" line');
    const t0 = performance.now();
    page = await openPage(browser, cp.ui.url);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    await page.waitForFunction(`${count(NODE_CARDS)} >= ${cfg.nodes}`, undefined, { polling: 100, timeout: 120_000 });
    const nodesShownS = round((performance.now() - t0) / 1000, 2);

    // Idle: every node shown, heartbeats (Node status and Lease updates) still arriving.
    await sleep(2000);
    let from = await mark(page, cdp);
    await sleep(windowMs);
    const idle = await measured(page, cdp, from);
    const idleMemory = await memory(page, cdp);

    // The pods arrive: a watch in this process sees them in the API, the page shows them on the node cards.
    const pods = informers.informerFor<Pod>(PODS, { namespace: NS, labelSelector: 'bench=ui' });
    informers.start();
    await pods.waitForSync();
    let apiAllCreatedS: number | undefined;
    let apiAllRunningS: number | undefined;
    let tCreate = 0;
    const since = () => round((performance.now() - tCreate) / 1000, 2);
    const check = () => {
      const list = pods.indexer.list();
      if (apiAllCreatedS === undefined && list.length >= total) apiAllCreatedS = since();
      if (apiAllRunningS === undefined && list.filter((p) => p.status?.phase === 'Running').length >= total) apiAllRunningS = since();
    };
    pods.addEventHandler({ onAdd: check, onUpdate: check });
    if (opts.cpuProfileDir) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    from = await mark(page, cdp);
    tCreate = performance.now();
    await Promise.all(Array.from({ length: cfg.deployments }, (_, i) => client.create<Deployment>(DEPLOYMENTS, deployment(`ui-bench-${i}`, cfg.replicas))));
    let uiAllShownS: number | undefined;
    let uiAllRunningS: number | undefined;
    const deadline = tCreate + 300_000;
    const podsOnCards = `${NODE_CARDS} li.pod`;
    while (uiAllRunningS === undefined && performance.now() < deadline) {
      const [shown, running] = (await page.evaluate(`[${count(podsOnCards)}, ${count(`${podsOnCards}.tone-ok`)}]`)) as [number, number];
      if (uiAllShownS === undefined && shown >= total) uiAllShownS = since();
      if (running >= total) uiAllRunningS = since();
      else await sleep(100);
    }
    if (uiAllRunningS === undefined) failures.push(`the overview did not show ${total} pods Running within 300 s`);
    // At least a full window of frames while they arrive (the arrival itself may be shorter).
    const arrivedAt = await pageNow(page);
    if (arrivedAt - from.pageMs < windowMs) await sleep(windowMs - (arrivedAt - from.pageMs));
    const arriving = await measured(page, cdp, from);
    let hotFunctions: HotFunction[] | undefined;
    if (opts.cpuProfileDir) {
      const { profile } = await cdp.send('Profiler.stop');
      mkdirSync(opts.cpuProfileDir, { recursive: true });
      const file = join(opts.cpuProfileDir, `ui-overview-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`);
      writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile of the page while the pods arrived: ${file}`);
      hotFunctions = summarizeProfile(profile, 15);
    }
    const afterPods = await memory(page, cdp);

    // Idle again, now with every pod on the cards.
    await sleep(2000);
    from = await mark(page, cdp);
    await sleep(windowMs);
    const idleAfter = await measured(page, cdp, from);
    const end = await memory(page, cdp);
    return { nodesShownS, idle, arriving, idleAfter, apiAllCreatedS, apiAllRunningS, uiAllShownS, uiAllRunningS, memory: { idle: idleMemory, afterPods, end }, hotFunctions };
  } finally {
    await page?.close();
    await informers.shutdown();
    client.close();
    await cp.stop();
  }
}

export async function benchUi(opts: UiBenchOptions = {}): Promise<UiBenchResult> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  ensureRendererBuilt();
  const quick = !!opts.quick;
  const config: UiBenchResult['config'] = {
    launchRuns: quick ? 2 : 5,
    launchHollowNodes: 3,
    nodes: quick ? 20 : 100,
    deployments: 10,
    replicas: quick ? 10 : 100,
    windowS: quick ? 3 : 10,
  };
  const failures: string[] = [];
  const browser = await launchChromium();
  try {
    const runs: LaunchRun[] = [];
    for (let i = 0; i < config.launchRuns; i++) {
      try {
        runs.push(await launchOnce(browser, config.launchHollowNodes));
      } catch (err) {
        failures.push(`launch run ${i + 1}: ${(err as Error).message}`);
      }
    }
    const phase = (k: keyof LaunchRun, f: (xs: number[]) => number) => round(f(runs.map((r) => r[k] ?? Number.NaN)), 0);
    const agg = (f: (xs: number[]) => number): LaunchRun => ({
      uiLineMs: phase('uiLineMs', f),
      loadInPageMs: phase('loadInPageMs', f),
      pageLoadedMs: phase('pageLoadedMs', f),
      nodesShownMs: phase('nodesShownMs', f),
      interactiveMs: phase('interactiveMs', f),
    });
    const launch = { runs, p50: agg((xs) => percentile(xs, 50)), max: agg((xs) => (xs.length ? Math.max(...xs) : Number.NaN)) };
    let scale: UiBenchResult['scale'];
    try {
      scale = await benchScale(browser, config, opts, failures);
    } catch (err) {
      failures.push(`overview at scale: ${(err as Error).message}`);
    }
    const result: UiBenchResult = { config, launch, scale, failures };
    console.log(`\nExplorer UI benchmark${quick ? ' (--quick: 20 nodes, 100 pods, 3 s windows; not comparable)' : ''}`);
    console.log(formatUiBench(result));
    return result;
  } finally {
    await browser.close();
  }
}

export function formatUiBench(r: UiBenchResult): string {
  const ms = (p50: number, max: number) => `${p50} / ${max} ms`;
  const { p50, max } = r.launch;
  const n = r.config.launchHollowNodes;
  const rows: string[][] = [
    [`launch: command → "ui <url>" line, p50 / max (${r.launch.runs.length} runs)`, ms(p50.uiLineMs, max.uiLineMs), '-'],
    [`launch: → page loaded (of which navigation → load ${p50.loadInPageMs} ms p50)`, ms(p50.pageLoadedMs, max.pageLoadedMs), '-'],
    [`launch: → ${n} nodes shown on the overview`, ms(p50.nodesShownMs, max.nodesShownMs), '-'],
    ['launch: → interactive (Resources table after a click)', ms(p50.interactiveMs, max.interactiveMs), '≤ 3,000 ms warm (ours)'],
  ];
  const s = r.scale;
  if (s) {
    const total = r.config.deployments * r.config.replicas;
    const f = (x: WindowStats) => `${x.meanFps} fps; p95/p99 ${x.p95FrameMs}/${x.p99FrameMs} ms; max ${x.maxFrameMs} ms; main thread ${Math.round(x.mainThreadBusy * 100)} % busy`;
    const lt = (x: FrameStats) => `${x.longTasks} (longest ${x.longestTaskMs} ms, total ${x.longTaskTotalMs} ms over ${x.durationS} s)`;
    const sec = (x: number | undefined) => (x === undefined ? 'failed' : `${x} s`);
    const mem = (m: Memory) => `${m.page.jsHeapUsedMiB} MiB / ${m.chromium?.rendererRss ?? '-'} MiB / ${m.page.domNodes}`;
    rows.push(
      [`scale: ${r.config.nodes} hollow nodes shown (page opened → cards)`, `${s.nodesShownS} s`, '-'],
      [`scale: idle, ${r.config.nodes} nodes, frames`, f(s.idle), '≥ 50 fps idle'],
      ['scale: idle, long tasks > 50 ms', lt(s.idle), 'none > 200 ms'],
      [`scale: ${total} pods arriving, frames`, f(s.arriving), '≥ 30 fps while pods arrive'],
      [`scale: ${total} pods arriving, long tasks > 50 ms`, lt(s.arriving), 'none > 200 ms'],
      [`scale: idle with ${total} pods, frames`, f(s.idleAfter), '≥ 50 fps idle'],
      [`scale: idle with ${total} pods, long tasks > 50 ms`, lt(s.idleAfter), 'none > 200 ms'],
      [`scale: ${total} pods exist / Running in the API (from the creates)`, `${sec(s.apiAllCreatedS)} / ${sec(s.apiAllRunningS)}`, '-'],
      [`scale: all ${total} on node cards / all Running on cards`, `${sec(s.uiAllShownS)} / ${sec(s.uiAllRunningS)}`, '≤ API + 1 s (ours)'],
      ['scale: JS heap / renderer RSS / DOM nodes, idle', mem(s.memory.idle), '-'],
      ['scale: JS heap / renderer RSS / DOM nodes, as the last pod shows', mem(s.memory.afterPods), '-'],
      [`scale: JS heap / renderer RSS / DOM nodes, ${total} pods, idle`, mem(s.memory.end), '-'],
    );
  }
  const hot = s?.hotFunctions?.length ? `\n\nhottest functions while the pods arrived (self time):\n${s.hotFunctions.map((h) => `  ${h.selfMs.toFixed(0).padStart(6)} ms  ${h.name}  ${h.where}`).join('\n')}` : '';
  return formatTable(['metric', 'value', 'aim'], rows) + hot + r.failures.map((x) => `\nFAILED ${x}`).join('');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchUi({ quick: process.argv.includes('--quick') });
}
