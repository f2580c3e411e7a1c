/**
 * One container's usage from the engine's stats (GET /containers/{id}/stats?stream=false
 * &one-shot=true): cumulative CPU in core-nanoseconds, memory usage and working set, and
 * the network counters of the container's own network namespace (a pod's sandbox).
 * Working set = usage − inactive_file, as cAdvisor and `docker stats` compute it
 * (cgroup v1 reports total_inactive_file, v2 inactive_file).
 */

/** The fields we read from the engine's stats JSON (cgroup v1 and v2 forms). */
export interface DockerStatsJSON {
  read?: string;
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number | undefined> };
  networks?: Record<string, { rx_bytes?: number; rx_errors?: number; tx_bytes?: number; tx_errors?: number }>;
}

export interface ContainerSample {
  /** When the engine read the counters, ms since the epoch. */
  timeMs: number;
  cpuCoreNanoSeconds: number;
  memoryUsageBytes: number;
  memoryWorkingSetBytes: number;
  memoryRssBytes: number;
  /** The memory limit the engine reports (the cgroup's, or the machine's when unlimited). */
  memoryLimitBytes?: number;
  pageFaults: number;
  majorPageFaults: number;
  interfaces: Array<{ name: string; rxBytes: number; rxErrors: number; txBytes: number; txErrors: number }>;
}

/** usage − inactive_file, never below zero. */
export function workingSet(usage: number, inactiveFile: number): number {
  return usage > inactiveFile ? usage - inactiveFile : 0;
}

export function containerSample(s: DockerStatsJSON, fallbackTimeMs = Date.now()): ContainerSample {
  const mem = s.memory_stats ?? {};
  const st = mem.stats ?? {};
  const usage = mem.usage ?? 0;
  const inactive = st.total_inactive_file ?? st.inactive_file ?? 0;
  const read = s.read ? Date.parse(s.read) : NaN;
  return {
    // A stopped container reads as 0001-01-01.
    timeMs: Number.isFinite(read) && read > 0 ? read : fallbackTimeMs,
    cpuCoreNanoSeconds: s.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSet(usage, inactive),
    memoryRssBytes: st.total_rss ?? st.rss ?? st.anon ?? 0,
    memoryLimitBytes: mem.limit,
    pageFaults: st.total_pgfault ?? st.pgfault ?? 0,
    majorPageFaults: st.total_pgmajfault ?? st.pgmajfault ?? 0,
    interfaces: Object.entries(s.networks ?? {})
      .map(([name, n]) => ({ name, rxBytes: n.rx_bytes ?? 0, rxErrors: n.rx_errors ?? 0, txBytes: n.tx_bytes ?? 0, txErrors: n.tx_errors ?? 0 }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}
