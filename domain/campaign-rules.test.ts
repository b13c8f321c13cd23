import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError, type FieldIssue } from './errors.ts';
import {
  ALL_CAMPAIGN_CHANNELS,
  CAMPAIGN_CHANNELS,
  TRACKED_CHANNELS,
  isTrackedChannel,
  assertDeletable,
  campaignCodeProblem,
  canHardDelete,
  generateCampaignCode,
  validateCampaignDraft,
  validateCampaignSubmission,
  type CampaignDraftInput,
  type DraftContext,
} from './campaign-rules.ts';
import type { CalendarEntry } from './campaign-schedule.ts';

const NOW = new Date('2025-03-01T12:00:00Z');

function ctx(overrides: Partial<DraftContext> = {}, company: Partial<DraftContext['company']> = {}): DraftContext {
  return {
    now: NOW,
    company: {
      currency: 'USD',
      supportedCurrencies: ['USD', 'EUR'],
      approvalThreshold: '10000.00',
      approvalAlwaysRequired: false,
      schedulingWindowDays: 365,
      blockChannelOverlap: true,
      ...company,
    },
    ...overrides,
  };
}

const VALID: CampaignDraftInput = {
  name: '  January SMS Blast ',
  code: 'jan-sms-2025',
  type: 'promotional',
  channel: 'sms',
  startAt: '2025-03-10T09:00:00Z',
  endAt: new Date('2025-03-20T09:00:00Z'),
  budget: '5000',
};

function issuesOf(fn: () => unknown): FieldIssue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

const draftIssues = (input: CampaignDraftInput, c: DraftContext = ctx()) => issuesOf(() => validateCampaignDraft(input, c));

