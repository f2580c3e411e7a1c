/**
 * Duplicate keys in a JSON body. JSON.parse silently keeps the last one; upstream's
 * strict decoding (fieldValidation=Strict) rejects them: `duplicate field "data"`.
 * A small scanner over the text that tracks the keys of each open object.
 *
 * It runs on every request body, so it is written for speed: char codes, string values
 * skipped with indexOf, key text sliced (unescaped only when it holds a backslash), and
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

/** Objects keep their keys in a plain array (linear search) up to this many, then in a Set. */
const LINEAR_KEYS = 16;

/** One open object or array. Frames are reused by depth, so nothing is allocated per container. */
interface Frame {
  isObject: boolean;
  /** How this container hangs off its parent: the parent's key (object parent) or index (array parent). */
  label: string | number;
  /** Array: the index of the current element (commas seen). */
  index: number;
  /** Object: the first LINEAR_KEYS keys seen. */
  keys: string[];
  keyCount: number;
  /** Object: every key, once it has more than LINEAR_KEYS. */
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

/** The dotted/indexed path of the container at `depth` (frames 1..depth hang off their parents). */
function pathOf(stack: Frame[], depth: number): string {
  let path = '';
  for (let d = 1; d <= depth; d++) {
    const parent = stack[d - 1] as Frame;
    const label = (stack[d] as Frame).label;
    if (parent.isObject) path = path ? `${path}.${label}` : String(label);
    else path = `${path}[${label}]`;
  }
  return path;
}

/** True if `key` was already seen in the object frame `f`; records it otherwise. */
function seenBefore(f: Frame, key: string): boolean {
  if (f.set) {
    if (f.set.has(key)) return true;
    f.set.add(key);
    return false;
  }
  const keys = f.keys;
  const count = f.keyCount;
  for (let k = 0; k < count; k++) if (keys[k] === key) return true;
  if (count < LINEAR_KEYS) {
    keys[count] = key;
    f.keyCount = count + 1;
  } else {
    f.set = new Set(keys);
    f.set.add(key);
  }
  return false;
}

export function duplicateFields(text: string): string[] {
  const dups: string[] = [];
  const stack: Frame[] = [];
  let depth = -1; // index of the innermost open container in `stack`
  let top: Frame | undefined;
  // The key of the value being read in the innermost object: labels a container opened as that value.
  let pendingKey: string | undefined;
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
      let key = text.slice(start, end);
      if (key.indexOf('\\') !== -1) key = unescape(key);
      if (seenBefore(top, key)) {
        const path = pathOf(stack, depth);
        dups.push(path ? `${path}.${key}` : key);
      }
      pendingKey = key;
      i = j + 1;
    } else if (c === LBRACE || c === LBRACKET) {
      const label = top === undefined ? '' : top.isObject ? (pendingKey ?? '') : top.index;
      depth++;
      let f = stack[depth];
      if (f === undefined) {
        f = { isObject: false, label: '', index: 0, keys: [], keyCount: 0, set: undefined };
        stack.push(f);
      }
      f.isObject = c === LBRACE;
      f.label = label;
      f.index = 0;
      f.keyCount = 0;
      f.set = undefined;
      top = f;
      pendingKey = undefined;
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
