/**
 * Duplicate keys in a JSON body. JSON.parse silently keeps the last one; upstream's
 * strict decoding (fieldValidation=Strict) rejects them: `duplicate field "data"`.
 * A small scanner over the text that tracks the keys of each open object.
 */

export function duplicateFields(text: string): string[] {
  const dups: string[] = [];
  // One frame per open object/array: the keys seen and the path to it.
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
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e === 'b' ? '\b' : e === 'f' ? '\f' : e;
        i += 2;
        continue;
      }
      out += c;
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
