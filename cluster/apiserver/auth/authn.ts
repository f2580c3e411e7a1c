/**
 * Request authentication, in kube-apiserver's order: client certificate (x509), then a
 * bearer token (static tokens, bootstrap tokens, service-account JWTs), else anonymous.
 * As upstream: a client certificate that fails verification or a bearer token nobody
 * accepts is a 401 — it does not fall back to anonymous. Authenticated users get the
 * `system:authenticated` group.
 */
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import type { Status } from 'kubernetes-types/meta/v1.js';
import type { UserInfo } from './user.js';
import { ANONYMOUS, withAuthenticatedGroup } from './user.js';
import type { IssuedServiceAccountToken, ServiceAccountTokenOptions, ServiceAccountTokenRequest } from './serviceaccount-token.js';
import { ServiceAccountTokens } from './serviceaccount-token.js';
import type { SecretLookup } from './bootstrap-token.js';
import { parseBootstrapToken, validateBootstrapToken } from './bootstrap-token.js';
import { looksLikeJwt } from './jwt.js';

export type AuthenticationMethod = 'x509' | 'serviceaccount' | 'bootstrap' | 'token' | 'anonymous';

export type AuthenticationResult =
  | { ok: true; user: UserInfo; method: AuthenticationMethod }
  | { ok: false; status: 401; reason: string };

export interface AuthenticatorOptions {
  /** CA client certificates must chain to (PEM or parsed). */
  clientCA: string | X509Certificate;
  /** Service-account token signing/validation (an instance, or options to build one). */
  serviceAccountTokens: ServiceAccountTokens | ServiceAccountTokenOptions;
  /** Reads Secrets; enables bootstrap-token authentication when given. */
  getSecret?: SecretLookup;
  /** Fixed bearer tokens → users (e.g. for in-process components); `system:authenticated` is added. */
  staticTokens?: ReadonlyMap<string, UserInfo>;
  /** `--anonymous-auth`; default true. */
  anonymous?: boolean;
  /** Clock in ms; for tests. */
  now?: () => number;
}

const CLIENT_AUTH_EKU = '1.3.6.1.5.5.7.3.2';
const ANY_EKU = '2.5.29.37.0';
/** Upstream's websocket token subprotocol (k8s.io/apiserver/pkg/authentication/request/websocket). */
const WEBSOCKET_TOKEN_PROTOCOL_PREFIX = 'base64url.bearer.authorization.k8s.io.';
/** Successful token authentications are remembered this long (upstream caches token results ~10 s). */
const TOKEN_CACHE_TTL_MS = 10_000;
const TOKEN_CACHE_MAX = 1024;

type CertOutcome = { ok: true; user: UserInfo } | { ok: false; reason: string } | undefined;

function lastOf(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function allOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function isTLSSocket(socket: unknown): socket is TLSSocket {
  return typeof (socket as Partial<TLSSocket> | null)?.getPeerX509Certificate === 'function';
}

/** The bearer token of a request: `Authorization: Bearer …`, or the websocket subprotocol form on upgrades. */
export function bearerTokenOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const [scheme, token, ...rest] = header.trim().split(/\s+/);
    if (scheme.toLowerCase() === 'bearer' && token && rest.length === 0) return token;
    return undefined;
  }
  const protocols = req.headers['sec-websocket-protocol'];
  if (protocols && (req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
    for (const p of protocols.split(',')) {
      const proto = p.trim();
      if (proto.startsWith(WEBSOCKET_TOKEN_PROTOCOL_PREFIX)) {
        const token = Buffer.from(proto.slice(WEBSOCKET_TOKEN_PROTOCOL_PREFIX.length), 'base64url').toString('utf8');
        return token || undefined;
      }
    }
  }
  return undefined;
}

export class Authenticator {
  readonly serviceAccountTokens: ServiceAccountTokens;
  private readonly clientCA: X509Certificate;
  private readonly getSecret?: SecretLookup;
  private readonly staticTokens?: ReadonlyMap<string, UserInfo>;
  private readonly anonymous: boolean;
  private readonly now: () => number;
  private readonly certUsers = new WeakMap<TLSSocket, { outcome: CertOutcome; until: number }>();
  private readonly tokenCache = new Map<string, { result: AuthenticationResult; until: number }>();

  constructor(opts: AuthenticatorOptions) {
    this.clientCA = typeof opts.clientCA === 'string' ? new X509Certificate(opts.clientCA) : opts.clientCA;
    this.serviceAccountTokens =
      opts.serviceAccountTokens instanceof ServiceAccountTokens
        ? opts.serviceAccountTokens
        : new ServiceAccountTokens({ now: opts.now, ...opts.serviceAccountTokens });
    this.getSecret = opts.getSecret;
    this.staticTokens = opts.staticTokens;
    this.anonymous = opts.anonymous ?? true;
    this.now = opts.now ?? Date.now;
  }

