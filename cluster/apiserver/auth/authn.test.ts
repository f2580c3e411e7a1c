import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request } from 'node:https';
import type { RequestOptions, Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret } from 'kubernetes-types/core/v1.js';
import { loadOrCreateClusterPKI, issueClientCertificate } from '../../pki/pki.js';
import type { ClusterPKI } from '../../pki/pki.js';
import { createCertificateAuthority, issueLeafCertificate } from '../../pki/x509.js';
import { writeKubeconfig } from '../../pki/kubeconfig.js';
import { Authenticator, unauthorizedStatus } from './authn.js';
import type { AuthenticationResult } from './authn.js';
import { ServiceAccountTokens, EXTRA_CREDENTIAL_ID, EXTRA_POD_NAME, EXTRA_POD_UID } from './serviceaccount-token.js';
import { peekJwtPayload } from './jwt.js';
import { runKubectl, kubectlPath } from '../../../test/support/kubectl.js';

interface Answer {
  status: number;
  body: AuthenticationResult | ReturnType<typeof unauthorizedStatus>;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function bootstrapSecret(id: string, secret: string, data: Record<string, string> = {}): Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: `bootstrap-token-${id}`, namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(
      Object.entries({ 'token-id': id, 'token-secret': secret, 'usage-bootstrap-authentication': 'true', ...data }).map(([k, v]) => [k, b64(v)]),
    ),
  };
}

