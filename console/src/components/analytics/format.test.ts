/** Figures read the same on every card: exact money, one-decimal rates, "—" where nothing divides. */
import { describe, expect, it } from 'vitest';
import { createFormatter, DASH, trendOf } from './format.ts';

const usd = createFormatter('USD', 'en-US');

describe('analytics formatting', () => {
  it("writes money from decimal strings exactly, in the company's currency", () => {
    expect(usd.money('41.67')).toBe('$41.67');
    expect(usd.money('18000.00')).toBe('$18,000.00');
    // 0.1 + 0.2 style drift is impossible: the string goes to Intl as a decimal.
    expect(usd.money('9007199254740993.01')).toBe('$9,007,199,254,740,993.01');
    expect(usd.money('-120.5')).toBe('−$120.50');
    expect(createFormatter('EUR', 'de-DE').money('1234.5')).toBe('1.234,50\u00a0€');
    expect(createFormatter('JPY', 'ja-JP').money('1500')).toBe('￥1,500');
  });

  it('writes rates with one decimal and a dash, never 0 % or NaN, when the denominator was zero', () => {
    expect(usd.rate(10)).toBe('10.0\u00a0%');
    expect(usd.rate(72.2222)).toBe('72.2\u00a0%');
    expect(usd.rate(260)).toBe('260.0\u00a0%');
    expect(usd.rate(null)).toBe(DASH);
    expect(usd.rate(Number.NaN)).toBe(DASH);
    expect(usd.money(null)).toBe(DASH);
    expect(usd.multiple(3.6)).toBe('3.6×');
  });

  it('signs deltas by kind: counts, percentage points and money', () => {
    expect(usd.delta(12, 'count')).toBe('+12');
    expect(usd.delta(-3.44, 'rate')).toBe('−3.4\u00a0pp');
    expect(usd.delta('-120.50', 'money')).toBe('−$120.50');
    expect(usd.delta('0.00', 'money')).toBe('+$0.00');
    expect(usd.delta(null, 'rate')).toBe(DASH);
    expect(trendOf('-1.00')).toBe('down');
    expect(trendOf('0.00')).toBe('flat');
    expect(trendOf(5)).toBe('up');
    expect(trendOf(null)).toBe(null);
  });
});
