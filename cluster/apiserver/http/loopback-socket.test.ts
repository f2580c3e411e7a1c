import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { LoopbackSocket } from './loopback-socket.js';

test('what one end writes the other reads, in order and never inside the write call', async () => {
  const [a, b] = LoopbackSocket.pair();
  const got: string[] = [];
  b.on('data', (d: Buffer) => got.push(d.toString()));
  a.write('one');
  a.write(Buffer.from('two'));
  assert.deepEqual(got, [], 'delivered on a later tick');
  a.end('three');
  await once(b, 'end');
  assert.deepEqual(got, ['one', 'two', 'three']);
  b.destroy();
});

test('destroying one end closes the other', async () => {
  const [a, b] = LoopbackSocket.pair();
  const closed = once(b, 'close');
  a.destroy();
  await closed;
  assert.equal(b.destroyed, true);
  // Writes after the close go nowhere and throw nothing.
  assert.doesNotThrow(() => a.write('late'));
});
