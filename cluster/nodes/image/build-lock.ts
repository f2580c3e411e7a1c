/**
 * One image build at a time per cache directory, across processes (test files run in
 * parallel): a lock directory created atomically with the owner's pid inside, taken
 * over when that process is gone.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ownerOf(lockDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `fn` holding `<dir>/<name>.lock`; waits up to `timeoutMs` for another holder. */
export async function withBuildLock<T>(dir: string, name: string, fn: () => Promise<T>, timeoutMs = 15 * 60_000): Promise<T> {
  mkdirSync(dir, { recursive: true });
  const lockDir = join(dir, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  let seenOwnerless = 0;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = ownerOf(lockDir);
    // No pid file for a while (its writer died between mkdir and write), or a dead owner: stale.
    if (owner === undefined ? ++seenOwnerless > 20 : !alive(owner)) {
      rmSync(lockDir, { recursive: true, force: true });
      seenOwnerless = 0;
      continue;
    }
    if (Date.now() > deadline) throw new Error(`image build lock ${lockDir} held by pid ${owner} for over ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}
