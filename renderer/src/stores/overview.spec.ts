import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ApiObject } from '../../../electron/preload/api';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import { useOverviewStore } from './overview';

const bridge = fakeBridge();
installBridge(bridge);
const pod = (name: string, nodeName?: string, phase = 'Pending'): ApiObject => ({ kind: 'Pod', metadata: { name, namespace: 'default', uid: name }, spec: { nodeName }, status: { phase } });
const node = (name: string): ApiObject => ({ kind: 'Node', metadata: { name, uid: name } });
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
const names = (pods: ApiObject[] | undefined) => (pods ?? []).map((p) => p.metadata?.name);

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  setActivePinia(createPinia());
});

describe('overview store', () => {
  it('groups pods by node, sorted by name, and keeps the array of a node whose pods did not change', async () => {
    const overview = useOverviewStore();
    await overview.start();
    await settle();
    for (const n of ['n2', 'n1']) bridge.watchers.get('nodes')!({ type: 'ADDED', object: node(n) });
    for (const p of [pod('b', 'n1'), pod('a', 'n1'), pod('c', 'n2'), pod('pending')]) bridge.watchers.get('pods')!({ type: 'ADDED', object: p });
    await nextFrame();
    expect(overview.nodeList.map((n) => n.metadata?.name)).toEqual(['n1', 'n2']);
    expect(names(overview.podsByNode.get('n1'))).toEqual(['a', 'b']);
    expect(names(overview.podsByNode.get(''))).toEqual(['pending']);
    const n1Before = overview.podsByNode.get('n1');
    const n2Before = overview.podsByNode.get('n2');

    bridge.watchers.get('pods')!({ type: 'MODIFIED', object: pod('c', 'n2', 'Running') });
    await nextFrame();
    expect(overview.podsByNode.get('n1')).toBe(n1Before);
    expect(overview.podsByNode.get('n2')).not.toBe(n2Before);
    expect((overview.podsByNode.get('n2')![0].status as { phase: string }).phase).toBe('Running');
    overview.stop();
  });
});
