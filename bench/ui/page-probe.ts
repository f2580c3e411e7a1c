/**
 * What the page itself measures: a requestAnimationFrame loop recording every frame's timestamp,
 * and a PerformanceObserver on 'longtask' (main-thread tasks over 50 ms). Installed before the
 * app's scripts (addInitScript), read back per time window in the page's performance.now() clock.
 */
import type { CDPSession, Page } from 'playwright-core';
import { percentile, round } from '../lib/stats.js';

/** In-page source (the bench's tsconfig has no DOM types, so it is a string). */
const PROBE_SCRIPT = `(() => {
  if (window.__uiBench) return;
  const probe = { frames: [], longTasks: [] };
  window.__uiBench = probe;
  const tick = (t) => { probe.frames.push(t); requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) probe.longTasks.push([e.startTime, e.duration]);
    }).observe({ type: 'longtask', buffered: true });
  } catch { /* no longtask support: none recorded */ }
})();`;

export async function installProbe(page: Page): Promise<void> {
  await page.addInitScript(PROBE_SCRIPT);
}

/** The page's clock (performance.now()), to mark the edges of a window. */
export const pageNow = (page: Page): Promise<number> => page.evaluate('performance.now()') as Promise<number>;

export interface FrameStats {
  durationS: number;
  frames: number;
  meanFps: number;
  p95FrameMs: number;
  p99FrameMs: number;
  maxFrameMs: number;
  /** Main-thread tasks over 50 ms that started in the window. */
  longTasks: number;
  longestTaskMs: number;
  /** Sum of the long tasks' durations, ms. */
  longTaskTotalMs: number;
}

/** Frame and long-task figures between two page-clock marks. */
export async function frameStats(page: Page, fromMs: number, toMs: number): Promise<FrameStats> {
  const { frames, longTasks } = (await page.evaluate(
    `(() => { const p = window.__uiBench; return { frames: p.frames.filter((t) => t >= ${fromMs} && t <= ${toMs}), longTasks: p.longTasks.filter(([s]) => s >= ${fromMs} && s <= ${toMs}) }; })()`,
  )) as { frames: number[]; longTasks: Array<[number, number]> };
  const intervals = frames.slice(1).map((t, i) => t - frames[i]);
  const span = frames.length > 1 ? frames[frames.length - 1] - frames[0] : Number.NaN;
  const durations = longTasks.map(([, d]) => d);
  return {
    durationS: round((toMs - fromMs) / 1000, 1),
    frames: frames.length,
    meanFps: round(((frames.length - 1) / span) * 1000, 1),
    p95FrameMs: round(percentile(intervals, 95), 1),
    p99FrameMs: round(percentile(intervals, 99), 1),
    maxFrameMs: round(intervals.length ? Math.max(...intervals) : Number.NaN, 1),
    longTasks: longTasks.length,
    longestTaskMs: round(durations.length ? Math.max(...durations) : 0, 1),
    longTaskTotalMs: round(durations.reduce((a, b) => a + b, 0), 0),
  };
}

/** Chrome's Performance domain metrics we keep: heap, DOM size, and cumulative main-thread time by kind. */
export interface PageMetrics {
  jsHeapUsedMiB: number;
  jsHeapTotalMiB: number;
  domNodes: number;
  /** Cumulative seconds of main-thread work since the page opened (Performance.getMetrics). */
  scriptS: number;
  layoutS: number;
  recalcStyleS: number;
  taskS: number;
}

export async function pageMetrics(cdp: CDPSession): Promise<PageMetrics> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const m = new Map(metrics.map((x) => [x.name, x.value]));
  const mib = (name: string) => round((m.get(name) ?? Number.NaN) / 2 ** 20, 1);
  const s = (name: string) => round(m.get(name) ?? Number.NaN, 2);
  return {
    jsHeapUsedMiB: mib('JSHeapUsedSize'),
    jsHeapTotalMiB: mib('JSHeapTotalSize'),
    domNodes: m.get('Nodes') ?? Number.NaN,
    scriptS: s('ScriptDuration'),
    layoutS: s('LayoutDuration'),
    recalcStyleS: s('RecalcStyleDuration'),
    taskS: s('TaskDuration'),
  };
}
