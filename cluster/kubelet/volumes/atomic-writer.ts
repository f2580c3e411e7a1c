/**
 * Writes a volume's files so that a reader never sees half an update, as the kubelet's
 * AtomicWriter (pkg/volume/util/atomic_writer.go) does for configMap, secret, downwardAPI
 * and projected volumes:
 *
 *   <dir>/..2025_01_02_03_04_05.123456789/<files>   the payload, a new directory per update
 *   <dir>/..data -> ..2025_01_02_03_04_05.123456789 swapped atomically by rename(2)
 *   <dir>/<top-level name> -> ..data/<top-level name> the paths users see
 *
 * The symlinks are relative, so they resolve inside a container that bind-mounts <dir>,
 * and a mounted volume shows each update at once (subPath mounts, bound to one file, do not).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, renameSync, rmSync, statSync, symlinkSync, chmodSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';

export const DATA_DIR_NAME = '..data';
const DATA_DIR_TMP_NAME = '..data_tmp';

export interface FileProjection {
  data: Buffer;
  /** Permission bits (e.g. 0o644). */
  mode: number;
}

/** Relative path (as in items[].path) → content. */
export type Payload = Map<string, FileProjection>;

/** An items[].path the kubelet refuses (validatePath): absolute, with `..` elements, or starting with `..`. */
export function validatePayloadPath(p: string): string | undefined {
  if (!p) return 'invalid path: must not be empty';
  if (p.length > 4096) return `invalid path: must be less than or equal to 4096 characters`;
  if (posix.isAbsolute(p)) return `invalid path: must be relative path: ${p}`;
  if (p.split('/').includes('..')) return `invalid path: must not contain '..': ${p}`;
  if (p.startsWith('..')) return `invalid path: must not start with '..': ${p}`;
  return undefined;
}

/** `..2006_01_02_15_04_05.` in UTC, the prefix upstream gives its timestamped directories. */
function tsPrefix(nowMs: number): string {
  const d = new Date(nowMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${d.getUTCFullYear()}_${p(d.getUTCMonth() + 1)}_${p(d.getUTCDate())}_${p(d.getUTCHours())}_${p(d.getUTCMinutes())}_${p(d.getUTCSeconds())}.`;
}

function currentDataDir(dir: string): string | undefined {
  try {
    return readlinkSync(join(dir, DATA_DIR_NAME));
  } catch {
    return undefined;
  }
}

/** Whether the files under `tsDir` are exactly the payload (shouldWritePayload's comparison). */
function samePayload(tsDir: string, payload: Payload): boolean {
  const listed = new Set<string>();
  const walk = (rel: string) => {
    for (const e of readdirSync(join(tsDir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else listed.add(r);
    }
  };
  try {
    walk('');
  } catch {
    return false;
  }
  if (listed.size !== payload.size) return false;
  for (const [path, f] of payload) {
    if (!listed.has(path)) return false;
    const file = join(tsDir, path);
    if ((statSync(file).mode & 0o7777) !== f.mode) return false;
    if (!readFileSync(file).equals(f.data)) return false;
  }
  return true;
}

const topLevel = (p: string): string => p.split('/')[0];

/**
 * Makes `dir` hold exactly `payload`. Returns false when nothing had to change. Throws on
 * an invalid path.
 */
export function writeAtomically(dir: string, payload: Payload, nowMs = Date.now()): boolean {
  for (const p of payload.keys()) {
    const bad = validatePayloadPath(p);
    if (bad) throw new Error(bad);
  }
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const old = currentDataDir(dir);
  if (old && samePayload(join(dir, old), payload)) return false;

  // 1. The new payload in a fresh timestamped directory.
  const tsDir = mkdtempSync(join(dir, tsPrefix(nowMs)));
  chmodSync(tsDir, 0o755);
  for (const [path, f] of payload) {
    const file = join(tsDir, path);
    mkdirSync(dirname(file), { recursive: true, mode: 0o755 });
    writeFileSync(file, f.data);
    chmodSync(file, f.mode);
  }
  const tsName = tsDir.slice(dir.length + 1);

  // 2. The user-visible top-level paths, symlinks through ..data (created once, they stay valid across updates).
  const visible = new Set([...payload.keys()].map(topLevel));
  for (const name of visible) {
    const link = join(dir, name);
    if (!isSymlink(link)) {
      rmSync(link, { recursive: true, force: true });
      symlinkSync(join(DATA_DIR_NAME, name), link);
    }
  }

  // 3. The swap: ..data_tmp -> the new directory, renamed over ..data.
  const tmp = join(dir, DATA_DIR_TMP_NAME);
  rmSync(tmp, { force: true });
  symlinkSync(tsName, tmp);
  renameSync(tmp, join(dir, DATA_DIR_NAME));

  // 4. Paths no longer in the payload, and the old data.
  for (const name of readdirSync(dir)) {
    if (name.startsWith('..') || visible.has(name)) continue;
    rmSync(join(dir, name), { recursive: true, force: true });
  }
  if (old && old !== tsName && existsSync(join(dir, old))) rmSync(join(dir, old), { recursive: true, force: true });
  return true;
}

function isSymlink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
