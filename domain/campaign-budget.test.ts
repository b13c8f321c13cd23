import { describe, expect, it } from 'vitest';
import { ConflictError } from './errors.ts';
import { approvalRequired, approvalRequirement, assertLaunchAllowed, budgetIssues } from './campaign-budget.ts';
import { fiscalYearOf, findSchedulingConflicts } from './campaign-schedule.ts';

const POLICY = { currency: 'USD', approvalThreshold: '5000.00', approvalAlwaysRequired: false };

describe('approval', () => {
  it('is required strictly above the threshold, in the threshold currency', () => {
    expect(approvalRequired({ amount: '5000.00', currency: 'USD' }, POLICY)).toBe(false);
    expect(approvalRequired({ amount: '5000.01', currency: 'USD' }, POLICY)).toBe(true);
    expect(approvalRequired({ amount: '1000000', currency: 'USD' }, { ...POLICY, approvalThreshold: null })).toBe(false);
    expect(approvalRequirement({ amount: '1.00', currency: 'EUR' }, POLICY)).toEqual({
      required: true,
      reason: 'foreign_currency',
      message: 'the budget is in EUR, not USD, so it cannot be compared with the approval threshold',
    });
    expect(approvalRequired({ amount: '0', currency: 'EUR' }, POLICY)).toBe(false);
    expect(approvalRequired({ amount: '0', currency: 'USD' }, { ...POLICY, approvalAlwaysRequired: true })).toBe(true);
  });

  it('blocks a launch without the approval it needs (seed 001 §6.2)', () => {
    const needed = approvalRequirement({ amount: '6000', currency: 'USD' }, POLICY);
    expect(() => assertLaunchAllowed(needed, true)).not.toThrow();
    expect(() => assertLaunchAllowed(approvalRequirement({ amount: '10', currency: 'USD' }, POLICY), false)).not.toThrow();
    let caught: unknown;
    try {
      assertLaunchAllowed(needed, false);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ConflictError);
    expect((caught as ConflictError).code).toBe('approval_required');
    expect((caught as ConflictError).message).toBe(
      'this campaign needs approval before it can launch: the budget of 6,000.00 USD is above the approval threshold of 5,000.00 USD',
    );
  });

  it('reports a budget of 0 left as such', () => {
    expect(budgetIssues('1.00', 'USD', { amount: '0.00', currency: 'USD' })).toEqual([
      { field: 'budget', message: '1.00 USD exceeds the 0 USD left in the budget for this fiscal year' },
    ]);
  });
});

describe('schedule helpers', () => {
  it('names fiscal years by the year they end in', () => {
    expect(fiscalYearOf(new Date('2025-03-31T23:59:59Z'))).toBe(2025);
    expect(fiscalYearOf(new Date('2025-03-31T23:59:59Z'), 4)).toBe(2025);
    expect(fiscalYearOf(new Date('2025-04-01T00:00:00Z'), 4)).toBe(2026);
    expect(() => fiscalYearOf(new Date(), 13)).toThrow(RangeError);
  });

  it('treats ranges as half-open', () => {
    const other = { id: 'a', code: 'A', channel: 'email', state: 'scheduled' as const, startAt: new Date(1000), endAt: new Date(2000) };
    expect(findSchedulingConflicts({ channel: 'email', startAt: new Date(2000), endAt: new Date(3000) }, [other])).toEqual([]);
    expect(findSchedulingConflicts({ channel: 'email', startAt: new Date(1999), endAt: new Date(3000) }, [other])).toEqual([other]);
    expect(findSchedulingConflicts({ channel: 'email', startAt: new Date(0), endAt: new Date(1000) }, [other])).toEqual([]);
  });
});
