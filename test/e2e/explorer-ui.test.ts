/**
 * The explorer in a real browser (web mode): `kubarium up --hollow-nodes 2 --ui`, Debian's
 * Chromium driven by playwright-core opens the printed `ui <url>`, sees a card per node with
 * its pods, the resources view, a Deployment created from a template, the store view following
 * a scale (and travelling back), a pod's scheduler verdict, the events timeline, the progress area and keyboard
 * navigation (view shortcuts, search, row movement, dialogs); screenshots
 * of each view go to test-results/screenshots/ for people to look at.
 * Skips when /usr/bin/chromium (Debian package `chromium`) is absent.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { chromiumMissing, ensureRendererBuilt, launchChromium, SCREENSHOTS } from '../support/chromium.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl } from '../support/kubectl.js';

const skip = chromiumMissing() ?? false;

describe('explorer UI in Chromium against `kubarium up --ui`', { skip }, () => {
  let cluster: LaunchedCluster;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await launchCluster({ args: ['--hollow-nodes', '2', '--ui'] });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    browser = await launchChromium();
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

    const res = await runKubectl(['run', 'ui-pod', '--image=busybox', '--restart=Never', '--overrides', '{"spec":{"containers":[{"name":"ui-pod","image":"busybox","resources":{"requests":{"cpu":"250m","memory":"64Mi"}}}]}}'], { kubeconfig: cluster.kubeconfig });
    assert.equal(res.code, 0, res.stderr);
    const card = page.locator('article.node-card:not([data-node="Pending pods"])', { has: page.locator('li.pod', { hasText: 'ui-pod' }) });
    await card.waitFor({ timeout: 30_000 });
    // Its requests count against the node's allocatable.
    await card.locator('[data-test="requests"]', { hasText: 'cpu 250m /' }).waitFor({ timeout: 10_000 });
    await card.locator('[data-test="requests"]', { hasText: 'memory 64Mi /' }).waitFor({ timeout: 10_000 });
    // The control plane's components, healthy by their renewed leader Leases.
    const components = page.locator('[data-test="control-plane"]');
    for (const name of ['kube-scheduler', 'kube-controller-manager']) {
      await components.locator(`[data-component="${name}"] .dot.tone-ok`).waitFor({ timeout: 15_000 });
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-overview.png'), fullPage: true });
  });

  it('lists pods in the resources view and shows the selected one as YAML', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: 'ui-pod' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('aside.detail pre.yaml', { hasText: 'name: ui-pod' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: /dark theme/ }).click();
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-resources-dark.png'), fullPage: true });
    assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark');
  });

  it('creates a Deployment from a template, and its pods appear on node cards', async () => {
    await page.getByRole('button', { name: 'Create…' }).click();
    await page.locator('[data-template="deployment"]').click();
    await page.locator('.create textarea').waitFor();
    assert.match(await page.locator('.create textarea').inputValue(), /kind: Deployment/);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-create-from-template.png'), fullPage: true });
    await page.locator('.create').getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('.create [role="status"]', { hasText: 'Created: Deployment web' }).waitFor({ timeout: 15_000 });

    await page.getByRole('link', { name: 'Overview' }).click();
    const webPods = page.locator('article.node-card:not([data-node="Pending pods"]) li.pod', { has: page.locator('.name', { hasText: /^web-/ }) });
    await webPods.nth(1).waitFor({ timeout: 30_000 });
    assert.equal(await webPods.count(), 2);
  });

  it('browses the store to /registry/deployments/default/web and sees the value change after a scale; time travel shows it before', async () => {
    await page.getByRole('link', { name: 'Store' }).click();
    await page.locator('[data-path="/registry/deployments/"]').click();
    await page.locator('[data-path="/registry/deployments/default/"]').click();
    await page.locator('[data-key="/registry/deployments/default/web"]').click();
    const value = page.locator('[data-test="store-value"]');
    await value.locator('pre', { hasText: '"replicas": 2' }).first().waitFor({ timeout: 10_000 });
    const before = Number(await value.locator('[data-test="mod-revision"]').textContent());

    const res = await runKubectl(['scale', 'deployment/web', '--replicas=3'], { kubeconfig: cluster.kubeconfig });
    assert.equal(res.code, 0, res.stderr);
    await value.locator('pre', { hasText: '"replicas": 3' }).first().waitFor({ timeout: 15_000 });
    const after = Number(await value.locator('[data-test="mod-revision"]').textContent());
    assert.ok(after > before, `mod revision ${before} → ${after}`);
    await page.locator('.feed td', { hasText: '/registry/deployments/default/web' }).first().waitFor({ timeout: 10_000 });
    assert.ok((await value.locator('.history li').count()) >= 2, 'the history lists the versions before the scale');
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-store.png'), fullPage: true });

    // The cluster as it was at the revision before the scale.
    await page.getByLabel('Revision').fill(String(before));
    await page.getByRole('button', { name: 'Go' }).click();
    await page.locator('.travel', { hasText: `revision ${before}` }).waitFor({ timeout: 10_000 });
    await value.locator('pre', { hasText: '"replicas": 2' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-store-time-travel.png'), fullPage: true });
    await page.getByRole('button', { name: 'Live' }).click();
    await value.locator('pre', { hasText: '"replicas": 3' }).first().waitFor({ timeout: 10_000 });
  });

  it("shows the scheduler's verdict for a pod: each node's filter result and each plugin's score", async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: /web-/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const verdict = page.locator('[data-test="scheduler-verdict"]');
    await verdict.locator('tr[data-node]').nth(1).waitFor({ timeout: 10_000 });
    const nodes = await verdict.locator('tr[data-node]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')).sort());
    assert.deepEqual(nodes, ['hollow-node-0', 'hollow-node-1']);
    assert.equal(await verdict.locator('tr.chosen').count(), 1);
    assert.ok((await verdict.locator('th').count()) > 3, 'a column per score plugin');
    await verdict.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-scheduler-verdict.png'), fullPage: true });
  });

  it('puts events on a time axis, filterable by reason', async () => {
    await page.getByRole('link', { name: 'Events' }).click();
    await page.locator('.lane', { hasText: /Pod default\/web-/ }).first().waitFor({ timeout: 30_000 });
    await page.getByLabel('Filter by reason').selectOption('Scheduled');
    const lanes = page.locator('.lane');
    await lanes.first().waitFor();
    const objects = await lanes.evaluateAll((ls) => ls.map((l) => l.getAttribute('data-object') ?? ''));
    assert.ok(objects.length >= 2 && objects.every((o) => o.startsWith('Pod ')), objects.join(', '));
    await page.getByLabel('Filter by reason').selectOption('');
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-events-timeline.png'), fullPage: true });
  });

  it('deletes selected objects in the resources view', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.locator('table.objects tbody tr', { hasText: 'ui-pod' }).waitFor({ timeout: 30_000 });
    page.once('dialog', (d) => void d.accept());
    await page.getByLabel('Select ui-pod').check();
    await page.locator('[data-test="delete-selected"]').click();
    await page.locator('table.objects tbody tr', { hasText: 'ui-pod' }).waitFor({ state: 'detached', timeout: 60_000 });
  });

  it('node actions on the overview: cordon, drain (pods move away), uncordon, add a hollow node', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const card = page.locator('article.node-card[data-node="hollow-node-1"]');
    await card.getByRole('button', { name: 'Cordon' }).click();
    await card.locator('.badge', { hasText: 'SchedulingDisabled' }).waitFor({ timeout: 15_000 });
    await card.getByRole('button', { name: 'Drain' }).click();
    await page.locator('[data-test="node-notice"]', { hasText: 'hollow-node-1 drained' }).waitFor({ timeout: 60_000 });
    // The Deployment's pods evicted from hollow-node-1 come back on hollow-node-0.
    await card.locator('li.pod', { has: page.locator('.name', { hasText: /^web-/ }) }).first().waitFor({ state: 'detached', timeout: 60_000 });
    const webPods = page.locator('article.node-card[data-node="hollow-node-0"] li.pod', { has: page.locator('.name', { hasText: /^web-/ }) });
    await webPods.nth(2).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-node-actions.png'), fullPage: true });

    await card.getByRole('button', { name: 'Uncordon' }).click();
    await card.locator('.badge', { hasText: /^\s*Ready\s*$/ }).waitFor({ timeout: 15_000 });
    await page.getByLabel('Hollow nodes to add').fill('1');
    await page.getByRole('button', { name: 'Add hollow nodes' }).click();
    await page.locator('article.node-card:not([data-node="Pending pods"])').nth(2).waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('article.node-card:not([data-node="Pending pods"])').count(), 3);
  });

  it("shows the control plane's long work in the header's progress area: the start's phases and the hollow node just added", async () => {
    const area = page.locator('[data-test="progress-area"]');
    await area.locator('button.toggle').click();
    const details = page.locator('[data-test="progress-details"]');
    const added = details.locator('li[data-task="Add 1 hollow node"]');
    // The task may still be finishing when the popover opens: wait for its last step rather than read it at once.
    await added.filter({ hasText: /✓ registered hollow-node-2/ }).waitFor({ timeout: 15_000 });
    const start = details.locator('li[data-task="Start the control plane"]');
    await start.filter({ hasText: /✓ running/ }).waitFor({ timeout: 5_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-progress.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await details.waitFor({ state: 'detached', timeout: 5_000 });
  });

  it('keyboard: g r to Resources, / to search, j/k and Enter to open a row, Esc to close, Delete asks, ? shows the shortcuts', async () => {
    await page.locator('body').click({ position: { x: 5, y: 300 } }); // focus on the page, not a control
    await page.keyboard.press('g');
    await page.keyboard.press('r');
    await page.waitForURL(/#\/resources/, { timeout: 10_000 });
    await page.locator('table.objects tbody tr', { hasText: /web-/ }).first().waitFor({ timeout: 30_000 });

    await page.keyboard.press('/');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.type'), 'search');
    await page.keyboard.type('web-');
    await page.keyboard.press('Escape'); // leaves the field, keeps the filter
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.tagName'), 'BODY');
    const rows = page.locator('table.objects tbody tr');
    const keys = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-key')));
    assert.ok(keys.length >= 3 && keys.every((k) => k?.startsWith('default/web-')), keys.join(', '));

    const focusedKey = () => page.evaluate<string | null | undefined>("document.activeElement?.getAttribute('data-key')");
    await page.keyboard.press('j');
    assert.equal(await focusedKey(), keys[0]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('j');
    assert.equal(await focusedKey(), keys[2]);
    await page.keyboard.press('k');
    assert.equal(await focusedKey(), keys[1]);
    const outline = await page.evaluate<string>('getComputedStyle(document.activeElement).outlineStyle');
    assert.equal(outline, 'solid', 'the focused row shows a focus ring');
    await page.keyboard.press('Enter');
    await page.locator('aside.detail pre.yaml', { hasText: `name: ${keys[1]!.split('/')[1]}` }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-keyboard.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await page.locator('aside.detail').waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await focusedKey(), keys[1], 'focus goes back to the row');

    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => void d.dismiss().then(() => resolve(d.message()))));
    await page.keyboard.press('Delete');
    assert.equal(await asked, `Delete Pod ${keys[1]}?`);
    assert.equal(await rows.count(), keys.length, 'dismissed: nothing deleted');

    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor({ timeout: 5_000 });
    assert.match(await sheet.innerText(), /g then r\s+or\s+Ctrl\+2\s+Go to Resources/);
    for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
    assert.equal(await sheet.locator(':focus').count(), 1, 'Tab stays inside the dialog');
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-shortcuts.png'), fullPage: true });
    await page.keyboard.press('Escape');
    await sheet.waitFor({ state: 'detached', timeout: 5_000 });

    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Settings' });
    await settings.locator('[data-test="web-mode-note"]').waitFor({ timeout: 5_000 });
    assert.equal(await settings.locator('[data-test="window-close-setting"]').count(), 0, 'web mode has no quit setting');
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'detached', timeout: 5_000 });
    await page.getByLabel('Search', { exact: true }).fill('');
  });
});
