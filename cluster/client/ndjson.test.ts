import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ndjson } from './ndjson.js';

async function collect(chunks: Array<Buffer | string>): Promise<unknown[]> {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const out: unknown[] = [];
  for await (const v of ndjson(source())) out.push(v);
  return out;
}

test('events split across chunks, several per chunk, and a trailing event without newline', async () => {
  const a = JSON.stringify({ type: 'ADDED', object: { metadata: { name: 'a' } } });
  const b = JSON.stringify({ type: 'DELETED', object: { metadata: { name: 'b' } } });
  const c = JSON.stringify({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '7' } } });
  const text = `${a}\n${b}\n\n${c}`;
  const chunks = [text.slice(0, 5), text.slice(5, a.length + 3), text.slice(a.length + 3)];
  assert.deepEqual(await collect(chunks), [JSON.parse(a), JSON.parse(b), JSON.parse(c)]);
});

test('a multi-byte character split between two byte chunks survives', async () => {
  const bytes = Buffer.from(JSON.stringify({ msg: 'héllo ✓' }) + '\n');
  const cut = bytes.indexOf(0xe2) + 1; // inside the 3-byte ✓
  assert.deepEqual(await collect([bytes.subarray(0, cut), bytes.subarray(cut)]), [{ msg: 'héllo ✓' }]);
});
