/**
 * Keyboard shortcuts: single keys (`/`, `?`), chords (`mod+1`: Ctrl, or Cmd on macOS) and sequences (`g o`, pressed
 * one after the other within a second, as GitHub's and Gmail's). One registry for the page; the latest registered
 * shortcut for a key is tried first (a view's before the app's), and may pass by returning false. While the user
 * types in a field only `mod+` chords and shortcuts marked `inInputs` run.
 */

export interface Shortcut {
  /** Space-separated chords: `g o`, `mod+3`, `/`, `?`, `escape`, `shift+delete`. */
  keys: string;
  /** For the shortcut sheet. */
  description: string;
  /** For the shortcut sheet: `Navigation`, `Resources`, … */
  group?: string;
  /** Also while focus is in a text field. */
  inInputs?: boolean;
  /** Left out of the shortcut sheet (aliases). */
  hidden?: boolean;
  /** Returning false passes the key on to the next shortcut (e.g. Esc when there is nothing to close). */
  run(event: KeyEventLike): boolean | void;
}

/** The parts of a KeyboardEvent the registry reads (tests pass plain objects). */
export interface KeyEventLike {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  shiftKey?: boolean;
  target?: EventTarget | null;
  defaultPrevented?: boolean;
  preventDefault?(): void;
}

const MODIFIER_KEYS = new Set(['Shift', 'Control', 'Meta', 'Alt', 'AltGraph', 'CapsLock']);

/**
 * A key press as a chord name: `mod+`, `alt+` prefixes; printable characters as typed (Shift is part of the
 * character: `?`, `G`); named keys lowercased, with `shift+` when held (`shift+tab`). Null for a lone modifier.
 */
export function chordOf(e: KeyEventLike): string | null {
  if (MODIFIER_KEYS.has(e.key)) return null;
  const printable = e.key.length === 1;
  const key = printable ? (e.key === ' ' ? 'space' : e.key) : e.key.toLowerCase();
  const mods = [e.ctrlKey || e.metaKey ? 'mod' : '', e.altKey ? 'alt' : '', !printable && e.shiftKey ? 'shift' : ''].filter(Boolean);
  // With mod, letters are named lowercase whatever Shift does (`mod+k`).
  return [...mods, mods.includes('mod') ? key.toLowerCase() : key].join('+');
}

/** Whether keys typed at `target` are text: inputs (not buttons and boxes), text areas, selects, editable content, terminals. */
export function isTypingTarget(target: EventTarget | null | undefined): boolean {
  const el = target as (HTMLElement & { type?: string; isContentEditable?: boolean }) | null | undefined;
  if (!el || typeof el !== 'object' || !('tagName' in el)) return false;
  const tag = String(el.tagName).toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes((el.type ?? 'text').toLowerCase());
  return el.isContentEditable === true;
}

/** How a shortcut's keys read on this platform: `mod+1` → `Ctrl+1` or `⌘1`, `g o` → `g then o`. */
export function describeKeys(keys: string, mac = false): string {
  const named: Record<string, string> = { escape: 'Esc', enter: 'Enter', delete: 'Delete', arrowup: '↑', arrowdown: '↓', space: 'Space', backspace: 'Backspace' };
  return keys
    .split(' ')
    .map((chord) =>
      chord
        .split('+')
        .map((part) => (part === 'mod' ? (mac ? '⌘' : 'Ctrl') : part === 'alt' ? (mac ? '⌥' : 'Alt') : part === 'shift' ? 'Shift' : (named[part] ?? part)))
        .join(mac ? '' : '+'),
    )
    .join(' then ');
}

export class ShortcutRegistry {
  private shortcuts: Shortcut[] = [];
  private pending: string[] = [];
  private pendingAt = 0;
  private readonly listeners = new Set<() => void>();

  /** `now` for tests; `sequenceMs`: how long a sequence waits for its next key. */
  constructor(private readonly opts: { now?: () => number; sequenceMs?: number } = {}) {}

  /** Adds a shortcut; returns the function that removes it. */
  add(shortcut: Shortcut): () => void {
    this.shortcuts = [...this.shortcuts, shortcut];
    this.changed();
    return () => {
      this.shortcuts = this.shortcuts.filter((s) => s !== shortcut);
      this.changed();
    };
  }

  /** Every registered shortcut, in registration order (the sheet's list). */
  list(): Shortcut[] {
    return [...this.shortcuts];
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Handles one keydown; true (and preventDefault) when a shortcut ran or a sequence is under way. */
  handle(e: KeyEventLike): boolean {
    const chord = chordOf(e);
    if (!chord || e.defaultPrevented) return false;
    const now = this.opts.now?.() ?? Date.now();
    const typing = isTypingTarget(e.target);
    const usable = this.shortcuts.filter((s) => !typing || s.inInputs || s.keys.startsWith('mod+')).reverse();
    const fresh = this.pending.length > 0 && now - this.pendingAt <= (this.opts.sequenceMs ?? 1000);
    const attempts = fresh ? [[...this.pending, chord], [chord]] : [[chord]];
    this.pending = [];
    for (const seq of attempts) {
      const wanted = seq.join(' ');
      for (const s of usable) {
        if (s.keys !== wanted) continue;
        if (s.run(e) === false) continue;
        e.preventDefault?.();
        return true;
      }
      if (usable.some((s) => s.keys.startsWith(`${wanted} `))) {
        this.pending = seq;
        this.pendingAt = now;
        e.preventDefault?.();
        return true;
      }
    }
    return false;
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
