/**
 * Debian's Chromium driven by playwright-core, as the e2e tests and the ui benchmarks use it,
 * and the built renderer the launcher's web mode serves (out/renderer).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { repoRoot } from '../../scripts/tools.mjs';

export const CHROMIUM = process.env.KUBARIUM_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
/** Where tests write their screenshots, for people to look at. */
export const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');

/** Why Chromium cannot run here, or undefined when it can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (scripts/prereqs.mjs)`;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds out/renderer (electron-vite) when it is missing or older than renderer/src, so no run serves a stale UI. */
export function ensureRendererBuilt(): void {
  const index = join(repoRoot, 'out', 'renderer', 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestMtime(join(repoRoot, 'renderer', 'src'))) return;
  console.log('building the renderer (electron-vite build)…');
  const built = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('electron-vite build failed');
}
