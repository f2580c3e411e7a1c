import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TimerWheel } from './timer-wheel.js';

describe('TimerWheel', () => {
  it('runs callbacks in time order, coalescing those in one bucket', async () => {
    const wheel = new TimerWheel({ resolutionMs: 10 });
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      wheel.after(40, () => {
        seen.push('c');
        resolve();
      });
    });
    wheel.after(1, () => seen.push('a'));
    wheel.after(2, () => seen.push('b'));
    assert.equal(wheel.pending, 3);
    await done;
    assert.deepEqual(seen, ['a', 'b', 'c']);
    assert.equal(wheel.pending, 0);
  });

  it('re-arms for an earlier callback added after a later one', async () => {
    const wheel = new TimerWheel({ resolutionMs: 5 });
    const seen: number[] = [];
    const done = new Promise<void>((resolve) => wheel.after(60, () => (seen.push(60), resolve())));
    wheel.after(5, () => seen.push(5));
    await done;
    assert.deepEqual(seen, [5, 60]);
  });

  it('drops everything on stop', async () => {
    const wheel = new TimerWheel({ resolutionMs: 5 });
    let ran = false;
    wheel.after(5, () => (ran = true));
    wheel.stop();
    wheel.after(1, () => (ran = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(ran, false);
  });
});
