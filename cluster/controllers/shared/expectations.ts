/**
 * ControllerExpectations / UIDTrackingControllerExpectations (pkg/controller/
 * controller_utils.go): after a controller asks for N creations or deletions it waits
 * until its informer has seen them before acting on that owner again, so a stale cache
 * never makes it create or delete twice. Expectations expire after 5 minutes, in case
 * a watch event is lost.
 */
export const EXPECTATIONS_TIMEOUT_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  /** Keys of pods whose deletion we wait to observe. */
  deleting: Set<string>;
  at: number;
}

export class ControllerExpectations {
  private readonly byKey = new Map<string, Expectation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** True when the owner may be synced: nothing pending, expired, or never set. */
  satisfied(key: string): boolean {
    const e = this.byKey.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.now() - e.at > EXPECTATIONS_TIMEOUT_MS;
  }

  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { add: n, del: 0, deleting: new Set(), at: this.now() });
  }

  /** Expect the deletion of these pod keys (`namespace/name`). */
  expectDeletions(key: string, podKeys: readonly string[]): void {
    this.byKey.set(key, { add: 0, del: podKeys.length, deleting: new Set(podKeys), at: this.now() });
  }

  creationObserved(key: string): void {
    const e = this.byKey.get(key);
    if (e) e.add--;
  }

  /** Counts only deletions we asked for (the UID-tracking variant), so one delete is never counted twice. */
  deletionObserved(key: string, podKey: string): void {
    const e = this.byKey.get(key);
    if (e?.deleting.delete(podKey)) e.del--;
  }

  delete(key: string): void {
    this.byKey.delete(key);
  }

  /** For tests and metrics. */
  pending(key: string): { add: number; del: number } | undefined {
    const e = this.byKey.get(key);
    return e && { add: e.add, del: e.del };
  }
}
