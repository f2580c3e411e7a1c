/**
 * Usage as resource.Quantity text, in the canonical form Go writes: CPU is
 * NewScaledQuantity(nanocores, Nano) (`12m`, `250001n`, `2`), memory
 * NewQuantity(bytes, BinarySI) (`34Mi`, `1500Ki`, or plain bytes when not a multiple of
 * 1024). And metav1.Duration text (time.Duration.String: `15.023s`, `1m0.5s`).
 */

const DECIMAL_SUFFIX: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };

/** An integer count of 10^exponent units, canonicalised to the largest exact suffix. */
export function decimalQuantity(amount: number, exponent: number): string {
  let n = Math.round(amount);
  if (n === 0) return '0';
  let e = exponent;
  while (n % 1000 === 0 && e < 18) {
    n /= 1000;
    e += 3;
  }
  return `${n}${DECIMAL_SUFFIX[e]}`;
}

export function cpuQuantity(nanoCores: number): string {
  return decimalQuantity(nanoCores, -9);
}

const BINARY_SUFFIX = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

export function memoryQuantity(bytes: number): string {
  let n = Math.round(bytes);
  // Go shows small values as DecimalSI, others in base-1024 units (plain bytes when inexact).
  if (n > -1024 && n < 1024) return decimalQuantity(n, 0);
  if (n % 1024 !== 0) return String(n);
  let i = 0;
  while (n % 1024 === 0 && i < BINARY_SUFFIX.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n}${BINARY_SUFFIX[i]}`;
}

/** time.Duration.String for a span in ms (ms precision). */
export function durationText(ms: number): string {
  const total = Math.round(ms);
  if (total === 0) return '0s';
  if (total < 1000) return `${total}ms`;
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor((total % 3_600_000) / 60_000);
  const s = (total % 60_000) / 1000;
  const sec = `${String(Number(s.toFixed(3)))}s`;
  if (h > 0) return `${h}h${m}m${sec}`;
  if (m > 0) return `${m}m${sec}`;
  return sec;
}
