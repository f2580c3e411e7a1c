/**
 * Kubernetes resource.Quantity parsing, to a float. Enough for comparisons
 * (requests <= limits, QoS); canonical formatting is not attempted.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

// Same grammar as resource.ParseQuantity: <signedNumber><suffix>, suffix binarySI | decimalSI | decimalExponent.
const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;

/** The numeric value of a quantity (string or JSON number), or undefined if it does not parse. */
export function parseQuantity(q: unknown): number | undefined {
  if (typeof q === 'number') return Number.isFinite(q) ? q : undefined;
  if (typeof q !== 'string') return undefined;
  const m = QUANTITY.exec(q.trim());
  if (!m || q.trim() !== q) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * BINARY[suffix];
  if (suffix in DECIMAL) return n * DECIMAL[suffix];
  return n * 10 ** Number(suffix.slice(1));
}

/** A quantity's text as the API shows it (strings as given, numbers as numbers). */
export function quantityText(q: unknown): string {
  return typeof q === 'string' ? q : String(q);
}

/**
 * Formats a value as Kubernetes would show a sum of quantities: binary suffixes when
 * `binary` (memory, storage) and the value divides evenly, milli-units for fractions
 * (CPU), plain integers otherwise.
 */
export function formatQuantity(value: number, binary: boolean): string {
  if (binary && Number.isInteger(value) && value !== 0) {
    for (const s of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
      const unit = BINARY[s];
      if (value % unit === 0) return `${value / unit}${s}`;
    }
  }
  if (Number.isInteger(value)) return String(value);
  const milli = Math.round(value * 1000);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
