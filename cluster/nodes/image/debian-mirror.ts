/**
 * Which Debian mirror the offline node-image build fetches from: the one the host's
 * apt uses (deb822 `*.sources` or one-line `sources.list`), since that is the one
 * known to be reachable; KUBARIUM_DEBIAN_MIRROR overrides it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_DEBIAN_MIRROR = 'http://deb.debian.org/debian';

interface AptSource {
  uri: string;
  suites: string[];
  components: string[];
}

/** Entries of a deb822 `.sources` file with `Types: deb`. */
export function parseDeb822Sources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const stanza of text.split(/\n\s*\n/)) {
    const fields = new Map<string, string>();
    let last = '';
    for (const line of stanza.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields.set((last = m[1].toLowerCase()), m[2]);
      else if (/^\s/.test(line) && last) fields.set(last, `${fields.get(last)} ${line.trim()}`);
    }
    if (fields.get('enabled')?.toLowerCase() === 'no') continue;
    if (!(fields.get('types') ?? '').split(/\s+/).includes('deb')) continue;
    const words = (k: string) => (fields.get(k) ?? '').split(/\s+/).filter(Boolean);
    for (const uri of words('uris')) out.push({ uri, suites: words('suites'), components: words('components') });
  }
  return out;
}

/** Entries of a one-line-style `sources.list` (`deb [opts] URI SUITE COMPONENT...`). */
export function parseOneLineSources(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').replace(/\[[^\]]*\]/, '').trim();
    const [type, uri, suite, ...components] = line.split(/\s+/);
    if (type === 'deb' && uri && suite) out.push({ uri, suites: [suite], components });
  }
  return out;
}

/** The first source serving `suite` with `main` (not the security archive), else Debian's CDN. */
export function pickMirror(sources: AptSource[], suite: string): string {
  const found = sources.find((s) => s.suites.includes(suite) && s.components.includes('main') && !/security/.test(s.uri));
  return (found?.uri ?? DEFAULT_DEBIAN_MIRROR).replace(/\/+$/, '');
}

export function hostDebianMirror(suite: string, aptDir = '/etc/apt'): string {
  if (process.env.KUBARIUM_DEBIAN_MIRROR) return process.env.KUBARIUM_DEBIAN_MIRROR;
  const sources: AptSource[] = [];
  const list = join(aptDir, 'sources.list');
  if (existsSync(list)) sources.push(...parseOneLineSources(readFileSync(list, 'utf8')));
  const dir = join(aptDir, 'sources.list.d');
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const text = readFileSync(join(dir, name), 'utf8');
      if (name.endsWith('.sources')) sources.push(...parseDeb822Sources(text));
      else if (name.endsWith('.list')) sources.push(...parseOneLineSources(text));
    }
  }
  return pickMirror(sources, suite);
}
