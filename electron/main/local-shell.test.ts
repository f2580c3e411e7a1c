import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { ExecEvent } from '../preload/api.js';
import { loadPty, openLocalShell, resetPtyLoader, type Pty, type PtyModule } from './local-shell.js';

describe('local shell (node-pty, optional)', () => {
  afterEach(() => resetPtyLoader());

  it('reports node-pty absent when it cannot be loaded (the tab is then hidden), and refuses to open', async () => {
    assert.equal(await loadPty(() => Promise.reject(new Error('Cannot find module node-pty'))), null);
    await assert.rejects(openLocalShell('/tmp/kubeconfig', {}, () => undefined), /needs node-pty/);
  });

  it('a module without spawn counts as absent', async () => {
    assert.equal(await loadPty(async () => ({ default: {} })), null);
  });

  it('starts the shell with KUBECONFIG pointing at the cluster; data, input, resize and exit pass through', async () => {
    let spawned: { file: string; env: Record<string, string>; cols: number; rows: number } | undefined;
    const written: string[] = [];
    const sizes: [number, number][] = [];
    let emitData: (d: string) => void = () => undefined;
    let emitExit: (e: { exitCode: number }) => void = () => undefined;
    const pty: PtyModule = {
      spawn(file, _args, options): Pty {
        spawned = { file, env: options.env, cols: options.cols, rows: options.rows };
        return {
          onData: (l) => (emitData = l),
          onExit: (l) => (emitExit = l),
          write: (d) => void written.push(d),
          resize: (c, r) => void sizes.push([c, r]),
          kill: () => undefined,
        };
      },
    };
    const events: ExecEvent[] = [];
    const session = await openLocalShell('/data/kubeconfig', { cols: 100, rows: 30 }, (e) => events.push(e), pty);
    assert.equal(spawned?.env.KUBECONFIG, '/data/kubeconfig');
    assert.deepEqual([spawned?.cols, spawned?.rows], [100, 30]);
    assert.equal(events[0].type, 'open');
    session.send('kubectl get nodes\r');
    session.resize(120, 40);
    emitData('NAME STATUS\r\n');
    emitExit({ exitCode: 0 });
    assert.deepEqual(written, ['kubectl get nodes\r']);
    assert.deepEqual(sizes, [[120, 40]]);
    assert.deepEqual(events.slice(1).map((e) => e.type), ['data', 'exit']);
  });

  it('with node-pty installed and built: a real shell sees KUBECONFIG', async (t) => {
    const pty = await loadPty();
    if (!pty) return t.skip('node-pty is not installed or not built here');
    const events: ExecEvent[] = [];
    const session = await openLocalShell('/tmp/kubarium-test-kubeconfig', { cols: 80, rows: 24 }, (e) => events.push(e));
    try {
      session.send('echo "kc=$KUBECONFIG"; exit\r');
      const deadline = Date.now() + 10_000;
      const output = () => events.flatMap((e) => (e.type === 'data' ? [e.data] : [])).join('');
      while (!events.some((e) => e.type === 'exit') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      assert.match(output(), /kc=\/tmp\/kubarium-test-kubeconfig/);
    } finally {
      session.close();
    }
  });
});
