import { RingBuffer } from '../../lib/scope/ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest items, oldest first, and counts evictions', () => {
    const ring = new RingBuffer<number>(3);
    const evicted = [1, 2, 3, 4, 5].map((n) => ring.push(n, 1));
    expect(evicted).toEqual([0, 0, 0, 1, 1]);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
  });

  it('evicts by weight as well as by count', () => {
    const ring = new RingBuffer<string>(10, 100);
    ring.push('a', 40);
    ring.push('b', 40);
    expect(ring.push('c', 40)).toBe(1);
    expect(ring.toArray()).toEqual(['b', 'c']);
    expect(ring.totalWeight).toBe(80);
  });

  it('keeps a single item heavier than the cap (the newest record is never lost)', () => {
    const ring = new RingBuffer<string>(10, 100);
    ring.push('a', 10);
    expect(ring.push('huge', 500)).toBe(1);
    expect(ring.toArray()).toEqual(['huge']);
  });

  it('wraps around many times without losing order', () => {
    const ring = new RingBuffer<number>(7);
    for (let i = 0; i < 1000; i++) ring.push(i, 1);
    expect(ring.toArray()).toEqual([993, 994, 995, 996, 997, 998, 999]);
  });

  it('clears, drops the oldest on demand, and releases references', () => {
    const ring = new RingBuffer<object>(4);
    const first = { n: 1 };
    ring.push(first, 5);
    ring.push({ n: 2 }, 7);
    expect(ring.dropOldest()).toBe(5);
    expect(ring.toArray()).toEqual([{ n: 2 }]);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.totalWeight).toBe(0);
    expect(ring.toArray()).toEqual([]);
    expect(ring.dropOldest()).toBe(0);
    expect((ring as unknown as { items: unknown[] }).items.every((item) => item === undefined)).toBe(true);
  });
});
