import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateFields } from './duplicate-fields.js';

test('finds duplicate keys with their paths, ignoring keys inside strings', () => {
  assert.deepEqual(duplicateFields('{"a":1,"b":{"c":1,"c":2},"a":"x"}'), ['b.c', 'a']);
  assert.deepEqual(duplicateFields('{"spec":{"containers":[{"name":"a","name":"b"},{"name":"c"}]}}'), ['spec.containers[0].name']);
  assert.deepEqual(duplicateFields('{"data":{"k":"{\\"k\\":1,\\"k\\":2}"}}'), []);
  assert.deepEqual(duplicateFields('{"a":[1,2,{"x":1}],"b":{"x":1}}'), []);
});

test('top-level keys have bare paths; top-level arrays start with an index', () => {
  assert.deepEqual(duplicateFields('{"data":1,"data":2}'), ['data']);
  assert.deepEqual(duplicateFields('[{"a":1,"a":2},{"b":1,"b":2}]'), ['[0].a', '[1].b']);
  assert.deepEqual(duplicateFields('{"a":1,"a":2,"a":3}'), ['a', 'a']);
  assert.deepEqual(duplicateFields('{}'), []);
  assert.deepEqual(duplicateFields('[]'), []);
});

test('decodes escaped keys before comparing them and in paths', () => {
  assert.deepEqual(duplicateFields('{"\\u0041":1,"A":2}'), ['A']);
  assert.deepEqual(duplicateFields('{"a\\"b":1,"a\\u0022b":2}'), ['a"b']);
  assert.deepEqual(duplicateFields('{"x":{"\\\\":1,"\\u005c":2}}'), ['x.\\']);
  assert.deepEqual(duplicateFields('{"\\u0061":{"b":1,"b":2}}'), ['a.b']);
  assert.deepEqual(duplicateFields('{"a\\/b":1,"a/b":2,"\\n":1,"\\u000a":2}'), ['a/b', '\n']);
  assert.deepEqual(duplicateFields('{"\\ud83d\\ude00":1,"😀":2}'), ['😀']);
  // A key ending in an escaped backslash, then a real closing quote.
  assert.deepEqual(duplicateFields('{"k\\\\":1,"k\\\\":2,"k":3}'), ['k\\']);
});

test('paths through nested arrays of objects', () => {
  assert.deepEqual(
    duplicateFields('{"items":[{"a":1},[{"b":1,"b":2}],{"c":[{},{"d":1,"d":1}]}]}'),
    ['items[1][0].b', 'items[2].c[1].d'],
  );
  assert.deepEqual(duplicateFields('{"m":[[1,[2,{"z":0,"z":0}]],{"y":[]}]}'), ['m[0][1][1].z']);
  // Commas inside strings and nested containers do not advance an array's index.
  assert.deepEqual(duplicateFields('{"l":[",,", [1,2,3], {"p":1,"q":2}, {"r":1,"r":2}]}'), ['l[3].r']);
});

test('a string is a key only when a colon follows it', () => {
  assert.deepEqual(duplicateFields('{"a":"b:","a":1}'), ['a']);
  assert.deepEqual(duplicateFields('{"a":"b","b":1}'), []);
  assert.deepEqual(duplicateFields('{"a":["a","a"],"b":"a"}'), []);
  assert.deepEqual(duplicateFields('{"a":"x","b":"x"}'), []);
});

test('strings holding braces, brackets, quotes and backslashes are skipped', () => {
  assert.deepEqual(duplicateFields('{"s":"}{][\\"","s2":"\\\\","t":1,"t":2}'), ['t']);
  assert.deepEqual(duplicateFields('{"a":["]","}",{"k":1,"k":2}]}'), ['a[2].k']);
  assert.deepEqual(duplicateFields('{"v":"\\\\\\"{\\"v\\":1}","v":"\\\\"}'), ['v']);
  assert.deepEqual(duplicateFields('{"v":"\\u0022,\\"a\\":1,\\"a\\":2"}'), []);
});

