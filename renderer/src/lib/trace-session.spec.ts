/// <reference types="vite/client" />
import { describe, expect, it } from 'vitest';
import { buildTrace, type TraceInput } from './trace';
import { createTraceMethods } from './trace-session';

const fixtures = import.meta.glob<string>('./fixtures/trace-scale.json', { eager: true, query: '?raw', import: 'default' });
const recording = JSON.parse(fixtures['./fixtures/trace-scale.json']) as ({ t: number; info: { revision: number } } | TraceInput)[];
const since = recording.flatMap((r) => ('info' in r ? [r.info.revision] : []))[0];
const inputs = recording.filter((r): r is TraceInput => !('info' in r));
const root = { kind: 'Deployment', namespace: 'default', name: 'web' };

describe('the trace session (the trace worker)', () => {
  it('correlates what was recorded in batches exactly as buildTrace over all of it', () => {
    const session = createTraceMethods();
    for (let i = 0; i < inputs.length; i += 7) session.record(inputs.slice(i, i + 7), 20_000);
    const trace = session.build(root, since);
    expect(trace.steps.length).toBeGreaterThan(5);
    expect(trace).toEqual(buildTrace(root, inputs, since));
  });

  it('keeps only the newest `max` deliveries, and forgets them all on reset', () => {
    const session = createTraceMethods();
    session.record(inputs, 10);
    expect(session.build(root, since)).toEqual(buildTrace(root, inputs.slice(-10), since));
    session.reset();
    expect(session.build(root, since).steps).toEqual([]);
  });
});
