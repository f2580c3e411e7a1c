/**
 * Image pulls on the nodes, read from Events as `kubectl describe pod` shows them: the kubelet records `Pulling`
 * when a pull begins, then `Pulled` (pulled in N ms, or already present) or `Failed` (`Failed to pull image …`).
 * A pull is active while its latest event is `Pulling`. Only pull events are kept, one per pod and image.
 */
import type { ApiObject, ExplorerWatchEvent } from '../../../electron/preload/api';

export type PullState = 'pulling' | 'pulled' | 'failed';

export interface ImagePull {
  /** Pod uid (or namespace/name) and image. */
  key: string;
  /** `namespace/name` of the pod. */
  pod: string;
  image: string;
  /** The node whose kubelet reported it (the Event's source.host), when known. */
  node: string | null;
  state: PullState;
  message: string;
  /** Milliseconds since the epoch of the latest event. */
  at: number;
  /** The Event holding this state (namespace/name), so its deletion can be followed. */
  eventKey: string;
}

interface PullEvent extends ApiObject {
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  reason?: string;
  message?: string;
  source?: { host?: string };
  reportingInstance?: string;
  eventTime?: string;
  lastTimestamp?: string;
  firstTimestamp?: string;
}

const IMAGE = /image "([^"]+)"/i;

/** The pull an Event reports, or null when it is not a pull event. */
export function pullOf(event: ApiObject): ImagePull | null {
  const e = event as PullEvent;
  const state: PullState | null =
    e.reason === 'Pulling' ? 'pulling' : e.reason === 'Pulled' ? 'pulled' : e.reason === 'Failed' && /pull(ing)? image/i.test(e.message ?? '') ? 'failed' : null;
  const image = IMAGE.exec(e.message ?? '')?.[1];
  if (!state || !image) return null;
  const o = e.involvedObject ?? {};
  const pod = `${o.namespace ?? ''}/${o.name ?? ''}`;
  const at = Date.parse(e.eventTime ?? e.lastTimestamp ?? e.firstTimestamp ?? e.metadata?.creationTimestamp ?? '');
  return {
    key: `${o.uid || pod}|${image}`,
    pod,
    image,
    node: e.source?.host ?? null,
    state,
    message: e.message ?? '',
    at: Number.isNaN(at) ? 0 : at,
    eventKey: `${e.metadata?.namespace ?? ''}/${e.metadata?.name ?? ''}`,
  };
}

/** Whether `next` supersedes `held`: later wins; at the same time (timestamps have second resolution) an outcome beats Pulling. */
function supersedes(next: ImagePull, held: ImagePull): boolean {
  if (next.at !== held.at) return next.at > held.at;
  return next.state !== 'pulling' || held.state === 'pulling';
}

/** Applies one watch event to the pulls (keyed by ImagePull.key); returns whether anything changed. */
export function applyPullEvent(pulls: Map<string, ImagePull>, event: ExplorerWatchEvent): boolean {
  if (event.type === 'RESET') {
    const had = pulls.size > 0;
    pulls.clear();
    return had;
  }
  if (event.type === 'ERROR') return false;
  const pull = pullOf(event.object);
  if (!pull) return false;
  const held = pulls.get(pull.key);
  if (event.type === 'DELETED') {
    if (held?.eventKey !== pull.eventKey) return false;
    pulls.delete(pull.key);
    return true;
  }
  if (held && !supersedes(pull, held)) return false;
  pulls.set(pull.key, pull);
  return true;
}

/**
 * Pulls in progress, oldest first, and failures of the last `failedWithinMs` (default 5 min), newest first. A Pulling
 * older than `staleAfterMs` (default 10 min, the kubelet's pull gives up sooner) is left out: its outcome was lost.
 */
export function pullsToShow(pulls: Iterable<ImagePull>, now: number, opts: { failedWithinMs?: number; staleAfterMs?: number } = {}): { active: ImagePull[]; failed: ImagePull[] } {
  const active: ImagePull[] = [];
  const failed: ImagePull[] = [];
  for (const p of pulls) {
    if (p.state === 'pulling' && now - p.at <= (opts.staleAfterMs ?? 600_000)) active.push(p);
    else if (p.state === 'failed' && now - p.at <= (opts.failedWithinMs ?? 300_000)) failed.push(p);
  }
  return { active: active.sort((a, b) => a.at - b.at), failed: failed.sort((a, b) => b.at - a.at) };
}
