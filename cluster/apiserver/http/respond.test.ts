import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { writeJSONList } from './respond.js';

const servers: http.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

test('a list larger than one piece streams every item intact to a slow reader (the piece buffer is reused only after a drain)', async () => {
  // ~3.4 MiB: several ~1 MiB pieces, each item distinct so a piece overwritten too early would show.
  const items = Array.from({ length: 3000 }, (_, i) => Buffer.from(JSON.stringify({ i, pad: String(i).repeat(1 + (i % 7)).padEnd(1100, 'x') })));
  const server = http.createServer((_req, res) => void writeJSONList(res, 200, '{"items":[', items, ']}'));
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ port, host: '127.0.0.1', path: '/' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        // Read slowly: the server's writes back up and it must wait for drains.
        res.pause();
        setImmediate(() => res.resume());
      });
      res.on('end', () => resolve(Buffer.concat(chunks).toString()));
      res.on('error', reject);
    }).on('error', reject);
  });
  const parsed = JSON.parse(body) as { items: Array<{ i: number }> };
  assert.equal(parsed.items.length, items.length);
  assert.equal(body, `{"items":[${items.map(String).join(',')}]}`);
});
