import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { fakeBridge } from '../testing/fake-bridge';
import { watchCollection } from './watched-collection';

const PODS = { group: '', version: 'v1', resource: 'pods', namespaced: true, kind: 'Pod' };
const pod = (name: string, phase = 'Pending'): ApiObject => ({ kind: 'Pod', metadata: { name, namespace: 'default', uid: name }, status: { phase } });
/** Resolves after the frame in which a batch scheduled before it is applied. */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const phases = (items: Map<string, ApiObject>) => [...items.values()].map((p) => `${p.metadata?.name}:${(p.status as { phase: string }).phase}`);

describe('watchCollection', () => {
  it('applies each event at once by default', () => {
    const bridge = fakeBridge();
    const pods = watchCollection(bridge, PODS);
    bridge.watchers.get('pods')!({ type: 'ADDED', object: pod('a') });
    expect(phases(pods.items)).toEqual(['a:Pending']);
    pods.stop();
  });

  it("with batch 'frame', applies a frame's events together, each object's latest state only", async () => {
    const bridge = fakeBridge();
    const pods = watchCollection(bridge, PODS, undefined, { batch: 'frame' });
    const emit = bridge.watchers.get('pods')!;
    emit({ type: 'ADDED', object: pod('a') });
    emit({ type: 'ADDED', object: pod('b') });
    emit({ type: 'MODIFIED', object: pod('a', 'Running') });
    expect(pods.items.size).toBe(0);
    await nextFrame();
    expect(phases(pods.items)).toEqual(['a:Running', 'b:Pending']);

    emit({ type: 'DELETED', object: pod('b') });
    emit({ type: 'ERROR', error: { code: 500, reason: 'InternalError', message: 'watch failed', causes: [] } });
    await nextFrame();
    expect(phases(pods.items)).toEqual(['a:Running']);
    expect(pods.state.error).toBe('watch failed');

    // A RESET drops what came before it in the frame; an object after it clears the error.
    emit({ type: 'ADDED', object: pod('c') });
    emit({ type: 'RESET' });
    emit({ type: 'ADDED', object: pod('d') });
    await nextFrame();
    expect(phases(pods.items)).toEqual(['d:Pending']);
    expect(pods.state.error).toBeNull();

    emit({ type: 'ADDED', object: pod('e') });
    pods.stop();
    await nextFrame();
    expect(phases(pods.items)).toEqual(['d:Pending']);
  });
});
