import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ALL_CAMPAIGN_CHANNELS, CAMPAIGN_CATEGORIES, CAMPAIGN_CHANNELS, CAMPAIGN_TYPES } from '../../domain/campaign-rules.ts';
import { CAMPAIGN_STATES } from '../../domain/campaign-states.ts';
import type { Recurrence } from '../../domain/campaign-recurrence.ts';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { tenantFilter } from '../tenant.ts';

export const APPROVAL_STATUSES = ['not_required', 'pending', 'approved', 'rejected', 'expired'] as const;

/** Content per channel; templates are rendered per recipient by a sandboxed engine. */
export interface CampaignContent {
  email?: { subject: string; html: string; text?: string; preheader?: string };
  sms?: { body: string };
  whatsapp?: { body: string; templateName?: string };
  push?: { title: string; body: string; url?: string };
  webhook?: { url: string; payload: string };
}
export interface SenderIdentity {
  fromName?: string;
  fromEmail?: string;
  replyTo?: string;
  smsFrom?: string;
}
export interface Variant {
  key: string;
  /** Share of the audience in percent; the variants' splits add up to 100. */
  split: number;
  content?: CampaignContent;
}
/** A recurring campaign's cadence (domain/campaign-recurrence.ts); null for a one-off campaign. */
export type RecurrenceSpec = Recurrence;

export const CampaignSchema = defineEntity({
  name: 'Campaign',
  tableName: 'campaigns',
  filters: tenantFilter,
  indexes: [
    { properties: ['company', 'status'] },
    { properties: ['company', 'startAt'] },
    { properties: ['company', 'primaryChannel', 'startAt'] },
    { properties: ['createdBy'] },
    {
      name: 'campaigns_company_code_live_unique',
      expression: 'create unique index "campaigns_company_code_live_unique" on "campaigns" ("company_id", "code") where "deleted_at" is null',
    },
  ],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    code: p.string().length(50),
    name: p.string().length(200),
    description: p.text().nullable(),
    type: p.enum([...CAMPAIGN_TYPES]),
    category: p.enum([...CAMPAIGN_CATEGORIES]).nullable(),
    /** A sending channel, or a tracked-only one (paid ads, social, organic, direct mail) that is never sent. */
    primaryChannel: p.enum([...ALL_CAMPAIGN_CHANNELS]),
    channels: p.array().columnType('text[]').default('{}'),
    status: p.enum([...CAMPAIGN_STATES]).default('draft'),
    approvalStatus: p.enum([...APPROVAL_STATUSES]).default('not_required'),
    startAt: p.datetime(),
    endAt: p.datetime(),
    totalBudget: p.decimal().precision(18).scale(4).defaultRaw('0'),
    actualSpend: p.decimal().precision(18).scale(4).defaultRaw('0'),
    currency: p.string().length(3),
    targetAudienceSize: p.integer().default(0),
    /** Percent, e.g. 2.50 means 2.5 %. */
    expectedConversionRate: p.decimal().precision(7).scale(2).defaultRaw('0'),
    targetRoi: p.decimal().precision(9).scale(2).defaultRaw('0'),
    targetLeads: p.integer().default(0),
    targetConversions: p.integer().default(0),
    content: p.json<CampaignContent>().default('{}'),
    sender: p.json<SenderIdentity>().default('{}'),
    variants: p.json<Variant[]>().default('[]'),
    recurrence: p.json<RecurrenceSpec>().nullable(),
    /** An occurrence of a recurring campaign points at the series it was copied from. */
    recurringParent: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('restrict').index(),
    /** Recipient counts kept when the workflow finalises the campaign (null until then). */
    audienceCount: p.integer().nullable(),
    sentCount: p.integer().nullable(),
    failedCount: p.integer().nullable(),
    skippedCount: p.integer().nullable(),
    /** Monotonic: a projection carrying an older version never overwrites a newer one. */
    stateVersion: p.integer().default(0),
    workflowId: p.string().length(128).nullable(),
    /** Optimistic concurrency for edits through the API (If-Match). */
    version: p.integer().version(),
    createdBy: () => p.manyToOne(UserSchema).ref().deleteRule('restrict'),
    updatedBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('restrict'),
    approvedBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('restrict'),
    approvedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
    deletedAt: p.datetime().nullable(),
  },
});
export type Campaign = InferEntity<typeof CampaignSchema>;

export const CampaignTemplateSchema = defineEntity({
  name: 'CampaignTemplate',
  tableName: 'campaign_templates',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'code'] }],
  indexes: [{ properties: ['company', 'type'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    code: p.string().length(20),
    name: p.string().length(100),
    description: p.text().nullable(),
    type: p.enum([...CAMPAIGN_TYPES]),
    channel: p.enum([...CAMPAIGN_CHANNELS]),
    structure: p.json<Record<string, unknown>>().default('{}'),
    defaultSettings: p.json<Record<string, unknown>>().default('{}'),
    content: p.json<CampaignContent>().default('{}'),
    assetReferences: p.json<string[]>().default('[]'),
    isActive: p.boolean().default(true),
    isDefault: p.boolean().default(false),
    usageCount: p.integer().default(0),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignTemplate = InferEntity<typeof CampaignTemplateSchema>;

export const BUDGET_TYPES = ['marketing', 'channel', 'regional', 'product', 'event'] as const;

/** A fiscal-year pot that campaigns draw their budgets from (seed 001 §4.2). */
export const CampaignBudgetSchema = defineEntity({
  name: 'CampaignBudget',
  tableName: 'campaign_budgets',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'code'] }],
  indexes: [{ properties: ['company', 'fiscalYear'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    code: p.string().length(20),
    name: p.string().length(100),
    description: p.text().nullable(),
    type: p.enum([...BUDGET_TYPES]),
    fiscalYear: p.integer(),
    totalAmount: p.decimal().precision(18).scale(4),
    currency: p.string().length(3),
    approvalThreshold: p.decimal().precision(18).scale(4).defaultRaw('0'),
    allocationRules: p.json<Record<string, unknown>>().default('{}'),
    costCentres: p.json<string[]>().default('[]'),
    isActive: p.boolean().default(true),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
    updatedAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()).onUpdate(() => new Date()),
  },
});
export type CampaignBudget = InferEntity<typeof CampaignBudgetSchema>;
