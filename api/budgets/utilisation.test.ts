import { describe, expect, it } from 'vitest';
import { computeUtilisation, scaledToMoney, toScaled, type CampaignDraw } from './utilisation.ts';

const draw = (over: Partial<CampaignDraw>): CampaignDraw => ({
  id: over.code ?? 'x',
  code: 'X',
  name: 'X',
  status: 'draft',
  currency: 'USD',
  allocated: '0',
  campaignAllocated: over.allocated ?? '0',
  actualSpend: '0',
  ...over,
});

describe('decimal helpers', () => {
  it('parses numeric(18,4) strings and rounds once to the currency', () => {
    expect(toScaled('5000.5')).toBe(50_005_000n);
    expect(toScaled('-0.0001')).toBe(-1n);
    expect(scaledToMoney(12_345n, 'USD')).toBe('1.23');
    expect(scaledToMoney(12_350n, 'USD')).toBe('1.24');
    expect(scaledToMoney(-12_350n, 'USD')).toBe('-1.24');
    expect(scaledToMoney(15_000n, 'JPY')).toBe('2');
    expect(scaledToMoney(12_345n, 'KWD')).toBe('1.235');
    expect(() => toScaled('1.23456')).toThrow(RangeError);
  });
});

describe('computeUtilisation', () => {
  it('adds allocations, commitments and spend by campaign state', () => {
    const u = computeUtilisation({ totalAmount: '10000.0000', currency: 'USD' }, [
      draw({ code: 'DRAFT', status: 'draft', allocated: '1000' }),
      draw({ code: 'SENDING', status: 'sending', allocated: '3000', actualSpend: '1200.5' }),
      draw({ code: 'SCHEDULED', status: 'scheduled', allocated: '2000' }),
      draw({ code: 'DONE', status: 'completed', allocated: '1500', actualSpend: '1499.9950' }),
      draw({ code: 'GONE', status: 'cancelled', allocated: '700' }),
    ]);
    expect(u).toMatchObject({ currency: 'USD', total: '10000.00', allocated: '7500.00', committed: '5000.00', spent: '2700.50' });
    // 10000 − spent 2700.4950 − still committed (3000 − 1200.5) − 2000 = 3500.005 → 3500.01 (rounded once)
    expect(u.remaining).toBe('3500.01');
    expect(u.campaigns.find((c) => c.code === 'DONE')).toMatchObject({ allocated: '1500.00', spent: '1500.00' });
  });

  it('shares a campaign’s spend between its budgets by allocation', () => {
    const u = computeUtilisation({ totalAmount: '1000', currency: 'USD' }, [draw({ status: 'sending', allocated: '300', campaignAllocated: '1200', actualSpend: '400' })]);
    expect(u.spent).toBe('100.00');
    expect(u.remaining).toBe('700.00');
  });

  it('goes negative when over-committed, and leaves out spend in another currency with a warning', () => {
    const u = computeUtilisation({ totalAmount: '100', currency: 'EUR' }, [
      draw({ code: 'A', currency: 'EUR', status: 'approved', allocated: '150' }),
      draw({ code: 'B', currency: 'USD', status: 'completed', allocated: '10', actualSpend: '10' }),
    ]);
    expect(u.remaining).toBe('-50.00');
    expect(u.spent).toBe('0.00');
    expect(u.warnings).toEqual([{ campaignId: 'B', message: expect.stringContaining('USD') }]);
    expect(u.campaigns.find((c) => c.code === 'B')!.spent).toBeNull();
  });
});
