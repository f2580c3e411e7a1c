/**
 * Node actions on real node containers, in Chromium against `kubarium up --nodes 1 --ui`: stop the node's
 * container and watch it turn NotReady (its kubelet stops posting), start it and see it Ready again; add a
 * node (a new container joining with the bootstrap token) and remove it. Screenshots go to
 * test-results/screenshots/. Skips without Chromium or a Docker engine; `kubarium down` removes the containers.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from '../../scripts/tools.mjs';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';

const CHROMIUM = process.env.KUBARIUM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];
const RESULTS = join(repoRoot, 'test-results', 'screenshots');
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM}` : !existsSync(join(repoRoot, 'out', 'renderer', 'index.html')) ? 'no built renderer (npm run build)' : await dockerSkipReason();

describe('node actions on node containers, in Chromium against `kubarium up --nodes 1 --ui`', { skip, timeout: 600_000 }, () => {
  let cluster: LaunchedCluster;
  let browser: Browser;
  let page: Page;

  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    cluster = await launchCluster({ nodes: 1, args: ['--ui', '--node-monitor-grace-period', '10s'], readyTimeoutMs: 300_000 });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS, headless: true });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(line[1]);
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('stops a node container: the node turns NotReady; starting it brings it back Ready', async () => {
    const card = page.locator('article.node-card[data-node="node-1"]');
    await card.locator('[data-test="container-state"]', { hasText: 'running' }).waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Stop' }).click();
    await card.locator('[data-test="container-state"]', { hasText: 'exited' }).waitFor({ timeout: 60_000 });
    await card.locator('.badge', { hasText: 'NotReady' }).waitFor({ timeout: 90_000 });
    await page.screenshot({ path: join(RESULTS, 'explorer-node-stopped.png'), fullPage: true });
    await card.getByRole('button', { name: 'Start' }).click();
    await card.locator('.badge', { hasText: /^\s*Ready\s*$/ }).waitFor({ timeout: 120_000 });
  });

  it('adds a node that joins Ready, then removes it', async () => {
    await page.getByRole('button', { name: 'Add node' }).click();
    const card = page.locator('article.node-card[data-node="node-2"]');
    await card.locator('.badge', { hasText: /^\s*Ready\s*$/ }).waitFor({ timeout: 240_000 });
    await page.screenshot({ path: join(RESULTS, 'explorer-node-added.png'), fullPage: true });
    await card.getByRole('button', { name: 'Remove' }).click();
    await card.waitFor({ state: 'detached', timeout: 60_000 });
  });
});
