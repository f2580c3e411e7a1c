/**
 * kubectl logs / exec / attach / cp / port-forward end to end, through the API server's
 * proxy to a kubelet server. The "node" is test-only: the kubelet HTTPS server runs in
 * this process over the host's Docker engine (DockerRuntime), registered as a Node whose
 * InternalIP is 127.0.0.1; its pods are started with the PodSyncer in a reduced sync
 * loop (test/support/test-node.ts). Skips without a Docker engine. Every container is
 * labelled io.kubarium.test=<id> and removed in after().
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Pod } from 'kubernetes-types/core/v1.js';
import { RestClient } from '../../cluster/client/index.js';
import { connectDocker } from '../../cluster/nodes/docker.js';
import { launchCluster, writeTokenKubeconfig, type LaunchedCluster } from '../support/cluster.js';
import { kubectlPath, runKubectl } from '../support/kubectl.js';
import { startTestNode, type TestNode } from '../support/test-node.js';
import { podEngineSkipReason } from '../../cluster/kubelet/testing/engine.js';
import { loadPty } from '../../electron/main/local-shell.js';

const testId = `stream-${process.pid}-${randomBytes(3).toString('hex')}`;
const NODE = `kubelet-${testId}`;
const NS = 'default';
const docker = connectDocker();

const skip = await podEngineSkipReason(docker);
/** node-pty (an optional dependency) gives kubectl a real terminal it can resize. */
const pty = await loadPty();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('kubectl streaming through the API server to a kubelet', { skip, timeout: 300_000 }, () => {
  let cluster: LaunchedCluster;
  let client: RestClient;
  let node: TestNode;
  let workDir: string;
  const kubectl = (args: string[], opts: { input?: string; timeoutMs?: number; kubeconfig?: string } = {}) =>
    runKubectl(args, { kubeconfig: opts.kubeconfig ?? cluster.kubeconfig, input: opts.input, timeoutMs: opts.timeoutMs ?? 60_000 });
  const addPod = (pod: Pod, start = true) => node.addPod(pod, start);

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'kubarium-stream-'));
    cluster = await launchCluster({ args: ['--no-scheduler'] });
    client = RestClient.fromKubeconfig(cluster.kubeconfig);
    node = await startTestNode({ cluster, client, name: NODE, namespace: NS, testId, skipSync: (pod) => !!pod.metadata?.labels?.['test/no-sync'] });
  });

  after(async () => {
    await node?.stop();
    client?.close();
    await cluster?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  test('kubectl logs: all, --tail, --timestamps, --limit-bytes, --since, -c, -f, --previous; unknown container is a 400', async () => {
    await addPod({
      metadata: { name: 'talker' },
      spec: {
        restartPolicy: 'Always',
        containers: [
          { name: 'main', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo line 1; echo line 2; echo oops >&2; echo line 3; i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.3; done'] },
          { name: 'crasher', image: 'kubarium/busybox:1', command: ['sh', '-c', 'echo run at $(date +%s); sleep 1; exit 1'] },
        ],
      },
    });
    const all = await kubectl(['logs', 'talker', '-c', 'main']);
    assert.equal(all.code, 0, all.stderr);
    // stdout and stderr both, each in order (the engine copies the two pipes separately, so their interleaving may vary).
    assert.match(all.stdout.replace('oops\n', ''), /^line 1\nline 2\nline 3\ntick 1\n/);
    assert.match(all.stdout, /^oops$/m);

    const tail = await kubectl(['logs', 'talker', '-c', 'main', '--tail=1']);
    assert.equal(tail.stdout.trim().split('\n').length, 1);
    assert.match(tail.stdout, /^tick \d+\n$/);

    const ts = await kubectl(['logs', 'talker', '-c', 'main', '--timestamps', '--tail=2']);
    for (const line of ts.stdout.trim().split('\n')) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z (tick \d+|oops|line \d)$/);

    const limited = await kubectl(['logs', 'talker', '-c', 'main', '--limit-bytes=9']);
    assert.equal(limited.stdout.length, 9);
    assert.ok(all.stdout.startsWith(limited.stdout));


    // -f keeps streaming: new ticks arrive after the ones already written.
    const follow = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'logs', '-f', 'talker', '-c', 'main', '--tail=1']);
    const lines: string[] = [];
    let buf = '';
    follow.stdout.setEncoding('utf8').on('data', (c: string) => {
      buf += c;
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
    });
    for (let i = 0; i < 100 && lines.length < 4; i++) await sleep(100);
    follow.kill();
    assert.ok(lines.length >= 4, `followed lines: ${JSON.stringify(lines)}`);
    const n = lines.map((l) => Number(/tick (\d+)/.exec(l)?.[1]));
    assert.deepEqual(n.slice(1, 4), [n[0] + 1, n[0] + 2, n[0] + 3]);

    // --previous: the crasher has restarted by now (or will shortly).
    let previous = await kubectl(['logs', 'talker', '-c', 'crasher', '--previous']);
    for (let i = 0; i < 40 && previous.code !== 0; i++) {
      await sleep(250);
      previous = await kubectl(['logs', 'talker', '-c', 'crasher', '--previous']);
    }
    assert.equal(previous.code, 0, previous.stderr);
    assert.match(previous.stdout, /^run at \d+\n$/);

    // By now the first lines are seconds old.
    await sleep(1500);
    const since = await kubectl(['logs', 'talker', '-c', 'main', '--since=1s']);
    assert.doesNotMatch(since.stdout, /line 1/);
    assert.match(since.stdout, /tick/);

    const bad = await kubectl(['logs', 'talker', '-c', 'nope']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /container nope is not valid for pod talker/);
  });

  test('kubectl exec: output, stderr, exit codes, piped stdin, a TTY with its size', async () => {
    await addPod({ metadata: { name: 'shell' }, spec: { containers: [{ name: 'sh', image: 'kubarium/busybox:1', command: ['sleep', '3600'] }] } });
    const hello = await kubectl(['exec', 'shell', '--', 'echo', 'hello', 'world']);
    assert.equal(hello.code, 0, hello.stderr);
    assert.equal(hello.stdout, 'hello world\n');

    const err = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2']);
    assert.equal(err.stdout, 'out\n');
    assert.match(err.stderr, /^err\n/);

    const exit3 = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'exit 3']);
    assert.equal(exit3.code, 3, exit3.stderr);
    assert.match(exit3.stderr, /command terminated with exit code 3/);

    const piped = await kubectl(['exec', '-i', 'shell', '--', 'sh', '-c', 'wc -c; cat'], { input: 'piped through stdin\n' });
    assert.equal(piped.code, 0, piped.stderr);
    assert.match(piped.stdout, /^\s*20\n$/);

    // A real terminal: `script` gives kubectl a pty; kubectl sends its size on the resize channel. The size is
    // applied right after the engine starts the command (as with the CRI), so a command's very first instant can
    // still see 0x0: hence the short sleep.
    const tty = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const cmd = `stty cols 123 rows 45; ${kubectlPath()} --kubeconfig ${cluster.kubeconfig} exec -it shell -- sh -c 'sleep 0.5; stty size; tty'`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.on('close', (code) => resolve({ code, out }));
    });
    assert.equal(tty.code, 0, tty.out);
    assert.match(tty.out, /45 123/);
    assert.match(tty.out, /\/dev\/pts\/\d+/);
  });

  test('kubectl exec -it in a real terminal: the size follows a resize, Ctrl-C interrupts, the exit code comes back', { skip: pty ? false : 'node-pty is not installed' }, async () => {
    await addPod({ metadata: { name: 'terminal' }, spec: { containers: [{ name: 'sh', image: 'kubarium/busybox:1', command: ['sleep', '3600'] }] } });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    // kubectl sees a TTY on stdin, puts it in raw mode, sends its size and every byte typed (Ctrl-C included).
    const term = pty!.spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'exec', '-it', 'terminal', '--', 'sh'], { name: 'xterm', cols: 123, rows: 45, cwd: workDir, env });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit((e) => resolve(e.exitCode)));
    try {
      // A marker computed by the shell shows only in its output, never in the echo of what was typed.
      let n = 0;
      const run = async (command: string): Promise<string> => {
        n++;
        const from = screen.length;
        term.write(`${command}; echo done-$((${n}*1000))\r`);
        for (let i = 0; i < 300 && !screen.slice(from).includes(`done-${n * 1000}`); i++) await sleep(100);
        const out = screen.slice(from);
        assert.ok(out.includes(`done-${n * 1000}`), `no answer to ${command}: ${JSON.stringify(out)}`);
        return out;
      };
      for (let i = 0; i < 300 && !screen.includes('/ # '); i++) await sleep(100);
      assert.match(await run('stty size'), /45 123/);
      const pid = /pid=(\d+)/.exec(await run('echo pid=$$'))?.[1];
      assert.ok(pid, 'the shell tells its pid');

      // The outer terminal resized: kubectl catches SIGWINCH and sends the new size on the resize channel.
      term.resize(100, 30);
      let size = '';
      for (let i = 0; i < 50 && !/30 100/.test(size); i++) {
        size = await run('stty size');
        if (!/30 100/.test(size)) await sleep(100);
      }
      assert.match(size, /30 100/);

      // Ctrl-C reaches the container's TTY as a byte; its line discipline turns it into SIGINT for `sleep`.
      const before = screen.length;
      term.write('sleep 100\r');
      for (let i = 0; i < 50 && !screen.slice(before).includes('sleep 100'); i++) await sleep(100);
      await sleep(500);
      term.write('\x03');
      const after = await run('echo pid=$$');
      assert.match(after, new RegExp(`pid=${pid}`), 'the same shell is still there');

      term.write('exit 3\r');
      assert.equal(await exited, 3, screen);
    } finally {
      term.kill();
    }
  });

  test('kubectl attach -i to a container reading its stdin', async () => {
    await addPod({
      metadata: { name: 'reader' },
      spec: { restartPolicy: 'Never', containers: [{ name: 'r', image: 'kubarium/busybox:1', stdin: true, stdinOnce: true, command: ['sh', '-c', 'while read l; do echo got:$l; done; echo bye'] }] },
    });
    const attached = await kubectl(['attach', '-i', 'reader', '-c', 'r'], { input: 'one\ntwo\n' });
    assert.equal(attached.code, 0, attached.stderr);
    assert.match(attached.stdout, /got:one\ngot:two\nbye\n/);
  });

  test('kubectl cp into a pod and back out', async () => {
    const local = join(workDir, 'in.txt');
    const content = `copied ${randomBytes(8).toString('hex')}\n`.repeat(1000);
    writeFileSync(local, content);
    const up = await kubectl(['cp', local, `shell:/tmp/in.txt`]);
    assert.equal(up.code, 0, up.stderr);
    const check = await kubectl(['exec', 'shell', '--', 'md5sum', '/tmp/in.txt']);
    assert.match(check.stdout, /^[0-9a-f]{32} /);
    const back = join(workDir, 'out.txt');
    const down = await kubectl(['cp', `shell:/tmp/in.txt`, back]);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(readFileSync(back, 'utf8'), content);
  });

  test('kubectl port-forward to an HTTP server in a pod', async () => {
    await addPod({ metadata: { name: 'echo' }, spec: { containers: [{ name: 'http', image: 'kubarium/http-echo:1', args: ['-text=hello from the pod', '-listen=:5678'] }] } });
    const pf = spawn(kubectlPath(), ['--kubeconfig', cluster.kubeconfig, 'port-forward', 'pod/echo', ':5678']);
    try {
      let out = '';
      let errOut = '';
      pf.stderr.setEncoding('utf8').on('data', (c: string) => (errOut += c));
      const localPort = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`port-forward did not start: ${out} ${errOut}`)), 30_000);
        pf.stdout.setEncoding('utf8').on('data', (c: string) => {
          out += c;
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 5678/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        pf.on('exit', () => reject(new Error(`port-forward exited: ${out} ${errOut}`)));
      });
      const fetchOnce = () =>
        new Promise<string>((resolve, reject) => {
          httpGet({ host: '127.0.0.1', port: localPort, path: '/', agent: false }, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (c: string) => (body += c));
            res.on('end', () => resolve(body));
          }).on('error', reject);
        });
      assert.equal(await fetchOnce(), 'hello from the pod\n');
      assert.equal(await fetchOnce(), 'hello from the pod\n');
      assert.match(out, /Handling connection for \d+/);
    } finally {
      pf.kill();
    }
  });

  test('bad cases: unknown container, a pod with nothing running, RBAC, the kubelet refusing strangers', async () => {
    const unknown = await kubectl(['exec', 'shell', '-c', 'nope', '--', 'true']);
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /container nope is not valid for pod shell/);

    await addPod({ metadata: { name: 'idle', labels: { 'test/no-sync': 'true' } }, spec: { containers: [{ name: 'c', image: 'kubarium/busybox:1' }] } }, false);
    const notRunning = await kubectl(['exec', 'idle', '--', 'true']);
    assert.notEqual(notRunning.code, 0);
    assert.match(notRunning.stderr, /container not found \("c"\)/);
    const noLogs = await kubectl(['logs', 'idle']);
    assert.notEqual(noLogs.code, 0);
    assert.match(noLogs.stderr, /container "c" in pod "idle" is waiting to start/);

    // A user who may read pods and `get` pods/exec, but not `create` it: the WebSocket GET is refused too.
    const rbac = `apiVersion: v1
kind: ServiceAccount
metadata: {name: peeker, namespace: ${NS}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: peeker, namespace: ${NS}}
rules:
- {apiGroups: [""], resources: [pods, pods/log], verbs: [get, list]}
- {apiGroups: [""], resources: [pods/exec], verbs: [get]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: peeker, namespace: ${NS}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: peeker}
subjects: [{kind: ServiceAccount, name: peeker, namespace: ${NS}}]
`;
    const applied = await kubectl(['apply', '-f', '-'], { input: rbac });
    assert.equal(applied.code, 0, applied.stderr);
    const token = (await kubectl(['create', 'token', 'peeker'])).stdout.trim();
    assert.ok(token, 'a service-account token');
    const peekerConfig = writeTokenKubeconfig(cluster, token, join(workDir, 'peeker.kubeconfig'), NS);
    const logsOk = await kubectl(['logs', 'shell'], { kubeconfig: peekerConfig });
    assert.equal(logsOk.code, 0, logsOk.stderr);
    const denied = await kubectl(['exec', 'shell', '--', 'true'], { kubeconfig: peekerConfig });
    assert.notEqual(denied.code, 0);
    assert.match(denied.stderr, /Forbidden|forbidden/);
    assert.match(denied.stderr, /cannot create resource "pods\/exec"/);

    // nodes/proxy reaches the kubelet's own endpoints.
    const healthz = await kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/healthz`]);
    assert.equal(healthz.stdout.trim(), 'ok');
    const podList = JSON.parse((await kubectl(['get', '--raw', `/api/v1/nodes/${NODE}/proxy/pods`])).stdout) as { items: Pod[] };
    assert.ok(podList.items.some((p) => p.metadata?.name === 'shell'));

    // Straight to the kubelet: no credentials is a 401; the peeker's token lacks nodes/proxy, a 403.
    const direct = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        httpsRequest({ host: '127.0.0.1', port: node.port, path: '/pods', headers, rejectUnauthorized: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        })
          .on('error', reject)
          .end();
      });
    assert.equal((await direct({})).status, 401);
    const forbidden = await direct({ Authorization: `Bearer ${token}` });
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body, /Forbidden \(user=system:serviceaccount:default:peeker, verb=get, resource=nodes, subresource\(s\)=\[pods proxy\]\)/);
  });
});
