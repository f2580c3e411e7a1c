/**
 * Subresources with their own semantics: scale (autoscaling/v1 Scale), pods/binding
 * (what the scheduler writes), pods/eviction (drain, honouring PodDisruptionBudgets),
 * namespaces/finalize, and the kubelet-backed ones (log, exec, attach, portforward,
 * proxy), proxied to the node's kubelet (../proxy/) when the server has a kubelet
 * connection, else answered plainly.
 */
import { selectorFromLabelSelector } from '../../api/labels.js';
import { badRequest, conflict, invalid, notFound, StatusError } from '../../api/status.js';
import { readBody } from '../http/body.js';
import { proxyToKubelet } from '../proxy/kubelet-proxy.js';
import { successStatus, writeJSON } from '../http/respond.js';
import { deepClone, meta, type KubeObject } from '../storage/object.js';
import type { HandlerContext } from './context.js';
import { decodeForResource, isApplyPatch, respondObject, scopeNamespace, storeOf, toServed } from './rest.js';
import { defaultFieldManager, type ApiRequest } from './request.js';

type Json = Record<string, unknown>;

function get(obj: Json, path: string): unknown {
  let cur: unknown = obj;
  for (const p of path.replace(/^\./, '').split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Json)[p];
  }
  return cur;
}

function set(obj: Json, path: string, value: unknown): void {
  const parts = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof cur[p] !== 'object' || cur[p] === null) cur[p] = {};
    cur = cur[p] as Json;
  }
  cur[parts[parts.length - 1]] = value;
}

/** The Scale view of an object, as upstream's scale subresource builds it. */
export function toScale(r: ApiRequest, obj: KubeObject): KubeObject {
  const s = r.served.info.scale ?? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
  const selectorPath = s.labelSelectorPath;
  let selector = '';
  if (selectorPath) {
    const v = get(obj, selectorPath);
    if (typeof v === 'string') selector = v;
  }
  if (!selector) {
    const spec = obj.spec as { selector?: unknown } | undefined;
    if (spec?.selector && typeof spec.selector === 'object') {
      const sel = spec.selector as Record<string, unknown>;
      // ReplicationControllers have a plain map selector; the apps kinds a LabelSelector.
      selector = sel.matchLabels || sel.matchExpressions ? selectorFromLabelSelector(sel).toString() : Object.entries(sel).map(([k, v]) => `${k}=${String(v)}`).join(',');
    }
  }
  const md = obj.metadata ?? {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: md.name, namespace: md.namespace, uid: md.uid, resourceVersion: md.resourceVersion, creationTimestamp: md.creationTimestamp },
    spec: { replicas: Number(get(obj, s.specReplicasPath) ?? 0) },
    status: { replicas: Number(get(obj, s.statusReplicasPath) ?? 0), ...(selector ? { selector } : {}) },
  };
}

