/**
 * The host's Docker engine for tests and the launcher: is one answering, and if not,
 * start `dockerd` when it is installed and we are root (a CI box has no init system
 * that would start it). Plain Node built-ins only, like prereqs.mjs.
 *
 *   node scripts/docker.mjs --status   prints whether an engine answers (exit 0 when it does)
 *   node scripts/docker.mjs --ensure   starts dockerd if needed and leaves it running
 *
 * `npm test` uses acquireDockerEngine/release: several test runs may share the dockerd
 * one of them started (other sessions on the same machine), so it is stopped by the
 * last run to leave, not by the one that started it. Bookkeeping in .cache/dockerd/.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { commandExists } from './prereqs.mjs';
import { repoRoot } from './tools.mjs';

/** The engine's Unix socket: DOCKER_HOST when it names one, else the default. */
export function dockerSocketPath() {
  const host = process.env.DOCKER_HOST;
  if (host && host.startsWith('unix://')) return host.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/** True when GET /_ping on the engine's socket answers OK within `timeoutMs`. */
export function engineAnswers(timeoutMs = 2000) {
  const host = process.env.DOCKER_HOST;
  // A tcp:// engine is someone else's to manage: trust it and let the tests find out.
  if (host && !host.startsWith('unix://')) return Promise.resolve(true);
  return new Promise((resolve) => {
    const req = http.get({ socketPath: dockerSocketPath(), path: '/_ping', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Makes sure an engine answers. Returns `{ ok, started }`: `started` is the dockerd we
 * spawned (pass it to stopDockerd when done), undefined when one was already running
 * or none could be started; `ok` false means tests that need Docker will skip.
 */
export async function ensureDockerEngine(log = console.log) {
  if (await engineAnswers()) return { ok: true, started: undefined };
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!commandExists('dockerd')) {
    log('docker: no engine answers and dockerd is not installed (Debian: apt-get install docker.io) — tests that need Docker will skip');
    return { ok: false, started: undefined };
  }
  if (!isRoot) {
    log(`docker: no engine answers on ${dockerSocketPath()} and we are not root — start one (sudo systemctl start docker, or sudo dockerd &) or tests that need Docker will skip`);
    return { ok: false, started: undefined };
  }
  const logDir = join(repoRoot, '.cache');
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, 'dockerd.log');
  const fd = openSync(logFile, 'a');
  // Serve the socket DOCKER_HOST names, when it names one.
  const args = process.env.DOCKER_HOST?.startsWith('unix://') ? [`--host=${process.env.DOCKER_HOST}`] : [];
  const child = spawn('dockerd', args, { detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  let exited = false;
  child.on('exit', () => (exited = true));
  child.unref();
  log(`docker: started dockerd (pid ${child.pid}, log ${logFile})`);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    // Ours may exit having lost a race with another run's dockerd: then that one answers.
    if (await engineAnswers(1000)) return { ok: true, started: exited ? undefined : child };
    await sleep(200);
  }
  log(`docker: dockerd did not answer within 30 s${exited ? ' (it exited)' : ''} — see ${logFile}; tests that need Docker will skip`);
  if (!exited) await stopDockerd(child);
  return { ok: false, started: undefined };
}

/** Stops a dockerd we started (SIGTERM; it stops its containers and its containerd). */
export async function stopDockerd(child, timeoutMs = 30_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = sleep(timeoutMs).then(() => 'timeout');
  if ((await Promise.race([exited, timer])) === 'timeout') child.kill('SIGKILL');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const arg = process.argv[2];
  if (arg === '--status') {
    const ok = await engineAnswers();
    console.log(ok ? `docker: engine answers on ${dockerSocketPath()}` : 'docker: no engine answers');
    process.exit(ok ? 0 : 1);
  } else if (arg === '--ensure') {
    const { ok } = await ensureDockerEngine();
    process.exit(ok ? 0 : 1);
  } else {
    console.error('usage: node scripts/docker.mjs --status | --ensure');
    process.exit(2);
  }
}

const stateDir = join(repoRoot, '.cache', 'dockerd');
const usersDir = join(stateDir, 'users');
const ownerFile = join(stateDir, 'started.pid');

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function liveUsers() {
  if (!existsSync(usersDir)) return [];
  return readdirSync(usersDir)
    .map(Number)
    .filter((pid) => {
      if (pidAlive(pid)) return true;
      rmSync(join(usersDir, String(pid)), { force: true }); // a run that died without releasing
      return false;
    });
}

/**
 * ensureDockerEngine for a test run: registers this process as a user of the engine.
 * `release()` unregisters it and, when we (or another run) started dockerd and no
 * other run still uses it, stops it.
 */
export async function acquireDockerEngine(log = console.log) {
  mkdirSync(usersDir, { recursive: true });
  writeFileSync(join(usersDir, String(process.pid)), '');
  const { ok, started } = await ensureDockerEngine(log);
  if (started) writeFileSync(ownerFile, String(started.pid));
  const release = async () => {
    rmSync(join(usersDir, String(process.pid)), { force: true });
    if (!existsSync(ownerFile) || liveUsers().length > 0) return;
    const pid = Number(readFileSync(ownerFile, 'utf8'));
    rmSync(ownerFile, { force: true });
    if (!pidAlive(pid)) return;
    process.kill(pid, 'SIGTERM');
    for (let i = 0; i < 150 && pidAlive(pid); i++) await sleep(200);
    if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    log(`docker: stopped the dockerd started for the tests (pid ${pid})`);
  };
  return { ok, release };
}
