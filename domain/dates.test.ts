import { describe, expect, it } from 'vitest';
import { displayInstant, parseInstant, toInstant } from './dates.ts';

describe('parseInstant', () => {
  it('reads dates as UTC midnight and date-times with their zone', () => {
    expect(parseInstant('2025-01-31')?.toISOString()).toBe('2025-01-31T00:00:00.000Z');
    expect(parseInstant('2025-01-31T09:15Z')?.toISOString()).toBe('2025-01-31T09:15:00.000Z');
    expect(parseInstant('2025-01-31T09:15:30.123456+05:30')?.toISOString()).toBe('2025-01-31T03:45:30.123Z');
    expect(parseInstant('2024-02-29T23:00:00-02:00')?.toISOString()).toBe('2024-03-01T01:00:00.000Z');
  });

  it('refuses impossible dates, zone-less times and other formats', () => {
    for (const bad of ['2025-02-29', '2025-13-01', '2025-01-32', '2025-01-31T24:00:00Z', '2025-01-31T09:00:00', '31/01/2025', '2025-01-31 09:00Z', '20250131', '']) {
      expect(parseInstant(bad), bad).toBeNull();
    }
  });

  it('accepts Dates and rejects invalid ones', () => {
    const d = new Date('2025-01-01T00:00:00Z');
    expect(toInstant(d)).toBe(d);
    expect(toInstant(new Date('nope'))).toBeNull();
    expect(toInstant(12)).toBeNull();
  });

  it('shows a UTC midnight as a date', () => {
    expect(displayInstant('2025-01-31T00:00:00.000Z')).toBe('2025-01-31');
    expect(displayInstant('2025-01-31T00:00:01.000Z')).toBe('2025-01-31T00:00:01.000Z');
  });
});
