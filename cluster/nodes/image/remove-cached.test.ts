import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectDocker, dockerSkipReason } from '../docker.js';
import { importDirectory } from './import.js';
import { removeCachedImages } from './remove-cached.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const skip = await dockerSkipReason();
const REPO = `kubarium/remove-cached-test-${process.pid}`;

describe('removeCachedImages', { skip }, () => {
  const docker = connectDocker();
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubarium-remove-cached-'));
    writeFileSync(join(dir, 'file'), 'x');
    await importDirectory(docker, dir, `${REPO}:a`, []);
    await docker.getImage(`${REPO}:a`).tag({ repo: REPO, tag: 'b' });
  });
  after(async () => {
    rmSync(dir, { recursive: true, force: true });
    for (const t of ['a', 'b']) await docker.getImage(`${REPO}:${t}`).remove({ force: true }).catch(() => {});
  });

  test('removes every tag of the given repositories and nothing else', async () => {
    const r = await removeCachedImages(docker, [REPO]);
    assert.deepEqual(r.removed.sort(), [`${REPO}:a`, `${REPO}:b`]);
    assert.deepEqual(r.inUse, []);
    assert.equal((await docker.listImages({ filters: { reference: [`${REPO}:*`] } })).length, 0);
  });
});
