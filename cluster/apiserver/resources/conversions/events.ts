/**
 * core/v1 Event ⇄ events.k8s.io/v1 Event: one stored object, two shapes, as
 * upstream's conversion functions map them (involvedObject ↔ regarding,
 * message ↔ note, source ↔ deprecatedSource, count ↔ deprecatedCount, ...).
 */
import type { KubeObject } from '../../storage/object.js';
import type { Conversion } from '../registry.js';

const RENAMES: [core: string, events: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: KubeObject = { ...obj, apiVersion };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

export const eventsV1Conversion: Conversion = {
  toServed: (o) => rename(o, RENAMES, 'events.k8s.io/v1'),
  toStored: (o) => rename(o, RENAMES.map(([a, b]) => [b, a]), 'v1'),
};
