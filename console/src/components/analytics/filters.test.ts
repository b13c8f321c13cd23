/** Filters survive the URL round trip, presets stay relative, and bad input never reaches the API. */
import { describe, expect, it } from 'vitest';
import { apiQueryOf, filtersFromQuery, presetRange, queryOf } from './filters.ts';

const TODAY = '2026-03-15';

describe('analytics filters in the URL', () => {
  it('defaults to the last 30 days ending today', () => {
    const f = filtersFromQuery({}, TODAY);
    expect(f).toMatchObject({ preset: '30d', from: '2026-02-14', to: '2026-03-15', channel: [] });
    expect(queryOf(f)).toEqual({});
  });

  it('computes calendar presets, including last month across a year end', () => {
    expect(presetRange('last-month', TODAY)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(presetRange('last-month', '2026-01-10')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('this-quarter', '2026-05-02')).toEqual({ from: '2026-04-01', to: '2026-05-02' });
    expect(presetRange('7d', TODAY)).toEqual({ from: '2026-03-09', to: '2026-03-15' });
  });

  it('round-trips every filter through the query and hands the API explicit dates', () => {
    const q = { from: '2026-01-01', to: '2026-01-31', channel: 'email,paid_ads', region: 'East', team: 'b5d1c1f6-0000-4000-8000-000000000001' };
    const f = filtersFromQuery(q, TODAY);
    expect(f).toMatchObject({ preset: 'custom', from: '2026-01-01', to: '2026-01-31', channel: ['email', 'paid_ads'], region: ['East'] });
    expect(queryOf(f)).toEqual(q);
    expect(apiQueryOf(f)).toEqual(q);
    const preset = filtersFromQuery({ preset: 'last-month', channel: 'sms' }, TODAY);
    expect(queryOf(preset)).toEqual({ preset: 'last-month', channel: 'sms' });
    expect(apiQueryOf(preset)).toEqual({ from: '2026-02-01', to: '2026-02-28', channel: 'sms' });
  });

  it('falls back to the default for malformed or reversed dates and unknown presets', () => {
    expect(filtersFromQuery({ from: '2026-02-30x', to: '2026-03-01' }, TODAY).preset).toBe('30d');
    expect(filtersFromQuery({ from: '2026-03-10', to: '2026-03-01' }, TODAY).preset).toBe('30d');
    expect(filtersFromQuery({ preset: 'forever' }, TODAY).preset).toBe('30d');
    expect(filtersFromQuery({ preset: 'custom' }, TODAY).preset).toBe('30d');
  });
});
