import { describe, expect, it } from 'vitest';
import { apportion } from './apportion.ts';

const m = (o: Record<string, number>) => new Map(Object.entries(o).map(([k, v]) => [k, BigInt(v)]));
const plain = (r: Map<string, bigint>) => Object.fromEntries([...r].map(([k, v]) => [k, Number(v)]));

describe('apportion', () => {
  it('shares in proportion and always adds up to the amount', () => {
    expect(plain(apportion(100n, m({ East: 1, West: 1, Central: 1 })))).toEqual({ East: 34, West: 33, Central: 33 });
    expect(plain(apportion(1000n, m({ a: 66, b: 67, c: 67 })))).toEqual({ a: 330, b: 335, c: 335 });
    const r = apportion(250_000n, m({ a: 7, b: 11, c: 13, d: 0 }));
    expect([...r.values()].reduce((x, y) => x + y, 0n)).toBe(250_000n);
    expect(r.has('d')).toBe(false);
  });

  it('gives the units left by rounding to the parts that lost most, then the larger weight', () => {
    // 10 × 2/3 = 6.67 and 10 × 1/3 = 3.33: the first is nearer its next unit.
    expect(plain(apportion(10n, m({ a: 2, b: 1 })))).toEqual({ a: 7, b: 3 });
    // Equal losses: the larger weight wins the unit; equal weights: the first key.
    expect(plain(apportion(1n, m({ a: 1, b: 1 })))).toEqual({ a: 1, b: 0 });
  });

  it('shares a negative amount (a refund) the same way, and nothing when no weight is positive', () => {
    expect(plain(apportion(-100n, m({ a: 1, b: 2 })))).toEqual({ a: -33, b: -67 });
    expect(apportion(100n, m({ a: 0 })).size).toBe(0);
    expect(() => apportion(1n, m({ a: -1 }))).toThrow(RangeError);
  });
});
