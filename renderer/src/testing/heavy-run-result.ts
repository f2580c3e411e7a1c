/**
 * One workload's run as the heavy-work bench page (heavy-bench-page.ts) reports it to
 * bench/ui-heavy.ts. It imports nothing, so the page and Node's benchmark share it.
 */
export interface RunResult {
  ms: number;
  longTasks: number;
  longestTaskMs: number;
  maxFrameGapMs: number;
  size: string;
}
