/**
 * Matching rules several plugins share: node selector terms (component-helpers
 * nodeaffinity), tolerations (v1helper.TolerationsTolerateTaint) and default score
 * normalization (helper.DefaultNormalizeScore).
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Taint, Toleration } from 'kubernetes-types/core/v1.js';
import type { NodeInfo } from '../node-info.js';
import { MAX_NODE_SCORE } from '../types.js';
import { tolerates } from '../../api/taints.js';

function matchRequirement(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const has = value !== undefined;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && values.includes(value);
    case 'NotIn':
      return !has || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1) return false;
      const n = Number(value);
      const bound = Number(values[0]);
      if (!Number.isInteger(n) || !Number.isInteger(bound)) return false;
      return r.operator === 'Gt' ? n > bound : n < bound;
    }
    default:
      return false;
  }
}

/** One term: all matchExpressions (labels) and matchFields (only metadata.name) hold; an empty term matches nothing. */
export function matchNodeSelectorTerm(term: NodeSelectorTerm, node: NodeInfo): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  for (const e of exprs) if (!matchRequirement(e, node.labels[e.key])) return false;
  for (const f of fields) if (f.key !== 'metadata.name' || !matchRequirement(f, node.name)) return false;
  return true;
}

/** NodeSelector: the terms are ORed. */
export function matchNodeSelectorTerms(terms: readonly NodeSelectorTerm[], node: NodeInfo): boolean {
  return terms.some((t) => matchNodeSelectorTerm(t, node));
}

export function tolerated(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => tolerates(t, taint));
}

/** Scales scores to 0..MAX by the maximum; `reverse` flips them (helper.DefaultNormalizeScore). */
export function defaultNormalizeScore(scores: Float64Array, reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  for (let i = 0; i < scores.length; i++) {
    if (max === 0) scores[i] = reverse ? MAX_NODE_SCORE : 0;
    else {
      const s = Math.floor((MAX_NODE_SCORE * scores[i]) / max);
      scores[i] = reverse ? MAX_NODE_SCORE - s : s;
    }
  }
}
