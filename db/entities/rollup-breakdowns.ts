/**
 * The rollups beside campaign_performance_metrics that the other breakdowns read, so no dashboard
 * scans the fact tables: per region, per retailer, engagement by local day and hour (the heat map),
 * clicks per link, and the first human open / click of each message (what makes "unique" exact).
 * Written only by the statement-level triggers of migrations/…_analytics_rollups.ts, in the
 * transaction of the fact they count; `''` stands for "no variant" / "no region".
 */
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { CompanySchema } from './company.ts';
import { CampaignSchema } from './campaign.ts';
import { tenantFilter } from '../tenant.ts';

/** The counters every per-day rollup carries (see db/repositories/analytics.ts FactRow). */
function counters() {
  return {
    sent: p.bigint('number').default(0),
    delivered: p.bigint('number').default(0),
    failed: p.bigint('number').default(0),
    bounces: p.bigint('number').default(0),
    complaints: p.bigint('number').default(0),
    unsubscribes: p.bigint('number').default(0),
    opens: p.bigint('number').default(0),
    uniqueOpens: p.bigint('number').default(0),
    clicks: p.bigint('number').default(0),
    uniqueClicks: p.bigint('number').default(0),
    impressions: p.bigint('number').default(0),
    reach: p.bigint('number').default(0),
    leads: p.bigint('number').default(0),
    qualifiedLeads: p.bigint('number').default(0),
    opportunities: p.bigint('number').default(0),
    conversions: p.bigint('number').default(0),
    orders: p.bigint('number').default(0),
    conversionRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    orderRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    revenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    cost: p.decimal().precision(20).scale(4).defaultRaw('0'),
    /** Per-message channel cost, in the company's currency (cost is in the campaign's). */
    messageCost: p.decimal().precision(20).scale(4).defaultRaw('0'),
  };
}

/** Per campaign × channel × contact region × day (contacts.region; '' when unknown or not a message). */
export const CampaignRegionMetricSchema = defineEntity({
  name: 'CampaignRegionMetric',
  tableName: 'campaign_region_metrics',
  filters: tenantFilter,
  uniques: [{ name: 'campaign_region_metrics_key', properties: ['campaign', 'channel', 'region', 'day'] }],
  indexes: [{ properties: ['company', 'day'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    channel: p.string().length(32),
    region: p.string().length(64).default(''),
    day: p.date(),
    ...counters(),
  },
});
export type CampaignRegionMetric = InferEntity<typeof CampaignRegionMetricSchema>;

/**
 * Per campaign × retailer × channel × day. A retailer is a contact marked `attributes.retailer =
 * true` (seed 004's retailers are imported so); other contacts get no rows, so a consumer campaign
 * of a million recipients costs nothing here.
 */
export const CampaignRetailerMetricSchema = defineEntity({
  name: 'CampaignRetailerMetric',
  tableName: 'campaign_retailer_metrics',
  filters: tenantFilter,
  uniques: [{ name: 'campaign_retailer_metrics_key', properties: ['campaign', 'contactId', 'channel', 'day'] }],
  indexes: [{ properties: ['company', 'day'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    /** No foreign key: a deleted contact's history stays (as in campaign_recipients). */
    contactId: p.uuid(),
    channel: p.string().length(32),
    region: p.string().length(64).default(''),
    day: p.date(),
    ...counters(),
  },
});
export type CampaignRetailerMetric = InferEntity<typeof CampaignRetailerMetricSchema>;

/** Human opens and clicks per campaign × channel × local day × hour, in the company's time zone. */
export const CampaignEngagementHourSchema = defineEntity({
  name: 'CampaignEngagementHour',
  tableName: 'campaign_engagement_hours',
  filters: tenantFilter,
  uniques: [{ name: 'campaign_engagement_hours_key', properties: ['campaign', 'channel', 'day', 'hour'] }],
  indexes: [{ properties: ['company', 'day'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    channel: p.string().length(32),
    day: p.date(),
    hour: p.smallint(),
    opens: p.bigint('number').default(0),
    clicks: p.bigint('number').default(0),
  },
});
export type CampaignEngagementHour = InferEntity<typeof CampaignEngagementHourSchema>;

/** Human clicks per campaign × variant × link index × day; the URL is tracked_links'. */
export const CampaignLinkClickSchema = defineEntity({
  name: 'CampaignLinkClick',
  tableName: 'campaign_link_clicks',
  filters: tenantFilter,
  uniques: [{ name: 'campaign_link_clicks_key', properties: ['campaign', 'variant', 'linkIndex', 'day'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    campaign: () => p.manyToOne(CampaignSchema).ref().deleteRule('cascade'),
    variant: p.string().length(16).default(''),
    linkIndex: p.smallint(),
    day: p.date(),
    clicks: p.bigint('number').default(0),
    /** Messages whose first human click on this link it was. */
    uniqueClicks: p.bigint('number').default(0),
  },
});
export type CampaignLinkClick = InferEntity<typeof CampaignLinkClickSchema>;

/**
 * The first human open ('o') and click ('c') of each message. Inserted ON CONFLICT DO NOTHING by the
 * message_events trigger: under concurrent batches exactly one of them wins the row, which is what
 * counts the message once in unique opens / clicks.
 */
export const MessageEngagementSchema = defineEntity({
  name: 'MessageEngagement',
  tableName: 'message_engagements',
  filters: tenantFilter,
  properties: {
    recipientId: p.bigint('number').primary(),
    kind: p.string().length(1).primary(),
    company: p.uuid().fieldName('company_id'),
    eventId: p.bigint('number'),
  },
});
export type MessageEngagement = InferEntity<typeof MessageEngagementSchema>;

/**
 * Conversions and orders that reached Herald without a campaign (issue 8: "unattributed ones are
 * kept and reported as such"), per company and local day: the line beside the campaigns in the
 * company totals. Written by the triggers of migrations/…_unattributed_rollup.ts, like the others.
 */
export const UnattributedMetricSchema = defineEntity({
  name: 'UnattributedMetric',
  tableName: 'unattributed_metrics',
  filters: tenantFilter,
  uniques: [{ name: 'unattributed_metrics_key', properties: ['company', 'day', 'currency'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    company: () => p.manyToOne(CompanySchema).ref().deleteRule('cascade'),
    day: p.date(),
    /** The facts' own currency (an unattributed fact may be in any supported one); converted when read. */
    currency: p.string().length(3),
    leads: p.bigint('number').default(0),
    conversions: p.bigint('number').default(0),
    orders: p.bigint('number').default(0),
    conversionRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    orderRevenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
    revenue: p.decimal().precision(20).scale(4).defaultRaw('0'),
  },
});
export type UnattributedMetric = InferEntity<typeof UnattributedMetricSchema>;
