import { Ring } from '../../../src/harness/ring';

describe('Ring', () => {
  test('keeps the newest N items, oldest first, and says which one it dropped', () => {
    const ring = new Ring<number>(3);
    expect([1, 2, 3].map((n) => ring.push(n))).toEqual([undefined, undefined, undefined]);
    expect(ring.push(4)).toBe(1);
    expect(ring.push(5)).toBe(2);
    expect([...ring]).toEqual([3, 4, 5]);
    expect([...ring.newestFirst()]).toEqual([5, 4, 3]);
    expect(ring.size).toBe(3);
  });

  test('reads right before it is full and after it wrapped many times', () => {
    const ring = new Ring<number>(4);
    ring.push(1);
    ring.push(2);
    expect([...ring]).toEqual([1, 2]);
    expect([...ring.newestFirst()]).toEqual([2, 1]);
    for (let i = 3; i <= 103; i++) ring.push(i);
    expect([...ring]).toEqual([100, 101, 102, 103]);
  });

  test('retain keeps the order of what it keeps, and pushing goes on after it', () => {
    const ring = new Ring<number>(4);
    for (let i = 1; i <= 6; i++) ring.push(i);
    ring.retain((n) => n % 2 === 0);
    expect([...ring]).toEqual([4, 6]);
    ring.push(7);
    ring.push(8);
    ring.push(9);
    expect([...ring]).toEqual([6, 7, 8, 9]);
  });

  test('clear empties it; capacity 0 keeps nothing; a bad capacity is refused', () => {
    const ring = new Ring<string>(2);
    ring.push('a');
    ring.clear();
    expect([...ring]).toEqual([]);
    expect(ring.size).toBe(0);
    const none = new Ring<string>(0);
    expect(none.push('a')).toBe('a');
    expect([...none]).toEqual([]);
    expect([...none.newestFirst()]).toEqual([]);
    expect(() => new Ring(-1)).toThrow(RangeError);
    expect(() => new Ring(1.5)).toThrow(RangeError);
  });
});
