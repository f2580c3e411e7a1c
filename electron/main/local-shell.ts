/**
 * The local shell tab (Electron only): the user's shell in a pseudo-terminal through node-pty, with KUBECONFIG
 * pointing at the cluster so `kubectl` just works there. node-pty is an optional dependency (a native module
 * that cannot build everywhere): it is loaded lazily, and when it is absent the tab is hidden.
 * Plain Node (no Electron import), so it stays testable.
 */
import { homedir } from 'node:os';
import type { ExecEvent, ExecSession } from '../preload/api.js';

/** The part of node-pty's API used here (declared locally: the package may be absent). */
export interface Pty {
  onData(listener: (data: string) => void): unknown;
  onExit(listener: (e: { exitCode: number; signal?: number }) => void): unknown;
  write(data: string): void;
  resize(cols: number, rows: number): void;
  kill(signal?: string): void;
}
export interface PtyModule {
  spawn(file: string, args: string[], options: { name: string; cols: number; rows: number; cwd: string; env: Record<string, string> }): Pty;
}

/** The module's name in a variable, so bundlers leave the import to run time. */
const NODE_PTY = 'node-pty';

let loading: Promise<PtyModule | null> | undefined;

/** node-pty, or null when it is not installed or its native part did not build. */
export function loadPty(load: () => Promise<unknown> = () => import(/* @vite-ignore */ NODE_PTY)): Promise<PtyModule | null> {
  loading ??= load().then(
    (m) => {
      const mod = ((m as { default?: PtyModule }).default ?? m) as PtyModule;
      return typeof mod.spawn === 'function' ? mod : null;
    },
    () => null,
  );
  return loading;
}

/** Forgets a loaded (or failed) node-pty; for tests. */
export function resetPtyLoader(): void {
  loading = undefined;
}

function defaultShell(): string {
  if (process.platform === 'win32') return process.env.COMSPEC ?? 'powershell.exe';
  return process.env.SHELL ?? '/bin/bash';
}

/** Starts the user's shell; events as an exec session's. Rejects when node-pty is absent. */
export async function openLocalShell(
  kubeconfigPath: string | null,
  options: { cols?: number; rows?: number },
  onEvent: (event: ExecEvent) => void,
  pty: PtyModule | null = null,
): Promise<ExecSession> {
  const mod = pty ?? (await loadPty());
  if (!mod) throw new Error('the local shell needs node-pty, which is not installed here');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  if (kubeconfigPath) env.KUBECONFIG = kubeconfigPath;
  env.TERM = 'xterm-256color';
  const shell = defaultShell();
  const proc = mod.spawn(shell, [], { name: 'xterm-256color', cols: options.cols ?? 80, rows: options.rows ?? 24, cwd: homedir(), env });
  let exited = false;
  proc.onData((data) => onEvent({ type: 'data', data }));
  proc.onExit(({ exitCode }) => {
    exited = true;
    onEvent({ type: 'exit', code: exitCode, message: `${shell} exited with code ${exitCode}` });
  });
  onEvent({ type: 'open', command: [shell] });
  return {
    send: (data) => proc.write(data),
    resize: (cols, rows) => proc.resize(cols, rows),
    close: () => {
      if (!exited) proc.kill();
    },
  };
}
