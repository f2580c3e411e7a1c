/**
 * A directory as a tar stream, from the system's `tar` (always on Linux hosts, and
 * it keeps owners, modes, links and device files of a root filesystem exactly).
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

export interface TarStream {
  stream: Readable;
  /** Resolves when tar exited 0; rejects with its stderr otherwise. */
  done: Promise<void>;
}

/** `tar -C dir -c members...` (default: the whole directory, as `.`). */
export function tarDirectory(dir: string, members: string[] = ['.']): TarStream {
  const child = spawn('tar', ['--numeric-owner', '--xattrs', '-C', dir, '-c', ...members], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`tar -C ${dir} failed (${code}): ${stderr.trim()}`))));
  });
  return { stream: child.stdout, done };
}
