/**
 * What the YAML editor sends. Server-side apply must not carry server-owned fields (the live
 * object's resourceVersion would make it an optimistic-concurrency write, uid and managedFields are
 * the server's, status is not the spec), so they are removed; an update (PUT) keeps resourceVersion,
 * which is what makes it fail with 409 Conflict when the object changed meanwhile.
 */
import { parseAllDocuments } from 'yaml';
import type { ApplyMode } from '../../../electron/preload/api';

const SERVER_OWNED = [['metadata', 'uid'], ['metadata', 'creationTimestamp'], ['metadata', 'generation'], ['metadata', 'managedFields'], ['status']];

export function draftToSend(yamlText: string, mode: ApplyMode): string {
  const docs = parseAllDocuments(yamlText);
  if (!Array.isArray(docs) || docs.some((d) => d.errors.length > 0)) return yamlText; // the server reports the syntax error
  for (const doc of docs) {
    for (const path of SERVER_OWNED) doc.deleteIn(path);
    if (mode === 'apply') doc.deleteIn(['metadata', 'resourceVersion']);
  }
  return docs.map((d) => String(d)).join('---\n');
}
