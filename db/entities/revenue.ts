/** What campaigns earn and cost beyond per-message channel cost (seed 004 crm_conversions, ecommerce_orders). */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { ALL_CAMPAIGN_CHANNELS } from '../../domain/campaign-rules.ts';
import { CompanySchema } from './company.ts';
import { UserSchema } from './user.ts';
import { CampaignSchema } from './campaign.ts';
import { ContactSchema } from './contact.ts';
import { tenantFilter } from '../tenant.ts';

export const CONVERSION_TYPES = ['sale', 'lead', 'signup', 'demo_request'] as const;
/** A lead's qualification stage. Qualified leads: qualified, hot, opportunity, won; opportunities: opportunity, won. */
export const LEAD_STAGES = ['new', 'qualified', 'hot', 'opportunity', 'won', 'lost'] as const;

export const ConversionSchema = defineEntity({
  name: 'Conversion',
  tableName: 'conversions',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'externalId'] }],
  indexes: [{ properties: ['campaign', 'type', 'occurredAt'] }, { properties: ['contact'] }],
  checks: [{ name: 'conversions_quality_score_check', expression: '((quality_score >= 0) AND (quality_score <= 100))' }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('restrict'),
    contact: () => p.manyToOne(ContactSchema).ref().nullable().deleteRule('set null'),
    /** campaign_recipients.id of the message it is attributed to. */
    recipient: p.bigint('number').fieldName('recipient_id').nullable(),
    channel: p.enum([...ALL_CAMPAIGN_CHANNELS]).nullable(),
    variant: p.string().length(16).nullable(),
    /** The contact's region when it was attributed (seed 004's retailer regions). */
    region: p.string().length(64).nullable(),
    type: p.enum([...CONVERSION_TYPES]),
    value: p.decimal().precision(18).scale(4).defaultRaw('0'),
    currency: p.string().length(3),
    productCategory: p.string().length(100).nullable(),
    /** The CRM's id for the deal or lead: a repeated report stores once. */
    externalId: p.string().length(128),
    source: p.string().length(32),
    /** Leads only: where the lead came from (form, event, referral, ...), its stage and a 0-100 score. */
    leadSource: p.string().length(64).nullable(),
    leadStage: p.enum([...LEAD_STAGES]).nullable(),
    qualityScore: p.smallint().nullable(),
    occurredAt: p.datetime(),
    updatedAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Conversion = InferEntity<typeof ConversionSchema>;

export const ORDER_STATUSES = ['pending', 'completed', 'refunded', 'cancelled'] as const;

export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'orders',
  filters: tenantFilter,
  uniques: [{ properties: ['company', 'externalId'] }],
  indexes: [{ properties: ['campaign', 'orderedAt'] }, { properties: ['contact'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().nullable().deleteRule('restrict'),
    contact: () => p.manyToOne(ContactSchema).ref().nullable().deleteRule('set null'),
    recipient: p.bigint('number').fieldName('recipient_id').nullable(),
    channel: p.enum([...ALL_CAMPAIGN_CHANNELS]).nullable(),
    variant: p.string().length(16).nullable(),
    region: p.string().length(64).nullable(),
    productCategory: p.string().length(100).nullable(),
    externalId: p.string().length(128),
    orderValue: p.decimal().precision(18).scale(4),
    currency: p.string().length(3),
    productCount: p.integer().default(1),
    status: p.enum([...ORDER_STATUSES]).default('completed'),
    attributedToMessage: p.boolean().default(false),
    orderedAt: p.datetime(),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type Order = InferEntity<typeof OrderSchema>;

export const SPEND_CATEGORIES = ['media', 'production', 'agency', 'channel', 'other'] as const;

/** Cost recorded against a campaign beyond the per-message channel cost. */
export const SpendEntrySchema = defineEntity({
  name: 'SpendEntry',
  tableName: 'spend_entries',
  filters: tenantFilter,
  indexes: [{ properties: ['campaign', 'incurredOn'] }],
  properties: {
    id: p.uuid().primary().defaultRaw('gen_random_uuid()'),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('restrict'),
    amount: p.decimal().precision(18).scale(4),
    currency: p.string().length(3),
    category: p.enum([...SPEND_CATEGORIES]),
    /** Tracked-only channels (paid ads, social, direct mail) book their cost here. */
    channel: p.string().length(32).nullable(),
    description: p.text().nullable(),
    incurredOn: p.date(),
    createdBy: () => p.manyToOne(UserSchema).ref().nullable().deleteRule('set null'),
    createdAt: p.datetime().defaultRaw('now()').onCreate(() => new Date()),
  },
});
export type SpendEntry = InferEntity<typeof SpendEntrySchema>;
