/**
 * The trace's recorded inputs and their correlation, kept where the correlation runs (the trace worker, issue #5):
 * the store sends each delivery once, and asks for the trace again; with 20,000 deliveries a correlation takes
 * ~80 ms, which on the page's thread froze a frame for every delivery during a scale of 1,000 pods.
 */
import { buildTrace, type Trace, type TraceInput, type TraceRoot } from './trace';
import { appendBounded } from './bounded';

export interface TraceMethods {
  [name: string]: (...args: never[]) => unknown;
  /** Forgets every recorded delivery (a new root, Clear). */
  reset(): void;
  /** Records deliveries; beyond `max` the oldest go, as the store keeps them. */
  record(batch: TraceInput[], max: number): void;
  /** The trace of `root` over what is recorded (lib/trace's buildTrace). */
  build(root: TraceRoot, since: number): Trace;
}

export function createTraceMethods(): TraceMethods {
  let inputs: TraceInput[] = [];
  return {
    reset() {
      inputs = [];
    },
    record(batch, max) {
      appendBounded(inputs, batch, max);
    },
    build: (root, since) => buildTrace(root, inputs, since),
  };
}
