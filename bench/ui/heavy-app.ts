/**
 * The explorer itself (web mode, `kubarium up --hollow-nodes 1 --ui`) with big objects, for bench/ui-heavy.ts --app:
 * a 1 MiB ConfigMap and a ~0.8 MiB CustomResourceDefinition selected in Resources (click → YAML shown in the detail
 * pane), then Edit and five keystrokes in the YAML editor. Long tasks and frame gaps from the page's own probe
 * (ui/page-probe.ts). `rendererDir` picks the built renderer to serve (KUBARIUM_RENDERER_DIR), to compare builds.
 */
import type { Browser, Page } from 'playwright-core';
import { RestClient } from '../../cluster/client/index.js';
import { launchControlPlane } from '../lib/control-plane-process.js';
import { round } from '../lib/stats.js';
import { bigConfigMap, bigCrd, type FixtureObject } from '../../renderer/src/testing/heavy-fixtures.js';
import { frameStats, installProbe, pageNow, type FrameStats } from './page-probe.js';

export interface AppStep extends FrameStats {
  /** Wall time of the step, ms (click → YAML shown; Edit → five keystrokes echoed). */
  ms: number;
}

const CONFIGMAPS = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const CRDS = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false, kind: 'CustomResourceDefinition' };

async function step(page: Page, action: () => Promise<void>): Promise<AppStep> {
  await page.waitForTimeout(300);
  const from = await pageNow(page);
  const t0 = performance.now();
  await action();
  const ms = round(performance.now() - t0, 0);
  await page.waitForTimeout(300); // the long-task entries of the last task
  return { ms, ...(await frameStats(page, from, await pageNow(page))) };
}

async function open(page: Page, kindLabel: string, name: string): Promise<{ shown: AppStep; edit: AppStep }> {
  await page.getByRole('link', { name: 'Resources' }).click();
  await page.locator('[data-test="kind-picker"]').selectOption({ label: kindLabel });
  const row = page.locator('table.objects tbody tr', { hasText: name });
  await row.waitFor({ timeout: 30_000 });
  const shown = await step(page, async () => {
    await row.click();
    await page.locator('aside.detail pre.yaml', { hasText: `name: ${name}` }).waitFor({ timeout: 60_000 });
  });
  const edit = await step(page, async () => {
    await page.locator('aside.detail').getByRole('button', { name: 'Edit', exact: true }).click();
    const area = page.locator('aside.detail textarea');
    await area.waitFor();
    await area.focus();
    await page.keyboard.press('Control+Home');
    await page.keyboard.type('#####', { delay: 20 });
    await page.waitForFunction(`document.querySelector('aside.detail textarea').value.startsWith('#####')`);
    await page.waitForFunction(`document.querySelector('aside.detail .backdrop')?.textContent.includes('#####')`, undefined, { timeout: 30_000 });
  });
  await page.locator('aside.detail').getByRole('button', { name: 'Cancel' }).click();
  return { shown, edit };
}

export async function benchHeavyApp(browser: Browser, rendererDir?: string): Promise<Record<string, AppStep>> {
  if (rendererDir) process.env.KUBARIUM_RENDERER_DIR = rendererDir;
  const cp = await launchControlPlane({ args: ['--hollow-nodes', '1', '--ui'], readyTimeoutMs: 120_000 });
  if (rendererDir) delete process.env.KUBARIUM_RENDERER_DIR;
  const client = RestClient.fromKubeconfig(cp.kubeconfigPath);
  let page: Page | undefined;
  try {
    if (!cp.ui) throw new Error('the launcher printed no "ui <url>" line');
    // As a client would send them: no server-owned metadata. The API's limit is 1 MiB of ConfigMap data.
    const fresh = (o: FixtureObject): FixtureObject => ({ ...o, metadata: { name: o.metadata?.name, namespace: o.metadata?.namespace } });
    await client.create(CONFIGMAPS, fresh(bigConfigMap(1_000_000)));
    await client.create(CRDS, fresh(bigCrd(0.8 * 2 ** 20)));
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    await installProbe(page);
    await page.goto(cp.ui.url, { waitUntil: 'load' });
    const cm = await open(page, 'ConfigMap', 'big-config');
    const crd = await open(page, 'CustomResourceDefinition (apiextensions.k8s.io)', 'monitors.example.com');
    return { 'ConfigMap 1 MiB: click → YAML shown': cm.shown, 'ConfigMap 1 MiB: Edit + 5 keystrokes': cm.edit, 'CRD 0.8 MiB: click → YAML shown': crd.shown, 'CRD 0.8 MiB: Edit + 5 keystrokes': crd.edit };
  } finally {
    await page?.close();
    client.close();
    await cp.stop();
  }
}
