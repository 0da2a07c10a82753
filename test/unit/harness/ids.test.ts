import { RandomIds, SeededIds } from '../../../src/harness';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('identifiers', () => {
  test('a seed gives the same identifiers in the same order, per scope, whatever other scopes draw', () => {
    const a = new SeededIds(7);
    const b = new SeededIds(7);
    const first = [a.uuid('job:ipam1'), a.uuid('job:ipam1')];
    b.uuid('shell:ipam2');
    expect([b.uuid('job:ipam1'), b.uuid('job:ipam1')]).toEqual(first);
    expect(first[0]).toMatch(UUID_V4);
    expect(first[0]).not.toBe(first[1]);
  });

  test('another seed, another scope or another key gives other identifiers', () => {
    expect(new SeededIds(7).uuid('job')).not.toBe(new SeededIds(8).uuid('job'));
    expect(new SeededIds(7).uuid('job')).not.toBe(new SeededIds(7).uuid('shell'));
    const ids = new SeededIds(7);
    expect(ids.uuidFor('reply', 'uuid:A')).toBe(new SeededIds(7).uuidFor('reply', 'uuid:A'));
    expect(ids.uuidFor('reply', 'uuid:A')).not.toBe(ids.uuidFor('reply', 'uuid:B'));
    expect(ids.uuidFor('reply', 'uuid:A')).toMatch(UUID_V4);
  });

  test('seeded draws are in [0, 1), repeatable, and spread', () => {
    const r = new SeededIds(1).random('faults');
    const draws = Array.from({ length: 10_000 }, () => r.next());
    expect(draws.every((d) => d >= 0 && d < 1)).toBe(true);
    const again = new SeededIds(1).random('faults');
    expect(Array.from({ length: 5 }, () => again.next())).toEqual(draws.slice(0, 5));
    const below = draws.filter((d) => d < 0.5).length;
    expect(below).toBeGreaterThan(4_500);
    expect(below).toBeLessThan(5_500);
  });

  test('without a seed they are random v4 UUIDs', () => {
    const ids = new RandomIds();
    expect(ids.seed).toBeUndefined();
    expect(ids.uuid()).toMatch(UUID_V4);
    expect(ids.uuid()).not.toBe(ids.uuid());
  });

  test('a seed must be an integer', () => {
    expect(() => new SeededIds(1.5)).toThrow('--seed must be an integer');
  });
});