test('whitespace around keys and colons', () => {
  assert.deepEqual(duplicateFields('{"a" : 1, "a"\n:\t2}'), ['a']);
  assert.deepEqual(duplicateFields(' \n{ "o" :\r\n { "k"  :1 ,\t"k"   : 2 } } \n'), ['o.k']);
});

test('objects with many keys (past the linear-search size) still find duplicates', () => {
  const keys = Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`);
  assert.deepEqual(duplicateFields(`{${keys.join(',')}}`), []);
  assert.deepEqual(duplicateFields(`{${keys.join(',')},"k3":0,"k39":0}`), ['k3', 'k39']);
  assert.deepEqual(duplicateFields(`{${keys.slice(0, 16).join(',')},"k0":0,"k16":0,"k16":0}`), ['k0', 'k16']);
  assert.deepEqual(duplicateFields(`{${keys.slice(0, 32).join(',')},"k0":0,"k32":0,"k32":0}`), ['k0', 'k32']);
  // An escaped key turns the object's comparison to decoded keys, for the keys before it too.
  assert.deepEqual(duplicateFields(`{"ab":1,"c":2,"a\\u0062":3,"\\u0063":4,"d":5,"d":6}`), ['ab', 'c', 'd']);
  // A sibling object at the same depth starts with no keys.
  assert.deepEqual(duplicateFields(`[{${keys.join(',')}},{"k1":1,"k2":2}]`), []);
});

test('never throws or hangs on invalid or truncated input', () => {
  const bad = ['', '{', '}', ']]}}', '"', '"\\', '{"a', '{"a\\', '{"a":', '{"a":1,"a"', '[,,{"a":1,"a":2', '{"\\u00":1}', '{{}}', ':::', '{"a":"\\'];
  for (const text of bad) assert.ok(Array.isArray(duplicateFields(text)), text);
  // Truncated right after a duplicate key's colon: still reported; without the colon it is no key yet.
  assert.deepEqual(duplicateFields('{"a":1,"a":'), ['a']);
  assert.deepEqual(duplicateFields('{"a":1,"a"'), []);
});

// ---- randomized check ----

/** The previous implementation (char by char, every string built), kept as the oracle. */
function referenceDuplicateFields(text: string): string[] {
  const dups: string[] = [];
  const stack: { keys: Set<string> | undefined; path: string; index: number }[] = [];
  let pendingKey: string | undefined;
  let i = 0;
  const n = text.length;
  const readString = (): string => {
    let out = '';
    i++;
    while (i < n) {
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        if (e === 'u') {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : (e ?? '');
        i += 2;
        continue;
      }
      out += c ?? '';
      i++;
    }
    return out;
  };
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    if (top.keys) return top.path ? `${top.path}.${pendingKey ?? ''}` : (pendingKey ?? '');
    return `${top.path}[${top.index}]`;
  };
  while (i < n) {
    const c = text[i];
    if (c === '{' || c === '[') {
      const path = childPath();
      stack.push({ keys: c === '{' ? new Set() : undefined, path, index: 0 });
      pendingKey = undefined;
      i++;
    } else if (c === '}' || c === ']') {
      stack.pop();
      i++;
    } else if (c === '"') {
      const top = stack[stack.length - 1];
      const s = readString();
      let j = i;
      while (j < n && (text[j] === ' ' || text[j] === '\n' || text[j] === '\r' || text[j] === '\t')) j++;
      if (top?.keys && text[j] === ':') {
        if (top.keys.has(s)) dups.push(top.path ? `${top.path}.${s}` : s);
        top.keys.add(s);
        pendingKey = s;
        i = j + 1;
      }
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top && !top.keys) top.index++;
      i++;
    } else {
      i++;
    }
  }
  return dups;
}

/** Deterministic PRNG (mulberry32) so a failure reproduces. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEY_POOL = ['a', 'b', 'name', 'x:y', 'q"q', 'back\\slash', '{', ']', '', 'é', 'A', 'a/b', '\n', '😀', 'k,1', ' sp '];
const STRING_POOL = ['', 'x', 'b:', '}{][', '\\"', '"a":1,"a":2', ',', 'tab\there', 'é😀', '\\', '{"k":'];

/** JSON text of a string, randomly using \uXXXX or \/ escapes in place of plain characters. */
function encodeString(s: string, rnd: () => number): string {
  let out = '"';
  for (const ch of s) {
    if (rnd() < 0.25) {
      for (let k = 0; k < ch.length; k++) {
        const hex = ch.charCodeAt(k).toString(16).padStart(4, '0');
        out += `\\u${rnd() < 0.5 ? hex.toUpperCase() : hex}`;
      }
    } else if (ch === '/' && rnd() < 0.5) {
      out += '\\/';
    } else {
      out += JSON.stringify(ch).slice(1, -1);
    }
  }
  return `${out}"`;
}

/** Random JSON text with random duplicate keys, plus the duplicates it holds (path, in text order). */
function generate(rnd: () => number): { text: string; expected: string[] } {
  const expected: string[] = [];
  const ws = (): string => (rnd() < 0.3 ? [' ', '\n', '\t', '\r\n  '][Math.floor(rnd() * 4)] ?? '' : '');
  const value = (path: string, depth: number): string => {
    const r = rnd();
    if (depth < 5 && r < 0.3) {
      const seen = new Set<string>();
      const parts: string[] = [];
      const count = Math.floor(rnd() * (rnd() < 0.1 ? 30 : 6));
      for (let k = 0; k < count; k++) {
        const key = KEY_POOL[Math.floor(rnd() * KEY_POOL.length)] ?? 'a';
        const childPath = path ? `${path}.${key}` : key;
        if (seen.has(key)) expected.push(childPath);
        seen.add(key);
        parts.push(`${ws()}${encodeString(key, rnd)}${ws()}:${ws()}${value(childPath, depth + 1)}${ws()}`);
      }
      return `{${parts.join(',')}${parts.length ? '' : ws()}}`;
    }
    if (depth < 5 && r < 0.5) {
      const parts: string[] = [];
      const count = Math.floor(rnd() * 5);
      for (let k = 0; k < count; k++) parts.push(`${ws()}${value(`${path}[${k}]`, depth + 1)}${ws()}`);
      return `[${parts.join(',')}]`;
    }
    if (r < 0.75) return encodeString(STRING_POOL[Math.floor(rnd() * STRING_POOL.length)] ?? '', rnd);
    return ['0', '-1.5e3', 'true', 'false', 'null', '42'][Math.floor(rnd() * 6)] ?? '0';
  };
  // Bodies are objects (occasionally arrays); nested values are anything.
  const text = `${ws()}${rnd() < 0.85 ? value('', 0).replace(/^[^{[].*$/s, '{}') : value('', 0)}${ws()}`;
  return { text, expected };
}

test('randomized: matches the generator and the previous implementation on valid JSON with duplicates', () => {
  const rnd = prng(20260101);
  let withDups = 0;
  for (let iter = 0; iter < 3000; iter++) {
    const { text, expected } = generate(rnd);
    JSON.parse(text); // the generator only makes valid JSON
    const got = duplicateFields(text);
    const reference = referenceDuplicateFields(text);
    assert.deepEqual(got, expected, text);
    assert.deepEqual(got, reference, text);
    if (got.length) withDups++;
    // Truncated bodies: must not throw and must terminate.
    const cut = text.slice(0, Math.floor(rnd() * text.length));
    assert.ok(Array.isArray(duplicateFields(cut)), cut);
  }
  assert.ok(withDups > 300, `only ${withDups} generated bodies had duplicates`);
});
