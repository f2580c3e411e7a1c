/**
 * Service-account JWTs as kube-apiserver issues and validates them (pkg/serviceaccount):
 * bound tokens from the TokenRequest API (iss = the cluster issuer, aud, exp/nbf/iat, jti,
 * a `kubernetes.io` claim naming namespace, service account and bound object) and the
 * legacy Secret-based tokens (iss `kubernetes/serviceaccount`, no expiry).
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { keyIdForPublicKey, algorithmForKey, signJwt, verifyJwt } from './jwt.js';
import type { JwtPayload } from './jwt.js';
import type { UserInfo } from './user.js';
import { serviceAccountGroups, serviceAccountUsername } from './user.js';

export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
export const LEGACY_SERVICE_ACCOUNT_ISSUER = 'kubernetes/serviceaccount';
/** TokenRequest's default `expirationSeconds`. */
export const DEFAULT_TOKEN_EXPIRATION_SECONDS = 3600;
/** go-jose's default leeway, which upstream's validator uses for exp/nbf/iat. */
const CLOCK_LEEWAY_SECONDS = 60;

// `user.Info.Extra` keys upstream sets for service-account tokens.
export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

type MaybePromise<T> = T | Promise<T>;

export interface BoundObjectRef {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface ServiceAccountTokenRequest {
  namespace: string;
  /** Service account name. */
  name: string;
  /** Service account UID. */
  uid: string;
  /** Defaults to the API server's audiences. */
  audiences?: string[];
  /** Defaults to 3600. */
  expirationSeconds?: number;
  boundObject?: BoundObjectRef;
  /** For Pod-bound tokens: the node the pod runs on (upstream adds it to the claims since 1.30). */
  node?: { name: string; uid: string };
}

export interface IssuedServiceAccountToken {
  token: string;
  /** RFC 3339, for TokenRequest's status.expirationTimestamp. */
  expirationTimestamp: string;
}

/** Existence/UID lookups the validator uses to reject tokens of deleted objects; undefined = not found. */
export type ObjectUIDLookup = (
  kind: 'ServiceAccount' | 'Pod' | 'Secret' | 'Node',
  namespace: string,
  name: string,
) => MaybePromise<string | undefined>;

export interface ServiceAccountTokenOptions {
  /** Private key tokens are signed with (EC P-256 → ES256, RSA → RS256). */
  signingKey: KeyObject;
  /** Public keys accepted when validating; defaults to the signing key's public half. */
  verifyKeys?: KeyObject[];
  /** `iss` of issued tokens; default https://kubernetes.default.svc.cluster.local */
  issuer?: string;
  /** Audiences the API server accepts (`--api-audiences`); default [issuer]. */
  apiAudiences?: string[];
  /** Clock in ms; for tests. */
  now?: () => number;
  /** When given, tokens whose service account / bound object is gone or has another UID are rejected. */
  lookupUID?: ObjectUIDLookup;
}

export type TokenValidation = { ok: true; user: UserInfo } | { ok: false; reason: string };

/** A JSON Web Key Set for /openid/v1/jwks. */
export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>;
}

interface KubernetesClaim {
  namespace?: unknown;
  serviceaccount?: { name?: unknown; uid?: unknown };
  pod?: { name?: unknown; uid?: unknown };
  secret?: { name?: unknown; uid?: unknown };
  node?: { name?: unknown; uid?: unknown };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

export class ServiceAccountTokens {
  readonly issuer: string;
  readonly apiAudiences: readonly string[];
  private readonly signingKey: KeyObject;
  private readonly verifyKeys: readonly KeyObject[];
  private readonly kid: string;
  private readonly now: () => number;
  private readonly lookupUID?: ObjectUIDLookup;

  constructor(opts: ServiceAccountTokenOptions) {
    algorithmForKey(opts.signingKey); // fail fast on unsupported keys
    this.signingKey = opts.signingKey;
    const publicKey = createPublicKey(opts.signingKey);
    this.verifyKeys = (opts.verifyKeys ?? [publicKey]).map((k) => (k.type === 'private' ? createPublicKey(k) : k));
    this.kid = keyIdForPublicKey(publicKey);
    this.issuer = opts.issuer ?? DEFAULT_SERVICE_ACCOUNT_ISSUER;
    this.apiAudiences = opts.apiAudiences ?? [this.issuer];
    this.now = opts.now ?? Date.now;
    this.lookupUID = opts.lookupUID;
  }

