/**
 * The explorer's logs view and terminal in Chromium against `kubarium up --ui`, with a real container: the
 * "node" is test-only, as in kubelet-streaming.test.ts — the kubelet HTTPS server runs in this process over
 * the host's Docker engine, registered as a Node at 127.0.0.1 (test/support/test-node.ts).
 * A pod's log lines arrive in the logs view while it follows; `echo hello` typed into the terminal (busybox has
 * no bash, so the bridge falls back to sh) prints hello. Screenshots go to test-results/screenshots/.
 * Skips without Chromium or a Docker engine; every container is labelled io.kubarium.test=<id> and removed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import type { Browser, Page } from 'playwright-core';
import { RestClient } from '../../cluster/client/index.js';
import { podEngineSkipReason } from '../../cluster/kubelet/testing/engine.js';
import { connectDocker } from '../../cluster/nodes/docker.js';
import { chromiumMissing, ensureRendererBuilt, launchChromium, SCREENSHOTS } from '../support/chromium.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { startTestNode, type TestNode } from '../support/test-node.js';

const testId = `explorer-${process.pid}-${randomBytes(3).toString('hex')}`;
const NODE = `kubelet-${testId}`;
const NS = 'default';
const docker = connectDocker();

async function skipReason(): Promise<string | false> {
  const missing = chromiumMissing();
  if (missing) return missing;
  return podEngineSkipReason(docker);
}
const skip = await skipReason();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('explorer logs and terminal in Chromium, against a real container', { skip, timeout: 300_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  let node: TestNode;
  let browser: Browser;
  let page: Page;
  const addPod = (pod: Pod) => node.addPod(pod);

  before(async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await launchCluster({ args: ['--no-scheduler', '--ui'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    node = await startTestNode({ cluster, client, name: NODE, namespace: NS, testId });

    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    await page.goto(line[1]);
  });
  after(async () => {
    await browser?.close();
    await node?.stop();
    client?.close();
    await cluster?.stop();
  });

  it("opens a pod's logs from its card and sees new lines arrive; search highlights", async () => {
    await addPod({
      metadata: { name: 'talker' },
      spec: { containers: [{ name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done'] }] },
    });
    await page.locator(`article.node-card[data-node="${NODE}"] li.pod`, { hasText: 'talker' }).waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'Logs of talker' }).click();
    const logLines = page.locator('[data-test="log-line"]');
    await logLines.filter({ hasText: /^tick \d+$/ }).first().waitFor({ timeout: 30_000 });
    const lastTick = async () => Number(/tick (\d+)/.exec((await logLines.last().textContent()) ?? '')?.[1] ?? 0);
    const first = await lastTick();
    // Following: newer lines arrive and stay in view.
    for (let i = 0; i < 100 && (await lastTick()) < first + 3; i++) await sleep(100);
    assert.ok((await lastTick()) >= first + 3, `lines kept arriving after tick ${first}`);

    await page.getByLabel('Search logs').fill('tick 2');
    await page.locator('[data-test="log-line"] mark', { hasText: 'tick 2' }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-logs.png'), fullPage: true });
  });

  it('types `echo hello` into a terminal in the container (sh, as busybox has no bash) and reads the output', async () => {
    await addPod({ metadata: { name: 'shell' }, spec: { containers: [{ name: 'sh', image: 'kubarium/busybox:1', command: ['sleep', '3600'] }] } });
    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: 'shell' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('[data-test="pod-terminal"]').click();
    const pane = page.locator('.terminal-pane').last();
    await pane.locator('[data-test="terminal-status"]', { hasText: 'open' }).waitFor({ timeout: 30_000 });
    assert.match((await pane.locator('.detail').textContent()) ?? '', /^sh$/);
    const screen = pane.locator('.xterm-rows');
    await screen.filter({ hasText: '#' }).waitFor({ timeout: 15_000 }); // the prompt
    await pane.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo hello\n');
    // The typed command echoes as `echo hello`; its output is a row of its own.
    await pane.locator('.xterm-rows > div').filter({ hasText: /^\s*hello\s*$/ }).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-terminal.png'), fullPage: true });

    // Reconnect: a fresh session in the same tab.
    await pane.getByRole('button', { name: 'Reconnect' }).click();
    await pane.locator('[data-test="terminal-status"]', { hasText: 'open' }).waitFor({ timeout: 30_000 });
  });
});
