/**
 * Fixed-capacity ring that keeps the newest items, each with a weight (bytes),
 * and evicts the oldest when the count or the total weight is exceeded.
 * Slots are allocated on construction; construct lazily to pay nothing for
 * scopes that never log.
 */
export class RingBuffer<T> {
  private readonly items: Array<T | undefined>;
  private readonly weights: number[];
  private head = 0; // index of the oldest item
  private count = 0;
  private weight = 0;

  constructor(
    readonly capacity: number,
    readonly maxWeight: number = Number.MAX_SAFE_INTEGER,
  ) {
    this.items = new Array<T | undefined>(capacity);
    // A plain array of small integers: a typed array costs ~10x more to allocate, plus off-heap memory.
    // Not filled: a slot is only read after it was written, and fill() is a call into C++ per ring.
    this.weights = new Array<number>(capacity);
  }

  get size(): number {
    return this.count;
  }

  get totalWeight(): number {
    return this.weight;
  }

  /** Appends an item; returns how many old items were evicted to make room. */
  push(item: T, weight: number): number {
    let evicted = 0;
    if (this.count === this.capacity) {
      this.dropOldest();
      evicted++;
    }
    while (this.count > 0 && this.weight + weight > this.maxWeight) {
      this.dropOldest();
      evicted++;
    }
    const index = (this.head + this.count) % this.capacity;
    this.items[index] = item;
    this.weights[index] = weight;
    this.weight += weight;
    this.count++;
    return evicted;
  }

  /** Whether `push(item, weight)` would evict (count or weight). */
  wouldEvict(weight: number): boolean {
    return this.count === this.capacity || (this.count > 0 && this.weight + weight > this.maxWeight);
  }

  /** The oldest item, or undefined when empty. */
  oldest(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }

  /** Removes the oldest item; returns its weight (0 when empty). */
  dropOldest(): number {
    if (this.count === 0) return 0;
    const w = this.weights[this.head];
    this.items[this.head] = undefined;
    this.weight -= w;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return w;
  }

  /** Items oldest first. */
  toArray(): T[] {
    const out = new Array<T>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.items[(this.head + i) % this.capacity] as T;
    return out;
  }

  clear(): void {
    for (let i = 0; i < this.count; i++) this.items[(this.head + i) % this.capacity] = undefined;
    this.head = 0;
    this.count = 0;
    this.weight = 0;
  }
}
