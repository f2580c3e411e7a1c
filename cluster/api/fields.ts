/**
 * Field selectors (`metadata.name=x,status.phase!=Running`): only `=`, `==` and `!=`,
 * over a fixed set of fields per resource, as kube-apiserver supports them.
 */
import { badRequest } from './status.js';

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

export function parseFieldSelector(input: string | undefined | null): FieldRequirement[] {
  const s = (input ?? '').trim();
  if (!s) return [];
  return s.split(',').map((term) => {
    const m = /^\s*([^!=\s]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${term}'`);
    return { field: m[1], value: m[3], negate: m[2] === '!=' };
  });
}

/** Reads a dotted path (`spec.nodeName`) of a JSON object as a string ('' when absent). */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

export function matchesFields(obj: unknown, reqs: readonly FieldRequirement[]): boolean {
  for (const r of reqs) {
    const v = fieldValue(obj, r.field);
    if (r.negate ? v === r.value : v !== r.value) return false;
  }
  return true;
}

/** Fields every resource supports; per-kind extras follow upstream's field label conversion funcs. */
const COMMON = ['metadata.name', 'metadata.namespace'];
const EXTRA: Record<string, string[]> = {
  pods: ['spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork', 'status.phase', 'status.podIP', 'status.podIPs', 'status.nominatedNodeName'],
  events: ['involvedObject.kind', 'involvedObject.namespace', 'involvedObject.name', 'involvedObject.uid', 'involvedObject.apiVersion', 'involvedObject.resourceVersion', 'involvedObject.fieldPath', 'reason', 'reportingComponent', 'source', 'type'],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
  replicationcontrollers: ['status.replicas'],
  replicasets: ['status.replicas'],
  jobs: ['status.successful'],
  certificatesigningrequests: ['spec.signerName'],
};

/** Throws 400 like upstream for a field the resource cannot be selected by. */
export function checkFieldSelector(resource: string, reqs: readonly FieldRequirement[]): void {
  const allowed = new Set([...COMMON, ...(EXTRA[resource] ?? [])]);
  for (const r of reqs) {
    if (!allowed.has(r.field)) throw badRequest(`field label not supported: ${r.field}`);
  }
}
