/**
 * Native addons (better-sqlite3) are compiled for one ABI at a time: Node's for
 * the headless launcher and the tests, Electron's for the app. `npm start` and
 * `npm test` each check that the addon loads in their runtime and, when it does
 * not, rebuild it for that runtime (Electron's documented npm_config_* recipe,
 * https://www.electronjs.org/docs/latest/tutorial/using-native-node-modules).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { repoRoot } from './tools.mjs';

export const nativeModules = ['better-sqlite3'];

const probe = `new (require('better-sqlite3'))(':memory:').close()`;

/** Does the addon load under `runtime` (process.execPath, or the Electron binary)? */
function loads(execPath, env = {}) {
  const r = spawnSync(execPath, ['-e', probe], { cwd: repoRoot, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { ok: r.status === 0, why: (r.stderr || '').split('\n').find((l) => l.includes('NODE_MODULE_VERSION')) ?? r.stderr };
}

function rebuild(env, label, log) {
  log(`native: rebuilding ${nativeModules.join(' ')} for ${label}`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['rebuild', ...nativeModules], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  return r.status === 0;
}

/** Makes the native addons loadable by this Node. Returns false when that failed. */
export function ensureNativeForNode(log = console.log) {
  if (loads(process.execPath).ok) return true;
  return rebuild({}, `Node ${process.version}`, log) && loads(process.execPath).ok;
}

/** Makes the native addons loadable by the Electron binary at `electronPath`. */
export function ensureNativeForElectron(electronPath, log = console.log) {
  const asNode = { ELECTRON_RUN_AS_NODE: '1' };
  if (loads(electronPath, asNode).ok) return true;
  const require = createRequire(import.meta.url);
  const { version } = JSON.parse(readFileSync(require.resolve('electron/package.json'), 'utf8'));
  const env = {
    npm_config_runtime: 'electron',
    npm_config_target: version,
    npm_config_disturl: 'https://electronjs.org/headers',
  };
  return rebuild(env, `Electron ${version}`, log) && loads(electronPath, asNode).ok;
}
