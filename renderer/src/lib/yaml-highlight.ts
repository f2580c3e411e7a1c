/**
 * Just enough YAML highlighting for the editor's backdrop: comments, keys, strings, numbers and
 * booleans, document markers. Line by line, HTML-escaped, no dependency: the editor stays a textarea.
 */

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const span = (cls: string, s: string) => (s ? `<span class="y-${cls}">${escape(s)}</span>` : '');

function scalar(value: string): string {
  const trimmed = value.trim();
  if (!trimmed) return escape(value);
  const lead = value.slice(0, value.indexOf(trimmed));
  const tail = value.slice(lead.length + trimmed.length);
  let cls = 'plain';
  if (/^["']/.test(trimmed)) cls = 'string';
  else if (/^-?\d+(\.\d+)?$/.test(trimmed)) cls = 'number';
  else if (/^(true|false|null|~)$/.test(trimmed)) cls = 'bool';
  else if (/^[|>][-+]?$/.test(trimmed)) cls = 'punct';
  return escape(lead) + span(cls, trimmed) + escape(tail);
}

export function highlightLine(line: string): string {
  if (/^\s*#/.test(line)) return span('comment', line);
  if (/^(---|\.\.\.)\s*$/.test(line)) return span('punct', line);
  const m = /^(\s*)(- )?([^\s#'"][^:#]*?|"[^"]*"|'[^']*')(:)(\s|$)(.*)$/.exec(line);
  if (m) {
    const [, indent, dash = '', key, colon, space, rest] = m;
    const hash = rest.search(/\s#/);
    const value = hash >= 0 ? rest.slice(0, hash) : rest;
    const comment = hash >= 0 ? rest.slice(hash) : '';
    return escape(indent) + span('punct', dash) + span('key', key) + span('punct', colon) + escape(space) + scalar(value) + span('comment', comment);
  }
  const item = /^(\s*)(- )(.*)$/.exec(line);
  if (item) return escape(item[1]) + span('punct', item[2]) + scalar(item[3]);
  return scalar(line);
}

/** The whole text as highlighted HTML, one line per line (a trailing newline keeps the backdrop as tall as the textarea). */
export function highlightYaml(text: string): string {
  return text.split('\n').map(highlightLine).join('\n') + '\n';
}
