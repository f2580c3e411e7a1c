import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decideAllWindowsClosed, decideWindowClose, trayMenu, trayTooltip, wantsTray } from './quit-policy.js';
import { trayIconBitmap } from './tray-icon.js';

describe('what closing the window does', () => {
  it('keep-running hides the window into the tray; stop-cluster lets it close', () => {
    assert.equal(decideWindowClose({ windowClose: 'keep-running', quitting: false, trayAvailable: true }), 'hide');
    assert.equal(decideWindowClose({ windowClose: 'stop-cluster', quitting: false, trayAvailable: true }), 'close');
  });

  it('a quit (tray Quit, Cmd+Q, a signal) always closes the window', () => {
    assert.equal(decideWindowClose({ windowClose: 'keep-running', quitting: true, trayAvailable: true }), 'close');
  });

  it('without a tray the window closes even with keep-running (a hidden window could never come back)', () => {
    assert.equal(decideWindowClose({ windowClose: 'keep-running', quitting: false, trayAvailable: false }), 'close');
  });

  it('when every window closed: quit (stopping the cluster), except macOS keeping the app with keep-running', () => {
    assert.equal(decideAllWindowsClosed({ windowClose: 'stop-cluster', platform: 'linux' }), 'quit');
    assert.equal(decideAllWindowsClosed({ windowClose: 'stop-cluster', platform: 'darwin' }), 'quit');
    assert.equal(decideAllWindowsClosed({ windowClose: 'keep-running', platform: 'win32' }), 'quit');
    assert.equal(decideAllWindowsClosed({ windowClose: 'keep-running', platform: 'darwin' }), 'stay');
  });

  it('the tray exists only while the cluster is kept running', () => {
    assert.equal(wantsTray('keep-running'), true);
    assert.equal(wantsTray('stop-cluster'), false);
  });
});

describe('the tray', () => {
  it('offers Open and Stop cluster and quit, with the state as a disabled label', () => {
    assert.deepEqual(trayMenu('running'), [
      { id: 'status', label: 'Cluster: running', enabled: false },
      { id: 'open', label: 'Open Kubarium', enabled: true },
      { id: 'quit', label: 'Stop cluster and quit', enabled: true },
    ]);
    assert.equal(trayMenu('failed')[2].label, 'Quit');
    assert.match(trayTooltip('running'), /keeps running in the background/);
    assert.equal(trayTooltip('stopping'), 'Kubarium: cluster stopping');
  });

  it('draws an opaque disc on transparent corners', () => {
    const size = 16;
    const px = trayIconBitmap(size);
    assert.equal(px.length, size * size * 4);
    const alpha = (x: number, y: number) => px[(y * size + x) * 4 + 3];
    assert.equal(alpha(0, 0), 0);
    assert.equal(alpha(size - 1, size - 1), 0);
    assert.equal(alpha(8, 8), 255);
    assert.equal(alpha(8, 1), 255);
  });
});
