/**
 * The page's keyboard shortcuts (lib/shortcuts.ts): one registry and one window listener; components add their
 * shortcuts while mounted. `shortcutList` is the live list for the shortcut sheet.
 */
import { onMounted, onUnmounted, shallowRef } from 'vue';
import { ShortcutRegistry, type Shortcut } from '../lib/shortcuts';

export const shortcuts = new ShortcutRegistry();
export const shortcutList = shallowRef<Shortcut[]>([]);
shortcuts.subscribe(() => (shortcutList.value = shortcuts.list()));

let listening = false;
function listen(): void {
  if (listening || typeof window === 'undefined') return;
  listening = true;
  window.addEventListener('keydown', (e) => void shortcuts.handle(e));
}

/** Adds `list` while the calling component is mounted. */
export function useShortcuts(list: Shortcut[]): void {
  let removers: (() => void)[] = [];
  onMounted(() => {
    listen();
    removers = list.map((s) => shortcuts.add(s));
  });
  onUnmounted(() => {
    for (const remove of removers) remove();
    removers = [];
  });
}

/** Whether this is a Mac (⌘ rather than Ctrl in the sheet). */
export const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
