/**
 * The desktop app's settings: a small JSON file (settings.json in userData, beside the cluster's data). Plain Node:
 * no Electron imports, so it is tested without Electron. Unknown or invalid fields fall back to their defaults, so
 * a hand-edited or older file never stops the app from starting.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AppSettings, WindowCloseAction } from '../preload/api.js';

export type { AppSettings, WindowCloseAction } from '../preload/api.js';

export const WINDOW_CLOSE_ACTIONS: readonly WindowCloseAction[] = ['stop-cluster', 'keep-running'];

/** As the app behaved before the setting existed: closing the window stops the cluster and quits. */
export const DEFAULT_SETTINGS: Readonly<AppSettings> = { windowClose: 'stop-cluster' };

function isWindowCloseAction(value: unknown): value is WindowCloseAction {
  return (WINDOW_CLOSE_ACTIONS as readonly unknown[]).includes(value);
}

/** Settings from a parsed file: known fields with valid values, defaults for the rest. */
export function parseSettings(raw: unknown): AppSettings {
  const fields = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  return { windowClose: isWindowCloseAction(fields.windowClose) ? fields.windowClose : DEFAULT_SETTINGS.windowClose };
}

/** A patch from the renderer, checked field by field; throws a readable Error on an unknown field or value. */
export function validatePatch(patch: unknown): Partial<AppSettings> {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new Error('settings: expected an object of settings');
  const out: Partial<AppSettings> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (key !== 'windowClose') throw new Error(`settings: unknown setting "${key}"`);
    if (!isWindowCloseAction(value)) throw new Error(`settings: windowClose must be one of ${WINDOW_CLOSE_ACTIONS.join(', ')}`);
    out.windowClose = value;
  }
  return out;
}

/** The settings file: read once, written whole (a temporary file renamed over it) on every change. */
export class SettingsFile {
  private current: AppSettings;

  constructor(private readonly path: string) {
    this.current = SettingsFile.read(path);
  }

  private static read(path: string): AppSettings {
    try {
      return parseSettings(JSON.parse(readFileSync(path, 'utf8')));
    } catch {
      return { ...DEFAULT_SETTINGS }; // missing or unreadable: defaults (written on the first change)
    }
  }

  get(): AppSettings {
    return { ...this.current };
  }

  update(patch: unknown): AppSettings {
    const next = { ...this.current, ...validatePatch(patch) };
    mkdirSync(dirname(this.path), { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
    this.current = next;
    return this.get();
  }
}
