/**
 * Memory-backed emptyDir the way the kubelet makes it (pkg/volume/emptydir setupTmpfs): a
 * tmpfs mounted on the volume's directory, which every container of the pod then
 * bind-mounts, so it is shared and lives as long as the pod, not as long as one
 * container. Needs CAP_SYS_ADMIN (a node container has it); without it the caller falls
 * back to the runtime's tmpfs.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Mount points from /proc/self/mountinfo (field 5, octal escapes decoded). */
function mountPoints(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export function isMountPoint(path: string): boolean {
  return mountPoints().includes(path);
}

/** Mounts a tmpfs on `path` (an existing directory); false when this process may not mount. */
export function mountTmpfs(path: string, sizeBytes?: number): boolean {
  const opts = ['mode=1777', ...(sizeBytes ? [`size=${sizeBytes}`] : [])].join(',');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', opts, 'tmpfs', path], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Unmounts everything mounted at or below `dir`, deepest first. */
export function unmountUnder(dir: string): void {
  const under = mountPoints().filter((m) => m === dir || m.startsWith(`${dir}/`));
  for (const m of under.sort((a, b) => b.length - a.length)) {
    try {
      execFileSync('umount', [m], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', m], { stdio: 'ignore' });
    }
  }
}
