/** Small conversions between protobufjs decoded values and JSON values. */

/** int64 fields decode to Long objects (protobufjs with the `long` package) or numbers. */
export function longToNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') return value.toNumber() as number;
  return Number(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
}

/** Go's encoding/json decodes []byte from standard base64; it rejects anything else. */
export function fromBase64(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new Error(`${path}: expected a base64 string`);
  }
  return Buffer.from(value, 'base64');
}
