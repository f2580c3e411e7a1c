/**
 * The resource quota controller against the real API server: status.hard follows
 * spec.hard and status.used follows creates, deletes and terminal pods.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigMap, Pod, ResourceQuota } from 'kubernetes-types/core/v1.js';
import { CONFIGMAPS, PODS, RESOURCEQUOTAS } from '../../client/index.js';
import type { Harness } from '../testing/harness.js';
import { eventually } from '../testing/harness.js';
import { QUIET, startHarness } from '../testing/harness.js';
import { startResourceQuotaController } from './controller.js';

let h: Harness;
const ns = 'default';

before(async () => {
  h = await startHarness(QUIET);
  await h.start(['resourcequota-controller', (ctx) => startResourceQuotaController(ctx, { resyncPeriodMs: 60_000 })]);
});
after(async () => {
  await h?.stop();
});

const used = async () => (await h.client.get<ResourceQuota>(RESOURCEQUOTAS, 'compute', { namespace: ns })).status?.used ?? {};
const waitUsed = (want: Record<string, string>, what: string) =>
  eventually(async (seen) => {
    const u = await used();
    seen(u);
    return Object.entries(want).every(([k, v]) => u[k] === v) && u;
  }, what);

test('used follows creates and deletes', async () => {
  await h.client.create<ResourceQuota>(RESOURCEQUOTAS, {
    metadata: { name: 'compute', namespace: ns },
    spec: { hard: { pods: '10', 'requests.cpu': '4', 'requests.memory': '4Gi', 'limits.memory': '8Gi', configmaps: '20', 'count/configmaps': '20', resourcequotas: '3' } },
  });
  const baseline = await waitUsed({ pods: '0', 'requests.cpu': '0', resourcequotas: '1' }, 'initial usage');
  const cm0 = Number(baseline.configmaps);
  const q = await h.client.get<ResourceQuota>(RESOURCEQUOTAS, 'compute', { namespace: ns });
  assert.deepEqual(q.status?.hard, q.spec?.hard);

  for (const i of [1, 2]) {
    await h.client.create<Pod>(PODS, {
      metadata: { name: `p${i}`, namespace: ns },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } } }] },
    });
  }
  await h.client.create<ConfigMap>(CONFIGMAPS, { metadata: { name: 'extra', namespace: ns } });
  await waitUsed({ pods: '2', 'requests.cpu': '500m', 'requests.memory': '512Mi', 'limits.memory': '1Gi', configmaps: String(cm0 + 1), 'count/configmaps': String(cm0 + 1) }, 'usage after creates');

  // A finished pod no longer counts.
  await h.client.patch<Pod>(PODS, 'p1', { status: { phase: 'Succeeded' } }, { namespace: ns, subresource: 'status' });
  await waitUsed({ pods: '1', 'requests.cpu': '250m', 'requests.memory': '256Mi' }, 'usage after a pod finished');

  await h.client.delete(PODS, 'p2', { namespace: ns, gracePeriodSeconds: 0 });
  await h.client.delete(CONFIGMAPS, 'extra', { namespace: ns });
  await waitUsed({ pods: '0', 'requests.cpu': '0', 'requests.memory': '0', configmaps: String(cm0) }, 'usage after deletes');

  // Changing spec.hard is reflected in status.hard, and a new name gets its usage.
  await h.client.patch<ResourceQuota>(RESOURCEQUOTAS, 'compute', { spec: { hard: { pods: '5', secrets: '9' } } }, { namespace: ns });
  const after = await eventually(async () => {
    const st = (await h.client.get<ResourceQuota>(RESOURCEQUOTAS, 'compute', { namespace: ns })).status;
    return st?.hard?.secrets === '9' && st.used?.secrets !== undefined && st;
  }, 'status after a spec change');
  assert.equal(after.hard?.pods, '5');
  assert.ok(Number(after.used?.secrets) >= 0);
});
