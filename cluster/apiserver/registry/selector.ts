/** metav1.LabelSelector matching (labels.Selector semantics), on JSON selectors. */
import { isObject, objects, type JsonObject } from './json.js';

/** True when the selector has neither matchLabels nor matchExpressions (matches everything). */
export function selectorIsEmpty(sel: JsonObject): boolean {
  const ml = isObject(sel.matchLabels) ? Object.keys(sel.matchLabels).length : 0;
  const me = Array.isArray(sel.matchExpressions) ? sel.matchExpressions.length : 0;
  return ml + me === 0;
}

export function selectorMatches(sel: JsonObject, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  if (isObject(sel.matchLabels)) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (l[k] !== v) return false;
  }
  for (const req of objects(sel, 'matchExpressions')) {
    const key = String(req.key ?? '');
    const values = Array.isArray(req.values) ? req.values.map(String) : [];
    const has = Object.hasOwn(l, key);
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(l[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(l[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
