/**
 * A bounded least-recently-used map whose entries each carry their own deadline. An entry past its deadline is
 * never returned, whatever the capacity; when full, the least recently used entry makes room. A Map keeps
 * insertion order, so re-inserting on a hit is enough to track recency.
 */
interface Entry<V> {
  value: V;
  /** Epoch ms; the entry is served only before it. */
  until: number;
}

export class ExpiringLru<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`cache capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.until <= now) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, until: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
}
