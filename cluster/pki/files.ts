/** Writing secrets to disk: atomically (temp file + rename) and readable by the owner only. */
import { chmodSync, renameSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Writes a file atomically with mode 0600. */
export function writePrivateFile(path: string, data: string | Buffer): void {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, data, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}
