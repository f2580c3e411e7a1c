import assert from 'node:assert/strict';
import { describe, it, mock } from 'node:test';
import { coalesce, ProgressFeed, readableError } from './progress.js';

const clock = () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  return () => new Date((t += 1000));
};

describe('ProgressFeed', () => {
  it('tracks a counted task through its phases to finished', () => {
    const feed = new ProgressFeed({ now: clock() });
    let changes = 0;
    feed.subscribe(() => changes++);
    const task = feed.start('Start node node-2', { total: 4, phase: 'creating the container' });
    task.phase('starting its engine');
    task.phase('TLS bootstrap');
    task.detail('csr approved');
    let [t] = feed.tasks();
    assert.equal(t.title, 'Start node node-2');
    assert.equal(t.phase, 'TLS bootstrap');
    assert.deepEqual([t.done, t.total, t.finished, t.error, t.detail], [2, 4, null, null, 'csr approved']);
    task.finish('Ready');
    [t] = feed.tasks();
    assert.deepEqual([t.phase, t.done, t.finished], ['Ready', 4, '2026-01-01T00:00:02.000Z']);
    assert.equal(t.started, '2026-01-01T00:00:01.000Z');
    task.phase('ignored after the end');
    assert.equal(feed.tasks()[0].phase, 'Ready');
    assert.equal(changes, 5);
  });

  it('keeps indeterminate tasks at done 0 with a null total', () => {
    const feed = new ProgressFeed();
    const task = feed.start('Build the node image');
    task.phase('debootstrap');
    assert.deepEqual([feed.tasks()[0].done, feed.tasks()[0].total], [0, null]);
    task.phase('layer 3', 3);
    assert.equal(feed.tasks()[0].done, 3);
  });

  it('records failures as readable messages and rethrows from track', async () => {
    const feed = new ProgressFeed();
    const dockerError = Object.assign(new Error('(HTTP code 404) no such image - No such image: busybox:9'), { json: { message: 'No such image: busybox:9' } });
    await assert.rejects(feed.track('Load busybox:9 into node-1', async () => Promise.reject(dockerError)), dockerError);
    const [t] = feed.tasks();
    assert.equal(t.error, 'No such image: busybox:9');
    assert.ok(t.finished);
    assert.equal(await feed.track('quick', async () => 7), 7);
    assert.equal(feed.tasks()[1].error, null);
  });

  it('lists finished tasks before running ones and keeps only the latest finished', () => {
    const feed = new ProgressFeed({ keepFinished: 2 });
    const long = feed.start('long');
    for (const n of [1, 2, 3]) feed.start(`short ${n}`).finish();
    assert.deepEqual(feed.tasks().map((t) => t.title), ['short 2', 'short 3', 'long']);
    long.fail(new Error('boom'));
    assert.deepEqual(feed.tasks().map((t) => t.title), ['short 3', 'long']);
  });

  it('hands out copies', () => {
    const feed = new ProgressFeed();
    feed.start('x');
    feed.tasks()[0].title = 'changed';
    assert.equal(feed.tasks()[0].title, 'x');
  });
});

describe('readableError', () => {
  it('strips dockerode transport prefixes and falls back to the message', () => {
    assert.equal(readableError(new Error('(HTTP code 500) server error - disk full')), 'disk full');
    assert.equal(readableError(new Error('connect ENOENT /var/run/docker.sock')), 'connect ENOENT /var/run/docker.sock');
    assert.equal(readableError('plain'), 'plain');
  });
});

describe('coalesce', () => {
  it('runs the first call at once and collapses calls within the window into one', () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      let calls = 0;
      const c = coalesce(() => calls++, 100);
      c();
      assert.equal(calls, 1);
      c();
      c();
      assert.equal(calls, 1);
      mock.timers.tick(100);
      assert.equal(calls, 2);
      mock.timers.tick(100);
      assert.equal(calls, 2);
      c();
      assert.equal(calls, 3);
      c();
      c.cancel();
      mock.timers.tick(500);
      assert.equal(calls, 3);
    } finally {
      mock.timers.reset();
    }
  });
});
