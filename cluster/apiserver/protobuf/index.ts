/**
 * Kubernetes protobuf bodies (`application/vnd.kubernetes.protobuf`), as kubectl v1.34's typed clients send them
 * (k8s.io/apimachinery/pkg/runtime/serializer/protobuf): the magic `k8s\0`, then a runtime.Unknown whose typeMeta
 * names the object's apiVersion/kind and whose raw holds the object as its own message. Decoding yields the JSON
 * object a JSON client would have sent for the same Go object; encoding is the reverse.
 */
import protobuf from 'protobufjs';
import { messageFromGoJSON, messageToGoJSON } from './go-json.js';
import { lookupMessage, messageTypeFor, RUNTIME } from './schema.js';
import { isPlainObject } from './values.js';

export const KUBERNETES_PROTOBUF = 'application/vnd.kubernetes.protobuf';
/** The 4-byte prefix of every Kubernetes protobuf body. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** True for `application/vnd.kubernetes.protobuf` (parameters and case ignored). Not for the `;stream=watch` form. */
export function isKubernetesProtobuf(contentType: string): boolean {
  const [mediaType, ...params] = contentType.split(';').map((s) => s.trim().toLowerCase());
  return mediaType === KUBERNETES_PROTOBUF && !params.some((p) => p.replace(/\s+/g, '') === 'stream=watch');
}

function unknownType(): protobuf.Type {
  const type = lookupMessage(`${RUNTIME}.Unknown`);
  if (!type) throw new Error('protobuf schema has no runtime.Unknown');
  return type;
}

interface UnknownMessage {
  typeMeta?: { apiVersion?: string; kind?: string };
  raw?: Uint8Array;
  contentEncoding?: string;
  contentType?: string;
}

function decodeMessage(type: protobuf.Type, bytes: Uint8Array, what: string): Record<string, unknown> {
  try {
    return type.decode(bytes) as unknown as Record<string, unknown>;
  } catch (err) {
    throw new Error(`error decoding ${what} from protobuf: ${(err as Error).message}`);
  }
}

/** Decodes a runtime.Unknown (without the magic) into the object's JSON, apiVersion and kind first. */
function decodeUnknown(bytes: Uint8Array): Record<string, unknown> {
  const unknown = decodeMessage(unknownType(), bytes, 'runtime.Unknown') as UnknownMessage;
  const apiVersion = unknown.typeMeta?.apiVersion ?? '';
  const kind = unknown.typeMeta?.kind ?? '';
  if (!kind) throw new Error("Object 'Kind' is missing in protobuf body");
  if (!apiVersion) throw new Error("Object 'apiVersion' is missing in protobuf body");
  if (unknown.contentEncoding) throw new Error(`unsupported protobuf content encoding ${JSON.stringify(unknown.contentEncoding)}`);
  if (unknown.contentType && unknown.contentType !== KUBERNETES_PROTOBUF && !unknown.contentType.startsWith('application/json')) {
    throw new Error(`unsupported embedded content type ${JSON.stringify(unknown.contentType)}`);
  }
  const raw = unknown.raw ?? new Uint8Array();
  let body: unknown;
  if (unknown.contentType?.startsWith('application/json')) {
    try {
      body = JSON.parse(Buffer.from(raw).toString('utf8'));
    } catch (err) {
      throw new Error(`error decoding embedded JSON: ${(err as Error).message}`);
    }
  } else {
    const type = messageTypeFor(apiVersion, kind);
    body = messageToGoJSON(type, decodeMessage(type, raw, `${apiVersion} ${kind}`));
  }
  if (!isPlainObject(body)) throw new Error(`${apiVersion} ${kind}: embedded object is not a JSON object`);
  return { apiVersion, kind, ...body };
}

/**
 * Decodes a Kubernetes protobuf request body into the JSON object a JSON client would have sent
 * (with apiVersion and kind from the envelope). Throws an Error (for a 400) on malformed input or unknown kinds.
 */
export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < PROTOBUF_MAGIC.length || !body.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw new Error('provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  return decodeUnknown(body.subarray(PROTOBUF_MAGIC.length));
}

/**
 * Encodes a JSON object as a Kubernetes protobuf body: magic + runtime.Unknown{typeMeta, raw = the object's
 * message}. apiVersion/kind fields in obj are ignored (the envelope carries them). Throws on a wrong-shaped field.
 */
export function encodeKubernetesProtobuf(obj: Record<string, unknown>, apiVersion: string, kind: string): Buffer {
  const type = messageTypeFor(apiVersion, kind);
  const raw = type.encode(messageFromGoJSON(type, obj)).finish();
  const unknown = unknownType().encode({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }).finish();
  return Buffer.concat([PROTOBUF_MAGIC, unknown]);
}
