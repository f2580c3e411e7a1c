import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import EventsView from './EventsView.vue';

const bridge = fakeBridge();
installBridge(bridge);

const event = (uid: string, name: string, reason: string, at: string) => ({
  kind: 'Event',
  metadata: { uid, name: `${name}.${uid}`, namespace: 'default' },
  involvedObject: { kind: 'Pod', namespace: 'default', name },
  reason,
  message: `${reason} for ${name}`,
  type: reason.startsWith('Failed') ? 'Warning' : 'Normal',
  lastTimestamp: at,
});

beforeEach(() => Object.assign(bridge, fakeBridge()));

describe('EventsView', () => {
  it('draws a lane per object and filters by object and reason', async () => {
    const wrapper = mount(EventsView, { global: { plugins: [createPinia()] } });
    await settle();
    const push = bridge.watchers.get('events')!;
    push({ type: 'ADDED', object: event('1', 'web-1', 'Scheduled', '2026-01-01T10:00:00Z') });
    push({ type: 'ADDED', object: event('2', 'web-1', 'Started', '2026-01-01T10:00:30Z') });
    push({ type: 'ADDED', object: event('3', 'web-2', 'FailedScheduling', '2026-01-01T10:01:00Z') });
    await flushPromises();

    expect(wrapper.findAll('.lane').map((l) => l.attributes('data-object'))).toEqual(['Pod default/web-1', 'Pod default/web-2']);
    expect(wrapper.findAll('.lane')[0].findAll('.mark')).toHaveLength(2);
    expect(wrapper.get('.lane[data-object="Pod default/web-2"] .mark').classes()).toContain('warning');

    await wrapper.get('select').setValue('Started');
    expect(wrapper.findAll('.lane')).toHaveLength(1);
    await wrapper.get('select').setValue('');
    await wrapper.get('input[type="search"]').setValue('web-2');
    expect(wrapper.findAll('.lane').map((l) => l.attributes('data-object'))).toEqual(['Pod default/web-2']);

    await wrapper.get('.mark').trigger('click');
    expect(wrapper.get('aside.picked').text()).toContain('FailedScheduling for web-2');
  });
});
