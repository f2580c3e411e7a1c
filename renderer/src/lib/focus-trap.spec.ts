import { afterEach, describe, expect, it, vi } from 'vitest';
import { focusableIn, trapTab } from './focus-trap';

function dialog(): HTMLElement {
  const root = document.createElement('div');
  root.tabIndex = -1;
  root.innerHTML = '<button id="a">A</button><input id="b" /><button id="off" disabled>off</button><a id="c" href="#x">C</a>';
  document.body.append(root);
  return root;
}
const tab = (shiftKey = false) => ({ key: 'Tab', shiftKey, preventDefault: vi.fn() });

afterEach(() => (document.body.innerHTML = ''));

describe('focus trap', () => {
  it('lists the focusable elements, skipping disabled ones', () => {
    expect(focusableIn(dialog()).map((el) => el.id)).toEqual(['a', 'b', 'c']);
  });

  it('wraps Tab from the last to the first and Shift+Tab from the first to the last', () => {
    const root = dialog();
    const [a, , c] = focusableIn(root);
    c.focus();
    const forward = tab();
    expect(trapTab(forward, root, c)).toBe(true);
    expect(forward.preventDefault).toHaveBeenCalled();
    expect(document.activeElement).toBe(a);
    expect(trapTab(tab(true), root, a)).toBe(true);
    expect(document.activeElement).toBe(c);
  });

  it('leaves Tab between inner elements to the browser, and pulls focus back in from outside', () => {
    const root = dialog();
    const [a] = focusableIn(root);
    expect(trapTab(tab(), root, a)).toBe(false);
    const outside = document.createElement('button');
    document.body.append(outside);
    expect(trapTab(tab(), root, outside)).toBe(true);
    expect(document.activeElement).toBe(a);
    expect(trapTab({ key: 'Enter', shiftKey: false, preventDefault: vi.fn() }, root, a)).toBe(false);
  });
});
