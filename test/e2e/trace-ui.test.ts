/**
 * The trace view in a real browser (web mode): `kubarium up --hollow-nodes 2 --ui`, a Deployment made with the real
 * kubectl, "Trace" on it in the resources detail pane, then `kubectl scale`: the step of the write into the store, the
 * deployment and replicaset controllers, the scheduler binding each new Pod and the kubelet and runtime of its node
 * appear live on their lanes. A screenshot goes to test-results/screenshots/explorer-trace.png.
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

describe('the trace view in Chromium against `kubarium up --ui`', { skip }, () => {
  let cluster: LaunchedCluster;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await launchCluster({ args: ['--hollow-nodes', '2', '--ui'] });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    const created = await runKubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=1'], { kubeconfig: cluster.kubeconfig });
    assert.equal(created.code, 0, created.stderr);
    const rolled = await runKubectl(['rollout', 'status', 'deployment/web', '--timeout=60s'], { kubeconfig: cluster.kubeconfig });
    assert.equal(rolled.code, 0, rolled.stderr);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    await page.goto(line[1]);
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it('starts a trace on a Deployment from its detail pane, then shows a scale travelling through every component', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.locator('[data-test="kind-picker"]').selectOption('deployments.apps');
    const row = page.locator('table.objects tbody tr', { hasText: 'web' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('aside.detail [data-test="trace"]').click();
    await page.locator('.trace-view', { hasText: 'Waiting for a change to Deployment web' }).waitFor({ timeout: 15_000 });
    await page.locator('[data-test="trace-status"]', { hasText: 'following' }).waitFor({ timeout: 10_000 });

    const scaled = await runKubectl(['scale', 'deployment/web', '--replicas=3'], { kubeconfig: cluster.kubeconfig });
    assert.equal(scaled.code, 0, scaled.stderr);

    const steps = (lane: string, action?: string) => page.locator(`button.step[data-lane${lane}]${action ? `[data-action="${action}"]` : ''}`);
    // The scale itself: spec.replicas written through the API server into the store.
    await page.locator('[data-test="trace-steps"] tr', { hasText: 'Deployment web spec.replicas 1 → 3' }).waitFor({ timeout: 15_000 });
    // …by kubectl: the scale subresource records its writer in managedFields, as kube-apiserver does.
    await steps('^="client:kubectl"', 'update').first().waitFor({ timeout: 5_000 });
    await steps('="deployment-controller"', 'update').first().waitFor({ timeout: 15_000 });
    await steps('="replicaset-controller"', 'create').nth(1).waitFor({ timeout: 15_000 });
    await steps('="kube-scheduler"', 'bind').nth(1).waitFor({ timeout: 15_000 });
    await steps('^="kubelet@"', 'status').first().waitFor({ timeout: 30_000 });
    await steps('^="runtime@"', 'Started').nth(1).waitFor({ timeout: 30_000 });
    await page.locator('.lane[data-lane="store"]').waitFor();
    assert.equal(await steps('="kube-scheduler"', 'bind').count(), 2, 'the two new Pods were bound, the old one not again');

    // A step opens the object as that write left it.
    await steps('="kube-scheduler"', 'bind').first().click();
    const detail = page.locator('[data-test="trace-step"]');
    await detail.locator('pre.yaml', { hasText: 'nodeName: hollow-node-' }).waitFor({ timeout: 5_000 });
    assert.match((await detail.textContent()) ?? '', /\/registry\/pods\/default\/web-/);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-trace.png'), fullPage: true });

    // …and the store view at that key and revision.
    await detail.getByRole('button', { name: /Open in store at revision/ }).click();
    await page.locator('.travel', { hasText: 'Showing the cluster as it was at revision' }).waitFor({ timeout: 10_000 });
    await page.locator('[data-test="store-value"] h2', { hasText: '/registry/pods/default/web-' }).waitFor({ timeout: 10_000 });
  });
});
