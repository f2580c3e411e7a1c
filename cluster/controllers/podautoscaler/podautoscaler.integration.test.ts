/**
 * The HPA controller against the real API server: with a fake metrics source it scales
 * a Deployment through the scale subresource and reports status, conditions and the
 * SuccessfulRescale event; an HPA made by `kubectl autoscale` is accepted and, with no
 * metrics API served, reports ScalingActive False / FailedGetResourceMetric as upstream.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Deployment } from 'kubernetes-types/apps/v1.js';
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2.js';
import type { Event, Namespace, Pod } from 'kubernetes-types/core/v1.js';
import { DEPLOYMENTS, EVENTS, HORIZONTALPODAUTOSCALERS, NAMESPACES, PODS } from '../../client/index.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import type { Harness } from '../testing/harness.js';
import { eventually } from '../testing/harness.js';
import { startHorizontalPodAutoscalerController } from './controller.js';
import { FakeMetricsSource } from './fake-metrics.js';
import { ResourceMetricsApiSource } from './metrics.js';
import type { MetricsSource } from './metrics.js';
import { QUIET, startHarness } from '../testing/harness.js';

let h: Harness;
const fake = new FakeMetricsSource();
const labels = { app: 'web' };

before(async () => {
  h = await startHarness(QUIET);
  // Namespace `default` reads the fake; every other namespace the real (absent) metrics API.
  const real = new ResourceMetricsApiSource(h.client);
  const routed: MetricsSource = { getResourceMetric: (r, ns, sel, c) => (ns === 'default' ? fake : real).getResourceMetric(r, ns, sel, c) };
  await h.start(['horizontal-pod-autoscaler', (ctx) => startHorizontalPodAutoscalerController(ctx, { metrics: routed, syncPeriodMs: 300 })]);
});
after(async () => {
  await h?.stop();
});

const getHpa = (name: string, namespace: string) => h.client.get<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS, name, { namespace });
const condition = (hpa: HorizontalPodAutoscaler, type: string) => hpa.status?.conditions?.find((c) => c.type === type);

test('scales a Deployment through its scale subresource from pod cpu usage', async () => {
  await h.client.create<Deployment>(DEPLOYMENTS, {
    metadata: { name: 'web', namespace: 'default' },
    spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } } },
  });
  const started = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  for (const name of ['web-a', 'web-b']) {
    await h.client.create<Pod>(PODS, { metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } });
    await h.client.patch<Pod>(PODS, name, { status: { phase: 'Running', startTime: started, conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: started }] } }, { namespace: 'default', subresource: 'status' });
    // 75 % of the request against a 50 % target: 2 × 1.5 = 3 replicas.
    fake.set('default', name, { labels, usage: { cpu: 75 } });
  }
  await h.client.create<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS, {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
      minReplicas: 1,
      maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }],
    },
  });

  await eventually(async () => (await h.client.getScale(DEPLOYMENTS, 'web', { namespace: 'default' })).spec?.replicas === 3, 'the deployment scaled to 3');
  const hpa = await eventually(async () => {
    const x = await getHpa('web', 'default');
    return x.status?.currentReplicas === 3 && condition(x, 'AbleToScale')?.reason === 'ReadyForNewScale' && x;
  }, 'HPA status after the rescale');
  assert.equal(hpa.status?.desiredReplicas, 3);
  assert.ok(hpa.status?.lastScaleTime);
  assert.deepEqual(hpa.status?.currentMetrics, [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 75, averageValue: '75m' } } }]);
  assert.equal(condition(hpa, 'ScalingActive')?.reason, 'ValidMetricFound');
  assert.equal(condition(hpa, 'ScalingActive')?.message, 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)');
  assert.equal(condition(hpa, 'ScalingLimited')?.status, 'False');

  const events = await eventually(async () => {
    const list = await h.client.list<Event>(EVENTS, { namespace: 'default', fieldSelector: 'involvedObject.name=web' });
    const e = list.items.filter((x) => x.reason === 'SuccessfulRescale');
    return e.length > 0 && e;
  }, 'SuccessfulRescale event');
  assert.equal(events[0].message, 'New size: 3; reason: cpu resource utilization (percentage of request) above target');
  assert.equal(events[0].involvedObject.kind, 'HorizontalPodAutoscaler');

  // Usage climbs far above target: limited by maxReplicas.
  fake.set('default', 'web-a', { labels, usage: { cpu: 400 } });
  fake.set('default', 'web-b', { labels, usage: { cpu: 400 } });
  const limited = await eventually(async () => {
    const x = await getHpa('web', 'default');
    return x.status?.desiredReplicas === 5 && condition(x, 'ScalingLimited')?.status === 'True' && x;
  }, 'HPA limited at maxReplicas');
  assert.equal(condition(limited, 'ScalingLimited')?.reason, 'TooManyReplicas');
  assert.equal((await h.client.getScale(DEPLOYMENTS, 'web', { namespace: 'default' })).spec?.replicas, 5);
});

test('kubectl autoscale creates an HPA the controller accepts; with no pod metrics (hollow nodes) it reports FailedGetResourceMetric', async () => {
  await h.client.create<Namespace>(NAMESPACES, { metadata: { name: 'other' } });
  const kube = (...args: string[]) => runKubectl(args, { kubeconfig: h.cluster.kubeconfig });
  let r = await kube('create', 'deployment', 'web', '--image=nginx', '-n', 'other');
  assert.equal(r.code, 0, r.stderr);
  r = await kube('autoscale', 'deployment', 'web', '--min=1', '--max=5', '--cpu-percent=50', '-n', 'other');
  assert.equal(r.code, 0, r.stderr);
  const hpa = await eventually(async () => {
    const x = await getHpa('web', 'other');
    return condition(x, 'ScalingActive')?.status === 'False' && x;
  }, 'ScalingActive False');
  const active = condition(hpa, 'ScalingActive')!;
  assert.equal(active.reason, 'FailedGetResourceMetric');
  // The API server serves metrics.k8s.io; hollow nodes' kubelets have no metrics to give, so it is empty.
  assert.match(active.message ?? '', /^the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: (no metrics returned from resource metrics API|unable to fetch metrics from resource metrics API: )/);
  assert.equal(condition(hpa, 'AbleToScale')?.reason, 'SucceededGetScale');
  assert.equal(hpa.status?.currentReplicas, 1);
  const described = await kube('describe', 'hpa', 'web', '-n', 'other');
  assert.equal(described.code, 0, described.stderr);
  assert.match(described.stdout, /FailedGetResourceMetric/);
});
