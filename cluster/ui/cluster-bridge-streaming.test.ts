/**
 * The bridge's log and exec plumbing against a fake API server (plain HTTP on loopback): pods/log streamed
 * and cut into lines, and pods/exec spoken as v5.channel.k8s.io — bash missing, so `sh` is started instead;
 * stdin, resize, the exit Status; an HTTP refusal as an error with the API's message.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClusterBridge } from './cluster-bridge.js';
import type { ExecEvent, LogEvent } from './explorer-api.js';

const STDOUT = 1;
const ERROR = 3;

function frame(channel: number, text: string): Buffer {
  return Buffer.concat([Buffer.of(channel), Buffer.from(text)]);
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('ClusterBridge: pod logs and exec against a fake API server', () => {
  let server: Server;
  let wss: WebSocketServer;
  let dir: string;
  let bridge: ClusterBridge;
  const logQueries: URLSearchParams[] = [];
  const execs: { command: string[]; container: string | null; protocol: string; auth: string | undefined; input: string; resizes: string[] }[] = [];
  let follower: ((line: string) => void) | undefined;

  before(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/v1/namespaces/default/pods/talker/log') {
        logQueries.push(url.searchParams);
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        // A line split across chunks, and a multi-byte character split across chunks.
        res.write('line 1\nline ');
        res.write('2\nh');
        res.write(Buffer.from([0xc3]));
        res.write(Buffer.from([0xa9, 0x0a]));
        if (url.searchParams.get('follow') === 'true') follower = (line) => res.write(`${line}\n`);
        else res.end('no newline at the end');
        return;
      }
      if (url.pathname === '/api/v1/namespaces/default/pods/missing/log') {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'pods "missing" not found' }));
        return;
      }
      res.writeHead(404).end();
    });
    wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('v5.channel.k8s.io') ? 'v5.channel.k8s.io' : false) });
    server.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/v1/namespaces/default/pods/forbidden/exec') {
        const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "forbidden" is forbidden: cannot create resource "pods/exec"' });
        socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
        const exec = { command: url.searchParams.getAll('command'), container: url.searchParams.get('container'), protocol: ws.protocol, auth: req.headers.authorization, input: '', resizes: [] as string[] };
        execs.push(exec);
        if (exec.command[0] === 'bash') {
          // What runc says through Docker when the image has no bash, then exit code 127.
          ws.send(frame(STDOUT, 'OCI runtime exec failed: exec failed: unable to start container process: exec: "bash": executable file not found in $PATH: unknown\r\n'));
          ws.send(frame(ERROR, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', code: 500, message: 'command terminated with exit code 127', details: { causes: [{ reason: 'ExitCode', message: '127' }] } })));
          ws.close(1000);
          return;
        }
        ws.send(frame(STDOUT, '/ # '));
        ws.on('message', (data: Buffer) => {
          const text = data.subarray(1).toString();
          if (data[0] === 4) exec.resizes.push(text);
          if (data[0] !== 0) return;
          exec.input += text;
          ws.send(frame(STDOUT, text.replace('\r', '\r\n')));
          if (exec.input.endsWith('echo hello\r')) ws.send(frame(STDOUT, 'hello\r\n/ # '));
          if (exec.input.endsWith('exit 3\r')) {
            ws.send(frame(ERROR, JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'NonZeroExitCode', code: 500, message: 'command terminated with non-zero exit code: command terminated with exit code 3', details: { causes: [{ reason: 'ExitCode', message: '3' }] } })));
            ws.close(1000);
          }
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'kubarium-bridge-'));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {token: test-token}}]
contexts: [{name: c, context: {cluster: c, user: u}}]
current-context: c
`);
    bridge = new ClusterBridge(kubeconfig);
  });
  after(async () => {
    bridge?.close();
    for (const ws of wss?.clients ?? []) ws.terminate();
    wss?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a log as complete lines (chunk and UTF-8 boundaries kept), with the options as kubectl sends them', async () => {
    const events: LogEvent[] = [];
    bridge.streamLogs('default', 'talker', { container: 'main', timestamps: true, tailLines: 100, previous: true }, (e) => events.push(e));
    await until('the end', () => events.some((e) => e.type === 'end'));
    const lines = events.flatMap((e) => (e.type === 'lines' ? e.lines : []));
    assert.deepEqual(lines, ['line 1', 'line 2', 'hé', 'no newline at the end']);
    const q = logQueries.at(-1)!;
    assert.equal(q.get('container'), 'main');
    assert.equal(q.get('timestamps'), 'true');
    assert.equal(q.get('tailLines'), '100');
    assert.equal(q.get('previous'), 'true');
    assert.equal(q.get('follow'), null);
  });

  it('follows a log until stopped', async () => {
    const events: LogEvent[] = [];
    const stop = bridge.streamLogs('default', 'talker', { follow: true }, (e) => events.push(e));
    await until('the follower', () => follower);
    follower!('tick 1');
    follower!('tick 2');
    const lines = () => events.flatMap((e) => (e.type === 'lines' ? e.lines : []));
    await until('the ticks', () => lines().includes('tick 2'));
    stop();
    assert.equal(logQueries.at(-1)!.get('follow'), 'true');
    assert.ok(!events.some((e) => e.type === 'error' || e.type === 'end'), 'stopping is silent');
  });

  it("reports the API's Status when the log cannot be read", async () => {
    const events: LogEvent[] = [];
    bridge.streamLogs('default', 'missing', {}, (e) => events.push(e));
    const error = await until('the error', () => events.find((e) => e.type === 'error'));
    assert.equal(error.type === 'error' && error.error.code, 404);
    assert.match(error.type === 'error' ? error.error.message : '', /pods "missing" not found/);
  });

  it('exec: bash is missing, so sh starts; stdin, resize and the exit code arrive', async () => {
    const events: ExecEvent[] = [];
    const session = bridge.exec('default', 'shell', { container: 'sh', cols: 100, rows: 30 }, (e) => events.push(e));
    const output = () => events.flatMap((e) => (e.type === 'data' ? [e.data] : [])).join('');
    await until('the prompt', () => output().includes('/ # '));
    assert.deepEqual(events.find((e) => e.type === 'open'), { type: 'open', command: ['sh'] });
    assert.ok(!output().includes('executable file not found'), 'the failed bash attempt is not shown');
    assert.deepEqual(execs.map((e) => e.command), [['bash'], ['sh']]);
    const sh = execs[1];
    assert.equal(sh.protocol, 'v5.channel.k8s.io');
    assert.equal(sh.container, 'sh');
    assert.equal(sh.auth, 'Bearer test-token');
    await until('the initial size', () => sh.resizes.length > 0);
    assert.deepEqual(JSON.parse(sh.resizes[0]), { Width: 100, Height: 30 });

    session.send('echo hello\r');
    await until('hello', () => output().includes('hello\r\n'));
    session.resize(120, 40);
    await until('the new size', () => sh.resizes.length > 1);
    assert.deepEqual(JSON.parse(sh.resizes[1]), { Width: 120, Height: 40 });
    session.send('exit 3\r');
    const exit = await until('the exit', () => events.find((e) => e.type === 'exit'));
    assert.equal(exit.type === 'exit' && exit.code, 3);
  });

  it('exec: an explicit command runs as given; a refusal comes back as the Status', async () => {
    const events: ExecEvent[] = [];
    bridge.exec('default', 'forbidden', { command: ['ls'] }, (e) => events.push(e));
    const error = await until('the error', () => events.find((e) => e.type === 'error'));
    assert.equal(error.type === 'error' && error.error.code, 403);
    assert.match(error.type === 'error' ? error.error.message : '', /cannot create resource "pods\/exec"/);
  });
});
