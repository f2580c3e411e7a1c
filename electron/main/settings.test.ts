import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DEFAULT_SETTINGS, parseSettings, SettingsFile, validatePatch } from './settings.js';

describe('app settings (settings.json in userData)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubarium-settings-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to stopping the cluster when the window closes (the behaviour before the setting)', () => {
    assert.deepEqual(DEFAULT_SETTINGS, { windowClose: 'stop-cluster' });
    const file = new SettingsFile(join(dir, 'missing', 'settings.json'));
    assert.deepEqual(file.get(), { windowClose: 'stop-cluster' });
  });

  it('saves a change and reads it back in a new instance (the next app start)', () => {
    const path = join(dir, 'app', 'settings.json');
    const file = new SettingsFile(path);
    assert.deepEqual(file.update({ windowClose: 'keep-running' }), { windowClose: 'keep-running' });
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { windowClose: 'keep-running' });
    assert.equal(existsSync(`${path}.tmp`), false);
    assert.deepEqual(new SettingsFile(path).get(), { windowClose: 'keep-running' });
  });

  it('rejects invalid patches with a readable message and keeps the file as it was', () => {
    const path = join(dir, 'strict', 'settings.json');
    const file = new SettingsFile(path);
    file.update({ windowClose: 'keep-running' });
    assert.throws(() => file.update({ windowClose: 'explode' }), /windowClose must be one of stop-cluster, keep-running/);
    assert.throws(() => file.update({ colour: 'red' }), /unknown setting "colour"/);
    assert.throws(() => validatePatch(null), /expected an object/);
    assert.throws(() => validatePatch(['stop-cluster']), /expected an object/);
    assert.deepEqual(new SettingsFile(path).get(), { windowClose: 'keep-running' });
  });

  it('falls back to defaults for a corrupt file or invalid values, field by field', () => {
    const path = join(dir, 'corrupt.json');
    writeFileSync(path, '{ not json');
    assert.deepEqual(new SettingsFile(path).get(), DEFAULT_SETTINGS);
    assert.deepEqual(parseSettings({ windowClose: 'sometimes', extra: 1 }), DEFAULT_SETTINGS);
    assert.deepEqual(parseSettings('keep-running'), DEFAULT_SETTINGS);
    assert.deepEqual(parseSettings({ windowClose: 'keep-running' }), { windowClose: 'keep-running' });
  });

  it('hands out copies', () => {
    const file = new SettingsFile(join(dir, 'copies.json'));
    file.get().windowClose = 'keep-running';
    assert.equal(file.get().windowClose, 'stop-cluster');
  });
});
