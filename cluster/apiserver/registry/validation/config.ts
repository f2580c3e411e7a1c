/** ConfigMap and Secret validation (ValidateConfigMap, ValidateSecret and their updates). */
import { deepEqual, isObject, obj, str, type JsonObject } from '../json.js';
import { forbidden, invalid, key, required, tooLong, type FieldCause } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { FIELD_IMMUTABLE, isConfigMapKey, nameIsDNSSubdomain } from './names.js';

/** core.MaxSecretSize: 1 MiB for the data of a ConfigMap or Secret. */
export const MAX_SECRET_SIZE = 1024 * 1024;

function base64Length(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

export function validateConfigMap(cm: JsonObject): FieldCause[] {
  const out = validateObjectMeta(obj(cm, 'metadata'), { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = obj(cm, 'data') ?? {};
  const binary = obj(cm, 'binaryData') ?? {};
  let total = 0;
  for (const k of Object.keys(data).sort()) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('data', k), k, m));
    if (k in binary) out.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    total += Buffer.byteLength(String(data[k] ?? ''));
  }
  for (const k of Object.keys(binary).sort()) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('binaryData', k), k, m));
    total += base64Length(binary[k]);
  }
  // An empty path: the error refers to the whole object.
  if (total > MAX_SECRET_SIZE) out.push(tooLong('', MAX_SECRET_SIZE));
  return out;
}

function immutableDataRules(o: JsonObject, old: JsonObject, fields: string[]): FieldCause[] {
  if (old.immutable !== true) return [];
  const out: FieldCause[] = [];
  if (o.immutable !== true) out.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
  for (const f of fields) if (!deepEqual(o[f] ?? {}, old[f] ?? {})) out.push(forbidden(f, 'field is immutable when `immutable` is set'));
  return out;
}

export function validateConfigMapUpdate(cm: JsonObject, old: JsonObject): FieldCause[] {
  return [...validateObjectMetaUpdate(obj(cm, 'metadata'), obj(old, 'metadata')), ...immutableDataRules(cm, old, ['data', 'binaryData']), ...validateConfigMap(cm)];
}

export function validateSecret(secret: JsonObject): FieldCause[] {
  const out = validateObjectMeta(obj(secret, 'metadata'), { namespaced: true, nameFn: nameIsDNSSubdomain });
  const data = obj(secret, 'data') ?? {};
  let total = 0;
  for (const k of Object.keys(data).sort()) {
    for (const m of isConfigMapKey(k)) out.push(invalid(key('data', k), k, m));
    total += base64Length(data[k]);
  }
  if (total > MAX_SECRET_SIZE) out.push(tooLong('data', MAX_SECRET_SIZE));
  const has = (k: string) => Object.hasOwn(data, k);
  const jsonKey = (k: string) => {
    if (!has(k)) return out.push(required(key('data', k)));
    try {
      const parsed: unknown = JSON.parse(Buffer.from(String(data[k]), 'base64').toString('utf8'));
      if (!isObject(parsed)) throw new Error('json: cannot unmarshal into Go value of type map[string]interface {}');
    } catch (e) {
      out.push(invalid(key('data', k), '<secret contents redacted>', (e as Error).message));
    }
    return 0;
  };
  switch (str(secret, 'type') ?? '') {
    case 'kubernetes.io/service-account-token': {
      const ann = obj(obj(secret, 'metadata'), 'annotations');
      if (!ann?.['kubernetes.io/service-account.name']) out.push(required(key('metadata.annotations', 'kubernetes.io/service-account.name')));
      break;
    }
    case 'kubernetes.io/dockercfg':
      jsonKey('.dockercfg');
      break;
    case 'kubernetes.io/dockerconfigjson':
      jsonKey('.dockerconfigjson');
      break;
    case 'kubernetes.io/basic-auth':
      // username or password may be empty, but one key must be present.
      if (!has('username') && !has('password')) out.push(required(key('data', 'username')), required(key('data', 'password')));
      break;
    case 'kubernetes.io/ssh-auth':
      if (base64Length(data['ssh-privatekey']) === 0) out.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) out.push(required(key('data', 'tls.crt')));
      if (!has('tls.key')) out.push(required(key('data', 'tls.key')));
      break;
    default:
  }
  return out;
}

export function validateSecretUpdate(secret: JsonObject, old: JsonObject): FieldCause[] {
  const out = [...validateObjectMetaUpdate(obj(secret, 'metadata'), obj(old, 'metadata'))];
  if ((secret.type ?? 'Opaque') !== (old.type ?? 'Opaque')) out.push(invalid('type', secret.type ?? '', FIELD_IMMUTABLE));
  out.push(...immutableDataRules(secret, old, ['data']), ...validateSecret(secret));
  return out;
}
