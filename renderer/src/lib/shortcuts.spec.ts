import { describe, expect, it, vi } from 'vitest';
import { nextIndex } from './list-nav';
import { chordOf, describeKeys, isTypingTarget, ShortcutRegistry, type KeyEventLike } from './shortcuts';

const key = (k: string, extra: Omit<Partial<KeyEventLike>, 'preventDefault'> = {}) => ({ key: k, ...extra, preventDefault: vi.fn() });

describe('chordOf', () => {
  it('names keys as the shortcuts write them', () => {
    expect(chordOf(key('g'))).toBe('g');
    expect(chordOf(key('?', { shiftKey: true }))).toBe('?');
    expect(chordOf(key('1', { ctrlKey: true }))).toBe('mod+1');
    expect(chordOf(key('1', { metaKey: true }))).toBe('mod+1');
    expect(chordOf(key('K', { metaKey: true, shiftKey: true }))).toBe('mod+k');
    expect(chordOf(key('Escape'))).toBe('escape');
    expect(chordOf(key('Tab', { shiftKey: true }))).toBe('shift+tab');
    expect(chordOf(key('Shift', { shiftKey: true }))).toBeNull();
  });
});

describe('isTypingTarget', () => {
  it('is true for text fields and false for buttons, checkboxes and the page', () => {
    const input = document.createElement('input');
    const box = document.createElement('input');
    box.type = 'checkbox';
    expect(isTypingTarget(input)).toBe(true);
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true);
    expect(isTypingTarget(document.createElement('select'))).toBe(true);
    expect(isTypingTarget(box)).toBe(false);
    expect(isTypingTarget(document.createElement('button'))).toBe(false);
    expect(isTypingTarget(document.body)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('ShortcutRegistry', () => {
  it('runs single keys, chords and two-key sequences, and prevents the default', () => {
    let now = 0;
    const reg = new ShortcutRegistry({ now: () => now });
    const ran: string[] = [];
    for (const keys of ['g o', 'g r', 'mod+2', '/']) reg.add({ keys, description: keys, run: () => void ran.push(keys) });
    const g = key('g');
    expect(reg.handle(g)).toBe(true);
    expect(g.preventDefault).toHaveBeenCalled();
    expect(reg.handle(key('r'))).toBe(true);
    expect(reg.handle(key('2', { ctrlKey: true }))).toBe(true);
    expect(reg.handle(key('/'))).toBe(true);
    expect(ran).toEqual(['g r', 'mod+2', '/']);

    // A sequence times out after a second; an unknown key ends it.
    reg.handle(key('g'));
    now += 1500;
    expect(reg.handle(key('o'))).toBe(false);
    reg.handle(key('g'));
    expect(reg.handle(key('x'))).toBe(false);
    expect(reg.handle(key('o'))).toBe(false);
    expect(ran).toEqual(['g r', 'mod+2', '/']);
  });

  it('ignores plain keys while typing, except mod chords and inInputs shortcuts', () => {
    const reg = new ShortcutRegistry();
    const ran: string[] = [];
    reg.add({ keys: '/', description: '', run: () => void ran.push('/') });
    reg.add({ keys: 'mod+1', description: '', run: () => void ran.push('mod+1') });
    reg.add({ keys: 'escape', description: '', inInputs: true, run: () => void ran.push('escape') });
    const target = document.createElement('input');
    expect(reg.handle(key('/', { target }))).toBe(false);
    expect(reg.handle(key('1', { target, ctrlKey: true }))).toBe(true);
    expect(reg.handle(key('Escape', { target }))).toBe(true);
    expect(ran).toEqual(['mod+1', 'escape']);
  });

  it('tries the latest registered first and lets a shortcut pass by returning false', () => {
    const reg = new ShortcutRegistry();
    const ran: string[] = [];
    reg.add({ keys: 'escape', description: 'app', run: () => void ran.push('app') });
    let paneOpen = true;
    const remove = reg.add({ keys: 'escape', description: 'view', run: () => (paneOpen ? (ran.push('view'), (paneOpen = false), true) : false) });
    reg.handle(key('Escape'));
    reg.handle(key('Escape'));
    remove();
    reg.handle(key('Escape'));
    expect(ran).toEqual(['view', 'app', 'app']);
    expect(reg.list().map((s) => s.description)).toEqual(['app']);
  });

  it('leaves keys another handler already took', () => {
    const reg = new ShortcutRegistry();
    const run = vi.fn();
    reg.add({ keys: '?', description: '', run });
    expect(reg.handle(key('?', { defaultPrevented: true }))).toBe(false);
    expect(run).not.toHaveBeenCalled();
  });
});

describe('describeKeys', () => {
  it('reads keys per platform', () => {
    expect(describeKeys('mod+1')).toBe('Ctrl+1');
    expect(describeKeys('mod+1', true)).toBe('⌘1');
    expect(describeKeys('g o')).toBe('g then o');
    expect(describeKeys('escape')).toBe('Esc');
  });
});

describe('nextIndex', () => {
  it('moves by one with arrows and j/k, by a page, to the ends, and stays inside the list', () => {
    expect(nextIndex('ArrowDown', -1, 5)).toBe(0);
    expect(nextIndex('k', -1, 5)).toBe(4);
    expect(nextIndex('j', 1, 5)).toBe(2);
    expect(nextIndex('ArrowDown', 4, 5)).toBe(4);
    expect(nextIndex('ArrowUp', 0, 5)).toBe(0);
    expect(nextIndex('PageDown', 0, 30)).toBe(10);
    expect(nextIndex('End', 0, 5)).toBe(4);
    expect(nextIndex('Home', 3, 5)).toBe(0);
    expect(nextIndex('x', 0, 5)).toBeNull();
    expect(nextIndex('j', 0, 0)).toBeNull();
  });
});
