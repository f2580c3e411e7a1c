/// <reference types="vite/client" />
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemoryHistory, createRouter } from 'vue-router';
import type { ApiObject } from '../../../electron/preload/api';
import type { TraceInput } from '../lib/trace';
import { useStoreViewStore } from '../stores/store-view';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import TraceView from './TraceView.vue';

const bridge = fakeBridge();
installBridge(bridge);

const fixtures = import.meta.glob<string>('../lib/fixtures/trace-create.json', { eager: true, query: '?raw', import: 'default' });
const recording = JSON.parse(fixtures['../lib/fixtures/trace-create.json']) as ({ t: number; info: { revision: number } } | TraceInput)[];
const since = recording.flatMap((r) => ('info' in r ? [r.info.revision] : []))[0];
const RESOURCE: Record<string, string> = { Deployment: 'deployments', ReplicaSet: 'replicasets', Pod: 'pods', Event: 'events' };

/** Plays the recording through the fake bridge's watches, as the launcher would deliver it. */
function replay(withStore: boolean): void {
  for (const r of recording) {
    if ('info' in r) continue;
    if ('store' in r) {
      if (withStore) bridge.storeWatchers[0](r.store);
      continue;
    }
    const object = 'object' in r.watch ? r.watch.object : undefined;
    bridge.watchers.get(RESOURCE[object?.kind ?? ''])?.(r.watch);
  }
}

function mountView() {
  const pinia = createPinia();
  setActivePinia(pinia);
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<p />' } }, { path: '/trace', component: TraceView }, { path: '/store', component: { template: '<p>store</p>' } }] });
  return { router, wrapper: mount(TraceView, { global: { plugins: [pinia, router] } }) };
}

async function traceDeployment(wrapper: ReturnType<typeof mountView>['wrapper'], name: string): Promise<void> {
  await wrapper.get('select[aria-label="Kind to trace"]').setValue('Deployment');
  await wrapper.get('input[aria-label="Name"]').setValue(name);
  await wrapper.get('form').trigger('submit');
  await settle();
}

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  vi.mocked(bridge.storeInfo).mockResolvedValue({ backend: 'sqlite', revision: since, compactRevision: 0 });
});

describe('TraceView', () => {
  it('follows a Deployment: watches its kind, ReplicaSets, Jobs, Pods, Events and the store, and draws a lane per component', async () => {
    const { wrapper } = mountView();
    await traceDeployment(wrapper, 'api');
    expect(vi.mocked(bridge.watch).mock.calls.map(([ref, ns]) => `${ref.resource} ${ns}`)).toEqual(['deployments default', 'replicasets default', 'jobs default', 'pods default', 'events default']);
    expect(bridge.watchStore).toHaveBeenCalledWith('/registry/', expect.any(Function));
    expect(wrapper.text()).toContain('Waiting for a change');

    replay(true);
    await settle();
    const lanes = wrapper.findAll('.lane').map((l) => l.attributes('data-lane'));
    expect(lanes).toEqual(expect.arrayContaining(['client:kubectl-create', 'kube-apiserver', 'store', 'deployment-controller', 'replicaset-controller', 'kube-scheduler', 'kubelet@hollow-node-0', 'runtime@hollow-node-1']));
    expect(wrapper.findAll('button.step[data-lane="kube-scheduler"][data-action="bind"]')).toHaveLength(2);
    expect(wrapper.get('[data-test="trace-objects"]').text()).toMatch(/^Deployment api → ReplicaSet api-\w+ → Pod api-\w+-\w+ → Pod/);
    expect(wrapper.get('[data-test="trace-status"]').text()).toContain('store feed');
  });

  it('shows a step’s object as its write left it, and opens the store at that key and revision', async () => {
    const { wrapper, router } = mountView();
    await traceDeployment(wrapper, 'api');
    replay(true);
    await settle();
    await wrapper.get('button.step[data-lane="client:kubectl-create"]').trigger('click');
    const detail = wrapper.get('[data-test="trace-step"]');
    expect(detail.text()).toContain('Deployment api created by kubectl-create');
    expect(detail.text()).toContain('/registry/deployments/default/api');
    expect(detail.get('pre.yaml').text()).toContain('manager: kubectl-create');

    const revision = Number(/revision (\d+)/.exec(detail.text())?.[1]);
    await detail.get('button').trigger('click');
    await settle();
    const storeView = useStoreViewStore();
    expect(storeView.selectedKey).toBe('/registry/deployments/default/api');
    expect(storeView.atRevision).toBe(revision);
    expect(router.currentRoute.value.path).toBe('/store');
  });

  it('without a store, takes the newest listed resourceVersion as the baseline and traces from watches and Events alone', async () => {
    vi.mocked(bridge.storeInfo).mockRejectedValue(new Error('the store is not available here'));
    vi.mocked(bridge.list).mockResolvedValue([{ metadata: { resourceVersion: String(since) } } as ApiObject]);
    const { wrapper } = mountView();
    await traceDeployment(wrapper, 'api');
    expect(bridge.watchStore).not.toHaveBeenCalled();
    replay(false);
    await settle();
    expect(wrapper.get('[data-test="trace-status"]').text()).toContain(`since revision ${since}`);
    expect(wrapper.get('[data-test="trace-status"]').text()).toContain('API watches and Events only');
    expect(wrapper.findAll('.lane').map((l) => l.attributes('data-lane'))).not.toContain('store');
    expect(wrapper.findAll('button.step[data-lane="replicaset-controller"]').length).toBeGreaterThan(2);
  });
});
