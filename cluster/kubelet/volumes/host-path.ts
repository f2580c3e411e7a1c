/**
 * hostPath's type checks (pkg/volume/hostpath checkType): `DirectoryOrCreate` and
 * `FileOrCreate` make what is missing, the others require it to be there and of that kind.
 * Inside a node the paths are the node container's, as a kubelet's are its machine's.
 */
import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { VolumeSetupError } from './payload.js';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

export function checkHostPath(path: string, type: string | undefined): void {
  const st = stat(path);
  const fail = (what: string) => new VolumeSetupError(`hostPath type check failed: ${path} is not a ${what}`);
  switch (type ?? '') {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!st) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!st.isDirectory()) throw fail('directory');
      return;
    case 'Directory':
      if (!st?.isDirectory()) throw fail('directory');
      return;
    case 'FileOrCreate':
      if (!st) {
        try {
          closeSync(openSync(path, 'a', 0o644));
        } catch (err) {
          throw new VolumeSetupError(`hostPath type check failed: ${path}: ${(err as Error).message}`);
        }
      } else if (!st.isFile()) throw fail('file');
      return;
    case 'File':
      if (!st?.isFile()) throw fail('file');
      return;
    case 'Socket':
      if (!st?.isSocket()) throw fail('socket file');
      return;
    case 'CharDevice':
      if (!st?.isCharacterDevice()) throw fail('character device');
      return;
    case 'BlockDevice':
      if (!st?.isBlockDevice()) throw fail('block device');
      return;
    default:
      throw new VolumeSetupError(`hostPath type check failed: unknown type ${type}`);
  }
}
