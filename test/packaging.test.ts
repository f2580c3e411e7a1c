/**
 * The packaging config (build/electron-builder.yml) and the electron-vite output
 * it packs. The output checks skip, saying so, until `npm run build` has run.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('..', import.meta.url));
const at = (p: string) => `${root}${p}`;

interface Target {
  target: string;
}
interface BuilderConfig {
  appId?: string;
  productName?: string;
  directories?: { output?: string };
  files?: string[];
  asarUnpack?: string[];
  extraResources?: { from: string; to: string }[];
  mac?: { target?: Target[] };
  win?: { target?: Target[] };
  linux?: { target?: Target[] };
}

const config = parse(readFileSync(at('build/electron-builder.yml'), 'utf8')) as BuilderConfig;
const targets = (list?: Target[]) => (list ?? []).map((t) => t.target).sort();

describe('build/electron-builder.yml', () => {
  it('names the app', () => {
    assert.equal(config.productName, 'Kubarium');
    assert.match(config.appId ?? '', /^[a-z0-9-]+(\.[a-z0-9-]+)+$/);
  });

  it('builds dmg, nsis, AppImage and deb', () => {
    assert.deepEqual(targets(config.mac?.target), ['dmg']);
    assert.deepEqual(targets(config.win?.target), ['nsis']);
    assert.deepEqual(targets(config.linux?.target), ['AppImage', 'deb']);
  });

  it('packs the electron-vite output and ships resources/ outside the asar', () => {
    assert.ok(config.files?.includes('out/**'), 'files includes out/**');
    assert.ok(
      config.asarUnpack?.some((p) => p.includes('better-sqlite3')),
      'better-sqlite3 is unpacked from the asar',
    );
    assert.deepEqual(
      config.extraResources?.map(({ from, to }) => ({ from, to })),
      [{ from: 'resources', to: 'resources' }],
    );
    assert.ok(existsSync(at('resources')), 'resources/ exists');
  });
});

const built = existsSync(at('out'));
describe('electron-vite output (out/)', { skip: built ? false : 'out/ is absent: run `npm run build` first' }, () => {
  it('has main, preload and renderer', () => {
    for (const dir of ['out/main', 'out/preload', 'out/renderer']) assert.ok(existsSync(at(dir)), `${dir} exists`);
  });

  it('has the entry package.json points at, and the preload/page main loads', () => {
    const pkg = JSON.parse(readFileSync(at('package.json'), 'utf8')) as { main: string };
    assert.ok(existsSync(at(pkg.main)), `${pkg.main} exists`);
    const main = readFileSync(at(pkg.main), 'utf8');
    assert.match(main, /\.\.\/preload\/index\.cjs/);
    assert.ok(existsSync(at('out/preload/index.cjs')), 'sandboxed preload is CommonJS');
    assert.match(main, /\.\.\/renderer\/index\.html/);
    assert.ok(existsSync(at('out/renderer/index.html')));
  });

  it('keeps the renderer sandboxed', () => {
    const main = readFileSync(at('out/main/index.js'), 'utf8');
    assert.match(main, /contextIsolation: true/);
    assert.match(main, /nodeIntegration: false/);
    assert.match(main, /sandbox: true/);
  });
});
