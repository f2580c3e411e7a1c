/** The hottest functions of a V8 CPU profile (CDP Profiler.stop), by self time, for the table. */

export interface HotFunction {
  name: string;
  /** file:line (the page's bundle), or empty for V8's own entries ((garbage collector), (program)). */
  where: string;
  selfMs: number;
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export function summarizeProfile(profile: Profile, top: number): HotFunction[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, HotFunction>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const frame = byId.get(samples[i])?.callFrame;
    if (!frame) continue;
    const file = frame.url.split('/').pop() ?? '';
    const where = file ? `${file}:${frame.lineNumber + 1}:${frame.columnNumber + 1}` : '';
    const name = frame.functionName || '(anonymous)';
    const key = `${name} ${where}`;
    const entry = self.get(key) ?? { name, where, selfMs: 0 };
    // timeDeltas[i] is the time before sample i; the sample's own duration is the next delta.
    entry.selfMs += (deltas[i + 1] ?? 0) / 1000;
    self.set(key, entry);
  }
  return [...self.values()]
    .filter((h) => h.name !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, top)
    .map((h) => ({ ...h, selfMs: Math.round(h.selfMs) }));
}
