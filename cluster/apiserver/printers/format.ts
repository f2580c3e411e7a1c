/**
 * Cell formatting helpers shared by the built-in printers, each matching the upstream
 * helper named in its comment (labels.FormatLabels, metav1.FormatLabelSelector, ...).
 */
import type { LabelSelector } from 'kubernetes-types/meta/v1.js';
import type { Container } from 'kubernetes-types/core/v1.js';

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** labels.FormatLabels: `k=v` sorted by key, comma-joined; `<none>` when empty. */
export function formatLabels(labels: Readonly<Record<string, string>> | null | undefined): string {
  const keys = Object.keys(labels ?? {}).sort(cmp);
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/**
 * metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, `k=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k`, `!k`; values of set operators sorted. A nil selector selects nothing and an
 * empty one everything; both print as "". undefined when an operator is invalid.
 */
export function labelSelectorString(sel: LabelSelector | null | undefined): string | undefined {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key: k, text: `${k}=${v}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort(cmp).join(',');
    switch (e.operator) {
      case 'In':
        reqs.push({ key: e.key, text: `${e.key} in (${values})` });
        break;
      case 'NotIn':
        reqs.push({ key: e.key, text: `${e.key} notin (${values})` });
        break;
      case 'Exists':
        reqs.push({ key: e.key, text: e.key });
        break;
      case 'DoesNotExist':
        reqs.push({ key: e.key, text: `!${e.key}` });
        break;
      default:
        return undefined;
    }
  }
  // labels.Selector.Add sorts requirements by key (stable here; Go's sort is not, ties are rare).
  return reqs
    .sort((a, b) => cmp(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString but `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(sel: LabelSelector | null | undefined): string {
  const s = labelSelectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** printers.go layoutContainerCells: names and images, comma-joined in container order. */
export function layoutContainerCells(containers: readonly Container[] | null | undefined): [names: string, images: string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** helper.GetAccessModesAsString: fixed order RWO, ROX, RWX, RWOP, duplicates dropped. */
export function accessModesString(modes: readonly string[] | null | undefined): string {
  const set = new Set(modes ?? []);
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** printers.go listWithMoreString: `a,b,c + 2 more...`, `<unset>` when nothing. */
export function listWithMore(list: readonly string[], max: number): string {
  const shown = list.slice(0, max).join(',');
  if (list.length > max) return `${shown} + ${list.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** printers.go printBoolPtr: `True`, `False`, `<unset>`. */
export function printBoolPtr(v: boolean | null | undefined): string {
  if (v === undefined || v === null) return '<unset>';
  return v ? 'True' : 'False';
}

/**
 * resource.Quantity.String() for a quantity read from JSON. The stored string is already the
 * canonical form for values our server wrote; an absent quantity prints as the zero value "0".
 * (Re-canonicalising arbitrary user input such as `1024Mi` → `1Gi` is not done.)
 */
export function quantityString(q: string | number | null | undefined): string {
  if (q === undefined || q === null || q === '') return '0';
  return String(q);
}

/** intstr.IntOrString.String(). */
export function intOrString(v: string | number): string {
  return String(v);
}

/** sets.NewString(...).List(): sorted, de-duplicated. */
export function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(cmp);
}
