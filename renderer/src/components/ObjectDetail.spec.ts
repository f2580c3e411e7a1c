import { mount } from '@vue/test-utils';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import ObjectDetail from './ObjectDetail.vue';

const bridge = fakeBridge();
installBridge(bridge);

const DEPLOYMENTS = { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, verbs: [], shortNames: [] };
const live = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '42', managedFields: [{ manager: 'kubectl' }] },
  spec: { replicas: 1 },
};

beforeEach(() => Object.assign(bridge, fakeBridge()));

describe('ObjectDetail', () => {
  it('shows the object as highlighted YAML without managedFields', () => {
    const wrapper = mount(ObjectDetail, { props: { object: live, kind: DEPLOYMENTS } });
    const yaml = wrapper.get('pre.yaml');
    expect(yaml.text()).toContain('name: web');
    expect(yaml.text()).not.toContain('managedFields');
    expect(yaml.find('.y-key').exists()).toBe(true);
  });

  it("applies an edit and shows the API's field causes at their line", async () => {
    vi.mocked(bridge.apply).mockResolvedValue([
      { ok: false, error: { code: 422, reason: 'Invalid', message: 'Deployment.apps "web" is invalid', causes: [{ field: 'spec.replicas', reason: 'FieldValueInvalid', message: 'must be greater than or equal to 0' }] } },
    ]);
    const wrapper = mount(ObjectDetail, { props: { object: live, kind: DEPLOYMENTS } });
    await wrapper.get('button').trigger('click'); // Edit
    const area = wrapper.get('textarea');
    await area.setValue((area.element as HTMLTextAreaElement).value.replace('replicas: 1', 'replicas: -1'));
    await wrapper.findAll('button').find((b) => b.text() === 'Apply')!.trigger('click');
    await settle();

    const [sent, mode] = vi.mocked(bridge.apply).mock.calls[0];
    expect(mode).toBe('apply');
    expect(sent).toContain('replicas: -1');
    expect(sent).not.toContain('resourceVersion'); // server-side apply carries no resourceVersion
    expect(wrapper.get('[role="alert"]').text()).toContain('422 Invalid');
    const lines = (wrapper.get('textarea').element as HTMLTextAreaElement).value.split('\n');
    const marked = wrapper.get('.line.marked');
    expect(lines[Number(marked.attributes('data-line')) - 1]).toContain('replicas: -1');
    expect(marked.text()).toContain('spec.replicas: must be greater than or equal to 0');
  });

  it('updates with PUT keeping the resourceVersion when asked', async () => {
    vi.mocked(bridge.apply).mockResolvedValue([{ ok: true, object: live }]);
    const wrapper = mount(ObjectDetail, { props: { object: live, kind: DEPLOYMENTS } });
    await wrapper.get('button').trigger('click');
    await wrapper.get('select').setValue('update');
    await wrapper.findAll('button').find((b) => b.text() === 'Apply')!.trigger('click');
    await settle();
    const [sent, mode] = vi.mocked(bridge.apply).mock.calls[0];
    expect(mode).toBe('update');
    expect(sent).toContain('resourceVersion: "42"');
    expect(wrapper.text()).toContain('Applied.');
  });

  it('renders a big object off the main thread (here: in place, no Worker) with a spinner meanwhile, then windowed', async () => {
    const data = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`key${i}`, `value ${i}`]));
    const big = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big', namespace: 'default', uid: 'u2' }, data };
    const CONFIGMAPS = { ...DEPLOYMENTS, group: '', resource: 'configmaps', kind: 'ConfigMap' };
    const wrapper = mount(ObjectDetail, { props: { object: big, kind: CONFIGMAPS } });
    expect(wrapper.find('[data-test="yaml-rendering"]').exists()).toBe(true);
    expect(wrapper.find('pre.yaml').exists()).toBe(false);
    expect(wrapper.get('button').attributes('disabled')).toBeDefined(); // Edit waits for the text
    await settle();
    expect(wrapper.find('[data-test="yaml-rendering"]').exists()).toBe(false);
    expect(wrapper.get('pre.yaml.windowed').text()).toContain('name: big');
    expect(wrapper.findAll('pre.yaml .line').length).toBeLessThan(200);
  });

  it("shows a pod's scheduler verdict", () => {
    const PODS = { ...DEPLOYMENTS, group: '', resource: 'pods', kind: 'Pod' };
    const wrapper = mount(ObjectDetail, { props: { object: { kind: 'Pod', metadata: { name: 'p' } }, kind: PODS } });
    expect(wrapper.find('[data-test="scheduler-verdict"]').exists()).toBe(true);
  });
});
