/**
 * A small LRU of prefilled key/value caches, keyed by (model id, graph, hash of the prefix tokens), so that
 * a change of weights alone reuses the prefill of a document. Bounded by entries and by bytes.
 */
import { createHash } from 'node:crypto';
import type { KvCache } from './kvcache';

export interface PrefixCacheLimits {
  maxEntries: number;
  maxBytes: number;
}

export const DEFAULT_PREFIX_CACHE: PrefixCacheLimits = { maxEntries: 4, maxBytes: 512 * 1024 * 1024 };

export function prefixKey(modelId: string, graph: string, prefix: readonly number[]): string {
  const hash = createHash('sha256');
  hash.update(Int32Array.from(prefix));
  return `${modelId}:${graph}:${prefix.length}:${hash.digest('hex')}`;
}

export class PrefixCache {
  private readonly entries = new Map<string, KvCache>();
  hits = 0;
  misses = 0;

  constructor(readonly limits: PrefixCacheLimits = DEFAULT_PREFIX_CACHE) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    let total = 0;
    for (const c of this.entries.values()) total += c.bytes;
    return total;
  }

  get(key: string): KvCache | undefined {
    const c = this.entries.get(key);
    if (c === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, c);
    return c;
  }

  /** Stores a cache; evicts the least recently used entries beyond the limits. A cache larger than the byte budget is not kept. */
  set(key: string, cache: KvCache): void {
    this.entries.delete(key);
    if (cache.bytes > this.limits.maxBytes || this.limits.maxEntries < 1) return;
    this.entries.set(key, cache);
    while (this.entries.size > this.limits.maxEntries || this.bytes > this.limits.maxBytes) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
