/**
 * A reader of the Prometheus text exposition format (0.0.4) as far as the kubelet's
 * /metrics/resource writes it: `name{label="value",...} value [timestamp-ms]` lines,
 * comments skipped. metrics-server decodes the same endpoint.
 */

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** The sample's own timestamp (ms), when the line carries one. */
  timeMs?: number;
}

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

/** Parses one sample line; undefined for comments, blank lines and lines it cannot read. */
export function parseSampleLine(line: string): PromSample | undefined {
  const text = line.trim();
  if (!text || text.startsWith('#')) return undefined;
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(text);
  if (!nameMatch) return undefined;
  const name = nameMatch[0];
  let i = name.length;
  const labels: Record<string, string> = {};
  if (text[i] === '{') {
    i++;
    for (;;) {
      while (text[i] === ' ' || text[i] === ',') i++;
      if (text[i] === '}') {
        i++;
        break;
      }
      const key = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
      if (!key) return undefined;
      i += key[0].length;
      while (text[i] === ' ') i++;
      if (text[i] !== '=' || text[i + 1] !== '"') return undefined;
      i += 2;
      let value = '';
      for (; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') {
          const next = text[++i];
          value += next === 'n' ? '\n' : next;
        } else value += text[i];
      }
      if (text[i] !== '"') return undefined;
      i++;
      labels[key[0]] = value;
    }
  }
  const rest = text.slice(i).trim().split(/\s+/);
  if (!rest[0]) return undefined;
  const value = parseValue(rest[0]);
  if (Number.isNaN(value) && rest[0] !== 'NaN') return undefined;
  const timeMs = rest[1] !== undefined ? Number(rest[1]) : undefined;
  return { name, labels, value, ...(timeMs !== undefined && Number.isFinite(timeMs) ? { timeMs } : {}) };
}

export function parsePrometheusText(text: string): PromSample[] {
  const out: PromSample[] = [];
  for (const line of text.split('\n')) {
    const s = parseSampleLine(line);
    if (s) out.push(s);
  }
  return out;
}
