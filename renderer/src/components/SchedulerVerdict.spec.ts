import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import SchedulerVerdict from './SchedulerVerdict.vue';

const decision = {
  at: '2026-01-01T10:00:00.000Z',
  result: 'Scheduled',
  node: 'node-a',
  evaluated: 2,
  feasible: 1,
  filtered: { 'node-b': 'TaintToleration: node(s) had untolerated taint {dedicated: x}' },
  scores: [{ node: 'node-a', total: 100, plugins: { NodeResourcesFit: 72, TaintToleration: 100 } }],
};

describe('SchedulerVerdict', () => {
  it("shows each node's filter result and each plugin's score", () => {
    const pod = { metadata: { name: 'p', annotations: { 'scheduler.kubarium.io/decision': JSON.stringify(decision) } } };
    const wrapper = mount(SchedulerVerdict, { props: { pod } });
    expect(wrapper.text()).toContain('1 of 2 nodes passed the filters');
    expect(wrapper.findAll('th').map((th) => th.text())).toEqual(['Node', 'Filters', 'NodeResourcesFit', 'TaintToleration', 'Total']);
    const a = wrapper.get('tr[data-node="node-a"]');
    expect(a.classes()).toContain('chosen');
    expect(a.findAll('td').map((td) => td.text())).toEqual(['node-a ✓ chosen', 'passed', '72', '100', '100']);
    expect(wrapper.get('tr[data-node="node-b"] .fail').text()).toBe('TaintToleration: node(s) had untolerated taint {dedicated: x}');
  });

  it('says so when no decision was recorded', () => {
    const wrapper = mount(SchedulerVerdict, { props: { pod: { metadata: { name: 'p' } } } });
    expect(wrapper.text()).toContain('No decision recorded');
  });
});
