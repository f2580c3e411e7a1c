/**
 * Lease expiry: one timer armed for the earliest deadline (kine runs one TTL goroutine).
 * Expiry revokes the lease through the store's normal write path, so every attached key
 * is deleted by an ordinary delete and watchers see DELETE events, as with etcd.
 */
export class LeaseTimer {
  private readonly deadlines = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  constructor(private readonly onExpire: (id: number) => void) {}

  set(id: number, expiresAt: number): void {
    this.deadlines.set(id, expiresAt);
    if (expiresAt < this.armedFor) this.arm();
  }

  delete(id: number): void {
    this.deadlines.delete(id);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
    this.deadlines.clear();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    let next = Infinity;
    for (const t of this.deadlines.values()) if (t < next) next = t;
    this.armedFor = next;
    if (next === Infinity) return;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next - Date.now()));
    this.timer.unref();
  }

  private fire(): void {
    const now = Date.now();
    for (const [id, t] of this.deadlines) {
      if (t <= now) {
        this.deadlines.delete(id);
        this.onExpire(id);
      }
    }
    this.arm();
  }
}
