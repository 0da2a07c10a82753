/**
 * A bounded, append-only list that forgets its oldest items: the storage of the request
 * journal and of the near misses. Appending is O(1) whatever the size; reading walks the
 * items oldest first.
 */
export class Ring<T> {
  private readonly slots: Array<T | undefined>;
  /** Where the next item goes. */
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`a ring holds a whole number of items, not ${capacity}`);
    this.slots = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Adds an item; when full, the oldest one is dropped (and returned). A ring of capacity 0 keeps nothing. */
  push(item: T): T | undefined {
    if (this.capacity === 0) return item;
    const dropped = this.count === this.capacity ? this.slots[this.head] : undefined;
    this.slots[this.head] = item;
    this.head = (this.head + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
    return dropped;
  }

  /** The items, oldest first. */
  *[Symbol.iterator](): IterableIterator<T> {
    const start = (this.head - this.count + this.capacity) % Math.max(1, this.capacity);
    for (let i = 0; i < this.count; i++) yield this.slots[(start + i) % this.capacity] as T;
  }

  /** The items, newest first. */
  *newestFirst(): IterableIterator<T> {
    for (let i = 1; i <= this.count; i++) yield this.slots[(this.head - i + this.capacity) % this.capacity] as T;
  }

  /** Keeps only the items `keep` says yes to, in their order. */
  retain(keep: (item: T) => boolean): void {
    const kept = [...this].filter(keep);
    this.clear();
    for (const item of kept) this.push(item);
  }

  clear(): void {
    this.slots.fill(undefined);
    this.head = 0;
    this.count = 0;
  }
}
