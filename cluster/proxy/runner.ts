/**
 * How the proxy and the pod routes run iptables and ip: through an injected runner,
 * so the node agent runs them in its own network namespace while tests run them
 * inside a scratch one (`ip netns exec`) or a container.
 */
import { spawn } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args...`, writing `input` (if any) to its stdin. Never rejects on a non-zero exit. */
export type CommandRunner = (command: string, args: string[], input?: string) => Promise<CommandResult>;

/** Spawns the command, optionally behind a prefix such as `['ip', 'netns', 'exec', 'ns1']`. */
export function execRunner(prefix: string[] = []): CommandRunner {
  return (command, args, input) =>
    new Promise((resolve) => {
      const argv = [...prefix, command, ...args];
      const child = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', (err) => resolve({ code: 127, stdout, stderr: stderr + err.message }));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
      child.stdin.on('error', () => undefined);
      child.stdin.end(input ?? '');
    });
}

/** Runs commands inside the named network namespace (`ip netns exec NAME ...`). */
export const netnsRunner = (namespace: string): CommandRunner => execRunner(['ip', 'netns', 'exec', namespace]);

/** Runs and throws when the exit status is not 0, with the command and its stderr. */
export async function mustRun(run: CommandRunner, command: string, args: string[], input?: string): Promise<string> {
  const r = await run(command, args, input);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.code}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
