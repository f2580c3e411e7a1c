/**
 * Encoding between API objects and store values. Objects are stored as JSON without
 * metadata.resourceVersion (the store's mod revision is the resourceVersion, set on
 * every read, as kube-apiserver's etcd3 storage does).
 */
import { internalError } from '../../api/status.js';
import { storedBytes, type KubeObject, type StoredJSON } from './object.js';
import type { ValueTransformer } from './transformer.js';

export class Codec {
  constructor(private readonly transformer: ValueTransformer) {}

  encode(key: string, obj: KubeObject): Uint8Array {
    const md = obj.metadata;
    const rv = md?.resourceVersion;
    if (md && rv !== undefined) delete md.resourceVersion;
    try {
      return this.transformer.toStorage(key, Buffer.from(JSON.stringify(obj)));
    } finally {
      if (md && rv !== undefined) md.resourceVersion = rv;
    }
  }

  /** The stored value of a laid-out object (storedJSON): the same bytes encode() would give. */
  encodeStored(key: string, j: StoredJSON): Uint8Array {
    return this.transformer.toStorage(key, storedBytes(j));
  }

  decode(key: string, value: Uint8Array, modRevision: number): KubeObject {
    let obj: KubeObject;
    try {
      const plain = this.transformer.fromStorage(key, value);
      obj = JSON.parse(Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength).toString('utf8')) as KubeObject;
    } catch (err) {
      throw internalError(`unable to decode ${key}: ${(err as Error).message}`);
    }
    (obj.metadata ??= {}).resourceVersion = String(modRevision);
    return obj;
  }
}
