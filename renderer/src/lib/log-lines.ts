/** Pure helpers of the logs view: search matches, highlight segments, timestamps, wrapped heights. */

export interface Segment {
  text: string;
  hit: boolean;
}

/** Indices of the lines containing `query` (case-insensitive); none for an empty query. */
export function findMatches(lines: readonly string[], query: string): number[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i].toLowerCase().includes(q)) out.push(i);
  return out;
}

/** `text` cut into plain and matching parts (rendered as text and <mark>, never as HTML). */
export function highlight(text: string, query: string): Segment[] {
  if (!query) return [{ text, hit: false }];
  const lower = text.toLowerCase();
  const q = query.toLowerCase();
  const out: Segment[] = [];
  let at = 0;
  for (let i = lower.indexOf(q); i !== -1; i = lower.indexOf(q, i + q.length)) {
    if (i > at) out.push({ text: text.slice(at, i), hit: false });
    out.push({ text: text.slice(i, i + q.length), hit: true });
    at = i + q.length;
  }
  if (at < text.length || out.length === 0) out.push({ text: text.slice(at), hit: false });
  return out;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) /;

/** A `timestamps=true` line split into its RFC 3339 timestamp and the text. */
export function splitTimestamp(line: string): { timestamp: string; text: string } {
  const m = TIMESTAMP.exec(line);
  return m ? { timestamp: m[1], text: line.slice(m[0].length) } : { timestamp: '', text: line };
}

/** Screen rows a line takes when wrapped at `columns` characters (at least one). */
export function wrappedRows(line: string, columns: number): number {
  if (columns <= 0) return 1;
  return Math.max(1, Math.ceil(line.length / columns));
}
