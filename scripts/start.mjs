/**
 * `npm start`: the desktop app when the Electron binary is installed, otherwise
 * the same cluster headless in the foreground.
 *
 *   npm start                 app (electron-vite preview: build, then run)
 *   npm start -- --headless   force headless; other flags go to `kubarium up`
 *                             (--data-dir DIR --port PORT --nodes N --etcd-servers URLS)
 *
 * Headless is also chosen on Linux without a display. KUBARIUM_HEADLESS=1 forces it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import process from 'node:process';
import { ensureNativeForElectron, ensureNativeForNode } from './native.mjs';
import { repoRoot } from './tools.mjs';

/** Path of the Electron binary, or why there is none. */
function electronBinary() {
  try {
    const path = createRequire(import.meta.url)('electron');
    return typeof path === 'string' && existsSync(path) ? { path } : { why: `the Electron binary is missing (${path})` };
  } catch (err) {
    // electron/index.js throws when its postinstall download was skipped or failed.
    return { why: `the Electron binary is not installed (${err instanceof Error ? err.message.split('\n')[0] : err})` };
  }
}

function noDisplay() {
  return process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
}

/** Runs a child in the foreground, forwarding Ctrl-C / SIGTERM, and exits with its code. */
function foreground(command, args, onStdoutLine) {
  const child = spawn(command, args, {
    cwd: repoRoot,
    stdio: ['inherit', onStdoutLine ? 'pipe' : 'inherit', 'inherit'],
  });
  if (onStdoutLine) {
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      process.stdout.write(chunk);
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      lines.forEach(onStdoutLine);
    });
  }
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1)));
}

/** The explorer for the browser: build the renderer once if it is not there yet. */
function rendererBuilt() {
  if (existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) return true;
  console.log('kubarium: building the explorer UI (first start)…');
  const electronVite = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  return spawnSync(process.execPath, [electronVite, 'build'], { cwd: repoRoot, stdio: 'inherit' }).status === 0;
}

/** Opens the UI in the user's browser where there is a display; otherwise the printed URL is the way in. */
function openBrowser(url) {
  if (noDisplay()) return;
  const [cmd, ...pre] = process.platform === 'darwin' ? ['open'] : process.platform === 'win32' ? ['cmd', '/c', 'start', '""'] : ['xdg-open'];
  spawn(cmd, [...pre, url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
}

function startHeadless(reason, args) {
  console.log(`kubarium: ${reason} — running the cluster headless (Ctrl-C stops it).`);
  if (!ensureNativeForNode()) console.log('kubarium: warning: better-sqlite3 does not load in this Node');
  const withUi = !args.includes('--ui') && rendererBuilt() ? ['--ui'] : [];
  // Same as `npm run cluster -- up`, minus the npm wrapper between us and the launcher's signals.
  foreground(process.execPath, ['--import', 'tsx', join('cluster', 'cmd', 'kubarium.ts'), 'up', ...withUi, ...args], (line) => {
    const ui = /^ui (\S+)$/.exec(line.trim());
    if (ui) {
      console.log(`kubarium: the explorer is at ${ui[1]}`);
      openBrowser(ui[1]);
      return;
    }
    const ready = /^ready (.+)$/.exec(line.trim());
    if (!ready) return;
    const kubeconfig = ready[1];
    console.log(
      [
        '',
        'kubarium: the cluster is ready. In another terminal:',
        `  export KUBECONFIG="${kubeconfig}"`,
        '  kubectl get namespaces',
        `  (or: kubectl --kubeconfig "${kubeconfig}" get all -A)`,
        '',
      ].join('\n'),
    );
  });
}

function startApp(electronPath) {
  if (!ensureNativeForElectron(electronPath)) {
    console.log('kubarium: warning: better-sqlite3 could not be rebuilt for Electron; the app may fail to start');
  }
  const electronVite = join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
  foreground(process.execPath, [electronVite, 'preview']);
}

const args = process.argv.slice(2);
const forceHeadless = args.includes('--headless') || process.env.KUBARIUM_HEADLESS === '1';
const launcherArgs = args.filter((a) => a !== '--headless');
const electron = electronBinary();

if (forceHeadless) startHeadless('headless mode requested', launcherArgs);
else if (!electron.path) startHeadless(electron.why, launcherArgs);
else if (noDisplay()) startHeadless('no display (DISPLAY / WAYLAND_DISPLAY unset)', launcherArgs);
else startApp(electron.path);
