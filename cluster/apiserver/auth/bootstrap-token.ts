/**
 * Bootstrap tokens (`<id>.<secret>`), checked against Secrets `kube-system/bootstrap-token-<id>`
 * of type `bootstrap.kubernetes.io/token`, as upstream's plugin/pkg/auth/authenticator/token/bootstrap.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Secret } from 'kubernetes-types/core/v1.js';
import type { UserInfo } from './user.js';
import { BOOTSTRAPPERS_GROUP, BOOTSTRAP_USER_PREFIX } from './user.js';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export const BOOTSTRAP_TOKEN_NAMESPACE = 'kube-system';
export const BOOTSTRAP_TOKEN_SECRET_PREFIX = 'bootstrap-token-';

const TOKEN_PATTERN = /^([a-z0-9]{6})\.([a-z0-9]{16})$/;
/** auth-extra-groups entries must look like this (k8s.io/cluster-bootstrap/token/api). */
const EXTRA_GROUP_PATTERN = /^system:bootstrappers:[a-z0-9:-]{0,255}[a-z0-9]$/;

type MaybePromise<T> = T | Promise<T>;
/** How the authenticator reads Secrets (the server backs it with its cache). */
export type SecretLookup = (namespace: string, name: string) => MaybePromise<Secret | undefined>;

export type BootstrapTokenValidation = { ok: true; user: UserInfo } | { ok: false; reason: string };

export function parseBootstrapToken(token: string): { id: string; secret: string } | undefined {
  const m = TOKEN_PATTERN.exec(token);
  return m ? { id: m[1], secret: m[2] } : undefined;
}

/** A data value of the secret, from `data` (base64) or, if the server keeps it, `stringData`. */
function secretValue(secret: Secret, key: string): string | undefined {
  const b64 = secret.data?.[key];
  if (b64 !== undefined) return Buffer.from(b64, 'base64').toString('utf8');
  return secret.stringData?.[key];
}

function equalConstantTime(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export async function validateBootstrapToken(token: string, getSecret: SecretLookup, now: number = Date.now()): Promise<BootstrapTokenValidation> {
  const parsed = parseBootstrapToken(token);
  if (!parsed) return { ok: false, reason: 'not a bootstrap token' };
  const secretName = BOOTSTRAP_TOKEN_SECRET_PREFIX + parsed.id;
  const secret = await getSecret(BOOTSTRAP_TOKEN_NAMESPACE, secretName);
  if (!secret) return { ok: false, reason: `no secret ${BOOTSTRAP_TOKEN_NAMESPACE}/${secretName}` };
  if (secret.metadata?.deletionTimestamp) return { ok: false, reason: 'token secret is being deleted' };
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) return { ok: false, reason: `secret has type ${secret.type ?? ''}` };
  const tokenSecret = secretValue(secret, 'token-secret');
  if (tokenSecret === undefined || !equalConstantTime(tokenSecret, parsed.secret)) return { ok: false, reason: 'token secret does not match' };
  const tokenId = secretValue(secret, 'token-id');
  if (tokenId !== undefined && tokenId !== parsed.id) return { ok: false, reason: 'token id does not match' };
  const expiration = secretValue(secret, 'expiration');
  if (expiration) {
    const at = Date.parse(expiration);
    if (Number.isNaN(at) || at <= now) return { ok: false, reason: 'token has expired' };
  }
  if (secretValue(secret, 'usage-bootstrap-authentication') !== 'true') return { ok: false, reason: 'token not marked for authentication' };

  const groups = [BOOTSTRAPPERS_GROUP];
  for (const g of (secretValue(secret, 'auth-extra-groups') ?? '').split(',')) {
    const group = g.trim();
    if (!group) continue;
    if (!EXTRA_GROUP_PATTERN.test(group)) return { ok: false, reason: `invalid auth-extra-groups entry ${group}` };
    if (!groups.includes(group)) groups.push(group);
  }
  return { ok: true, user: { name: BOOTSTRAP_USER_PREFIX + parsed.id, groups } };
}
