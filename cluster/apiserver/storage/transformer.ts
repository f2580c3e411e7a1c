/**
 * Encryption at rest, as kube-apiserver's EncryptionConfiguration with the aesgcm
 * provider does it: values under /registry/secrets/ are stored as
 * `k8s:enc:aesgcm:v1:<keyName>:` + 12-byte nonce + ciphertext + 16-byte tag, with the
 * store key as additional authenticated data (so a value cannot be moved to another key).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface ValueTransformer {
  toStorage(key: string, plain: Uint8Array): Uint8Array;
  fromStorage(key: string, stored: Uint8Array): Uint8Array;
}

export const identityTransformer: ValueTransformer = {
  toStorage: (_k, v) => v,
  fromStorage: (_k, v) => v,
};

export const AESGCM_PREFIX = 'k8s:enc:aesgcm:v1:';

export class AesGcmTransformer implements ValueTransformer {
  private readonly prefix: Buffer;

  constructor(
    private readonly key: Buffer,
    keyName = 'key1',
  ) {
    if (key.length !== 32) throw new Error('aesgcm key must be 32 bytes');
    this.prefix = Buffer.from(`${AESGCM_PREFIX}${keyName}:`);
  }

  toStorage(key: string, plain: Uint8Array): Uint8Array {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(Buffer.from(key));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([this.prefix, nonce, body, cipher.getAuthTag()]);
  }

  fromStorage(key: string, stored: Uint8Array): Uint8Array {
    const buf = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
    // Values written before encryption was enabled stay readable, as upstream's identity fallback.
    if (!buf.subarray(0, AESGCM_PREFIX.length).equals(Buffer.from(AESGCM_PREFIX))) return stored;
    if (!buf.subarray(0, this.prefix.length).equals(this.prefix)) throw new Error(`no matching decryption key for ${key}`);
    const rest = buf.subarray(this.prefix.length);
    const nonce = rest.subarray(0, 12);
    const tag = rest.subarray(rest.length - 16);
    const body = rest.subarray(12, rest.length - 16);
    const decipher = createDecipheriv('aes-256-gcm', this.key, nonce);
    decipher.setAAD(Buffer.from(key));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(body), decipher.final()]);
  }
}

/** Applies `inner` to keys under the given prefixes, identity elsewhere. */
export function prefixTransformer(prefixes: readonly string[], inner: ValueTransformer): ValueTransformer {
  const applies = (key: string) => prefixes.some((p) => key.startsWith(p));
  return {
    toStorage: (k, v) => (applies(k) ? inner.toStorage(k, v) : v),
    fromStorage: (k, v) => (applies(k) ? inner.fromStorage(k, v) : v),
  };
}