  /** Who sent `req`. Never throws for bad credentials: those come back as `{ ok: false, status: 401 }`. */
  async authenticate(req: IncomingMessage): Promise<AuthenticationResult> {
    const errors: string[] = [];
    const cert = this.authenticateClientCertificate(req);
    if (cert?.ok) return { ok: true, user: withAuthenticatedGroup(cert.user), method: 'x509' };
    if (cert && !cert.ok) errors.push(cert.reason);

    const token = bearerTokenOf(req);
    if (token !== undefined) {
      const result = await this.authenticateToken(token);
      if (result.ok) return result;
      errors.push(result.reason);
    }
    if (errors.length > 0) return { ok: false, status: 401, reason: errors.join('; ') };
    if (!this.anonymous) return { ok: false, status: 401, reason: 'anonymous requests are disabled' };
    return { ok: true, user: { ...ANONYMOUS, groups: [...ANONYMOUS.groups] }, method: 'anonymous' };
  }

  /** A bound service-account token (TokenRequest API). */
  issueServiceAccountToken(req: ServiceAccountTokenRequest): IssuedServiceAccountToken {
    return this.serviceAccountTokens.issue(req);
  }

  /** Validates a bearer token alone (also what a TokenReview does). */
  async authenticateToken(token: string): Promise<AuthenticationResult> {
    const now = this.now();
    const cached = this.tokenCache.get(token);
    if (cached && cached.until > now) return cached.result;

    const result = await this.validateToken(token);
    if (result.ok) {
      if (this.tokenCache.size >= TOKEN_CACHE_MAX) this.tokenCache.delete(this.tokenCache.keys().next().value as string);
      this.tokenCache.set(token, { result, until: now + TOKEN_CACHE_TTL_MS });
    } else {
      this.tokenCache.delete(token);
    }
    return result;
  }

  /** Forgets cached token results (call when Secrets/ServiceAccounts are deleted if instant revocation matters). */
  clearTokenCache(): void {
    this.tokenCache.clear();
  }

  private async validateToken(token: string): Promise<AuthenticationResult> {
    const staticUser = this.staticTokens?.get(token);
    if (staticUser) return { ok: true, user: withAuthenticatedGroup(staticUser), method: 'token' };

    if (this.getSecret && parseBootstrapToken(token)) {
      const r = await validateBootstrapToken(token, this.getSecret, this.now());
      return r.ok ? { ok: true, user: withAuthenticatedGroup(r.user), method: 'bootstrap' } : { ok: false, status: 401, reason: `invalid bearer token: ${r.reason}` };
    }
    if (looksLikeJwt(token)) {
      const r = await this.serviceAccountTokens.validate(token);
      return r.ok ? { ok: true, user: withAuthenticatedGroup(r.user), method: 'serviceaccount' } : { ok: false, status: 401, reason: `invalid bearer token: ${r.reason}` };
    }
    return { ok: false, status: 401, reason: 'invalid bearer token' };
  }

  private authenticateClientCertificate(req: IncomingMessage): CertOutcome {
    const socket = req.socket;
    if (!isTLSSocket(socket)) return undefined;
    const cached = this.certUsers.get(socket);
    if (cached && this.now() < cached.until) return cached.outcome;
    const peer = socket.getPeerX509Certificate();
    const outcome = peer ? this.verifyClientCertificate(peer) : undefined;
    // Cache per connection until the certificate expires (then verification runs again and fails).
    this.certUsers.set(socket, { outcome, until: peer ? Date.parse(peer.validTo) : Number.POSITIVE_INFINITY });
    return outcome;
  }

  /** Upstream x509 authenticator: chain to the client CA, clientAuth usage, in validity; user = CN, groups = O. */
  verifyClientCertificate(cert: X509Certificate): CertOutcome {
    if (!(cert.checkIssued(this.clientCA) && cert.verify(this.clientCA.publicKey))) {
      return { ok: false, reason: 'x509: certificate signed by unknown authority' };
    }
    const now = this.now();
    if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
      return { ok: false, reason: 'x509: certificate has expired or is not yet valid' };
    }
    const ekus = cert.keyUsage;
    if (ekus && ekus.length > 0 && !ekus.includes(CLIENT_AUTH_EKU) && !ekus.includes(ANY_EKU)) {
      return { ok: false, reason: 'x509: certificate specifies an incompatible key usage' };
    }
    const subject = cert.toLegacyObject().subject as unknown as Record<string, string | string[] | undefined>;
    const name = lastOf(subject.CN); // Go keeps the last CN when there are several
    if (!name) return undefined; // upstream: no CN → not authenticated by x509, without error
    return { ok: true, user: { name, groups: allOf(subject.O) } };
  }
}

export function createAuthenticator(opts: AuthenticatorOptions): Authenticator {
  return new Authenticator(opts);
}

/** The Status body kube-apiserver answers a failed authentication with (HTTP 401). */
export function unauthorizedStatus(): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };
}
