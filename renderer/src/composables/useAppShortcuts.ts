/**
 * The app's global shortcuts: `g` + a letter or Ctrl/⌘+1…9 for the views, `/` to search the current view, `?` for
 * the shortcut sheet, Ctrl/⌘+, for settings, Esc to leave a text field (dialogs and panes handle their own Esc).
 */
import { ref, type Ref } from 'vue';
import type { Router } from 'vue-router';
import type { Shortcut } from '../lib/shortcuts';
import { isTypingTarget } from '../lib/shortcuts';
import { useShortcuts } from './useShortcuts';

/** The views in the header's order: `g` + letter, and their Ctrl/⌘+N by position. */
export const VIEW_KEYS: { letter: string; route: string; label: string }[] = [
  { letter: 'o', route: 'overview', label: 'Overview' },
  { letter: 'r', route: 'resources', label: 'Resources' },
  { letter: 's', route: 'store', label: 'Store' },
  { letter: 'e', route: 'events', label: 'Events' },
  { letter: 't', route: 'trace', label: 'Trace' },
  { letter: 'n', route: 'network', label: 'Network' },
  { letter: 'c', route: 'terminal', label: 'Terminal' },
];

/** Focuses the current view's search box (its first search field, else its first text field). */
export function focusViewSearch(root: ParentNode = document): boolean {
  const field = root.querySelector<HTMLInputElement>('main input[type="search"]') ?? root.querySelector<HTMLInputElement>('main input:not([type]), main input[type="text"]');
  if (!field) return false;
  field.focus();
  field.select?.();
  return true;
}

export function useAppShortcuts(router: Router, available: (route: string) => boolean): { sheetOpen: Ref<boolean>; settingsOpen: Ref<boolean> } {
  const sheetOpen = ref(false);
  const settingsOpen = ref(false);
  const go = (route: string) => () => {
    if (!available(route)) return false;
    void router.push({ name: route });
  };
  const list: Shortcut[] = [
    ...VIEW_KEYS.map((v) => ({ keys: `g ${v.letter}`, description: `Go to ${v.label}`, group: 'Views', run: go(v.route) })),
    ...VIEW_KEYS.map((v, i) => ({ keys: `mod+${i + 1}`, description: `Go to ${v.label}`, group: 'Views', hidden: false, run: go(v.route) })),
    { keys: '/', description: "Search in the current view", group: 'General', run: () => focusViewSearch() },
    { keys: '?', description: 'Show this sheet', group: 'General', run: () => void (sheetOpen.value = true) },
    { keys: 'mod+,', description: 'Settings', group: 'General', run: () => void (settingsOpen.value = true) },
    {
      keys: 'escape',
      description: 'Close the open pane or dialog; leave a text field',
      group: 'General',
      inInputs: true,
      run: (e) => {
        if (!isTypingTarget(e.target)) return false;
        (e.target as HTMLElement).blur();
      },
    },
  ];
  useShortcuts(list);
  return { sheetOpen, settingsOpen };
}
