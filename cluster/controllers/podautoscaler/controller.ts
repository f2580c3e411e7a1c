/**
 * The horizontal pod autoscaler controller (pkg/controller/podautoscaler/horizontal.go):
 * every sync period (15 s) each autoscaling/v2 HPA reads its target's scale
 * subresource, computes a replica count per metric from the pods' usage (resource
 * metrics: cpu/memory, Utilization or AverageValue), takes the largest, stabilizes and
 * rate-limits it (behavior, or the legacy rules), writes the new scale and records
 * SuccessfulRescale, and reports status and the AbleToScale / ScalingActive /
 * ScalingLimited conditions. As upstream, every enqueue waits one sync period.
 */
import type { HorizontalPodAutoscaler, HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricSpec, MetricStatus } from 'kubernetes-types/autoscaling/v2.js';
import type { Scale } from 'kubernetes-types/autoscaling/v1.js';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { parseSelector } from '../../api/labels.js';
import type { Selector } from '../../api/labels.js';
import { StatusError } from '../../api/status.js';
import { HORIZONTALPODAUTOSCALERS, PODS, RateLimitingQueue, metaNamespaceKey, runController } from '../../client/index.js';
import type { ControllerContext, RunningController } from '../context.js';
import { formatMilliQuantity, rfc3339, setCondition } from './conditions.js';
import type { HpaConditionType } from './conditions.js';
import { ResourceMetricsApiSource, milliValue } from './metrics.js';
import type { MetricsSource } from './metrics.js';
import { DEFAULT_DOWNSCALE_STABILIZATION_MS, ScalingHistory, completeBehavior, normalizeDesiredReplicas, normalizeWithBehaviors, storeScaleEvent } from './normalize.js';
import { rawResourceReplicas, resourceReplicas } from './replica-calculator.js';
import type { CalculatorOptions } from './replica-calculator.js';
import { ScaleResolver } from './scale-resolver.js';

export interface HorizontalPodAutoscalerControllerOptions {
  /** Where pod usage comes from; default the resource metrics API (metrics.k8s.io). */
  metrics?: MetricsSource;
  /** --horizontal-pod-autoscaler-sync-period, default 15 s. */
  syncPeriodMs?: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization, default 5 min. */
  downscaleStabilizationMs?: number;
  /** --horizontal-pod-autoscaler-tolerance, default 0.1. */
  tolerance?: number;
  cpuInitializationPeriodMs?: number;
  delayOfInitialReadinessStatusMs?: number;
  /** --concurrent-horizontal-pod-autoscaler-syncs, default 5. */
  workers?: number;
  /** Injectable clock, ms since the epoch. */
  now?: () => number;
}

/** A metric's replica proposal, or why there is none. */
type MetricResult =
  | { ok: true; replicas: number; name: string; status: MetricStatus }
  | { ok: false; error: string; condition: { reason: string; message: string } };

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

