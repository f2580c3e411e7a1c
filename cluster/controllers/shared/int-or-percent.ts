/**
 * intstr.GetScaledValueFromIntOrPercent: an int is itself; "25%" is that share of
 * `total`, rounded up or down as the caller asks (Deployments round surge up and
 * unavailability down).
 */
export type IntOrPercent = number | string | undefined;

export function scaledValueFromIntOrPercent(v: IntOrPercent, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    // An int serialized as a string is accepted by intstr.Parse.
    if (/^-?\d+$/.test(v)) return Number(v);
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g "5%")`);
  }
  const scaled = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}
