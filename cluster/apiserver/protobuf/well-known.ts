/**
 * Kubernetes types whose Go JSON form is not their protobuf message shape (they implement json.Marshaler):
 * Quantity, IntOrString, metav1.Time / MicroTime / Duration, RawExtension, FieldsV1. Each converts between the
 * decoded protobuf message (protobufjs plain values) and the JSON value Go's encoding/json would write.
 */
import { longToNumber } from './values.js';

export interface WellKnownType {
  /** The JSON value, or undefined where Go writes null (zero Time, nil RawExtension). */
  toJSON(message: Record<string, unknown>): unknown;
  /** The message fields for a JSON value; throws on a value of the wrong shape. */
  fromJSON(value: unknown, path: string): Record<string, unknown>;
}

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** time.Time{} (Go's zero time, 0001-01-01T00:00:00Z) as Unix seconds: metav1.Time marshals it to JSON null. */
export const GO_ZERO_TIME_SECONDS = -62135596800;

function formatTime(message: Record<string, unknown>, fractionDigits: number): string | undefined {
  // metav1.Time marshals the zero time as an empty message (time_proto.go: Size() is 0 when IsZero()).
  if (!Object.prototype.hasOwnProperty.call(message, 'seconds') && !Object.prototype.hasOwnProperty.call(message, 'nanos')) return undefined;
  const seconds = longToNumber(message.seconds ?? 0);
  const nanos = Number(message.nanos ?? 0);
  if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString(); // 2024-01-02T03:04:05.000Z
  const fraction = fractionDigits ? '.' + String(nanos).padStart(9, '0').slice(0, fractionDigits) : '';
  return iso.slice(0, 19) + fraction + 'Z';
}

function parseTime(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'string') throw new Error(`${path}: expected an RFC 3339 time string`);
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i.exec(value);
  if (!m) throw new Error(`${path}: invalid RFC 3339 time ${JSON.stringify(value)}`);
  const seconds = Math.floor(Date.parse(`${m[1]}${m[3]}`) / 1000);
  if (!Number.isFinite(seconds)) throw new Error(`${path}: invalid RFC 3339 time ${JSON.stringify(value)}`);
  return { seconds, nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}

const DURATION_UNITS: [string, number][] = [['h', 3600e9], ['m', 60e9], ['s', 1e9], ['ms', 1e6], ['us', 1e3], ['µs', 1e3], ['ns', 1]];

/** Go's time.Duration.String(): 1h2m3s, 1.5s, 2ms, 0s. */
export function formatGoDuration(ns: number): string {
  if (ns === 0) return '0s';
  const sign = ns < 0 ? '-' : '';
  let rest = Math.abs(ns);
  if (rest < 1e9) {
    const [unit, size] = rest < 1e3 ? ['ns', 1] : rest < 1e6 ? ['µs', 1e3] : ['ms', 1e6];
    return sign + trimFraction(rest / size) + unit;
  }
  const hours = Math.floor(rest / 3600e9);
  rest -= hours * 3600e9;
  const minutes = Math.floor(rest / 60e9);
  rest -= minutes * 60e9;
  let out = sign;
  if (hours) out += `${hours}h`;
  if (hours || minutes) out += `${minutes}m`;
  return out + trimFraction(rest / 1e9) + 's';
}

function trimFraction(n: number): string {
  return n.toFixed(9).replace(/\.?0+$/, '');
}

/** Go's time.ParseDuration. */
export function parseGoDuration(value: string, path: string): number {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:h|m|s|ms|us|µs|ns))+$/.exec(value);
  if (value === '0') return 0;
  if (!m) throw new Error(`${path}: invalid duration ${JSON.stringify(value)}`);
  let total = 0;
  for (const part of value.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(h|ms|m|s|us|µs|ns)/g)) {
    const size = DURATION_UNITS.find(([u]) => u === part[2])?.[1] ?? 1;
    total += Number(part[1]) * size;
  }
  return Math.round(m[1] === '-' ? -total : total);
}

function parseRawJSON(raw: unknown, path: string): unknown {
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array();
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
  } catch (err) {
    throw new Error(`${path}: embedded object is not JSON: ${(err as Error).message}`);
  }
}

function rawJSON(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

const QUANTITY: WellKnownType = {
  toJSON: (m) => String(m.string ?? '0'),
  fromJSON: (value, path) => {
    if (typeof value !== 'string' && typeof value !== 'number') throw new Error(`${path}: quantities must be a string or a number`);
    return { string: String(value) };
  },
};

export const WELL_KNOWN: Record<string, WellKnownType> = {
  'k8s.io.apimachinery.pkg.api.resource.Quantity': QUANTITY,
  'k8s.io.apimachinery.pkg.api.resource.QuantityValue': QUANTITY,
  'k8s.io.apimachinery.pkg.util.intstr.IntOrString': {
    // Type 0 = Int, 1 = String (intstr.Type).
    toJSON: (m) => (longToNumber(m.type ?? 0) === 1 ? String(m.strVal ?? '') : Number(m.intVal ?? 0)),
    fromJSON: (value, path) => {
      if (typeof value === 'number' && Number.isInteger(value)) return { type: 0, intVal: value };
      if (typeof value === 'string') return { type: 1, strVal: value };
      throw new Error(`${path}: expected an integer or a string`);
    },
  },
  [`${META}.Time`]: { toJSON: (m) => formatTime(m, 0), fromJSON: parseTime },
  [`${META}.MicroTime`]: { toJSON: (m) => formatTime(m, 6), fromJSON: parseTime },
  [`${META}.Duration`]: {
    toJSON: (m) => formatGoDuration(longToNumber(m.duration ?? 0)),
    fromJSON: (value, path) => {
      if (typeof value !== 'string') throw new Error(`${path}: expected a duration string`);
      return { duration: parseGoDuration(value, path) };
    },
  },
  [`${META}.FieldsV1`]: {
    toJSON: (m) => parseRawJSON(m.Raw, 'FieldsV1'),
    fromJSON: (value) => ({ Raw: rawJSON(value) }),
  },
  'k8s.io.apimachinery.pkg.runtime.RawExtension': {
    toJSON: (m) => parseRawJSON(m.raw, 'RawExtension'),
    fromJSON: (value) => ({ raw: rawJSON(value) }),
  },
};
