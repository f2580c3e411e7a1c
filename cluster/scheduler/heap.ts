/** A binary min-heap by a comparator, with lazy removal by key (stale entries are skipped on pop). */
export class KeyedHeap<T> {
  private readonly items: T[] = [];
  private readonly live = new Map<string, T>();

  constructor(
    private readonly less: (a: T, b: T) => boolean,
    private readonly keyOf: (x: T) => string,
  ) {}

  get size(): number {
    return this.live.size;
  }

  has(key: string): boolean {
    return this.live.has(key);
  }

  get(key: string): T | undefined {
    return this.live.get(key);
  }

  values(): IterableIterator<T> {
    return this.live.values();
  }

  /** Adds or replaces the entry for its key. */
  push(x: T): void {
    this.live.set(this.keyOf(x), x);
    this.items.push(x);
    this.up(this.items.length - 1);
  }

  delete(key: string): T | undefined {
    const x = this.live.get(key);
    this.live.delete(key);
    return x;
  }

  peek(): T | undefined {
    this.dropStale();
    return this.items[0];
  }

  pop(): T | undefined {
    this.dropStale();
    const top = this.items[0];
    if (top === undefined) return undefined;
    this.removeTop();
    this.live.delete(this.keyOf(top));
    return top;
  }

  private dropStale(): void {
    while (this.items.length && this.live.get(this.keyOf(this.items[0])) !== this.items[0]) this.removeTop();
  }

  private removeTop(): void {
    const last = this.items.pop()!;
    if (this.items.length) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private up(i: number): void {
    const a = this.items;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const a = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < a.length && this.less(a[l], a[m])) m = l;
      if (r < a.length && this.less(a[r], a[m])) m = r;
      if (m === i) return;
      [a[i], a[m]] = [a[m], a[i]];
      i = m;
    }
  }
}
