/** What the numbers were measured on, printed before the run and stored with the results. */
import os from 'node:os';

export interface MachineInfo {
  hostname: string;
  platform: string;
  arch: string;
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  freeMemoryGiB: number;
  /** 1, 5 and 15 minute load averages when the run started: other work on the box skews the figures. */
  loadAverage: number[];
  node: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  const gib = (b: number) => Math.round((b / 2 ** 30) * 10) / 10;
  return {
    hostname: os.hostname(),
    platform: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: gib(os.totalmem()),
    freeMemoryGiB: gib(os.freemem()),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
  };
}

export function describeMachine(m: MachineInfo): string {
  return [
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB memory (${m.freeMemoryGiB} GiB free), ${m.platform} ${m.arch}`,
    `node ${m.node}; load average ${m.loadAverage.join(' / ')} (1/5/15 min)`,
  ].join('\n');
}
