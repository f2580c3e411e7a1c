/**
 * nodes/<name>[:<port>]/proxy and nodes/https:<name>:<port>/proxy through a launched API
 * server, with the real kubectl: the "node" is a Node object whose InternalIP is
 * 127.0.0.1, its kubelet port (daemonEndpoints) an HTTPS server here and its other port
 * a plain HTTP one, as kube-proxy's 10249 is.
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { after, before, describe, test } from 'node:test';
import { NODES, RestClient } from '../../client/index.js';
import { selfSignedKubeletServingCertificate } from '../../pki/index.js';
import { launchCluster } from '../../../test/support/cluster.js';
import type { LaunchedCluster } from '../../../test/support/cluster.js';
import { runKubectl } from '../../../test/support/kubectl.js';
import { splitSchemeNamePort } from './kubelet-proxy.js';

const NODE = 'proxied-node';

describe('splitSchemeNamePort', () => {
  test('name, name:port and scheme:name:port, as apimachinery splits them', () => {
    assert.deepEqual(splitSchemeNamePort('n1'), { scheme: '', name: 'n1', port: '' });
    assert.deepEqual(splitSchemeNamePort('n1:10249'), { scheme: '', name: 'n1', port: '10249' });
    assert.deepEqual(splitSchemeNamePort('https:n1:10250'), { scheme: 'https', name: 'n1', port: '10250' });
    for (const bad of ['n1:', ':10249', 'ftp:n1:1', 'a:b:c:d', 'n1:port']) assert.equal(splitSchemeNamePort(bad), undefined, bad);
  });
});

describe('nodes/<name>:<port>/proxy through the API server', { timeout: 120_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  const servers: Server[] = [];
  let httpPort = 0;
  let httpsPort = 0;
  let kubeletPort = 0;
  const seen: string[] = [];
  const kubectl = (args: string[]) => runKubectl(args, { kubeconfig: cluster.kubeconfig });

  const answer = (who: string) => (req: IncomingMessage, res: ServerResponse) => {
    const cert = (req.socket as TLSSocket).getPeerCertificate?.();
    seen.push(`${who} ${req.url} ${cert?.subject?.CN ?? '-'}`);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(`${who}:${req.url}`);
  };
  const listen = async (s: Server) => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return (s.address() as AddressInfo).port;
  };

  before(async () => {
    const tls = await selfSignedKubeletServingCertificate(NODE, ['127.0.0.1']);
    httpPort = await listen(createHttpServer(answer('http')));
    httpsPort = await listen(createHttpsServer({ cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: false }, answer('https')));
    kubeletPort = await listen(createHttpsServer({ cert: tls.cert, key: tls.key, requestCert: true, rejectUnauthorized: false }, answer('kubelet')));
    cluster = await launchCluster({ args: ['--no-scheduler'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    const node = await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE } });
    await client.updateStatus(NODES, {
      ...node,
      status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } },
    } as typeof node);
  });

  after(async () => {
    client?.close();
    await cluster?.stop();
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  test('another port is plain HTTP without credentials; https: asks for TLS', async () => {
    const plain = await kubectl(['get', '--raw', `/api/v1/nodes/${NODE}:${httpPort}/proxy/proxyMode`]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout, 'http:/proxyMode');
    const secure = await kubectl(['get', '--raw', `/api/v1/nodes/https:${NODE}:${httpsPort}/proxy/healthz?x=1`]);
    assert.equal(secure.code, 0, secure.stderr);
    assert.equal(secure.stdout, 'https:/healthz?x=1');
  });

  test('no port, or the kubelet port, is the kubelet over HTTPS with the API server client certificate', async () => {
    seen.length = 0;
    for (const id of [NODE, `${NODE}:${kubeletPort}`, `https:${NODE}:${kubeletPort}`]) {
      const r = await kubectl(['get', '--raw', `/api/v1/nodes/${id}/proxy/spec`]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'kubelet:/spec');
    }
    assert.equal(seen.length, 3);
    assert.ok(seen.every((s) => s.startsWith('kubelet /spec ') && !s.endsWith(' -')), `client certificate presented: ${seen.join('; ')}`);
  });

  test('same authorization as nodes/proxy; bad names are refused', async () => {
    const denied = await kubectl(['--as=nobody', 'get', '--raw', `/api/v1/nodes/${NODE}:${httpPort}/proxy/metrics`]);
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /forbidden/i);
    assert.match(denied.stderr, /nodes\/proxy|subresource "proxy"/);
    const missing = await kubectl(['get', '--raw', `/api/v1/nodes/no-such-node:${httpPort}/proxy/metrics`]);
    assert.match(missing.stderr, /NotFound|not found/);
    const bad = await kubectl(['get', '--raw', `/api/v1/nodes/ftp:${NODE}:${httpPort}/proxy/metrics`]);
    assert.match(bad.stderr, /BadRequest|invalid node request/);
  });
});