describe('validateCampaignDraft', () => {
  it('accepts a valid draft and returns it normalised', () => {
    const result = validateCampaignDraft(VALID, ctx());
    expect(result.draft).toEqual({
      name: 'January SMS Blast',
      code: 'JAN-SMS-2025',
      description: null,
      type: 'promotional',
      category: null,
      channel: 'sms',
      startAt: new Date('2025-03-10T09:00:00Z'),
      endAt: new Date('2025-03-20T09:00:00Z'),
      budget: '5000.00',
      currency: 'USD',
    });
    expect(result.approval).toEqual({ required: false, reason: null, message: null });
    expect(result.warnings).toEqual([]);
  });

  it('lists every missing required field at once', () => {
    expect(draftIssues({})).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'code', message: 'is required' },
      { field: 'type', message: 'is required' },
      { field: 'channel', message: 'is required' },
      { field: 'startAt', message: 'is required' },
      { field: 'endAt', message: 'is required' },
    ]);
  });

  it('checks code format, length and uniqueness', () => {
    expect(draftIssues({ ...VALID, code: 'SPRING SALE!' })).toEqual([{ field: 'code', message: 'may contain only letters, digits and hyphens' }]);
    expect(draftIssues({ ...VALID, code: 'A'.repeat(51) })).toEqual([{ field: 'code', message: 'must be at most 50 characters' }]);
    expect(draftIssues({ ...VALID, code: 42 })).toEqual([{ field: 'code', message: 'must be a string' }]);
    expect(draftIssues(VALID, ctx({ codeTaken: true }))).toEqual([
      { field: 'code', message: 'JAN-SMS-2025 is already used by another campaign of this company' },
    ]);
    expect(campaignCodeProblem('A-1')).toBeNull();
    expect(draftIssues({ ...VALID, name: 'Sale\u0000' })).toEqual([{ field: 'name', message: 'must not contain NUL characters or broken Unicode' }]);
  });

  it('checks enumerations and lengths', () => {
    expect(draftIssues({ ...VALID, type: 'blast', channel: 'fax', category: 'misc', name: 'x'.repeat(201), description: 'd'.repeat(5001) })).toEqual([
      { field: 'name', message: 'must be at most 200 characters' },
      { field: 'description', message: 'must be at most 5000 characters' },
      { field: 'type', message: 'must be one of promotional, newsletter, announcement, product_launch, event, seasonal, loyalty, reengagement, survey' },
      { field: 'category', message: 'must be one of acquisition, awareness, engagement, conversion, retention, upsell' },
      { field: 'channel', message: 'must be one of email, sms, push, whatsapp, webhook, paid_ads, social, organic, direct_mail' },
    ]);
  });

  it('accepts a tracked-only channel, which is told apart from the sending ones', () => {
    expect(validateCampaignDraft({ ...VALID, channel: 'paid_ads' }, ctx()).draft.channel).toBe('paid_ads');
    expect(TRACKED_CHANNELS.filter((c) => (CAMPAIGN_CHANNELS as readonly string[]).includes(c))).toEqual([]);
    expect(ALL_CAMPAIGN_CHANNELS.filter(isTrackedChannel)).toEqual(['paid_ads', 'social', 'organic', 'direct_mail']);
    expect(isTrackedChannel('email')).toBe(false);
  });

  it('checks the dates: format, order, past, scheduling window, longest run', () => {
    expect(draftIssues({ ...VALID, startAt: '2025-03-10 09:00', endAt: '2025-03-20T09:00:00' })).toEqual([
      { field: 'startAt', message: 'must be a date such as 2025-01-31 or a date-time with a zone such as 2025-01-31T09:00:00Z' },
      { field: 'endAt', message: 'must be a date such as 2025-01-31 or a date-time with a zone such as 2025-01-31T09:00:00Z' },
    ]);
    expect(draftIssues({ ...VALID, endAt: '2025-03-10T09:00:00Z' })).toEqual([{ field: 'endAt', message: 'must be after startAt' }]);
    expect(draftIssues({ ...VALID, startAt: '2025-03-01T11:50:00Z' })).toEqual([{ field: 'startAt', message: 'must not be in the past' }]);
    // Within the five-minute grace, "now" is still now.
    expect(validateCampaignDraft({ ...VALID, startAt: '2025-03-01T11:56:00Z' }, ctx()).draft.startAt).toEqual(new Date('2025-03-01T11:56:00Z'));
    expect(draftIssues({ ...VALID, startAt: '2025-05-01', endAt: '2025-05-02' }, ctx({}, { schedulingWindowDays: 30 }))).toEqual([
      { field: 'startAt', message: "must be within 30 days from now (the company's scheduling window)" },
    ]);
    expect(draftIssues(VALID, ctx({}, { maxCampaignDays: 7 }))).toEqual([{ field: 'endAt', message: 'must be at most 7 days after startAt' }]);
  });

  it('checks the budget: a non-negative decimal string within the fiscal-year budget', () => {
    expect(draftIssues({ ...VALID, budget: '-1.00' })).toEqual([{ field: 'budget', message: 'must not be negative' }]);
    expect(draftIssues({ ...VALID, budget: 5000.5 })).toEqual([
      { field: 'budget', message: 'must be a decimal string such as "5000.00", never a floating-point number' },
    ]);
    expect(draftIssues({ ...VALID, budget: '10.001' })).toEqual([{ field: 'budget', message: 'must have at most 2 decimal places' }]);
    expect(draftIssues({ ...VALID, budget: '1000000000000' })).toEqual([
      { field: 'budget', message: 'is too large: at most 12 digits before the decimal point' },
    ]);
    const remaining = { amount: '4999.99', currency: 'USD', fiscalYear: 2025 };
    expect(draftIssues(VALID, ctx({ remainingBudget: remaining }))).toEqual([
      { field: 'budget', message: '5,000.00 USD exceeds the 4,999.99 USD left in the budget for fiscal year 2025' },
    ]);
    expect(validateCampaignDraft(VALID, ctx({ remainingBudget: { ...remaining, amount: '5000.00' } })).draft.budget).toBe('5000.00');
    expect(draftIssues({ ...VALID, currency: 'EUR' }, ctx({ remainingBudget: remaining }))).toEqual([
      { field: 'budget', message: 'cannot be checked against the fiscal-year budget, which is in USD; use USD' },
    ]);
    // A zero budget spends nothing, whatever is left.
    expect(validateCampaignDraft({ ...VALID, budget: undefined }, ctx({ remainingBudget: { amount: '-10', currency: 'USD' } })).draft.budget).toBe('0.00');
  });

  it('checks the currency is ISO 4217 and supported by the company', () => {
    expect(draftIssues({ ...VALID, currency: 'usd' })).toEqual([{ field: 'currency', message: 'must be a three-letter ISO 4217 code in capitals, e.g. USD' }]);
    expect(draftIssues({ ...VALID, currency: 'XYZ' })).toEqual([{ field: 'currency', message: 'XYZ is not an ISO 4217 currency code' }]);
    expect(draftIssues({ ...VALID, currency: 'GBP' })).toEqual([{ field: 'currency', message: "GBP is not one of the company's currencies (USD, EUR)" }]);
    const jpy = validateCampaignDraft({ ...VALID, currency: 'JPY', budget: '700000' }, ctx({}, { supportedCurrencies: ['JPY'] }));
    expect(jpy.draft.budget).toBe('700000');
    expect(draftIssues({ ...VALID, currency: 'JPY', budget: '10.5' }, ctx({}, { supportedCurrencies: ['JPY'] }))).toEqual([
      { field: 'budget', message: 'must be a whole number in this currency' },
    ]);
  });

  it('says when approval is required', () => {
    expect(validateCampaignDraft({ ...VALID, budget: '10000.00' }, ctx()).approval.required).toBe(false);
    expect(validateCampaignDraft({ ...VALID, budget: '10000.01' }, ctx()).approval).toEqual({
      required: true,
      reason: 'over_threshold',
      message: 'the budget of 10,000.01 USD is above the approval threshold of 10,000.00 USD',
    });
    expect(validateCampaignDraft(VALID, ctx({}, { approvalAlwaysRequired: true })).approval.reason).toBe('always');
    expect(validateCampaignDraft({ ...VALID, currency: 'EUR' }, ctx()).approval.reason).toBe('foreign_currency');
  });

  describe('scheduling conflicts', () => {
    const entry = (code: string, over: Partial<CalendarEntry> = {}): CalendarEntry => ({
      id: code,
      code,
      channel: 'sms',
      state: 'scheduled',
      startAt: new Date('2025-03-15T00:00:00Z'),
      endAt: new Date('2025-03-25T00:00:00Z'),
      ...over,
    });
    const calendar = [
      entry('LATE', { startAt: new Date('2025-03-19T00:00:00Z') }),
      entry('MID', { state: 'sending' }),
      entry('EMAIL', { channel: 'email' }),
      entry('DRAFT', { state: 'draft' }),
      entry('DONE', { state: 'completed' }),
      entry('ADJACENT', { startAt: new Date('2025-03-20T09:00:00Z'), endAt: new Date('2025-03-30T00:00:00Z') }),
      entry('SELF', { id: 'c-1' }),
    ];

    it('rejects overlapping planned/active campaigns on the same channel, naming them', () => {
      expect(draftIssues({ ...VALID, id: 'c-1' }, ctx({ calendar }))).toEqual([
        { field: 'startAt', message: 'overlaps 2 planned or active sms campaigns: MID, LATE' },
      ]);
    });

    it('only warns when the company does not block overlaps', () => {
      const result = validateCampaignDraft({ ...VALID, id: 'c-1' }, ctx({ calendar }, { blockChannelOverlap: false }));
      expect(result.warnings).toEqual([{ field: 'startAt', message: 'overlaps 2 planned or active sms campaigns: MID, LATE' }]);
      expect(result.conflicts.map((c) => c.code)).toEqual(['MID', 'LATE']);
    });
  });

  it('collects problems of every kind into one error', () => {
    expect(draftIssues({ ...VALID, name: '', code: 'bad code', budget: '-5', currency: 'GBP' }).map((i) => i.field)).toEqual([
      'name',
      'code',
      'currency',
      'budget',
    ]);
  });
});

