import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, shortHumanDuration, translateTimestampSince } from './duration.js';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test('humanDuration matches apimachinery HumanDuration', () => {
  const cases: [number, string][] = [
    [-2 * s, '<invalid>'],
    [-1500, '0s'],
    [-1 * s, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1 * s, '1s'],
    [70 * s, '70s'],
    [119 * s, '119s'],
    [120 * s, '2m'],
    [190 * s, '3m10s'],
    [5 * m + 30 * s, '5m30s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [70 * m, '70m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 20 * m, '3h20m'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [48 * h, '2d'],
    [49 * h, '2d1h'],
    [7 * d + 23 * h, '7d23h'],
    [8 * d + 2 * h, '8d'],
    [367 * d, '367d'],
    [729 * d, '729d'],
    [365 * 2 * d + 25 * h, '2y1d'],
    [365 * 3 * d, '3y'],
    [365 * 8 * d + 2 * h, '8y'],
    [365 * 20 * d, '20y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

test('shortHumanDuration uses one unit', () => {
  assert.equal(shortHumanDuration(-3 * s), '<invalid>');
  assert.equal(shortHumanDuration(59 * s), '59s');
  assert.equal(shortHumanDuration(61 * s), '1m');
  assert.equal(shortHumanDuration(3 * h + 59 * m), '3h');
  assert.equal(shortHumanDuration(400 * d), '1y');
  assert.equal(shortHumanDuration(364 * d), '364d');
});

test('translateTimestampSince handles absent and micro timestamps', () => {
  const now = new Date('2025-01-01T12:00:00Z');
  assert.equal(translateTimestampSince(undefined, now), '<unknown>');
  assert.equal(translateTimestampSince('', now), '<unknown>');
  assert.equal(translateTimestampSince('2025-01-01T11:55:00Z', now), '5m');
  assert.equal(translateTimestampSince('2025-01-01T11:59:30.123456Z', now), '29s');
});
