/**
 * Container lifecycle hooks (pkg/kubelet/lifecycle/handlers.go handlerRunner.Run): a
 * postStart or preStop handler run as an exec in the container, an HTTP GET to the pod
 * (host defaulting to the pod IP), or a sleep. Upstream's messages for failures, which the
 * pod sync records as FailedPostStartHook / FailedPreStopHook events.
 */
import type { Container, LifecycleHandler, Pod } from 'kubernetes-types/core/v1.js';
import { execVia, httpGet, resolvePort } from './prober/probes.js';
import type { ExecFn } from './prober/types.js';
import type { StreamingRuntime } from './runtime/types.js';

export interface HookTarget {
  pod: Pod;
  container: Container;
  /** The runtime's container id (no `docker://`). */
  containerId: string;
  /** The pod's IP: an httpGet hook's host when it names none. */
  podIP: string;
}

export interface HookRunnerOptions {
  /** Runs exec handlers (execVia(runtime)); without it they fail. */
  exec?: ExecFn;
  /** Sleep handlers; default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

const formatPod = (pod: Pod) => `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;

export class HookRunner {
  constructor(private readonly opts: HookRunnerOptions = {}) {}

  static forRuntime(runtime: Pick<StreamingRuntime, 'exec'>): HookRunner {
    return new HookRunner({ exec: execVia(runtime) });
  }

  /**
   * Runs the handler, giving up after `timeoutMs`. Resolves with the failure message
   * (the event's), or undefined when it succeeded.
   */
  async run(handler: LifecycleHandler, t: HookTarget, timeoutMs: number): Promise<string | undefined> {
    const where = `for Container "${t.container.name}" in Pod "${formatPod(t.pod)}" failed`;
    if (handler.exec) {
      const cmd = handler.exec.command ?? [];
      let err: string | undefined;
      let output = '';
      if (!this.opts.exec) err = 'exec hooks are not supported by this runtime';
      else {
        try {
          const r = await this.opts.exec(t.containerId, cmd, timeoutMs);
          output = r.output;
          if (r.timedOut) err = `command '${cmd.join(' ')}' timed out`;
          else if (r.exitCode !== 0) err = `command '${cmd.join(' ')}' exited with ${r.exitCode}: ${r.output}`;
        } catch (e) {
          err = (e as Error).message;
        }
      }
      return err === undefined ? undefined : `Exec lifecycle hook ([${cmd.join(' ')}]) ${where} - error: ${err}, message: ${JSON.stringify(output)}`;
    }
    if (handler.httpGet) {
      const g = handler.httpGet;
      // The port 0 / missing case is validation's; a named port resolves through the container's ports.
      const port = resolvePort(g.port, t.container);
      const path = g.path ?? '';
      if (port === undefined) return `HTTP lifecycle hook (${path}) ${where} - error: couldn't find port: ${g.port} in ${t.container.name}`;
      const scheme = (g.scheme ?? 'HTTP').toLowerCase() === 'https' ? 'https' : 'http';
      const r = await httpGet(scheme, g.host || t.podIP, port, path || '/', g.httpHeaders ?? [], timeoutMs);
      // Only a failed request fails the hook; the status code is not looked at (runHTTPHandler).
      return 'error' in r ? `HTTP lifecycle hook (${path}) ${where} - error: ${r.error}` : undefined;
    }
    if (handler.sleep) {
      const ms = Math.min(handler.sleep.seconds * 1000, timeoutMs);
      await (this.opts.sleep ?? ((d: number) => new Promise<void>((r) => setTimeout(r, d))))(ms);
      return undefined;
    }
    return `Cannot run handler: invalid handler: ${JSON.stringify(handler)}`;
  }
}
