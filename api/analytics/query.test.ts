import { describe, expect, it } from 'vitest';
import type { ValidationError } from '../../domain/errors.ts';
import { AnalyticsQuery, previousOf, rangeOf, todayIn } from './query.ts';

describe('the analytics date range', () => {
  it('defaults to the 30 days ending today', () => {
    expect(rangeOf({}, '2026-03-10')).toEqual({ from: '2026-02-09', to: '2026-03-10', days: 30 });
    expect(rangeOf({ to: '2026-01-31' }, '2026-03-10')).toEqual({ from: '2026-01-02', to: '2026-01-31', days: 30 });
  });

  it('compares with the period of the same length just before, across a leap day', () => {
    expect(previousOf(rangeOf({ from: '2028-03-01', to: '2028-03-07' }, '2028-04-01'))).toEqual({ from: '2028-02-23', to: '2028-02-29', days: 7 });
  });

  it('refuses a reversed or endless range naming the field', () => {
    const fieldOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).issues[0]!.field;
      }
      return null;
    };
    expect(fieldOf(() => rangeOf({ from: '2026-02-01', to: '2026-01-01' }, '2026-03-01'))).toBe('query.to');
    expect(fieldOf(() => rangeOf({ from: '1990-01-01', to: '2026-01-01' }, '2026-03-01'))).toBe('query.from');
  });

  it("reads today in the company's time zone", () => {
    const late = new Date('2026-01-31T23:30:00Z');
    expect(todayIn('UTC', late)).toBe('2026-01-31');
    expect(todayIn('Asia/Tokyo', late)).toBe('2026-02-01');
    expect(todayIn('America/Los_Angeles', late)).toBe('2026-01-31');
  });
});

describe('the analytics filters', () => {
  it('splits, trims and de-duplicates lists', () => {
    const q = AnalyticsQuery.parse({ channel: 'email, paid_ads,email', region: 'East,,West' });
    expect(q.channel).toEqual(['email', 'paid_ads']);
    expect(q.region).toEqual(['East', 'West']);
  });

  it('names the bad value', () => {
    const r = AnalyticsQuery.safeParse({ channel: 'email,fax' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(['channel']);
    expect(r.error!.issues[0]!.message).toContain('"fax"');
  });
});
