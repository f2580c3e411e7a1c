// Realistic write sequences for the managed-fields golden test: each step's managedFields (and,
// for server-side apply, the merged object and conflicts) keyed by step name. Takes the
// implementation as a parameter so the golden file can be produced by a reference copy.
import type { recordUpdate as RecordUpdate, serverSideApply as ServerSideApply } from '../managed-fields.js';
import type { builtinFieldTypes as BuiltinFieldTypes } from '../builtin-schema.js';
import type { JsonObject, JsonValue } from '../json.js';
import { appliedDeployment, createdPod, runningPod, scheduledPod } from './objects.js';

export interface Impl {
  recordUpdate: typeof RecordUpdate;
  serverSideApply: typeof ServerSideApply;
  builtinFieldTypes: typeof BuiltinFieldTypes;
}

const clone = <T>(v: T): T => structuredClone(v);
const metaOf = (o: JsonObject): JsonObject => o.metadata as JsonObject;
const managedFieldsOf = (o: JsonObject): JsonValue => metaOf(o).managedFields ?? null;

export function runSequences(impl: Impl): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  let minute = 0;
  // Each write a minute later, so entry times and their order are exercised.
  const at = (): Date => new Date(Date.UTC(2025, 0, 2, 3, minute++, 7, 500));
  const podUpdate = (step: string, before: JsonObject | undefined, after: JsonObject, manager: string, subresource?: string): JsonObject => {
    const r = impl.recordUpdate({ before, after, manager, operation: 'Update', apiVersion: 'v1', subresource, fieldTypes: impl.builtinFieldTypes('v1', 'Pod'), now: at() });
    out[step] = managedFieldsOf(r);
    return r;
  };

  // A Deployment's Pod: created by the ReplicaSet controller, scheduled, started, labelled, edited.
  const created = podUpdate('pod/create', undefined, createdPod(7), 'kube-controller-manager');
  const scheduled = podUpdate('pod/scheduler-status', created, scheduledPod(created), 'kube-scheduler', 'status');
  const starting = podUpdate('pod/kubelet-status-starting', scheduled, runningPod(scheduled, false), 'kubelet', 'status');
  const ready = podUpdate('pod/kubelet-status-ready', starting, runningPod(starting, true), 'kubelet', 'status');
  const same = podUpdate('pod/kubelet-status-unchanged', ready, clone(ready), 'kubelet', 'status');

  const labelled = clone(same);
  (metaOf(labelled).labels as JsonObject).release = 'canary';
  const afterLabel = podUpdate('pod/label-other-manager', same, labelled, 'kubectl-label');

  const edited = clone(afterLabel);
  const spec = edited.spec as { containers: JsonObject[]; tolerations: JsonObject[] };
  spec.containers[0].image = 'registry.local/web:1.4.3';
  (metaOf(edited).labels as JsonObject).release = 'stable';
  spec.tolerations.push({ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' });
  const afterEdit = podUpdate('pod/spec-update-same-manager', afterLabel, edited, 'kube-controller-manager');

  const trimmed = clone(afterEdit);
  delete metaOf(trimmed).annotations;
  const web = (trimmed.spec as { containers: JsonObject[] }).containers[0];
  web.env = (web.env as JsonObject[]).filter((e) => e.name !== 'DB_PASSWORD');
  delete web.livenessProbe;
  const afterTrim = podUpdate('pod/remove-fields-other-manager', afterEdit, trimmed, 'kubectl-edit');

  // A client that rewrites managedFields (drops kubectl-label's entry) has them taken as given.
  const rewritten = clone(afterTrim);
  metaOf(rewritten).managedFields = (metaOf(rewritten).managedFields as JsonObject[]).filter((e) => e.manager !== 'kubectl-label');
  (metaOf(rewritten).labels as JsonObject).owner = 'team-a';
  podUpdate('pod/client-rewrites-managed-fields', afterTrim, rewritten, 'kubectl-edit');

  // An object that predates managed fields, then updated by a new manager.
  const legacy = clone(afterTrim);
  delete metaOf(legacy).managedFields;
  const legacyAfter = clone(legacy);
  (legacyAfter.status as JsonObject).phase = 'Succeeded';
  podUpdate('pod/update-without-prior-managed-fields', legacy, legacyAfter, 'kubelet', 'status');

  // Server-side apply of a Deployment, a controller's status write, re-applies and a conflict.
  const apply = (step: string, live: JsonObject | undefined, applied: JsonObject, manager: string, force = false): JsonObject => {
    const r = impl.serverSideApply({ live, applied, manager, force, listTypes: impl.builtinFieldTypes('apps/v1', 'Deployment'), apiVersion: 'apps/v1', now: at() });
    out[step] = { object: r.object, conflicts: r.conflicts as unknown as JsonValue };
    return r.object;
  };
  const d1 = apply('deploy/apply-create', undefined, appliedDeployment(), 'kubectl');
  const withStatus = clone(d1);
  withStatus.status = { observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 };
  const d2 = impl.recordUpdate({ before: d1, after: withStatus, manager: 'kube-controller-manager', apiVersion: 'apps/v1', subresource: 'status', fieldTypes: impl.builtinFieldTypes('apps/v1', 'Deployment'), now: at() });
  out['deploy/controller-status'] = managedFieldsOf(d2);
  const scaled = clone(d2);
  (scaled.spec as JsonObject).replicas = 5;
  const d3 = impl.recordUpdate({ before: d2, after: scaled, manager: 'kubectl-scale', apiVersion: 'apps/v1', fieldTypes: impl.builtinFieldTypes('apps/v1', 'Deployment'), now: at() });
  out['deploy/scale-other-manager'] = managedFieldsOf(d3);
  apply('deploy/apply-conflicts', d3, appliedDeployment('registry.local/web:1.5.0', 3), 'kubectl');
  const noSidecar = appliedDeployment('registry.local/web:1.5.0');
  delete (noSidecar.spec as JsonObject).replicas;
  const tpl = ((noSidecar.spec as JsonObject).template as JsonObject).spec as { containers: JsonObject[] };
  tpl.containers = tpl.containers.filter((c) => c.name !== 'sidecar');
  const d4 = apply('deploy/reapply-drops-sidecar', d3, noSidecar, 'kubectl');
  apply('deploy/second-applier-forces', d4, appliedDeployment('registry.local/web:2.0.0', 2), 'ci-bot', true);
  return out;
}
