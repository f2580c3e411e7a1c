/**
 * The renderer's heavy computations in Debian's Chromium (issue #5): each at a realistic size — search over a
 * 100,000-line log, a 1 MiB ConfigMap as highlighted YAML (detail pane, editor backdrop, apply draft), a key tree of
 * 10,000 store keys, the trace of a Deployment scaled to 1,000 pods — run on the page's main thread and through the
 * worker RPC (renderer/src/lib/worker-rpc.ts). Reports time to result, long tasks (> 50 ms) and the longest frame gap;
 * median of `--runs` (5). The page and the workers are bundled by esbuild into a temp dir served on loopback.
 * Alone: `npx tsx bench/ui-heavy.ts [--runs N] [--sizes 'lines=500000&keys=50000&replicas=1600&bytes=2097152']`.
 * With `--app [DIR]`: the explorer itself with a 1 MiB ConfigMap and a 0.8 MiB CRD (ui/heavy-app.ts), serving the
 * renderer built in DIR (default out/renderer) — build an older checkout's renderer there to compare.
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from './lib/stats.js';
import { formatTable } from './lib/table.js';
import { chromiumMissing, launchChromium } from './ui/chromium.js';
import { benchHeavyApp } from './ui/heavy-app.js';
import type { RunResult } from '../renderer/src/testing/heavy-run-result.js';


const ROOT = join(import.meta.dirname, '..');

export async function benchUiHeavy(runs = 5, query = ''): Promise<Record<string, { size: string; main: RunResult; worker: RunResult | null }>> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  const dir = mkdtempSync(join(tmpdir(), 'kubarium-ui-heavy-'));
  const server = createServer((req, res) => {
    const file = new URL(req.url ?? '/', 'http://x').pathname.slice(1) || 'index.html';
    try {
      const body = file === 'index.html' ? '<!doctype html><title>heavy</title><script type="module" src="./heavy-page.js"></script>' : readFileSync(join(dir, file));
      res.writeHead(200, { 'content-type': file.endsWith('.js') ? 'text/javascript' : 'text/html' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  const browser = await launchChromium();
  try {
    await build({
      entryPoints: {
        'heavy-page': join(ROOT, 'renderer/src/testing/heavy-bench-page.ts'),
        'log-search.worker': join(ROOT, 'renderer/src/workers/log-search.worker.ts'),
        'yaml.worker': join(ROOT, 'renderer/src/workers/yaml.worker.ts'),
        'trace.worker': join(ROOT, 'renderer/src/workers/trace.worker.ts'),
      },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      outdir: dir,
      logLevel: 'warning',
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const page = await browser.newPage();
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    await page.goto(`http://127.0.0.1:${port}/${query}`);
    await page.waitForFunction('window.__heavy', undefined, { timeout: 60_000 });
    const names = (await page.evaluate('window.__heavy.names')) as string[];
    const out: Record<string, { size: string; main: RunResult; worker: RunResult | null }> = {};
    const median = (rs: RunResult[]): RunResult => {
      const m = (k: keyof Omit<RunResult, 'size'>) => percentile(rs.map((r) => r[k]), 50);
      return { size: rs[0].size, ms: m('ms'), longTasks: m('longTasks'), longestTaskMs: m('longestTaskMs'), maxFrameGapMs: m('maxFrameGapMs') };
    };
    for (const name of names) {
      const main: RunResult[] = [];
      const worker: RunResult[] = [];
      for (let i = 0; i < runs; i++) {
        main.push((await page.evaluate(`window.__heavy.run(${JSON.stringify(name)}, 'main')`)) as RunResult);
        const w = (await page.evaluate(`window.__heavy.run(${JSON.stringify(name)}, 'worker')`)) as RunResult | null;
        if (w) worker.push(w);
      }
      out[name] = { size: main[0].size, main: median(main), worker: worker.length ? median(worker) : null };
    }
    const f = (r: RunResult | null) => (r ? `${r.ms} ms; ${r.longTasks} long (max ${r.longestTaskMs}); gap ${r.maxFrameGapMs}` : '-');
    console.log(formatTable(['workload', 'size', 'before (main thread): result; long tasks; max frame gap ms', 'after (worker RPC / lines in view)'], Object.entries(out).map(([n, r]) => [n, r.size, f(r.main), f(r.worker)])));
    return out;
  } finally {
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(name);
    return at > 0 ? process.argv[at + 1] : undefined;
  };
  if (process.argv.includes('--app')) {
    const dir = arg('--app');
    const browser = await launchChromium();
    try {
      const steps = await benchHeavyApp(browser, dir && !dir.startsWith('--') ? dir : undefined);
      console.log(formatTable(['explorer step', 'wall ms', 'long tasks (longest, total ms)', 'max frame gap ms'], Object.entries(steps).map(([n, r]) => [n, String(r.ms), `${r.longTasks} (${r.longestTaskMs}, ${r.longTaskTotalMs})`, String(r.maxFrameMs)])));
    } finally {
      await browser.close();
    }
  } else {
    await benchUiHeavy(Number(arg('--runs') ?? 5), arg('--sizes') ? `?${arg('--sizes')}` : '');
  }
}
