import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Container } from 'kubernetes-types/core/v1.js';
import { healthCheckRequest, healthCheckStatus } from './grpc-health.js';
import { PROBE_USER_AGENT, runProbe } from './probes.js';
import type { ProbeTarget } from './probes.js';

const listen = (s: Server | http2.Http2Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const close = (s: Server | http2.Http2Server) => new Promise<void>((r) => s.close(() => r()));

describe('probes', () => {
  let web: http.Server;
  let webPort: number;
  let grpc: http2.Http2Server;
  let grpcPort: number;
  let seen: http.IncomingHttpHeaders | undefined;
  const grpcRequests: Buffer[] = [];

  before(async () => {
    web = http.createServer((req, res) => {
      seen = req.headers;
      if (req.url === '/slow') return void setTimeout(() => res.end('late'), 2000);
      res.statusCode = req.url === '/healthz' ? 200 : req.url === '/moved' ? 302 : 500;
      res.end(`answer to ${req.url}`);
    });
    webPort = await listen(web);
    // A gRPC health service: "" and "db" serve, "cache" does not, anything else is unknown (NOT_FOUND).
    grpc = http2.createServer();
    grpc.on('stream', (stream) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const frame = Buffer.concat(chunks);
        grpcRequests.push(frame);
        const service = frame.subarray(5).length ? frame.subarray(7).toString() : '';
        if (!['', 'db', 'cache'].includes(service)) {
          stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '5', 'grpc-message': 'unknown service' }, { endStream: true });
          return;
        }
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 2, 0x08, service === 'cache' ? 2 : 1]));
      });
    });
    grpcPort = await listen(grpc);
  });
  after(async () => {
    web.closeAllConnections();
    await close(web);
    await close(grpc);
  });

  const target = (c: Partial<Container> = {}): ProbeTarget => ({ podIP: '127.0.0.1', container: { name: 'app', ...c }, containerId: 'cid' });

  test('httpGet: 2xx and 3xx succeed, others fail with the status code; headers, User-Agent, named ports', async () => {
    const ok = await runProbe({ httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X-Probe', value: 'yes' }] } }, target({ ports: [{ name: 'http', containerPort: webPort }] }), 1000);
    assert.deepEqual(ok, { result: 'success', output: 'answer to /healthz' });
    assert.equal(seen?.['user-agent'], PROBE_USER_AGENT);
    assert.equal(seen?.['x-probe'], 'yes');
    assert.equal((await runProbe({ httpGet: { path: '/moved', port: webPort } }, target(), 1000)).result, 'success');
    assert.deepEqual(await runProbe({ httpGet: { path: '/broken', port: webPort } }, target(), 1000), { result: 'failure', output: 'HTTP probe failed with statuscode: 500' });
    const slow = await runProbe({ httpGet: { path: '/slow', port: webPort } }, target(), 200);
    assert.match(slow.output, /context deadline exceeded/);
    const refused = await runProbe({ httpGet: { path: '/', port: await unusedPort() } }, target(), 1000);
    assert.match(refused.output, /^Get "http:\/\/127\.0\.0\.1:\d+\/": dial tcp 127\.0\.0\.1:\d+: connect: connection refused$/);
    assert.match((await runProbe({ httpGet: { port: 'nope' } }, target(), 1000)).output, /couldn't find port: nope/);
  });

  test('tcpSocket: a connection succeeds, a refused one fails', async () => {
    assert.equal((await runProbe({ tcpSocket: { port: webPort } }, target(), 1000)).result, 'success');
    const port = await unusedPort();
    assert.deepEqual(await runProbe({ tcpSocket: { port } }, target(), 1000), { result: 'failure', output: `dial tcp 127.0.0.1:${port}: connect: connection refused` });
  });

  test('grpc: SERVING succeeds; NOT_SERVING and an unknown service fail', async () => {
    assert.deepEqual(await runProbe({ grpc: { port: grpcPort } }, target(), 1000), { result: 'success', output: '' });
    assert.deepEqual(await runProbe({ grpc: { port: grpcPort, service: 'db' } }, target(), 1000), { result: 'success', output: '' });
    assert.deepEqual(await runProbe({ grpc: { port: grpcPort, service: 'cache' } }, target(), 1000), { result: 'failure', output: 'service unhealthy (responded with "NOT_SERVING")' });
    assert.match((await runProbe({ grpc: { port: grpcPort, service: 'other' } }, target(), 1000)).output, /code = NotFound desc = unknown service/);
    assert.equal((await runProbe({ grpc: { port: await unusedPort() } }, target(), 1000)).result, 'failure');
    assert.deepEqual(grpcRequests[1], healthCheckRequest('db'));
    assert.deepEqual(healthCheckRequest('db'), Buffer.from([0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]));
    assert.equal(healthCheckStatus(Buffer.from([0, 0, 0, 0, 2, 0x08, 1])), 1);
  });

  test('exec: exit 0 succeeds; output of a failure; a timeout', async () => {
    const exec: ProbeTarget['exec'] = async (id, cmd) => {
      assert.equal(id, 'cid');
      if (cmd[0] === 'slow') return { exitCode: -1, output: '', timedOut: true };
      return { exitCode: cmd[0] === 'true' ? 0 : 1, output: cmd[0] === 'true' ? '' : 'cat: /tmp/healthy: No such file or directory\n' };
    };
    assert.equal((await runProbe({ exec: { command: ['true'] } }, { ...target(), exec }, 1000)).result, 'success');
    assert.deepEqual(await runProbe({ exec: { command: ['cat', '/tmp/healthy'] } }, { ...target(), exec }, 1000), { result: 'failure', output: 'cat: /tmp/healthy: No such file or directory\n' });
    assert.deepEqual(await runProbe({ exec: { command: ['slow', 'x'] } }, { ...target(), exec }, 1000), { result: 'failure', output: 'command "slow x" timed out' });
  });
});

/** A loopback port nothing listens on (bound, then released). */
async function unusedPort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await close(s);
  return port;
}
