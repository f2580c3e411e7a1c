/**
 * The explorer's read-only store view over the control plane's StoreView: keys as of a
 * revision, values decoded for reading, a key's history, and live changes. Secrets stay as
 * stored (`k8s:enc:aesgcm:v1:key1:` + ciphertext) unless decryption is asked for, as
 * `etcdctl get /registry/secrets/…` shows them on a cluster with encryption at rest.
 */
import { StatusError } from '../api/status.js';
import type { StoreKeyValue, StoreView, StoreWatchEvent } from '../controlplane/types.js';
import type { StoreEvent, StoreExplorerApi, StoreInfo, StoreKeyList, StoreKeyMeta, StoreValue } from './explorer-api.js';

const ENCRYPTED_PREFIX = 'k8s:enc:';
const HISTORY_LIMIT = 50;
const BINARY_PREVIEW_BYTES = 4096;

function metaOf(kv: StoreKeyValue): StoreKeyMeta {
  return { key: kv.key, createRevision: kv.createRevision, modRevision: kv.modRevision, version: kv.version, lease: kv.lease, size: kv.value.byteLength };
}

/** `k8s:enc:<provider>:v1:<keyName>:` as text, the rest (nonce, ciphertext, tag) as base64. */
function showEncrypted(value: Buffer): string {
  // The prefix has five colons: k8s:enc:aesgcm:v1:key1:
  let end = 0;
  for (let colons = 0; colons < 5 && end < value.length; end++) if (value[end] === 0x3a) colons++;
  return value.subarray(0, end).toString('latin1') + value.subarray(end).toString('base64');
}

/** JSON pretty-printed; UTF-8 text as is; anything else as hex (the first 4 KiB). */
export function decodeValue(bytes: Uint8Array): Pick<StoreValue, 'encoding' | 'text'> {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, ENCRYPTED_PREFIX.length).toString('latin1') === ENCRYPTED_PREFIX) return { encoding: 'encrypted', text: showEncrypted(buf) };
  const text = buf.toString('utf8');
  try {
    return { encoding: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    // Not JSON: fall through.
  }
  const control = buf.some((b) => b < 0x09 || (b > 0x0d && b < 0x20));
  if (!text.includes('\uFFFD') && !control) return { encoding: 'text', text };
  const hex = buf.subarray(0, BINARY_PREVIEW_BYTES).toString('hex').replace(/(.{32})/g, '$1\n').trim();
  return { encoding: 'binary', text: buf.length > BINARY_PREVIEW_BYTES ? `${hex}\n… ${buf.length} bytes` : hex };
}

/** A compacted revision is gone (410 Gone, as the API server answers an expired resourceVersion). */
function asStatus(err: unknown): unknown {
  if (err instanceof Error && err.name === 'CompactedError') return new StatusError(410, 'Expired', err.message);
  if (err instanceof Error && err.name === 'FutureRevisionError') return new StatusError(400, 'BadRequest', err.message);
  return err;
}

export class StoreExplorer implements StoreExplorerApi {
  constructor(private readonly view: StoreView) {}

  async storeInfo(): Promise<StoreInfo> {
    const [revision, compactRevision] = await Promise.all([this.view.currentRevision(), this.view.compactRevision()]);
    return { backend: this.view.backend, revision, compactRevision };
  }

  async storeKeys(prefix: string, revision?: number): Promise<StoreKeyList> {
    try {
      const res = await this.view.range(prefix, { revision: revision || undefined });
      return { revision: res.revision, keys: res.kvs.map(metaOf) };
    } catch (err) {
      throw asStatus(err);
    }
  }

  async storeValue(key: string, revision?: number, decrypt = false): Promise<StoreValue | null> {
    let res;
    try {
      res = await this.view.get(key, revision || undefined);
    } catch (err) {
      throw asStatus(err);
    }
    if (!res.kv) return null;
    const decoded = decodeValue(res.kv.value);
    if (decoded.encoding === 'encrypted' && decrypt) {
      const plain = decodeValue(this.view.decrypt(key, res.kv.value));
      return { ...metaOf(res.kv), revision: res.revision, ...plain, decrypted: true };
    }
    return { ...metaOf(res.kv), revision: res.revision, ...decoded, decrypted: false };
  }

  /**
   * Walks back through the key's versions: each version's predecessor is the key as of the
   * revision just before its modRevision. Stops at the key's creation (the version before
   * that read is absent) or at the compacted revision.
   */
  async storeHistory(key: string, limit?: number): Promise<StoreKeyMeta[]> {
    limit ||= HISTORY_LIMIT;
    const out: StoreKeyMeta[] = [];
    let kv = (await this.view.get(key)).kv;
    while (kv && out.length < limit) {
      out.push(metaOf(kv));
      if (kv.version <= 1) break;
      try {
        kv = (await this.view.get(key, kv.modRevision - 1)).kv;
      } catch {
        break; // compacted: older versions are gone
      }
    }
    return out;
  }

  watchStore(prefix: string, onEvents: (events: StoreEvent[]) => void): () => void {
    let cancelled = false;
    let cancel: (() => Promise<void>) | undefined;
    const toEvent = (e: StoreWatchEvent): StoreEvent => ({ type: e.type, ...metaOf(e.kv), prevModRevision: e.prevKv?.modRevision ?? 0 });
    void this.view
      .watch({ prefix }, { onEvents: (events) => !cancelled && onEvents(events.map(toEvent)), onError: () => undefined })
      .then((watch) => {
        if (cancelled) void watch.cancel();
        else cancel = () => watch.cancel();
      });
    return () => {
      cancelled = true;
      void cancel?.();
    };
  }
}

/** What the bridge answers when its host does not run the control plane in-process. */
export const noStore: StoreExplorerApi = {
  storeInfo: () => Promise.reject(new StatusError(503, 'ServiceUnavailable', 'this cluster has no store view (its control plane runs elsewhere)')),
  storeKeys: () => noStore.storeInfo() as never,
  storeValue: () => noStore.storeInfo() as never,
  storeHistory: () => noStore.storeInfo() as never,
  watchStore: () => () => undefined,
};
