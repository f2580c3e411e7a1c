/**
 * The resident memory of the renderer processes a Chromium of ours started (read from /proc:
 * CDP's SystemInfo.getProcessInfo gives CPU time only); the browser itself, as the e2e tests
 * launch it, comes from test/support/chromium.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';

export { CHROMIUM, CHROMIUM_FLAGS, chromiumMissing, ensureRendererBuilt, launchChromium } from '../../test/support/chromium.js';

interface ProcInfo {
  pid: number;
  ppid: number;
  cmdline: string;
  rssBytes: number;
}

function readProc(pid: number): ProcInfo | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (f: string) => Number(new RegExp(`^${f}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
    return { pid, ppid: field('PPid'), cmdline: readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '), rssBytes: field('VmRSS') * 1024 };
  } catch {
    return undefined; // gone, or not Linux
  }
}

/** Our descendants (this process's children, theirs, …) by /proc; empty off Linux. */
function descendants(root: number): ProcInfo[] {
  let all: ProcInfo[];
  try {
    all = readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map((d) => readProc(Number(d)))
      .filter((p): p is ProcInfo => !!p);
  } catch {
    return [];
  }
  const mine = new Set([root]);
  const out: ProcInfo[] = [];
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (!mine.has(p.pid) && mine.has(p.ppid)) {
        mine.add(p.pid);
        out.push(p);
        grew = true;
      }
    }
  }
  return out;
}

/** RSS of the largest renderer process of the Chromium we launched (the page's), and of all its processes together. */
export function chromiumMemoryMiB(): { rendererRss: number; allChromiumRss: number } | undefined {
  const procs = descendants(process.pid).filter((p) => /chrom/i.test(p.cmdline));
  if (!procs.length) return undefined;
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  const renderers = procs.filter((p) => p.cmdline.includes('--type=renderer'));
  return { rendererRss: mib(Math.max(0, ...renderers.map((p) => p.rssBytes))), allChromiumRss: mib(procs.reduce((a, p) => a + p.rssBytes, 0)) };
}
