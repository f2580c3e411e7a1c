import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_DEBIAN_MIRROR, hostDebianMirror, parseDeb822Sources, parseOneLineSources, pickMirror } from './debian-mirror.js';

const DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://mirror.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://mirror.example/debian-security
Suites: bookworm-security
Components: main
`;

test('deb822 sources: the main archive, not security', () => {
  const sources = parseDeb822Sources(DEB822);
  assert.equal(sources.length, 2);
  assert.equal(pickMirror(sources, 'bookworm'), 'http://mirror.example/debian');
  assert.equal(pickMirror(sources, 'trixie'), DEFAULT_DEBIAN_MIRROR);
});

test('one-line sources.list with options and comments', () => {
  const sources = parseOneLineSources('# x\ndeb [arch=amd64] http://m.example/debian/ bookworm main contrib\ndeb-src http://s/ bookworm main\n');
  assert.deepEqual(sources, [{ uri: 'http://m.example/debian/', suites: ['bookworm'], components: ['main', 'contrib'] }]);
  assert.equal(pickMirror(sources, 'bookworm'), 'http://m.example/debian');
});

const dir = mkdtempSync(join(tmpdir(), 'kubarium-apt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('hostDebianMirror reads an apt directory', () => {
  mkdirSync(join(dir, 'sources.list.d'));
  writeFileSync(join(dir, 'sources.list.d', 'debian.sources'), DEB822);
  writeFileSync(join(dir, 'sources.list.d', 'other.list.disabled'), 'deb http://nope/ bookworm main\n');
  const saved = process.env.KUBARIUM_DEBIAN_MIRROR;
  delete process.env.KUBARIUM_DEBIAN_MIRROR;
  try {
    assert.equal(hostDebianMirror('bookworm', dir), 'http://mirror.example/debian');
  } finally {
    if (saved !== undefined) process.env.KUBARIUM_DEBIAN_MIRROR = saved;
  }
});
