/**
 * The explorer on three real node containers, in Chromium against `kubarium up --nodes 3 --ui`: kube-proxy's
 * rules and a kubelet's endpoints; a Deployment created from a template runs on the nodes' cards, its value
 * in the store changes with a scale, the scheduler's verdict covers the three nodes; a pod's logs arrive and
 * a terminal into it answers `echo`; stop a node's container
 * and watch it turn NotReady while its pods move to the others, start it and see it Ready again; add a node
 * (a new container joining with the bootstrap token) and remove it. Screenshots go to
 * test-results/screenshots/. Skips without Chromium or a Docker engine; `kubarium down` removes the containers.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { dockerSkipReason } from '../../cluster/nodes/docker.js';
import { chromiumMissing, ensureRendererBuilt, launchChromium, SCREENSHOTS } from '../support/chromium.js';
import { launchCluster, type LaunchedCluster } from '../support/cluster.js';
import { runKubectl } from '../support/kubectl.js';

const skip = chromiumMissing() ?? (await dockerSkipReason());

describe('the explorer on three node containers, in Chromium against `kubarium up --nodes 3 --ui`', { skip, timeout: 600_000 }, () => {
  let cluster: LaunchedCluster;
  let browser: Browser;
  let page: Page;

  before(async () => {
    ensureRendererBuilt();
    mkdirSync(SCREENSHOTS, { recursive: true });
    cluster = await launchCluster({ nodes: 3, args: ['--ui', '--node-monitor-grace-period', '10s'], readyTimeoutMs: 600_000 });
    const line = /^ui (\S+)$/m.exec(cluster.logs());
    assert.ok(line, `no "ui <url>" line in:\n${cluster.logs()}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (err) => process.stderr.write(`[page] ${err.message}\n`));
    page.on('dialog', (d) => void d.accept());
    await page.goto(line[1]);
  });
  after(async () => {
    await browser?.close();
    await cluster?.stop();
  });

  it("Network view: a Service's rule on each node DNATs to its pod's IP", async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata: { name: web, labels: { app: web } }
spec: { containers: [{ name: web, image: kubarium/http-echo:1, ports: [{ containerPort: 5678 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: web }
spec: { type: NodePort, selector: { app: web }, ports: [{ port: 80, targetPort: 5678 }] }
`;
    const applied = await runKubectl(['apply', '-f', '-'], { kubeconfig: cluster.kubeconfig, input: manifest });
    assert.equal(applied.code, 0, applied.stderr);
    let podIP = '';
    for (const deadline = Date.now() + 120_000; !podIP && Date.now() < deadline; await new Promise((r) => setTimeout(r, 1000))) {
      const r = await runKubectl(['get', 'pod', 'web', '-o', 'jsonpath={.status.phase} {.status.podIP}'], { kubeconfig: cluster.kubeconfig });
      const [phase, ip] = r.stdout.trim().split(' ');
      if (phase === 'Running' && ip) podIP = ip;
    }
    assert.ok(podIP, 'the web pod runs');

    await page.getByRole('link', { name: 'Network' }).click();
    await page.locator('button[data-service="default/web"]').click();
    const rule = page.locator(`.node-rules[data-node="node-1"] .endpoint[data-destination="${podIP}:5678"]`);
    // kube-proxy syncs within a second or so of the EndpointSlice; Refresh re-reads the node's rules.
    for (let i = 0; i < 30 && !(await rule.isVisible()); i++) {
      await page.waitForTimeout(1000);
      await page.getByRole('button', { name: 'Refresh' }).click();
    }
    await rule.waitFor({ timeout: 5_000 });
    assert.match(await rule.textContent() ?? '', /KUBE-SEP-[A-Z0-9]{16}/);
    assert.match(await page.locator('.node-rules[data-node="node-1"] .port h3').textContent() ?? '', /NodePort \d+/);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-network.png'), fullPage: true });
  });

  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(args, { kubeconfig: cluster.kubeconfig, input });
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };

  it("opens a node's kubelet /pods and /spec from its card", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const node = await kubectl(['get', 'pod', 'web', '-o', 'jsonpath={.spec.nodeName}']);
    const card = page.locator(`article.node-card[data-node="${node}"]`);
    const pane = (path: string) => page.locator(`.endpoint-pane[data-endpoint="${path}"]`);
    await card.locator('button[data-endpoint="/pods"]').click();
    await pane('/pods').locator('pre, [role="alert"]').first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-kubelet-pods.png'), fullPage: true });
    assert.match((await pane('/pods').textContent()) ?? '', /"name": "web"/);
    await card.locator('button[data-endpoint="/spec"]').click();
    await pane('/spec').locator('pre.json', { hasText: 'num_cores' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-kubelet-spec.png'), fullPage: true });
    await page.locator('.endpoint-pane').getByRole('button', { name: 'Close' }).click();
  });

  it('creates a Deployment from a template: its pods run on the nodes\' cards, the store shows a scale, the verdict covers every node', async () => {
    await page.getByRole('link', { name: 'Resources' }).click();
    await page.getByRole('button', { name: 'Create…' }).click();
    await page.locator('[data-template="deployment"]').click();
    const text = page.locator('.create textarea');
    await text.waitFor();
    // No registry here: run a locally built image, and let pods leave a lost node within seconds.
    const yaml = (await text.inputValue())
      .replace(/\bweb\b/g, 'demo')
      .replace(/image: \S+/, 'image: kubarium/http-echo:1')
      .replace('      containers:\n', [
        '      tolerations:',
        '        - { key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }',
        '        - { key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 2 }',
        '      containers:\n',
      ].join('\n'));
    await text.fill(yaml);
    await page.locator('.create').getByRole('button', { name: 'Create', exact: true }).click();
    await page.locator('.create [role="status"]', { hasText: 'Created: Deployment demo' }).waitFor({ timeout: 15_000 });

    await page.getByRole('link', { name: 'Overview' }).click();
    const running = page.locator('article.node-card li.pod.tone-ok', { has: page.locator('.name', { hasText: /^demo-/ }) }); // Running and ready
    await running.nth(1).waitFor({ timeout: 60_000 });
    // Live usage from metrics.k8s.io (the kubelets' stats), refreshed every 15 s.
    await page.locator('article.node-card[data-node="node-1"] [data-test="usage"]', { hasText: /in use: cpu \d+m · memory [\d.]+(Ki|Mi|Gi)/ }).waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-nodes-deployment.png'), fullPage: true });

    await page.getByRole('link', { name: 'Store' }).click();
    await page.locator('[data-path="/registry/deployments/"]').click();
    await page.locator('[data-path="/registry/deployments/default/"]').click();
    await page.locator('[data-key="/registry/deployments/default/demo"]').click();
    const value = page.locator('[data-test="store-value"]');
    await value.locator('pre', { hasText: '"replicas": 2' }).first().waitFor({ timeout: 10_000 });
    await kubectl(['scale', 'deployment/demo', '--replicas=3']);
    await value.locator('pre', { hasText: '"replicas": 3' }).first().waitFor({ timeout: 15_000 });

    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: /demo-/ }).first();
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    const verdict = page.locator('[data-test="scheduler-verdict"]');
    await verdict.locator('tr[data-node]').nth(2).waitFor({ timeout: 10_000 });
    const nodes = await verdict.locator('tr[data-node]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-node')).sort());
    assert.deepEqual(nodes, ['node-1', 'node-2', 'node-3']);
    assert.equal(await verdict.locator('tr.chosen').count(), 1);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-nodes-verdict.png'), fullPage: true });
  });

  it("opens a pod's logs from its card and sees lines arrive, then types `echo hello` into a terminal in it", async () => {
    await kubectl(['run', 'talker', '--image=kubarium/busybox:1', '--restart=Never', '--', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done']);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('article.node-card li.pod.tone-ok', { hasText: 'talker' }).waitFor({ timeout: 60_000 });
    await page.getByRole('link', { name: 'Logs of talker' }).click();
    const logLines = page.locator('[data-test="log-line"]');
    await logLines.filter({ hasText: /^tick \d+$/ }).first().waitFor({ timeout: 30_000 });
    const lastTick = async () => Number(/tick (\d+)/.exec((await logLines.last().textContent()) ?? '')?.[1] ?? 0);
    const first = await lastTick();
    for (let i = 0; i < 100 && (await lastTick()) < first + 3; i++) await page.waitForTimeout(100);
    assert.ok((await lastTick()) >= first + 3, `lines kept arriving after tick ${first}`);
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-nodes-logs.png'), fullPage: true });

    await page.getByRole('link', { name: 'Resources' }).click();
    const row = page.locator('table.objects tbody tr', { hasText: 'talker' });
    await row.waitFor({ timeout: 30_000 });
    await row.click();
    await page.locator('[data-test="pod-terminal"]').click();
    const pane = page.locator('.terminal-pane').last();
    await pane.locator('[data-test="terminal-status"]', { hasText: 'open' }).waitFor({ timeout: 30_000 });
    await pane.locator('.xterm-rows').filter({ hasText: '#' }).waitFor({ timeout: 15_000 }); // the prompt
    await pane.locator('.xterm-helper-textarea').focus();
    await page.keyboard.type('echo hello\n');
    await pane.locator('.xterm-rows > div').filter({ hasText: /^\s*hello\s*$/ }).first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-nodes-terminal.png'), fullPage: true });
    await kubectl(['delete', 'pod', 'talker', '--wait=false']);
  });

  it("stops a node container: the node turns NotReady and its pods move to the others; starting it brings it back Ready", async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    const victim = (await kubectl(['get', 'pods', '-l', 'app=demo', '-o', 'jsonpath={.items[0].spec.nodeName}'])) || 'node-1';
    const card = page.locator(`article.node-card[data-node="${victim}"]`);
    await card.locator('[data-test="container-state"]', { hasText: 'running' }).waitFor({ timeout: 30_000 });
    await card.getByRole('button', { name: 'Stop' }).click();
    await card.locator('[data-test="container-state"]', { hasText: 'exited' }).waitFor({ timeout: 60_000 });
    await card.locator('.badge', { hasText: 'NotReady' }).waitFor({ timeout: 90_000 });
    // Evicted after the 2 s toleration and replaced: three demo pods Running on the other nodes' cards.
    const elsewhere = page.locator(`article.node-card:not([data-node="${victim}"]) li.pod.tone-ok`, { has: page.locator('.name', { hasText: /^demo-/ }) });
    await elsewhere.nth(2).waitFor({ timeout: 120_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-node-stopped.png'), fullPage: true });
    await card.getByRole('button', { name: 'Start' }).click();
    await card.locator('.badge', { hasText: /^\s*Ready\s*$/ }).waitFor({ timeout: 120_000 });
  });

  it('adds a node that joins Ready, then removes it', async () => {
    await page.getByRole('button', { name: 'Add node' }).click();
    const card = page.locator('article.node-card[data-node="node-4"]');
    await card.locator('.badge', { hasText: /^\s*Ready\s*$/ }).waitFor({ timeout: 240_000 });
    await page.screenshot({ path: join(SCREENSHOTS, 'explorer-node-added.png'), fullPage: true });
    await card.getByRole('button', { name: 'Remove' }).click();
    await card.waitFor({ state: 'detached', timeout: 60_000 });
  });
});
