/**
 * The explorer in a real browser (web mode): `kubarium up --hollow-nodes 2 --ui`, Debian's
 * Chromium driven by playwright-core opens the printed `ui <url>`, sees a card per node with
 * its pods, and the resources view; screenshots go to test-results/ for people to look at.
 * Skips when /usr/bin/chromium (Debian package `chromium`) is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../scripts/tools.mjs';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl } from '../support/kubectl.js';

const CHROMIUM = process.env.KUBARIUM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const RESULTS = join(repoRoot, 'test-results');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (scripts/prereqs.mjs)`;

/** The web mode serves out/renderer; build it once if this checkout has not. */
function ensureRendererBuilt(): void {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return;
  const built = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'], { cwd: repoRoot, stdio: 'inherit' });
  assert.equal(built.status, 0, 'electron-vite build failed');
}

describe('explorer UI in Chromium against `kubarium up --ui`', { skip }, () => {
  let cluster: LaunchedCluster;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureRendererBuilt();
    mkdirSync(RESULTS, { recursive: true });
    cluster = await launchCluster({ args: ['--hollow-nodes', '2', '--ui'] });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    await page.goto(line[1]);
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('shows a card per node, Ready, with the pods bound to it', async () => {
    const cards = page.locator('article.node-card:not([data-node="Pending pods"])');
    await cards.nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await cards.count(), 2);
    await page.locator('article.node-card .badge', { hasText: /^\s*Ready\s*$/ }).nth(1).waitFor({ timeout: 30_000 });

    const res = await runKubectl(['run', 'ui-pod', '--image=busybox', '--restart=Never'], { kubeconfig: cluster.kubeconfig });
    assert.equal(res.code, 0, res.stderr);
    await page.locator('article.node-card:not([data-node="Pending pods"]) li.pod', { hasText: 'ui-pod' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(RESULTS, 'explorer-overview.png'), fullPage: true });
  });

  it('lists pods in the resources view and shows the selected one as YAML', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: 'ui-pod' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('aside.detail pre.yaml', { hasText: 'name: ui-pod' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /dark theme/ }).click();
    await page.screenshot({ path: join(RESULTS, 'explorer-resources-dark.png'), fullPage: true });
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  });
});