export async function handleScale(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const ns = scopeNamespace(r);
  const name = r.info.name!;
  const st = storeOf(r);
  const s = r.served.info.scale ?? { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
  if (r.info.verb === 'get') {
    writeJSON(r.res, 200, toScale(r, toServed(r.served, await st.get(ns, name))), r.negotiated.yaml);
    return;
  }
  if (r.info.verb !== 'update' && r.info.verb !== 'patch') throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const body = await readBody(r.req);
  const { object } = await st.update(ns, name, async (current) => {
    const served = toServed(r.served, current);
    const currentScale = toScale(r, served);
    let scale: KubeObject;
    if (r.info.verb === 'update') {
      scale = decodeForResource(r, body, 'Scale', 'autoscaling/v1');
    } else {
      const ct = String(r.req.headers['content-type'] ?? '').split(';')[0].trim();
      scale = ctx.patch(r.served, currentScale, body, ct, { manager: r.fieldManager ?? defaultFieldManager(r.req), force: r.force, subresource: 'scale' });
    }
    const replicas = (scale.spec as { replicas?: unknown } | undefined)?.replicas;
    if (replicas !== undefined && (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0)) {
      throw invalid('autoscaling', 'Scale', name, [{ type: 'FieldValueInvalid', field: 'spec.replicas', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
    }
    const rv = scale.metadata?.resourceVersion;
    if (rv && rv !== current.metadata?.resourceVersion) {
      throw conflict(r.served.info.group, r.served.info.resource, name, 'the object has been modified; please apply your changes to the latest version and try again');
    }
    const next = deepClone(served);
    set(next as Json, s.specReplicasPath, replicas ?? 0);
    const md = meta(next);
    md.resourceVersion = current.metadata?.resourceVersion;
    ctx.strategy.prepareForUpdate(r.served, next, served, undefined);
    // As kube-apiserver's scale handler: the writer owns spec.replicas, with subresource "scale" in its entry.
    if (!isApplyPatch(r)) ctx.managedFields.recordUpdate(r.served, served, next, r.fieldManager ?? defaultFieldManager(r.req), 'scale');
    return r.served.conversion ? r.served.conversion.toStored(next) : next;
  }, { dryRun: r.dryRun });
  writeJSON(r.res, 200, toScale(r, toServed(r.served, object)), r.negotiated.yaml);
}

/** POST pods/{name}/binding or bindings: sets spec.nodeName once, as the scheduler does. */
export async function handleBinding(ctx: HandlerContext, r: ApiRequest, podName: string, preRead?: Buffer): Promise<void> {
  const ns = r.info.namespace;
  const body = preRead ?? (await readBody(r.req));
  const binding = decodeForResource(r, body, 'Binding', 'v1');
  const target = (binding.target ?? {}) as { kind?: string; name?: string };
  if (!target.name) throw invalid('', 'Binding', podName, [{ type: 'FieldValueRequired', field: 'target.name', message: 'Required value' }]);
  if (target.kind && target.kind !== 'Node') throw invalid('', 'Binding', podName, [{ type: 'FieldValueNotSupported', field: 'target.kind', message: `Unsupported value: "${target.kind}": supported values: "Node"` }]);
  const pods = ctx.registry.storeFor('', 'pods')!;
  await pods.update(ns, podName, (pod) => {
    const spec = (pod.spec ??= {}) as { nodeName?: string };
    if (pod.metadata?.deletionTimestamp) throw conflict('', 'pods', podName, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict('', 'pods', podName, `pod ${podName} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = target.name;
    const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastProbeTime?: null; lastTransitionTime?: string }[] };
    const conds = (status.conditions ??= []);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const i = conds.findIndex((c) => c.type === 'PodScheduled');
    const cond = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now };
    if (i >= 0) conds[i] = cond;
    else conds.push(cond);
    const annotations = binding.metadata?.annotations;
    if (annotations) Object.assign((meta(pod).annotations ??= {}), annotations);
    return pod;
  }, { dryRun: r.dryRun });
  writeJSON(r.res, 201, { ...successStatus(), code: 201 }, r.negotiated.yaml);
}

/** POST pods/{name}/eviction: deletes the pod unless a PodDisruptionBudget forbids it (429). */
export async function handleEviction(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const ns = r.info.namespace!;
  const name = r.info.name!;
  const body = await readBody(r.req);
  const eviction = body.length ? decodeForResource(r, body, 'Eviction', 'policy/v1') : ({} as KubeObject);
  const pods = ctx.registry.storeFor('', 'pods')!;
  const pod = await pods.get(ns, name);
  const pdbs = ctx.registry.storeFor('policy', 'poddisruptionbudgets');
  if (pdbs && !pod.metadata?.deletionTimestamp) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    const { items } = await pdbs.list(ns);
    const matching = items.filter((p) => selectorFromLabelSelector((p.spec as { selector?: object } | undefined)?.selector).matches(pod.metadata?.labels));
    if (matching.length > 1) throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = matching[0];
    if (pdb && phase !== 'Succeeded' && phase !== 'Failed' && phase !== 'Pending') {
      // Checked and decremented in one guaranteed update of the budget (upstream's checkAndDecrement
      // with the PDB's resourceVersion): of two evictions racing for its last allowed disruption,
      // the one whose write loses sees the decremented budget on its retry and gets the 429.
      await pdbs.update(ns, pdb.metadata!.name!, (cur) => {
        const st = (cur.status ??= {}) as { disruptionsAllowed?: number; disruptedPods?: Record<string, string>; desiredHealthy?: number; currentHealthy?: number };
        if ((st.disruptionsAllowed ?? 0) < 1) {
          throw new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
            causes: [{ type: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata?.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently` }],
          });
        }
        st.disruptionsAllowed = st.disruptionsAllowed! - 1;
        (st.disruptedPods ??= {})[name] = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        return cur;
      }, { dryRun: r.dryRun });
    }
  }
  const opts = (eviction.deleteOptions ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
  await pods.delete(ns, name, { gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.preconditions, dryRun: r.dryRun });
  writeJSON(r.res, 201, { ...successStatus(), code: 201 }, r.negotiated.yaml);
}

/** PUT namespaces/{name}/finalize: only spec.finalizers may change. */
export async function handleFinalize(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  const body = await readBody(r.req);
  const incoming = decodeForResource(r, body);
  const st = storeOf(r);
  const { object } = await st.update(undefined, r.info.name!, (ns) => {
    const finalizers = (incoming.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
    (ns.spec ??= {}) as object;
    (ns.spec as { finalizers?: string[] }).finalizers = finalizers;
    return ns;
  }, { dryRun: r.dryRun });
  respondObject(ctx, r, 200, object);
}

/** log, exec, attach, portforward and proxy go to the kubelet; without a kubelet connection they answer plainly. */
export async function handleNodeBacked(ctx: HandlerContext, r: ApiRequest): Promise<void> {
  if (ctx.kubelet) return proxyToKubelet(ctx, ctx.kubelet, r);
  const ns = scopeNamespace(r);
  const st = storeOf(r);
  const obj = await st.get(ns, r.info.name!);
  if (r.served.info.resource === 'pods') {
    const nodeName = (obj.spec as { nodeName?: string } | undefined)?.nodeName;
    if (!nodeName) throw badRequest(`pod ${r.info.name} does not have a host assigned`);
    const nodes = ctx.registry.storeFor('', 'nodes')!;
    const node = await nodes.tryGet(undefined, nodeName);
    if (!node) throw notFound('', 'nodes', nodeName);
    throw new StatusError(503, 'ServiceUnavailable', `no kubelet connection to node "${nodeName}" for ${r.info.subresource} of pod ${ns}/${r.info.name}`);
  }
  throw new StatusError(503, 'ServiceUnavailable', `${r.info.subresource} for ${r.served.info.resource} "${r.info.name}" is not available: no connection to the backend`);
}

