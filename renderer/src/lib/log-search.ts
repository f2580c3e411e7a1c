/**
 * A log's lines as the search sees them, kept where the search runs (a worker, issue #5): the view appends each
 * streamed batch here as well, so a search never copies 100,000 lines across threads, and a new query scans them
 * off the page's main thread. Indices match the view's array: both append the same batches and drop the same oldest.
 */
import { findMatches } from './log-lines';
import { appendBounded } from './bounded';

export interface LogSearchMethods {
  [name: string]: (...args: never[]) => unknown;
  /** Forgets every line (a new stream). */
  reset(): void;
  /** Appends a batch; beyond `max` lines the oldest are dropped, as the view does. */
  append(batch: string[], max: number): void;
  /** Indices of the lines containing `query` (case-insensitive), ascending. */
  search(query: string): Int32Array;
}

export function createLogSearch(): LogSearchMethods {
  let lines: string[] = [];
  return {
    reset() {
      lines = [];
    },
    append(batch, max) {
      appendBounded(lines, batch, max);
    },
    search(query) {
      return Int32Array.from(findMatches(lines, query));
    },
  };
}
