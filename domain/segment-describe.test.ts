import { describe, expect, it } from 'vitest';
import { describeSegment } from './segment-describe.ts';
import { ValidationError } from './errors.ts';

describe('describeSegment', () => {
  it('reads the seed 002 dealer example as a sentence', () => {
    expect(
      describeSegment({ all: [{ field: 'attributes.dealer', op: '=', value: true }, { field: 'attributes.lifting_mt', op: '>', value: 100 }] }),
    ).toBe('dealer is true and lifting_mt is more than 100');
  });

  it('brackets nested groups and negations', () => {
    expect(
      describeSegment({
        all: [
          { field: 'region', op: 'in', value: ['East', 'Central'] },
          { any: [{ field: 'attributes.tier', op: '=', value: 'gold' }, { field: 'attributes.orders_12m', op: '>=', value: 3 }] },
          { not: { field: 'unsubscribed', op: '=', value: true } },
        ],
      }),
    ).toBe('Region is one of "East", "Central" and (tier is "gold" or orders_12m is at least 3) and not (Unsubscribed is true)');
  });

  it('phrases every operator', () => {
    const say = (field: string, op: string, value?: unknown) => describeSegment({ field, op, ...(value === undefined ? {} : { value }) });
    expect(say('region', '!=', 'East')).toBe('Region is not "East"');
    expect(say('attributes.score', '<', 5)).toBe('score is less than 5');
    expect(say('attributes.score', '<=', 5)).toBe('score is at most 5');
    expect(say('region', 'in', ['East'])).toBe('Region is "East"');
    expect(say('region', 'not_in', ['East', 'West'])).toBe('Region is none of "East", "West"');
    expect(say('email', 'contains', '@acme')).toBe('Email contains "@acme"');
    expect(say('phone', 'starts_with', '+91')).toBe('Phone starts with "+91"');
    expect(say('push_token', 'exists')).toBe('Push token is set');
    expect(say('push_token', 'exists', false)).toBe('Push token is not set');
    expect(say('attributes.lifting_mt', 'between', [50, 100])).toBe('lifting_mt is between 50 and 100');
    expect(say('created_at', 'between', ['2025-01-01', '2025-01-31T12:00:00Z'])).toBe(
      'Created is between 2025-01-01 and 2025-01-31T12:00:00.000Z',
    );
    expect(say('created_at', 'before', '2025-01-01')).toBe('Created is before 2025-01-01');
    expect(say('attributes.last_purchase_at', 'after', '2024-12-31')).toBe('last_purchase_at is after 2024-12-31');
    expect(say('created_at', 'within_last', 1)).toBe('Created is within the last day');
    expect(say('created_at', 'within_last', 30)).toBe('Created is within the last 30 days');
    expect(say('bounced', '!=', true)).toBe('Bounced is false');
  });

  it('refuses an invalid tree like the compiler does', () => {
    expect(() => describeSegment({ any: [] })).toThrow(ValidationError);
  });
});
