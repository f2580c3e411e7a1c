/**
 * Duplicate keys in a JSON body. JSON.parse silently keeps the last one; upstream's
 * strict decoding (fieldValidation=Strict) rejects them: `duplicate field "data"`.
 * A small scanner over the text that tracks the keys of each open object.
 *
 * It runs on every request body, so it is written for speed and allocates next to nothing:
 * char codes, string values skipped with indexOf, keys compared where they stand in the
 * text (a key is made into a string only in an object with escaped or very many keys), and
 * paths (`a.b`, `items[2].name`) built only when a duplicate is found.
 */

const QUOTE = 34; // "
const BACKSLASH = 92; // \
const COLON = 58; // :
const COMMA = 44; // ,
const LBRACE = 123; // {
const RBRACE = 125; // }
const LBRACKET = 91; // [
const RBRACKET = 93; // ]

/** Objects keep their keys as offsets into the text (linear search) up to this many, then in a Set. */
const LINEAR_KEYS = 32;

/** One open object or array. Frames are reused by depth, so nothing is allocated per container. */
interface Frame {
  isObject: boolean;
  /** How this container hangs off its parent: the parent's key as text offsets [labelStart, labelEnd) (object parent), or index (array parent). */
  labelStart: number;
  labelEnd: number;
  /** Array: the index of the current element (commas seen). */
  index: number;
  /** Object: where the first LINEAR_KEYS keys' bodies start and end in the text. */
  starts: number[];
  ends: number[];
  keyCount: number;
  /** Object: every key as a string, once it has more than LINEAR_KEYS or one with an escape. */
  set: Set<string> | undefined;
}

/** The text of a string literal's body, escapes decoded (only called when it holds a backslash). */
function unescape(raw: string): string {
  let out = '';
  let i = 0;
  const n = raw.length;
  while (i < n) {
    const c = raw.charCodeAt(i);
    if (c !== BACKSLASH) {
      const next = raw.indexOf('\\', i);
      const end = next === -1 ? n : next;
      out += raw.slice(i, end);
      i = end;
      continue;
    }
    const e = raw[i + 1];
    if (e === 'u') {
      out += String.fromCharCode(parseInt(raw.slice(i + 2, i + 6), 16));
      i += 6;
      continue;
    }
    out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : (e ?? '');
    i += 2;
  }
  return out;
}

/** Index of the quote closing the string whose body starts at `from` (n if unterminated). */
function stringEnd(text: string, from: number, n: number): number {
  let q = text.indexOf('"', from);
  while (q !== -1) {
    // The quote is escaped when preceded by an odd run of backslashes.
    let b = q - 1;
    while (b >= from && text.charCodeAt(b) === BACKSLASH) b--;
    if ((q - 1 - b) % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return n;
}

/** A key's text (the body of the string literal at [start, end)), escapes decoded. */
function keyAt(text: string, start: number, end: number): string {
  const key = text.slice(start, end);
  return key.indexOf('\\') === -1 ? key : unescape(key);
}

/** The dotted/indexed path of the container at `depth` (frames 1..depth hang off their parents). */
function pathOf(text: string, stack: Frame[], depth: number): string {
  let path = '';
  for (let d = 1; d <= depth; d++) {
    const parent = stack[d - 1] as Frame;
    const f = stack[d] as Frame;
    if (parent.isObject) {
      const label = keyAt(text, f.labelStart, f.labelEnd);
      path = path ? `${path}.${label}` : label;
    } else path = `${path}[${f.labelStart}]`;
  }
  return path;
}

function hasBackslash(text: string, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (text.charCodeAt(k) === BACKSLASH) return true;
  return false;
}

function sameText(text: string, a: number, b: number, len: number): boolean {
  for (let k = 0; k < len; k++) if (text.charCodeAt(a + k) !== text.charCodeAt(b + k)) return false;
  return true;
}

/** True if the key at [start, end) was already seen in the object frame `f`; records it otherwise. */
function seenBefore(text: string, f: Frame, start: number, end: number): boolean {
  if (!f.set) {
    const count = f.keyCount;
    // Escaped keys compare by their decoded text: keep them as strings from then on.
    if (count < LINEAR_KEYS && !hasBackslash(text, start, end)) {
      const len = end - start;
      const { starts, ends } = f;
      for (let k = 0; k < count; k++) if (ends[k] - starts[k] === len && sameText(text, starts[k], start, len)) return true;
      starts[count] = start;
      ends[count] = end;
      f.keyCount = count + 1;
      return false;
    }
    f.set = new Set();
    for (let k = 0; k < count; k++) f.set.add(text.slice(f.starts[k], f.ends[k]));
  }
  const key = keyAt(text, start, end);
  if (f.set.has(key)) return true;
  f.set.add(key);
  return false;
}

/** Frames by depth, kept between calls (the scan never re-enters itself): a body allocates none once its depth was seen. */
const stack: Frame[] = [];

export function duplicateFields(text: string): string[] {
  const dups: string[] = [];
  let depth = -1; // index of the innermost open container in `stack`
  let top: Frame | undefined;
  // The key of the value being read in the innermost object: labels a container opened as that value.
  let pendingStart = 0;
  let pendingEnd = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c <= 32) {
      // Whitespace (indented bodies are mostly this): skip the run in a tight loop.
      while (++i < n && text.charCodeAt(i) <= 32);
    } else if (c === QUOTE) {
      const start = i + 1;
      const end = stringEnd(text, start, n);
      i = end + 1;
      if (top?.isObject !== true) continue;
      // A string in an object is a key when a colon follows it.
      let j = i;
      let d = text.charCodeAt(j);
      while (d === 32 || d === 10 || d === 13 || d === 9) d = text.charCodeAt(++j);
      if (d !== COLON) continue;
      if (seenBefore(text, top, start, end)) {
        const path = pathOf(text, stack, depth);
        const key = keyAt(text, start, end);
        dups.push(path ? `${path}.${key}` : key);
      }
      pendingStart = start;
      pendingEnd = end;
      i = j + 1;
    } else if (c === LBRACE || c === LBRACKET) {
      const parent = top;
      depth++;
      let f = stack[depth];
      if (f === undefined) {
        f = { isObject: false, labelStart: 0, labelEnd: 0, index: 0, starts: [], ends: [], keyCount: 0, set: undefined };
        stack.push(f);
      }
      // Under an object the label is the pending key's text; under an array, the element's index.
      if (parent?.isObject === false) {
        f.labelStart = parent.index;
        f.labelEnd = parent.index;
      } else {
        f.labelStart = pendingStart;
        f.labelEnd = pendingEnd;
      }
      f.isObject = c === LBRACE;
      f.index = 0;
      f.keyCount = 0;
      f.set = undefined;
      top = f;
      pendingStart = pendingEnd = 0;
      i++;
    } else if (c === RBRACE || c === RBRACKET) {
      if (depth >= 0) {
        depth--;
        top = depth >= 0 ? stack[depth] : undefined;
      }
      i++;
    } else if (c === COMMA) {
      if (top !== undefined && !top.isObject) top.index++;
      i++;
    } else {
      i++;
    }
  }
  return dups;
}
