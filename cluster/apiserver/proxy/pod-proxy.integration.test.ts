/**
 * pods/proxy and services/proxy through a launched API server, with the real kubectl
 * (`get --raw`, `create --raw`, `kubectl proxy`): the pods run on a test node
 * (test/support/test-node.ts: our kubelet server in this process over the host's Docker
 * engine), and the API server reaches them only through that kubelet's port-forward.
 * `echo` is http-echo; `relay` relays its ports 8080 and 8443 (busybox nc) to an HTTP and
 * an HTTPS server in this test on the Docker bridge's gateway, which answer with what
 * they received, so methods, bodies, streaming, redirects and TLS over the tunnel can be
 * checked. Skips without a Docker engine; every container is removed in after().
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RestClient, SERVICES } from '../../client/index.js';
import { connectDocker } from '../../nodes/docker.js';
import { selfSignedKubeletServingCertificate } from '../../pki/index.js';
import { podEngineSkipReason } from '../../kubelet/testing/engine.js';
import { eventually } from '../../controllers/testing/harness.js';
import { launchCluster, writeTokenKubeconfig, type LaunchedCluster } from '../../../test/support/cluster.js';
import { kubectlPath, runKubectl } from '../../../test/support/kubectl.js';
import { startTestNode, type TestNode } from '../../../test/support/test-node.js';

const testId = `podproxy-${process.pid}-${randomBytes(3).toString('hex')}`;
const NS = 'default';
const docker = connectDocker();
const skip = await podEngineSkipReason(docker);

describe('pods/proxy and services/proxy, tunnelled through the kubelet', { skip, timeout: 300_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  let node: TestNode;
  let proxy: ChildProcessWithoutNullStreams | undefined;
  let proxyBase = '';
  let workDir = '';
  let wss: WebSocketServer | undefined;
  const servers: Server[] = [];
  /** Released by the test once the first chunk of /stream has come through. */
  let releaseStream: () => void = () => undefined;
  const kubectl = (args: string[], input?: string, kubeconfig?: string) => runKubectl(args, { kubeconfig: kubeconfig ?? cluster.kubeconfig, input, timeoutMs: 60_000 });

  /** Answers with what it received; /stream sends two chunks with a pause; /redirect redirects within the server. */
  const reflect = (tls: boolean) => async (req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/stream') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('first\n');
      await new Promise<void>((r) => {
        releaseStream = r;
        setTimeout(r, 30_000).unref();
      });
      res.end('second\n');
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { Location: '/landed?from=redirect' });
      res.end();
      return;
    }
    let body = '';
    for await (const c of req) body += String(c);
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-Reflected': 'yes' });
    res.end(JSON.stringify({ tls, method: req.method, url: req.url, body, authorization: req.headers.authorization ?? null, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  };
  const listen = async (s: Server, host: string) => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, host, r));
    return (s.address() as AddressInfo).port;
  };
  const viaProxy = (path: string, init?: RequestInit) => fetch(`${proxyBase}${path}`, { redirect: 'manual', ...init, signal: AbortSignal.timeout(30_000) });

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'kubarium-podproxy-'));
    // The pods' network is the engine's default bridge; its gateway is this host.
    const bridge = await docker.getNetwork('bridge').inspect();
    const gateway = (bridge as { IPAM?: { Config?: Array<{ Gateway?: string }> } }).IPAM?.Config?.find((c) => c.Gateway && !c.Gateway.includes(':'))?.Gateway;
    assert.ok(gateway, 'the bridge network has a gateway');
    const tls = await selfSignedKubeletServingCertificate('pod-proxy-test', [gateway]);
    const httpServer = createHttpServer(reflect(false));
    // A WebSocket on the plain server: each message comes back prefixed.
    wss = new WebSocketServer({ server: httpServer });
    wss.on('connection', (ws, req) => ws.on('message', (m) => ws.send(`echo ${req.url}: ${String(m)}`)));
    const httpPort = await listen(httpServer, gateway);
    const httpsPort = await listen(createHttpsServer({ cert: tls.cert, key: tls.key }, reflect(true)), gateway);

    cluster = await launchCluster({ args: ['--no-scheduler'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    node = await startTestNode({ cluster, client, name: `node-${testId}`, namespace: NS, testId });
    await node.addPod({
      metadata: { name: 'echo', labels: { app: 'web' } },
      spec: { containers: [{ name: 'http', image: 'kubarium/http-echo:1', args: ['-text=hello from the pod', '-listen=:5678'], ports: [{ containerPort: 5678 }] }] },
    });
    await node.addPod({
      metadata: { name: 'relay', labels: { app: 'relay' } },
      spec: {
        containers: [{
          name: 'nc',
          image: 'kubarium/busybox:1',
          command: ['sh', '-c', `nc -ll -p 8080 -e nc ${gateway} ${httpPort} & exec nc -ll -p 8443 -e nc ${gateway} ${httpsPort}`],
          ports: [{ containerPort: 8080 }, { containerPort: 8443 }],
        }],
      },
    });
    await client.create(SERVICES, { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 5678 }] } }, { namespace: NS });
    await client.create(SERVICES, {
      metadata: { name: 'mirror' },
      spec: { selector: { app: 'relay' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }, { name: 'tls', port: 443, targetPort: 8443 }] },
    }, { namespace: NS });
    await client.create(SERVICES, { metadata: { name: 'nobody' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } }, { namespace: NS });

    proxy = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'proxy', '--port=0']);
    proxyBase = await new Promise<string>((resolve, reject) => {
      let out = '';
      proxy!.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(`http://${m[1]}`);
      });
      proxy!.on('exit', () => reject(new Error(`kubectl proxy exited: ${out}`)));
    });
  });

  after(async () => {
    proxy?.kill();
    wss?.close();
    await node?.stop();
    client?.close();
    await cluster?.stop();
    for (const s of servers) {
      s.closeAllConnections?.();
      await new Promise((r) => s.close(r));
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('kubectl get --raw reaches a pod port, the declared port by default', async () => {
    const byPort = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/pods/echo:5678/proxy/`]);
    assert.equal(byPort.code, 0, byPort.stderr);
    assert.equal(byPort.stdout, 'hello from the pod\n');
    const declared = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/pods/echo/proxy/`]);
    assert.equal(declared.stdout, 'hello from the pod\n');
  });

  test('kubectl proxy + HTTP: services by port number or name, a redirect to the trailing slash', async () => {
    await eventually(async () => {
      const res = await viaProxy(`/api/v1/namespaces/${NS}/services/web:80/proxy/`);
      return res.status === 200 && (await res.text()) === 'hello from the pod\n';
    }, 'services/web:80/proxy to answer', 60_000);
    const unnamed = await viaProxy(`/api/v1/namespaces/${NS}/services/web/proxy/`);
    assert.equal(await unnamed.text(), 'hello from the pod\n');
    const byName = await viaProxy(`/api/v1/namespaces/${NS}/services/mirror:http/proxy/a/b?c=d`);
    assert.equal(byName.status, 200);
    // kubectl proxy adds X-Forwarded-For (Go's ReverseProxy); the API server appends its client in turn.
    assert.deepEqual(await byName.json(), { tls: false, method: 'GET', url: '/a/b?c=d', body: '', authorization: null, forwardedFor: '127.0.0.1, 127.0.0.1' });
    const bare = await viaProxy(`/api/v1/namespaces/${NS}/pods/echo:5678/proxy?x=1`);
    assert.equal(bare.status, 301);
    assert.equal(bare.headers.get('location'), `/api/v1/namespaces/${NS}/pods/echo:5678/proxy/?x=1`);
  });

  test('any method with its body; headers back; a redirect within the pod stays behind the proxy', async () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      const res = await viaProxy(`/api/v1/namespaces/${NS}/pods/relay:8080/proxy/items/7`, { method, body: `payload for ${method}`, headers: { 'Content-Type': 'text/plain' } });
      assert.equal(res.status, 200, method);
      assert.equal(res.headers.get('x-reflected'), 'yes');
      const seen = (await res.json()) as { method: string; url: string; body: string };
      assert.deepEqual([seen.method, seen.url, seen.body], [method, '/items/7', `payload for ${method}`]);
    }
    const big = randomBytes(300_000).toString('hex');
    const posted = await kubectl(['create', '--raw', `/api/v1/namespaces/${NS}/services/mirror:80/proxy/upload`, '-f', '-'], big);
    assert.equal(posted.code, 0, posted.stderr);
    assert.equal((JSON.parse(posted.stdout) as { body: string }).body, big);
    const redirected = await viaProxy(`/api/v1/namespaces/${NS}/pods/relay:8080/proxy/redirect`);
    assert.equal(redirected.status, 302);
    assert.equal(redirected.headers.get('location'), `/api/v1/namespaces/${NS}/pods/relay:8080/proxy/landed?from=redirect`);
  });

  test('the answer streams: the first chunk arrives before the pod sends the second', async () => {
    const res = await viaProxy(`/api/v1/namespaces/${NS}/pods/relay:8080/proxy/stream`);
    const reader = res.body!.getReader();
    const first = await reader.read();
    assert.equal(Buffer.from(first.value!).toString(), 'first\n');
    releaseStream();
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += Buffer.from(r.value).toString();
    assert.equal(rest, 'second\n');
  });

  test('a WebSocket to the pod is passed through (kubectl proxy, then the API server, upgrade)', async () => {
    const ws = new WebSocket(`${proxyBase.replace('http:', 'ws:')}/api/v1/namespaces/${NS}/pods/relay:8080/proxy/ws?x=1`);
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) => reject(new Error(`no upgrade: ${res.statusCode}`)));
      });
      const answers: string[] = [];
      const two = new Promise<void>((resolve) => ws.on('message', (m) => answers.push(String(m)) === 2 && resolve()));
      ws.send('one');
      ws.send('two');
      await two;
      assert.deepEqual(answers, ['echo /ws?x=1: one', 'echo /ws?x=1: two']);
    } finally {
      ws.close();
    }
  });

  test('https: speaks TLS to the pod over the tunnel, for pods and services', async () => {
    const pod = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/pods/https:relay:8443/proxy/secure`]);
    assert.equal(pod.code, 0, pod.stderr);
    assert.deepEqual(JSON.parse(pod.stdout), { tls: true, method: 'GET', url: '/secure', body: '', authorization: null, forwardedFor: '127.0.0.1' });
    const svc = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/services/https:mirror:443/proxy/x`]);
    assert.equal(svc.code, 0, svc.stderr);
    assert.equal((JSON.parse(svc.stdout) as { tls: boolean }).tls, true);
    const byName = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/services/https:mirror:tls/proxy/y`]);
    assert.equal((JSON.parse(byName.stdout) as { url: string }).url, '/y');
  });

  test('errors as upstream: a closed port, no endpoints, an unknown service port, a bad id', async () => {
    const closed = await kubectl(['get', '--raw', `/api/v1/namespaces/${NS}/pods/echo:81/proxy/`]);
    assert.notEqual(closed.code, 0);
    assert.match(closed.stderr, /ServiceUnavailable|503/);
    assert.match(closed.stderr, /error trying to reach service: .*81/);
    const none = await viaProxy(`/api/v1/namespaces/${NS}/services/nobody/proxy/`);
    assert.equal(none.status, 503);
    assert.match(((await none.json()) as { message: string }).message, /no endpoints available for service "nobody"/);
    const noPort = await viaProxy(`/api/v1/namespaces/${NS}/services/web:99/proxy/`);
    assert.equal(noPort.status, 503);
    assert.match(((await noPort.json()) as { message: string }).message, /no service port 99 found for service "web"/);
    const bad = await viaProxy(`/api/v1/namespaces/${NS}/pods/ftp:echo:1/proxy/`);
    assert.equal(bad.status, 400);
    const missing = await viaProxy(`/api/v1/namespaces/${NS}/pods/ghost/proxy/`);
    assert.equal(missing.status, 404);
  });

  test('RBAC: pods/proxy and services/proxy verbs follow the HTTP method', async () => {
    const rbac = `apiVersion: v1