describe('validateCampaignSubmission', () => {
  it('adds segment errors under audience.rules and refuses an empty audience', () => {
    expect(issuesOf(() => validateCampaignSubmission(VALID, ctx(), { rules: { all: [{ field: 'shoe', op: '=', value: 1 }] }, count: 0 }))).toEqual([
      { field: 'audience.rules.all[0].field', message: expect.stringMatching(/^unknown field "shoe"/) as unknown as string },
    ]);
    expect(issuesOf(() => validateCampaignSubmission(VALID, ctx(), { rules: { field: 'region', op: '=', value: 'East' }, count: 0 }))).toEqual([
      { field: 'audience', message: 'matches no contacts; a campaign needs at least one recipient' },
    ]);
  });

  it('reports draft and audience problems together', () => {
    expect(issuesOf(() => validateCampaignSubmission({ ...VALID, name: '' }, ctx(), { rules: null, count: 0 }))).toEqual([
      { field: 'name', message: 'is required' },
      { field: 'audience', message: 'matches no contacts; a campaign needs at least one recipient' },
    ]);
  });

  it('passes a complete campaign whose audience has recipients', () => {
    const rules = { all: [{ field: 'attributes.dealer', op: '=', value: true }, { field: 'attributes.lifting_mt', op: '>', value: 100 }] };
    expect(validateCampaignSubmission(VALID, ctx(), { rules, count: 312 }).draft.code).toBe('JAN-SMS-2025');
  });
});

describe('campaign codes', () => {
  it('generates codes from the company sequence', () => {
    expect(generateCampaignCode('CMP', 42, 2025)).toBe('CMP-2025-0042');
    expect(generateCampaignCode('acme', 123456, 2026)).toBe('ACME-2026-123456');
    expect(campaignCodeProblem(generateCampaignCode('CMP', 1, 2025))).toBeNull();
    expect(() => generateCampaignCode('C M P', 1, 2025)).toThrow(RangeError);
    expect(() => generateCampaignCode('CMP', 0, 2025)).toThrow('sequence number 0 must be a positive integer');
  });
});

describe('deletion', () => {
  it('hard-deletes only campaigns with no recipients that are not running', () => {
    expect(canHardDelete({ state: 'draft', recipientCount: 0 })).toBe(true);
    expect(canHardDelete({ state: 'cancelled', recipientCount: 0 })).toBe(true);
    expect(canHardDelete({ state: 'completed', recipientCount: 3 })).toBe(false);
    expect(() => assertDeletable({ state: 'completed', recipientCount: 3 }, 'hard')).toThrow(
      'this campaign has 3 recipients on record; it can only be archived (soft-deleted) to keep its history',
    );
    expect(() => assertDeletable({ state: 'completed', recipientCount: 3 }, 'soft')).not.toThrow();
  });

  it('refuses to delete a campaign that is sending or waiting to send', () => {
    for (const state of ['sending', 'paused', 'scheduled', 'approved', 'pending_approval'] as const) {
      let caught: unknown;
      try {
        assertDeletable({ state, recipientCount: 0 }, 'soft');
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ConflictError);
      expect((caught as ConflictError).code).toBe('campaign_active');
      expect((caught as ConflictError).message).toBe(`a ${state} campaign cannot be deleted; stop or cancel it first`);
    }
  });
});
