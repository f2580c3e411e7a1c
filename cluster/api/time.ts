/** metav1.Time on the wire: RFC 3339 in UTC with whole seconds (`2026-01-02T03:04:05Z`). */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}
