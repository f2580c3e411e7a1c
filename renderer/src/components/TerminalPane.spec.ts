import { flushPromises, mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBridge, installBridge, settle } from '../testing/fake-bridge';
import TerminalView from '../views/TerminalView.vue';
import TerminalPane from './TerminalPane.vue';
import { useTerminalsStore } from '../stores/terminals';

// xterm.js needs a real layout engine; the test plays it: what is written, and keystrokes typed into it.
const { terminals, FakeTerminal } = vi.hoisted(() => {
  const terminals: InstanceType<typeof FakeTerminal>[] = [];
  class FakeTerminal {
    cols = 80;
    rows = 24;
    written: string[] = [];
    selection = '';
    dataListener: ((data: string) => void) | undefined;
    resizeListener: ((size: { cols: number; rows: number }) => void) | undefined;
    constructor() {
      terminals.push(this);
    }
    loadAddon(): void {}
    open(): void {}
    focus(): void {}
    reset(): void {
      this.written = [];
    }
    dispose(): void {}
    write(data: string): void {
      this.written.push(data);
    }
    paste(text: string): void {
      this.dataListener?.(text);
    }
    getSelection(): string {
      return this.selection;
    }
    onData(listener: (data: string) => void): void {
      this.dataListener = listener;
    }
    onResize(listener: (size: { cols: number; rows: number }) => void): void {
      this.resizeListener = listener;
    }
    attachCustomKeyEventHandler(): void {}
    /** Test side: the user types. */
    type(data: string): void {
      this.dataListener?.(data);
    }
  }
  return { terminals, FakeTerminal };
});
vi.mock('@xterm/xterm', () => ({ Terminal: FakeTerminal }));
vi.mock('@xterm/addon-fit', () => ({ FitAddon: class { fit(): void {} } }));
vi.mock('@xterm/xterm/css/xterm.css', () => ({}));

const bridge = fakeBridge();
installBridge(bridge);

beforeEach(() => {
  Object.assign(bridge, fakeBridge());
  delete (bridge as { localShellAvailable?: unknown }).localShellAvailable;
  terminals.length = 0;
  setActivePinia(createPinia());
});

const TAB = { id: 1, kind: 'exec' as const, title: 'shell', namespace: 'default', pod: 'shell', container: 'sh' };

describe('TerminalPane', () => {
  it('opens an exec session at the terminal size; output is written, keystrokes are sent', async () => {
    const wrapper = mount(TerminalPane, { props: { tab: TAB, active: true } });
    await settle();
    expect(bridge.execSessions).toHaveLength(1);
    const [session] = bridge.execSessions;
    expect(session).toMatchObject({ namespace: 'default', pod: 'shell', options: { container: 'sh', cols: 80, rows: 24 } });

    session.emit({ type: 'open', command: ['sh'] });
    session.emit({ type: 'data', data: '/ # ' });
    await flushPromises();
    expect(wrapper.get('[data-test="terminal-status"]').text()).toBe('open');
    const [term] = terminals;
    expect(term.written.join('')).toBe('/ # ');

    term.type('echo hello\r');
    expect(session.input).toEqual(['echo hello\r']);
    term.resizeListener?.({ cols: 120, rows: 40 });
    expect(session.sizes).toEqual([[120, 40]]);
  });

  it('shows the exit, and reconnect starts a new session', async () => {
    const wrapper = mount(TerminalPane, { props: { tab: TAB, active: true } });
    await settle();
    bridge.execSessions[0].emit({ type: 'exit', code: 3, message: 'exit code 3' });
    await flushPromises();
    expect(wrapper.get('[data-test="terminal-status"]').text()).toBe('exited');
    expect(terminals[0].written.join('')).toContain('exited with code 3');

    await wrapper.findAll('button').find((b) => b.text() === 'Reconnect')!.trigger('click');
    await settle();
    expect(bridge.execSessions).toHaveLength(2);
    expect(wrapper.get('[data-test="terminal-status"]').text()).toBe('connecting');
  });

  it('copies the selection and pastes the clipboard through the bridge', async () => {
    const wrapper = mount(TerminalPane, { props: { tab: TAB, active: true } });
    await settle();
    terminals[0].selection = 'some output';
    await wrapper.findAll('button').find((b) => b.text() === 'Copy')!.trigger('click');
    await settle();
    expect(bridge.copyText).toHaveBeenCalledWith('some output');

    vi.mocked(bridge.pasteText).mockResolvedValue('ls -l\r');
    await wrapper.findAll('button').find((b) => b.text() === 'Paste')!.trigger('click');
    await settle();
    expect(bridge.execSessions[0].input).toEqual(['ls -l\r']);
  });

  it('closes its session when the tab goes away', async () => {
    const wrapper = mount(TerminalPane, { props: { tab: TAB, active: true } });
    await settle();
    wrapper.unmount();
    expect(bridge.execSessions[0].closed).toBe(true);
  });
});

describe('TerminalView', () => {
  it('keeps a pane per tab; the local shell button is hidden without node-pty (web mode) and shown when available', async () => {
    const store = useTerminalsStore();
    store.openExec('default', 'a');
    store.openExec('default', 'b', 'c');
    const wrapper = mount(TerminalView);
    await settle();
    expect(wrapper.findAll('.terminal-pane')).toHaveLength(2);
    expect(wrapper.findAll('[role="tab"]').map((t) => t.text())).toEqual(['a', 'b/c']);
    expect(wrapper.find('[data-test="local-shell"]').exists()).toBe(false);

    Object.assign(bridge, { localShellAvailable: vi.fn(async () => true) });
    const electron = mount(TerminalView);
    await settle();
    expect(electron.find('[data-test="local-shell"]').exists()).toBe(true);
  });

  it('opens a shell by pod name', async () => {
    const wrapper = mount(TerminalView);
    await settle();
    await wrapper.get('input[aria-label="Pod"]').setValue('web-1');
    await wrapper.get('form').trigger('submit');
    await settle();
    expect(bridge.execSessions.at(-1)).toMatchObject({ namespace: 'default', pod: 'web-1' });
  });
});
