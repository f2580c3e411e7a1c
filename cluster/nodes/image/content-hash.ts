/**
 * Content hashes of image inputs: an image's tag (or label) carries the hash of
 * everything it is built from, so an unchanged input set means "already built".
 */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** sha256 over the parts in order, each length-prefixed so that boundaries count. */
export function hashParts(parts: Array<string | Buffer>): string {
  const h = createHash('sha256');
  for (const part of parts) {
    const buf = typeof part === 'string' ? Buffer.from(part, 'utf8') : part;
    h.update(`${buf.length}:`);
    h.update(buf);
  }
  return h.digest('hex');
}

/** Hash of a directory tree: relative paths, file modes (executable or not), contents, link targets. */
export function hashDirectory(dir: string): string {
  const parts: Array<string | Buffer> = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const abs = join(dir, relPath);
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        parts.push(`d ${relPath}`);
        walk(relPath);
      } else if (st.isSymbolicLink()) {
        parts.push(`l ${relPath} ${readlinkSync(abs)}`);
      } else if (st.isFile()) {
        parts.push(`f ${relPath} ${st.mode & 0o111 ? 'x' : '-'}`, readFileSync(abs));
      }
    }
  };
  walk('');
  return hashParts(parts);
}

/** The first 12 hex digits: enough for a tag, as Docker's short IDs. */
export const shortHash = (hex: string): string => hex.slice(0, 12);
