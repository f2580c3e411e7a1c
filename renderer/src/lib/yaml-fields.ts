/**
 * Where an API field error belongs in the YAML being edited: a Status cause's field path
 * (`spec.template.spec.containers[0].image`, as field.Path prints it) resolved to the line of
 * that key, or of the deepest part of the path the document has.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node as YamlNode } from 'yaml';
import type { ApiError } from '../../../electron/preload/api';

/** `spec.containers[0].image` → ['spec', 'containers', 0, 'image']; `metadata.labels[app]` → [..., 'app']. */
export function parseFieldPath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]/g;
  for (let m = re.exec(field); m; m = re.exec(field)) {
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

/** The 1-based line of the field in document `docIndex` of `yamlText`, or null when not even its first segment is there. */
export function lineOfField(yamlText: string, field: string, docIndex = 0): number | null {
  const counter = new LineCounter();
  const docs = parseAllDocuments(yamlText, { lineCounter: counter });
  const doc = Array.isArray(docs) ? docs[docIndex] : undefined;
  if (!doc) return null;
  let node: unknown = doc.contents;
  let offset: number | null = null;
  for (const segment of parseFieldPath(field)) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) break;
      offset = (pair.key as YamlNode).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      const item = node.items[segment] as YamlNode | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset === null ? null : counter.linePos(offset).line;
}

/** A Status cause placed in the text: its line when the field resolves, else null (shown in the list only). */
export interface PlacedCause {
  line: number | null;
  message: string;
}

/** Each failed document's field causes, placed on their lines (errors[i] belongs to document i; null for a document that succeeded). */
export function placeCauses(yamlText: string, errors: (ApiError | null)[]): PlacedCause[] {
  return errors.flatMap((error, doc) =>
    (error?.causes ?? []).map((c) => ({
      line: c.field ? lineOfField(yamlText, c.field, doc) : null,
      message: `${c.field ? `${c.field}: ` : ''}${c.message ?? c.reason ?? ''}`,
    })),
  );
}
