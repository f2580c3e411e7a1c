/**
 * Compact JWS (JWT) signing and verification on node:crypto — ES256 for EC P-256 keys,
 * RS256 for RSA keys, the two algorithms kube-apiserver's service-account signer uses.
 * The algorithm is derived from the key, never taken from the token header.
 */
import { createHash, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export type JwtAlgorithm = 'ES256' | 'RS256';

export type JwtPayload = Record<string, unknown>;

export function algorithmForKey(key: KeyObject): JwtAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`unsupported service-account key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

/** Upstream key ID: base64url(SHA-256(DER SubjectPublicKeyInfo)) (pkg/serviceaccount/jwt.go keyIDFromPublicKey). */
export function keyIdForPublicKey(publicKey: KeyObject): string {
  let kid = keyIds.get(publicKey);
  if (kid === undefined) {
    const der = publicKey.export({ type: 'spki', format: 'der' });
    kid = createHash('sha256').update(der).digest('base64url');
    keyIds.set(publicKey, kid);
  }
  return kid;
}
const keyIds = new WeakMap<KeyObject, string>();

const encodeSegment = (value: object): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** Signs `payload` with `privateKey`; the header carries alg and kid. */
export function signJwt(payload: JwtPayload, privateKey: KeyObject, kid: string): string {
  const alg = algorithmForKey(privateKey);
  const signingInput = `${encodeSegment({ alg, kid })}.${encodeSegment(payload)}`;
  const signature = sign('sha256', Buffer.from(signingInput), alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** True when the string has the three-segment shape of a compact JWS. */
export function looksLikeJwt(token: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(token);
}

function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The payload, without checking the signature (used to route a token to its validator). */
export function peekJwtPayload(token: string): JwtPayload | undefined {
  const parts = token.split('.');
  return parts.length === 3 ? decodeSegment(parts[1]) : undefined;
}

/** The payload if the signature verifies with one of `publicKeys`, else undefined. */
export function verifyJwt(token: string, publicKeys: readonly KeyObject[]): JwtPayload | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const header = decodeSegment(parts[0]);
  const payload = decodeSegment(parts[1]);
  if (!header || !payload) return undefined;
  const signingInput = Buffer.from(`${parts[0]}.${parts[1]}`);
  const signature = Buffer.from(parts[2], 'base64url');
  for (const key of publicKeys) {
    let alg: JwtAlgorithm;
    try {
      alg = algorithmForKey(key);
    } catch {
      continue;
    }
    if (header.alg !== alg) continue;
    if (typeof header.kid === 'string' && header.kid !== keyIdForPublicKey(key)) continue;
    const ok = verify('sha256', signingInput, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
    if (ok) return payload;
  }
  return undefined;
}
