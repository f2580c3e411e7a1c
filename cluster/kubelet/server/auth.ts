/**
 * The kubelet server's authentication and authorization, delegated to the API server as
 * upstream's `--authentication-token-webhook` / `--authorization-mode=Webhook` do:
 * a client certificate from the cluster CA (the API server's kubelet client) names the
 * user directly; a bearer token is checked with a TokenReview; every request is then
 * checked with a SubjectAccessReview on `nodes/<subresource>` of this node, the
 * subresource chosen from the path as pkg/kubelet/server/auth.go does. Answers are
 * cached (tokens 2 min; authorized 5 min, denied 30 s — the webhook defaults).
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RestClient } from '../../client/rest-client.js';

export interface KubeletUser {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export interface KubeletAuthorizationAttributes {
  verb: string;
  /** `nodes/<subresource>` of this node: proxy, log, stats, metrics, spec, pods, healthz, configz. */
  subresource: string;
  nodeName: string;
}

export interface KubeletAuth {
  /** Who sent `req`; undefined when nobody could be authenticated (401). */
  authenticate(req: IncomingMessage): Promise<KubeletUser | undefined>;
  /** Whether `user` may do it; any of `attrs` allowing suffices (fine-grained subresource, then proxy). */
  authorize(user: KubeletUser, attrs: KubeletAuthorizationAttributes[]): Promise<boolean>;
}

/** The verb of an HTTP method (auth.go GetRequestAttributes). */
export function verbOf(method: string | undefined): string {
  return { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' }[method ?? 'GET'] ?? '';
}

const isSubpath = (path: string, prefix: string) => path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);

/**
 * The subresources a request is checked against, in order (KubeletFineGrainedAuthz: a
 * specific one for /pods, /healthz and /configz, with nodes/proxy as the fallback).
 */
export function subresourcesFor(path: string): string[] {
  if (isSubpath(path, '/stats')) return ['stats'];
  if (isSubpath(path, '/metrics')) return ['metrics'];
  if (isSubpath(path, '/logs')) return ['log'];
  if (isSubpath(path, '/spec')) return ['spec'];
  if (isSubpath(path, '/checkpoint')) return ['checkpoint'];
  if (isSubpath(path, '/pods')) return ['pods', 'proxy'];
  if (isSubpath(path, '/healthz')) return ['healthz', 'proxy'];
  if (isSubpath(path, '/configz')) return ['configz', 'proxy'];
  return ['proxy'];
}

/** Upstream's 403 text: `Forbidden (user=..., verb=..., resource=nodes, subresource(s)=[...])`. */
export function forbiddenText(user: KubeletUser, verb: string, subresources: string[]): string {
  return `Forbidden (user=${user.name}, verb=${verb}, resource=nodes, subresource(s)=[${subresources.join(' ')}])\n`;
}

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  constructor(private readonly max = 4096) {}
  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }
  set(key: string, value: V, ttlMs: number): void {
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: Date.now() + ttlMs });
  }
}

function lastOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function allOf(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** The user of a verified client certificate (CN = name, O = groups), as the x509 authenticator reads it. */
export function certificateUser(req: IncomingMessage): KubeletUser | undefined {
  const socket = req.socket as TLSSocket;
  if (typeof socket.getPeerX509Certificate !== 'function' || !socket.authorized) return undefined;
  const cert = socket.getPeerX509Certificate();
  if (!cert) return undefined;
  const subject = cert.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>;
  const name = lastOf(subject.CN);
  return name ? { name, groups: allOf(subject.O) } : undefined;
}

function bearerToken(req: IncomingMessage): string | undefined {
  const [scheme, token] = (req.headers.authorization ?? '').trim().split(/\s+/);
  return scheme?.toLowerCase() === 'bearer' && token ? token : undefined;
}

interface TokenReviewStatus {
  authenticated?: boolean;
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  error?: string;
}

const TOKEN_TTL_MS = 2 * 60_000;
const ALLOWED_TTL_MS = 5 * 60_000;
const DENIED_TTL_MS = 30_000;

/** Authentication and authorization through the API server (TokenReview, SubjectAccessReview). */
export function webhookAuth(client: RestClient): KubeletAuth {
  const tokens = new TtlCache<KubeletUser | null>();
  const decisions = new TtlCache<boolean>();

  async function reviewToken(token: string): Promise<KubeletUser | undefined> {
    const cached = tokens.get(token);
    if (cached !== undefined) return cached ?? undefined;
    const review = await client.request<{ status?: TokenReviewStatus }>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    });
    const st = review.status ?? {};
    const user = st.authenticated && st.user?.username ? { name: st.user.username, uid: st.user.uid, groups: st.user.groups ?? [], extra: st.user.extra } : undefined;
    tokens.set(token, user ?? null, user ? TOKEN_TTL_MS : DENIED_TTL_MS);
    return user;
  }

  async function allowed(user: KubeletUser, a: KubeletAuthorizationAttributes): Promise<boolean> {
    const key = JSON.stringify([user.name, user.uid, [...user.groups].sort(), user.extra ?? {}, a.verb, a.subresource, a.nodeName]);
    const cached = decisions.get(key);
    if (cached !== undefined) return cached;
    const review = await client.request<{ status?: { allowed?: boolean } }>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: user.name,
          uid: user.uid,
          groups: user.groups,
          extra: user.extra,
          resourceAttributes: { verb: a.verb, group: '', version: 'v1', resource: 'nodes', subresource: a.subresource, name: a.nodeName },
        },
      },
    });
    const ok = review.status?.allowed === true;
    decisions.set(key, ok, ok ? ALLOWED_TTL_MS : DENIED_TTL_MS);
    return ok;
  }

  return {
    async authenticate(req) {
      const fromCert = certificateUser(req);
      if (fromCert) return fromCert;
      const token = bearerToken(req);
      return token ? reviewToken(token) : undefined;
    },
    async authorize(user, attrs) {
      for (const a of attrs) if (await allowed(user, a)) return true;
      return false;
    },
  };
}