  /** A bound token, as the TokenRequest API (`serviceaccounts/token`) returns. */
  issue(req: ServiceAccountTokenRequest): IssuedServiceAccountToken {
    const iat = Math.floor(this.now() / 1000);
    const exp = iat + (req.expirationSeconds ?? DEFAULT_TOKEN_EXPIRATION_SECONDS);
    const k8s: Record<string, unknown> = {
      namespace: req.namespace,
      serviceaccount: { name: req.name, uid: req.uid },
    };
    if (req.boundObject) {
      const ref = { name: req.boundObject.name, uid: req.boundObject.uid };
      if (req.boundObject.kind === 'Pod') k8s.pod = ref;
      else if (req.boundObject.kind === 'Secret') k8s.secret = ref;
      else k8s.node = ref;
    }
    if (req.node && req.boundObject?.kind === 'Pod') k8s.node = { name: req.node.name, uid: req.node.uid };
    const payload: JwtPayload = {
      aud: req.audiences && req.audiences.length > 0 ? req.audiences : [...this.apiAudiences],
      exp,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': k8s,
      nbf: iat,
      sub: serviceAccountUsername(req.namespace, req.name),
    };
    return { token: signJwt(payload, this.signingKey, this.kid), expirationTimestamp: new Date(exp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') };
  }

  /** A legacy never-expiring token, as the token controller stores in `kubernetes.io/service-account-token` Secrets. */
  issueLegacy(req: { namespace: string; name: string; uid: string; secretName: string }): string {
    const payload: JwtPayload = {
      iss: LEGACY_SERVICE_ACCOUNT_ISSUER,
      'kubernetes.io/serviceaccount/namespace': req.namespace,
      'kubernetes.io/serviceaccount/secret.name': req.secretName,
      'kubernetes.io/serviceaccount/service-account.name': req.name,
      'kubernetes.io/serviceaccount/service-account.uid': req.uid,
      sub: serviceAccountUsername(req.namespace, req.name),
    };
    return signJwt(payload, this.signingKey, this.kid);
  }

  /** Validates a token; `ok: false` when it is not one of ours or no longer valid. */
  async validate(token: string): Promise<TokenValidation> {
    const payload = verifyJwt(token, this.verifyKeys);
    if (!payload) return { ok: false, reason: 'invalid signature' };
    if (payload.iss === LEGACY_SERVICE_ACCOUNT_ISSUER) return this.validateLegacy(payload);
    if (payload.iss !== this.issuer) return { ok: false, reason: 'unexpected issuer' };

    const now = Math.floor(this.now() / 1000);
    if (typeof payload.exp !== 'number' || now > payload.exp + CLOCK_LEEWAY_SECONDS) return { ok: false, reason: 'token has expired' };
    if (typeof payload.nbf === 'number' && now < payload.nbf - CLOCK_LEEWAY_SECONDS) return { ok: false, reason: 'token not valid yet' };
    if (typeof payload.iat === 'number' && now < payload.iat - CLOCK_LEEWAY_SECONDS) return { ok: false, reason: 'token issued in the future' };
    const aud = typeof payload.aud === 'string' ? [payload.aud] : Array.isArray(payload.aud) ? payload.aud : [];
    if (!aud.some((a) => this.apiAudiences.includes(a as string))) return { ok: false, reason: 'token audiences is invalid' };

    const claim = (payload['kubernetes.io'] ?? {}) as KubernetesClaim;
    const namespace = str(claim.namespace);
    const saName = str(claim.serviceaccount?.name);
    const saUID = str(claim.serviceaccount?.uid);
    if (!namespace || !saName || !saUID) return { ok: false, reason: 'missing kubernetes.io claims' };
    if (payload.sub !== serviceAccountUsername(namespace, saName)) return { ok: false, reason: 'sub does not match kubernetes.io claims' };

    const pod = claim.pod && { name: str(claim.pod.name), uid: str(claim.pod.uid) };
    const secret = claim.secret && { name: str(claim.secret.name), uid: str(claim.secret.uid) };
    const node = claim.node && { name: str(claim.node.name), uid: str(claim.node.uid) };
    if (this.lookupUID) {
      if ((await this.lookupUID('ServiceAccount', namespace, saName)) !== saUID) return { ok: false, reason: `service account ${namespace}/${saName} not found or replaced` };
      if (pod && (!pod.name || (await this.lookupUID('Pod', namespace, pod.name)) !== pod.uid)) return { ok: false, reason: 'bound pod not found or replaced' };
      if (secret && (!secret.name || (await this.lookupUID('Secret', namespace, secret.name)) !== secret.uid)) return { ok: false, reason: 'bound secret not found or replaced' };
      // A node in a Pod-bound token is informational; only Node-bound tokens are checked against the node.
      if (node && !pod && (!node.name || (await this.lookupUID('Node', '', node.name)) !== node.uid)) return { ok: false, reason: 'bound node not found or replaced' };
    }

    const extra: Record<string, string[]> = {};
    if (pod?.name) extra[EXTRA_POD_NAME] = [pod.name];
    if (pod?.uid) extra[EXTRA_POD_UID] = [pod.uid];
    if (node?.name) extra[EXTRA_NODE_NAME] = [node.name];
    if (node?.uid) extra[EXTRA_NODE_UID] = [node.uid];
    if (typeof payload.jti === 'string' && payload.jti) extra[EXTRA_CREDENTIAL_ID] = [`JTI=${payload.jti}`];
    return {
      ok: true,
      user: {
        name: serviceAccountUsername(namespace, saName),
        uid: saUID,
        groups: serviceAccountGroups(namespace),
        ...(Object.keys(extra).length > 0 ? { extra } : {}),
      },
    };
  }

  private async validateLegacy(payload: JwtPayload): Promise<TokenValidation> {
    const namespace = str(payload['kubernetes.io/serviceaccount/namespace']);
    const saName = str(payload['kubernetes.io/serviceaccount/service-account.name']);
    const saUID = str(payload['kubernetes.io/serviceaccount/service-account.uid']);
    const secretName = str(payload['kubernetes.io/serviceaccount/secret.name']);
    if (!namespace || !saName || !saUID || !secretName) return { ok: false, reason: 'missing legacy claims' };
    if (this.lookupUID) {
      if ((await this.lookupUID('ServiceAccount', namespace, saName)) !== saUID) return { ok: false, reason: `service account ${namespace}/${saName} not found or replaced` };
      if ((await this.lookupUID('Secret', namespace, secretName)) === undefined) return { ok: false, reason: `secret ${namespace}/${secretName} not found` };
    }
    return { ok: true, user: { name: serviceAccountUsername(namespace, saName), uid: saUID, groups: serviceAccountGroups(namespace) } };
  }

  /** The verification keys as a JWKS (served at /openid/v1/jwks). */
  jwks(): JsonWebKeySet {
    return {
      keys: this.verifyKeys.map((key) => ({
        ...key.export({ format: 'jwk' }),
        use: 'sig',
        alg: algorithmForKey(key),
        kid: keyIdForPublicKey(key),
      })),
    };
  }
}
