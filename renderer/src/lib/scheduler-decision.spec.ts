import { describe, expect, it } from 'vitest';
import { decisionOf, nodeVerdicts, scorePlugins } from './scheduler-decision';

// As cluster/scheduler/decisions.ts decisionAnnotation() writes it.
const annotation = JSON.stringify({
  at: '2026-01-01T10:00:00.000Z',
  result: 'Scheduled',
  node: 'node-b',
  evaluated: 3,
  feasible: 2,
  filtered: { 'node-c': 'NodeResourcesFit: Insufficient cpu' },
  scores: [
    { node: 'node-b', total: 180, plugins: { NodeResourcesFit: 90, ImageLocality: 0, TaintToleration: 100 } },
    { node: 'node-a', total: 150, plugins: { NodeResourcesFit: 50, ImageLocality: 0, TaintToleration: 100 } },
  ],
});
const pod = { metadata: { name: 'p', annotations: { 'scheduler.kubarium.io/decision': annotation } } };

describe('the scheduler decision annotation', () => {
  it('gives each node its filter verdict and its plugin scores', () => {
    const d = decisionOf(pod);
    expect(d?.result).toBe('Scheduled');
    const rows = nodeVerdicts(d!);
    expect(rows.map((r) => [r.node, r.passed, r.chosen, r.total])).toEqual([
      ['node-b', true, true, 180],
      ['node-a', true, false, 150],
      ['node-c', false, false, undefined],
    ]);
    expect(rows[2]).toMatchObject({ plugin: 'NodeResourcesFit', reason: 'Insufficient cpu' });
    expect(scorePlugins(d!)).toEqual(['ImageLocality', 'NodeResourcesFit', 'TaintToleration']);
  });

  it('is null without the annotation or with one that is not JSON', () => {
    expect(decisionOf({ metadata: {} })).toBeNull();
    expect(decisionOf({ metadata: { annotations: { 'scheduler.kubarium.io/decision': '{oops' } } })).toBeNull();
  });
});
