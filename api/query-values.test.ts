import { describe, expect, it } from 'vitest';
import { iso } from './query-values.ts';

describe('iso', () => {
  it('gives what Date gives for PostgreSQL UTC timestamps, whatever the fraction', () => {
    // Every fraction length pg may print (trailing zeros trimmed), across four centuries.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const day = new Date(Math.floor(next() * 95_617_584_000_000) + 1_000_000_000).toISOString().slice(0, 19).replace('T', ' ');
      const digits = i % 7;
      const frac = digits ? String(Math.floor(next() * 10 ** digits)).padStart(digits, '0').replace(/0+$/, '') : '';
      const pg = `${day}${frac ? `.${frac}` : ''}+00`;
      expect(iso(pg), pg).toBe(new Date(pg).toISOString());
    }
  });

  it('rewrites the common forms exactly', () => {
    expect(iso('2026-11-25 09:30:00+00')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('2026-11-25 09:30:00.5+00')).toBe('2026-11-25T09:30:00.500Z');
    expect(iso('2026-11-25 09:30:00.123456+00')).toBe('2026-11-25T09:30:00.123Z');
  });

  it('leaves other offsets, Dates and nulls to Date', () => {
    expect(iso('2026-11-25 10:30:00+01')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('2026-11-25 04:00:00-05:30')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso(new Date(Date.UTC(2026, 10, 25, 9, 30)))).toBe('2026-11-25T09:30:00.000Z');
    expect(iso('2026-11-25T09:30:00Z')).toBe('2026-11-25T09:30:00.000Z');
    expect(iso(null)).toBeNull();
    expect(iso(undefined)).toBeNull();
    expect(() => iso('infinity')).toThrow(RangeError);
  });
});
