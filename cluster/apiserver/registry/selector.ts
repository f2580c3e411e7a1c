/** metav1.LabelSelector matching (labels.Selector semantics), on JSON selectors. */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import { selectorFromLabelSelector } from '../../api/labels.js';
import { isObject, type JsonObject } from './json.js';

/** True when the selector has neither matchLabels nor matchExpressions (matches everything). */
export function selectorIsEmpty(sel: JsonObject): boolean {
  const ml = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const me = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return ml + me === 0;
}

/** Whether the labels match; a selector with an invalid operator matches nothing (validation reports it). */
export function selectorMatches(sel: JsonObject, labels: Record<string, string> | undefined): boolean {
  try {
    return selectorFromLabelSelector(sel as LabelSelector).matches(labels);
  } catch {
    return false;
  }
}
