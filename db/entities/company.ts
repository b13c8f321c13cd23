import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export interface ChannelCosts {
  email?: string;
  sms?: string;
  push?: string;
  whatsapp?: string;
  webhook?: string;
}

export interface QuietHours {
  /** Local time in the contact's time zone, "HH:MM". */
  start: string;
  end: string;
}

export interface FrequencyCap {
  maxMessages: number;
  perDays: number;
}

/** The tenant. Its settings drive approval, cost accounting and the send rules. */
export const CompanySchema = defineEntity({
  name: 'Company',
  tableName: 'companies',
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    name: p.string().length(200),
    slug: p.string().length(64).unique(),
    currency: p.string().length(3).default('USD'),
    supportedCurrencies: p.array().default('{USD}').columnType('text[]'),
    timeZone: p.string().length(64).default('UTC'),
    approvalThreshold: p.decimal().precision(14).scale(2).defaultRaw('10000.00'),
    approvalAlwaysRequired: p.boolean().default(false),
    /** Per-message cost per channel, decimal strings in the company currency. */
    channelCosts: p.json<ChannelCosts>().default('{}'),
    quietHours: p.json<QuietHours>().nullable(),
    frequencyCap: p.json<FrequencyCap>().nullable(),
    /** Approving a campaign above the approval threshold needs a sign-in with a second factor (seed 001 §10.1). */
    requireTotpForApproval: p.boolean().default(false),
    /** Reject a campaign overlapping another planned/active one on the same channel. */
    blockChannelOverlap: p.boolean().default(false),
    /** How far ahead a campaign may be scheduled. */
    schedulingWindowDays: p.integer().default(365),
    /** Month (1-12) the fiscal year starts in, for budgets. */
    fiscalYearStartMonth: p.smallint().default(1),
    /** Sequence behind generated campaign codes. */
    campaignSeq: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});

export type Company = InferEntity<typeof CompanySchema>;
