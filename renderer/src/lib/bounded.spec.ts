import { describe, expect, it } from 'vitest';
import { appendBounded } from './bounded';

describe('appendBounded', () => {
  it('appends, drops the oldest beyond max and says how many went', () => {
    const list = [1, 2];
    expect(appendBounded(list, [3], 5)).toBe(0);
    expect(list).toEqual([1, 2, 3]);
    expect(appendBounded(list, [4, 5, 6, 7], 5)).toBe(2);
    expect(list).toEqual([3, 4, 5, 6, 7]);
  });
});