export function startHorizontalPodAutoscalerController(ctx: ControllerContext, opts: HorizontalPodAutoscalerControllerOptions = {}): RunningController {
  const name = 'horizontal-pod-autoscaler';
  const now = opts.now ?? Date.now;
  const syncPeriod = opts.syncPeriodMs ?? 15_000;
  const downscaleWindow = opts.downscaleStabilizationMs ?? DEFAULT_DOWNSCALE_STABILIZATION_MS;
  const metricsSource = opts.metrics ?? new ResourceMetricsApiSource(ctx.client);
  const recorder = ctx.recorder(name);
  const resolver = new ScaleResolver(ctx.client);
  const queue = new RateLimitingQueue<string>();
  const histories = new Map<string, ScalingHistory>();
  const hpas = ctx.informers.informerFor<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS);
  const pods = ctx.informers.informerFor<Pod>(PODS);

  // Every enqueue waits a sync period (upstream's fixed-interval rate limiter), so each HPA is synced once per period.
  const enqueue = (hpa: HorizontalPodAutoscaler) => queue.addAfter(metaNamespaceKey(hpa), syncPeriod);
  hpas.addEventHandler({
    onAdd: enqueue,
    onUpdate: (_o, n) => enqueue(n),
    onDelete: (hpa) => histories.delete(metaNamespaceKey(hpa)),
  });

  const calcOptions = (): CalculatorOptions => ({
    now: now(),
    tolerance: opts.tolerance,
    cpuInitializationPeriodMs: opts.cpuInitializationPeriodMs,
    delayOfInitialReadinessStatusMs: opts.delayOfInitialReadinessStatusMs,
  });

  /** computeStatusForResourceMetric (and its ContainerResource twin). */
  async function resourceMetric(hpa: HorizontalPodAutoscaler, spec: MetricSpec, specReplicas: number, selector: string, sel: Selector): Promise<MetricResult> {
    const container = spec.type === 'ContainerResource' ? spec.containerResource?.container : undefined;
    const src = spec.type === 'ContainerResource' ? spec.containerResource : spec.resource;
    const resource = src?.name ?? '';
    const target = src?.target;
    const reason = spec.type === 'ContainerResource' ? 'FailedGetContainerResourceMetric' : 'FailedGetResourceMetric';
    const fail = (err: string): MetricResult => {
      recorder.event(hpa, 'Warning', reason, err);
      const prefix = spec.type === 'ContainerResource' ? `failed to get ${resource} container metric value` : `failed to get ${resource} resource metric value`;
      return { ok: false, error: `${prefix}: ${err}`, condition: { reason, message: `the HPA was unable to compute the replica count: ${err}` } };
    };
    const ns = hpa.metadata!.namespace!;
    const targetPods = pods.indexer.listInNamespace(ns, sel);
    const fetch = async () => {
      try {
        return await metricsSource.getResourceMetric(resource, ns, selector, container);
      } catch (err) {
        throw new Error(`unable to get metrics for resource ${resource}: ${errText(err)}`);
      }
    };
    const averageValue = milliValue(target?.averageValue);
    if (target?.type === 'AverageValue' || (averageValue !== undefined && target?.averageUtilization === undefined)) {
      try {
        if (averageValue === undefined) throw new Error('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
        const { metrics } = await fetch();
        const p = rawResourceReplicas({ currentReplicas: specReplicas, resource, metrics, pods: targetPods, container }, averageValue, calcOptions());
        const current = { averageValue: formatMilliQuantity(p.rawAverage) };
        const status: MetricStatus = container
          ? { type: 'ContainerResource', containerResource: { name: resource, container, current } }
          : { type: 'Resource', resource: { name: resource, current } };
        return { ok: true, replicas: p.replicas, name: `${resource} resource`, status };
      } catch (err) {
        return fail(`failed to get ${resource} usage: ${errText(err)}`);
      }
    }
    if (target?.averageUtilization === undefined) {
      return fail('invalid resource metric source: neither an average utilization target nor an average value (usage) target was set');
    }
    try {
      const { metrics } = await fetch();
      const p = resourceReplicas({ currentReplicas: specReplicas, resource, metrics, pods: targetPods, container }, target.averageUtilization, calcOptions());
      const current = { averageUtilization: p.utilization, averageValue: formatMilliQuantity(p.rawAverage) };
      const status: MetricStatus = container
        ? { type: 'ContainerResource', containerResource: { name: resource, container, current } }
        : { type: 'Resource', resource: { name: resource, current } };
      const metricName = container ? `${resource} container resource utilization (percentage of request)` : `${resource} resource utilization (percentage of request)`;
      return { ok: true, replicas: p.replicas, name: metricName, status };
    } catch (err) {
      return fail(`failed to get ${resource} utilization: ${errText(err)}`);
    }
  }

  /** computeReplicasForMetric: only resource metrics are available here (no custom or external metrics API). */
  async function replicasForMetric(hpa: HorizontalPodAutoscaler, spec: MetricSpec, specReplicas: number, selector: string, sel: Selector): Promise<MetricResult> {
    if (spec.type === 'Resource' || spec.type === 'ContainerResource') return resourceMetric(hpa, spec, specReplicas, selector, sel);
    const reasons: Record<string, string> = { Pods: 'FailedGetPodsMetric', Object: 'FailedGetObjectMetric', External: 'FailedGetExternalMetric' };
    const reason = reasons[spec.type] ?? 'InvalidMetricSourceType';
    const err = reasons[spec.type] ? `unable to get ${spec.type.toLowerCase()} metric: no custom or external metrics API is served` : `unknown metric source type "${spec.type}"`;
    recorder.event(hpa, 'Warning', reason, err);
    return { ok: false, error: err, condition: { reason, message: `the HPA was unable to compute the replica count: ${err}` } };
  }

  interface MetricsOutcome {
    replicas: number;
    metric: string;
    statuses: MetricStatus[];
    error?: string;
  }

  /** computeReplicasForMetrics: the largest proposal; -1 when all metrics (or a scale-down's) failed. */
  async function replicasForMetrics(hpa: HorizontalPodAutoscaler, scale: Scale, conds: HorizontalPodAutoscalerCondition[]): Promise<MetricsOutcome> {
    const selector = scale.status?.selector ?? '';
    const setActive = (status: 'True' | 'False', reason: string, message: string) => setCondition(conds, 'ScalingActive', status, reason, message, now());
    if (!selector) {
      const msg = 'selector is required';
      recorder.event(hpa, 'Warning', 'SelectorRequired', msg);
      setActive('False', 'InvalidSelector', 'the HPA target\'s scale is missing a selector');
      return { replicas: -1, metric: '', statuses: [], error: msg };
    }
    let sel: Selector;
    try {
      sel = parseSelector(selector);
    } catch (err) {
      const msg = `couldn't convert selector into a corresponding internal selector object: ${errText(err)}`;
      recorder.event(hpa, 'Warning', 'InvalidSelector', msg);
      setActive('False', 'InvalidSelector', msg);
      return { replicas: -1, metric: '', statuses: [], error: msg };
    }
    const specs = hpa.spec?.metrics?.length ? hpa.spec.metrics : [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }];
    const specReplicas = scale.spec?.replicas ?? 0;
    const statuses: MetricStatus[] = specs.map(() => ({ type: '' }));
    let replicas = 0;
    let metric = '';
    let invalid = 0;
    let first: Extract<MetricResult, { ok: false }> | undefined;
    for (let i = 0; i < specs.length; i++) {
      const r = await replicasForMetric(hpa, specs[i], specReplicas, selector, sel);
      if (!r.ok) {
        first ??= r;
        invalid++;
        continue;
      }
      statuses[i] = r.status;
      if (replicas === 0 || r.replicas > replicas) {
        replicas = r.replicas;
        metric = r.name;
      }
    }
    const error = first && `invalid metrics (${invalid} invalid out of ${specs.length}), first error is: ${first.error}`;
    if (first && (invalid >= specs.length || replicas < specReplicas)) {
      setActive('False', first.condition.reason, first.condition.message);
      return { replicas: -1, metric: '', statuses, error };
    }
    setActive('True', 'ValidMetricFound', `the HPA was able to successfully calculate a replica count from ${metric}`);
    return { replicas, metric, statuses, error };
  }

  async function writeStatus(hpa: HorizontalPodAutoscaler, original: HorizontalPodAutoscalerStatus | undefined): Promise<void> {
    if (JSON.stringify(original ?? {}) === JSON.stringify(hpa.status ?? {})) return;
    try {
      await ctx.client.updateStatus<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS, hpa, { signal: ctx.signal });
    } catch (err) {
      if (!(err instanceof StatusError && err.code === 409)) {
        recorder.event(hpa, 'Warning', 'FailedUpdateStatus', errText(err));
        throw new Error(`failed to update status for ${hpa.metadata?.name}: ${errText(err)}`);
      }
      // The status is all ours: put it on the newer object.
      const fresh = await ctx.client.get<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS, hpa.metadata!.name!, { namespace: hpa.metadata!.namespace, signal: ctx.signal });
      await ctx.client.updateStatus<HorizontalPodAutoscaler>(HORIZONTALPODAUTOSCALERS, { ...fresh, status: hpa.status }, { signal: ctx.signal });
    }
  }

  /** reconcileAutoscaler. */
  async function reconcileAutoscaler(shared: HorizontalPodAutoscaler, key: string): Promise<void> {
    const hpa = structuredClone(shared);
    const original = structuredClone(shared.status);
    hpa.status ??= { desiredReplicas: 0 };
    const conds = (hpa.status.conditions ??= []);
    const cond = (type: HpaConditionType, status: 'True' | 'False', reason: string, message: string) => setCondition(conds, type, status, reason, message, now());
    const ns = hpa.metadata!.namespace!;
    const ref = hpa.spec!.scaleTargetRef;
    const reference = `${ref.kind}/${ns}/${ref.name}`;

    let scale: Scale;
    let gvr;
    try {
      gvr = await resolver.resolve(ref.apiVersion, ref.kind);
    } catch (err) {
      recorder.event(hpa, 'Warning', 'FailedGetScale', errText(err));
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${errText(err)}`);
      await writeStatus(hpa, original);
      throw new Error(`unable to determine resource for scale target reference: ${errText(err)}`);
    }
    try {
      scale = await ctx.client.getScale(gvr, ref.name, { namespace: ns, signal: ctx.signal });
    } catch (err) {
      recorder.event(hpa, 'Warning', 'FailedGetScale', errText(err));
      cond('AbleToScale', 'False', 'FailedGetScale', `the HPA controller was unable to get the target's current scale: ${errText(err)}`);
      await writeStatus(hpa, original);
      throw new Error(`failed to query scale subresource for ${reference}: ${errText(err)}`);
    }
    cond('AbleToScale', 'True', 'SucceededGetScale', 'the HPA controller was able to get the target\'s current scale');
    const currentReplicas = scale.spec?.replicas ?? 0;
    let history = histories.get(key);
    if (!history) histories.set(key, (history = new ScalingHistory()));
    history.recordInitial(currentReplicas, now());

    const minReplicas = hpa.spec?.minReplicas ?? 1;
    const maxReplicas = hpa.spec!.maxReplicas;
    const behavior = hpa.spec?.behavior ? completeBehavior(hpa.spec.behavior, downscaleWindow) : undefined;
    let desiredReplicas = 0;
    let rescaleReason = '';
    let rescale = true;
    let statuses: MetricStatus[] = [];
    let retErr: string | undefined;

    if (currentReplicas === 0 && minReplicas !== 0) {
      desiredReplicas = 0;
      rescale = false;
      cond('ScalingActive', 'False', 'ScalingDisabled', 'scaling is disabled since the replica count of the target is zero');
    } else if (currentReplicas > maxReplicas) {
      rescaleReason = 'Current number of replicas above Spec.MaxReplicas';
      desiredReplicas = maxReplicas;
    } else if (currentReplicas < minReplicas) {
      rescaleReason = 'Current number of replicas below Spec.MinReplicas';
      desiredReplicas = minReplicas;
    } else {
      const m = await replicasForMetrics(hpa, scale, conds);
      statuses = m.statuses;
      if (m.error && m.replicas === -1) {
        hpa.status.currentReplicas = currentReplicas;
        hpa.status.currentMetrics = statuses.length ? statuses : undefined;
        await writeStatus(hpa, original);
        recorder.event(hpa, 'Warning', 'FailedComputeMetricsReplicas', m.error);
        throw new Error(`failed to compute desired number of replicas based on listed metrics for ${reference}: ${m.error}`);
      }
      retErr = m.error;
      let rescaleMetric = '';
      if (m.replicas > desiredReplicas) {
        desiredReplicas = m.replicas;
        rescaleMetric = m.metric;
      }
      if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
      if (desiredReplicas < currentReplicas) rescaleReason = 'All metrics below target';
      const n = behavior
        ? normalizeWithBehaviors(history, currentReplicas, desiredReplicas, minReplicas, maxReplicas, behavior, now())
        : normalizeDesiredReplicas(history, currentReplicas, desiredReplicas, minReplicas, maxReplicas, downscaleWindow, now());
      for (const c of n.conditions) cond(c.type, c.status, c.reason, c.message);
      desiredReplicas = n.desiredReplicas;
      rescale = desiredReplicas !== currentReplicas;
    }

    if (rescale) {
      try {
        await ctx.client.updateScale(gvr, { ...scale, spec: { ...scale.spec, replicas: desiredReplicas } }, { namespace: ns, signal: ctx.signal });
      } catch (err) {
        recorder.event(hpa, 'Warning', 'FailedRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}; error: ${errText(err)}`);
        cond('AbleToScale', 'False', 'FailedUpdateScale', `the HPA controller was unable to update the target scale: ${errText(err)}`);
        hpa.status.currentReplicas = currentReplicas;
        hpa.status.currentMetrics = statuses.length ? statuses : undefined;
        await writeStatus(hpa, original);
        throw new Error(`failed to rescale ${reference}: ${errText(err)}`);
      }
      cond('AbleToScale', 'True', 'SucceededRescale', `the HPA controller was able to update the target scale to ${desiredReplicas}`);
      recorder.event(hpa, 'Normal', 'SuccessfulRescale', `New size: ${desiredReplicas}; reason: ${rescaleReason}`);
      storeScaleEvent(history, behavior, currentReplicas, desiredReplicas, now());
      ctx.log(`${name}: rescaled ${reference} from ${currentReplicas} to ${desiredReplicas} (${rescaleReason})`);
    } else {
      desiredReplicas = currentReplicas;
    }

    // setStatus.
    hpa.status = {
      currentReplicas,
      desiredReplicas,
      lastScaleTime: rescale ? rfc3339(now()) : hpa.status.lastScaleTime,
      currentMetrics: statuses.length ? statuses : undefined,
      conditions: conds,
    };
    await writeStatus(hpa, original);
    if (retErr) throw new Error(retErr);
  }

  async function reconcile(key: string): Promise<void> {
    const hpa = hpas.indexer.get(key);
    if (!hpa) {
      histories.delete(key);
      return;
    }
    try {
      await reconcileAutoscaler(hpa, key);
    } catch (err) {
      ctx.log(`${name}: ${key}: ${errText(err)}`);
    } finally {
      // Processed again one period later, whatever happened (errors do not retry sooner, as upstream).
      if (!ctx.signal.aborted) queue.addAfter(key, syncPeriod);
    }
  }

  const c = runController({ name, queue, workers: opts.workers ?? 5, reconcile, waitFor: [hpas, pods], log: ctx.log });
  return { name, health: c.health, stop: c.stop };
}
