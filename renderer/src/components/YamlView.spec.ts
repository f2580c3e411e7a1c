import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import YamlEditor from './YamlEditor.vue';
import YamlView from './YamlView.vue';

const big = Array.from({ length: 5000 }, (_, i) => `key${i}: value ${i}`).join('\n');

describe('YamlView', () => {
  it('shows a small document whole, highlighted', () => {
    const wrapper = mount(YamlView, { props: { text: 'kind: Pod\nmetadata:\n  name: web\n' } });
    expect(wrapper.get('pre.yaml').text()).toContain('name: web');
    expect(wrapper.find('.y-key').exists()).toBe(true);
    expect(wrapper.find('.windowed').exists()).toBe(false);
  });

  it('draws only the lines in view of a big one, in a spacer as tall as all of them', () => {
    const wrapper = mount(YamlView, { props: { text: big } });
    const pre = wrapper.get('pre.yaml.windowed');
    expect(pre.attributes('data-lines')).toBe('5000');
    const lines = wrapper.findAll('.line');
    expect(lines.length).toBeGreaterThan(10);
    expect(lines.length).toBeLessThan(200);
    expect(lines[0].text()).toBe('key0: value 0');
    expect(wrapper.get('.line-window-spacer').attributes('style')).toContain('height: 90000px');
  });
});

describe('YamlEditor', () => {
  it('highlights only the lines in view of a big draft, with marks on their lines', async () => {
    const wrapper = mount(YamlEditor, { props: { modelValue: big, marks: [{ line: 3, message: 'bad value' }] } });
    const lines = wrapper.findAll('.backdrop .line');
    expect(lines.length).toBeLessThan(200);
    expect(wrapper.get('.line.marked').attributes('data-line')).toBe('3');
    expect(wrapper.get('.line.marked').text()).toContain('bad value');

    // Scrolled to line ~4000: the window moves there.
    const area = wrapper.get('textarea').element as HTMLTextAreaElement;
    Object.defineProperty(area, 'scrollTop', { value: 4000 * 18, configurable: true });
    await wrapper.get('textarea').trigger('scroll');
    const shown = wrapper.findAll('.backdrop .line').map((l) => Number(l.attributes('data-line')));
    expect(Math.min(...shown)).toBeLessThanOrEqual(4001);
    expect(Math.max(...shown)).toBeGreaterThan(4001);
    expect(wrapper.get('.backdrop .line[data-line="4001"]').text()).toBe('key4000: value 4000');
  });
});
