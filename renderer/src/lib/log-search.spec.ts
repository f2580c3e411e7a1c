import { describe, expect, it } from 'vitest';
import { createLogSearch } from './log-search';

describe('the log search (the logs view worker)', () => {
  it('finds the lines containing the query, case-insensitively, as ascending indices', () => {
    const s = createLogSearch();
    s.append(['Started', 'connection ERROR', 'ok'], 100);
    s.append(['another error here'], 100);
    expect(Array.from(s.search('error'))).toEqual([1, 3]);
    expect(Array.from(s.search(''))).toEqual([]);
  });

  it('drops the oldest lines beyond the limit, as the view does, so indices stay aligned', () => {
    const s = createLogSearch();
    s.append(['x 0', 'x 1', 'y 2'], 4);
    s.append(['x 3', 'y 4'], 4);
    // The view now holds ['x 1', 'y 2', 'x 3', 'y 4'].
    expect(Array.from(s.search('y'))).toEqual([1, 3]);
    s.reset();
    expect(Array.from(s.search('x'))).toEqual([]);
  });
});
