import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { servePortForward } from '../portforward.js';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { FrameReader, FrameWriter } from './framer.js';
import { SpdySession } from './session.js';

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk.toString();
  return text;
}

/** A connected client/server session pair over loopback TCP. */
async function sessionPair(): Promise<{ client: SpdySession; server: SpdySession; close(): void }> {
  const listener = createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const accepted = once(listener, 'connection') as Promise<[Socket]>;
  const socket = connect((listener.address() as { port: number }).port, '127.0.0.1');
  const [serverSocket] = await accepted;
  const client = new SpdySession(socket, 'client');
  const server = new SpdySession(serverSocket, 'server');
  return {
    client,
    server,
    close: () => {
      client.close();
      server.close();
      listener.close();
    },
  };
}

describe('SPDY/3.1', () => {
  test('the header dictionary is the 1423 bytes of the spec', () => {
    assert.equal(SPDY3_DICTIONARY.length, 1423);
    assert.equal(SPDY3_DICTIONARY.subarray(0, 11).toString('latin1'), '\0\0\0\x07options');
    assert.ok(SPDY3_DICTIONARY.toString('latin1').endsWith('utf-,*,enq=0.'));
  });

  test('header blocks round-trip through one compression context per direction', async () => {
    const w = new FrameWriter();
    const r = new FrameReader();
    const frames = [await w.synStream(1, { streamtype: ['error'], port: ['80'] }), await w.synStream(3, { streamtype: ['data'], port: ['80'], requestid: ['0'] }), w.data(3, Buffer.from('hi'), true)];
    const raws = r.push(Buffer.concat(frames));
    assert.equal(raws.length, 3);
    const decoded = [];
    for (const raw of raws) decoded.push(await r.decode(raw));
    assert.deepEqual(decoded[0], { type: 'syn_stream', streamId: 1, associatedStreamId: 0, priority: 0, flags: 0, headers: { streamtype: ['error'], port: ['80'] } });
    assert.deepEqual((decoded[1] as { headers: object }).headers, { streamtype: ['data'], port: ['80'], requestid: ['0'] });
    assert.deepEqual(decoded[2], { type: 'data', streamId: 3, flags: 1, data: Buffer.from('hi') });
    w.close();
    r.close();
  });

  describe('port-forward over a session', () => {
    let echo: Server;
    let echoPort: number;
    before(async () => {
      echo = createServer((s) => s.pipe(s));
      echo.listen(0, '127.0.0.1');
      await once(echo, 'listening');
      echoPort = (echo.address() as { port: number }).port;
    });
    after(() => echo.close());

    test('data flows both ways and the streams end; a refused port reports on the error stream', async () => {
      const { client, server, close } = await sessionPair();
      servePortForward(server, { podName: 'p', dial: (port) => new Promise((resolve, reject) => {
        const s = connect(port === 80 ? echoPort : 1, '127.0.0.1');
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      }) });
      const errorStream = await client.openStream({ streamtype: ['error'], port: ['80'], requestid: ['0'] });
      errorStream.end();
      const data = await client.openStream({ streamtype: ['data'], port: ['80'], requestid: ['0'] });
      const errText = readAll(errorStream);
      const echoed = readAll(data);
      data.end('hello through spdy');
      assert.equal(await echoed, 'hello through spdy');
      assert.equal(await errText, '');

      const errorStream2 = await client.openStream({ streamtype: ['error'], port: ['81'], requestid: ['1'] });
      errorStream2.end();
      const data2 = await client.openStream({ streamtype: ['data'], port: ['81'], requestid: ['1'] });
      data2.end();
      data2.resume();
      assert.match(await readAll(errorStream2), /error forwarding port 81 to pod p: .*ECONNREFUSED/);
      await client.ping();
      close();
    });
  });
});