describe('authentication over real TLS', () => {
  let root: string;
  let pki: ClusterPKI;
  let server: Server;
  let port: number;
  let authn: Authenticator;
  let clock = Date.now();
  const secrets = new Map<string, Secret>();
  const liveUIDs = new Map<string, string>();

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'kubarium-authn-'));
    pki = await loadOrCreateClusterPKI(join(root, 'pki'), { serverNames: [], serverIPs: [] });
    authn = new Authenticator({
      clientCA: pki.ca.cert,
      serviceAccountTokens: {
        signingKey: pki.serviceAccountKeys.privateKey,
        lookupUID: (kind, ns, name) => liveUIDs.get(`${kind}/${ns}/${name}`),
      },
      getSecret: (ns, name) => secrets.get(`${ns}/${name}`),
      now: () => clock,
    });
    // A stand-in API server: answers every request with who it thinks the caller is.
    server = createServer(pki.httpsOptions, (req, res) => {
      void authn.authenticate(req).then((result) => {
        const answer: Answer = result.ok ? { status: 200, body: result } : { status: 401, body: unauthorizedStatus() };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(root, { recursive: true, force: true });
  });

  function call(opts: { cert?: string; key?: string; token?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/whoami',
          ca: pki.ca.cert,
          cert: opts.cert,
          key: opts.key,
          agent: false,
          headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Answer['body'] }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  const userOf = (a: Answer): { name: string; groups: string[]; uid?: string; extra?: Record<string, string[]> } => {
    assert.equal(a.status, 200, JSON.stringify(a.body));
    return (a.body as Extract<AuthenticationResult, { ok: true }>).user;
  };

  test('admin client certificate → kubernetes-admin in system:masters', async () => {
    const a = await call({ cert: pki.admin.cert, key: pki.admin.key });
    assert.deepEqual(userOf(a), { name: 'kubernetes-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.equal((a.body as { method: string }).method, 'x509');
  });

  test('node client certificate → system:node:<name> in system:nodes', async () => {
    const node = await issueClientCertificate(pki, { commonName: 'system:node:worker-1', organizations: ['system:nodes'] });
    assert.deepEqual(userOf(await call({ cert: node.cert, key: node.key })), {
      name: 'system:node:worker-1',
      groups: ['system:nodes', 'system:authenticated'],
    });
  });

  test('no credentials → anonymous', async () => {
    assert.deepEqual(userOf(await call()), { name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  test('a certificate from another CA → 401', async () => {
    const otherCA = await createCertificateAuthority('other-ca', 1);
    const leaf = await issueLeafCertificate(otherCA, { commonName: 'mallory', organizations: ['system:masters'], days: 1, usage: 'client' });
    const a = await call({ cert: leaf.cert, key: leaf.key });
    assert.equal(a.status, 401);
    assert.deepEqual(a.body, unauthorizedStatus());
  });

  test('a server certificate is not accepted as a client certificate', async () => {
    const a = await call({ cert: pki.serving.cert, key: pki.serving.key });
    assert.equal(a.status, 401);
  });

  test('service-account token round trip with pod binding', async () => {
    liveUIDs.set('ServiceAccount/dev/builder', 'sa-uid-1');
    liveUIDs.set('Pod/dev/builder-pod', 'pod-uid-1');
    const issued = authn.issueServiceAccountToken({
      namespace: 'dev',
      name: 'builder',
      uid: 'sa-uid-1',
      expirationSeconds: 3600,
      boundObject: { kind: 'Pod', name: 'builder-pod', uid: 'pod-uid-1' },
      node: { name: 'worker-1', uid: 'node-uid-1' },
    });
    const claims = peekJwtPayload(issued.token)!;
    assert.equal(claims.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.equal(claims.sub, 'system:serviceaccount:dev:builder');
    assert.deepEqual(claims.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.equal(claims.exp, (claims.iat as number) + 3600);
    assert.deepEqual(claims['kubernetes.io'], {
      namespace: 'dev',
      serviceaccount: { name: 'builder', uid: 'sa-uid-1' },
      pod: { name: 'builder-pod', uid: 'pod-uid-1' },
      node: { name: 'worker-1', uid: 'node-uid-1' },
    });
    assert.equal(issued.expirationTimestamp, new Date((claims.exp as number) * 1000).toISOString().replace('.000Z', 'Z'));

    const user = userOf(await call({ token: issued.token }));
    assert.equal(user.name, 'system:serviceaccount:dev:builder');
    assert.equal(user.uid, 'sa-uid-1');
    assert.deepEqual(user.groups, ['system:serviceaccounts', 'system:serviceaccounts:dev', 'system:authenticated']);
    assert.deepEqual(user.extra?.[EXTRA_POD_NAME], ['builder-pod']);
    assert.deepEqual(user.extra?.[EXTRA_POD_UID], ['pod-uid-1']);
    assert.deepEqual(user.extra?.[EXTRA_CREDENTIAL_ID], [`JTI=${String(claims.jti)}`]);

    // The bound pod goes away → the token stops working.
    liveUIDs.delete('Pod/dev/builder-pod');
    authn.clearTokenCache();
    assert.equal((await call({ token: issued.token })).status, 401);
  });

  test('expired service-account tokens are rejected (after the 60 s leeway)', async () => {
    liveUIDs.set('ServiceAccount/dev/short', 'sa-uid-2');
    const start = clock;
    try {
      const { token } = authn.issueServiceAccountToken({ namespace: 'dev', name: 'short', uid: 'sa-uid-2', expirationSeconds: 600 });
      clock = start + 600_000 + 30_000;
      assert.equal((await authn.authenticateToken(token)).ok, true);
      authn.clearTokenCache();
      clock = start + 600_000 + 61_000;
      const r = await authn.authenticateToken(token);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : '', /expired/);
    } finally {
      clock = start;
    }
  });

  test('tokens signed with another key, for another audience, or forged are 401', async () => {
    liveUIDs.set('ServiceAccount/dev/builder', 'sa-uid-1');
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
    const foreign = new ServiceAccountTokens({ signingKey: otherKey }).issue({ namespace: 'dev', name: 'builder', uid: 'sa-uid-1' });
    assert.equal((await call({ token: foreign.token })).status, 401);

    const otherAudience = authn.issueServiceAccountToken({ namespace: 'dev', name: 'builder', uid: 'sa-uid-1', audiences: ['vault'] });
    assert.equal((await call({ token: otherAudience.token })).status, 401);

    const good = authn.issueServiceAccountToken({ namespace: 'dev', name: 'builder', uid: 'sa-uid-1' });
    const [h, p, s] = good.token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    claims.sub = 'system:serviceaccount:kube-system:admin';
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
    assert.equal((await call({ token: tampered })).status, 401);
    assert.equal((await call({ token: 'not-a-token' })).status, 401);
    // …while anonymous still works.
    assert.equal((await call()).status, 200);
  });

  test('RS256 keys and legacy secret-based tokens', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const tokens = new ServiceAccountTokens({ signingKey: rsa });
    const issued = tokens.issue({ namespace: 'ns', name: 'sa', uid: 'u' });
    assert.equal(JSON.parse(Buffer.from(issued.token.split('.')[0], 'base64url').toString()).alg, 'RS256');
    const v = await tokens.validate(issued.token);
    assert.ok(v.ok && v.user.name === 'system:serviceaccount:ns:sa');

    const legacy = tokens.issueLegacy({ namespace: 'ns', name: 'sa', uid: 'u', secretName: 'sa-token-abcde' });
    const lv = await tokens.validate(legacy);
    assert.ok(lv.ok);
    assert.deepEqual(lv.user.groups, ['system:serviceaccounts', 'system:serviceaccounts:ns']);
    assert.equal(tokens.jwks().keys[0].alg, 'RS256');
    assert.equal(tokens.jwks().keys[0].d, undefined);
  });

  test('bootstrap tokens', async () => {
    secrets.set('kube-system/bootstrap-token-abcdef', bootstrapSecret('abcdef', '0123456789abcdef', { 'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token' }));
    const user = userOf(await call({ token: 'abcdef.0123456789abcdef' }));
    assert.deepEqual(user, {
      name: 'system:bootstrap:abcdef',
      groups: ['system:bootstrappers', 'system:bootstrappers:kubeadm:default-node-token', 'system:authenticated'],
    });
    assert.equal((await call({ token: 'abcdef.0123456789abcdee' })).status, 401, 'wrong secret');
    assert.equal((await call({ token: 'zzzzzz.0123456789abcdef' })).status, 401, 'no such token');

    secrets.set('kube-system/bootstrap-token-expird', bootstrapSecret('expird', '0123456789abcdef', { expiration: new Date(clock - 1000).toISOString() }));
    assert.equal((await call({ token: 'expird.0123456789abcdef' })).status, 401, 'expired');

    secrets.set('kube-system/bootstrap-token-nouse1', bootstrapSecret('nouse1', '0123456789abcdef', { 'usage-bootstrap-authentication': 'false' }));
    assert.equal((await call({ token: 'nouse1.0123456789abcdef' })).status, 401, 'not for authentication');

    const wrongType = bootstrapSecret('typed1', '0123456789abcdef');
    wrongType.type = 'Opaque';
    secrets.set('kube-system/bootstrap-token-typed1', wrongType);
    assert.equal((await call({ token: 'typed1.0123456789abcdef' })).status, 401, 'wrong type');
  });

  test('websocket bearer subprotocol', async () => {
    liveUIDs.set('ServiceAccount/dev/builder', 'sa-uid-1');
    const { token } = authn.issueServiceAccountToken({ namespace: 'dev', name: 'builder', uid: 'sa-uid-1' });
    const user = userOf(
      await call({
        headers: {
          connection: 'Upgrade',
          upgrade: 'websocket',
          'sec-websocket-protocol': `v5.channel.k8s.io, base64url.bearer.authorization.k8s.io.${Buffer.from(token).toString('base64url')}`,
        },
      }).catch(() => ({ status: 0, body: unauthorizedStatus() })),
    ).name;
    assert.equal(user, 'system:serviceaccount:dev:builder');
  });

  test('@kubernetes/client-node reads the written kubeconfig and authenticates as admin', async () => {
    const { KubeConfig } = await import('@kubernetes/client-node');
    const kubeconfig = join(root, 'kubeconfig-client-node');
    writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${port}`, ca: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    assert.equal(kc.getCurrentCluster()?.server, `https://127.0.0.1:${port}`);
    const opts: RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request({ ...opts, host: '127.0.0.1', port, path: '/whoami', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    const result = JSON.parse(body) as Extract<AuthenticationResult, { ok: true }>;
    assert.equal(result.user.name, 'kubernetes-admin');
  });

  test('real kubectl presents the admin certificate from a written kubeconfig', async (t) => {
    let haveKubectl = true;
    try {
      kubectlPath();
    } catch {
      haveKubectl = false;
    }
    if (!haveKubectl) {
      t.skip('kubectl not available');
      return;
    }
    const kubeconfig = join(root, 'kubeconfig');
    writeKubeconfig(kubeconfig, { server: `https://127.0.0.1:${port}`, ca: pki.ca.cert, clientCert: pki.admin.cert, clientKey: pki.admin.key });
    const r = await runKubectl(['get', '--raw', '/whoami'], { kubeconfig, timeoutMs: 30_000 });
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout) as Extract<AuthenticationResult, { ok: true }>;
    assert.equal(body.user.name, 'kubernetes-admin');
    assert.deepEqual(body.user.groups, ['system:masters', 'system:authenticated']);
  });
});
