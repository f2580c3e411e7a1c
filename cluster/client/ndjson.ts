/**
 * Splits a byte stream into newline-delimited JSON values, the framing of a Kubernetes
 * watch response: events may be split across chunks, several may share one chunk, and
 * a multi-byte UTF-8 character may straddle two chunks.
 */
import { StringDecoder } from 'node:string_decoder';

export async function* ndjson(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  for await (const chunk of stream) {
    buffered += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    let nl: number;
    while ((nl = buffered.indexOf('\n', start)) >= 0) {
      const line = buffered.slice(start, nl).trim();
      start = nl + 1;
      if (line) yield JSON.parse(line);
    }
    buffered = buffered.slice(start);
  }
  const rest = (buffered + decoder.end()).trim();
  if (rest) yield JSON.parse(rest);
}
