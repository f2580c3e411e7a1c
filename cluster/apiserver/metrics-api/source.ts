/**
 * Keeps the metrics of every node's kubelet no older than the resolution (15 s, the
 * scrape interval metrics-server is commonly run with), scraping /metrics/resource on
 * demand: requests within the resolution share the last scrape, concurrent ones one
 * scrape. Where a rate would span no window or one older than three resolutions (the
 * first request, or after idling), the node is scraped again shortly after, so the first
 * `kubectl top` answers at once. Nodes that cannot be reached are left out.
 */
import type { Node } from 'kubernetes-types/core/v1.js';
import { decodeResourceMetrics } from './decode.js';
import { MetricsStorage } from './storage.js';

export interface KubeletMetricsSourceOptions {
  listNodes(): Promise<Node[]>;
  /** The node kubelet's /metrics/resource text. */
  scrape(node: Node): Promise<string>;
  /** Default 15 000 ms. */
  resolutionMs?: number;
  /** Wait before the second scrape of a node without a recent rate; longer than the kubelet's stats cache (1 s). Default 1500 ms. */
  settleMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

export class KubeletMetricsSource {
  readonly storage = new MetricsStorage();
  private lastScrapeMs: number | undefined;
  private inflight: Promise<void> | undefined;
  private readonly now: () => number;

  constructor(private readonly opts: KubeletMetricsSourceOptions) {
    this.now = opts.now ?? Date.now;
  }

  private get resolutionMs(): number {
    return this.opts.resolutionMs ?? 15_000;
  }

  /** Makes the stored metrics at most one resolution old. */
  async refresh(): Promise<void> {
    if (this.lastScrapeMs !== undefined && this.now() - this.lastScrapeMs < this.resolutionMs) return;
    this.inflight ??= this.scrapeAll().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async scrapeNode(node: Node): Promise<boolean> {
    const name = node.metadata?.name ?? '';
    try {
      const text = await this.opts.scrape(node);
      this.storage.store(name, decodeResourceMetrics(text, this.now()));
      return true;
    } catch (err) {
      this.opts.log?.(`metrics: scraping node ${name}: ${(err as Error).message}`);
      this.storage.forgetNode(name);
      return false;
    }
  }

  private async scrapeAll(): Promise<void> {
    const nodes = await this.opts.listNodes();
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const known of this.storage.nodeNames()) if (!names.has(known)) this.storage.forgetNode(known);
    const reached = await Promise.all(nodes.map((n) => this.scrapeNode(n)));
    const again = nodes.filter((n, i) => reached[i] && this.storage.lacksRecentRate(n.metadata?.name ?? '', 3 * this.resolutionMs));
    if (again.length) {
      await new Promise((r) => setTimeout(r, this.opts.settleMs ?? 1500));
      await Promise.all(again.map((n) => this.scrapeNode(n)));
    }
    this.lastScrapeMs = this.now();
  }
}