kind: ServiceAccount
metadata: {name: reader, namespace: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: reader, namespace: ${NS}}
rules:
- {apiGroups: [""], resources: [pods/proxy], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: reader, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: reader}
subjects: [{kind: ServiceAccount, name: reader, namespace: ${NS}}]
`;
    const applied = await kubectl(['apply', '-f', '-'], rbac);
    assert.equal(applied.code, 0, applied.stderr);
    const token = (await kubectl(['create', 'token', 'reader'])).stdout.trim();
    const readerConfig = writeTokenKubeconfig(cluster, token, join(workDir, 'reader.kubeconfig'), NS);
    const asReader = (more: string[], input?: string) => kubectl(more, input, readerConfig);
    const got = await asReader(['get', '--raw', `/api/v1/namespaces/${NS}/pods/relay:8080/proxy/ok`]);
    assert.equal(got.code, 0, got.stderr);
    assert.equal((JSON.parse(got.stdout) as { authorization: string | null }).authorization, null, 'the bearer token is not passed to the pod');
    const posted = await asReader(['create', '--raw', `/api/v1/namespaces/${NS}/pods/relay:8080/proxy/no`, '-f', '-'], 'x');
    assert.notEqual(posted.code, 0);
    assert.match(posted.stderr, /cannot create resource "pods\/proxy"/);
    const svc = await asReader(['get', '--raw', `/api/v1/namespaces/${NS}/services/web/proxy/`]);
    assert.notEqual(svc.code, 0);
    assert.match(svc.stderr, /cannot get resource "services\/proxy"/);
  });

});
