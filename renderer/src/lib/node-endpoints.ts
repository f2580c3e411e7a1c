/**
 * A node's own endpoints, as the explorer offers them, and how their answers are shown:
 * JSON pretty-printed and highlighted, Prometheus text filtered by metric name. The
 * kube-proxy `/rules` payload's types come with the bridge's (electron/preload/api.ts).
 */

/** The kubelet's endpoints (10250, reached through nodes/{node}/proxy). */
export const KUBELET_ENDPOINTS = ['/pods', '/spec', '/stats/summary', '/metrics', '/metrics/cadvisor', '/configz', '/healthz'] as const;

/** kube-proxy's metrics port: /metrics, /proxyMode, /configz and Kubarium's /rules. */
export const KUBE_PROXY_METRICS_PORT = 10249;

export type BodyKind = 'json' | 'prometheus' | 'text';

export function bodyKind(contentType: string, body: string): BodyKind {
  if (/json/i.test(contentType)) return 'json';
  if (/^text\/plain/i.test(contentType) && /^# (HELP|TYPE) /m.test(body)) return 'prometheus';
  return 'text';
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Pretty-printed JSON as HTML with spans for keys, strings, numbers and literals (escaped first). */
export function highlightJson(body: string): string {
  let text: string;
  try {
    text = JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return escapeHtml(body);
  }
  return escapeHtml(text).replace(/("(?:\\.|[^"\\])*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g, (m, str: string, colon: string, lit: string, num: string) => {
    if (str) return colon ? `<span class="j-key">${str}</span>${colon}` : `<span class="j-str">${str}</span>`;
    if (lit) return `<span class="j-lit">${lit}</span>`;
    if (num) return `<span class="j-num">${num}</span>`;
    return m;
  });
}

/** Prometheus text lines whose metric name (or HELP/TYPE line) contains `filter`. */
export function filterMetrics(body: string, filter: string): string[] {
  const lines = body.split('\n').filter((l) => l.length > 0);
  const f = filter.trim().toLowerCase();
  if (!f) return lines;
  return lines.filter((l) => {
    const name = l.startsWith('#') ? (l.split(' ')[2] ?? '') : l.split(/[{ ]/)[0];
    return name.toLowerCase().includes(f);
  });
}
